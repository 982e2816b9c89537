// The tracker's time zone: where its days begin, across the changes to and from summer time.
// Every zone here is read from the time zone database, so the machine's own TZ plays no part.
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/time_zone.hpp"
#include "kokeilu/tracker.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

std::int64_t utc(const char* text) { return to_unix_micros(parse_time(text, "at")); }

Time local(const char* text) { return parse_time(text, "at"); }  // naive text, read as wall-clock

Observation unit(Time when, std::string arm, double value) {
    Observation o;
    o.at = when;
    o.arm = std::move(arm);
    o.value = value;
    return o;
}

}  // namespace

TEST_CASE("Helsinki days begin at 22:00 UTC in winter and 21:00 UTC in summer", "[time_zone]") {
    const TimeZone helsinki = TimeZone::load("Europe/Helsinki");
    CHECK(helsinki.name() == "Europe/Helsinki");
    CHECK(helsinki.start_of_day(Date(2026, 1, 15)) == utc("2026-01-14T22:00Z"));
    CHECK(helsinki.start_of_day(Date(2026, 7, 1)) == utc("2026-06-30T21:00Z"));
    CHECK(helsinki.offset_seconds(utc("2026-01-15T12:00Z")) == 7200);
    CHECK(helsinki.offset_seconds(utc("2026-07-01T12:00Z")) == 10800);
    CHECK(helsinki.format_local(utc("2026-01-15T12:00Z")) == "2026-01-15 14:00 EET");
    CHECK(helsinki.date_of(utc("2026-01-14T22:00Z")) == Date(2026, 1, 15));
    CHECK(helsinki.date_of(utc("2026-01-14T21:59:59.999999Z")) == Date(2026, 1, 14));
}

TEST_CASE("the spring change: 03:00 EET becomes 04:00 EEST on the last Sunday of March", "[time_zone]") {
    const TimeZone helsinki = TimeZone::load("Europe/Helsinki");
    // 2026-03-29 is the last Sunday of March; the clocks jump at 01:00 UTC.
    CHECK(helsinki.format_local(utc("2026-03-29T00:59Z")) == "2026-03-29 02:59 EET");
    CHECK(helsinki.format_local(utc("2026-03-29T01:00Z")) == "2026-03-29 04:00 EEST");
    CHECK(helsinki.start_of_day(Date(2026, 3, 29)) == utc("2026-03-28T22:00Z"));
    CHECK(helsinki.start_of_day(Date(2026, 3, 30)) == utc("2026-03-29T21:00Z"));
    // The day has 23 hours.
    CHECK(helsinki.start_of_day(Date(2026, 3, 30)) - helsinki.start_of_day(Date(2026, 3, 29)) == 23LL * 3600'000'000);
    // A wall-clock time the clocks skip is read after the jump; the times around it as they are.
    CHECK(helsinki.from_local(local("2026-03-29T02:30")) == utc("2026-03-29T00:30Z"));
    CHECK(helsinki.from_local(local("2026-03-29T03:30")) == utc("2026-03-29T01:30Z"));
    CHECK(helsinki.from_local(local("2026-03-29T04:30")) == utc("2026-03-29T01:30Z"));
    // Stockholm jumps at the same instant, from 02:00 CET to 03:00 CEST.
    const TimeZone stockholm = TimeZone::load("Europe/Stockholm");
    CHECK(stockholm.format_local(utc("2026-03-29T01:00Z")) == "2026-03-29 03:00 CEST");
    CHECK(stockholm.start_of_day(Date(2026, 3, 29)) == utc("2026-03-28T23:00Z"));
}

TEST_CASE("the autumn change: 04:00 EEST becomes 03:00 EET on the last Sunday of October", "[time_zone]") {
    const TimeZone helsinki = TimeZone::load("Europe/Helsinki");
    // 2026-10-25 is the last Sunday of October; the clocks fall back at 01:00 UTC.
    CHECK(helsinki.format_local(utc("2026-10-25T00:59Z")) == "2026-10-25 03:59 EEST");
    CHECK(helsinki.format_local(utc("2026-10-25T01:00Z")) == "2026-10-25 03:00 EET");
    CHECK(helsinki.start_of_day(Date(2026, 10, 25)) == utc("2026-10-24T21:00Z"));
    CHECK(helsinki.start_of_day(Date(2026, 10, 26)) == utc("2026-10-25T22:00Z"));
    CHECK(helsinki.start_of_day(Date(2026, 10, 26)) - helsinki.start_of_day(Date(2026, 10, 25)) == 25LL * 3600'000'000);
    // 03:30 comes twice; kokeilu takes the first (summer time).
    CHECK(helsinki.from_local(local("2026-10-25T03:30")) == utc("2026-10-25T00:30Z"));
    CHECK(helsinki.from_local(local("2026-10-25T04:30")) == utc("2026-10-25T02:30Z"));
}

