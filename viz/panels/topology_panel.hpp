// The network at the cursor: nodes placed by the BGL layout, each open connection drawn along
// its path (client side coloured by the client's TCP state, server side by the server's),
// the director's connection table as a grid of entries, and packets in flight moving along
// their links. A fleet's members each carry their own connections; one out of the router's
// ECMP group is dimmed (and its link from the router dashed), a crashed one crossed out.
// The nodes and their labels are drawn by topology_nodes.cpp.
#pragma once

#include <imgui.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "viz/run_data.hpp"
#include "viz/viewer_state.hpp"

struct ImDrawList;

namespace lvs::viz {

class TopologyPanel {
public:
    explicit TopologyPanel(const RunData& run);
    void draw(ViewerState& st, float width, float height);

    // Above this many open connections, lines are bundled per path and state.
    static constexpr size_t kMaxSingleLines = 48;
    static constexpr size_t kMaxPackets = 160;

private:
    struct P {
        float x, y;
    };
    P node_pos(uint32_t n) const;
    void draw_connections(ImDrawList* dl, int64_t t);
    void draw_entries(ImDrawList* dl, int64_t t);
    void draw_packets(ImDrawList* dl, int64_t t);
    void draw_selected(ImDrawList* dl, int32_t conn, int64_t t);
    // The connection drawn nearest `m` (single lines only, not bundles), or -1.
    int32_t line_at(ImVec2 m) const;
    // A path's vertices offset sideways by `offset` pixels (a fanned line): their count, at most 16.
    int offset_points(const std::vector<uint32_t>& nodes, float offset, ImVec2 (&pts)[16]) const;
    struct Line {
        uint32_t conn, from, to;
        float offset;
    };
    std::vector<Line> lines_;  // the lines drawn in the last frame
    // A label waiting for its place, and a box already taken (a node's or a placed label's).
    struct Pending {
        P c;
        float r;
        std::string text;
        uint32_t colour;
        bool below;                // its preferred side: the name above the node, the counters below
        bool optional = false;     // left out when it finds no free side
        std::string shorter = {};  // tried when it finds none (else the text without some spaces)
    };
    struct Placed {
        ImVec2 min, max;
    };
    // How a fleet member looks at t: in the router's group, out of it, or down.
    enum class Look : uint8_t { Normal, Out, Down };
    Look director_look(uint32_t node, int64_t t) const;
    void director_label(uint32_t node, int64_t t, Pending& label) const;
    void draw_links(ImDrawList* dl, int64_t t) const;
    void draw_nodes(ImDrawList* dl, int64_t t, const std::string& highlight, bool hide_counters);
    void place_labels(ImDrawList* dl, const std::vector<Pending>& labels, std::vector<Placed>& taken) const;
    // Draws a node's shape at `c`; returns its radius (half its height).
    float draw_node_shape(ImDrawList* dl, const TopoNode& node, P c, float fs, Look look) const;
    // The director node whose entry carries connection `conn` at t (a fleet's member; else the
    // first director, `dir`).
    uint32_t conn_director(uint32_t conn, int64_t t, uint32_t dir) const;
    // A point at distance `f` (0..1) along the polyline through `nodes`, offset sideways.
    P along(const std::vector<uint32_t>& nodes, float f, float offset) const;
    void polyline(ImDrawList* dl, const std::vector<uint32_t>& nodes, float offset, uint32_t colour,
                  float thickness) const;

    int32_t node_of(StrId name) const;

    const RunData& run_;
    // Topology nodes of every connection's client and server, and of every entity name,
    // resolved once (thousands of connections are drawn per frame).
    std::vector<std::pair<int32_t, int32_t>> conn_nodes_;
    std::vector<int32_t> node_director_;  // topology node -> index into run.directors (-1)
    std::vector<int> node_entries_;       // a fleet: each node's entries open at the cursor
    mutable std::unordered_map<StrId, int32_t> node_cache_;
    int64_t max_flight_ = 0;  // longest packet flight, bounds the in-flight scan
    std::vector<uint32_t> alive_;
    float ox_ = 0, oy_ = 0, w_ = 1, h_ = 1;
    float entries_x_ = 0, entries_y_ = 0;
};

}  // namespace lvs::viz
