#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"

#include <catch2/catch.hpp>

using namespace kokeilu;

TEST_CASE("unix microseconds round-trip exactly", "[time]") {
    const Time t = parse_time("2026-03-29T00:59:59.999999Z", "at");
    CHECK(to_unix_micros(t) == 1774745999999999);
    CHECK(from_unix_micros(to_unix_micros(t)) == t);
    CHECK(to_unix_micros(from_unix_micros(-1)) == -1);
    CHECK(format_time(from_unix_micros(0)) == "1970-01-01T00:00:00Z");
}

TEST_CASE("ISO 8601 times with offsets are converted to UTC", "[time]") {
    // Finland is UTC+3 in summer: 08:00 local is 05:00 UTC.
    CHECK(format_time(parse_time("2026-06-01T08:00:00+03:00", "at")) == "2026-06-01T05:00:00Z");
    CHECK(format_time(parse_time("2026-06-01T08:00+0300", "at")) == "2026-06-01T05:00:00Z");
    CHECK(format_time(parse_time("2026-01-01T00:30:00-01:00", "at")) == "2026-01-01T01:30:00Z");
    CHECK(format_time(parse_time("2026-01-01 12:00:00.5Z", "at")) == "2026-01-01T12:00:00.500000Z");
    // A naive time is UTC; a date alone is its midnight.
    CHECK(format_time(parse_time("2026-01-01T12:00", "at")) == "2026-01-01T12:00:00Z");
    CHECK(format_time(parse_time("2026-01-01", "at")) == "2026-01-01T00:00:00Z");
    // Digits past the microsecond are dropped, not rounded into the next second.
    CHECK(format_time(parse_time("2026-01-01T23:59:59.9999999Z", "at")) == "2026-01-01T23:59:59.999999Z");
}

TEST_CASE("bad dates and times name the field", "[time]") {
    for (const char* bad : {"", "2026-1-05", "2026-02-30", "2026-01-05x", "26-01-05", "1399-12-31", "2026-13-01"}) {
        CAPTURE(bad);
        REQUIRE_THROWS_AS(parse_date(bad, "planned_start"), InvalidArgumentError);
        try {
            (void)parse_date(bad, "planned_start");
        } catch (const InvalidArgumentError& e) {
            CHECK(e.field() == "planned_start");
            CHECK(std::string(e.what()).rfind("planned_start: ", 0) == 0);
        }
    }
    for (const char* bad : {"2026-01-01T24:00", "2026-01-01T12", "2026-01-01T12:00+", "2026-01-01T12:00:00.Z",
                            "2026-01-01T12:60", "2026-01-01T12:00:00+25:00", "2026-01-01T12:00Zjunk"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_time(bad, "at"), InvalidArgumentError);
    }
}

TEST_CASE("dates format as ISO", "[time]") {
    CHECK(format_date(parse_date("2026-11-27", "d")) == "2026-11-27");
    CHECK(format_date(Date(9999, 12, 31)) == "9999-12-31");
    CHECK_THROWS_AS(format_date(Date(boost::date_time::not_a_date_time)), InvalidArgumentError);
}
