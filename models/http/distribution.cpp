#include "models/http/distribution.hpp"

#include <algorithm>
#include <cmath>

namespace lvs::http {

double Distribution::sample(sim::Rng& rng) const {
    switch (kind) {
        case Kind::Fixed: return a;
        case Kind::Uniform: return a + (b - a) * rng.uniform01();
        case Kind::Exponential: return rng.exponential_real(a);
        case Kind::LogNormal: return a * std::exp(b * rng.normal(0.0, 1.0));
        case Kind::Geometric: {
            // Inversion: the first k with 1 - (1 - p)^k >= u.
            if (a <= 1) return 1;
            const double u = rng.uniform01();
            return std::max(1.0, std::ceil(std::log1p(-u) / std::log1p(-1.0 / a)));
        }
    }
    return a;
}

double Distribution::mean() const {
    switch (kind) {
        case Kind::Fixed: return a;
        case Kind::Uniform: return (a + b) / 2;
        case Kind::Exponential: return a;
        case Kind::LogNormal: return a * std::exp(b * b / 2);
        case Kind::Geometric: return std::max(a, 1.0);
    }
    return a;
}

}  // namespace lvs::http
