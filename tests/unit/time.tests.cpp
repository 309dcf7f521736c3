#include "sim/time.hpp"

#include <catch2/catch.hpp>

using namespace lvs::sim;

TEST_CASE("sim::Time: parsing units", "[sim][time]") {
    using Row = std::tuple<const char*, int64_t>;
    auto [text, expected] = GENERATE(table<const char*, int64_t>({
        Row{"1.5s", 1'500'000'000},
        Row{"120 ms", 120'000'000},
        Row{"120ms", 120'000'000},
        Row{"2min", 120'000'000'000},
        Row{"1h", 3'600'000'000'000},
        Row{"250us", 250'000},
        Row{"250\xC2\xB5s", 250'000},
        Row{"40ns", 40},
        Row{"0s", 0},
        Row{"0.000000001s", 1},
        Row{"1.25 min", 75'000'000'000},
        Row{"60 sec", 60'000'000'000},
        Row{"1_000ms", 1'000'000'000},
    }));
    CAPTURE(text);
    CHECK(parse_duration(text).ns() == expected);
}

TEST_CASE("sim::Time: bad strings give clear errors", "[sim][time]") {
    using Row = std::tuple<const char*, const char*, size_t>;
    auto [text, fragment, column] = GENERATE(table<const char*, const char*, size_t>({
        Row{"", "empty text", 0},
        Row{"5", "missing unit", 1},
        Row{"5 parsecs", "unknown unit \"parsecs\"", 2},
        Row{"1.5m", "ambiguous", 3},
        Row{"abc", "expected a number", 0},
        Row{"-3s", "cannot be negative", 0},
        Row{"0.5ns", "finer than one nanosecond", 0},
        Row{"99999999999999999999s", "too large", 0},
    }));
    CAPTURE(text);
    try {
        (void)parse_duration(text);
        FAIL("no error for \"" << text << "\"");
    } catch (const TimeParseError& e) {
        CHECK_THAT(e.what(), Catch::Contains(fragment));
        CHECK(e.column() == column);
        CHECK_THAT(e.hint(), Catch::Contains("ms"));
    }
}

TEST_CASE("sim::Time: negative durations only when allowed", "[sim][time]") {
    CHECK(parse_duration("-3s", {.allow_negative = true}).ns() == -3'000'000'000);
}

TEST_CASE("sim::Time: printing picks the largest exact unit", "[sim][time]") {
    CHECK(format_duration(ms(1500)) == "1.5s");
    CHECK(format_duration(ms(120)) == "120ms");
    CHECK(format_duration(s(90)) == "90s");
    CHECK(format_duration(us(250)) == "250us");
    CHECK(format_duration(ns(40)) == "40ns");
    CHECK(format_duration(ns(1'000'000'001)) == "1.000000001s");
    CHECK(format_duration(ms(-20)) == "-20ms");
    CHECK(format_duration(Duration{}) == "0ns");
    CHECK(format_clock(Time::from_ns(12'000'345'678)) == "    12.000345");
}

TEST_CASE("sim::Time: printing and parsing round-trip", "[sim][time]") {
    const int64_t v = GENERATE(as<int64_t>{}, 1, 999, 1000, 123456, 1000000, 59999999999, 3600000000000, 7);
    CHECK(parse_duration(format_duration(ns(v))).ns() == v);
}

TEST_CASE("sim::Time: arithmetic keeps points and spans apart", "[sim][time]") {
    const Time t = at(s(10));
    CHECK((t + ms(5)).ns() == 10'005'000'000);
    CHECK((at(s(12)) - t) == s(2));
    CHECK(minutes(2) == s(120));
    CHECK(hours(1) / minutes(1) == 60);
}
