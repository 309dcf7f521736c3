// The viewer: one run (or two side by side in compare mode) laid out in panels under one
// playback bar, all on one cursor. Knows nothing of windows or GL (app/ does that).
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "viz/panels/director_panel.hpp"
#include "viz/panels/event_log_panel.hpp"
#include "viz/panels/inspector_panel.hpp"
#include "viz/panels/report_panel.hpp"
#include "viz/panels/sockets_panel.hpp"
#include "viz/panels/timeline_panel.hpp"
#include "viz/panels/topology_panel.hpp"
#include "viz/panels/transport_panel.hpp"
#include "viz/panels/waterfall_panel.hpp"
#include "viz/run_data.hpp"
#include "viz/shortcuts.hpp"
#include "viz/viewer_state.hpp"

struct ImFont;

namespace lvs::viz {

// The panels of one run.
struct RunView {
    explicit RunView(const RunData& run);
    const RunData& run;
    std::vector<Marker> markers;
    TopologyPanel topology;
    DirectorPanel director;
    SocketsPanel sockets;
    TimelinePanel timeline;
    EventLogPanel log;
    WaterfallPanel waterfall;
    ReportPanel report;
    InspectorPanel inspector;
};

class Viewer {
public:
    // `runs`: one, or two for compare mode. The cursor starts at `at` (clamped to the run).
    Viewer(std::vector<std::unique_ptr<RunData>> runs, int64_t at);
    ViewerState& state() { return st_; }
    const ViewerState& state() const { return st_; }
    // Builds one frame of UI for `wall_dt` seconds since the last one.
    void frame(double wall_dt);
    bool quit_requested() const { return quit_; }
    // Something changes without input (playing, a message fading): keep drawing frames.
    bool animating() const;
    // A short message at the bottom of the window for a few seconds ("exported ...").
    void notify(std::string text);
    // R was pressed (once; the app reloads the files).
    bool take_reload_request() { return std::exchange(reload_requested_, false); }
    // A load error to show over the run until the next good load (empty: none).
    void set_load_error(std::string text) { st_.load_error = std::move(text); }
    // Fonts: the normal one and the large one for presentation mode.
    // Fonts: the normal one, and the presentation sizes (the largest whose layout fits the
    // window is used; `medium` may be nullptr).
    void set_fonts(ImFont* normal, ImFont* medium, ImFont* large) {
        font_normal_ = normal, font_medium_ = medium, font_large_ = large;
    }
    void set_fonts(ImFont* normal, ImFont* large) { set_fonts(normal, nullptr, large); }
    int64_t begin() const { return begin_; }
    const RunData& run(size_t i) const { return *runs_[i]; }
    int64_t end() const { return end_; }
    void apply(Action a);
    // The guided lesson's steps (of the first run) and going to one (0-based).
    const std::vector<LessonStepView>& steps() const { return views_[0]->run.steps; }
    void go_to_step(int index);

private:
    void handle_keys();
    void begin_layout();  // viewer_layout.cpp: what the regions and tabs point at this frame
    // The guided lesson (viewer_steps.cpp).
    bool at_step() const;
    void step_forward();
    void step_backward();
    void stop_at_steps(int64_t before);
    void prepare_step_view();
    void draw_step_card();
    void draw_overlays();
    // Moves the cursor; says `nothing` when it cannot move.
    void jump(int64_t to, const char* nothing);
    void header(const RunView& v) const;
    void layout_single(RunView& v, float x, float y, float w, float h);
    void layout_presentation(RunView& v, float x, float y, float w, float h);
    void layout_compare(float x, float y, float w, float h);
    void compare_column(RunView& v, int index, float x, float y, float w, float h);
    // One run's listing, picture and tabs in a rectangle (presentation and compare modes).
    void run_panels(RunView& v, float x, float y, float w, float h, bool picture_beside, bool wide);
    void set_presentation(bool on);
    int sockets_tab_flags(RunView& v);
    // The -Lnc tab of each director (shared_bar: among the presentation's tabs).
    void connection_tabs(RunView& v, bool shared_bar);
    int frames_ = 0;

    std::vector<std::unique_ptr<RunData>> runs_;
    std::vector<std::unique_ptr<RunView>> views_;
    ViewerState st_;
    TransportPanel transport_;
    Navigator nav_;
    std::vector<Marker> all_markers_;  // every run's, by time (PageUp/PageDown)
    int64_t begin_ = 0, end_ = 0;
    bool quit_ = false;
    bool reload_requested_ = false;
    ImFont* font_normal_ = nullptr;
    ImFont* font_large_ = nullptr;
    ImFont* font_medium_ = nullptr;
    // The presentation layout chosen for this frame (choose_presentation()).
    struct PresentationLayout {
        ImFont* font = nullptr;
        bool side_by_side = true;  // -Ln beside the picture (else above the tabs, picture in a tab)
        bool stack_runs = false;   // compare: one run above the other
    };
    PresentationLayout choose_presentation(float width, float height) const;
    PresentationLayout layout_;
};

}  // namespace lvs::viz
