// std::chrono beside Boost.Date_Time (chrono.hpp): exact both ways, the same range and the same
// refusals as every other door, and the Tracker's start, stop and note taking either.
#include "kokeilu/chrono.hpp"
#include "kokeilu/error.hpp"
#include "kokeilu/tracker.hpp"

#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <string>

using namespace kokeilu;
using namespace std::chrono;

namespace {

// "code field" of the InvalidArgumentError f throws.
std::string refusal_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InvalidArgumentError& e) {
        return e.code() + " " + e.field();
    }
    return "(no refusal)";
}

}  // namespace

TEST_CASE("chrono: days convert both ways, exactly, over the whole calendar kokeilu holds", "[time][chrono]") {
    for (const year_month_day day : {year(1400) / January / 1, year(1969) / December / 31, year(1970) / January / 1,
                                     year(2024) / February / 29, year(2026) / March / 2, year(9999) / December / 31}) {
        const Date date = to_date(day);
        CHECK(static_cast<int>(date.year()) == static_cast<int>(day.year()));
        CHECK(static_cast<unsigned>(date.month()) == static_cast<unsigned>(day.month()));
        CHECK(static_cast<unsigned>(date.day()) == static_cast<unsigned>(day.day()));
        CHECK(to_year_month_day(date) == day);
    }
    CHECK(refusal_of([] { (void)to_date(year(2026) / February / 29, "on"); }) == "input.not_a_date on");
    CHECK(refusal_of([] { (void)to_date(year(1399) / December / 31); }) == "input.time_out_of_range date");
    CHECK(refusal_of([] { (void)to_date(year(10000) / January / 1); }) == "input.time_out_of_range date");
    CHECK(refusal_of([] { (void)to_year_month_day(Date(boost::date_time::not_a_date_time)); }) ==
          "input.not_a_date date");
}

TEST_CASE("chrono: times convert both ways to the microsecond, in UTC", "[time][chrono]") {
    const SysMicroseconds at = sys_days(year(2026) / March / 2) + hours(9) + minutes(30) + microseconds(123456);
    const Time time = to_time(at);
    CHECK(format_time(time) == "2026-03-02T09:30:00.123456Z");
    CHECK(to_sys_time(time) == at);
    CHECK(to_unix_micros(time) == at.time_since_epoch().count());
    // Coarser times convert by themselves, finer ones by floor, as the epoch numbers do.
    CHECK(to_time(sys_seconds(seconds(1772400000))) == from_unix_micros(1'772'400'000'000'000));
    CHECK(to_time(floor<microseconds>(sys_time<nanoseconds>(nanoseconds(-1)))) == from_unix_micros(-1));

    CHECK(refusal_of([] { (void)to_time(SysMicroseconds(microseconds(latest_unix_micros + 1)), "at"); }) ==
          "input.time_out_of_range at");
    CHECK(refusal_of([] { (void)to_time(sys_days(year(1399) / December / 31)); }) == "input.time_out_of_range time");
    CHECK(refusal_of([] { (void)to_sys_time(Time(boost::date_time::pos_infin)); }) == "input.not_a_time time");
}

TEST_CASE("chrono: the Tracker starts, stops and notes on std::chrono days and times", "[time][chrono][tracker]") {
    Tracker t = testing::memory_tracker();
    Experiment draft = testing::home_care_draft();
    draft.key = "OULU-2025-001";
    draft.planned_start = Date(2025, 3, 1);
    draft.planned_end = Date(2025, 8, 31);
    t.create(draft);
    CHECK(refusal_of([&] { t.start("OULU-2025-001", year(2025) / February / 30); }) == "input.not_a_date on");
    CHECK(t.get("OULU-2025-001").status == Status::draft);

    const Experiment started = t.start("OULU-2025-001", year(2025) / March / 3);
    CHECK(to_year_month_day(*started.actual_start) == year(2025) / March / 3);
    const JournalEntry note =
        t.note("OULU-2025-001", "kick-off", "Aino", sys_days(year(2025) / March / 3) + hours(8));
    CHECK(note.at == Time(Date(2025, 3, 3), boost::posix_time::hours(8)));
    const Experiment stopped = t.stop("OULU-2025-001", "budget moved", year(2025) / April / 1, "Aino");
    CHECK(stopped.status == Status::stopped);
    CHECK(to_year_month_day(*stopped.actual_end) == year(2025) / April / 1);
}
