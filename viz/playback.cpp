#include "viz/playback.hpp"

#include <algorithm>
#include <cmath>

namespace lvs::viz {

const JumpKind kJumpKinds[kJumpCategoryCount] = {
    {"admin command", kCatAdmin}, {"scheduling decision", kCatSched}, {"state change", kCatState},
    {"RST / drop", kCatFault},    {"timer expiry", kCatTimer},
};

void Playback::set_speed(double s) { speed_ = std::clamp(s, kMinSpeed, kMaxSpeed); }

void Playback::faster() {
    // 0.1, 0.2, 0.5, 1, 2, 5, ... 1000
    const double e = std::floor(std::log10(speed_) + 1e-9);
    const double m = speed_ / std::pow(10.0, e);
    set_speed(m < 1.5 ? 2 * std::pow(10.0, e) : m < 3.5 ? 5 * std::pow(10.0, e) : 10 * std::pow(10.0, e));
}

void Playback::slower() {
    const double e = std::floor(std::log10(speed_) + 1e-9);
    const double m = speed_ / std::pow(10.0, e);
    set_speed(m > 3.5 ? 2 * std::pow(10.0, e) : m > 1.5 ? 1 * std::pow(10.0, e) : 0.5 * std::pow(10.0, e));
}

void Playback::tick(double wall_seconds, Cursor& cursor, int64_t begin, int64_t end) {
    if (!playing_) return;
    if (cursor.t >= end) cursor.t = begin;  // play again from the start
    carry_ns_ += wall_seconds * speed_ * 1e9;
    const double whole = std::floor(carry_ns_);
    carry_ns_ -= whole;
    cursor.t = std::min(end, cursor.t + static_cast<int64_t>(whole));
    if (cursor.t >= end) playing_ = false;
}

int64_t Navigator::next(int64_t t, uint16_t categories) const {
    int64_t best = INT64_MAX;
    for (const TraceModel* m : models_) {
        if (categories == 0) {
            for (size_t i = m->first_at_or_after(t + 1); i < m->size(); ++i) {
                const Record& r = m->at(i);
                if (r.category != kCatListing) {
                    best = std::min(best, r.t);
                    break;
                }
            }
            continue;
        }
        for (int b = 0; b < 16; ++b) {
            if ((categories & (1u << b)) == 0) continue;
            const auto& idx = m->of_category(b);
            const size_t p = m->lower_bound(idx, t + 1);
            if (p < idx.size()) best = std::min(best, m->at(idx[p]).t);
        }
    }
    return best == INT64_MAX ? t : best;
}

int64_t Navigator::prev(int64_t t, uint16_t categories) const {
    int64_t best = INT64_MIN;
    for (const TraceModel* m : models_) {
        if (categories == 0) {
            for (int64_t i = m->last_at_or_before(t - 1); i >= 0; --i) {
                const Record& r = m->at(static_cast<size_t>(i));
                if (r.category != kCatListing) {
                    best = std::max(best, r.t);
                    break;
                }
            }
            continue;
        }
        for (int b = 0; b < 16; ++b) {
            if ((categories & (1u << b)) == 0) continue;
            const auto& idx = m->of_category(b);
            const int64_t r = m->latest(idx, t - 1);
            if (r >= 0) best = std::max(best, m->at(static_cast<size_t>(r)).t);
        }
    }
    return best == INT64_MIN ? t : best;
}

}  // namespace lvs::viz
