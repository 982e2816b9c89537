// The one pybind11 header of the bindings. Every binding file includes it first, so that every
// translation unit sees the same type casters: a caster visible in one file but not in another
// would silently change how a type crosses the boundary (and break the one-definition rule).
//
// Casters held here:
//   boost::gregorian::date  <-> datetime.date
//   boost::posix_time::ptime <-> datetime.datetime, timezone-aware in UTC, exact to the microsecond
//   kokeilu::python::Named<E> : an enumeration given as its member or as its text name
//
// The rule for times coming from Python: a timezone-aware time is converted to UTC; a naive time is
// taken to be UTC already (the same rule as kokeilu::parse_time uses for text). Also accepted:
// datetime.date (its midnight in UTC), numpy.datetime64 and pandas.Timestamp (naive, or aware) and
// ISO 8601 text. Parts finer than a microsecond (numpy and pandas nanoseconds) are floored, as
// numpy and pandas themselves do when they change unit. Not-a-time (None, NaT) is boost's
// not_a_date_time, which the core treats as "not given".
#pragma once

#include <pybind11/native_enum.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

// Python's datetime C API (see datetime_api below for how it is reached).
#include <datetime.h>

#include "kokeilu/design.hpp"
#include "kokeilu/error.hpp"
#include "kokeilu/experiment.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/outcome.hpp"
#include "kokeilu/time.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <utility>
#include <string>
#include <string_view>

namespace py = pybind11;

