// The designs without a concurrent control (kokeilu/stats/difference_in_differences.hpp,
// interrupted_time_series.hpp, covariate_adjustment.hpp) for Python. Arrays are read in place; the
// argument names are the core's field names, so an error names the argument as the caller wrote it.
// Registered after register_stats, whose Estimate and Summary these results hold.
#include "pybind11.hpp"

#include "kokeilu/stats/covariate_adjustment.hpp"
#include "kokeilu/stats/design_series.hpp"
#include "kokeilu/stats/difference_in_differences.hpp"
#include "kokeilu/stats/interrupted_time_series.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace kokeilu::python {

namespace {

using namespace kokeilu::stats;

template <class T>
using InArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
std::span<const T> span_of(const InArray<T>& array, const char* field) {
    if (array.ndim() != 1) {
        throw InvalidArgumentError(field, Message{"input.not_one_dimensional",
                                                  {{"dimensions", static_cast<std::int64_t>(array.ndim())}}});
    }
    return {array.data(), static_cast<std::size_t>(array.shape(0))};
}

std::string fmt(double x) { return repr_of(x); }

}  // namespace

void register_designs(py::module_& m) {
    py::class_<InterruptedTimeSeries> its(m, "InterruptedTimeSeries",
                                          "A segmented regression's level and slope change at the change time, "
                                          "with Newey-West standard errors.");
    its.def_readonly("level_change", &InterruptedTimeSeries::level_change, "The jump at the change time.")
        .def_readonly("slope_change", &InterruptedTimeSeries::slope_change, "The change of the trend per unit of time.")
        .def_readonly("level_before", &InterruptedTimeSeries::level_before,
                      "The before period's trend line at the change time (for the reference weekday).")
        .def_readonly("slope_before", &InterruptedTimeSeries::slope_before,
                      "The before period's trend per unit of time.")
        .def_readonly("lags", &InterruptedTimeSeries::lags, "Lags of the Newey-West covariance, in rows.")
        .def_readonly("before", &InterruptedTimeSeries::before, "Rows before the change time.")
        .def_readonly("after", &InterruptedTimeSeries::after, "Rows at or after the change time.")
        .def_readonly("weekday_seasonality", &InterruptedTimeSeries::weekday_seasonality,
                      "Whether weekday dummies were fitted.")
        .def("__repr__", [](const InterruptedTimeSeries& r) {
            return "InterruptedTimeSeries(level_change=" + fmt(r.level_change.estimate) +
                   ", slope_change=" + fmt(r.slope_change.estimate) + ", lags=" + std::to_string(r.lags) +
                   ", before=" + std::to_string(r.before) + ", after=" + std::to_string(r.after) + ")";
        });
    def_value_copy(its);

    py::class_<PeriodSeries> periods(m, "PeriodSeries", "One arm's values by period, periods numbered from the change's (0).");
    periods.def_readonly("period", &PeriodSeries::period, "The period numbers, ascending; 0 is the change's.")
        .def_readonly("value", &PeriodSeries::value, "Each period's mean, share, or events per exposure.")
        .def_readonly("weekday", &PeriodSeries::weekday, "Day periods: 0 = Monday .. 6 = Sunday; empty for weeks.")
        .def_readonly("n", &PeriodSeries::n, "Observations in each period.")
        .def("__repr__", [](const PeriodSeries& s) { return "PeriodSeries(periods=" + std::to_string(s.period.size()) + ")"; });
    py::class_<DesignSeries> series(m, "DesignSeries",
                                    "The series by period of every metric and arm of a design split at its start.");
    series.def(py::init<>())
        .def_property_readonly(
            "period", [](const DesignSeries& s) { return std::string(to_string(s.period)); }, "'day' or 'week'.")
        .def_readonly("metrics", &DesignSeries::metrics, "{metric: {arm: PeriodSeries}}.")
        .def("__repr__", [](const DesignSeries& s) {
            return "DesignSeries(period='" + std::string(to_string(s.period)) + "', metrics=" +
                   std::to_string(s.metrics.size()) + ")";
        });

    py::class_<CovariateAdjustment> adjustment(m, "CovariateAdjustment",
                                               "A difference adjusted for a pre-period covariate (ANCOVA, HC2), "
                                               "beside the unadjusted one.");
    adjustment.def_readonly("effect", &CovariateAdjustment::effect, "The adjusted difference.")
        .def_readonly("unadjusted", &CovariateAdjustment::unadjusted, "The plain difference of means.")
        .def_readonly("slope", &CovariateAdjustment::slope, "The outcome's change per unit of the covariate.")
        .def_readonly("variance_reduction", &CovariateAdjustment::variance_reduction,
                      "1 - Var(adjusted) / Var(unadjusted) of the effect's estimate.")
        .def("__repr__", [](const CovariateAdjustment& r) {
            return "CovariateAdjustment(effect=" + fmt(r.effect.estimate) + ", unadjusted=" +
                   fmt(r.unadjusted.estimate) + ", variance_reduction=" + fmt(r.variance_reduction) + ")";
        });
    def_value_copy(adjustment);

    m.def(
        "difference_in_differences",
        [](const Summary& changed_before, const Summary& changed_after, const Summary& comparison_before,
           const Summary& comparison_after, double confidence) {
            return difference_in_differences({changed_before, changed_after, comparison_before, comparison_after},
                                             confidence);
        },
        py::arg("changed_before"), py::arg("changed_after"), py::arg("comparison_before"),
        py::arg("comparison_after"), py::arg("confidence") = 0.95,
        "Difference in differences of the four cells' means with the HC2 (unequal variances) standard error.");
    m.def(
        "pre_trend_difference",
        [](const InArray<double>& changed_time, const InArray<double>& changed_values,
           const InArray<double>& comparison_time, const InArray<double>& comparison_values, double confidence) {
            return pre_trend_difference(span_of(changed_time, "changed_time"),
                                        span_of(changed_values, "changed_values"),
                                        span_of(comparison_time, "comparison_time"),
                                        span_of(comparison_values, "comparison_values"), confidence);
        },
        py::arg("changed_time"), py::arg("changed_values"), py::arg("comparison_time"), py::arg("comparison_values"),
        py::arg("confidence") = 0.95, "The before period's difference of slopes (changed - comparison), by OLS.");
    m.def(
        "interrupted_time_series",
        [](const InArray<double>& time, const InArray<double>& values, double change_time,
           std::optional<std::int64_t> lags, const std::optional<InArray<std::int64_t>>& weekdays, double confidence) {
            const std::span<const std::int64_t> days =
                weekdays ? span_of(*weekdays, "weekdays") : std::span<const std::int64_t>{};
            const std::span<const double> t = span_of(time, "time");
            const std::span<const double> y = span_of(values, "values");
            py::gil_scoped_release release;
            return interrupted_time_series(t, y, change_time, lags, days, confidence);
        },
        py::arg("time"), py::arg("values"), py::arg("change_time"), py::kw_only(), py::arg("lags") = py::none(),
        py::arg("weekdays") = py::none(), py::arg("confidence") = 0.95,
        "Segmented regression (level and slope change) with Newey-West standard errors.");
    m.def(
        "covariate_adjusted_difference",
        [](const InArray<double>& treatment, const InArray<double>& treatment_pre, const InArray<double>& control,
           const InArray<double>& control_pre, double confidence) {
            const auto t = span_of(treatment, "treatment");
            const auto tp = span_of(treatment_pre, "treatment_pre");
            const auto c = span_of(control, "control");
            const auto cp = span_of(control_pre, "control_pre");
            py::gil_scoped_release release;
            return covariate_adjusted_difference(t, tp, c, cp, confidence);
        },
        py::arg("treatment"), py::arg("treatment_pre"), py::arg("control"), py::arg("control_pre"),
        py::arg("confidence") = 0.95,
        "The difference adjusted for a pre-period covariate (ANCOVA, HC2), the unadjusted one and the variance "
        "reduction.");
}

}  // namespace kokeilu::python
