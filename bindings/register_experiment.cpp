// kokeilu.Experiment: one experiment as a Python value. Fields the caller writes (title, Test Card,
// metrics, ...) are read-write; identity given by the store and the lifecycle (status, lock,
// outcome, amendments, revision) are read-only, because only the Tracker changes them.
//
// List fields (tags, purposes, arms, metrics, links, amendments) are copied when read: assign a new list
// to change one (`e.tags = [*e.tags, "new"]`), appending to the copy changes nothing.
#include "pybind11.hpp"

#include "kokeilu/experiment.hpp"
#include "kokeilu/lifecycle.hpp"
#include "kokeilu/tracker.hpp"

#include <string>
#include <vector>

namespace kokeilu::python {

void register_experiment(py::module_& m) {
    py::class_<Experiment> cls(m, "Experiment",
                               "One experiment: a change tried in real work, with its Test Card, metrics, arms, "
                               "design, budget and lifecycle. Get one from Tracker.create or Tracker.get.");
    cls.def(py::init<>(), "An empty draft; usually Tracker.create(...) with keyword arguments is simpler.")
        .def_readonly("id", &Experiment::id, "The store's id (0 until stored).")
        .def_readwrite("uuid", &Experiment::uuid, "Stable identity across databases (generated when empty).")
        .def_readwrite("key", &Experiment::key, "Short human key, e.g. 'OULU-2026-003' (generated when empty).")
        .def_readwrite("title", &Experiment::title, "A one-line title.")
        .def_readwrite("summary", &Experiment::summary, "A longer description.")
        .def_readwrite("organisation", &Experiment::organisation, "The municipality or body, e.g. 'Oulu'.")
        .def_readwrite("unit", &Experiment::unit, "The team or service, e.g. 'home care'.")
        .def_readwrite("owner", &Experiment::owner, "Who runs the experiment.")
        .def_readwrite("tags", &Experiment::tags, "Free tags, kept sorted and unique.")
        .def_property(
            "purposes", [](const Experiment& e) { return e.purposes; },
            [](Experiment& e, const std::vector<Named<Purpose>>& purposes) {
                e.purposes.assign(purposes.begin(), purposes.end());
            },
            "The municipal tasks served: wellbeing, vitality, democracy (at least one).")
        .def_readwrite("planned_start", &Experiment::planned_start, "Planned first day.")
        .def_readwrite("planned_end", &Experiment::planned_end, "Planned last day.")
        .def_readonly("actual_start", &Experiment::actual_start, "Set by Tracker.start.")
        .def_readonly("actual_end", &Experiment::actual_end, "Set by Tracker.stop or Tracker.conclude.")
        .def_readwrite("planned_cost_eur", &Experiment::planned_cost_eur, "Budgeted cost in euros.")
        .def_readwrite("actual_cost_eur", &Experiment::actual_cost_eur, "Actual cost in euros.")
        .def_readwrite("planned_effort_hours", &Experiment::planned_effort_hours, "Budgeted working hours.")
        .def_readwrite("actual_effort_hours", &Experiment::actual_effort_hours, "Actual working hours.")
        .def_readwrite("risk", &Experiment::risk, "What could go wrong, and for whom.")
        .def_readwrite("test_card", &Experiment::test_card, "The hypothesis (locked at start).")
        .def_readwrite("arms", &Experiment::arms, "The arms or periods, in the order given.")
        .def_readwrite("metrics", &Experiment::metrics, "The metrics; exactly one is primary.")
        .def_readwrite("links", &Experiment::links,
                       "The experiments this one replicates, adapts or follows up (ExperimentLink list).")
        .def_readonly("status", &Experiment::status, "draft, running, stopped or concluded.")
        .def_readonly("stop_reason", &Experiment::stop_reason, "Why it was stopped (set by Tracker.stop).")
        .def_readonly("outcome", &Experiment::outcome, "Verdict, Learning Card and decision (set by Tracker.conclude).")
        .def_readonly("lock_hash", &Experiment::lock_hash, "Content hash of the pre-registered parts, taken at start.")
        .def_readonly("locked_at", &Experiment::locked_at, "When the pre-registration was locked (UTC).")
        .def_readonly("amendments", &Experiment::amendments, "Changes to locked parts after the start, oldest first.")
        .def_readonly("locked", &Experiment::locked,
                      "The pre-registered parts as locked at the start (a LockedCriterion), None for a draft.")
        .def_readonly("created_at", &Experiment::created_at, "When it was created (UTC).")
        .def_readonly("updated_at", &Experiment::updated_at, "When it was last saved (UTC).")
        .def_readonly("revision", &Experiment::revision, "Increases with every save.")
        .def_readonly("origin", &Experiment::origin,
                      "Where an imported experiment came from (None for the tracker's own); imported ones are read-only.")
        .def_property_readonly("is_locked", &Experiment::is_locked, "True once started: the Test Card is locked.")
        .def_property_readonly("amended_after_start", &Experiment::amended_after_start,
                               "True when a locked part was changed after the start.")
        .def_property_readonly("days_started_before_lock", &Experiment::days_started_before_lock,
                               "Days the actual start lies before the day the Test Card was locked (None unless "
                               "at least one): data from the start to locked_at may have been seen before the "
                               "criterion was fixed.")
        .def_property_readonly(
            "criterion_changes", [](const Experiment& e) { return criterion_changes(e); },
            "The parts of the success criterion amended after the start (CriterionChange list); empty when the "
            "verdict has one criterion only.")
        .def(
            "require_step", [](const Experiment& e, LifecycleStep step) { require_step(e, step); }, py::arg("step"),
            "Raises the lifecycle's InvalidStateError when the experiment cannot take ``step`` (LifecycleStep) "
            "now: the rule the Tracker applies, for a caller that asks questions before the step.")
        .def(
            "as_locked", [](const Experiment& e) { return as_locked(e); },
            "The experiment with its Test Card, design, arms and metrics as locked at the start (each under its "
            "current name); what the verdict is judged against.")
        .def_property_readonly(
            "primary_metric", [](const Experiment& e) { return e.primary_metric(); },
            "The primary metric (InvalidArgumentError when there is none).")
        .def("metric", [](const Experiment& e, std::string_view name) { return e.metric(name); }, py::arg("name"),
             "The metric of that name (NotFoundError when there is none).")
        .def("arm", [](const Experiment& e, std::string_view name) { return e.arm(name); }, py::arg("name"),
             "The arm of that name (NotFoundError when there is none).")
        .def("__repr__", [](const Experiment& e) {
            return "<Experiment " + (e.key.empty() ? std::string("(not stored)") : e.key) + " " +
                   repr_of(e.title) + " " + std::string(to_string(e.status)) +
                   (e.organisation.empty() ? std::string() : ", " + e.organisation) +
                   (e.unit.empty() ? std::string() : " / " + e.unit) + ">";
        });
    def_enum_property(cls, "design", &Experiment::design, "concurrent, before_after or one_sample.");
    def_value_copy(cls);
    m.def("preregistration_hash", &preregistration_hash, py::arg("experiment"),
          "The lock hash of the experiment's pre-registered parts (Test Card, design, arms, metrics).");
}

}  // namespace kokeilu::python
