// Every keyboard shortcut, in one table: the viewer dispatches from it and the help overlay
// lists it, so the two cannot disagree.
#pragma once

#include <vector>

namespace lvs::viz {

enum class Action {
    PlayPause,
    StepForward,
    StepBack,
    JumpNext,
    JumpPrev,
    JumpKind1,
    JumpKind2,
    JumpKind3,
    JumpKind4,
    JumpKind5,
    Faster,
    Slower,
    Start,
    End,
    NextMarker,
    PrevMarker,
    ZoomIn,
    ZoomOut,
    ZoomReset,
    ToggleCompressed,
    ToggleFollow,
    TogglePresentation,
    ExportPng,
    ToggleHelp,
    ToggleFuture,
    Reload,
    Quit,
};

struct Shortcut {
    int key;  // GLFW key code (ImGui 1.86 indexes io.KeysDown by it)
    bool shift;
    Action action;
    const char* keys;  // as shown in the help
    const char* what;
};

const std::vector<Shortcut>& shortcuts();

}  // namespace lvs::viz
