#include "kokeilu/chrono.hpp"

#include "kokeilu/error.hpp"

namespace kokeilu {

namespace {

const Date unix_epoch_day(1970, 1, 1);

}  // namespace

Date to_date(std::chrono::year_month_day day, const std::string& field) {
    if (!day.ok()) throw InvalidArgumentError(field, Message{"input.not_a_date"});
    const int year = static_cast<int>(day.year());
    if (year < 1400 || year > 9999) throw InvalidArgumentError(field, Message{"input.time_out_of_range"});
    return unix_epoch_day + boost::gregorian::days(std::chrono::sys_days(day).time_since_epoch().count());
}

std::chrono::year_month_day to_year_month_day(const Date& day, const std::string& field) {
    if (day.is_special()) throw InvalidArgumentError(field, Message{"input.not_a_date"});
    return std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days((day - unix_epoch_day).days())));
}

Time to_time(SysMicroseconds at, const std::string& field) {
    return from_unix_micros(at.time_since_epoch().count(), field);
}

SysMicroseconds to_sys_time(const Time& at, const std::string& field) {
    if (at.is_special()) throw InvalidArgumentError(field, Message{"input.not_a_time"});
    return SysMicroseconds(std::chrono::microseconds(to_unix_micros(at)));
}

}  // namespace kokeilu
