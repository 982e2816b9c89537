// Observations as Python values: one unit's value, or a pre-aggregated row (Aggregate) that
// summarises many units. Bulk logging and reading back are columnar and live on the Tracker.
#include "pybind11.hpp"

#include "kokeilu/observation.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace kokeilu::python {

void register_observations(py::module_& m) {
    py::class_<Aggregate> aggregate(
        m, "Aggregate",
        "A pre-aggregated row. For a mean metric: n units, the sum of their values and the sum of squared "
        "values; for a proportion: n trials and sum = successes; for a count: n units and sum = events, its "
        "exposure on the row (a count needs no sum of squares: it is compared as events per unit of exposure).");
    aggregate
        .def(py::init([](std::int64_t n, double sum, std::optional<double> sum_sq) {
                 return Aggregate{n, sum, sum_sq};
             }),
             py::arg("n"), py::arg("sum"), py::arg("sum_sq") = py::none())
        .def_static("mean", &Aggregate::mean, py::arg("n"), py::arg("sum"), py::arg("sum_sq"),
                    "n units with the sum and the sum of squares of their values.")
        .def_static("proportion", &Aggregate::proportion, py::arg("successes"), py::arg("trials"),
                    "successes out of trials.")
        .def_static("events", &Aggregate::events, py::arg("units"), py::arg("events"), "events over units.")
        .def_readwrite("n", &Aggregate::n, "Units or trials.")
        .def_readwrite("sum", &Aggregate::sum, "Sum of values, successes or events.")
        .def_readwrite("sum_sq", &Aggregate::sum_sq, "Sum of squared values (mean metrics).")
        .def("__eq__", [](const Aggregate& a, const Aggregate& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const Aggregate& a) {
            return "Aggregate(n=" + repr_of(a.n) + ", sum=" + repr_of(a.sum) + ", sum_sq=" + repr_of(a.sum_sq) + ")";
        });
    def_value_copy(aggregate);

    py::class_<Observation> observation(m, "Observation",
                                        "One observation of a metric in an arm at a time: a unit's value, or an "
                                        "Aggregate of many units.");
    observation
        .def(py::init([](double value, std::string arm, std::string metric, const py::object& at,
                         std::optional<Aggregate> aggregate_value, std::optional<double> exposure,
                         std::string subject, std::string note, std::optional<double> covariate) {
                 Observation o;
                 o.value = value;
                 o.arm = std::move(arm);
                 o.metric = std::move(metric);
                 o.at = time_argument(at, "at", std::nullopt);  // named as the caller wrote it
                 o.aggregate = aggregate_value;
                 o.exposure = exposure;
                 o.subject = std::move(subject);
                 o.note = std::move(note);
                 o.covariate = covariate;
                 return o;
             }),
             py::arg("value") = 0.0, py::kw_only(), py::arg("arm") = "", py::arg("metric") = "",
             py::arg("at") = py::none(), py::arg("aggregate") = py::none(), py::arg("exposure") = py::none(),
             py::arg("subject") = "", py::arg("note") = "", py::arg("covariate") = py::none())
        .def_readwrite("at", &Observation::at, "When (UTC); None means now when logged.")
        .def_readwrite("metric", &Observation::metric, "Metric name; empty means the primary metric.")
        .def_readwrite("arm", &Observation::arm, "Arm name; may be empty when the experiment has one arm.")
        .def_readwrite("value", &Observation::value, "A unit's value (ignored when aggregate is set).")
        .def_readwrite("aggregate", &Observation::aggregate, "A pre-aggregated row instead of one value.")
        .def_readwrite("exposure", &Observation::exposure, "Count metrics: time or population at risk (default 1).")
        .def_readwrite("subject", &Observation::subject, "Optional pseudonymous subject key.")
        .def_readwrite("note", &Observation::note, "Optional note.")
        .def_readwrite("covariate", &Observation::covariate,
                       "The subject's pre-period value, for a metric that names one (Metric.covariate).")
        .def("__eq__", [](const Observation& a, const Observation& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const Observation& o) {
            std::string text = "Observation(";
            text += o.aggregate ? "aggregate=" + repr_of(*o.aggregate) : "value=" + repr_of(o.value);
            text += ", arm=" + repr_of(o.arm) + ", at=" + repr_of(o.at);
            if (!o.metric.empty()) text += ", metric=" + repr_of(o.metric);
            if (o.exposure) text += ", exposure=" + repr_of(*o.exposure);
            if (!o.subject.empty()) text += ", subject=" + repr_of(o.subject);
            if (!o.note.empty()) text += ", note=" + repr_of(o.note);
            if (o.covariate) text += ", covariate=" + repr_of(*o.covariate);
            return text + ")";
        });
    def_value_copy(observation);
}

}  // namespace kokeilu::python
