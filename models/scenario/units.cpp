#include "models/scenario/units.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

namespace lvs::scenario {

namespace {

// Numbers with units share one shape: a decimal number, optional spaces, a unit.
bool split_number(const std::string& t, double* value, std::string* unit, size_t* unit_col) {
    size_t i = 0;
    while (i < t.size() && t[i] == ' ') ++i;
    const size_t start = i;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.' || t[i] == '_'))
        ++i;
    if (i == start) return false;
    std::string num = t.substr(start, i - start);
    num.erase(std::remove(num.begin(), num.end(), '_'), num.end());
    try {
        *value = std::stod(num);
    } catch (...) {
        return false;
    }
    while (i < t.size() && t[i] == ' ') ++i;
    *unit_col = i;
    size_t end = t.size();
    while (end > i && t[end - 1] == ' ') --end;
    *unit = t.substr(i, end - i);
    return true;
}

}  // namespace

uint64_t parse_size_text(const std::string& text, size_t* error_column) {
    double v = 0;
    std::string unit;
    size_t col = 0;
    if (!split_number(text, &v, &unit, &col)) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("not a size: \"" + text + "\" (write e.g. 20kB, 10KiB, 400B)");
    }
    static const std::map<std::string, double> units{
        {"", 1},     {"B", 1},         {"kB", 1e3}, {"KB", 1e3},  {"KiB", 1024},
        {"MB", 1e6}, {"MiB", 1048576}, {"GB", 1e9}, {"bytes", 1}, {"byte", 1}};
    const auto it = units.find(unit);
    if (it == units.end()) {
        if (error_column != nullptr) *error_column = col;
        throw std::invalid_argument("unknown size unit \"" + unit + "\" (use B, kB, KiB, MB or MiB)");
    }
    // Limit: under 4 GiB, so every size fits the 32-bit fields TCP and the browser keep, and
    // the conversion itself is defined (llround of a larger double is not).
    const double bytes = v * it->second;
    if (!(bytes < kMaxSizeBytes)) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("\"" + text +
                                    "\" is 4 GiB or more; sizes must be under 4 GiB (4294967296 B)");
    }
    return static_cast<uint64_t>(std::llround(bytes));
}

uint64_t parse_bandwidth_text(const std::string& text, size_t* error_column) {
    double v = 0;
    std::string unit;
    size_t col = 0;
    if (!split_number(text, &v, &unit, &col)) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("not a bandwidth: \"" + text + "\" (write e.g. 100Mbit or 1Gbit)");
    }
    if (unit.size() > 2 && unit.substr(unit.size() - 2) == "/s") unit.resize(unit.size() - 2);
    else if (unit.size() > 2 && unit.substr(unit.size() - 2) == "ps") unit.resize(unit.size() - 2);
    static const std::map<std::string, double> units{{"", 1},       {"bit", 1},    {"b", 1},
                                                     {"kbit", 1e3}, {"kb", 1e3},   {"Mbit", 1e6},
                                                     {"Mb", 1e6},   {"Gbit", 1e9}, {"Gb", 1e9}};
    const auto it = units.find(unit);
    if (it == units.end()) {
        if (error_column != nullptr) *error_column = col;
        throw std::invalid_argument("unknown bandwidth unit \"" + unit + "\" (use kbit, Mbit or Gbit)");
    }
    const double bps = v * it->second;
    if (bps < 1) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("a bandwidth must be positive");
    }
    if (!(bps <= kMaxBandwidthBps)) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("\"" + text + "\" is faster than lvsim's limit of 1000Gbit");
    }
    return static_cast<uint64_t>(std::llround(bps));
}

http::Distribution parse_distribution_text(const std::string& text, bool sizes, size_t* error_column) {
    const auto value = [&](const std::string& t, size_t offset) -> double {
        try {
            if (sizes) return static_cast<double>(parse_size_text(t, error_column));
            return static_cast<double>(sim::parse_duration(t).ns());
        } catch (const sim::TimeParseError& e) {
            if (error_column != nullptr) *error_column = offset + e.column();
            throw std::invalid_argument(e.what());
        } catch (const std::invalid_argument&) {
            if (error_column != nullptr) *error_column += offset;
            throw;
        }
    };
    const size_t open = text.find('(');
    if (open == std::string::npos) return http::Distribution::fixed(value(text, 0));
    std::string fn = text.substr(0, open);
    fn.erase(fn.find_last_not_of(' ') + 1);
    const size_t close = text.rfind(')');
    if (close == std::string::npos || close < open) {
        if (error_column != nullptr) *error_column = text.size();
        throw std::invalid_argument("missing ')'");
    }
    const std::string args = text.substr(open + 1, close - open - 1);
    const size_t comma = args.find(',');
    const std::string a = args.substr(0, comma);
    const std::string b = comma == std::string::npos ? "" : args.substr(comma + 1);
    if (fn == "exp" || fn == "exponential") return http::Distribution::exponential(value(a, open + 1));
    if (fn == "uniform") {
        if (comma == std::string::npos) {
            if (error_column != nullptr) *error_column = close;
            throw std::invalid_argument("uniform needs two bounds: uniform(1ms, 3ms)");
        }
        const double lo = value(a, open + 1), hi = value(b, open + 2 + comma);
        if (hi < lo) {
            if (error_column != nullptr) *error_column = open + 1;
            throw std::invalid_argument("uniform(low, high) needs low <= high");
        }
        return http::Distribution::uniform(lo, hi);
    }
    if (fn == "lognormal") {
        double sigma = 0;
        try {
            sigma = std::stod(b);
        } catch (...) {
            if (error_column != nullptr) *error_column = open + 2 + comma;
            throw std::invalid_argument("lognormal(median, sigma) needs a number for sigma");
        }
        return http::Distribution::lognormal(value(a, open + 1), sigma);
    }
    if (error_column != nullptr) *error_column = 0;
    throw std::invalid_argument("unknown distribution \"" + fn +
                                "\" (use exp(...), uniform(a, b) or lognormal(median, sigma))");
}

