#include "models/http/distribution.hpp"

#include <cmath>

namespace lvs::http {

double Distribution::sample(sim::Rng& rng) const {
    switch (kind) {
        case Kind::Fixed: return a;
        case Kind::Uniform: return a + (b - a) * rng.uniform01();
        case Kind::Exponential: return rng.exponential_real(a);
        case Kind::LogNormal: return a * std::exp(b * rng.normal(0.0, 1.0));
    }
    return a;
}

double Distribution::mean() const {
    switch (kind) {
        case Kind::Fixed: return a;
        case Kind::Uniform: return (a + b) / 2;
        case Kind::Exponential: return a;
        case Kind::LogNormal: return a * std::exp(b * b / 2);
    }
    return a;
}

}  // namespace lvs::http
