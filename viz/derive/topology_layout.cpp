// Boost.Graph's Kamada-Kawai spring layout for the topology (the only BGL user in the viewer,
// kept in one translation unit: the headers are heavy and warn under GCC 12 at -O2).
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/circle_layout.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/kamada_kawai_spring_layout.hpp>
#include <boost/graph/topology.hpp>
#include <cmath>

#include "viz/derive/topology.hpp"

namespace lvs::viz {

namespace {

// Boost's layout_tolerance alone never stops on some symmetric graphs (four clients on one
// director: the energy keeps trading between equal nodes), and the viewer hung on lesson 25.
// Bounded: after kMaxSteps the picture is taken as it is. Deterministic either way.
struct BoundedTolerance {
    static constexpr int kMaxSteps = 20'000;
    boost::layout_tolerance<double> tolerance{0.0001};
    int* steps;
    template <typename Graph>
    bool operator()(double delta_p, typename boost::graph_traits<Graph>::vertex_descriptor p, const Graph& g,
                    bool global) {
        if (++*steps > kMaxSteps) return true;
        return tolerance(delta_p, p, g, global);
    }
};

}  // namespace

void Topology::layout() {
    const size_t n = nodes_.size();
    if (n == 0) return;
    if (n == 1) {
        nodes_[0].x = nodes_[0].y = 0.5f;
        return;
    }
    using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                        boost::property<boost::edge_weight_t, double>>;
    using Square = boost::square_topology<>;
    using Point = Square::point_type;
    Graph g(n);
    for (const auto& [a, b] : links_) boost::add_edge(a, b, 1.0, g);
    std::vector<Point> pos(n);
    auto pmap = boost::make_iterator_property_map(pos.begin(), boost::get(boost::vertex_index, g));
    // A deterministic start (the circle), so the same run always gets the same picture.
    boost::circle_graph_layout(g, pmap, 1.0);
    std::vector<int> component(n);
    const int components = boost::connected_components(g, component.data());
    // Kamada-Kawai needs a connected graph; a partial trace may not give one.
    int steps = 0;
    if (components == 1 && n > 2)
        boost::kamada_kawai_spring_layout(g, pmap, boost::get(boost::edge_weight, g), Square(),
                                          boost::side_length(2.0), BoundedTolerance{{0.0001}, &steps});

    // Turn the picture so traffic flows left to right: clients on the left, realservers on
    // the right (the layout itself has no preferred orientation).
    double cx = 0, cy = 0, sx = 0, sy = 0;
    int nc = 0, ns = 0;
    for (size_t i = 0; i < n; ++i) {
        const NodeRole r = nodes_[i].role;
        if (r == NodeRole::Client || r == NodeRole::ClientCluster) cx += pos[i][0], cy += pos[i][1], ++nc;
        if (r == NodeRole::RealServer) sx += pos[i][0], sy += pos[i][1], ++ns;
    }
    double angle = 0;
    if (nc > 0 && ns > 0) angle = -std::atan2(sy / ns - cy / nc, sx / ns - cx / nc);
    const double ca = std::cos(angle), sa = std::sin(angle);
    double minx = 1e300, maxx = -1e300, miny = 1e300, maxy = -1e300;
    for (Point& p : pos) {
        const double x = p[0] * ca - p[1] * sa, y = p[0] * sa + p[1] * ca;
        p[0] = x;
        p[1] = y;
        minx = std::min(minx, x), maxx = std::max(maxx, x), miny = std::min(miny, y),
        maxy = std::max(maxy, y);
    }
    // Kamada-Kawai does not clamp to the square: normalise to the bounding box.
    const double w = maxx - minx, h = maxy - miny;
    for (size_t i = 0; i < n; ++i) {
        nodes_[i].x = w > 1e-9 ? static_cast<float>((pos[i][0] - minx) / w) : 0.5f;
        nodes_[i].y = h > 1e-9 ? static_cast<float>((pos[i][1] - miny) / h) : 0.5f;
    }
}

}  // namespace lvs::viz
