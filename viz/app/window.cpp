#include "viz/app/window.hpp"

#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <imgui.h>
#include <stb_image_write.h>

#include <cstdio>
#include <vector>

#include "viz/input/imgui_input.hpp"
#include "viz/theme.hpp"

namespace lvs::viz {

namespace {

std::string g_glfw_error;

void on_glfw_error(int code, const char* text) {
    g_glfw_error = "GLFW error " + std::to_string(code) + ": " + (text != nullptr ? text : "");
}

void apply_style() {
    ImGui::StyleColorsDark();
    ImGuiStyle& s = ImGui::GetStyle();
    s.WindowRounding = 0;
    s.ChildRounding = 3;
    s.FrameRounding = 3;
    s.WindowPadding = ImVec2(6, 6);
    s.ItemSpacing = ImVec2(6, 3);
    // Anti-aliased lines from geometry, not from the font texture: the texture is sampled
    // with GL_NEAREST (see begin_frame), which would cut textured lines into steps.
    s.AntiAliasedLinesUseTex = false;
    const auto c = [](Rgb rgb, float a = 1.0f) {
        return ImVec4(rgb.r / 255.0f, rgb.g / 255.0f, rgb.b / 255.0f, a);
    };
    // The clear colour is the background: windows drawing it again would double the fill work
    // of the software renderer (llvmpipe is fill-rate bound at these sizes).
    s.Colors[ImGuiCol_WindowBg] = c(colours::kBackground, 0.0f);
    s.Colors[ImGuiCol_ChildBg] = c(colours::kBackground, 0.0f);
    s.Colors[ImGuiCol_PopupBg] = c(colours::kPanel, 0.98f);
    s.Colors[ImGuiCol_Border] = c(colours::kGrid);
    s.Colors[ImGuiCol_Text] = c(colours::kText);
    s.Colors[ImGuiCol_TableRowBgAlt] = ImVec4(1, 1, 1, 0.03f);
    s.Colors[ImGuiCol_FrameBg] = c(colours::kPanel);
    s.Colors[ImGuiCol_FrameBgHovered] = c(colours::kGrid);
    s.Colors[ImGuiCol_FrameBgActive] = c(colours::kGrid);
}

}  // namespace

std::unique_ptr<Window> Window::open(int width, int height, bool visible, bool headless, std::string& error) {
    glfwSetErrorCallback(on_glfw_error);
    if (glfwInit() == 0) {
        error = g_glfw_error.empty() ? "cannot initialise GLFW" : g_glfw_error;
        return nullptr;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
    glfwWindowHint(GLFW_VISIBLE, visible ? GLFW_TRUE : GLFW_FALSE);
    GLFWwindow* win = glfwCreateWindow(width, height, "lvsim-view", nullptr, nullptr);
    if (win == nullptr) {
        error = g_glfw_error.empty() ? "cannot create an OpenGL 3.3 window" : g_glfw_error;
        glfwTerminate();
        return nullptr;
    }
    glfwMakeContextCurrent(win);
    // Headless runs render as fast as they can (and must not wait on a vsync that never comes).
    glfwSwapInterval(headless ? 0 : 1);

    auto w = std::unique_ptr<Window>(new Window());
    w->win_ = win;
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // no imgui.ini: the layout is computed, and tests stay clean
    // The Xvfb pointer sits mid-screen; hover highlights would change the screenshot.
    if (headless) io.ConfigFlags |= ImGuiConfigFlags_NoMouse;
    // The built-in font at its native 13 px, and the same at exactly twice the size for
    // presentation mode (a whole multiple keeps its pixel shapes crisp).
    ImFontConfig normal;
    normal.SizePixels = 13.0f;
    w->normal_ = io.Fonts->AddFontDefault(&normal);
    // A middle size for presentation layouts where twice the size does not fit (1280x720
    // with ipvsadm -Ln beside the topology): slightly soft, still readable from the back.
    ImFontConfig medium;
    medium.SizePixels = 20.0f;
    w->medium_ = io.Fonts->AddFontDefault(&medium);
    ImFontConfig large;
    large.SizePixels = 26.0f;
    w->large_ = io.Fonts->AddFontDefault(&large);
    apply_style();
    ImGui_ImplGlfw_InitForOpenGL(win, true);
    // Keys and buttons go through our queue instead of the backend's "down now" flags (see
    // viz/input/input_queue.hpp); scroll and text still reach the backend, noted as activity.
    glfwSetWindowUserPointer(win, w.get());
    glfwSetKeyCallback(win, &Window::on_key);
    glfwSetMouseButtonCallback(win, &Window::on_mouse_button);
    glfwSetScrollCallback(win, &Window::on_scroll);
    glfwSetCharCallback(win, &Window::on_char);
    glfwSetCursorPosCallback(win, [](GLFWwindow* x, double, double) { on_activity(x); });
    glfwSetWindowRefreshCallback(win, [](GLFWwindow* x) { on_activity(x); });
    glfwSetFramebufferSizeCallback(win, [](GLFWwindow* x, int, int) { on_activity(x); });
    glfwSetWindowFocusCallback(win, [](GLFWwindow* x, int focused) {
        ImGui_ImplGlfw_WindowFocusCallback(x, focused);
        on_activity(x);
    });
    ImGui_ImplOpenGL3_Init("#version 330 core");
    return w;
}

Window::~Window() {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(win_);
    glfwTerminate();
}

bool Window::should_close() const { return glfwWindowShouldClose(win_) != 0; }

void Window::on_activity(GLFWwindow* w) {
    static_cast<Window*>(glfwGetWindowUserPointer(w))->activity_ = true;
}

void Window::on_key(GLFWwindow* w, int key, int, int action, int) {
    if (action == GLFW_REPEAT || key < 0 || key >= IM_ARRAYSIZE(ImGuiIO::KeysDown)) {
        // Auto-repeat: ImGui makes its own repeats from the held key.
        on_activity(w);
        return;
    }
    Window* self = static_cast<Window*>(glfwGetWindowUserPointer(w));
    self->input_.push({InputEvent::Kind::Key, key, action == GLFW_PRESS, 0, 0});
    self->activity_ = true;
}

void Window::on_mouse_button(GLFWwindow* w, int button, int action, int) {
    if (button < 0 || button >= 5) return;
    Window* self = static_cast<Window*>(glfwGetWindowUserPointer(w));
    double x = 0, y = 0;
    glfwGetCursorPos(w, &x, &y);
    self->input_.push({InputEvent::Kind::MouseButton, button, action == GLFW_PRESS, static_cast<float>(x),
                       static_cast<float>(y)});
    self->activity_ = true;
}

void Window::on_scroll(GLFWwindow* w, double dx, double dy) {
    ImGui_ImplGlfw_ScrollCallback(w, dx, dy);
    on_activity(w);
}

void Window::on_char(GLFWwindow* w, unsigned int c) {
    ImGui_ImplGlfw_CharCallback(w, c);
    on_activity(w);
}

bool Window::wait_events(bool wait, double timeout_s) {
    if (wait) glfwWaitEventsTimeout(timeout_s);
    else glfwPollEvents();
    const bool any = activity_;
    activity_ = false;
    return any;
}

double Window::now() const { return glfwGetTime(); }

void Window::set_title(const std::string& title) { glfwSetWindowTitle(win_, title.c_str()); }

void Window::begin_frame() {
    ImGui_ImplOpenGL3_NewFrame();
    if (!font_filter_set_) {
        // The backend creates the font texture with linear filtering. Our fonts are drawn at
        // whole-pixel positions and native sizes, so nearest sampling gives the same pixels,
        // and it is about twice as cheap per fragment in a software renderer (llvmpipe).
        const GLuint tex = static_cast<GLuint>(reinterpret_cast<intptr_t>(ImGui::GetIO().Fonts->TexID));
        glBindTexture(GL_TEXTURE_2D, tex);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
        glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
        font_filter_set_ = true;
    }
    ImGui_ImplGlfw_NewFrame();  // display size, time, the pointer's position
    feed_imgui(input_, buttons_);
    ImGui::NewFrame();
}

bool Window::end_frame(const std::string& png_path) {
    ImGui::Render();
    const ImDrawData* dd = ImGui::GetDrawData();
    last_vertices_ = dd->TotalVtxCount;
    last_draw_calls_ = 0;
    for (int i = 0; i < dd->CmdListsCount; ++i) last_draw_calls_ += dd->CmdLists[i]->CmdBuffer.Size;
    const double gl0 = glfwGetTime();
    int w = 0, h = 0;
    glfwGetFramebufferSize(win_, &w, &h);
    glViewport(0, 0, w, h);
    const Rgb bg = colours::kBackground;
    glClearColor(bg.r / 255.0f, bg.g / 255.0f, bg.b / 255.0f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    bool ok = true;
    if (!png_path.empty()) ok = save_png(png_path);  // the back buffer, before the swap
    glfwSwapBuffers(win_);
    if (measure_) glFinish();  // so the GL time is the renderer's, not deferred to the next frame
    last_gl_s_ = glfwGetTime() - gl0;
    return ok;
}

bool Window::save_png(const std::string& path) const {
    int w = 0, h = 0;
    glfwGetFramebufferSize(win_, &w, &h);
    std::vector<unsigned char> pixels(static_cast<size_t>(w) * static_cast<size_t>(h) * 3);
    glFinish();
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1);
    return stbi_write_png(path.c_str(), w, h, 3, pixels.data(), w * 3) != 0;
}

}  // namespace lvs::viz
