// The picture of the network: clients, routers, the director and the realservers, placed by a
// Boost.Graph spring layout (topology_layout.cpp keeps BGL in one translation unit).
//
// With many client hosts the clients become one cluster node, so a run with thousands of
// browsers draws as clearly as a run with one.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "viz/trace_model.hpp"

namespace lvs::viz {

enum class NodeRole : uint8_t { Client, ClientCluster, Router, Director, RealServer };

struct TopoNode {
    std::string name;
    NodeRole role = NodeRole::Router;
    uint32_t members = 1;      // hosts in a client cluster
    float x = 0.5f, y = 0.5f;  // layout position in [0, 1]
};

// What a source knows about the network before clustering.
struct TopologyInput {
    struct Node {
        std::string name;
        NodeRole role;
    };
    std::vector<Node> nodes;
    std::vector<std::pair<uint32_t, uint32_t>> links;
};

class Topology {
public:
    // More client hosts than this are drawn as one cluster node.
    static constexpr size_t kMaxDrawnClients = 8;

    // `fleet`: the entities of a fleet's directors behind the router's ECMP, in the fleet's
    // order (empty: none). Each is drawn one hop from the router (the router's next hops; their
    // packets still cross the LAN switch), in a column between the router and the LAN.
    void build(const TopologyInput& in, const std::vector<std::string>& fleet = {});
    // Nodes and direct links inferred from a trace: entities and net.packet sender/receiver
    // pairs (routers do not appear in traces: packets go from node to processing node).
    static TopologyInput infer(const TraceModel& m);

    const std::vector<TopoNode>& nodes() const { return nodes_; }
    const std::vector<std::pair<uint32_t, uint32_t>>& links() const { return links_; }
    // Node of an entity or host name ("ie8:browser" -> the ie8 node or the cluster); -1 if none.
    int32_t node_of(std::string_view name) const;
    // Nodes along the shortest path a -> b (inclusive), cached.
    const std::vector<uint32_t>& path(uint32_t a, uint32_t b) const;
    int32_t director() const { return director_; }
    // A fleet's router -> director links (also in links()): the router's next hops.
    const std::vector<std::pair<uint32_t, uint32_t>>& ecmp_links() const { return ecmp_; }

private:
    void layout();  // topology_layout.cpp
    void link_next_hops();
    // A fleet's picture in columns: clients, the router, its next hops, the LAN, realservers.
    void layer_fleet(const std::vector<std::string>& fleet);
    void index_links();

    std::vector<TopoNode> nodes_;
    std::vector<std::pair<uint32_t, uint32_t>> links_;
    std::unordered_map<std::string, uint32_t> by_name_;
    std::vector<std::pair<uint32_t, uint32_t>> ecmp_;
    std::vector<std::vector<uint32_t>> adj_;
    mutable std::unordered_map<uint64_t, std::vector<uint32_t>> paths_;
    int32_t director_ = -1;
};

}  // namespace lvs::viz
