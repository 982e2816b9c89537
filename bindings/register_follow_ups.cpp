// Follow-ups of a scaled-up change: the slots of a schedule, calendar months, and whether an effect
// held, faded or grew (kokeilu/follow_up.hpp, kokeilu/stats/follow_up_effect.hpp).
#include "pybind11.hpp"

#include "kokeilu/follow_up.hpp"
#include "kokeilu/stats/follow_up_effect.hpp"

#include <string>

namespace kokeilu::python {

namespace {

// An Estimate of an analysis, or a mapping of its numbers: estimate, ci_low, ci_high, and
// optionally std_error (0: from the interval) and confidence (0.95).
stats::Estimate estimate_of(const py::handle& value) {
    if (py::isinstance<stats::Estimate>(value)) return value.cast<stats::Estimate>();
    const auto mapping = value.cast<py::dict>();
    stats::Estimate e;
    e.estimate = mapping["estimate"].cast<double>();
    e.ci_low = mapping["ci_low"].cast<double>();
    e.ci_high = mapping["ci_high"].cast<double>();
    if (mapping.contains("std_error")) e.std_error = mapping["std_error"].cast<double>();
    if (mapping.contains("confidence")) e.confidence = mapping["confidence"].cast<double>();
    return e;
}

}  // namespace

void register_follow_ups(py::module_& m) {
    py::class_<FollowUpSlot>(m, "FollowUpSlot", "One scheduled follow-up of a concluded experiment.")
        .def_readonly("original_key", &FollowUpSlot::original_key)
        .def_readonly("original_uuid", &FollowUpSlot::original_uuid)
        .def_readonly("organisation", &FollowUpSlot::organisation)
        .def_readonly("decided_on", &FollowUpSlot::decided_on)
        .def_readonly("months", &FollowUpSlot::months, "Months after the decision.")
        .def_readonly("due", &FollowUpSlot::due, "decided_on plus that many calendar months.")
        .def_readonly("days_overdue", &FollowUpSlot::days_overdue, "The day asked about minus due; negative: not due yet.")
        .def_readonly("follow_up_key", &FollowUpSlot::follow_up_key, "The follow-up filling the slot; '' when none.")
        .def_property_readonly(
            "follow_up_status",
            [](const FollowUpSlot& s) { return s.follow_up_status ? std::optional<Status>(*s.follow_up_status) : std::nullopt; },
            "Its status; None when no follow-up fills the slot.")
        .def_property_readonly("done", &FollowUpSlot::done, "Filled by a concluded follow-up.")
        .def("__eq__", [](const FollowUpSlot& a, const FollowUpSlot& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const FollowUpSlot& s) {
            return "FollowUpSlot(original_key=" + repr_of(s.original_key) + ", months=" + std::to_string(s.months) +
                   ", due=" + repr_of(s.due) + ", follow_up_key=" + repr_of(s.follow_up_key) + ")";
        });

    m.def("add_calendar_months", &add_calendar_months, py::arg("day"), py::arg("months"),
          "The day that many calendar months later, on the month's last day where it is shorter.");

    py::class_<stats::FollowUpEffect>(m, "FollowUpEffect",
                                      "The effect a follow-up measured against the original's (oriented: larger is better).")
        .def_property_readonly("persistence",
                               [](const stats::FollowUpEffect& r) { return std::string(stats::to_string(r.persistence)); },
                               "'held', 'faded', 'grew' or 'unclear'.")
        .def_readonly("original", &stats::FollowUpEffect::original)
        .def_readonly("follow_up", &stats::FollowUpEffect::follow_up)
        .def_readonly("follow_up_low", &stats::FollowUpEffect::follow_up_low)
        .def_readonly("follow_up_high", &stats::FollowUpEffect::follow_up_high)
        .def_readonly("difference", &stats::FollowUpEffect::difference, "follow_up minus original.")
        .def_readonly("std_error", &stats::FollowUpEffect::std_error)
        .def_readonly("ci_low", &stats::FollowUpEffect::ci_low)
        .def_readonly("ci_high", &stats::FollowUpEffect::ci_high)
        .def_readonly("confidence", &stats::FollowUpEffect::confidence);

    m.def(
        "compare_follow_up",
        [](const py::object& original, const py::object& follow_up, Named<Direction> direction) {
            return stats::compare_follow_up(estimate_of(original), estimate_of(follow_up), direction);
        },
        py::arg("original"), py::arg("follow_up"), py::arg("direction"),
        "Whether an effect held, faded or grew: the difference of the two estimates with "
        "se = sqrt(se_f² + se_o²), at the original's confidence (Altman & Bland 2003).");
}

}  // namespace kokeilu::python
