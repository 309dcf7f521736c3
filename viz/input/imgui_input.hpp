// Hands Dear ImGui one frame's share of the queued transitions (input_queue.hpp): keys into
// io.KeysDown and the modifier flags, buttons into io.MouseDown with the pointer where each
// click was made. Called between the backend's NewFrame and ImGui::NewFrame.
#pragma once

#include "viz/input/input_queue.hpp"

namespace lvs::viz {

struct HeldButtons {
    bool down[5] = {false, false, false, false, false};
};

void feed_imgui(InputQueue& queue, HeldButtons& buttons);

}  // namespace lvs::viz
