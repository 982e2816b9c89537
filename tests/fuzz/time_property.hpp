// The property the time fuzz target checks, shared with the C++ test that replays its corpus and
// regressions (tests/cpp/test_fuzz_regressions.cpp), so that both check exactly the same thing:
//   - any text is an ISO 8601 date or date-time that prints and parses back to itself, or an
//     InvalidArgumentError naming the field;
//   - any 8 bytes read as an int64_t or a double, counting seconds, milliseconds, microseconds or
//     nanoseconds since the epoch, are an instant in years 1400-9999 that converts back exactly,
//     or an InvalidArgumentError naming the field (never undefined behaviour on overflow);
//   - any text as an epoch unit is one of the four, or an InvalidArgumentError naming the field.
// Returns false when the property fails.
#pragma once

#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"

#include <cstdint>
#include <cstring>
#include <string_view>

namespace kokeilu::fuzzing {

inline bool time_property(std::string_view text) {
    try {
        const Date date = parse_date(text, "date");
        if (parse_date(format_date(date), "date") != date) return false;
    } catch (const InvalidArgumentError& error) {
        if (error.field() != "date") return false;
    }
    try {
        const Time time = parse_time(text, "at");
        if (parse_time(format_time(time), "at") != time) return false;
        if (from_unix_micros(to_unix_micros(time)) != time) return false;
    } catch (const InvalidArgumentError& error) {
        if (error.field() != "at") return false;
    }
    try {
        const EpochUnit unit = parse_epoch_unit(text, "at_unit");
        if (parse_epoch_unit(to_string(unit), "at_unit") != unit) return false;
    } catch (const InvalidArgumentError& error) {
        if (error.field() != "at_unit") return false;
    }
    if (text.size() < sizeof(std::int64_t)) return true;
    std::int64_t whole = 0;
    double fraction = 0.0;
    std::memcpy(&whole, text.data(), sizeof whole);
    std::memcpy(&fraction, text.data(), sizeof fraction);
    for (const EpochUnit unit :
         {EpochUnit::seconds, EpochUnit::milliseconds, EpochUnit::microseconds, EpochUnit::nanoseconds}) {
        for (const bool is_double : {false, true}) {
            try {
                const std::int64_t micros = is_double ? epoch_to_unix_micros(fraction, unit, "at")
                                                      : epoch_to_unix_micros(whole, unit, "at");
                if (time_range_problem(micros) != nullptr) return false;
                if (to_unix_micros(from_unix_micros(micros, "at")) != micros) return false;
                if (!is_double && unit == EpochUnit::microseconds && micros != whole) return false;
            } catch (const InvalidArgumentError& error) {
                if (error.field() != "at") return false;
            }
        }
    }
    return true;
}

}  // namespace kokeilu::fuzzing
