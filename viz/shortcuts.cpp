#include "viz/shortcuts.hpp"

#include <GLFW/glfw3.h>

namespace lvs::viz {

const std::vector<Shortcut>& shortcuts() {
    static const std::vector<Shortcut> table = {
        {GLFW_KEY_SPACE, false, Action::PlayPause, "Space", "play / pause"},
        {GLFW_KEY_RIGHT, false, Action::StepForward, "Right", "step one event forward"},
        {GLFW_KEY_LEFT, false, Action::StepBack, "Left", "step one event back"},
        {GLFW_KEY_RIGHT, true, Action::JumpNext, "Shift+Right  or  N", "next event of the chosen kind"},
        {GLFW_KEY_N, false, Action::JumpNext, nullptr, nullptr},
        {GLFW_KEY_LEFT, true, Action::JumpPrev, "Shift+Left  or  B", "previous event of the chosen kind"},
        {GLFW_KEY_B, false, Action::JumpPrev, nullptr, nullptr},
        {GLFW_KEY_1, false, Action::JumpKind1, "1", "jump kind: admin command"},
        {GLFW_KEY_2, false, Action::JumpKind2, "2", "jump kind: scheduling decision"},
        {GLFW_KEY_3, false, Action::JumpKind3, "3", "jump kind: state change"},
        {GLFW_KEY_4, false, Action::JumpKind4, "4", "jump kind: RST / drop"},
        {GLFW_KEY_5, false, Action::JumpKind5, "5", "jump kind: timer expiry"},
        {GLFW_KEY_UP, false, Action::Faster, "Up", "faster (0.1x ... 1000x)"},
        {GLFW_KEY_DOWN, false, Action::Slower, "Down", "slower"},
        {GLFW_KEY_HOME, false, Action::Start, "Home", "go to the start"},
        {GLFW_KEY_END, false, Action::End, "End", "go to the end"},
        {GLFW_KEY_PAGE_DOWN, false, Action::NextMarker, "PageDown",
         "next timeline action / snapshot / expectation"},
        {GLFW_KEY_PAGE_UP, false, Action::PrevMarker, "PageUp", "previous timeline marker"},
        {GLFW_KEY_EQUAL, false, Action::ZoomIn, "+  or  wheel up",
         "zoom the time axis in (around the cursor)"},
        {GLFW_KEY_EQUAL, true, Action::ZoomIn, nullptr, nullptr},  // '+' is Shift+= on most layouts
        {GLFW_KEY_KP_ADD, false, Action::ZoomIn, nullptr, nullptr},
        {GLFW_KEY_MINUS, false, Action::ZoomOut, "-  or  wheel down", "zoom out"},
        {GLFW_KEY_KP_SUBTRACT, false, Action::ZoomOut, nullptr, nullptr},
        {GLFW_KEY_0, false, Action::ZoomReset, "0", "show the whole run"},
        {GLFW_KEY_C, false, Action::ToggleCompressed, "C", "compressed (non-linear) time axis on / off"},
        {GLFW_KEY_F, false, Action::ToggleFollow, "F", "follow the cursor when zoomed"},
        {GLFW_KEY_P, false, Action::TogglePresentation, "P",
         "presentation mode (large fonts, future hidden)"},
        {GLFW_KEY_V, false, Action::ToggleFuture, "V", "show / hide what comes after the cursor"},
        {GLFW_KEY_R, false, Action::Reload, "R", "load the file again (also when it is saved)"},
        {GLFW_KEY_E, false, Action::ExportPng, "E  or  F12", "export the current view as PNG"},
        {GLFW_KEY_F12, false, Action::ExportPng, nullptr, nullptr},
        {GLFW_KEY_H, false, Action::ToggleHelp, "H  or  F1", "this help"},
        {GLFW_KEY_F1, false, Action::ToggleHelp, nullptr, nullptr},
        {GLFW_KEY_Q, false, Action::Quit, "Q", "quit (asks first: Q or Enter again)"},
    };
    return table;
}

}  // namespace lvs::viz