TEST_CASE("a southern zone keeps summer across the turn of the year", "[time_zone]") {
    // Sydney: AEST-10AEDT,M10.1.0,M4.1.0/3.
    const TimeZone sydney = TimeZone::load("Australia/Sydney");
    CHECK(sydney.offset_seconds(utc("2026-01-15T00:00Z")) == 11 * 3600);
    CHECK(sydney.offset_seconds(utc("2026-07-15T00:00Z")) == 10 * 3600);
    CHECK(sydney.start_of_day(Date(2026, 1, 1)) == utc("2025-12-31T13:00Z"));
}

TEST_CASE("a zone without summer time and one named by numbers", "[time_zone]") {
    CHECK(TimeZone().start_of_day(Date(2026, 3, 29)) == utc("2026-03-29T00:00Z"));
    CHECK(TimeZone::load("UTC").format_local(utc("2026-03-29T01:00Z")) == "2026-03-29 01:00 UTC");
    const TimeZone moscow = TimeZone::load("Europe/Moscow");  // MSK-3
    CHECK(moscow.start_of_day(Date(2026, 7, 1)) == utc("2026-06-30T21:00Z"));
    const TimeZone kabul = parse_posix_rule("<+0430>-4:30", "Asia/Kabul", "time_zone");
    CHECK(kabul.format_local(utc("2026-01-01T00:00Z")) == "2026-01-01 04:30 +0430");
}

TEST_CASE("unknown zone names are refused naming the field", "[time_zone]") {
    for (const char* bad : {"", "Europe/Helsingfors", "../etc/passwd", "/usr/share/zoneinfo/UTC", "Mars/Olympus", "Europe"}) {
        INFO(bad);
        try {
            (void)TimeZone::load(bad, "time_zone");
            FAIL("no error");
        } catch (const InvalidArgumentError& e) {
            CHECK(e.field() == "time_zone");
        }
    }
}

TEST_CASE("a tracker reads its days in its zone: Europe/Helsinki unless set", "[time_zone][tracker]") {
    Tracker t = memory_tracker();
    CHECK(t.time_zone().name() == "Europe/Helsinki");
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(2026, 3, 29));
    // 01:00 Helsinki on the start day (2026-03-28T23:00Z) is inside the experiment.
    CHECK_NOTHROW(t.log(key, unit(local("2026-03-28T23:00"), "control", 3.0), LogOptions{false, true}));
    // Midnight itself (22:00Z) is the first instant of the start day, so inside it.
    CHECK_NOTHROW(t.log(key, unit(local("2026-03-28T22:00"), "control", 3.0), LogOptions{false, true}));
    CHECK(field_of_error([&] { t.log(key, unit(local("2026-03-28T21:59"), "control", 3.0), LogOptions{false, true}); }) ==
          "at");
    CHECK(t.count_observations(key) == 2);
    // Once an experiment has started, its days cannot be moved.
    CHECK(state_error_of([&] { t.set_time_zone("Europe/Stockholm"); }).find(key) != std::string::npos);
    CHECK(t.time_zone().name() == "Europe/Helsinki");
}

TEST_CASE("a tracker in Stockholm starts its experiments at Swedish midnight", "[time_zone][tracker]") {
    Tracker t = memory_tracker();
    CHECK(field_of_error([&] { t.set_time_zone("Sweden/Stockholm"); }) == "time_zone");
    t.set_time_zone("Europe/Stockholm");
    CHECK(t.time_zone().name() == "Europe/Stockholm");
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(2026, 10, 25));
    CHECK_NOTHROW(t.log(key, unit(local("2026-10-24T22:00"), "control", 3.0), LogOptions{false, true}));
    CHECK(field_of_error([&] { t.log(key, unit(local("2026-10-24T21:59"), "control", 3.0), LogOptions{false, true}); }) ==
          "at");
}

TEST_CASE("a tracker's time zone is kept in its file", "[time_zone][tracker][store]") {
    // The tracker keeps its zone in memory too: only opening the file again shows what was saved.
    TempDir dir;
    const std::string path = dir.file("zone.db");
    {
        Tracker t = Tracker::open(path);
        t.set_time_zone("Europe/Stockholm");
    }
    CHECK(Tracker::open(path).time_zone().name() == "Europe/Stockholm");
}
