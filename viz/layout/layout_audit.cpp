#include "viz/layout/layout_audit.hpp"

#include <imgui_internal.h>

#include <cmath>
#include <cstdio>

namespace lvs::viz {

namespace {

std::string describe(std::string_view what, ImVec2 min, ImVec2 max) {
    char where[96];
    std::snprintf(where, sizeof where, " at (%.0f,%.0f)-(%.0f,%.0f)", min.x, min.y, max.x, max.y);
    return "'" + std::string(what.substr(0, 60)) + "'" + where;
}

int g_group = 0;

}  // namespace

int next_audit_group() { return ++g_group; }

void LayoutAudit::begin_frame() {
    problems_.clear();
    boxes_.clear();
    texts_ = 0;
    g_group = 0;
}

void LayoutAudit::text(std::string_view what, ImVec2 min, ImVec2 max) {
    ++texts_;
    // The window's visible part: its clip rectangle (a child inside a scrolled or smaller
    // parent is clipped by it too). Half a pixel of slack for rounding.
    const ImGuiWindow* w = ImGui::GetCurrentWindowRead();
    const ImRect clip = w->ClipRect;
    if (min.x < clip.Min.x - 0.5f || max.x > clip.Max.x + 0.5f || min.y < clip.Min.y - 0.5f ||
        max.y > clip.Max.y + 0.5f) {
        char panel[128];
        std::snprintf(panel, sizeof panel, " is cut by its panel (%.0f,%.0f)-(%.0f,%.0f)", clip.Min.x,
                      clip.Min.y, clip.Max.x, clip.Max.y);
        problems_.push_back(describe(what, min, max) + panel);
    }
}

void LayoutAudit::last_item(std::string_view what) {
    text(what, ImGui::GetItemRectMin(), ImGui::GetItemRectMax());
}

void LayoutAudit::box(std::string_view what, int group, ImVec2 min, ImVec2 max) {
    boxes_.push_back({std::string(what), group, min, max});
}

const std::vector<std::string>& LayoutAudit::finish_frame() {
    for (size_t i = 0; i < boxes_.size(); ++i)
        for (size_t j = i + 1; j < boxes_.size(); ++j) {
            const Box& a = boxes_[i];
            const Box& b = boxes_[j];
            if (a.group != b.group) continue;
            const bool apart =
                a.max.x <= b.min.x || b.max.x <= a.min.x || a.max.y <= b.min.y || b.max.y <= a.min.y;
            if (!apart)
                problems_.push_back(describe(a.what, a.min, a.max) + " overlaps " +
                                    describe(b.what, b.min, b.max));
        }
    return problems_;
}

}  // namespace lvs::viz
