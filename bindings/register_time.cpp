// Time helpers of the core, exposed so that the Python layer converts times by exactly the same
// rules as the type casters (naive means UTC; aware is converted; floored to the microsecond;
// ISO 8601 only for text; a number only with its unit; years 1400-9999). The column helpers
// convert a whole column in one call and name the row at fault ("at[3]").
#include "pybind11.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"
#include "kokeilu/time_zone.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace kokeilu::python {

namespace {

template <class T>
using InArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

std::string row_field(const std::string& field, std::size_t row) { return field + "[" + std::to_string(row) + "]"; }

// A numpy array that owns the vector's buffer.
py::array_t<std::int64_t> to_numpy(std::vector<std::int64_t>&& values) {
    auto* owned = new std::vector<std::int64_t>(std::move(values));
    py::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<std::int64_t>*>(p); });
    return py::array_t<std::int64_t>(static_cast<py::ssize_t>(owned->size()), owned->data(), owner);
}

template <class T>
std::span<const T> one_dimensional(const InArray<T>& array, const std::string& field) {
    if (array.ndim() != 1)
        throw InvalidArgumentError(field, Message{"input.not_one_dimensional", {{"dimensions", static_cast<std::int64_t>(array.ndim())}}});
    return {array.data(), static_cast<std::size_t>(array.shape(0))};
}

bool is_missing(py::handle item) { return item.is_none() || is_pandas_nat(item); }

}  // namespace

void register_time(py::module_& m) {
    m.def("unix_micros",
          [](py::handle time, const std::string& field, const std::optional<std::string>& unit) {
              const Time t = time_argument(time, field, unit);
              if (t.is_special()) throw InvalidArgumentError(field, Message{"input.not_a_time"});
              return to_unix_micros(t);
          },
          py::arg("time"), py::arg("field") = "time", py::arg("unit") = py::none(),
          "Microseconds since 1970-01-01T00:00:00Z of a time (naive times are UTC; a number needs its unit).");
    m.def("from_unix_micros", [](std::int64_t micros) { return from_unix_micros(micros, "micros"); },
          py::arg("micros"), "The UTC time that is this many microseconds after the Unix epoch.");
    m.def("now", &now_utc, "The current time in UTC, with microseconds.");
    m.def("today", &today_utc, "Today's date in UTC.");
    m.def("parse_time", [](std::string_view text, const std::string& field) { return parse_time(text, field); },
          py::arg("text"), py::arg("field") = "time", "Parses an ISO 8601 date-time (naive means UTC).");
    m.def("parse_date", [](std::string_view text, const std::string& field) { return parse_date(text, field); },
          py::arg("text"), py::arg("field") = "date", "Parses an ISO 8601 date.");

    m.def("datetime64_micros",
          [](const InArray<std::int64_t>& counts, const std::string& unit, std::int64_t step, const std::string& field) {
              const auto in = one_dimensional(counts, field);
              std::vector<std::int64_t> out(in.size());
              {
                  py::gil_scoped_release release;
                  for (std::size_t i = 0; i < in.size(); ++i) {
                      if (in[i] == numpy_nat) throw InvalidArgumentError(row_field(field, i), Message{"input.missing_time_nat"});
                      out[i] = datetime64_micros(in[i], unit, step, row_field(field, i));
                  }
              }
              return to_numpy(std::move(out));
          },
          py::arg("counts"), py::arg("unit"), py::arg("step"), py::arg("field"),
          "UTC microseconds of a datetime64 column given as its int64 counts and numpy's unit and step; "
          "overflow, NaT and years outside 1400-9999 are refused naming the row.");
    m.def("epoch_micros",
          [](const py::array& counts, const std::string& unit, const std::string& field) {
              const EpochUnit epoch_unit = parse_epoch_unit(unit, field + "_unit");
              std::vector<std::int64_t> out(static_cast<std::size_t>(counts.size()));
              if (counts.dtype().kind() == 'f') {
                  const auto in = one_dimensional(InArray<double>::ensure(counts), field);
                  py::gil_scoped_release release;
                  for (std::size_t i = 0; i < in.size(); ++i)
                      out[i] = epoch_to_unix_micros(in[i], epoch_unit, row_field(field, i));
              } else {
                  const auto in = one_dimensional(InArray<std::int64_t>::ensure(counts), field);
                  py::gil_scoped_release release;
                  for (std::size_t i = 0; i < in.size(); ++i)
                      out[i] = epoch_to_unix_micros(in[i], epoch_unit, row_field(field, i));
              }
              return to_numpy(std::move(out));
          },
          py::arg("counts"), py::arg("unit"), py::arg("field"),
          "UTC microseconds of numbers counting `unit`s (s, ms, us, ns) since 1970-01-01T00:00:00Z, checked.");
    m.def("times_from_objects",
          [](const py::sequence& items, const std::string& field, const std::optional<std::string>& unit) {
              if (unit) (void)parse_epoch_unit(*unit, field + "_unit");  // the unit once, not per row
              std::vector<std::int64_t> out;
              out.reserve(items.size());
              std::size_t row = 0;
              for (const py::handle item : items) {
                  const std::string name = row_field(field, row++);
                  if (is_missing(item)) throw InvalidArgumentError(name, Message{"input.missing_time"});
                  out.push_back(to_unix_micros(time_argument(item, name, unit)));
              }
              return to_numpy(std::move(out));
          },
          py::arg("items"), py::arg("field"), py::arg("unit") = py::none(),
          "UTC microseconds of each item (datetime, date, datetime64, Timestamp, ISO 8601 text, or a number "
          "with its unit), by the rules of a single time; the first item refused is named by its row.");
    m.def("local_time_text",
          [](const Time& at, const std::string& time_zone) {
              // Displays show many times of one zone: its file is read once.
              thread_local std::optional<TimeZone> zone;
              if (!zone || zone->name() != time_zone) zone = TimeZone::load(time_zone, "time_zone");
              return zone->format_local(to_unix_micros(at));
          },
          py::arg("at"), py::arg("time_zone"),
          "The instant as 'YYYY-MM-DD HH:MM ABBR' in the zone, e.g. '2026-03-29 04:00 EEST'.");
    m.def("parse_time_texts",
          [](const std::vector<std::string>& texts, const std::string& field, std::size_t limit,
             const std::string& time_zone) {
              // Without a zone a naive text is UTC (the API's rule); with one it is wall-clock time there.
              const std::optional<TimeZone> zone =
                  time_zone.empty() ? std::nullopt : std::optional<TimeZone>(TimeZone::load(time_zone, "time_zone"));
              std::vector<std::int64_t> out(texts.size(), numpy_nat);
              std::vector<std::tuple<std::size_t, std::string>> problems;
              std::size_t total = 0;
              {
                  py::gil_scoped_release release;
                  for (std::size_t i = 0; i < texts.size(); ++i) {
                      try {
                          out[i] = to_unix_micros(zone ? parse_local_time(texts[i], field, *zone)
                                                       : parse_time(texts[i], field));
                      } catch (const InvalidArgumentError& error) {
                          if (problems.size() < limit)
                              problems.emplace_back(i, std::string(error.what()).substr(field.size() + 2));
                          ++total;
                      }
                  }
              }
              return std::make_tuple(to_numpy(std::move(out)), problems, total);
          },
          py::arg("texts"), py::arg("field"), py::arg("limit") = 10, py::arg("time_zone") = "",
          "Parses ISO 8601 texts (without an offset: UTC, or wall-clock time in time_zone when given): (UTC microseconds with INT64_MIN where a text is refused, the first `limit` "
          "problems as (row, problem), how many in all).");
}

}  // namespace kokeilu::python
