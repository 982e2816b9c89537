// Dates and times as kokeilu uses them. Calendar dates are boost::gregorian::date; instants are
// boost::posix_time::ptime in UTC. The store keeps instants as integer microseconds since the Unix
// epoch, so every conversion here is exact to the microsecond.
#pragma once

#include "kokeilu/message.hpp"
#include <boost/date_time/gregorian/gregorian_types.hpp>
#include <boost/date_time/posix_time/posix_time_types.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace kokeilu {

using Date = boost::gregorian::date;
using Time = boost::posix_time::ptime;  // always UTC inside kokeilu

// Microseconds since 1970-01-01T00:00:00Z; exact for every ptime with microsecond resolution.
[[nodiscard]] std::int64_t to_unix_micros(const Time& t);
// Throws InvalidArgumentError naming `field` for an instant outside years 1400-9999.
[[nodiscard]] Time from_unix_micros(std::int64_t micros, const std::string& field = "time");

// The instants kokeilu holds, at every door: 1400-01-01T00:00:00Z to 9999-12-31T23:59:59.999999Z
// (the calendar of Boost.Date_Time; before 1400 the Gregorian calendar was not yet in use).
inline constexpr std::int64_t earliest_unix_micros = -17'987'443'200'000'000;
inline constexpr std::int64_t latest_unix_micros = 253'402'300'799'999'999;
// nullptr when micros is within them, else the code of the problem ("input.time_out_of_range").
[[nodiscard]] const char* time_range_problem(std::int64_t micros) noexcept;

// A time given as a number counts `unit`s since 1970-01-01T00:00:00Z ("epoch" time). kokeilu takes
// such a number only with its unit said: 1772400000 is March 2026 in seconds but January 1970 in
// microseconds, and nothing in the number tells which.
enum class EpochUnit { seconds, milliseconds, microseconds, nanoseconds };
// "s", "ms", "us" (or "µs"), "ns"; else InvalidArgumentError naming `field` and the choices.
[[nodiscard]] EpochUnit parse_epoch_unit(std::string_view text, const std::string& field);
[[nodiscard]] std::string_view to_string(EpochUnit unit);
// The number as UTC microseconds: a whole count exactly (nanoseconds floored), a fractional one to
// the nearest microsecond. Throws InvalidArgumentError naming `field` when it is not finite or
// lands outside years 1400-9999.
[[nodiscard]] std::int64_t epoch_to_unix_micros(std::int64_t count, EpochUnit unit, const std::string& field);
[[nodiscard]] std::int64_t epoch_to_unix_micros(double count, EpochUnit unit, const std::string& field);
// The problem of a number given as a time without its unit, with the way out ("... give its unit").
// `shown` is the number as the caller wrote it.
[[nodiscard]] Message unitless_epoch_problem(std::string_view shown);

// The current time in UTC, with microseconds.
[[nodiscard]] Time now_utc();
// The same as microseconds since the Unix epoch, without building a calendar time (cheap enough
// for every single write).
[[nodiscard]] std::int64_t now_unix_micros() noexcept;
[[nodiscard]] Date today_utc();

// Parses an ISO 8601 calendar date "YYYY-MM-DD". On failure throws InvalidArgumentError naming `field`.
[[nodiscard]] Date parse_date(std::string_view text, const std::string& field);

// Parses an ISO 8601 date-time: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" (a space may replace
// the T), optionally followed by "Z" or an offset "+HH:MM"/"-HH:MM"/"+HHMM". A time with an offset
// is converted to UTC; a time without one is taken to be UTC already (the one rule kokeilu uses for
// naive times in the API). A date alone means its midnight in UTC; the kokeilu command reads both
// in the tracker's zone instead (parse_local_time in time_zone.hpp), and an experiment's days are
// days in that zone (TimeZone::start_of_day).
// On failure throws InvalidArgumentError naming `field`.
[[nodiscard]] Time parse_time(std::string_view text, const std::string& field);

// "YYYY-MM-DD".
[[nodiscard]] std::string format_date(const Date& d);
// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (fraction omitted when zero).
[[nodiscard]] std::string format_time(const Time& t);

}  // namespace kokeilu
