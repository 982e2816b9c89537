// std::chrono beside Boost.Date_Time: the conversions between kokeilu's Date and Time and C++20's
// year_month_day and sys_time, for code that keeps its dates and times in the standard library.
// They are exact: a Time is microseconds since the Unix epoch in UTC, as sys_time<microseconds> is,
// and a Date is a day of the proleptic Gregorian calendar, as year_month_day is.
//
// The Tracker takes either kind wherever it takes a date or a time (start, stop, note); what it
// returns is Boost's, converted with these when needed:
//     tracker.start("OULU-2026-001", 2026y / March / 2);
//     Observation o;
//     o.at = kokeilu::to_time(std::chrono::floor<std::chrono::microseconds>(std::chrono::system_clock::now()));
//     std::chrono::year_month_day started = kokeilu::to_year_month_day(*experiment.actual_start);
#pragma once

#include "kokeilu/time.hpp"

#include <chrono>
#include <string>

namespace kokeilu {

using SysMicroseconds = std::chrono::sys_time<std::chrono::microseconds>;

// Throws InvalidArgumentError naming `field` for a day that is not on the calendar (2026-02-30:
// input.not_a_date) or outside years 1400-9999 (input.time_out_of_range).
[[nodiscard]] Date to_date(std::chrono::year_month_day day, const std::string& field = "date");
// Throws InvalidArgumentError naming `field` for a Date that is not a day (not_a_date_time, infinity).
[[nodiscard]] std::chrono::year_month_day to_year_month_day(const Date& day, const std::string& field = "date");

// Any coarser sys_time (sys_seconds, sys_days) converts to SysMicroseconds by itself; a finer one
// (system_clock's nanoseconds) needs std::chrono::floor<std::chrono::microseconds>. Throws
// InvalidArgumentError naming `field` outside years 1400-9999.
[[nodiscard]] Time to_time(SysMicroseconds at, const std::string& field = "time");
// Throws InvalidArgumentError naming `field` for a Time that is not an instant.
[[nodiscard]] SysMicroseconds to_sys_time(const Time& at, const std::string& field = "time");

}  // namespace kokeilu
