#include "viz/input/imgui_input.hpp"

#include <GLFW/glfw3.h>
#include <imgui.h>

namespace lvs::viz {

void feed_imgui(InputQueue& queue, HeldButtons& buttons) {
    ImGuiIO& io = ImGui::GetIO();
    for (const InputEvent& e : queue.next_frame()) {
        if (e.kind == InputEvent::Kind::Key) {
            if (e.code >= 0 && e.code < IM_ARRAYSIZE(io.KeysDown)) io.KeysDown[e.code] = e.down;
        } else if (e.code >= 0 && e.code < 5) {
            buttons.down[e.code] = e.down;
            io.MousePos = ImVec2(e.x, e.y);
        }
    }
    for (int i = 0; i < 5; ++i) io.MouseDown[i] = buttons.down[i];
    io.KeyCtrl = io.KeysDown[GLFW_KEY_LEFT_CONTROL] || io.KeysDown[GLFW_KEY_RIGHT_CONTROL];
    io.KeyShift = io.KeysDown[GLFW_KEY_LEFT_SHIFT] || io.KeysDown[GLFW_KEY_RIGHT_SHIFT];
    io.KeyAlt = io.KeysDown[GLFW_KEY_LEFT_ALT] || io.KeysDown[GLFW_KEY_RIGHT_ALT];
    io.KeySuper = io.KeysDown[GLFW_KEY_LEFT_SUPER] || io.KeysDown[GLFW_KEY_RIGHT_SUPER];
}

}  // namespace lvs::viz