std::string format_size(uint64_t bytes) {
    if (bytes != 0 && bytes % 1'000'000 == 0) return std::to_string(bytes / 1'000'000) + "MB";
    if (bytes != 0 && bytes % 1000 == 0) return std::to_string(bytes / 1000) + "kB";
    return std::to_string(bytes) + "B";
}

std::string format_bandwidth(uint64_t bps) {
    if (bps % 1'000'000'000 == 0) return std::to_string(bps / 1'000'000'000) + "Gbit";
    if (bps % 1'000'000 == 0) return std::to_string(bps / 1'000'000) + "Mbit";
    if (bps % 1000 == 0) return std::to_string(bps / 1000) + "kbit";
    return std::to_string(bps) + "bit";
}

double parse_rate_text(const std::string& text, size_t* error_column) {
    const size_t slash = text.find('/');
    if (slash == std::string::npos) {
        if (error_column != nullptr) *error_column = text.size();
        throw std::invalid_argument("a rate needs its unit: 2/s, 120/min or 7200/h");
    }
    double v = 0;
    size_t end = 0;
    try {
        v = std::stod(text.substr(0, slash), &end);
    } catch (...) {
        end = std::string::npos;
    }
    if (end != slash || slash == 0 || !(v >= 0) || v > 1e9) {
        if (error_column != nullptr) *error_column = 0;
        throw std::invalid_argument("a rate is a number from 0 to 1e9 and a unit, e.g. 2/s");
    }
    const std::string unit = text.substr(slash + 1);
    if (unit == "s") return v;
    if (unit == "min") return v / 60;
    if (unit == "h") return v / 3600;
    if (error_column != nullptr) *error_column = slash + 1;
    throw std::invalid_argument("unknown rate unit \"/" + unit + "\" (use /s, /min or /h)");
}

http::Distribution parse_count_distribution(const std::string& text, size_t* error_column) {
    const auto number = [&](const std::string& t, size_t offset) {
        double v = 0;
        size_t end = 0;
        try {
            v = std::stod(t, &end);
        } catch (...) {
            end = std::string::npos;
        }
        while (end != std::string::npos && end < t.size() && t[end] == ' ') ++end;
        if (end != t.size() || !(v >= 0) || v > 1e6) {
            if (error_column != nullptr) *error_column = offset;
            throw std::invalid_argument("a count is a number from 0 to 1e6, got \"" + t + "\"");
        }
        return v;
    };
    const size_t open = text.find('(');
    if (open == std::string::npos) return http::Distribution::fixed(number(text, 0));
    std::string fn = text.substr(0, open);
    fn.erase(fn.find_last_not_of(' ') + 1);
    const size_t close = text.rfind(')');
    if (close == std::string::npos || close < open || close + 1 != text.size()) {
        if (error_column != nullptr) *error_column = text.size();
        throw std::invalid_argument("missing ')' at the end");
    }
    const std::string args = text.substr(open + 1, close - open - 1);
    const size_t comma = args.find(',');
    const double a = number(args.substr(0, comma), open + 1);
    const bool two = comma != std::string::npos;
    const double b = two ? number(args.substr(comma + 1), open + 2 + comma) : 0;
    if (fn == "geometric" && !two) {
        if (a < 1) {
            if (error_column != nullptr) *error_column = open + 1;
            throw std::invalid_argument("geometric(mean) needs a mean of at least 1");
        }
        return http::Distribution::geometric(a);
    }
    if ((fn == "exp" || fn == "exponential") && !two) return http::Distribution::exponential(a);
    if (fn == "uniform" && two && a <= b) return http::Distribution::uniform(a, b);
    if (fn == "lognormal" && two) return http::Distribution::lognormal(a, b);
    if (error_column != nullptr) *error_column = 0;
    throw std::invalid_argument("not a count distribution: \"" + text + "\"");
}

std::string format_distribution(const http::Distribution& d, bool sizes) {
    const auto v = [&](double x) {
        return sizes ? format_size(static_cast<uint64_t>(std::llround(x)))
                     : sim::format_duration(sim::ns(std::llround(x)));
    };
    switch (d.kind) {
        case http::Distribution::Kind::Fixed: return v(d.a);
        case http::Distribution::Kind::Uniform: return "uniform(" + v(d.a) + ", " + v(d.b) + ")";
        case http::Distribution::Kind::Exponential: return "exp(" + v(d.a) + ")";
        case http::Distribution::Kind::LogNormal: {
            std::ostringstream o;
            o << d.b;
            return "lognormal(" + v(d.a) + ", " + o.str() + ")";
        }
        case http::Distribution::Kind::Geometric: return "geometric(" + v(d.a) + ")";
    }
    return "?";
}

}  // namespace lvs::scenario
