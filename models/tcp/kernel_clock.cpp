#include "models/tcp/kernel_clock.hpp"

#include <cstdint>

namespace lvs::tcp {

namespace {

// kernel/time/timer.c: each level has 64 buckets; level n's granularity is 8^n jiffies and
// it takes delays from LVL_START(n) = 63 << 3(n-1) jiffies on.
constexpr int kClkShift = 3;   // LVL_CLK_SHIFT
constexpr int kLevelBits = 6;  // LVL_BITS
constexpr Jiffies kLevelSize = Jiffies{1} << kLevelBits;
constexpr int level_shift(int n) { return n * kClkShift; }
constexpr Jiffies level_start(int n) { return (kLevelSize - 1) << ((n - 1) * kClkShift); }
constexpr Jiffies level_gran(int n) { return Jiffies{1} << level_shift(n); }

constexpr int64_t kNsPerSec = 1'000'000'000;

}  // namespace

KernelClock::KernelClock(uint32_t hz, Jiffies jiffies_at_start, sim::Duration tick_offset)
    : hz_(hz),
      start_(jiffies_at_start),
      offset_ns_(tick_offset.ns()),
      tick_ns_(kNsPerSec % hz == 0 ? kNsPerSec / hz : 0),
      depth_(hz > 100 ? 9 : 8) {}

Jiffies KernelClock::count_at(int64_t ns) const {
    // Ticks come at offset + k/HZ seconds; the count steps by one at each.
    const int64_t since = ns - offset_ns_;
    if (since < 0) return start_;  // before the first tick after 0 s
    if (tick_ns_ != 0)
        return start_ + 1 + static_cast<Jiffies>(since / tick_ns_);  // whole ticks: no 128-bit division
    return start_ + 1 + static_cast<Jiffies>(static_cast<__int128>(since) * hz_ / kNsPerSec);
}

sim::Time KernelClock::time_of(Jiffies j) const {
    if (j <= start_) return sim::Time{};
    // The (j - start)th tick after 0 s, at offset + (j - start - 1)/HZ, rounded up to a whole
    // nanosecond so that jiffies(time_of(j)) == j.
    if (tick_ns_ != 0)
        return sim::Time{} + sim::ns(static_cast<int64_t>(j - start_ - 1) * tick_ns_ + offset_ns_);
    const __int128 k = static_cast<__int128>(j - start_ - 1);
    const __int128 ns = (k * kNsPerSec + hz_ - 1) / hz_;
    return sim::Time{} + sim::ns(static_cast<int64_t>(ns + offset_ns_));
}

Jiffies KernelClock::bucket_expiry(Jiffies expires, Jiffies clk) const {
    const auto calc = [](Jiffies e, int level) {
        // calc_index(): round up to the level's granularity, strictly after `e`'s bucket,
        // so that the timer never fires early.
        return ((e >> level_shift(level)) + 1) << level_shift(level);
    };
    if (static_cast<int64_t>(expires - clk) < 0) return clk;  // already due: the current bucket
    const Jiffies delta = expires - clk;
    for (int level = 0; level < depth_ - 1; ++level)
        if (delta < level_start(level + 1)) return calc(expires, level);
    // Beyond the wheel's reach: capped (WHEEL_TIMEOUT_CUTOFF / WHEEL_TIMEOUT_MAX).
    const Jiffies cutoff = level_start(depth_);
    if (delta >= cutoff) expires = clk + cutoff - level_gran(depth_ - 1);
    return calc(expires, depth_ - 1);
}

sim::Time KernelClock::fire_time(sim::Time now, Jiffies timeout, bool from_timer) const {
    const Jiffies j = jiffies(now);
    const Jiffies clk = j + (from_timer ? 1 : 0);
    return time_of(bucket_expiry(j + timeout, clk));
}

// 64-bit arithmetic while the products fit (centuries of microseconds, months of
// nanoseconds): the 128-bit division is a library call on the TCP hot path.
constexpr int64_t kFits = INT64_MAX / 2000;

Jiffies KernelClock::from_us(int64_t us) const {
    if (us <= 0) return 0;
    if (us < kFits) return static_cast<Jiffies>((us * hz_ + 999'999) / 1'000'000);
    return static_cast<Jiffies>((static_cast<__int128>(us) * hz_ + 999'999) / 1'000'000);
}

Jiffies KernelClock::from_duration(sim::Duration d) const {
    if (d.ns() <= 0) return 0;
    if (d.ns() < kFits) return static_cast<Jiffies>((d.ns() * hz_ + kNsPerSec - 1) / kNsPerSec);
    return static_cast<Jiffies>((static_cast<__int128>(d.ns()) * hz_ + kNsPerSec - 1) / kNsPerSec);
}

sim::Duration KernelClock::duration(Jiffies j) const {
    if (tick_ns_ != 0 && j < static_cast<Jiffies>(INT64_MAX / tick_ns_))
        return sim::ns(static_cast<int64_t>(j) * tick_ns_);
    return sim::ns(static_cast<int64_t>(static_cast<__int128>(j) * kNsPerSec / hz_));
}

}  // namespace lvs::tcp
