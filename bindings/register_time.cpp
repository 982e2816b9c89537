// Time helpers of the core, exposed so that the Python layer converts times by exactly the same
// rule as the type casters (naive means UTC; aware is converted; floored to the microsecond).
#include "pybind11.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kokeilu::python {

void register_time(py::module_& m) {
    m.def("unix_micros", [](const Time& t) {
              if (t.is_special()) throw InvalidArgumentError("time", "not a valid time");
              return to_unix_micros(t);
          },
          py::arg("time"),
          "Microseconds since 1970-01-01T00:00:00Z of a time (naive times are UTC).");
    m.def("from_unix_micros", [](std::int64_t micros) {
              try {
                  return from_unix_micros(micros);
              } catch (const std::out_of_range& e) {
                  throw InvalidArgumentError("micros", std::string("out of the supported range (years 1400-9999): ") + e.what());
              }
          },
          py::arg("micros"),
          "The UTC time that is this many microseconds after the Unix epoch.");
    m.def("now", &now_utc, "The current time in UTC, with microseconds.");
    m.def("today", &today_utc, "Today's date in UTC.");
    m.def("parse_time", [](std::string_view text, const std::string& field) { return parse_time(text, field); },
          py::arg("text"), py::arg("field") = "time", "Parses an ISO 8601 date-time (naive means UTC).");
    m.def("parse_date", [](std::string_view text, const std::string& field) { return parse_date(text, field); },
          py::arg("text"), py::arg("field") = "date", "Parses an ISO 8601 date.");
}

}  // namespace kokeilu::python
