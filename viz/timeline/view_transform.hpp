// The one time axis every timeline row, the scrubber and the page strip share.
//
// Time goes through a warp to u in [0, 1]: linear, or compressed, where each stretch of the
// run gets width by how much happens in it (a log of its record count plus a floor, so idle
// minutes shrink but stay visible and a burst of microsecond events opens up). The view is a
// window [u0, u1] of that; panels map it onto their own pixel span.
#pragma once

#include <cstdint>
#include <vector>

namespace lvs::viz {

class TraceModel;

class TimeWarp {
public:
    void linear(int64_t t0, int64_t t1);
    // Record density from every model (compare mode warps both runs alike).
    void compressed(int64_t t0, int64_t t1, const std::vector<const TraceModel*>& models);
    double u_of(int64_t t) const;
    int64_t t_of(double u) const;

private:
    std::vector<int64_t> kt_{0, 1};  // knots: piecewise linear between them
    std::vector<double> ku_{0.0, 1.0};
};

class ViewTransform {
public:
    void set_extent(int64_t t0, int64_t t1, const std::vector<const TraceModel*>& models);
    int64_t extent_begin() const { return t0_; }
    int64_t extent_end() const { return t1_; }
    void set_compressed(bool on);  // keeps the visible time window
    bool compressed() const { return compressed_; }
    const TimeWarp& warp() const { return compressed_ ? compressed_warp_ : linear_warp_; }

    // Pixel mapping of the view onto [x0, x1].
    float x_of(int64_t t, float x0, float x1) const;
    int64_t t_of(float x, float x0, float x1) const;
    // Whole-run mapping (the scrubber), through the same warp, ignoring the zoom.
    float full_x_of(int64_t t, float x0, float x1) const;
    int64_t full_t_of(float x, float x0, float x1) const;

    int64_t visible_begin() const { return warp().t_of(u0_); }
    int64_t visible_end() const { return warp().t_of(u1_); }
    void zoom(float factor, float around_x, float x0, float x1);  // factor < 1 zooms in
    void pan(float dx_pixels, float x0, float x1);
    void show(int64_t a, int64_t b);  // makes [a, b] the visible window
    void reset() { u0_ = 0, u1_ = 1; }
    // Pans (without zooming) so that t is inside the middle 90 % of the view.
    void follow(int64_t t);
    bool zoomed() const { return u0_ > 0 || u1_ < 1; }

private:
    void clamp();
    int64_t t0_ = 0, t1_ = 1;
    bool compressed_ = false;
    TimeWarp linear_warp_, compressed_warp_;
    double u0_ = 0, u1_ = 1;
};

}  // namespace lvs::viz
