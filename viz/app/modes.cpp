#include "viz/app/modes.hpp"

#include <imgui.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "viz/app/window.hpp"
#include "viz/layout/layout_audit.hpp"
#include "viz/source/loader.hpp"
#include "viz/viewer.hpp"

namespace lvs::viz {

namespace {

struct Loading {
    std::unique_ptr<RunLoader> loader;
    std::unique_ptr<RunData> data;
};

// Opens the inputs (bad input throws InputError before any window exists).
std::vector<Loading> open_inputs(const Options& o) {
    std::vector<Loading> out;
    out.push_back({open_run(o.file, o.sets), nullptr});
    if (!o.compare.empty()) out.push_back({open_run(o.compare, o.compare_sets), nullptr});
    return out;
}

std::unique_ptr<Viewer> make_viewer(std::vector<Loading>& inputs, const Options& o, Window& w,
                                    bool headless) {
    std::vector<std::unique_ptr<RunData>> runs;
    for (Loading& l : inputs) runs.push_back(std::move(l.data));
    auto v = std::make_unique<Viewer>(std::move(runs), o.at);
    v->set_fonts(w.normal_font(), w.medium_font(), w.large_font());
    ViewerState& st = v->state();
    st.headless = headless;
    st.view.set_compressed(o.compressed);
    if (o.zoom) st.view.show(o.zoom->first, o.zoom->second);
    st.playback.set_speed(o.speed);
    if (o.presentation) v->apply(Action::TogglePresentation);
    st.sockets_host = o.sockets;
    if (o.step > 0) {
        if (o.step > static_cast<int>(v->steps().size()))
            throw InputError("--step " + std::to_string(o.step) + ": the lesson has " +
                             std::to_string(v->steps().size()) + " steps");
        v->go_to_step(o.step - 1);
    }
    return v;
}

std::unique_ptr<Window> open_window(const Options& o, bool visible, bool headless, int& status) {
    std::string error;
    auto w = Window::open(o.width, o.height, visible, headless, error);
    if (!w) {
        std::fprintf(
            stderr,
            "lvsim-view: no display: %s\n  (run it under a desktop session, or headless with xvfb-run)\n",
            error.c_str());
        status = kExitNoDisplay;
    }
    return w;
}

// One headless frame: no input, `dt` seconds of wall time, written to `png` when named.
bool headless_frame(Window& w, Viewer& v, double dt, const std::string& png) {
    w.wait_events(false, 0);
    w.begin_frame();
    v.frame(dt);
    return w.end_frame(png);
}

// The runs loaded whole and shown in a hidden window (screenshots, the layout check); no window
// (and `status` saying why) when there is no display.
struct Headless {
    std::vector<Loading> inputs;
    std::unique_ptr<Window> window;
    std::unique_ptr<Viewer> viewer;
};
Headless open_headless(const Options& o, int& status) {
    Headless h{open_inputs(o), nullptr, nullptr};
    for (Loading& l : h.inputs) l.data = l.loader->finish();
    h.window = open_window(o, false, true, status);
    if (h.window) h.viewer = make_viewer(h.inputs, o, *h.window, true);
    return h;
}

}  // namespace

int run_screenshot(const Options& o) {
    int status = kExitOk;
    Headless h = open_headless(o, status);
    if (!h.window) return status;
    Window* w = h.window.get();
    Viewer* viewer = h.viewer.get();
    for (int f = 0; f < o.frames; ++f) {
        const bool last = f + 1 == o.frames;
        // No wall time: the same command gives the same image.
        if (!headless_frame(*w, *viewer, 0.0, last ? o.screenshot : std::string())) {
            std::fprintf(stderr, "lvsim-view: cannot write %s\n", o.screenshot.c_str());
            return kExitFailure;
        }
    }
    std::printf("lvsim-view: wrote %s (%dx%d) at %.6f s\n", o.screenshot.c_str(), o.width, o.height,
                static_cast<double>(viewer->state().cursor.t) / 1e9);
    return kExitOk;
}

int run_layout_check(const Options& o) {
    int status = kExitOk;
    Headless h = open_headless(o, status);
    if (!h.window) return status;
    Window* w = h.window.get();
    Viewer* viewer = h.viewer.get();
    LayoutAudit audit;
    std::vector<std::string> problems;
    for (int f = 0; f < std::max(3, o.frames); ++f) {
        const bool last = f + 1 == std::max(3, o.frames);
        // The last frames are audited: the first ones settle ImGui's sizes.
        LayoutAudit::set_active(last ? &audit : nullptr);
        audit.begin_frame();
        if (!headless_frame(*w, *viewer, 0.0, last ? o.screenshot : std::string())) {
            std::fprintf(stderr, "lvsim-view: cannot write %s\n", o.screenshot.c_str());
            return kExitFailure;
        }
        if (last) problems = audit.finish_frame();
    }
    LayoutAudit::set_active(nullptr);
    const char* mode = viewer->state().presentation ? " presentation" : "";
    if (problems.empty()) {
        std::printf(
            "lvsim-view: layout OK at %dx%d%s%s: %zu texts fit their panels, %zu boxes do not overlap\n",
            o.width, o.height, mode, o.compare.empty() ? "" : " compare", audit.texts_checked(),
            audit.boxes_checked());
        return kExitOk;
    }
    std::printf("lvsim-view: layout problems at %dx%d%s%s:\n", o.width, o.height, mode,
                o.compare.empty() ? "" : " compare");
    for (const std::string& p : problems) std::printf("  %s\n", p.c_str());
    return kExitFailure;
}

int run_benchmark(const Options& o) {
    using clock = std::chrono::steady_clock;
    std::vector<Loading> inputs = open_inputs(o);
    const auto l0 = clock::now();
    for (Loading& l : inputs) l.data = l.loader->finish();
    const double load_s = std::chrono::duration<double>(clock::now() - l0).count();
    size_t records = 0, connections = 0;
    for (const Loading& l : inputs)
        records += l.data->model.size(), connections += l.data->conns.connections().size();
    int status = kExitOk;
    auto w = open_window(o, false, true, status);
    if (!w) return status;
    auto viewer = make_viewer(inputs, o, *w, true);
    viewer->state().playback.set_playing(true);
    w->set_measuring(true);
    // Warm-up frames (font atlas upload, first layout) are not measured.
    for (int f = 0; f < 3; ++f) {
        w->wait_events(false, 0);
        w->begin_frame();
        viewer->frame(1.0 / 60.0);
        w->end_frame({});
    }
    // CPU time of the whole process (the UI thread and llvmpipe's rendering threads): a
    // steadier figure than wall time on a shared machine.
    const auto cpu_now = [] {
        rusage u{};
        getrusage(RUSAGE_SELF, &u);
        return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
               (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
    };
    const double cpu0 = cpu_now();
    double worst = 0, gl = 0;
    long vertices = 0, calls = 0;
    const auto t0 = clock::now();
    for (int f = 0; f < o.benchmark_frames; ++f) {
        const auto f0 = clock::now();
        w->wait_events(false, 0);
        w->begin_frame();
        // Simulated time moves as it would at 60 frames per second.
        viewer->frame(1.0 / 60.0);
        w->end_frame({});
        worst = std::max(worst, std::chrono::duration<double>(clock::now() - f0).count());
        gl += w->last_gl_seconds();
        vertices += w->last_vertices();
        calls += w->last_draw_calls();
    }
    const double secs = std::chrono::duration<double>(clock::now() - t0).count();
    const double cpu = cpu_now() - cpu0;
    const int n = std::max(1, o.benchmark_frames);
    std::printf("lvsim-view benchmark: %zu records, %zu connections, loaded and indexed in %.2f s\n", records,
                connections, load_s);
    std::printf(
        "  %d frames at %dx%d in %.3f s: %.1f frames per second (mean %.2f ms, worst %.2f ms), cursor %.3f "
        "s\n",
        o.benchmark_frames, o.width, o.height, secs, n / secs, secs * 1000 / n, worst * 1000,
        static_cast<double>(viewer->state().cursor.t) / 1e9);
    std::printf(
        "  per frame: %.2f ms building the UI, %.2f ms rendering (OpenGL), %ld vertices, %ld draw calls\n",
        (secs - gl) * 1000 / n, gl * 1000 / n, vertices / n, calls / n);
    std::printf(
        "  CPU time %.2f ms per frame over all threads (%.0f%% of one core at 60 frames per second)\n",
        cpu * 1000 / n, cpu / n * 60 * 100);
    return kExitOk;
}

namespace {

// The files a run was loaded from, and when they last changed.
class FileWatch {
public:
    explicit FileWatch(const Options& o) {
        for (const std::string& f : {o.file, o.compare})
            if (!f.empty()) files_.push_back({f, time_of(f)});
    }
    // True once after any of them changed (or appeared again).
    bool changed() {
        bool any = false;
        for (auto& [path, when] : files_) {
            const auto now = time_of(path);
            if (now != when) when = now, any = true;
        }
        return any;
    }

private:
    static std::filesystem::file_time_type time_of(const std::string& path) {
        std::error_code ec;
        const auto t = std::filesystem::last_write_time(path, ec);
        return ec ? std::filesystem::file_time_type{} : t;
    }
    std::vector<std::pair<std::string, std::filesystem::file_time_type>> files_;
};

// The run loaded again (the scenario simulated anew), with the cursor and the modes of `old`.
// Throws InputError with the loader's file:line:col message.
std::unique_ptr<Viewer> reload(const Options& o, Window& w, const Viewer& old) {
    std::vector<Loading> inputs = open_inputs(o);
    for (Loading& l : inputs) {
        while (l.loader->step(1.0)) {
        }
        l.data = l.loader->finish();
    }
    auto v = make_viewer(inputs, o, w, false);
    const ViewerState& before = old.state();
    ViewerState& st = v->state();
    if (before.presentation != st.presentation) v->apply(Action::TogglePresentation);
    st.show_future = before.show_future;
    st.playback.set_speed(before.playback.speed());
    st.jump_kind = before.jump_kind;
    st.cursor.t = std::clamp(before.cursor.t, v->begin(), v->end());
    return v;
}

}  // namespace

int run_interactive(const Options& o) {
    std::vector<Loading> inputs = open_inputs(o);
    int status = kExitOk;
    auto w = open_window(o, true, false, status);
    if (!w) return status;
    // Load with a progress bar: a slice of simulation (or of the trace) per frame.
    bool loading = true;
    while (loading && !w->should_close()) {
        loading = false;
        for (Loading& l : inputs)
            if (!l.data && l.loader->step(0.03)) loading = true;
        w->wait_events(false, 0);
        w->begin_frame();
        const ImGuiIO& io = ImGui::GetIO();
        ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.5f, io.DisplaySize.y * 0.5f), ImGuiCond_Always,
                                ImVec2(0.5f, 0.5f));
        ImGui::SetNextWindowSize(ImVec2(io.DisplaySize.x * 0.6f, 0));
        ImGui::Begin("Loading", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
        for (Loading& l : inputs) {
            ImGui::TextUnformatted(l.loader->status().c_str());
            ImGui::ProgressBar(static_cast<float>(l.loader->progress()));
        }
        if (!loading) ImGui::TextUnformatted("indexing the trace ...");
        ImGui::End();
        w->end_frame({});
    }
    if (w->should_close()) return kExitOk;
    for (Loading& l : inputs) l.data = l.loader->finish();
    auto viewer = make_viewer(inputs, o, *w, false);
    w->set_title("lvsim-view: " + o.file + (o.compare.empty() ? "" : " vs " + o.compare));
    double last = w->now();
    // Frames are drawn while playing, while queued input is applied, and for a few frames
    // after anything happens (ImGui settles hover and layout in two); otherwise the loop
    // sleeps in the window system until input comes: a paused viewer costs no CPU.
    int settle = 3;
    FileWatch watch(o);
    while (!w->should_close() && !viewer->quit_requested()) {
        const bool idle = !viewer->animating() && !w->input_pending() && settle <= 0;
        bool woke = w->wait_events(idle, 0.25);
        // An edited scenario (saved in the teacher's editor) or R: load it again, keep the
        // cursor; a mistake in the file is shown in the window, over the last good run.
        if (watch.changed() || viewer->take_reload_request()) {
            try {
                viewer = reload(o, *w, *viewer);
                viewer->notify("reloaded " + o.file);
            } catch (const InputError& e) {
                viewer->set_load_error(e.what());
            }
            woke = true;
        }
        if (woke) settle = 3;
        else if (idle) continue;
        --settle;
        const double now = w->now();
        w->begin_frame();
        viewer->frame(std::min(now - last, 0.1));  // after a long pause, no jump
        last = now;
        std::string png;
        std::swap(png, viewer->state().export_path);
        if (!w->end_frame(png)) {
            std::fprintf(stderr, "lvsim-view: cannot write %s\n", png.c_str());
            viewer->notify("cannot write " + png);
        } else if (!png.empty()) {
            std::fprintf(stderr, "lvsim-view: wrote %s\n", png.c_str());
            viewer->notify("exported " + png);
        }
    }
    return kExitOk;
}

}  // namespace lvs::viz