namespace kokeilu::python {

// Python's datetime C API, one pointer for the whole module. datetime.h's own PyDateTimeAPI is a
// static variable, one per translation unit, and the inline functions below are merged across
// translation units by the linker: code merged from one file could then read another file's
// pointer, still null. So the macros that use PyDateTimeAPI are not used here; the shared pointer
// is a function-local static of an inline function, which is one object program-wide.
// module.cpp fetches it while the module is imported.
inline PyDateTime_CAPI* datetime_api() {
    static PyDateTime_CAPI* const api = [] {
        auto* imported = static_cast<PyDateTime_CAPI*>(PyCapsule_Import(PyDateTime_CAPSULE_NAME, 0));
        if (imported == nullptr) throw py::error_already_set();
        return imported;
    }();
    return api;
}

inline bool is_datetime(py::handle src) { return PyObject_TypeCheck(src.ptr(), datetime_api()->DateTimeType) != 0; }
inline bool is_date(py::handle src) { return PyObject_TypeCheck(src.ptr(), datetime_api()->DateType) != 0; }

// The name of an object's type as Python spells it, e.g. "numpy.datetime64".
inline std::string_view type_name(py::handle src) { return Py_TYPE(src.ptr())->tp_name; }

// pandas.NaT is a datetime subclass whose fields mean nothing.
inline bool is_pandas_nat(py::handle src) {
    const std::string_view name = type_name(src);
    return name == "NaTType" || name.ends_with(".NaTType");
}

inline bool is_numpy_datetime64(py::handle src) { return type_name(src) == "numpy.datetime64"; }

inline constexpr std::int64_t numpy_nat = INT64_MIN;

// A count of numpy datetime64 units (unit as numpy names it: "Y", "M", "W", "D", "h", "m", "s",
// "ms", "us", "ns", "ps", "fs", "as"; `step` of them per count) as UTC microseconds, floored.
// numpy itself wraps around silently when a conversion overflows (year 300000 in datetime64[Y]
// becomes a date in the year -282585), so the conversion is done here, with every overflow and
// every instant outside years 1400-9999 refused naming `field`. NaT gives numpy_nat.
inline std::int64_t datetime64_micros(std::int64_t count, std::string_view unit, std::int64_t step,
                                      const std::string& field) {
    if (count == numpy_nat) return numpy_nat;
    const auto out_of_range = [&]() -> std::int64_t {
        throw InvalidArgumentError(field, Message{"input.time_out_of_range"});
    };
    std::int64_t steps = 0;
    if (__builtin_mul_overflow(count, step, &steps)) return out_of_range();
    if (unit == "Y" || unit == "M") {
        // Calendar units, counted from 1970-01; only years 1400-9999 can be held.
        const std::int64_t per_year = unit == "Y" ? 1 : 12;
        if (steps < (1400 - 1970) * per_year || steps > (9999 - 1970 + 1) * per_year - 1) return out_of_range();
        const std::int64_t months = steps * (12 / per_year);
        const std::int64_t years = months >= 0 ? months / 12 : -((-months + 11) / 12);
        const auto month = static_cast<unsigned short>(months - years * 12 + 1);
        return to_unix_micros(Time(Date(static_cast<unsigned short>(1970 + years), month, 1)));
    }
    // Microseconds per unit; finer units divide (floored, as numpy floors).
    static constexpr std::pair<std::string_view, std::int64_t> coarser[] = {
        {"W", 604'800'000'000}, {"D", 86'400'000'000}, {"h", 3'600'000'000}, {"m", 60'000'000},
        {"s", 1'000'000},       {"ms", 1'000},         {"us", 1}};
    static constexpr std::pair<std::string_view, std::int64_t> finer[] = {
        {"ns", 1'000}, {"ps", 1'000'000}, {"fs", 1'000'000'000}, {"as", 1'000'000'000'000}};
    std::int64_t micros = 0;
    bool known = false;
    for (const auto& [name, factor] : coarser)
        if (unit == name) {
            if (__builtin_mul_overflow(steps, factor, &micros)) return out_of_range();
            known = true;
        }
    for (const auto& [name, divisor] : finer)
        if (unit == name) {
            micros = steps / divisor - ((steps % divisor != 0 && steps < 0) ? 1 : 0);
            known = true;
        }
    if (!known) throw InvalidArgumentError(field, Message{"input.datetime64_unit", {{"unit", std::string(unit)}}});
    if (const char* problem = time_range_problem(micros)) throw InvalidArgumentError(field, Message{problem});
    return micros;
}

// A numpy.datetime64 scalar as UTC microseconds (numpy_nat for NaT), by datetime64_micros.
inline std::int64_t numpy_datetime_micros(py::handle src, const std::string& field) {
    const py::tuple unit = py::module_::import("numpy").attr("datetime_data")(src.attr("dtype"));
    const std::int64_t count = src.attr("astype")("int64").cast<std::int64_t>();
    return datetime64_micros(count, unit[0].cast<std::string>(), unit[1].cast<std::int64_t>(), field);
}

// A number where a time belongs: a Python or numpy integer or float, but not a bool.
inline bool is_plain_number(py::handle src) {
    if (PyBool_Check(src.ptr())) return false;
    if (PyLong_Check(src.ptr()) || PyFloat_Check(src.ptr())) return true;
    const std::string_view name = type_name(src);
    return name.starts_with("numpy.int") || name.starts_with("numpy.uint") || name.starts_with("numpy.float");
}

// A datetime.datetime (or pandas.Timestamp) as a UTC instant, by the rule above.
inline Time time_from_datetime(py::handle src) {
    const int year = PyDateTime_GET_YEAR(src.ptr());
    const auto month = static_cast<unsigned short>(PyDateTime_GET_MONTH(src.ptr()));
    const auto day = static_cast<unsigned short>(PyDateTime_GET_DAY(src.ptr()));
    const int hour = PyDateTime_DATE_GET_HOUR(src.ptr());
    const int minute = PyDateTime_DATE_GET_MINUTE(src.ptr());
    const int second = PyDateTime_DATE_GET_SECOND(src.ptr());
    const int micro = PyDateTime_DATE_GET_MICROSECOND(src.ptr());
    Time t(Date(static_cast<unsigned short>(year), month, day),
           boost::posix_time::hours(hour) + boost::posix_time::minutes(minute) +
               boost::posix_time::seconds(second) + boost::posix_time::microseconds(micro));
    // utcoffset() honours fold, so the repeated hour of a DST change maps to the right instant.
    const py::object offset = py::reinterpret_borrow<py::object>(src).attr("utcoffset")();
    if (!offset.is_none()) {
        const std::int64_t offset_us =
            (static_cast<std::int64_t>(PyDateTime_DELTA_GET_DAYS(offset.ptr())) * 86400 +
             PyDateTime_DELTA_GET_SECONDS(offset.ptr())) * 1'000'000 +
            PyDateTime_DELTA_GET_MICROSECONDS(offset.ptr());
        t -= boost::posix_time::microseconds(offset_us);
    }
    return t;
}

// Converts src to a UTC instant; returns false when src is of no accepted type.
// Throws InvalidArgumentError(field) for a value of an accepted type that kokeilu cannot hold.
inline bool load_time(py::handle src, Time& out, const std::string& field) {
    try {
        if (src.is_none() || is_pandas_nat(src)) {
            out = Time(boost::posix_time::not_a_date_time);
            return true;
        }
        if (is_datetime(src)) {
            out = time_from_datetime(src);
            return true;
        }
        if (is_date(src)) {
            out = Time(Date(static_cast<unsigned short>(PyDateTime_GET_YEAR(src.ptr())),
                            static_cast<unsigned short>(PyDateTime_GET_MONTH(src.ptr())),
                            static_cast<unsigned short>(PyDateTime_GET_DAY(src.ptr()))));
            return true;
        }
        if (is_numpy_datetime64(src)) {
            const std::int64_t us = numpy_datetime_micros(src, field);
            out = us == numpy_nat ? Time(boost::posix_time::not_a_date_time) : from_unix_micros(us, field);
            return true;
        }
        if (PyUnicode_Check(src.ptr())) {
            out = parse_time(src.cast<std::string>(), field);
            return true;
        }
    } catch (const std::out_of_range& e) {
        // boost::gregorian::bad_year and friends: Python allows years 1-9999, kokeilu 1400-9999.
        throw InvalidArgumentError(field, Message{"input.time_out_of_range"});
    }
    return false;
}

// A time argument of the API, named `field`: None (not given: not_a_date_time), or what load_time
// takes, or, with its unit, a number counting units since 1970-01-01T00:00:00Z. A number without
// a unit is refused with the way out; another type is a TypeError naming the field.
inline Time time_argument(py::handle src, const std::string& field, const std::optional<std::string>& unit) {
    if (is_plain_number(src)) {
        const std::string shown = py::repr(src).cast<std::string>();
        if (!unit) throw InvalidArgumentError(field, unitless_epoch_problem(shown));
        const EpochUnit epoch_unit = parse_epoch_unit(*unit, field + "_unit");
        const bool is_float = PyFloat_Check(src.ptr()) || type_name(src).starts_with("numpy.float");
        if (is_float) return from_unix_micros(epoch_to_unix_micros(src.cast<double>(), epoch_unit, field), field);
        int overflow = 0;
        const long long count = PyLong_AsLongLongAndOverflow(py::int_(py::reinterpret_borrow<py::object>(src)).ptr(), &overflow);
        if (overflow != 0)
            throw InvalidArgumentError(field, Message{"input.epoch_out_of_range", {{"count", shown}, {"unit", *unit}}});
        return from_unix_micros(epoch_to_unix_micros(static_cast<std::int64_t>(count), epoch_unit, field), field);
    }
    Time out;
    if (load_time(src, out, field)) return out;
    throw py::type_error(field + ": expected a datetime, a date, a numpy datetime64, an ISO 8601 string or a number "
                                 "with its unit, got " + std::string(type_name(src)));
}

inline bool load_date(py::handle src, Date& out, const std::string& field) {
    try {
        if (src.is_none() || is_pandas_nat(src)) {
            out = Date(boost::gregorian::not_a_date_time);
            return true;
        }
        if (is_datetime(src)) {
            // A time for a date: its calendar date in UTC, by the same rule as for times.
            out = time_from_datetime(src).date();
            return true;
        }
        if (is_date(src)) {
            out = Date(static_cast<unsigned short>(PyDateTime_GET_YEAR(src.ptr())),
                       static_cast<unsigned short>(PyDateTime_GET_MONTH(src.ptr())),
                       static_cast<unsigned short>(PyDateTime_GET_DAY(src.ptr())));
            return true;
        }
        if (is_numpy_datetime64(src)) {
            const std::int64_t us = numpy_datetime_micros(src, field);
            out = us == numpy_nat ? Date(boost::gregorian::not_a_date_time) : from_unix_micros(us, field).date();
            return true;
        }
        if (PyUnicode_Check(src.ptr())) {
            out = parse_date(src.cast<std::string>(), field);
            return true;
        }
    } catch (const std::out_of_range& e) {
        throw InvalidArgumentError(field, Message{"input.time_out_of_range"});
    }
    return false;
}

inline py::handle date_to_python(const Date& d) {
    if (d.is_special()) return py::none().release();
    const auto ymd = d.year_month_day();
    PyDateTime_CAPI* api = datetime_api();
    return api->Date_FromDate(ymd.year, ymd.month, ymd.day, api->DateType);
}

inline py::handle time_to_python(const Time& t) {
    if (t.is_special()) return py::none().release();
    const auto ymd = t.date().year_month_day();
    const auto tod = t.time_of_day();
    const auto micro = tod.fractional_seconds() * 1'000'000 / boost::posix_time::time_duration::ticks_per_second();
    PyDateTime_CAPI* api = datetime_api();
    return api->DateTime_FromDateAndTime(ymd.year, ymd.month, ymd.day, static_cast<int>(tod.hours()),
                                         static_cast<int>(tod.minutes()), static_cast<int>(tod.seconds()),
                                         static_cast<int>(micro), api->TimeZone_UTC, api->DateTimeType);
}

// An enumeration argument that may also be given by its text name ("mean", "lower_is_better"),
// parsed by the core so that a wrong name raises InvalidArgumentError naming the field and the
// choices.
template <class E>
struct Named {
    E value{};
    operator E() const noexcept { return value; }  // NOLINT(google-explicit-constructor)
};

// The core's parser for each enumeration. Specialised here, in the header every binding file sees,
// so that every use of Named<E> finds the same specialisation.
template <class E>
E parse_name(std::string_view text);

template <> inline Status parse_name<Status>(std::string_view text) { return parse_status(text); }
template <> inline Purpose parse_name<Purpose>(std::string_view text) { return parse_purpose(text); }
template <> inline MetricKind parse_name<MetricKind>(std::string_view text) { return parse_metric_kind(text); }
template <> inline MetricRole parse_name<MetricRole>(std::string_view text) { return parse_metric_role(text); }
template <> inline Direction parse_name<Direction>(std::string_view text) { return parse_direction(text); }
template <> inline ImpactClass parse_name<ImpactClass>(std::string_view text) { return parse_impact_class(text); }
template <> inline EffectScale parse_name<EffectScale>(std::string_view text) { return parse_effect_scale(text); }
template <> inline DesignKind parse_name<DesignKind>(std::string_view text) { return parse_design_kind(text); }
template <> inline ArmRole parse_name<ArmRole>(std::string_view text) { return parse_arm_role(text); }
template <> inline Verdict parse_name<Verdict>(std::string_view text) { return parse_verdict(text); }
template <> inline Decision parse_name<Decision>(std::string_view text) { return parse_decision(text); }
template <> inline Criterion parse_name<Criterion>(std::string_view text) { return parse_criterion(text); }
template <> inline LinkKind parse_name<LinkKind>(std::string_view text) { return parse_link_kind(text); }

// Python's repr of a C++ value, through its caster: quotes strings the Python way.
template <class T>
std::string repr_of(const T& value) {
    return py::repr(py::cast(value)).template cast<std::string>();
}

// An enumeration member of a bound value type, readable as the enum and settable by member or name.
template <class C, class E, class... Options>
void def_enum_property(py::class_<C, Options...>& cls, const char* name, E C::*member, const char* doc) {
    cls.def_property(
        name, [member](const C& self) { return self.*member; },
        [member](C& self, Named<E> v) { self.*member = v.value; }, doc);
}

// copy.copy and copy.deepcopy of a value type (both are deep: the C++ value owns everything).
template <class C, class... Options>
void def_value_copy(py::class_<C, Options...>& cls) {
    cls.def("__copy__", [](const C& self) { return C(self); });
    cls.def("__deepcopy__", [](const C& self, const py::dict&) { return C(self); }, py::arg("memo"));
}

}  // namespace kokeilu::python

namespace pybind11::detail {

template <>
struct type_caster<boost::gregorian::date> {
    PYBIND11_TYPE_CASTER(boost::gregorian::date, const_name("datetime.date"));

    bool load(handle src, bool /*convert*/) { return kokeilu::python::load_date(src, value, "date"); }
    static handle cast(const boost::gregorian::date& d, return_value_policy, handle) {
        return kokeilu::python::date_to_python(d);
    }
};

template <>
struct type_caster<boost::posix_time::ptime> {
    PYBIND11_TYPE_CASTER(boost::posix_time::ptime, const_name("datetime.datetime"));

    bool load(handle src, bool /*convert*/) { return kokeilu::python::load_time(src, value, "time"); }
    static handle cast(const boost::posix_time::ptime& t, return_value_policy, handle) {
        return kokeilu::python::time_to_python(t);
    }
};

template <class E>
struct type_caster<kokeilu::python::Named<E>> {
    using Inner = make_caster<E>;
    PYBIND11_TYPE_CASTER(kokeilu::python::Named<E>, Inner::name + const_name(" | str"));

    bool load(handle src, bool convert) {
        Inner inner;
        if (inner.load(src, convert)) {
            value.value = cast_op<E>(inner);
            return true;
        }
        if (PyUnicode_Check(src.ptr())) {
            value.value = kokeilu::python::parse_name<E>(src.cast<std::string>());
            return true;
        }
        return false;
    }
    static handle cast(const kokeilu::python::Named<E>& src, return_value_policy policy, handle parent) {
        return Inner::cast(src.value, policy, parent);
    }
};

}  // namespace pybind11::detail
