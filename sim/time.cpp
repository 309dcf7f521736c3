#include "sim/time.hpp"

#include <array>
#include <cstdio>

namespace lvs::sim {
namespace {

__extension__ typedef __int128 Int128;

struct Unit {
    std::string_view name;
    int64_t ns;
};

// Longest names first so that "ms" is not read as "m" + garbage.
constexpr std::array<Unit, 11> kUnits{{
    {"min", 60'000'000'000},
    {"sec", 1'000'000'000},
    {"ns", 1},
    {"us", 1'000},
    {"\xC2\xB5s", 1'000},  // "µs"
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"h", 3'600'000'000'000},
    {"hour", 3'600'000'000'000},
    {"hours", 3'600'000'000'000},
    {"mins", 60'000'000'000},
}};

constexpr std::string_view kUnitHint =
    "write a number with a unit: ns, us, ms, s, min or h (e.g. \"1.5s\", \"120ms\", \"2min\")";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Duration parse_duration(std::string_view text, DurationParseOptions options) {
    size_t i = 0;
    const auto fail = [&](std::string what, size_t col) -> Duration {
        throw TimeParseError("invalid duration \"" + std::string(text) + "\": " + what, col,
                             std::string(kUnitHint));
    };
    while (i < text.size() && text[i] == ' ') ++i;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) {
        negative = text[i] == '-';
        if (negative && !options.allow_negative) return fail("a duration cannot be negative", i);
        ++i;
    }
    const size_t number_start = i;
    int64_t whole = 0;
    bool any_digit = false;
    while (i < text.size() && (is_digit(text[i]) || text[i] == '_' || text[i] == '\'')) {
        if (text[i] != '_' && text[i] != '\'') {
            if (whole > (std::numeric_limits<int64_t>::max() - 9) / 10)
                return fail("number too large", number_start);
            whole = whole * 10 + (text[i] - '0');
            any_digit = true;
        }
        ++i;
    }
    // Fraction kept as digits so "0.1s" is exact (no binary floating point involved).
    int64_t frac = 0;
    int frac_digits = 0;
    if (i < text.size() && text[i] == '.') {
        ++i;
        while (i < text.size() && is_digit(text[i])) {
            if (frac_digits >= 18) return fail("too many decimals", i);
            frac = frac * 10 + (text[i] - '0');
            ++frac_digits;
            any_digit = true;
            ++i;
        }
    }
    if (!any_digit) return fail(text.empty() ? "empty text" : "expected a number", number_start);
    while (i < text.size() && text[i] == ' ') ++i;
    const size_t unit_start = i;
    size_t unit_end = text.size();
    while (unit_end > unit_start && text[unit_end - 1] == ' ') --unit_end;
    const std::string_view unit_text = text.substr(unit_start, unit_end - unit_start);
    if (unit_text.empty()) return fail("missing unit", unit_start);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits)
        if (u.name == unit_text) unit = &u;
    if (unit == nullptr) {
        if (unit_text == "m") return fail("unit \"m\" is ambiguous (minutes? milliseconds?)", unit_start);
        return fail("unknown unit \"" + std::string(unit_text) + "\"", unit_start);
    }
    if (whole > std::numeric_limits<int64_t>::max() / unit->ns) return fail("value too large", number_start);
    int64_t total = whole * unit->ns;
    if (frac_digits > 0) {
        // frac / 10^digits * unit must be a whole number of nanoseconds.
        Int128 scaled = static_cast<Int128>(frac) * unit->ns;
        Int128 div = 1;
        for (int d = 0; d < frac_digits; ++d) div *= 10;
        if (scaled % div != 0) return fail("finer than one nanosecond", number_start);
        const Int128 sum = static_cast<Int128>(total) + scaled / div;
        if (sum > std::numeric_limits<int64_t>::max()) return fail("value too large", number_start);
        total = static_cast<int64_t>(sum);
    }
    return Duration::from_ns(negative ? -total : total);
}

std::string format_duration(Duration d) {
    int64_t v = d.ns();
    std::string sign;
    if (v < 0) {
        sign = "-";
        v = -v;
    }
    struct Choice {
        int64_t unit;
        const char* name;
    };
    Choice c{1, "ns"};
    if (v >= 1'000'000'000) c = {1'000'000'000, "s"};
    else if (v >= 1'000'000) c = {1'000'000, "ms"};
    else if (v >= 1'000) c = {1'000, "us"};
    const int64_t whole = v / c.unit;
    int64_t rest = v % c.unit;
    std::string out = sign + std::to_string(whole);
    if (rest != 0) {
        int digits = 0;
        for (int64_t u = c.unit; u > 1; u /= 10) ++digits;
        std::string f(static_cast<size_t>(digits), '0');
        for (int k = digits - 1; k >= 0; --k) {
            f[static_cast<size_t>(k)] = static_cast<char>('0' + rest % 10);
            rest /= 10;
        }
        while (!f.empty() && f.back() == '0') f.pop_back();
        out += "." + f;
    }
    return out + c.name;
}

std::string format_clock(Time t) {
    const int64_t v = t.ns();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%6lld.%06lld", static_cast<long long>(v / 1'000'000'000),
                  static_cast<long long>((v % 1'000'000'000) / 1000));
    return buf;
}

}  // namespace lvs::sim
