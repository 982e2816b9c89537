// Dates and times as kokeilu uses them. Calendar dates are boost::gregorian::date; instants are
// boost::posix_time::ptime in UTC. The store keeps instants as integer microseconds since the Unix
// epoch, so every conversion here is exact to the microsecond.
#pragma once

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
[[nodiscard]] Time from_unix_micros(std::int64_t micros);

// The current time in UTC, with microseconds.
[[nodiscard]] Time now_utc();
[[nodiscard]] Date today_utc();

// Parses an ISO 8601 calendar date "YYYY-MM-DD". On failure throws InvalidArgumentError naming `field`.
[[nodiscard]] Date parse_date(std::string_view text, const std::string& field);

// Parses an ISO 8601 date-time: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.ffffff]]" (a space may replace
// the T), optionally followed by "Z" or an offset "+HH:MM"/"-HH:MM"/"+HHMM". A time with an offset
// is converted to UTC; a time without one is taken to be UTC already (the one rule kokeilu uses for
// naive times everywhere). A date alone means its midnight in UTC.
// On failure throws InvalidArgumentError naming `field`.
[[nodiscard]] Time parse_time(std::string_view text, const std::string& field);

// "YYYY-MM-DD".
[[nodiscard]] std::string format_date(const Date& d);
// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (fraction omitted when zero).
[[nodiscard]] std::string format_time(const Time& t);

}  // namespace kokeilu
