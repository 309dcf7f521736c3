#include "models/http/arrivals.hpp"

#include <algorithm>
#include <cmath>

namespace lvs::http {

namespace {

// A gap drawn at a tiny rate could pass the end of time; no run is longer than this.
constexpr double kLongestGapS = 1e9;

sim::Duration seconds(double s) { return sim::ns(static_cast<int64_t>(std::min(s, kLongestGapS) * 1e9)); }

// Run time of the profile's point i.
sim::Time boundary(const ArrivalProcess& p, size_t i) {
    const sim::Duration d = p.profile[i].at - p.profile_from;
    return d < sim::Duration{} ? sim::Time{} - (p.profile_from - p.profile[i].at) : sim::Time{} + d;
}

}  // namespace

double ArrivalProcess::rate_at(sim::Time t) const {
    if (kind != Kind::Profile) return kind == Kind::Poisson ? rate * scale : 0.0;
    if (profile.empty()) return 0.0;
    const sim::Duration pt = profile_from + (t - sim::Time{});
    if (pt <= profile.front().at) return profile.front().per_second * scale;
    if (pt >= profile.back().at) return profile.back().per_second * scale;
    const auto hi = std::upper_bound(profile.begin(), profile.end(), pt,
                                     [](sim::Duration x, const RatePoint& r) { return x < r.at; });
    const RatePoint& b = *hi;
    const RatePoint& a = *(hi - 1);
    const double f = (pt - a.at).seconds() / (b.at - a.at).seconds();
    return (a.per_second + f * (b.per_second - a.per_second)) * scale;
}

double ArrivalProcess::peak_rate() const {
    if (kind != Kind::Profile) return rate_at(start);
    double peak = std::max(rate_at(start), stop == sim::Time::max() ? 0.0 : rate_at(stop));
    for (size_t i = 0; i < profile.size(); ++i) {
        const sim::Time b = boundary(*this, i);
        if (b >= start && b <= stop) peak = std::max(peak, profile[i].per_second * scale);
    }
    if (stop == sim::Time::max())
        peak = std::max(peak, profile.empty() ? 0.0 : profile.back().per_second * scale);
    return peak;
}

double ArrivalProcess::expected(sim::Time from, sim::Time to) const {
    from = std::max(from, start);
    to = std::min(to, stop);
    if (to <= from) return 0.0;
    if (kind == Kind::Times)
        return static_cast<double>(std::lower_bound(times.begin(), times.end(), to) -
                                   std::lower_bound(times.begin(), times.end(), from));
    if (kind == Kind::Poisson) return rate * scale * (to - from).seconds();
    // Linear between points: the trapezoids between `from`, every point inside, and `to`.
    std::vector<sim::Time> cuts{from};
    for (size_t i = 0; i < profile.size(); ++i) {
        const sim::Time b = boundary(*this, i);
        if (b > from && b < to) cuts.push_back(b);
    }
    cuts.push_back(to);
    double sum = 0;
    for (size_t i = 1; i < cuts.size(); ++i)
        sum += 0.5 * (rate_at(cuts[i - 1]) + rate_at(cuts[i])) * (cuts[i] - cuts[i - 1]).seconds();
    return sum;
}

sim::Time ArrivalClock::next(sim::Time now, sim::Rng& rng) {
    sim::Time t = now;
    switch (p_.kind) {
        case ArrivalProcess::Kind::Times:
            while (next_time_ < p_.times.size() && p_.times[next_time_] < std::max(now, p_.start))
                ++next_time_;
            if (next_time_ >= p_.times.size()) return sim::Time::max();
            t = p_.times[next_time_++];
            break;
        case ArrivalProcess::Kind::Poisson: {
            const double r = p_.rate * p_.scale;
            if (!(r > 0)) return sim::Time::max();
            t = std::max(now, p_.start) + seconds(rng.standard_exponential() / r);
            break;
        }
        case ArrivalProcess::Kind::Profile: t = next_profile(now, rng); break;
    }
    return t >= p_.stop ? sim::Time::max() : t;  // [start, stop), as expected() counts
}

sim::Time ArrivalClock::next_profile(sim::Time now, sim::Rng& rng) const {
    sim::Time t = std::max(now, p_.start);
    while (t <= p_.stop) {
        // The segment holding t ends at the next point's run time (or never).
        sim::Time end = sim::Time::max();
        for (size_t i = 0; i < p_.profile.size(); ++i) {
            const sim::Time b = boundary(p_, i);
            if (b > t) {
                end = b;
                break;
            }
        }
        // Linear within a segment, so its peak is at one of its ends.
        const double bound = std::max(p_.rate_at(t), end == sim::Time::max() ? 0.0 : p_.rate_at(end));
        if (!(bound > 0)) {
            if (end == sim::Time::max()) return sim::Time::max();
            t = end;
            continue;
        }
        const sim::Time candidate = t + seconds(rng.standard_exponential() / bound);
        if (candidate >= end) {
            t = end;  // memoryless: drawing again from the segment's start is exact
            continue;
        }
        t = candidate;
        if (rng.uniform01() * bound < p_.rate_at(t)) return t;
    }
    return sim::Time::max();
}

}  // namespace lvs::http
