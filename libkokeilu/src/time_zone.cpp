#include "kokeilu/time_zone.hpp"

#include "kokeilu/error.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>

namespace kokeilu {

namespace {

constexpr std::int64_t micros_per_second = 1'000'000;
constexpr std::int64_t seconds_per_day = 86'400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0); }

// Days since 1970-01-01 of a calendar date, and back.
std::int64_t day_number(const Date& d) { return (d - Date(1970, 1, 1)).days(); }
Date date_of_day(std::int64_t days) { return Date(1970, 1, 1) + boost::gregorian::days(days); }

// A reader of a POSIX TZ rule: std offset [dst [offset] [,start[/time],end[/time]]].
class RuleReader {
public:
    RuleReader(std::string_view text, const std::string& name, const std::string& field)
        : text_(text), name_(name), field_(field) {}

    std::string abbreviation() {
        std::string out;
        if (accept('<')) {
            while (pos_ < text_.size() && text_[pos_] != '>') out += text_[pos_++];
            if (!accept('>')) fail("an unterminated <abbreviation>");
        } else {
            while (pos_ < text_.size() && ((text_[pos_] >= 'A' && text_[pos_] <= 'Z') || (text_[pos_] >= 'a' && text_[pos_] <= 'z')))
                out += text_[pos_++];
        }
        if (out.size() < 3) fail("an abbreviation of at least three letters");
        return out;
    }

    // [+-]hh[:mm[:ss]] in seconds, signed as written.
    std::int64_t duration() {
        int sign = 1;
        if (accept('-')) sign = -1;
        else accept('+');
        std::int64_t seconds = number(0, 167) * 3600;
        if (accept(':')) seconds += number(0, 59) * 60;
        if (accept(':')) seconds += number(0, 59);
        return sign * seconds;
    }

    TimeZone::Rule rule() {
        if (!accept('M')) fail("a date rule of the form Mm.w.d");
        TimeZone::Rule r;
        r.month = static_cast<int>(number(1, 12));
        if (!accept('.')) fail("'.' in Mm.w.d");
        r.week = static_cast<int>(number(1, 5));
        if (!accept('.')) fail("'.' in Mm.w.d");
        r.weekday = static_cast<int>(number(0, 6));
        if (accept('/')) r.seconds = duration();
        return r;
    }

    bool accept(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    [[nodiscard]] bool done() const { return pos_ == text_.size(); }
    [[nodiscard]] bool at_sign_or_digit() const {
        return pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-' || (text_[pos_] >= '0' && text_[pos_] <= '9'));
    }

    // `wanted` is said in English: it names a part of the POSIX rule's syntax, for whoever mends
    // the zone file.
    [[noreturn]] void fail(const std::string& wanted) const {
        throw InvalidArgumentError(field_, Message{"input.time_zone_rule_unreadable", {{"zone", name_},
                                                                                       {"rule", std::string(text_.substr(0, 64))},
                                                                                       {"expected", wanted}}});
    }

private:
    std::int64_t number(std::int64_t lowest, std::int64_t highest) {
        std::int64_t value = 0;
        std::size_t digits = 0;
        while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9' && digits < 3) {
            value = value * 10 + (text_[pos_++] - '0');
            ++digits;
        }
        if (digits == 0 || value < lowest || value > highest) fail("a number from " + std::to_string(lowest) + " to " + std::to_string(highest));
        return value;
    }

    std::string_view text_;
    const std::string& name_;
    const std::string& field_;
    std::size_t pos_ = 0;
};

bool plausible_zone_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || name.front() == '/' || name.find("..") != std::string_view::npos) return false;
    for (const char c : name) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '_' ||
                        c == '-' || c == '+';
        if (!ok) return false;
    }
    return true;
}

[[noreturn]] void unknown_zone(std::string_view name, const std::string& field) {
    throw InvalidArgumentError(field, Message{"input.unknown_time_zone", {{"zone", std::string(name.substr(0, 64))}}});
}

}  // namespace

TimeZone::TimeZone() = default;

TimeZone parse_posix_rule(std::string_view rule, std::string name, const std::string& field) {
    TimeZone zone;
    zone.name_ = std::move(name);
    RuleReader in(rule, zone.name_, field);
    zone.standard_abbreviation_ = in.abbreviation();
    // POSIX counts west of UTC as positive ("EET-2"); kokeilu keeps local minus UTC.
    zone.standard_offset_ = -in.duration();
    if (in.done()) return zone;
    zone.has_summer_ = true;
    zone.summer_abbreviation_ = in.abbreviation();
    zone.summer_offset_ = in.at_sign_or_digit() ? -in.duration() : zone.standard_offset_ + 3600;
    if (!in.accept(',')) in.fail("',' and the rules of summer time");
    zone.summer_starts_ = in.rule();
    if (!in.accept(',')) in.fail("',' and the rule of the end of summer time");
    zone.summer_ends_ = in.rule();
    if (!in.done()) in.fail("nothing after the rule of the end of summer time");
    return zone;
}

