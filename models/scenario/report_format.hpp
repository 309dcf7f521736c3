// Formatting shared by the report writers (report.cpp, report_json.cpp): exact decimal
// seconds from integer nanoseconds, and fixed-point numbers. No wall-clock value, no locale.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "sim/time.hpp"

namespace lvs::scenario::report_format {

// Exact decimal seconds from integer nanoseconds ("20", "20.5", "0.000001").
inline std::string secs(int64_t ns) {
    const bool neg = ns < 0;
    if (neg) ns = -ns;
    std::string out = std::to_string(ns / 1'000'000'000);
    int64_t frac = ns % 1'000'000'000;
    if (frac != 0) {
        std::string f = std::to_string(frac);
        f.insert(0, 9 - f.size(), '0');
        while (!f.empty() && f.back() == '0') f.pop_back();
        out += "." + f;
    }
    return neg ? "-" + out : out;
}
inline std::string secs(sim::Time t) { return secs(t.ns()); }
inline std::string secs(sim::Duration d) { return secs(d.ns()); }

inline std::string num(double v, int precision = 3) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", precision, v);
    return buf;
}

// Each line of `text` (a listing) behind `indent`.
inline std::string indented(const std::string& text, const std::string& indent) {
    std::string out;
    size_t start = 0;
    while (start < text.size()) {
        const size_t nl = text.find('\n', start);
        out += indent + text.substr(start, nl - start) + "\n";
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
    return out;
}

}  // namespace lvs::scenario::report_format
