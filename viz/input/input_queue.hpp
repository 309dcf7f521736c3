// Every key and mouse-button transition the window system reports, applied to the UI one
// frame at a time so that none is lost.
//
// Dear ImGui 1.86 (Debian 12) reads keys and buttons as "down now" flags at the start of a
// frame: a key pressed and released between two frames, or three presses of Up inside one
// frame, look like one press or none. The queue keeps each transition with the pointer
// position it happened at and hands out at most one transition per key or button per frame;
// while some are left, the window keeps drawing frames. (ImGui 1.87 added an input queue of
// its own that trickles events the same way.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

namespace lvs::viz {

struct InputEvent {
    enum class Kind : uint8_t { Key, MouseButton } kind = Kind::Key;
    int code = 0;  // a GLFW key or mouse button number
    bool down = false;
    float x = 0, y = 0;  // the pointer when it happened (mouse buttons)
};

class InputQueue {
public:
    void push(const InputEvent& e) { pending_.push_back(e); }
    // The transitions for the next frame: the oldest pending ones, at most one per key and
    // per button, in arrival order. The rest wait for the following frames.
    std::vector<InputEvent> next_frame();
    bool empty() const { return pending_.empty(); }
    size_t size() const { return pending_.size(); }

private:
    std::deque<InputEvent> pending_;
};

}  // namespace lvs::viz