TimeZone TimeZone::load(std::string_view name, const std::string& field) {
    if (name == "UTC") return TimeZone();
    if (!plausible_zone_name(name)) unknown_zone(name, field);
    const char* dir = std::getenv("TZDIR");
    const std::string path = std::string(dir != nullptr && *dir != '\0' ? dir : "/usr/share/zoneinfo") + "/" + std::string(name);
    std::error_code ignored;
    if (!std::filesystem::is_regular_file(path, ignored)) unknown_zone(name, field);
    std::ifstream file(path, std::ios::binary);
    if (!file) unknown_zone(name, field);
    const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (bytes.size() < 6 || bytes.compare(0, 4, "TZif") != 0) unknown_zone(name, field);
    // The footer: "\n<rule>\n" at the very end of a version 2 or later file.
    if (bytes[4] < '2' || bytes.back() != '\n') {
        throw InvalidArgumentError(field, Message{"input.time_zone_file_too_old", {{"zone", std::string(name)}}});
    }
    const std::size_t begin = bytes.rfind('\n', bytes.size() - 2);
    if (begin == std::string::npos || begin + 2 >= bytes.size())
        throw InvalidArgumentError(field, Message{"input.time_zone_without_rule", {{"zone", std::string(name)}}});
    return parse_posix_rule(std::string_view(bytes).substr(begin + 1, bytes.size() - begin - 2), std::string(name), field);
}

std::int64_t TimeZone::transition(int year, const Rule& rule, std::int64_t offset_before) const {
    const Date first(static_cast<unsigned short>(year), static_cast<unsigned short>(rule.month), 1);
    const int first_weekday = first.day_of_week().as_number();
    int day = 1 + (rule.weekday - first_weekday + 7) % 7 + (rule.week - 1) * 7;
    const int last = first.end_of_month().day();
    while (day > last) day -= 7;
    return (day_number(first) + day - 1) * seconds_per_day + rule.seconds - offset_before;
}

bool TimeZone::summer(std::int64_t utc_seconds) const {
    if (!has_summer_) return false;
    const std::int64_t local_day = floor_div(utc_seconds + standard_offset_, seconds_per_day);
    const int year = std::clamp(static_cast<int>(date_of_day(std::clamp<std::int64_t>(local_day, -208'000, 2'900'000)).year()), 1400, 9999);
    const std::int64_t starts = transition(year, summer_starts_, standard_offset_);
    const std::int64_t ends = transition(year, summer_ends_, summer_offset_);
    // Northern zones have summer inside the year, southern ones across its turn.
    if (starts < ends) return utc_seconds >= starts && utc_seconds < ends;
    return utc_seconds < ends || utc_seconds >= starts;
}

std::int64_t TimeZone::offset_seconds(std::int64_t utc_micros) const {
    return summer(floor_div(utc_micros, micros_per_second)) ? summer_offset_ : standard_offset_;
}

std::string TimeZone::abbreviation(std::int64_t utc_micros) const {
    return summer(floor_div(utc_micros, micros_per_second)) ? summer_abbreviation_ : standard_abbreviation_;
}

std::int64_t TimeZone::from_local(const Time& local) const {
    const std::int64_t local_micros = (local - Time(Date(1970, 1, 1))).total_microseconds();
    const std::int64_t local_seconds = floor_div(local_micros, micros_per_second);
    const std::int64_t fraction = local_micros - local_seconds * micros_per_second;
    std::optional<std::int64_t> found;
    for (const std::int64_t offset : {summer_offset_, standard_offset_}) {
        if (offset == summer_offset_ && !has_summer_) continue;
        const std::int64_t candidate = local_seconds - offset;
        const std::int64_t actual = summer(candidate) ? summer_offset_ : standard_offset_;
        if (actual == offset && (!found || candidate < *found)) found = candidate;
    }
    if (!found) {
        // Skipped by the clocks: read with the offset before the jump, which lands as far past it.
        const std::int64_t before = std::min(standard_offset_, summer_offset_);
        found = local_seconds - before;
    }
    return *found * micros_per_second + fraction;
}

std::int64_t TimeZone::start_of_day(const Date& d) const {
    const Time midnight(d);
    if (!has_summer_) return from_local(midnight);
    // Where midnight is skipped, the first instant of the day is the jump itself: the earliest
    // instant whose local date is d.
    const std::int64_t utc = from_local(midnight);
    const std::int64_t earlier = utc - std::abs(summer_offset_ - standard_offset_) * micros_per_second;
    for (std::int64_t t = earlier; t < utc; t += 60 * micros_per_second)
        if (date_of(t) == d) return t;
    return utc;
}

Time TimeZone::to_local(std::int64_t utc_micros) const {
    return Time(Date(1970, 1, 1)) + boost::posix_time::microseconds(utc_micros + offset_seconds(utc_micros) * micros_per_second);
}

Date TimeZone::date_of(std::int64_t utc_micros) const { return to_local(utc_micros).date(); }

Date TimeZone::today() const { return date_of(now_unix_micros()); }

std::string TimeZone::format_local(std::int64_t utc_micros) const {
    const Time local = to_local(utc_micros);
    const auto tod = local.time_of_day();
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, " %02d:%02d", static_cast<int>(tod.hours()), static_cast<int>(tod.minutes()));
    return format_date(local.date()) + buffer + " " + abbreviation(utc_micros);
}

Time parse_local_time(std::string_view text, const std::string& field, const TimeZone& zone) {
    const Time parsed = parse_time(text, field);
    // parse_time has checked the shape: past the date's ten characters, 'Z', '+' or '-' can only
    // begin an offset.
    const std::string_view trimmed = text.size() > 10 ? text.substr(10) : std::string_view{};
    if (trimmed.find_first_of("Z+-") != std::string_view::npos) return parsed;
    return from_unix_micros(zone.from_local(parsed), field);
}

}  // namespace kokeilu
