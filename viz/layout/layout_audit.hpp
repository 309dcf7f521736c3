// The layout self-check: panels report the texts that must be read whole (ipvsadm listings,
// headings, topology labels) and the shapes labels must not cover; the audit says which text
// is cut by its panel and which boxes overlap. Off unless `lvsim-view --check-layout` turns it
// on, so drawing pays one pointer test per call.
#pragma once

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace lvs::viz {

class LayoutAudit {
public:
    // The audit in force this frame, or nullptr.
    static LayoutAudit* active() { return active_; }
    static void set_active(LayoutAudit* a) { active_ = a; }

    // A text drawn at [min, max): it must lie inside the current window's visible region.
    void text(std::string_view what, ImVec2 min, ImVec2 max);
    // The same for the text ImGui just laid out as the last item.
    void last_item(std::string_view what);
    // A box that must not overlap the other boxes of its `group` (a panel's labels and nodes).
    void box(std::string_view what, int group, ImVec2 min, ImVec2 max);

    void begin_frame();
    // Checks the boxes, then returns every problem seen since begin_frame().
    const std::vector<std::string>& finish_frame();
    size_t texts_checked() const { return texts_; }
    size_t boxes_checked() const { return boxes_.size(); }

private:
    struct Box {
        std::string what;
        int group;
        ImVec2 min, max;
    };
    static inline LayoutAudit* active_ = nullptr;
    std::vector<std::string> problems_;
    std::vector<Box> boxes_;
    size_t texts_ = 0;
};

// Groups for LayoutAudit::box(): each panel instance draws in its own.
int next_audit_group();

}  // namespace lvs::viz
