// The topology's nodes and their labels (names, a realserver's counters, a director's state),
// each label placed where it covers no node and no other label. The rest of the picture is
// topology_panel.cpp.
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_util.hpp"
#include "viz/panels/topology_panel.hpp"

namespace lvs::viz {

namespace {

// `text` without the spaces between a word and a number and without double spaces ("w 0  A 3"
// -> "w0 A3"), for a label that finds no room.
std::string compact(const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i)
        if (!(text[i] == ' ' && i > 0 && std::isalpha(static_cast<unsigned char>(text[i - 1])) != 0 &&
              i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1])) != 0) &&
            !(text[i] == ' ' && i + 1 < text.size() && text[i + 1] == ' '))
            out += text[i];
    return out;
}

}  // namespace

TopologyPanel::Look TopologyPanel::director_look(uint32_t node, int64_t t) const {
    // A fleet's members only: a pair's state is its label's (its picture is as it was).
    const int32_t d = node_director_[node];
    if (d < 0 || !run_.directors.fleet()) return Look::Normal;
    if (run_.directors.down_at(static_cast<size_t>(d), t)) return Look::Down;
    return run_.directors.out_at(static_cast<size_t>(d), t) ? Look::Out : Look::Normal;
}

void TopologyPanel::director_label(uint32_t n, int64_t t, Pending& l) const {
    // Under a director of several: its state at t ("lvs1 - MASTER" under "director", "BACKUP"
    // under "lvs2"; "node1 - ECMP in" under "director", "ECMP out" under "node3"), in the colour
    // of its listing's title, and a fleet member's entries open at t.
    const int32_t d = node_director_[n];
    if (d < 0) return;
    const DirectorSet& ds = run_.directors;
    const std::string& node = run_.topology.nodes()[n].name;
    l.text = ds.label_at(static_cast<size_t>(d), t);
    if (ds.directors()[static_cast<size_t>(d)].name == node) l.text.erase(0, node.size() + 3);  // "lvs2 - "
    if (ds.fleet()) {
        // In a crowded picture only the count (the box says in, out or down).
        l.shorter = std::to_string(node_entries_[n]) + (node_entries_[n] == 1 ? " entry" : " entries");
        l.text += ", " + l.shorter;
    }
    l.colour = ds.colour_at(static_cast<size_t>(d), t).abgr();
}

void TopologyPanel::draw_nodes(ImDrawList* dl, int64_t t, const std::string& highlight, bool hide_counters) {
    const float text_fs = ImGui::GetFontSize();
    // Node sizes follow the font, shrunk when the picture is small (large fonts, small panel).
    const float fs = text_fs * std::clamp(std::min(w_, h_) / (text_fs * 14), 0.5f, 1.0f);
    std::vector<Placed> taken;  // node shapes first, then each label as it is placed
    std::vector<Pending> labels;
    std::vector<Pending> last;  // placed after every other label
    for (uint32_t n = 0; n < run_.topology.nodes().size(); ++n) {
        const TopoNode& node = run_.topology.nodes()[n];
        const P c = node_pos(n);
        float r = draw_node_shape(dl, node, c, fs, director_look(n, t));
        if (node.name == highlight) {  // the lesson step points at it; its labels go outside the ring
            r = r * 1.6f + 4;
            dl->AddCircle(ImVec2(c.x, c.y), r, colours::kDirector.abgr(), 24, 3.0f);
        }
        taken.push_back({ImVec2(c.x - r * 1.4f, c.y - r), ImVec2(c.x + r * 1.4f, c.y + r)});
        const bool router = node.role == NodeRole::Router;
        if (router && w_ < text_fs * 24) continue;  // a cramped picture keeps only the hosts' names
        labels.push_back({c, r, node.name, (router ? colours::kDimText : colours::kText).abgr(), false});
        if (node.role == NodeRole::Director) {
            Pending state{c, r, "", 0, true, true};
            director_label(n, t, state);
            if (!state.text.empty()) last.push_back(std::move(state));
        }
        if (node.role != NodeRole::RealServer || hide_counters) continue;  // hidden with -Ln by a step
        for (const RealServerSeries& s : run_.series) {
            if (s.name != node.name) continue;
            const double w = s.weight.at(t), a = s.active.at(t), i = s.inactive.at(t);
            char buf[64];
            if (std::isnan(w)) std::snprintf(buf, sizeof buf, "not in service");
            else std::snprintf(buf, sizeof buf, "w %g  A %g  I %g", w, a, i);
            labels.push_back({c, r, buf, colours::kDimText.abgr(), true});
        }
    }
    labels.insert(labels.end(), last.begin(), last.end());
    place_labels(dl, labels, taken);
}

