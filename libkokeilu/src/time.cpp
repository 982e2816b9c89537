#include "kokeilu/time.hpp"

#include "kokeilu/error.hpp"

#include <boost/date_time/posix_time/posix_time.hpp>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>

namespace kokeilu {

namespace {

const Time unix_epoch(Date(1970, 1, 1));

// A strict cursor over ISO 8601 text: fixed-width digits and literal separators only, so that
// "2026-1-5" or "2026-01-05x" are errors instead of guesses.
class IsoCursor {
public:
    IsoCursor(std::string_view text, const std::string& field) : text_(text), field_(field) {}

    // `expected` is the code of what the text should have held here ("input.iso.year").
    int digits(std::size_t count, const char* expected) {
        if (pos_ + count > text_.size()) fail(expected);
        int value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const char c = text_[pos_ + i];
            if (c < '0' || c > '9') fail(expected);
            value = value * 10 + (c - '0');
        }
        pos_ += count;
        return value;
    }

    bool accept(char c) {
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }

    void expect(char c, const char* expected) {
        if (!accept(c)) fail(expected);
    }

    [[nodiscard]] bool done() const { return pos_ == text_.size(); }
    [[nodiscard]] char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }

    // `reason` is the code of what is wrong; the message names it as its parameter reason_code.
    [[noreturn]] void fail(const char* reason) const {
        throw InvalidArgumentError(field_, Message{want_time_ ? "input.not_iso.date_time" : "input.not_iso.date",
                                                   {{"text", std::string(text_.substr(0, 64))}, {"reason_code", reason}}});
    }

    void want_time(bool yes) { want_time_ = yes; }

private:
    std::string_view text_;
    const std::string& field_;
    std::size_t pos_ = 0;
    bool want_time_ = false;
};

Date read_date(IsoCursor& in) {
    const int year = in.digits(4, "input.iso.year");
    in.expect('-', "input.iso.dash_after_year");
    const int month = in.digits(2, "input.iso.month");
    in.expect('-', "input.iso.dash_after_month");
    const int day = in.digits(2, "input.iso.day");
    // Boost.Date_Time covers 1400-9999; name the limit instead of passing its exception on.
    if (year < 1400) in.fail("input.iso.before_1400");
    try {
        return Date(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                    static_cast<unsigned short>(day));
    } catch (const std::exception&) {
        in.fail("input.iso.no_such_day");
    }
}

}  // namespace

std::int64_t to_unix_micros(const Time& t) {
    if (t.is_special()) throw InvalidArgumentError("time", Message{"input.not_a_time"});
    return (t - unix_epoch).total_microseconds();
}

Time from_unix_micros(std::int64_t micros, const std::string& field) {
    if (const char* problem = time_range_problem(micros)) throw InvalidArgumentError(field, Message{problem});
    return unix_epoch + boost::posix_time::microseconds(micros);
}

const char* time_range_problem(std::int64_t micros) noexcept {
    if (micros < earliest_unix_micros || micros > latest_unix_micros)
        return "input.time_out_of_range";
    return nullptr;
}

EpochUnit parse_epoch_unit(std::string_view text, const std::string& field) {
    if (text == "s") return EpochUnit::seconds;
    if (text == "ms") return EpochUnit::milliseconds;
    if (text == "us" || text == "\u00b5s") return EpochUnit::microseconds;
    if (text == "ns") return EpochUnit::nanoseconds;
    throw InvalidArgumentError(field, Message{"input.unknown_epoch_unit", {{"unit", std::string(text.substr(0, 32))}}});
}

std::string_view to_string(EpochUnit unit) {
    switch (unit) {
        case EpochUnit::seconds: return "s";
        case EpochUnit::milliseconds: return "ms";
        case EpochUnit::microseconds: return "us";
        case EpochUnit::nanoseconds: return "ns";
    }
    return "unknown";
}

namespace {

// Microseconds per unit (nanoseconds: 1 / 1000).
std::int64_t micros_per(EpochUnit unit) {
    switch (unit) {
        case EpochUnit::seconds: return 1'000'000;
        case EpochUnit::milliseconds: return 1'000;
        case EpochUnit::microseconds: return 1;
        case EpochUnit::nanoseconds: return 0;
    }
    return 1;
}

[[noreturn]] void epoch_out_of_range(const std::string& field, const std::string& shown, EpochUnit unit) {
    throw InvalidArgumentError(field, Message{"input.epoch_out_of_range", {{"count", shown}, {"unit", std::string(to_string(unit))}}});
}

}  // namespace

std::int64_t epoch_to_unix_micros(std::int64_t count, EpochUnit unit, const std::string& field) {
    std::int64_t micros = 0;
    const std::int64_t factor = micros_per(unit);
    if (factor == 0) {
        // Floored, as numpy and pandas floor a finer unit.
        micros = count / 1000 - ((count % 1000 != 0 && count < 0) ? 1 : 0);
    } else if (__builtin_mul_overflow(count, factor, &micros)) {
        epoch_out_of_range(field, std::to_string(count), unit);
    }
    if (time_range_problem(micros)) epoch_out_of_range(field, std::to_string(count), unit);
    return micros;
}

