// Reading YAML with precise errors: every value a scenario file holds goes through a Reader,
// which names file, line and column and a fix when the value is wrong (ConfigError).
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/http/distribution.hpp"
#include "models/net/address.hpp"
#include "models/net/network.hpp"
#include "models/scenario/loader.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/units.hpp"
#include "sim/time.hpp"

namespace lvs::scenario {

// "a, b, c".
std::string join(const std::vector<std::string>& v);
// Where a node is in the file (1-based).
Mark mark_of(const YAML::Node& n);

class Reader {
public:
    explicit Reader(std::string origin) : origin_(std::move(origin)) {}

    [[noreturn]] void fail(const YAML::Node& n, const std::string& msg, const std::string& hint = {},
                           size_t col_offset = 0) const {
        const YAML::Mark m = n.Mark();
        const int line = m.line >= 0 ? m.line + 1 : 0;
        const int col = m.column >= 0 ? m.column + 1 + static_cast<int>(col_offset) : 0;
        // A quoted scalar's text starts one column after its mark.
        throw ConfigError(origin_, line, col, msg, hint);
    }
    [[noreturn]] void fail_at(Mark m, const std::string& msg, const std::string& hint = {}) const {
        throw ConfigError(origin_, m.line, m.column, msg, hint);
    }
    void check_keys(const YAML::Node& map, const std::vector<std::string>& allowed,
                    const std::string& where) const {
        if (!map.IsMap()) fail(map, where + " must be a mapping (key: value lines)");
        for (const auto& kv : map) {
            if (!kv.first.IsScalar())
                fail(kv.first, "a key in " + where + " must be a plain word", "write `key: value`");
            const std::string key = kv.first.as<std::string>();
            if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
            const std::string near = did_you_mean(key, allowed);
            // `{pages: uniform(2, 8)}`: YAML's flow mapping split the value at its comma.
            if (key.find(')') != std::string::npos && key.find('(') == std::string::npos)
                fail(kv.first, "unknown key '" + key + "' in " + where,
                     "a value with a comma inside {...} needs quotes, e.g. \"uniform(2, 8)\"");
            fail(kv.first, "unknown key '" + key + "' in " + where,
                 near.empty() ? "allowed keys: " + join(allowed) : "did you mean '" + near + "'?");
        }
    }
    std::string text(const YAML::Node& n, const std::string& what) const {
        if (!n.IsScalar()) fail(n, what + " must be a single value");
        return n.as<std::string>();
    }
    int64_t integer(const YAML::Node& n, const std::string& what, int64_t lo, int64_t hi) const {
        const std::string t = text(n, what);
        int64_t v = 0;
        size_t end = 0;
        bool too_big = false;
        try {
            v = std::stoll(t, &end);
        } catch (const std::out_of_range&) {
            too_big = true;
        } catch (...) {
            end = 0;
        }
        const std::string range = "allowed: " + std::to_string(lo) + " to " + std::to_string(hi);
        if (too_big) fail(n, what + " = " + t + " is out of range", range);
        if (end != t.size() || t.empty()) fail(n, what + " must be a whole number, got \"" + t + "\"", range);
        if (v < lo || v > hi)
            fail(n, what + " = " + t + " is out of range",
                 "allowed: " + std::to_string(lo) + " to " + std::to_string(hi));
        return v;
    }
    double real(const YAML::Node& n, const std::string& what, double lo, double hi) const {
        const std::string t = text(n, what);
        double v = 0;
        size_t end = 0;
        try {
            v = std::stod(t, &end);
        } catch (...) {
            end = 0;
        }
        if (end != t.size() || t.empty()) fail(n, what + " must be a number, got \"" + t + "\"");
        if (!(v >= lo && v <= hi)) {  // NaN fails too
            std::ostringstream o;
            o << "allowed: " << lo << " to " << hi;
            fail(n, what + " = " + t + " is out of range", o.str());
        }
        return v;
    }
    // A probability: 0.01 or 1%.
    double probability(const YAML::Node& n, const std::string& what, double hi = 1.0) const {
        const std::string t = text(n, what);
        const bool percent = !t.empty() && t.back() == '%';
        double v = 0;
        size_t end = 0;
        try {
            v = std::stod(percent ? t.substr(0, t.size() - 1) : t, &end);
        } catch (...) {
            end = 0;
        }
        if (t.empty() || end != t.size() - (percent ? 1 : 0))
            fail(n, what + " must be a probability, got \"" + t + "\"", "e.g. 0.01 or 1%");
        if (percent) v /= 100.0;
        if (!(v >= 0.0 && v <= hi)) {
            std::ostringstream o;
            o << "a probability from 0 to " << hi << " (" << hi * 100 << "%)";
            fail(n, what + " = " + t + " is out of range", o.str());
        }
        return v;
    }
    bool boolean(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        if (t == "true" || t == "yes" || t == "on") return true;
        if (t == "false" || t == "no" || t == "off") return false;
        fail(n, what + " must be true or false, got \"" + t + "\"", "write on or off (true/false, yes/no)");
    }
    sim::Duration duration(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        try {
            return sim::parse_duration(t);
        } catch (const sim::TimeParseError& e) {
            fail(n, what + ": " + e.what(), e.hint(), e.column());
        }
    }
    // Sessions per second: "2/s", "120/min", "7200/h".
    double rate(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        size_t col = 0;
        try {
            return parse_rate_text(t, &col);
        } catch (const std::invalid_argument& e) {
            fail(n, what + ": " + e.what(), "e.g. 2/s, 120/min or 7200/h", col);
        }
    }
    net::Ipv4 address(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        const auto a = net::Ipv4::parse(t);
        if (!a) fail(n, what + " must be an IPv4 address like 192.168.10.11, got \"" + t + "\"");
        return *a;
    }
    uint64_t size(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        size_t col = 0;
        try {
            return parse_size_text(t, &col);
        } catch (const std::invalid_argument& e) {
            fail(n, what + ": " + e.what(), "sizes: 400B, 20kB, 10KiB, 1MB", col);
        }
    }
    uint64_t bandwidth(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        size_t col = 0;
        try {
            return parse_bandwidth_text(t, &col);
        } catch (const std::invalid_argument& e) {
            fail(n, what + ": " + e.what(), "bandwidths: 100Mbit, 1Gbit", col);
        }
    }
    // A size carried as one application message (a request or a response body).
    uint32_t message_size(const YAML::Node& n, const std::string& what) const {
        const uint64_t v = size(n, what);
        if (v > net::kMaxMessageBytes)
            fail(n, what + " " + text(n, what) + " is larger than one message can be (1GiB)",
                 "split it into several requests, or use at most 1GiB");
        return static_cast<uint32_t>(v);
    }
    http::Distribution distribution(const YAML::Node& n, const std::string& what, bool sizes) const {
        const std::string t = text(n, what);
        size_t col = 0;
        http::Distribution d;
        try {
            d = parse_distribution_text(t, sizes, &col);
        } catch (const std::invalid_argument& e) {
            fail(n, what + ": " + e.what(),
                 sizes ? "e.g. 10kB, exp(10kB), uniform(5kB, 15kB)" : "e.g. 2ms, exp(2ms), uniform(1ms, 3ms)",
                 col);
        }
        // Sampled sizes are capped at one message (kMaxMessageBytes); the typical value must fit.
        if (sizes &&
            std::max(d.a, d.kind == http::Distribution::Kind::Uniform ? d.b : 0.0) > net::kMaxMessageBytes)
            fail(n, what + " " + t + " is larger than one message can be (1GiB)",
                 "use sizes of at most 1GiB");
        return d;
    }
    std::string name(const YAML::Node& n, const std::string& what) const {
        const std::string t = text(n, what);
        bool ok = !t.empty() && std::isalpha(static_cast<unsigned char>(t[0]));
        for (char c : t) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
        if (!ok)
            fail(n, what + " \"" + t + "\" is not a valid name",
                 "use letters, digits and _ (starting with a letter), e.g. rs1");
        return t;
    }
    std::string one_of(const YAML::Node& n, const std::string& what,
                       const std::vector<std::string>& allowed) const {
        const std::string t = text(n, what);
        if (std::find(allowed.begin(), allowed.end(), t) != allowed.end()) return t;
        const std::string near = did_you_mean(t, allowed);
        fail(n, "unknown " + what + " '" + t + "'",
             (near.empty() ? "" : "did you mean '" + near + "'? ") + "known: " + join(allowed));
    }
    const std::string& origin() const { return origin_; }

private:
    std::string origin_;
};

}  // namespace lvs::scenario
