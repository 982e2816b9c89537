// The parts of an experiment as Python value classes: Test Card, Learning Card, outcome, arm,
// metric, amendment and journal entry. Each has keyword constructors with the core's defaults,
// readable reprs, equality and copies. Enumeration fields also accept their text names.
#include "pybind11.hpp"

#include "kokeilu/amendment.hpp"
#include "kokeilu/design.hpp"
#include "kokeilu/journal.hpp"
#include "kokeilu/locked_criterion.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/outcome.hpp"
#include "kokeilu/test_card.hpp"

#include <optional>
#include <string>

namespace kokeilu::python {

namespace {

std::string enum_name(std::string_view name) { return std::string(name); }

void register_test_card(py::module_& m) {
    py::class_<TestCard> cls(m, "TestCard",
                             "The hypothesis, written before the experiment starts: We believe that ... To verify "
                             "that, we will ... And measure ... We are right if ...");
    cls.def(py::init([](std::string we_believe, std::string to_verify, std::string and_measure, std::string right_if,
                        std::string data_seen) {
                return TestCard{std::move(we_believe), std::move(to_verify), std::move(and_measure),
                                std::move(right_if), std::move(data_seen)};
            }),
            py::arg("we_believe") = "", py::arg("to_verify") = "", py::arg("and_measure") = "",
            py::arg("right_if") = "", py::arg("data_seen") = "")
        .def_readwrite("we_believe", &TestCard::we_believe, "We believe that ...")
        .def_readwrite("to_verify", &TestCard::to_verify, "To verify that, we will ...")
        .def_readwrite("and_measure", &TestCard::and_measure, "And measure ...")
        .def_readwrite("right_if", &TestCard::right_if, "We are right if ...")
        .def_readwrite("data_seen", &TestCard::data_seen,
                       "Has any of the data been seen already? The answer in the team's words; '' when not answered.")
        .def("__eq__", [](const TestCard& a, const TestCard& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const TestCard& c) {
            return "TestCard(we_believe=" + repr_of(c.we_believe) + ", to_verify=" + repr_of(c.to_verify) +
                   ", and_measure=" + repr_of(c.and_measure) + ", right_if=" + repr_of(c.right_if) +
                   (c.data_seen.empty() ? std::string() : ", data_seen=" + repr_of(c.data_seen)) + ")";
        });
    def_value_copy(cls);
    // The name starts with "Test": tell pytest it is not a test class when a test module imports it.
    cls.attr("__test__") = false;
}

void register_outcome(py::module_& m) {
    py::class_<LearningCard> card(m, "LearningCard",
                                  "The record after the experiment: We believed that ... We observed ... From that "
                                  "we learned ... Therefore, we will ...");
    card.def(py::init([](std::string we_believed, std::string we_observed, std::string we_learned,
                         std::string therefore) {
                 return LearningCard{std::move(we_believed), std::move(we_observed), std::move(we_learned),
                                     std::move(therefore)};
             }),
             py::arg("we_believed") = "", py::arg("we_observed") = "", py::arg("we_learned") = "",
             py::arg("therefore") = "")
        .def_readwrite("we_believed", &LearningCard::we_believed, "We believed that ...")
        .def_readwrite("we_observed", &LearningCard::we_observed, "We observed ...")
        .def_readwrite("we_learned", &LearningCard::we_learned, "From that we learned ...")
        .def_readwrite("therefore", &LearningCard::therefore, "Therefore, we will ...")
        .def("__eq__", [](const LearningCard& a, const LearningCard& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const LearningCard& c) {
            return "LearningCard(we_believed=" + repr_of(c.we_believed) + ", we_observed=" +
                   repr_of(c.we_observed) + ", we_learned=" + repr_of(c.we_learned) +
                   ", therefore=" + repr_of(c.therefore) + ")";
        });
    def_value_copy(card);

    py::class_<Outcome> outcome(m, "Outcome", "The verdict, the Learning Card and the decision of a concluded experiment.");
    outcome
        .def(py::init([](Named<Verdict> verdict, const LearningCard& learning, Named<Decision> decision,
                         const Date& decided_on, std::optional<Named<Verdict>> amended_verdict,
                         Named<Criterion> judged_against, std::optional<std::vector<int>> follow_up_months) {
                 Outcome o{verdict, learning, decision, decided_on};
                 if (amended_verdict) o.amended_verdict = amended_verdict->value;
                 o.judged_against = judged_against;
                 o.follow_up_months = std::move(follow_up_months);
                 return o;
             }),
             py::arg("verdict") = Verdict::inconclusive, py::arg("learning") = LearningCard{},
             py::arg("decision") = Decision::adapt, py::arg("decided_on") = py::none(),
             py::arg("amended_verdict") = py::none(), py::arg("judged_against") = Criterion::locked,
             py::arg("follow_up_months") = py::none())
        .def_readwrite("follow_up_months", &Outcome::follow_up_months,
                       "The months after the decision at which to follow up; None when concluding: 3, 6 and 12 "
                       "for a scale-up, none otherwise. A concluded experiment without follow-ups has None.")
        .def_readwrite("learning", &Outcome::learning, "The Learning Card.")
        .def_readwrite("decided_on", &Outcome::decided_on, "The date of the decision; None means today when concluding.")
        .def_property(
            "amended_verdict",
            [](const Outcome& o) { return o.amended_verdict; },
            [](Outcome& o, std::optional<Named<Verdict>> v) {
                o.amended_verdict = v ? std::optional<Verdict>(v->value) : std::nullopt;
            },
            "The verdict against the criterion as amended after the start (exploratory); None when the "
            "criterion was not amended.")
        .def_property_readonly("chosen_verdict", &Outcome::chosen_verdict,
                               "The verdict of the judgement the team chose (judged_against).")
        .def("__eq__", [](const Outcome& a, const Outcome& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const Outcome& o) {
            std::string text = "Outcome(verdict='" + enum_name(to_string(o.verdict)) + "', decision='" +
                               enum_name(to_string(o.decision)) + "', decided_on=" + repr_of(o.decided_on);
            if (o.follow_up_months) text += ", follow_up_months=" + repr_of(*o.follow_up_months);
            if (o.amended_verdict)
                text += ", amended_verdict='" + enum_name(to_string(*o.amended_verdict)) + "', judged_against='" +
                        enum_name(to_string(o.judged_against)) + "'";
            return text + ", learning=" + repr_of(o.learning) + ")";
        });
    def_enum_property(outcome, "verdict", &Outcome::verdict, "Supported, refuted or inconclusive, against the "
                                                             "criterion locked at start.");
    def_enum_property(outcome, "judged_against", &Outcome::judged_against,
                      "Which judgement the team chose: 'locked' (the default) or 'amended'.");
    def_enum_property(outcome, "decision", &Outcome::decision, "Scale up, adapt and run again, or stop.");
    def_value_copy(outcome);
}

void register_arm(py::module_& m) {
    py::class_<Arm> cls(m, "Arm", "A named group or period that observations refer to, e.g. 'control' or 'before'.");
    cls.def(py::init([](std::string name, Named<ArmRole> role, std::string description, std::optional<double> share) {
                Arm arm;
                arm.name = std::move(name);
                arm.role = role;
                arm.description = std::move(description);
                arm.share = share;
                return arm;
            }),
            py::arg("name") = "", py::arg("role") = ArmRole::control, py::arg("description") = "",
            py::arg("share") = py::none())
        .def_readonly("id", &Arm::id, "The store's id (0 until stored).")
        .def_readwrite("name", &Arm::name, "Unique within the experiment.")
        .def_readwrite("description", &Arm::description, "What this group gets, in words.")
        .def_readwrite("share", &Arm::share,
                       "The planned share of the units in a concurrent design, as a weight (1 and 2: a third and "
                       "two thirds); None for equal shares. The sample-ratio check tests against it.")
        .def("__eq__", [](const Arm& a, const Arm& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const Arm& a) {
            return "Arm(name=" + repr_of(a.name) + ", role='" + enum_name(to_string(a.role)) + "'" +
                   (a.description.empty() ? std::string() : ", description=" + repr_of(a.description)) +
                   (a.share ? ", share=" + repr_of(*a.share) : std::string()) + ")";
        });
    def_enum_property(cls, "role", &Arm::role, "Control, treatment, before, after or group.");
    def_value_copy(cls);
}

void register_link(py::module_& m) {
    py::class_<ExperimentLink> cls(m, "ExperimentLink",
                                   "A link to the experiment this one replicates, adapts or follows up, by its UUID.");
    cls.def(py::init([](Named<LinkKind> kind, std::string of) { return ExperimentLink{kind, std::move(of)}; }),
            py::arg("kind"), py::arg("of"))
        .def_readwrite("of", &ExperimentLink::of, "The UUID of the experiment this one builds on.")
        .def("__eq__", [](const ExperimentLink& a, const ExperimentLink& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const ExperimentLink& l) {
            return "ExperimentLink(kind='" + enum_name(to_string(l.kind)) + "', of=" + repr_of(l.of) + ")";
        });
    def_enum_property(cls, "kind", &ExperimentLink::kind, "replication, adaptation or follow_up.");
    def_value_copy(cls);
}

void register_metric(py::module_& m) {
    py::class_<Metric> cls(m, "Metric",
                           "What an experiment measures, and the smallest effect on it that would be worth "
                           "having (minimum_effect, always > 0, in the better direction).");
    cls.def(py::init([](std::string name, std::string unit, std::string description, Named<MetricKind> kind,
                        Named<MetricRole> role, Named<Direction> direction, Named<ImpactClass> impact,
                        std::optional<double> baseline, std::optional<double> baseline_sd, double minimum_effect,
                        Named<EffectScale> effect_scale, double confidence, std::optional<double> valid_min,
                        std::optional<double> valid_max, std::string label, std::string covariate) {
                Metric metric;
                metric.name = std::move(name);
                metric.label = std::move(label);
                metric.unit = std::move(unit);
                metric.description = std::move(description);
                metric.kind = kind;
                metric.role = role;
                metric.direction = direction;
                metric.impact = impact;
                metric.baseline = baseline;
                metric.baseline_sd = baseline_sd;
                metric.minimum_effect = minimum_effect;
                metric.effect_scale = effect_scale;
                metric.confidence = confidence;
                metric.valid_min = valid_min;
                metric.valid_max = valid_max;
                metric.covariate = std::move(covariate);
                return metric;
            }),
            py::arg("name") = "", py::kw_only(), py::arg("unit") = "", py::arg("description") = "",
            py::arg("kind") = MetricKind::mean, py::arg("role") = MetricRole::primary,
            py::arg("direction") = Direction::higher_is_better, py::arg("impact") = ImpactClass::customer_outcome,
            py::arg("baseline") = py::none(), py::arg("baseline_sd") = py::none(), py::arg("minimum_effect") = 0.0,
            py::arg("effect_scale") = EffectScale::absolute, py::arg("confidence") = 0.95,
            py::arg("valid_min") = py::none(), py::arg("valid_max") = py::none(), py::arg("label") = "",
            py::arg("covariate") = "")
        .def_readonly("id", &Metric::id, "The store's id (0 until stored).")
        .def_readwrite("name", &Metric::name, "Unique within the experiment, e.g. 'sense_of_security'.")
        .def_readwrite("label", &Metric::label,
                       "What people read in sentences, tables and plots, e.g. 'sense of security'; '' shows the name.")
        .def_readwrite("unit", &Metric::unit, "E.g. 'points (1-5)', 'days', 'share'.")
        .def_readwrite("description", &Metric::description, "What is measured, and how.")
        .def_readwrite("baseline", &Metric::baseline, "Known level before the experiment (the target of a one-sample design).")
        .def_readwrite("baseline_sd", &Metric::baseline_sd, "Known spread, for planning the sample size.")
        .def_readwrite("minimum_effect", &Metric::minimum_effect,
                       "The smallest improvement worth scaling; for a guardrail the largest acceptable worsening.")
        .def_readwrite("confidence", &Metric::confidence, "Confidence level of the verdict's intervals, in (0.5, 1).")
        .def_readwrite("valid_min", &Metric::valid_min, "The smallest valid value (None: no lower bound), e.g. 1 on a 1-5 survey.")
        .def_readwrite("valid_max", &Metric::valid_max, "The largest valid value (None: no upper bound), e.g. 5 on a 1-5 survey.")
        .def_readwrite("covariate", &Metric::covariate,
                       "The name of each subject's pre-period value the comparison is adjusted for, e.g. "
                       "'visits_2025'; '' for none. Every row then carries it (log(..., covariate=)).")
        .def("__eq__", [](const Metric& a, const Metric& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const Metric& x) {
            std::string text = "Metric(name=" + repr_of(x.name) +
                               (x.label.empty() ? std::string() : ", label=" + repr_of(x.label)) + ", kind='" + enum_name(to_string(x.kind)) +
                               "', role='" + enum_name(to_string(x.role)) + "', direction='" +
                               enum_name(to_string(x.direction)) + "', minimum_effect=" + repr_of(x.minimum_effect);
            if (x.effect_scale != EffectScale::absolute) text += ", effect_scale='relative'";
            if (!x.unit.empty()) text += ", unit=" + repr_of(x.unit);
            if (x.impact != ImpactClass::customer_outcome) text += ", impact='" + enum_name(to_string(x.impact)) + "'";
            if (x.baseline) text += ", baseline=" + repr_of(*x.baseline);
            if (x.valid_min) text += ", valid_min=" + repr_of(*x.valid_min);
            if (x.valid_max) text += ", valid_max=" + repr_of(*x.valid_max);
            if (!x.covariate.empty()) text += ", covariate=" + repr_of(x.covariate);
            return text + ")";
        });
    def_enum_property(cls, "kind", &Metric::kind, "Mean, proportion or count.");
    def_enum_property(cls, "role", &Metric::role, "Primary, secondary or guardrail.");
    def_enum_property(cls, "direction", &Metric::direction, "Higher or lower is better.");
    def_enum_property(cls, "impact", &Metric::impact, "Customer outcome or activity output.");
    def_enum_property(cls, "effect_scale", &Metric::effect_scale, "Absolute or relative minimum effect.");
    def_value_copy(cls);
}

void register_locked_criterion(py::module_& m) {
    py::class_<LockedCriterion> cls(m, "LockedCriterion",
                                    "The pre-registered parts as they were locked when the experiment started: Test "
                                    "Card, design, arms and metrics (with their ids, which never change).");
    cls.def_readonly("test_card", &LockedCriterion::test_card, "The Test Card as locked.")
        .def_readonly("arms", &LockedCriterion::arms, "The arms as locked (names as they were then).")
        .def_readonly("metrics", &LockedCriterion::metrics, "The metrics as locked (names as they were then).")
        .def_property_readonly(
            "primary_metric", [](const LockedCriterion& c) { return c.primary_metric(); },
            "The primary metric as locked.")
        .def("__eq__", [](const LockedCriterion& a, const LockedCriterion& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const LockedCriterion& c) {
            std::string primary;
            for (const Metric& metric : c.metrics)
                if (metric.role == MetricRole::primary) primary = metric.name;
            return "LockedCriterion(design='" + enum_name(to_string(c.design)) + "', primary_metric=" +
                   repr_of(primary) + ", arms=" + std::to_string(c.arms.size()) + ", metrics=" +
                   std::to_string(c.metrics.size()) + ")";
        });
    def_enum_property(cls, "design", &LockedCriterion::design, "The design as locked.");
    def_value_copy(cls);

    py::class_<CriterionChange> change(m, "CriterionChange",
                                       "A part of the success criterion amended after the start: its field, the "
                                       "locked value and the amended value, as text.");
    change.def_readonly("field", &CriterionChange::field, "E.g. 'metrics[wait_days].direction', 'design', 'arms'.")
        .def_readonly("locked_value", &CriterionChange::locked_value, "As locked at start.")
        .def_readonly("amended_value", &CriterionChange::amended_value, "As amended.")
        .def("__eq__", [](const CriterionChange& a, const CriterionChange& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const CriterionChange& c) {
            return "CriterionChange(field=" + repr_of(c.field) + ", locked_value=" + repr_of(c.locked_value) +
                   ", amended_value=" + repr_of(c.amended_value) + ")";
        });
    def_value_copy(change);
}

void register_records(py::module_& m) {
    py::class_<Amendment> amendment(m, "Amendment",
                                    "A change to a locked (pre-registered) field after the start, with its reason.");
    amendment.def_readonly("at", &Amendment::at, "When the change was saved (UTC).")
        .def_readonly("field", &Amendment::field, "E.g. 'test_card.right_if' or 'metric[wait_days].minimum_effect'.")
        .def_readonly("old_value", &Amendment::old_value, "The value as it was locked, as text.")
        .def_readonly("new_value", &Amendment::new_value, "The new value, as text.")
        .def_readonly("reason", &Amendment::reason, "Why the change was made.")
        .def_readonly("author", &Amendment::author, "Who made it.")
        .def("__eq__", [](const Amendment& a, const Amendment& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const Amendment& a) {
            return "Amendment(field=" + repr_of(a.field) + ", old_value=" + repr_of(a.old_value) +
                   ", new_value=" + repr_of(a.new_value) + ", reason=" + repr_of(a.reason) + ")";
        });
    def_value_copy(amendment);

    py::class_<JournalEntry> entry(m, "JournalEntry", "A journal note: what happened, in the words of the people running the experiment.");
    entry.def_readonly("id", &JournalEntry::id, "The store's id.")
        .def_readonly("at", &JournalEntry::at, "When (UTC).")
        .def_readonly("author", &JournalEntry::author, "Who wrote it.")
        .def_readonly("text", &JournalEntry::text, "The note.")
        .def("__eq__", [](const JournalEntry& a, const JournalEntry& b) { return a == b; }, py::is_operator())
        .def("__repr__", [](const JournalEntry& e) {
            return "JournalEntry(at=" + repr_of(e.at) + ", author=" + repr_of(e.author) + ", text=" + repr_of(e.text) + ")";
        });
    def_value_copy(entry);
}

}  // namespace

void register_model(py::module_& m) {
    register_test_card(m);
    register_outcome(m);
    register_arm(m);
    register_link(m);
    register_metric(m);
    register_locked_criterion(m);
    register_records(m);
    m.def("same_name", [](std::string_view a, std::string_view b) { return same_name(a, b); }, py::arg("a"),
          py::arg("b"), "Whether two arm or metric names are the same name (NFC, ignoring case).");
}

}  // namespace kokeilu::python
