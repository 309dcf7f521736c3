// Random quantities of the models (object sizes, service times, think times).
#pragma once

#include <string>

#include "sim/rng.hpp"
#include "sim/time.hpp"

namespace lvs::http {

struct Distribution {
    // Geometric: counts 1, 2, ... of mean `a` (each step ends the run with probability 1/a: a
    // visitor who leaves after any page with the same chance).
    enum class Kind : uint8_t { Fixed, Uniform, Exponential, LogNormal, Geometric };
    Kind kind = Kind::Fixed;
    double a = 0;  // Fixed: the value; Uniform: low; Exponential: mean; LogNormal: median
    double b = 0;  // Uniform: high; LogNormal: sigma of the underlying normal

    static Distribution fixed(double v) { return {Kind::Fixed, v, 0}; }
    static Distribution uniform(double lo, double hi) { return {Kind::Uniform, lo, hi}; }
    static Distribution exponential(double mean) { return {Kind::Exponential, mean, 0}; }
    static Distribution lognormal(double median, double sigma) { return {Kind::LogNormal, median, sigma}; }
    static Distribution geometric(double mean) { return {Kind::Geometric, mean, 0}; }

    double sample(sim::Rng& rng) const;
    double mean() const;
    bool is_fixed() const { return kind == Kind::Fixed; }
};

// A distribution of durations in nanoseconds (service times, think times).
inline sim::Duration sample_duration(const Distribution& d, sim::Rng& rng) {
    const double v = d.sample(rng);
    return sim::ns(v <= 0 ? 0 : static_cast<int64_t>(v + 0.5));
}

}  // namespace lvs::http
