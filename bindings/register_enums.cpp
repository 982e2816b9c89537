// The model's enumerations as Python enum.Enum classes. Member names are the core's text names
// (to_string), so `Status.running.name == "running"` is also what the store and the command line
// use; wherever an enumeration is an argument, its text name is accepted as well.
#include "pybind11.hpp"

#include "kokeilu/design.hpp"
#include "kokeilu/experiment.hpp"
#include "kokeilu/lifecycle.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/outcome.hpp"

namespace kokeilu::python {

void register_enums(py::module_& m) {
    py::native_enum<Status>(m, "Status", "enum.Enum",
                            "Lifecycle of an experiment: draft -> running -> concluded; draft or running -> stopped.")
        .value("draft", Status::draft, "Being written; the Test Card may still change freely.")
        .value("running", Status::running, "Started; the Test Card and success criteria are locked.")
        .value("stopped", Status::stopped, "Ended early, with a reason.")
        .value("concluded", Status::concluded, "Ended with a verdict, a Learning Card and a decision.")
        .finalize();

    py::native_enum<LifecycleStep>(m, "LifecycleStep", "enum.Enum", "A step of the lifecycle (Experiment.require_step).")
        .value("start", LifecycleStep::start, "draft -> running")
        .value("stop", LifecycleStep::stop, "draft or running -> stopped")
        .value("conclude", LifecycleStep::conclude, "running -> concluded")
        .finalize();

    py::native_enum<Purpose>(m, "Purpose", "enum.Enum",
                             "The three tasks of a Finnish municipality; every experiment serves one or more.")
        .value("wellbeing", Purpose::wellbeing, "Hyvinvointi: the wellbeing of residents.")
        .value("vitality", Purpose::vitality, "Elinvoima: the vitality of the area.")
        .value("democracy", Purpose::democracy, "Demokratiatehtävä: residents taking part in decisions.")
        .finalize();

    py::native_enum<DesignKind>(m, "DesignKind", "enum.Enum", "How an experiment compares.")
        .value("concurrent", DesignKind::concurrent, "Control and treatment arms at the same time.")
        .value("before_after", DesignKind::before_after, "The same service before and after the change.")
        .value("one_sample", DesignKind::one_sample, "One group against the metric's baseline or target.")
        .value("difference_in_differences", DesignKind::difference_in_differences,
               "The changed unit and an unchanged comparison unit, each before and after the change.")
        .value("interrupted_time_series", DesignKind::interrupted_time_series,
               "One service's periods before and after the change, as a time series.")
        .finalize();

    py::native_enum<ArmRole>(m, "ArmRole", "enum.Enum", "The role of an arm or period in the design.")
        .value("control", ArmRole::control, "Concurrent design: the comparison group (exactly one).")
        .value("treatment", ArmRole::treatment, "Concurrent design: a group that gets the change.")
        .value("before", ArmRole::before, "Before/after design: the period before the change.")
        .value("after", ArmRole::after, "Before/after design: the period after the change.")
        .value("group", ArmRole::group, "One-sample design: the only group.")
        .value("changed_before", ArmRole::changed_before, "Difference in differences: the changed unit before.")
        .value("changed_after", ArmRole::changed_after, "Difference in differences: the changed unit after.")
        .value("comparison_before", ArmRole::comparison_before,
               "Difference in differences: the comparison unit before.")
        .value("comparison_after", ArmRole::comparison_after, "Difference in differences: the comparison unit after.")
        .finalize();

    py::native_enum<MetricKind>(m, "MetricKind", "enum.Enum", "What kind of value a metric records.")
        .value("mean", MetricKind::mean, "A continuous value per unit, compared by means.")
        .value("proportion", MetricKind::proportion, "0 or 1 per unit, compared by shares.")
        .value("count", MetricKind::count, "Events per unit of exposure, compared by rates.")
        .finalize();

    py::native_enum<MetricRole>(m, "MetricRole", "enum.Enum", "What a metric is for in the verdict.")
        .value("primary", MetricRole::primary, "The one metric the verdict is judged on.")
        .value("secondary", MetricRole::secondary, "Also reported, adjusted for multiplicity.")
        .value("guardrail", MetricRole::guardrail, "Must not get worse beyond its limit.")
        .finalize();

    py::native_enum<Direction>(m, "Direction", "enum.Enum", "Which way a metric improves.")
        .value("higher_is_better", Direction::higher_is_better)
        .value("lower_is_better", Direction::lower_is_better)
        .finalize();

    py::native_enum<ImpactClass>(m, "ImpactClass", "enum.Enum",
                                 "Whether a metric measures the customer's outcome or only work done.")
        .value("customer_outcome", ImpactClass::customer_outcome, "An outcome for the people served.")
        .value("activity_output", ImpactClass::activity_output,
               "How much work was done; never enough for a 'supported' verdict.")
        .finalize();

    py::native_enum<EffectScale>(m, "EffectScale", "enum.Enum", "The scale of a minimum worthwhile effect.")
        .value("absolute", EffectScale::absolute, "In the metric's own unit.")
        .value("relative", EffectScale::relative, "Relative to the control or baseline (0.10 is 10 %).")
        .finalize();

    py::native_enum<Verdict>(m, "Verdict", "enum.Enum", "The verdict on the hypothesis of the Test Card.")
        .value("supported", Verdict::supported)
        .value("refuted", Verdict::refuted)
        .value("inconclusive", Verdict::inconclusive)
        .finalize();

    py::native_enum<Criterion>(m, "Criterion", "enum.Enum", "The success criterion a verdict is judged against.")
        .value("locked", Criterion::locked, "As locked when the experiment started.")
        .value("amended", Criterion::amended,
               "As amended after the start: exploratory, the criterion changed after data had been seen.")
        .finalize();

    py::native_enum<LinkKind>(m, "LinkKind", "enum.Enum", "How an experiment builds on another.")
        .value("replication", LinkKind::replication, "The same change tried again, measured on the same metric.")
        .value("adaptation", LinkKind::adaptation, "A changed version of it: not pooled with it as a replication.")
        .value("follow_up", LinkKind::follow_up, "The same metric measured again after the change was scaled up.")
        .finalize();

    py::native_enum<Decision>(m, "Decision", "enum.Enum", "What is done after the experiment.")
        .value("scale_up", Decision::scale_up, "Make the change the normal way of working.")
        .value("adapt", Decision::adapt, "Adapt the change and run again.")
        .value("stop", Decision::stop, "Stop the change.")
        .finalize();
}

}  // namespace kokeilu::python