void TopologyPanel::place_labels(ImDrawList* dl, const std::vector<Pending>& labels,
                                 std::vector<Placed>& taken) const {
    // Each label on the first side (preferred, then the other, right, left) where it covers no
    // node and no label placed before it, and stays inside the panel.
    const ImVec2 clip_min = dl->GetClipRectMin(), clip_max = dl->GetClipRectMax();
    const int group = LayoutAudit::active() != nullptr ? next_audit_group() : 0;
    for (const Pending& pending : labels) {
        Pending l = pending;
        ImVec2 ts, at;
        bool found = false;
        // A label that finds no free side is tried again in its compact form ("w0 A3 I0").
        for (int attempt = 0; attempt < 2; ++attempt) {
            ts = ImGui::CalcTextSize(l.text.c_str());
            const ImVec2 above(std::floor(l.c.x - ts.x * 0.5f), std::floor(l.c.y - l.r - ts.y - 2));
            const ImVec2 below(std::floor(l.c.x - ts.x * 0.5f), std::floor(l.c.y + l.r + 2));
            const ImVec2 right(std::floor(l.c.x + l.r * 1.4f + 4), std::floor(l.c.y - ts.y * 0.5f));
            const ImVec2 left(std::floor(l.c.x - l.r * 1.4f - 4 - ts.x), std::floor(l.c.y - ts.y * 0.5f));
            const float half = std::floor(ts.x * 0.5f + l.r);
            const ImVec2 order[8] = {l.below ? below : above,
                                     l.below ? above : below,
                                     right,
                                     left,
                                     ImVec2(below.x + half, below.y),
                                     ImVec2(below.x - half, below.y),
                                     ImVec2(above.x + half, above.y),
                                     ImVec2(above.x - half, above.y)};
            const auto free_at = [&](ImVec2 a) {
                const ImVec2 z(a.x + ts.x, a.y + ts.y);
                if (a.x < clip_min.x || a.y < clip_min.y || z.x > clip_max.x || z.y > clip_max.y)
                    return false;
                for (const Placed& p : taken)
                    if (!(z.x <= p.min.x || p.max.x <= a.x || z.y <= p.min.y || p.max.y <= a.y)) return false;
                return true;
            };
            at = order[0];
            found = false;
            for (const ImVec2& o : order)
                if (free_at(o)) {
                    at = o;
                    found = true;
                    break;
                }
            const std::string shorter = l.shorter.empty() ? compact(l.text) : l.shorter;
            if (found || shorter == l.text) break;
            l.text = shorter;
        }
        if (!found && l.optional) continue;
        // On a dark plate: readable where lines pass under it.
        dl->AddRectFilled(ImVec2(at.x - 2, at.y), ImVec2(at.x + ts.x + 2, at.y + ts.y),
                          colours::kBackground.abgr(190), 2.0f);
        dl->AddText(at, l.colour, l.text.c_str());
        taken.push_back({at, ImVec2(at.x + ts.x, at.y + ts.y)});
        if (LayoutAudit* audit = LayoutAudit::active())
            audit->text(l.text, at, ImVec2(at.x + ts.x, at.y + ts.y));
    }
    if (LayoutAudit* audit = LayoutAudit::active())
        for (size_t i = 0; i < taken.size(); ++i)
            audit->box(
                i < run_.topology.nodes().size() ? "node " + run_.topology.nodes()[i].name : "topology label",
                group, taken[i].min, taken[i].max);
}

float TopologyPanel::draw_node_shape(ImDrawList* dl, const TopoNode& node, P c, float fs, Look look) const {
    float r = fs * 0.8f;
    switch (node.role) {
        case NodeRole::Client: dl->AddCircleFilled(ImVec2(c.x, c.y), r, colours::kClient.abgr(), 14); break;
        case NodeRole::ClientCluster:
            r = fs * 1.3f;
            dl->AddCircleFilled(ImVec2(c.x, c.y), r, colours::kClient.abgr(), 16);
            dl->AddCircle(ImVec2(c.x, c.y), r + 4, colours::kClient.abgr(150), 16, 2.0f);
            break;
        case NodeRole::Router:
            r = fs * 0.45f;
            dl->AddQuadFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x, c.y + r),
                              ImVec2(c.x - r, c.y), colours::kRouter.abgr());
            break;
        case NodeRole::Director: {
            r = fs * 1.0f;
            const ImVec2 a(c.x - r * 1.4f, c.y - r * 0.8f), b(c.x + r * 1.4f, c.y + r * 0.8f);
            if (look == Look::Normal) {
                dl->AddRectFilled(a, b, colours::kDirector.abgr(), 4.0f);
                break;
            }
            // Out of the router's group: a dim box in outline; down: a red cross over it.
            dl->AddRectFilled(a, b, colours::kDirector.abgr(look == Look::Out ? 55 : 35), 4.0f);
            dl->AddRect(a, b, (look == Look::Out ? colours::kDirector : colours::kFail).abgr(160), 4.0f, 0,
                        1.5f);
            if (look == Look::Down) {
                dl->AddLine(ImVec2(a.x + 3, a.y + 3), ImVec2(b.x - 3, b.y - 3), colours::kFail.abgr(), 3.0f);
                dl->AddLine(ImVec2(a.x + 3, b.y - 3), ImVec2(b.x - 3, a.y + 3), colours::kFail.abgr(), 3.0f);
            }
            break;
        }
        case NodeRole::RealServer:
            r = fs * 0.9f;
            dl->AddRectFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), colours::kRealServer.abgr(),
                              3.0f);
            break;
    }
    return r;
}

}  // namespace lvs::viz
