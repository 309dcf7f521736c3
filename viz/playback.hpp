// The cursor, playback and navigation between events (over one run, or two in compare mode).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "viz/trace_model.hpp"

namespace lvs::viz {

// The one time cursor every panel reads. Owned by the viewer, passed to the panels.
struct Cursor {
    int64_t t = 0;
};

class Playback {
public:
    static constexpr double kMinSpeed = 0.1;
    static constexpr double kMaxSpeed = 1000.0;

    bool playing() const { return playing_; }
    void set_playing(bool on) { playing_ = on; }
    void toggle() { playing_ = !playing_; }
    double speed() const { return speed_; }
    void set_speed(double s);
    void faster();  // 1-2-5 steps
    void slower();
    // Moves the cursor by wall time x speed; stops (and pauses) at the end.
    void tick(double wall_seconds, Cursor& cursor, int64_t begin, int64_t end);

private:
    bool playing_ = false;
    double speed_ = 1.0;
    double carry_ns_ = 0;  // sub-nanosecond remainders at slow speeds
};

// What the "jump" buttons and keys move between.
struct JumpKind {
    const char* name;
    uint16_t categories;
};
extern const JumpKind kJumpKinds[kJumpCategoryCount];

class Navigator {
public:
    explicit Navigator(std::vector<const TraceModel*> models) : models_(std::move(models)) {}
    // The next/previous time with a record in `categories` (0: any record but the periodic
    // listings); `t` itself when there is none.
    int64_t next(int64_t t, uint16_t categories) const;
    int64_t prev(int64_t t, uint16_t categories) const;

private:
    std::vector<const TraceModel*> models_;
};

}  // namespace lvs::viz
