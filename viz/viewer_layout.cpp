// The viewer's layouts: which panels go where in the normal, presentation and compare modes,
// the type size a projector gets, and the borders and tabs a lesson step points at. Separate
// from viewer.cpp, which owns the input, the playback and the frame.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <string_view>

#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_util.hpp"
#include "viz/viewer.hpp"

namespace lvs::viz {

namespace {

// A bordered child region at an absolute position in the root window.
bool begin_region(const char* id, float x, float y, float w, float h, ImGuiWindowFlags flags = 0) {
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    return ImGui::BeginChild(id, ImVec2(w, h), true, flags);
}

// What the current lesson step points at (set by Viewer::frame), for the regions and tabs.
const ViewerState* g_state = nullptr;

// A thick border around a region the lesson step points at.
void mark_if(const char* panel, float x, float y, float w, float h) {
    if (g_state == nullptr || g_state->highlight != panel) return;
    ImGui::GetForegroundDrawList()->AddRect(ImVec2(x - 1, y - 1), ImVec2(x + w + 1, y + h + 1),
                                            colours::kDirector.abgr(), 4.0f, 0, 3.0f);
}

// The tab of `panel` comes up when a step arrives pointing at it.
ImGuiTabItemFlags tab_flags(const char* panel) {
    return g_state != nullptr && g_state->step_arrived && g_state->highlight == panel
               ? ImGuiTabItemFlags_SetSelected
               : 0;
}

// The topology's tab also comes up for a step pointing at a host (rs1, ie8, director).
ImGuiTabItemFlags topology_tab_flags() {
    if (g_state == nullptr || !g_state->step_arrived || g_state->highlight.empty()) return 0;
    for (const char* panel : {"listing", "connections", "timeline", "log", "waterfall", "report"})
        if (g_state->highlight == panel) return 0;
    return ImGuiTabItemFlags_SetSelected;
}

// One tab of a tab bar, its panel drawn in the space the tab leaves.
template <class Draw>
void tab(const char* label, Draw&& draw, ImGuiTabItemFlags flags = 0) {
    if (!ImGui::BeginTabItem(label, nullptr, flags)) return;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    draw(avail.x, avail.y);
    ImGui::EndTabItem();
}

}  // namespace

void Viewer::begin_layout() { g_state = &st_; }

Viewer::PresentationLayout Viewer::choose_presentation(float width, float height) const {
    // Every run's `ipvsadm -Ln` must fit whole, in the largest font that allows it:
    // - one run: the listing beside the picture (preferred, at the large or middle size), else
    //   across the width with the picture in a tab;
    // - compare: the runs side by side when a listing fits half the width, else one above the
    //   other, each listing with the tabs beside it.
    // Several directors' listings must also fit the height run_panels() gives them (more than
    // two go in columns when the listing has the width to itself).
    const float avail = width - 2 * ImGui::GetStyle().WindowPadding.x - 8;
    const bool compare = views_.size() == 2;
    std::vector<ImFont*> fonts;
    if (st_.presentation)
        for (ImFont* f : {font_large_, font_medium_})
            if (f != nullptr) fonts.push_back(f);
    fonts.push_back(font_normal_);
    struct Sizes {
        float listing, picture, tabs;
        bool tall = false;         // several directors' listings taller than their room
        bool tall_across = false;  // the same across the whole width
    };
    const auto sizes = [&](ImFont* f) {
        if (f != nullptr) ImGui::PushFont(f);
        Sizes z{0, std::max(avail * 0.3f, ImGui::GetFontSize() * 16),
                std::max(avail * 0.36f, ImGui::GetFontSize() * 22)};
        for (const auto& v : views_) {
            z.listing = std::max(z.listing, v->director.listing_width(st_.cursor.t));
            // The room under the header and the playback bar (about five lines).
            const float room = (height - ImGui::GetFontSize() * 5) * (compare ? 0.5f : 1.0f) * 0.62f;
            if (v->director.director_count() <= 1) continue;
            if (v->director.listing_height(st_.cursor.t) + 8 > room) z.tall = true;
            if (v->director.listing_height(st_.cursor.t, avail) + 8 > room) z.tall_across = true;
        }
        if (f != nullptr) ImGui::PopFont();
        return z;
    };
    if (!compare) {
        // A projector wants the large sizes: the picture gives way (into a tab) before they do.
        for (ImFont* f : fonts)
            if (const Sizes z = sizes(f); f != font_normal_ && !z.tall && z.listing + z.picture + 4 <= avail)
                return {f, true, false};
        for (ImFont* f : fonts)
            if (const Sizes z = sizes(f); f != font_normal_ && !z.tall_across && z.listing <= avail)
                return {f, false, false};
        // A fleet's listings across the width, whole in the normal size, else scrolled in a size
        // readable from the back of the room (a pair's two listings keep to the rule below).
        if (st_.presentation && views_[0]->director.director_count() > 2) {
            if (const Sizes z = sizes(font_normal_); !z.tall_across && z.listing <= avail)
                return {font_normal_, false, false};
            if (font_medium_ != nullptr)
                if (const Sizes z = sizes(font_medium_); z.listing <= avail)
                    return {font_medium_, false, false};
        }
        const Sizes z = sizes(font_normal_);
        return {font_normal_, z.listing + z.picture + 4 <= avail, false};
    }
    const float column = (avail - 6) * 0.5f;
    for (ImFont* f : fonts) {
        const Sizes z = sizes(f);
        if (z.tall && f != font_normal_) continue;
        if (z.listing + z.picture + 4 <= column) return {f, true, false};
        if (z.listing + z.tabs + 4 <= avail) return {f, false, true};
        if (z.listing <= column) return {f, false, false};
    }
    return {font_normal_, false, true};
}

void Viewer::connection_tabs(RunView& v, bool shared_bar) {
    // One -Lnc tab per director. In a bar of its own, the VIP owner's comes up when the VIPs
    // move (and on the first frame); in the shared bar (presentation, compare) only a lesson
    // step brings one up, the owner's, so the timeline keeps its place.
    const size_t n = v.director.director_count();
    const int32_t owner = n > 1 ? std::max(0, v.director.owner(st_.cursor.t)) : 0;
    const bool moved = !shared_bar && n > 1 && v.director.owner_changed(st_.cursor.t);
    for (size_t d = 0; d < n; ++d) {
        const bool mine = static_cast<int32_t>(d) == owner;
        const ImGuiTabItemFlags flags = shared_bar ? (mine ? tab_flags("connections") : 0)
                                                   : (moved && mine ? ImGuiTabItemFlags_SetSelected : 0);
        tab(
            v.director.connections_tab(d, st_.cursor.t).c_str(),
            [&](float cw, float ch) { v.director.draw_connections(st_, cw, ch, d); }, flags);
    }
}

int Viewer::sockets_tab_flags(RunView& v) {
    // --sockets HOST: the ss tab comes up selected on that host, for the first frames.
    if (st_.sockets_host.empty()) return 0;
    v.sockets.select(st_.sockets_host);
    return ImGuiTabItemFlags_SetSelected;
}

void Viewer::layout_single(RunView& v, float x, float y, float w, float h) {
    const float gap = 4;
    const float fs = ImGui::GetFontSize();
    const float left_w = std::floor(std::clamp(w * 0.34f, fs * 34, fs * 52));
    const float right_w = w - left_w - gap;
    // Left column: topology, -Ln, -Lnc. Several directors' listings take some of the
    // picture's room, a fleet's more than a pair's.
    const size_t n = v.director.director_count();
    const float topo_h = std::floor(h * (n > 2 ? 0.30f : n > 1 ? 0.31f : 0.37f));
    const float ln_most = n > 2 ? 0.44f : n > 1 ? 0.38f : 0.28f;
    const float ln_h = std::floor(std::min(v.director.listing_height(st_.cursor.t, left_w) + 8, h * ln_most));
    const float lnc_h = h - topo_h - ln_h - 2 * gap;
    mark_if("topology", x, y, left_w, topo_h);
    if (begin_region("##topology", x, y, left_w, topo_h, ImGuiWindowFlags_NoScrollbar)) {
        panel_title("Topology", "open connections by TCP state: client side, server side; packets in flight");
        v.topology.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    }
    ImGui::EndChild();
    mark_if("listing", x, y + topo_h + gap, left_w, ln_h);
    if (begin_region("##director", x, y + topo_h + gap, left_w, ln_h, ImGuiWindowFlags_NoScrollbar))
        v.director.draw_listing(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    mark_if("connections", x, y + topo_h + ln_h + 2 * gap, left_w, lnc_h);
    if (begin_region("##lncregion", x, y + topo_h + ln_h + 2 * gap, left_w, lnc_h,
                     ImGuiWindowFlags_NoScrollbar)) {
        // A fleet's many tabs scroll rather than shrink to unreadable stubs.
        if (ImGui::BeginTabBar("##lnctabs", n > 2 ? ImGuiTabBarFlags_FittingPolicyScroll : 0)) {
            connection_tabs(v, false);
            tab(
                "ss -tin (hosts)", [&](float tw, float th) { v.sockets.draw(st_, tw, th); },
                sockets_tab_flags(v));
            ImGui::EndTabBar();
        }
    }
    ImGui::EndChild();

    // Right column: the timeline, then the log and the client outcomes.
    const float rx = x + left_w + gap;
    const float tl_h = std::floor(h * 0.60f);
    mark_if("timeline", rx, y, right_w, tl_h);
    if (begin_region("##timeline", rx, y, right_w, tl_h,
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse))
        v.timeline.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    const float by = y + tl_h + gap, bh = h - tl_h - gap;
    const float log_w = std::floor(right_w * 0.62f);
    mark_if("log", rx, by, log_w, bh);
    if (begin_region("##log", rx, by, log_w, bh, ImGuiWindowFlags_NoScrollbar))
        v.log.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    mark_if("waterfall", rx + log_w + gap, by, right_w - log_w - gap, bh);
    if (begin_region("##outcomes", rx + log_w + gap, by, right_w - log_w - gap, bh,
                     ImGuiWindowFlags_NoScrollbar)) {
        if (ImGui::BeginTabBar("##outtabs")) {
            tab("Client outcomes", [&](float tw, float th) { v.waterfall.draw(st_, tw, th); });
            tab("Report", [&](float tw, float th) { v.report.draw(st_, tw, th); });
            ImGui::EndTabBar();
        }
    }
    ImGui::EndChild();
}

void Viewer::layout_presentation(RunView& v, float x, float y, float w, float h) {
    // Large fonts leave room for fewer panels: the director's listing, whole, with the picture
    // beside it when both fit (choose_presentation()), and one big tabbed area below.
    run_panels(v, x, y, w, h, layout_.side_by_side, false);
}

void Viewer::run_panels(RunView& v, float x, float y, float w, float h, bool picture_beside, bool wide) {
    const float gap = 4;
    const float ln_w = std::floor(std::min(w, v.director.listing_width(st_.cursor.t)));
    // `wide`: a compare band (one run above the other): the listing on the left, the tabs
    // beside it. Otherwise the listing (and maybe the picture) on top, the tabs below.
    // Several directors' listings may take a little more of the height.
    const float pic_w = picture_beside && !wide ? w - ln_w - gap : 0;
    const float ln_h = v.director.listing_height(st_.cursor.t, wide || pic_w > 0 ? ln_w : w) + 8;
    const float most = v.director.director_count() > 1 ? 0.62f : 0.55f;
    const float top_h = wide ? h : std::floor(std::min(h * most, std::max(h * 0.40f, ln_h)));
    if (pic_w > 0) {
        mark_if("topology", x, y, pic_w, top_h);
        if (begin_region("##ptopo", x, y, pic_w, top_h, ImGuiWindowFlags_NoScrollbar))
            v.topology.draw(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
        ImGui::EndChild();
    }
    const float lx = pic_w > 0 ? x + pic_w + gap : x;
    const float lw = wide || pic_w > 0 ? ln_w : w;
    mark_if("listing", lx, y, lw, top_h);
    if (begin_region("##pdir", lx, y, lw, top_h, ImGuiWindowFlags_NoScrollbar))
        v.director.draw_listing(st_, ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y);
    ImGui::EndChild();
    const float tx = wide ? x + ln_w + gap : x, ty = wide ? y : y + top_h + gap;
    const float tw = wide ? w - ln_w - gap : w, th = wide ? h : h - top_h - gap;
    for (const char* panel : {"timeline", "log", "connections", "waterfall", "report"})
        mark_if(panel, tx, ty, tw, th);
    if (begin_region("##pbottom", tx, ty, tw, th,
                     ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse)) {
        if (ImGui::BeginTabBar("##ptabs", ImGuiTabBarFlags_FittingPolicyScroll)) {
            tab(
                "Timeline", [&](float cw, float ch) { v.timeline.draw(st_, cw, ch); }, tab_flags("timeline"));
            if (pic_w <= 0)
                tab(
                    "Topology", [&](float cw, float ch) { v.topology.draw(st_, cw, ch); },
                    topology_tab_flags());
            tab(
                "Event log", [&](float cw, float ch) { v.log.draw(st_, cw, ch); }, tab_flags("log"));
            connection_tabs(v, true);
            tab(
                "ss -tin", [&](float cw, float ch) { v.sockets.draw(st_, cw, ch); }, sockets_tab_flags(v));
            tab(
                "Client outcomes", [&](float cw, float ch) { v.waterfall.draw(st_, cw, ch); },
                tab_flags("waterfall"));
            tab(
                "Report", [&](float cw, float ch) { v.report.draw(st_, cw, ch); }, tab_flags("report"));
            ImGui::EndTabBar();
        }
    }
    ImGui::EndChild();
}

void Viewer::layout_compare(float x, float y, float w, float h) {
    const float gap = 6;
    if (layout_.stack_runs) {  // too narrow for two columns: one run above the other
        const float ch = std::floor((h - gap) * 0.5f);
        compare_column(*views_[0], 0, x, y, w, ch);
        compare_column(*views_[1], 1, x, y + ch + gap, w, h - ch - gap);
        return;
    }
    const float cw = std::floor((w - gap) * 0.5f);
    compare_column(*views_[0], 0, x, y, cw, h);
    compare_column(*views_[1], 1, x + cw + gap, y, w - cw - gap, h);
}

void Viewer::compare_column(RunView& v, int index, float x, float y, float w, float h) {
    ImGui::PushID(index);
    const float lh = ImGui::GetTextLineHeightWithSpacing();
    ImGui::SetCursorScreenPos(ImVec2(x, y));
    ImGui::TextColored(to_vec4(colours::kDirector), "%s", v.run.title.c_str());
    ImGui::SameLine();
    const std::string lesson =
        fit_text(v.run.lesson.substr(0, v.run.lesson.find('\n')), x + w - ImGui::GetCursorScreenPos().x);
    ImGui::TextColored(to_vec4(colours::kDimText), "%s", lesson.c_str());
    if (LayoutAudit* audit = LayoutAudit::active()) audit->last_item(lesson);
    run_panels(v, x, y + lh, w, h - lh, layout_.side_by_side && !layout_.stack_runs, layout_.stack_runs);
    ImGui::PopID();
}

}  // namespace lvs::viz