std::int64_t epoch_to_unix_micros(double count, EpochUnit unit, const std::string& field) {
    if (!std::isfinite(count))
        throw InvalidArgumentError(field, Message{"input.epoch_not_finite", {{"unit", std::string(to_string(unit))}}});
    const std::int64_t factor = micros_per(unit);
    const double micros = factor == 0 ? count / 1000.0 : count * static_cast<double>(factor);
    // The range check comes first, so that the conversion to an integer is always defined.
    constexpr double earliest = static_cast<double>(earliest_unix_micros);
    constexpr double latest = static_cast<double>(latest_unix_micros);
    const bool in_range = micros >= earliest && micros <= latest;
    // Doubles near the ends are 32 us apart: the rounded count is checked again as an integer.
    const std::int64_t rounded = in_range ? std::llround(micros) : 0;
    if (!in_range || time_range_problem(rounded)) {
        char shown[32];
        std::snprintf(shown, sizeof shown, "%.17g", count);
        epoch_out_of_range(field, shown, unit);
    }
    return rounded;
}

Message unitless_epoch_problem(std::string_view shown) {
    return Message{"input.number_not_time", {{"number", std::string(shown.substr(0, 32))}}};
}

std::int64_t now_unix_micros() noexcept {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Time now_utc() { return unix_epoch + boost::posix_time::microseconds(now_unix_micros()); }

Date today_utc() { return now_utc().date(); }

Date parse_date(std::string_view text, const std::string& field) {
    IsoCursor in(text, field);
    const Date d = read_date(in);
    if (!in.done()) in.fail("input.iso.text_after_date");
    return d;
}

Time parse_time(std::string_view text, const std::string& field) {
    IsoCursor in(text, field);
    in.want_time(true);
    const Date d = read_date(in);
    if (in.done()) return Time(d);
    if (!in.accept('T') && !in.accept(' ')) in.fail("input.iso.date_time_separator");
    const int hour = in.digits(2, "input.iso.hour");
    in.expect(':', "input.iso.colon_after_hour");
    const int minute = in.digits(2, "input.iso.minutes");
    int second = 0;
    std::int64_t micros = 0;
    if (in.accept(':')) {
        second = in.digits(2, "input.iso.seconds");
        if (in.accept('.') || in.accept(',')) {
            int places = 0;
            while (in.peek() >= '0' && in.peek() <= '9') {
                const int digit = in.digits(1, "input.iso.digit");
                // Digits past the microsecond are dropped: kokeilu keeps microseconds.
                if (places < 6) micros = micros * 10 + digit;
                ++places;
            }
            if (places == 0) in.fail("input.iso.fraction_digits");
            for (; places < 6; ++places) micros *= 10;
        }
    }
    if (hour > 23 || minute > 59 || second > 59) in.fail("input.iso.clock_range");
    Time t(d, boost::posix_time::hours(hour) + boost::posix_time::minutes(minute) +
                  boost::posix_time::seconds(second) + boost::posix_time::microseconds(micros));
    if (in.done() || in.accept('Z')) {
        if (!in.done()) in.fail("input.iso.text_after_z");
        return t;
    }
    int sign = 0;
    if (in.accept('+')) sign = 1;
    else if (in.accept('-')) sign = -1;
    else in.fail("input.iso.offset");
    const int offset_hours = in.digits(2, "input.iso.offset_hour");
    in.accept(':');
    const int offset_minutes = in.done() ? 0 : in.digits(2, "input.iso.offset_minutes");
    if (!in.done()) in.fail("input.iso.text_after_offset");
    if (offset_hours > 23 || offset_minutes > 59) in.fail("input.iso.offset_range");
    // Local time = UTC + offset, so UTC = local - offset.
    const Time utc = t - boost::posix_time::minutes(sign * (offset_hours * 60 + offset_minutes));
    // An offset can carry a time at the edge of the calendar past it ("1400-01-01T00:30+01:00" is
    // in 1399 in UTC), where no date can be made of it again.
    static const Time first(Date(1400, 1, 1));
    static const Time last(Date(9999, 12, 31), boost::posix_time::hours(24) - boost::posix_time::microseconds(1));
    if (utc < first || utc > last) in.fail("input.iso.utc_out_of_range");
    return utc;
}

std::string format_date(const Date& d) {
    if (d.is_special()) throw InvalidArgumentError("date", Message{"input.not_a_date"});
    return boost::gregorian::to_iso_extended_string(d);
}

std::string format_time(const Time& t) {
    if (t.is_special()) throw InvalidArgumentError("time", Message{"input.not_a_time"});
    const auto tod = t.time_of_day();
    char buffer[48];
    const auto fraction = tod.fractional_seconds();
    if (fraction == 0) {
        std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02dZ", format_date(t.date()).c_str(),
                      static_cast<int>(tod.hours()), static_cast<int>(tod.minutes()),
                      static_cast<int>(tod.seconds()));
    } else {
        std::snprintf(buffer, sizeof buffer, "%sT%02d:%02d:%02d.%06lldZ", format_date(t.date()).c_str(),
                      static_cast<int>(tod.hours()), static_cast<int>(tod.minutes()),
                      static_cast<int>(tod.seconds()), static_cast<long long>(fraction));
    }
    return buffer;
}

}  // namespace kokeilu
