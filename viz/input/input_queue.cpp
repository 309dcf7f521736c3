#include "viz/input/input_queue.hpp"

#include <algorithm>

namespace lvs::viz {

std::vector<InputEvent> InputQueue::next_frame() {
    // In arrival order, up to the first event that would be a second transition of a key (or
    // a second mouse-button event: each click is seen at its own pointer position). Everything
    // after it waits too, so a modifier released later is still down for the keys before it.
    std::vector<InputEvent> out;
    size_t n = 0;
    for (; n < pending_.size(); ++n) {
        const InputEvent& e = pending_[n];
        const bool clash = std::any_of(out.begin(), out.end(), [&](const InputEvent& o) {
            return o.kind == e.kind && (o.code == e.code || e.kind == InputEvent::Kind::MouseButton);
        });
        if (clash) break;
        out.push_back(e);
    }
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    return out;
}

}  // namespace lvs::viz
