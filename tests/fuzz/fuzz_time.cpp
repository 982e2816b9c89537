// libFuzzer target: the date and time parsers, which read text from the command line, CSV files
// and the Python API. Any text must give a value or an InvalidArgumentError naming the field, and
// a parsed value must print in a form that parses back to the same value.
#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const kokeilu::Date date = kokeilu::parse_date(text, "date");
        if (kokeilu::parse_date(kokeilu::format_date(date), "date") != date) std::abort();
    } catch (const kokeilu::InvalidArgumentError& error) {
        if (error.field() != "date") std::abort();
    }
    try {
        const kokeilu::Time time = kokeilu::parse_time(text, "at");
        const std::string printed = kokeilu::format_time(time);
        if (kokeilu::parse_time(printed, "at") != time) std::abort();
        if (kokeilu::from_unix_micros(kokeilu::to_unix_micros(time)) != time) std::abort();
    } catch (const kokeilu::InvalidArgumentError& error) {
        if (error.field() != "at") std::abort();
    }
    return 0;
}
