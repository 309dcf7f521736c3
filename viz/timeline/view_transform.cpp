#include "viz/timeline/view_transform.hpp"

#include <algorithm>
#include <cmath>

#include "viz/trace_model.hpp"

namespace lvs::viz {

void TimeWarp::linear(int64_t t0, int64_t t1) {
    kt_ = {t0, std::max(t1, t0 + 1)};
    ku_ = {0.0, 1.0};
}

void TimeWarp::compressed(int64_t t0, int64_t t1, const std::vector<const TraceModel*>& models) {
    t1 = std::max(t1, t0 + 1);
    constexpr int kBins = 2048;
    // An idle bin weighs this much; a bin with n records 1 + log(1 + n) more, so 1,000 records
    // get about 8x the width of silence and 100,000 about 12x: dense stretches open up without
    // idle minutes vanishing.
    constexpr double kIdle = 0.6;
    if (t1 - t0 < 16 * kBins) {
        linear(t0, t1);
        return;
    }
    std::vector<double> count(kBins, 0.0);
    const double span = static_cast<double>(t1 - t0);
    for (const TraceModel* m : models) {
        for (const Record& r : m->records()) {
            if ((r.category & kCatListing) != 0) continue;  // periodic, says nothing about activity
            const int b = static_cast<int>(static_cast<double>(r.t - t0) / span * kBins);
            count[static_cast<size_t>(std::clamp(b, 0, kBins - 1))] += 1;
        }
    }
    kt_.resize(kBins + 1);
    ku_.resize(kBins + 1);
    double acc = 0;
    for (int b = 0; b <= kBins; ++b) {
        kt_[static_cast<size_t>(b)] = t0 + static_cast<int64_t>(span * b / kBins);
        ku_[static_cast<size_t>(b)] = acc;
        if (b < kBins)
            acc +=
                kIdle +
                (count[static_cast<size_t>(b)] > 0 ? 1.0 + std::log1p(count[static_cast<size_t>(b)]) : 0.0);
    }
    for (double& u : ku_) u /= acc;
    kt_.back() = t1;
}

double TimeWarp::u_of(int64_t t) const {
    if (t <= kt_.front())
        return ku_.front() + static_cast<double>(t - kt_.front()) / static_cast<double>(kt_[1] - kt_[0]) *
                                 (ku_[1] - ku_[0]);
    if (t >= kt_.back()) {
        const size_t n = kt_.size();
        return ku_[n - 1] + static_cast<double>(t - kt_[n - 1]) /
                                static_cast<double>(kt_[n - 1] - kt_[n - 2]) * (ku_[n - 1] - ku_[n - 2]);
    }
    const size_t i = static_cast<size_t>(std::upper_bound(kt_.begin(), kt_.end(), t) - kt_.begin()) - 1;
    const double f = static_cast<double>(t - kt_[i]) / static_cast<double>(kt_[i + 1] - kt_[i]);
    return ku_[i] + f * (ku_[i + 1] - ku_[i]);
}

int64_t TimeWarp::t_of(double u) const {
    size_t i;
    if (u <= ku_.front()) i = 0;
    else if (u >= ku_.back()) i = ku_.size() - 2;
    else i = static_cast<size_t>(std::upper_bound(ku_.begin(), ku_.end(), u) - ku_.begin()) - 1;
    const double du = ku_[i + 1] - ku_[i];
    const double f = du > 0 ? (u - ku_[i]) / du : 0.0;
    return kt_[i] + static_cast<int64_t>(std::llround(f * static_cast<double>(kt_[i + 1] - kt_[i])));
}

void ViewTransform::set_extent(int64_t t0, int64_t t1, const std::vector<const TraceModel*>& models) {
    t0_ = t0;
    t1_ = std::max(t1, t0 + 1);
    linear_warp_.linear(t0_, t1_);
    compressed_warp_.compressed(t0_, t1_, models);
    reset();
}

void ViewTransform::set_compressed(bool on) {
    if (on == compressed_) return;
    const int64_t a = visible_begin(), b = visible_end();
    compressed_ = on;
    show(a, b);
}

float ViewTransform::x_of(int64_t t, float x0, float x1) const {
    return x0 + static_cast<float>((warp().u_of(t) - u0_) / (u1_ - u0_)) * (x1 - x0);
}

int64_t ViewTransform::t_of(float x, float x0, float x1) const {
    return warp().t_of(u0_ + static_cast<double>(x - x0) / static_cast<double>(x1 - x0) * (u1_ - u0_));
}

float ViewTransform::full_x_of(int64_t t, float x0, float x1) const {
    return x0 + static_cast<float>(warp().u_of(t)) * (x1 - x0);
}

int64_t ViewTransform::full_t_of(float x, float x0, float x1) const {
    return warp().t_of(static_cast<double>(x - x0) / static_cast<double>(x1 - x0));
}

void ViewTransform::zoom(float factor, float around_x, float x0, float x1) {
    const double f = std::clamp(static_cast<double>(around_x - x0) / static_cast<double>(x1 - x0), 0.0, 1.0);
    const double u = u0_ + f * (u1_ - u0_);
    double w = (u1_ - u0_) * factor;
    // Down to about a microsecond across the view (the simulator's clock is in ns).
    const int64_t tu = warp().t_of(u);
    const double du_per_ns = std::max(1e-18, (warp().u_of(tu + 1000) - warp().u_of(tu)) / 1000.0);
    w = std::clamp(w, du_per_ns * 1000.0, 1.0);
    u0_ = u - f * w;
    u1_ = u0_ + w;
    clamp();
}

void ViewTransform::pan(float dx_pixels, float x0, float x1) {
    const double du = static_cast<double>(dx_pixels) / static_cast<double>(x1 - x0) * (u1_ - u0_);
    u0_ -= du;
    u1_ -= du;
    clamp();
}

void ViewTransform::show(int64_t a, int64_t b) {
    u0_ = warp().u_of(a);
    u1_ = warp().u_of(std::max(b, a + 1000));
    clamp();
}

void ViewTransform::follow(int64_t t) {
    const double u = warp().u_of(t);
    const double w = u1_ - u0_;
    if (u < u0_ + 0.05 * w) u0_ = u - 0.05 * w, u1_ = u0_ + w;
    else if (u > u1_ - 0.05 * w) u1_ = u + 0.05 * w, u0_ = u1_ - w;
    clamp();
}

void ViewTransform::clamp() {
    const double w = std::min(1.0, u1_ - u0_);
    if (u0_ < 0) u0_ = 0, u1_ = w;
    if (u1_ > 1) u1_ = 1, u0_ = 1 - w;
}

}  // namespace lvs::viz
