// A tracker's time zone: the zone in which its people read calendar days. Stored times stay UTC
// microseconds; the zone decides only where a day begins (an experiment's start, a date given alone)
// and how a time is shown. A zone is read from the TZif file of the system's time zone database
// (/usr/share/zoneinfo, Debian's tzdata, or $TZDIR), never downloaded: kokeilu takes the POSIX TZ
// rule that ends every TZif v2+ file ("EET-2EEST,M3.5.0/3,M10.5.0/4" for Europe/Helsinki) and
// applies it to every year. That is exact for the zone's current rules (the EU's since 1996 for
// Helsinki and Stockholm); days before the current rules began are placed by them too.
#pragma once

#include "kokeilu/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace kokeilu {

// The zone a tracker file gets when it is made, and an older file when it is first opened by this
// version: kokeilu's users count days in Finnish time.
inline constexpr const char* default_time_zone = "Europe/Helsinki";

class TimeZone {
public:
    // UTC, with no file needed.
    TimeZone();
    // The IANA zone `name` ("Europe/Stockholm"). Throws InvalidArgumentError naming `field` for a
    // name the database does not have, or one whose file carries no rule for the present.
    static TimeZone load(std::string_view name, const std::string& field = "time_zone");

    [[nodiscard]] const std::string& name() const noexcept { return name_; }
    // Local time minus UTC at the instant, in seconds (+7200 in Helsinki in winter).
    [[nodiscard]] std::int64_t offset_seconds(std::int64_t utc_micros) const;
    // "EET", "EEST", or "+03" for a zone without letters.
    [[nodiscard]] std::string abbreviation(std::int64_t utc_micros) const;
    // The first instant of the local day `d`, as UTC microseconds. On a day whose midnight the
    // clocks skip, the day begins when they jump; where midnight comes twice, at the first.
    [[nodiscard]] std::int64_t start_of_day(const Date& d) const;
    // A local wall-clock time as UTC microseconds: a time the clocks skip counts as the same
    // time after the jump (02:30 becomes 03:30 on a spring-forward of an hour); a time that
    // comes twice is the first of them (summer time).
    [[nodiscard]] std::int64_t from_local(const Time& local) const;
    // The instant as local wall-clock time.
    [[nodiscard]] Time to_local(std::int64_t utc_micros) const;
    [[nodiscard]] Date date_of(std::int64_t utc_micros) const;
    [[nodiscard]] Date today() const;
    // "2026-03-29 04:30 EEST": how kokeilu shows an instant to people.
    [[nodiscard]] std::string format_local(std::int64_t utc_micros) const;

    // A rule's date within a year: the `week`th `weekday` (0 Sunday) of `month`, week 5 the last,
    // at `seconds` past local midnight (may be negative or past 24 h, as POSIX allows).
    struct Rule {
        int month = 0;
        int week = 0;
        int weekday = 0;
        std::int64_t seconds = 7200;
    };

private:
    [[nodiscard]] std::int64_t transition(int year, const Rule& rule, std::int64_t offset_before) const;
    [[nodiscard]] bool summer(std::int64_t utc_seconds) const;

    std::string name_ = "UTC";
    std::string standard_abbreviation_ = "UTC";
    std::string summer_abbreviation_;
    std::int64_t standard_offset_ = 0;  // seconds east of UTC
    std::int64_t summer_offset_ = 0;
    bool has_summer_ = false;
    Rule summer_starts_;
    Rule summer_ends_;

    friend TimeZone parse_posix_rule(std::string_view rule, std::string name, const std::string& field);
};

// Like parse_time, but a time written without 'Z' or a UTC offset (a date alone included) is
// wall-clock time in `zone`: the rule of the kokeilu command and its CSV import, where people type
// times as their clocks show them. The Python API's naive datetimes stay UTC.
[[nodiscard]] Time parse_local_time(std::string_view text, const std::string& field, const TimeZone& zone);

// The zone of a POSIX TZ rule (the last line of a TZif file), named `name`. Throws
// InvalidArgumentError naming `field` for a rule kokeilu does not read (only Mm.w.d dates).
[[nodiscard]] TimeZone parse_posix_rule(std::string_view rule, std::string name, const std::string& field);

}  // namespace kokeilu
