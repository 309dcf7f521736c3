// GLFW + OpenGL 3.3 + Dear ImGui glue: the window, the frame loop's begin/end, the fonts and
// reading the back buffer into a PNG (screenshots and "export PNG").
#pragma once

#include <memory>
#include <string>

#include "viz/input/imgui_input.hpp"

struct GLFWwindow;
struct ImFont;

namespace lvs::viz {

class Window {
public:
    // nullptr when no display can be opened (no DISPLAY, no GLX); `error` says why.
    static std::unique_ptr<Window> open(int width, int height, bool visible, bool headless,
                                        std::string& error);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

    bool should_close() const;
    // Waits for input (at most `timeout_s`) when `wait` is set: a paused viewer draws nothing
    // until something happens. True when the window system reported something since the last
    // call (input, a resize, an expose), so a frame is worth drawing.
    bool wait_events(bool wait, double timeout_s);
    // Starts a frame: hands ImGui this frame's share of the queued key and button transitions.
    void begin_frame();
    // Input still queued for later frames (keep drawing until it is all applied).
    bool input_pending() const { return !input_.empty(); }
    // Renders; when `png_path` is non-empty, saves the frame there first (false on failure).
    bool end_frame(const std::string& png_path);
    double now() const;
    // Vertices and wall seconds spent in ImGui's Render() and in GL of the last frame (benchmark).
    int last_vertices() const { return last_vertices_; }
    int last_draw_calls() const { return last_draw_calls_; }
    double last_gl_seconds() const { return last_gl_s_; }
    void set_measuring(bool on) { measure_ = on; }
    ImFont* normal_font() const { return normal_; }
    ImFont* large_font() const { return large_; }
    ImFont* medium_font() const { return medium_; }
    void set_title(const std::string& title);

private:
    Window() = default;
    static void on_key(GLFWwindow* w, int key, int scancode, int action, int mods);
    static void on_mouse_button(GLFWwindow* w, int button, int action, int mods);
    static void on_scroll(GLFWwindow* w, double dx, double dy);
    static void on_char(GLFWwindow* w, unsigned int c);
    static void on_activity(GLFWwindow* w);
    InputQueue input_;
    HeldButtons buttons_;
    bool activity_ = true;
    bool save_png(const std::string& path) const;
    GLFWwindow* win_ = nullptr;
    ImFont* normal_ = nullptr;
    ImFont* large_ = nullptr;
    ImFont* medium_ = nullptr;
    int last_vertices_ = 0;
    int last_draw_calls_ = 0;
    double last_gl_s_ = 0;
    bool measure_ = false;
    bool font_filter_set_ = false;
};

}  // namespace lvs::viz
