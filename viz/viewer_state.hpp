// What all panels share: the cursor, the playback, the one time axis and the display modes.
#pragma once

#include <cstdint>
#include <string>

#include "viz/playback.hpp"
#include "viz/timeline/view_transform.hpp"

struct ImFont;

namespace lvs::viz {

struct ViewerState {
    Cursor cursor;
    Playback playback;
    ViewTransform view;
    int jump_kind = 0;   // index into kJumpKinds
    bool follow = true;  // keep the cursor inside the zoomed view while playing
    bool presentation = false;
    // Draw what comes after the cursor (faded) in the timeline, the event log and the
    // inspector. Off by default: every panel shows what is known at the cursor, so a class
    // predicts before it sees; V shows the rest for analysis.
    bool show_future = false;
    bool show_help = false;
    bool headless = false;     // screenshot or benchmark: no hover effects, fixed content
    std::string export_path;   // non-empty: write the next frame to this PNG
    std::string sockets_host;  // non-empty: open the ss tab on this host (--sockets)
    std::string toast;         // a short message shown while toast_left_s > 0 (wall seconds)
    double toast_left_s = 0;
    bool confirm_quit = false;  // Q was pressed: asking before quitting
    std::string load_error;
    // The connection the inspector shows: an index into that run's ConnectionSet.
    int32_t selected_conn = -1;
    const void* selected_run = nullptr;  // the RunData it belongs to (compare mode has two)     // the last
                                         // reload failed: its message, shown until a good one
    // The guided lesson: the step the cursor stands on (-1: none), whether its answer is
    // shown, and what it points at and keeps hidden this frame (set by the viewer).
    int step = -1;
    bool step_revealed = false;
    bool step_arrived = false;  // the first frame at the step: its tab comes up
    std::string highlight;      // a panel name or an entity (rs1, ie8, director)
    std::string conceal;        // "listing", "connections" or "timeline" until revealed
};

}  // namespace lvs::viz
