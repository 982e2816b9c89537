// The statistics engine (kokeilu/stats/*.hpp) for Python: summaries, the comparison methods, the
// Bayesian and sequential views, planning, and the analysis of a whole experiment. The result
// types are read-only value classes with reprs; kokeilu.stats turns them into the pythonic API.
//
// Arrays cross as numpy arrays read in place (c_style | forcecast converts other dtypes once), and
// every computation that may take long (resampling, a pass over many rows) runs with the GIL
// released. NotEnoughDataError becomes kokeilu.NotEnoughDataError, a subclass of
// InvalidArgumentError, so callers may catch either.
#include "messages.hpp"
#include "pybind11.hpp"

#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/stats/bayes.hpp"
#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/means.hpp"
#include "kokeilu/stats/meta_analysis.hpp"
#include "kokeilu/stats/metric_plan.hpp"
#include "kokeilu/stats/multiplicity.hpp"
#include "kokeilu/stats/observation_arrays.hpp"
#include "kokeilu/stats/power.hpp"
#include "kokeilu/stats/proportions.hpp"
#include "kokeilu/stats/rates.hpp"
#include "kokeilu/stats/resampling.hpp"
#include "kokeilu/stats/sequential.hpp"
#include "kokeilu/stats/srm.hpp"
#include "kokeilu/stats/summary.hpp"
#include "kokeilu/stats/verdict.hpp"

#include <cmath>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kokeilu::python {

namespace {

using namespace kokeilu::stats;

template <class T>
using InArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// Held for the life of the process, like the other error classes (see register_errors.cpp).
PyObject* not_enough_data_class = nullptr;

template <class T>
std::span<const T> span_of(const InArray<T>& array, const char* field) {
    if (array.ndim() != 1) {
        throw InvalidArgumentError(field, Message{"input.not_one_dimensional", {{"dimensions", static_cast<std::int64_t>(array.ndim())}}});
    }
    return {array.data(), static_cast<std::size_t>(array.shape(0))};
}

void check_length(std::size_t expected, std::size_t actual, const char* field) {
    if (actual != expected) {
        throw InvalidArgumentError(field, Message{"input.rows_expected", {{"rows", static_cast<std::int64_t>(actual)},
                                                                          {"expected", static_cast<std::int64_t>(expected)}}});
    }
}

// The value of a result's attribute under its old name, with a DeprecationWarning naming the new.
double deprecated_alias(const char* old_name, const char* new_name, double value) {
    const std::string text = std::string("BayesResult.") + old_name + " is deprecated; use BayesResult." + new_name +
                             " (the name of the analysis' comparisons column)";
    if (PyErr_WarnEx(PyExc_DeprecationWarning, text.c_str(), 1) != 0) throw py::error_already_set();
    return value;
}

// Python's repr of a float as shortest round-trip text, for the reprs of the results.
std::string fmt(double x) { return repr_of(x); }
std::string fmt(const std::optional<double>& x) { return x ? fmt(*x) : std::string("None"); }

std::string verdict_reason_name(VerdictReason r) {
    switch (r) {
        case VerdictReason::improvement: return "improvement";
        case VerdictReason::too_small: return "too_small";
        case VerdictReason::wrong_direction: return "wrong_direction";
        case VerdictReason::undecided: return "undecided";
        case VerdictReason::customer_impact_unmeasured: return "customer_impact_unmeasured";
        case VerdictReason::not_enough_data: return "not_enough_data";
        case VerdictReason::values_unusable: return "values_unusable";
    }
    return "unknown";
}

// The numpy columns of kokeilu.ObservationArrays as the core's spans (checked by the core).
ObservationArrays columns_of(const InArray<std::int32_t>& arm, const InArray<double>& value,
                             const InArray<std::int64_t>& n, const InArray<double>& sum, const InArray<double>& sum_sq,
                             const InArray<double>& exposure) {
    return ObservationArrays{span_of(arm, "arm_codes"), span_of(value, "value"),   span_of(n, "n"),
                             span_of(sum, "sum"),       span_of(sum_sq, "sum_sq"), span_of(exposure, "exposure")};
}

void register_errors_and_enums(py::module_& m) {
    const py::object invalid_argument = m.attr("InvalidArgumentError");
    const std::string qualified = "kokeilu.NotEnoughDataError";
    not_enough_data_class = PyErr_NewExceptionWithDoc(
        qualified.c_str(),
        "The data cannot support the method yet: an empty arm, one observation where a spread is needed, zero "
        "variance, all successes. An InvalidArgumentError (and so a ValueError); `field` names the arm or input.",
        py::make_tuple(invalid_argument).ptr(), nullptr);
    if (not_enough_data_class == nullptr) throw py::error_already_set();
    m.add_object("NotEnoughDataError", py::reinterpret_borrow<py::object>(not_enough_data_class));
    // Registered after the general translator, so it is tried first.
    py::register_exception_translator([](std::exception_ptr thrown) {
        try {
            if (thrown) std::rethrow_exception(thrown);
        } catch (const NotEnoughDataError& e) {
            py::object instance = py::reinterpret_borrow<py::object>(not_enough_data_class)(py::str(e.what()));
            instance.attr("field") = py::str(e.field());
            instance.attr("code") = py::str(e.code());
            instance.attr("params") = message_params(e.message());
            PyErr_SetObject(not_enough_data_class, instance.ptr());
        }
    });

    py::native_enum<EffectKind>(m, "EffectKind", "enum.Enum", "The scale of an effect.")
        .value("absolute", EffectKind::absolute, "The difference, treatment - control.")
        .value("relative", EffectKind::relative, "The relative lift, treatment / control - 1.")
        .finalize();
    py::native_enum<PlanDesign>(m, "PlanDesign", "enum.Enum", "The design a sample size is planned for.")
        .value("two_groups", PlanDesign::two_groups, "Two groups of equal size (arms, or before and after).")
        .value("one_sample", PlanDesign::one_sample, "One group against a known target.")
        .finalize();
    py::native_enum<TwoSidedP>(m, "TwoSidedP", "enum.Enum", "The two-sided p-value of a permutation test.")
        .value("absolute", TwoSidedP::absolute, "Share of permutations with |difference| >= |observed|.")
        .value("doubled", TwoSidedP::doubled,
               "Twice the smaller one-sided p-value, at most 1 (scipy.stats.permutation_test's).")
        .finalize();
}

void register_summary(py::module_& m) {
    py::class_<Summary> cls(m, "Summary",
                            "A streaming summary of one arm of one metric: n, mean, spread, extremes, and the totals "
                            "that proportions and counts need. Numerically stable and mergeable.");
    cls.def(py::init<>(), "An empty summary.")
        .def_static("from_moments", &Summary::from_moments, py::arg("n"), py::arg("mean"), py::arg("sd"),
                    "A summary known only by n, mean and sample sd (divisor n - 1).")
        .def_static("from_counts", &Summary::from_counts, py::arg("successes"), py::arg("trials"),
                    "A proportion known by its counts.")
        .def_static(
            "from_values",
            [](const InArray<double>& values, const std::optional<InArray<double>>& exposure) {
                const auto v = span_of(values, "values");
                std::span<const double> e;
                if (exposure) {
                    e = span_of(*exposure, "exposure");
                    check_length(v.size(), e.size(), "exposure");
                }
                py::gil_scoped_release release;
                Summary s;
                for (std::size_t i = 0; i < v.size(); ++i) s.add(v[i], e.empty() ? 1.0 : e[i]);
                return s;
            },
            py::arg("values"), py::arg("exposure") = py::none(),
            "The summary of unit-level values (and, for counts, the exposure of each).")
        .def("add", py::overload_cast<double, double>(&Summary::add), py::arg("value"), py::arg("exposure") = 1.0,
             "Adds one unit's value.")
        .def("add_aggregate", &Summary::add_aggregate, py::arg("n"), py::arg("sum"), py::arg("sum_sq") = py::none(),
             py::arg("exposure") = 1.0, py::arg("binary") = false, "Adds a pre-aggregated row.")
        .def("merge", &Summary::merge, py::arg("other"), "Folds another summary of the same arm into this one.")
        .def_property_readonly("n", &Summary::n, "Number of units.")
        .def_property_readonly("mean", &Summary::mean, "The mean (NotEnoughDataError when empty).")
        .def_property_readonly("sum", &Summary::sum, "The sum of the values.")
        .def_property_readonly("variance", &Summary::variance, "Sample variance (divisor n - 1).")
        .def_property_readonly("sd", &Summary::sd, "Sample standard deviation.")
        .def_property_readonly("se", &Summary::se, "Standard error of the mean.")
        .def_property_readonly("has_variance", &Summary::has_variance, "Whether the spread is known (n >= 2).")
        .def_property_readonly("min", &Summary::min, "Smallest unit-level value (None when none).")
        .def_property_readonly("max", &Summary::max, "Largest unit-level value (None when none).")
        .def_property_readonly("extremes_complete", &Summary::extremes_complete,
                               "False when aggregates were added, so min and max may not be the arm's extremes.")
        .def_property_readonly("successes", &Summary::successes, "Successes of a 0/1 metric.")
        .def_property_readonly("trials", &Summary::trials, "Trials of a 0/1 metric (= n).")
        .def_property_readonly("events", &Summary::events, "Events of a count metric (= sum).")
        .def_property_readonly("exposure", &Summary::exposure, "Total exposure of a count metric.")
        .def_property_readonly("too_large", &Summary::too_large,
                               "Whether the sums overflowed a double (values near 1e308, squares near 1e200).")
        .def_property_readonly("problem", &Summary::problem,
                               "Why the summary cannot be used ('' when it can), e.g. values too large to summarise "
                               "exactly.")
        .def("__repr__", [](const Summary& s) {
            std::string text = "Summary(n=" + std::to_string(s.n());
            if (s.n() > 0) text += ", mean=" + fmt(s.mean());
            if (s.has_variance()) text += ", sd=" + fmt(s.sd());
            return text + ")";
        });
    def_value_copy(cls);
}

void register_results(py::module_& m) {
    py::class_<Estimate> estimate(m, "Estimate", "An effect with its confidence interval, p-value and method.");
    estimate.def_readonly("estimate", &Estimate::estimate, "The effect on its own scale.")
        .def_readonly("ci_low", &Estimate::ci_low, "Lower end of the confidence interval.")
        .def_readonly("ci_high", &Estimate::ci_high, "Upper end of the confidence interval.")
        .def_readonly("p_value", &Estimate::p_value, "Two-sided p-value against no effect (or the target).")
        .def_readonly("confidence", &Estimate::confidence, "Confidence level of the interval.")
        .def_readonly("std_error", &Estimate::std_error, "Standard error of the estimate (0 when none).")
        .def_readonly("statistic", &Estimate::statistic, "The test statistic (t, z, ...), when the method has one.")
        .def_readonly("df", &Estimate::df, "Degrees of freedom of a t statistic.")
        .def_readonly("method", &Estimate::method, "The method, e.g. 'welch_t'.")
        .def_readonly("notes", &Estimate::notes, "Caveats in plain words.")
        .def("__repr__", [](const Estimate& e) {
            return "Estimate(method=" + repr_of(e.method) + ", estimate=" + fmt(e.estimate) + ", ci_low=" +
                   fmt(e.ci_low) + ", ci_high=" + fmt(e.ci_high) + ", p_value=" + fmt(e.p_value) +
                   ", confidence=" + fmt(e.confidence) + ")";
        });
    def_value_copy(estimate);

    py::class_<Interval> interval(m, "Interval", "An interval [low, high].");
    interval.def_readonly("low", &Interval::low, "Lower end.")
        .def_readonly("high", &Interval::high, "Upper end.")
        .def("__repr__", [](const Interval& i) { return "Interval(low=" + fmt(i.low) + ", high=" + fmt(i.high) + ")"; });

    py::class_<BayesResult> bayes(m, "BayesResult",
                                  "The posterior of an effect, the chance that the treatment is better, and the "
                                  "expected loss (risk) of choosing either arm.");
    bayes.def_readonly("posterior_mean", &BayesResult::posterior_mean, "Posterior mean of the effect.")
        .def_readonly("posterior_sd", &BayesResult::posterior_sd, "Posterior sd of the effect.")
        .def_readonly("ci_low", &BayesResult::ci_low, "Lower end of the equal-tailed credible interval.")
        .def_readonly("ci_high", &BayesResult::ci_high, "Upper end of the credible interval.")
        .def_readonly("confidence", &BayesResult::confidence, "Credibility of the interval.")
        // The names of the analysis' comparisons table (chance_to_beat, risk, risk_control).
        .def_readonly("chance_to_beat", &BayesResult::chance_to_win, "P(the treatment is better).")
        .def_readonly("risk", &BayesResult::risk_treatment, "Expected loss of choosing the treatment.")
        .def_readonly("risk_control", &BayesResult::risk_control, "Expected loss of choosing the control.")
        .def_readonly("method", &BayesResult::method, "The model, e.g. 'bayes_normal'.")
        .def_property_readonly(
            "chance_to_win",
            [](const BayesResult& b) { return deprecated_alias("chance_to_win", "chance_to_beat", b.chance_to_win); },
            "Deprecated name of chance_to_beat.")
        .def_property_readonly(
            "risk_treatment",
            [](const BayesResult& b) { return deprecated_alias("risk_treatment", "risk", b.risk_treatment); },
            "Deprecated name of risk.")
        .def("__repr__", [](const BayesResult& b) {
            return "BayesResult(method=" + repr_of(b.method) + ", posterior_mean=" + fmt(b.posterior_mean) +
                   ", posterior_sd=" + fmt(b.posterior_sd) + ", chance_to_beat=" + fmt(b.chance_to_win) +
                   ", risk=" + fmt(b.risk_treatment) + ", risk_control=" + fmt(b.risk_control) + ")";
        });

    py::class_<PermutationResult> perm(m, "PermutationResult", "A permutation test of the difference in means.");
    perm.def_readonly("estimate", &PermutationResult::estimate, "Observed mean(treatment) - mean(control).")
        .def_readonly("p_value", &PermutationResult::p_value,
                      "Two-sided p-value as two_sided defines it: absolute, (1 + as_extreme) / (1 + resamples); "
                      "doubled, min(1, 2 * (1 + min(at_least, at_most)) / (1 + resamples)).")
        .def_readonly("resamples", &PermutationResult::resamples, "Number of permutations.")
        .def_readonly("as_extreme", &PermutationResult::as_extreme, "Permutations with |difference| >= |observed|.")
        .def_readonly("at_least", &PermutationResult::at_least, "Permutations with difference >= observed.")
        .def_readonly("at_most", &PermutationResult::at_most, "Permutations with difference <= observed.")
        .def_readonly("two_sided", &PermutationResult::two_sided, "The definition of the two-sided p-value.")
        .def_readonly("method", &PermutationResult::method, "'permutation'.")
        .def("__repr__", [](const PermutationResult& p) {
            return "PermutationResult(estimate=" + fmt(p.estimate) + ", p_value=" + fmt(p.p_value) +
                   ", resamples=" + std::to_string(p.resamples) + ")";
        });

    py::class_<BootstrapResult> boot(m, "BootstrapResult", "Bootstrap intervals of the difference in means.");
    boot.def_readonly("estimate", &BootstrapResult::estimate, "Observed mean(treatment) - mean(control).")
        .def_readonly("confidence", &BootstrapResult::confidence, "Confidence level of the intervals.")
        .def_readonly("std_error", &BootstrapResult::std_error, "Sd of the bootstrap distribution.")
        .def_readonly("percentile", &BootstrapResult::percentile, "The percentile interval.")
        .def_readonly("bca", &BootstrapResult::bca, "The BCa interval (None when it cannot be computed).")
        .def_readonly("resamples", &BootstrapResult::resamples, "Number of resamples.")
        .def_readonly("notes", &BootstrapResult::notes, "Caveats in plain words.")
        .def("__repr__", [](const BootstrapResult& b) {
            return "BootstrapResult(estimate=" + fmt(b.estimate) + ", percentile=(" + fmt(b.percentile.low) + ", " +
                   fmt(b.percentile.high) + "), bca=" +
                   (b.bca ? "(" + fmt(b.bca->low) + ", " + fmt(b.bca->high) + ")" : std::string("None")) +
                   ", resamples=" + std::to_string(b.resamples) + ")";
        });

    py::class_<FisherResult> fisher(m, "FisherResult", "Fisher's exact test of a 2x2 table.");
    fisher.def_readonly("p_value", &FisherResult::p_value, "Two-sided p-value.")
        .def_readonly("odds_ratio", &FisherResult::odds_ratio, "The sample odds ratio (None when 0/0).")
        .def("__repr__", [](const FisherResult& f) {
            return "FisherResult(odds_ratio=" + fmt(f.odds_ratio) + ", p_value=" + fmt(f.p_value) + ")";
        });

    py::class_<SrmResult> srm(m, "SrmResult", "A sample-ratio mismatch check (Pearson's chi-square).");
    srm.def_readonly("statistic", &SrmResult::statistic, "Pearson's chi-square.")
        .def_readonly("df", &SrmResult::df, "Degrees of freedom (arms - 1).")
        .def_readonly("p_value", &SrmResult::p_value, "The p-value.")
        .def_readonly("mismatch", &SrmResult::mismatch, "True when p_value is below the threshold.")
        .def("__repr__", [](const SrmResult& s) {
            return "SrmResult(statistic=" + fmt(s.statistic) + ", df=" + fmt(s.df) + ", p_value=" + fmt(s.p_value) +
                   ", mismatch=" + (s.mismatch ? "True" : "False") + ")";
        });

    py::class_<SampleSize> size(m, "SampleSize", "Observations needed per group.");
    size.def_readonly("exact", &SampleSize::exact, "The solution of the power equation, not rounded.")
        .def_readonly("per_group", &SampleSize::per_group, "Rounded up.")
        .def("__repr__", [](const SampleSize& s) {
            return "SampleSize(per_group=" + std::to_string(s.per_group) + ", exact=" + fmt(s.exact) + ")";
        });

    py::class_<Schedule> schedule(m, "Schedule", "Days still needed to reach a sample size at the current pace.");
    schedule.def_readonly("remaining_per_group", &Schedule::remaining_per_group, "Observations still needed.")
        .def_readonly("days_needed", &Schedule::days_needed, "Days at the current pace (0 when enough).")
        .def_readonly("days_left", &Schedule::days_left, "Days until the planned end, when known.")
        .def_readonly("reachable", &Schedule::reachable, "False when the planned end comes first.")
        .def("__repr__", [](const Schedule& s) {
            return "Schedule(remaining_per_group=" + std::to_string(s.remaining_per_group) +
                   ", days_needed=" + fmt(s.days_needed) + ", days_left=" + fmt(s.days_left) +
                   ", reachable=" + (s.reachable ? "True" : "False") + ")";
        });

    py::class_<VerdictResult> verdict(m, "VerdictResult", "The verdict on the primary metric, with its sentences.");
    verdict.def_readonly("verdict", &VerdictResult::verdict, "Supported, refuted or inconclusive.")
        .def_readonly("criterion", &VerdictResult::criterion,
                      "locked (as at start) or amended (exploratory: changed after data had been seen).")
        .def_readonly("metric", &VerdictResult::metric, "The primary metric judged.")
        .def_property_readonly(
            "reason", [](const VerdictResult& v) { return verdict_reason_name(v.reason); },
            "Why: improvement, too_small, wrong_direction, undecided, customer_impact_unmeasured, "
            "not_enough_data or values_unusable.")
        .def_readonly("improvement", &VerdictResult::improvement, "The effect turned so that positive is better.")
        .def_readonly("improvement_low", &VerdictResult::improvement_low, "Its interval's lower end.")
        .def_readonly("improvement_high", &VerdictResult::improvement_high, "Its interval's upper end.")
        .def_readonly("additional_observations", &VerdictResult::additional_observations,
                      "About how many more observations would likely decide an inconclusive verdict.")
        .def_readonly("customer_impact_measured", &VerdictResult::customer_impact_measured,
                      "False for an activity/output primary metric.")
        .def_readonly("message", &VerdictResult::message,
                      "The judgement as a Message: code per reason and case, with its numbers.")
        .def_readonly("notes", &VerdictResult::notes,
                      "The sentences after the judgement as Messages (customer impact, amendments).")
        .def_readonly("sentence_en", &VerdictResult::sentence_en, "One plain sentence in English.")
        .def("__repr__", [](const VerdictResult& v) {
            return "VerdictResult(verdict='" + std::string(to_string(v.verdict)) + "', reason='" +
                   verdict_reason_name(v.reason) + "', sentence_en=" + repr_of(v.sentence_en) + ")";
        });

    py::class_<Comparison> comparison(m, "Comparison", "One comparison of one metric: an arm against its reference.");
    comparison.def_readonly("metric", &Comparison::metric, "The metric's name.")
        .def_readonly("role", &Comparison::role, "Primary, secondary or guardrail.")
        .def_readonly("arm", &Comparison::arm, "The treatment arm, after period or only group.")
        .def_readonly("reference", &Comparison::reference, "The control, before period, or 'baseline'.")
        .def_readonly("effect", &Comparison::effect, "The effect, when the data allowed it.")
        .def_readonly("bayes", &Comparison::bayes, "The Bayesian view (two-group designs, unless adjusted).")
        .def_readonly("adjusted_for", &Comparison::adjusted_for,
                      "The pre-period value the comparison is adjusted for (the metric's covariate); '' for none.")
        .def_readonly("adjustment", &Comparison::adjustment,
                      "The adjustment for the pre-period value, when the data allowed it: its effect is `effect`, "
                      "beside the unadjusted difference and the variance reduction achieved.")
        .def_readonly("adjusted_p_value", &Comparison::adjusted_p_value, "Holm-adjusted p (secondary metrics).")
        .def_readonly("status", &Comparison::status, "'ok', or 'not enough data: <why>'.")
        .def_readonly("status_message", &Comparison::status_message,
                      "The status as a Message: 'stats.status.ok', the reason's code and parameters (with "
                      "'field') when there is not enough data, 'stats.status.too_large' or 'stats.status.unusable'.")
        .def("__repr__", [](const Comparison& c) {
            return "Comparison(metric=" + repr_of(c.metric) + ", arm=" + repr_of(c.arm) + ", reference=" +
                   repr_of(c.reference) + ", status=" + repr_of(c.status) + ")";
        });

    py::class_<CovariateRows>(m, "CovariateRows",
                              "The rows of the metrics adjusted for a pre-period value, read for an analysis "
                              "(Tracker.covariate_rows); passed on to analyse as they are.")
        .def(py::init<>())
        .def("__len__", [](const CovariateRows& r) { return r.metrics.size(); });

    py::class_<Analysis> analysis(m, "AnalysisResult", "The core's analysis of a whole experiment.");
    analysis.def_readonly("experiment", &Analysis::experiment, "The experiment's key.")
        .def_readonly("comparisons", &Analysis::comparisons, "Every comparison of every metric.")
        .def_readonly("verdict", &Analysis::verdict, "The verdict on the primary metric.")
        .def_readonly("sample_ratio", &Analysis::sample_ratio, "The sample-ratio check (concurrent designs).")
        .def_readonly("planned_per_group", &Analysis::planned_per_group, "The planned sample size, when known.")
        .def_readonly("warnings", &Analysis::warnings, "Plain-language warnings, one per issue.")
        .def_readonly("warning_messages", &Analysis::warning_messages,
                      "The same warnings as Messages (code and parameters), in the same order.")
        .def_readonly("criterion_changes", &Analysis::criterion_changes,
                      "The parts of the success criterion amended after the start (empty: as locked).")
        .def_readonly("amended_verdict", &Analysis::amended_verdict,
                      "The exploratory verdict against the amended criterion, when it was amended.")
        .def_readonly("amended_comparisons", &Analysis::amended_comparisons,
                      "The comparisons of the amended criterion, when it was amended.")
        .def_readonly("days_started_before_lock", &Analysis::days_started_before_lock,
                      "Days the start lies before the lock of the Test Card (None unless at least one).")
        .def_readonly("early_rows", &Analysis::early_rows,
                      "Rows logged for times between the start and the lock, by arm.")
        .def_readonly("pre_trend", &Analysis::pre_trend,
                      "Difference in differences: the before period's slope difference (changed - comparison) per "
                      "period of the primary metric, when each unit has at least three periods before the change.")
        .def_readonly("time_series", &Analysis::time_series,
                      "Interrupted time series: the primary metric's segmented regression, when periods allowed.")
        .def_property_readonly(
            "period", [](const Analysis& a) { return std::string(to_string(a.period)); },
            "The period of the series of a difference in differences or an interrupted time series: 'day' or 'week'.")
        .def("__repr__", [](const Analysis& a) {
            return "AnalysisResult(experiment=" + repr_of(a.experiment) + ", verdict='" +
                   std::string(to_string(a.verdict.verdict)) + "')";
        });
}

ResamplingOptions resampling(std::uint64_t seed, std::int64_t resamples, unsigned threads) {
    ResamplingOptions o;
    o.seed = seed;
    o.resamples = resamples;
    o.threads = threads;
    return o;
}

void register_methods(py::module_& m) {
    m.def("welch_difference", &welch_difference, py::arg("treatment"), py::arg("control"),
          py::arg("confidence") = 0.95, "Difference in means with Welch's t interval and p-value.");
    m.def("relative_lift", &relative_lift, py::arg("treatment"), py::arg("control"), py::arg("confidence") = 0.95,
          "Relative lift (treatment / control - 1) with a delta-method interval.");
    m.def("one_sample_t", &one_sample_t, py::arg("group"), py::arg("target"), py::arg("confidence") = 0.95,
          "Mean - target with a one-sample t interval and p-value.");
    m.def(
        "wilson_interval",
        [](std::int64_t successes, std::int64_t trials, double confidence) {
            return wilson_interval({successes, trials}, confidence);
        },
        py::arg("successes"), py::arg("trials"), py::arg("confidence") = 0.95, "Wilson's score interval of a share.");
    m.def(
        "proportion_difference",
        [](std::int64_t ts, std::int64_t tn, std::int64_t cs, std::int64_t cn, double confidence) {
            return proportion_difference({ts, tn}, {cs, cn}, confidence);
        },
        py::arg("treatment_successes"), py::arg("treatment_trials"), py::arg("control_successes"),
        py::arg("control_trials"), py::arg("confidence") = 0.95,
        "Difference of shares with Newcombe's hybrid score interval and the pooled z-test's p-value.");
    m.def(
        "score_difference",
        [](std::int64_t ts, std::int64_t tn, std::int64_t cs, std::int64_t cn, double confidence) {
            return score_difference({ts, tn}, {cs, cn}, confidence);
        },
        py::arg("treatment_successes"), py::arg("treatment_trials"), py::arg("control_successes"),
        py::arg("control_trials"), py::arg("confidence") = 0.95,
        "Difference of shares with the Miettinen-Nurminen score interval and the same score test's p-value.");
    m.def(
        "two_proportion_z_test",
        [](std::int64_t ts, std::int64_t tn, std::int64_t cs, std::int64_t cn, double confidence) {
            return two_proportion_z_test({ts, tn}, {cs, cn}, confidence);
        },
        py::arg("treatment_successes"), py::arg("treatment_trials"), py::arg("control_successes"),
        py::arg("control_trials"), py::arg("confidence") = 0.95, "The pooled two-proportion z-test.");
    m.def(
        "fisher_exact",
        [](std::int64_t ts, std::int64_t tn, std::int64_t cs, std::int64_t cn) {
            return fisher_exact({ts, tn}, {cs, cn});
        },
        py::arg("treatment_successes"), py::arg("treatment_trials"), py::arg("control_successes"),
        py::arg("control_trials"), "Fisher's exact test of the 2x2 table.");
    m.def(
        "one_sample_proportion",
        [](std::int64_t successes, std::int64_t trials, double target, double confidence) {
            return one_sample_proportion({successes, trials}, target, confidence);
        },
        py::arg("successes"), py::arg("trials"), py::arg("target"), py::arg("confidence") = 0.95,
        "Share - target with the shifted Wilson interval and the exact binomial test.");
    m.def(
        "rate_ratio",
        [](double te, double tx, double ce, double cx, double confidence) {
            return rate_ratio({te, tx}, {ce, cx}, confidence);
        },
        py::arg("treatment_events"), py::arg("treatment_exposure"), py::arg("control_events"),
        py::arg("control_exposure"), py::arg("confidence") = 0.95, "Rate ratio with the exact conditional interval.");
    m.def(
        "rate_difference",
        [](double te, double tx, double ce, double cx, double confidence) {
            return rate_difference({te, tx}, {ce, cx}, confidence);
        },
        py::arg("treatment_events"), py::arg("treatment_exposure"), py::arg("control_events"),
        py::arg("control_exposure"), py::arg("confidence") = 0.95,
        "Rate difference (events per unit of exposure) with the Wald interval.");
    m.def(
        "permutation_test",
        [](const InArray<double>& treatment, const InArray<double>& control, std::uint64_t seed,
           std::int64_t resamples, unsigned threads, TwoSidedP two_sided) {
            const auto t = span_of(treatment, "treatment");
            const auto c = span_of(control, "control");
            const ResamplingOptions options = resampling(seed, resamples, threads);
            py::gil_scoped_release release;
            return permutation_test(t, c, options, two_sided);
        },
        py::arg("treatment"), py::arg("control"), py::kw_only(), py::arg("seed") = ResamplingOptions{}.seed,
        py::arg("resamples") = ResamplingOptions{}.resamples, py::arg("threads") = ResamplingOptions{}.threads,
        py::arg("two_sided") = TwoSidedP::absolute,
        "Permutation test of the difference in means (seeded, reproducible).");
    m.def(
        "bootstrap_difference",
        [](const InArray<double>& treatment, const InArray<double>& control, double confidence, std::uint64_t seed,
           std::int64_t resamples, unsigned threads) {
            const auto t = span_of(treatment, "treatment");
            const auto c = span_of(control, "control");
            const ResamplingOptions options = resampling(seed, resamples, threads);
            py::gil_scoped_release release;
            return bootstrap_difference(t, c, confidence, options);
        },
        py::arg("treatment"), py::arg("control"), py::arg("confidence") = 0.95, py::kw_only(),
        py::arg("seed") = ResamplingOptions{}.seed, py::arg("resamples") = ResamplingOptions{}.resamples,
        py::arg("threads") = ResamplingOptions{}.threads,
        "Percentile and BCa bootstrap intervals of the difference in means (seeded, reproducible).");
    m.def(
        "bayes_normal",
        [](const Summary& treatment, const Summary& control, EffectKind kind, Named<Direction> direction,
           std::optional<double> prior_mean, std::optional<double> prior_variance, double confidence) {
            GaussianPrior prior;
            if (prior_mean || prior_variance) {
                prior.proper = true;
                prior.mean = prior_mean.value_or(0.0);
                prior.variance = prior_variance.value_or(1.0);
            }
            return bayes_normal(treatment, control, kind, direction, prior, confidence);
        },
        py::arg("treatment"), py::arg("control"), py::kw_only(), py::arg("kind") = EffectKind::absolute,
        py::arg("direction") = Direction::higher_is_better, py::arg("prior_mean") = py::none(),
        py::arg("prior_variance") = py::none(), py::arg("confidence") = 0.95,
        "Normal-model posterior of the effect, chance to beat and risk (flat prior unless one is given).");
    m.def(
        "bayes_beta_binomial",
        [](std::int64_t ts, std::int64_t tn, std::int64_t cs, std::int64_t cn, Named<Direction> direction,
           double alpha, double beta, double confidence) {
            return bayes_beta_binomial({ts, tn}, {cs, cn}, direction, BetaPrior{alpha, beta}, confidence);
        },
        py::arg("treatment_successes"), py::arg("treatment_trials"), py::arg("control_successes"),
        py::arg("control_trials"), py::kw_only(), py::arg("direction") = Direction::higher_is_better,
        py::arg("prior_alpha") = 1.0, py::arg("prior_beta") = 1.0, py::arg("confidence") = 0.95,
        "Beta-binomial chance to beat and expected loss (risk), by numerical integration.");
    m.def(
        "bayes_gamma_poisson",
        [](double te, double tx, double ce, double cx, EffectKind kind, Named<Direction> direction, double shape,
           double rate, double confidence) {
            return bayes_gamma_poisson({te, tx}, {ce, cx}, kind, direction, GammaPrior{shape, rate}, confidence);
        },
        py::arg("treatment_events"), py::arg("treatment_exposure"), py::arg("control_events"),
        py::arg("control_exposure"), py::kw_only(), py::arg("kind") = EffectKind::absolute,
        py::arg("direction") = Direction::higher_is_better, py::arg("prior_shape") = GammaPrior{}.shape,
        py::arg("prior_rate") = GammaPrior{}.rate, py::arg("confidence") = 0.95,
        "Gamma-Poisson chance to beat and expected loss (risk) of rates per unit of exposure, in closed form.");
    m.def(
        "sequential_difference",
        [](const Summary& treatment, const Summary& control, double confidence, double tuning_n,
           EffectKind kind) {
            return sequential_difference(treatment, control, confidence, SequentialOptions{tuning_n, kind});
        },
        py::arg("treatment"), py::arg("control"), py::arg("confidence") = 0.95, py::kw_only(),
        py::arg("tuning_n") = SequentialOptions{}.tuning_n, py::arg("kind") = EffectKind::absolute,
        "Always-valid (mixture SPRT) interval and p-value of the difference or lift.");
    m.def(
        "sample_ratio_mismatch",
        [](const InArray<std::int64_t>& observed, const std::optional<InArray<double>>& expected_shares,
           double threshold) {
            const auto o = span_of(observed, "observed");
            std::span<const double> shares;
            if (expected_shares) shares = span_of(*expected_shares, "expected_shares");
            return sample_ratio_mismatch(o, shares, threshold);
        },
        py::arg("observed"), py::arg("expected_shares") = py::none(), py::arg("threshold") = 0.001,
        "Pearson's chi-square test of the units per arm against the planned shares.");
    m.def(
        "holm_adjust",
        [](const InArray<double>& p) {
            std::vector<double> adjusted = holm_adjust(span_of(p, "p_values"));
            return py::array_t<double>(static_cast<py::ssize_t>(adjusted.size()), adjusted.data());
        },
        py::arg("p_values"), "Holm's step-down adjusted p-values, in the given order.");
    m.def(
        "benjamini_hochberg_adjust",
        [](const InArray<double>& p) {
            std::vector<double> adjusted = benjamini_hochberg_adjust(span_of(p, "p_values"));
            return py::array_t<double>(static_cast<py::ssize_t>(adjusted.size()), adjusted.data());
        },
        py::arg("p_values"), "Benjamini-Hochberg adjusted p-values, in the given order.");
    m.def(
        "sample_size_mean",
        [](double minimum_effect, double sd, double alpha, double power, PlanDesign design) {
            return sample_size_mean(minimum_effect, sd, alpha, power, design);
        },
        py::arg("minimum_effect"), py::arg("sd"), py::arg("alpha") = 0.05, py::arg("power") = 0.8,
        py::arg("design") = PlanDesign::two_groups, "Observations per group to detect a difference in means.");
    m.def(
        "sample_size_proportion",
        [](double baseline, double minimum_effect, double alpha, double power, PlanDesign design) {
            return sample_size_proportion(baseline, minimum_effect, alpha, power, design);
        },
        py::arg("baseline"), py::arg("minimum_effect"), py::arg("alpha") = 0.05, py::arg("power") = 0.8,
        py::arg("design") = PlanDesign::two_groups, "Observations per group to detect a change of a share.");
    m.def("days_needed", &days_needed, py::arg("needed_per_group"), py::arg("current_per_group"),
          py::arg("per_group_per_day"), py::arg("days_left") = py::none(),
          "Days still needed at the current pace, and whether the planned end allows it.");
}

void register_experiment_analysis(py::module_& m) {
    m.def(
        "summarise_columns",
        [](const InArray<std::int32_t>& arm_codes, std::vector<std::string> arm_names, const InArray<double>& value,
           const InArray<std::int64_t>& n, const InArray<double>& sum, const InArray<double>& sum_sq,
           const InArray<double>& exposure, bool binary) {
            const ObservationArrays columns = columns_of(arm_codes, value, n, sum, sum_sq, exposure);
            std::vector<Summary> arms;
            {
                py::gil_scoped_release release;
                arms = summarise_by_arm(columns, arm_names.size(), binary);
            }
            std::map<std::string, Summary> out;
            for (std::size_t a = 0; a < arms.size(); ++a) out[arm_names[a]].merge(arms[a]);
            return out;
        },
        py::arg("arm_codes"), py::arg("arm_names"), py::arg("value"), py::arg("n"), py::arg("sum"), py::arg("sum_sq"),
        py::arg("exposure"), py::arg("binary") = false,
        "Summaries by arm of observation columns (kokeilu.ObservationArrays), in one pass.");
    m.def(
        "analyse",
        [](const Experiment& experiment, const ExperimentSummaries& summaries, double srm_threshold,
            std::int64_t small_sample, double power, const EarlyRows& early_rows,
            const std::optional<DesignSeries>& series, const CovariateRows& covariate_rows) {
            AnalysisOptions options;
            options.srm_threshold = srm_threshold;
            options.small_sample = small_sample;
            options.power = power;
            py::gil_scoped_release release;
            return analyze(experiment, summaries, options, early_rows, series.value_or(DesignSeries{}), covariate_rows);
        },
        py::arg("experiment"), py::arg("summaries"), py::kw_only(), py::arg("srm_threshold") = 0.001,
        py::arg("small_sample") = 30, py::arg("power") = 0.8, py::arg("early_rows") = EarlyRows{},
        py::arg("series") = py::none(), py::arg("covariate_rows") = CovariateRows{},
        "Analyses an experiment from its summaries (metric -> arm -> Summary) and the rows logged between its "
        "start and its lock (arm -> rows) and, for a difference in differences or an interrupted time series, its "
        "series by period (Tracker.design_series), against its locked criterion and, when amended, the amended one.");
    m.def(
        "cumulative_effect",
        [](const InArray<std::int64_t>& period, const InArray<std::int32_t>& arm_codes, const InArray<double>& value,
           const InArray<std::int64_t>& n, const InArray<double>& sum, const InArray<double>& sum_sq,
           const InArray<double>& exposure, std::int32_t treatment, std::int32_t control, bool binary,
           double confidence, double tuning_n, EffectKind kind) {
            const ObservationArrays columns = columns_of(arm_codes, value, n, sum, sum_sq, exposure);
            const auto periods = span_of(period, "period");
            CumulativeEffect effect;
            {
                py::gil_scoped_release release;
                effect = cumulative_effect(periods, columns, treatment, control, binary, confidence,
                                           SequentialOptions{tuning_n, kind});
            }
            const auto as_array = [](const auto& v) {
                using T = typename std::decay_t<decltype(v)>::value_type;
                return py::array_t<T>(static_cast<py::ssize_t>(v.size()), v.data());
            };
            py::dict out;
            out["period"] = as_array(effect.period);
            out["estimate"] = as_array(effect.estimate);
            out["ci_low"] = as_array(effect.ci_low);
            out["ci_high"] = as_array(effect.ci_high);
            out["n_treatment"] = as_array(effect.n_treatment);
            out["n_control"] = as_array(effect.n_control);
            return out;
        },
        py::arg("period"), py::arg("arm_codes"), py::arg("value"), py::arg("n"), py::arg("sum"), py::arg("sum_sq"),
        py::arg("exposure"), py::kw_only(), py::arg("treatment"), py::arg("control"), py::arg("binary") = false,
        py::arg("confidence") = 0.95, py::arg("tuning_n") = SequentialOptions{}.tuning_n,
        py::arg("kind") = EffectKind::absolute,
        "The always-valid interval of treatment vs control after each period (rows in time order, one pass).");
    m.def("plan_metric", &plan_metric, py::arg("metric"), py::arg("design"), py::arg("power") = 0.8,
          "Observations per group that detect the metric's minimum effect (None when it cannot be planned).");
    m.def("planned_total", &planned_total, py::arg("metric"), py::arg("design"), py::arg("power") = 0.8,
          "Units the metric's plan needs over all its groups, where the sequential interval is tuned "
          "(None when it cannot be planned).");
}

void register_meta_analysis(py::module_& m) {
    py::native_enum<TauMethod>(m, "TauMethod", "enum.Enum", "The estimator of the between-municipality variance.")
        .value("reml", TauMethod::reml, "Restricted maximum likelihood (Fisher scoring).")
        .value("dersimonian_laird", TauMethod::dersimonian_laird, "DerSimonian-Laird, the moments of Cochran's Q.")
        .value("paule_mandel", TauMethod::paule_mandel, "Paule-Mandel: the generalised Q equals k - 1.")
        .finalize();

    py::class_<RandomEffects> random_effects(m, "RandomEffects",
                                     "The random-effects part of a meta-analysis (three replications or more).");
    random_effects.def_readonly("tau_squared", &RandomEffects::tau_squared, "The between-municipality variance.")
        .def_readonly("tau_squared_se", &RandomEffects::tau_squared_se, "Its standard error (REML only).")
        .def_readonly("iterations", &RandomEffects::iterations, "Fisher scoring steps of REML (else 0).")
        .def_readonly("weights", &RandomEffects::weights, "Each replication's share of the weight.")
        .def_readonly("normal", &RandomEffects::normal, "The pooled effect with the usual normal interval.")
        .def_readonly("hartung_knapp", &RandomEffects::hartung_knapp,
                      "The Hartung-Knapp-Sidik-Jonkman interval, t(k - 1); may be narrower than the usual one.")
        .def_readonly("hartung_knapp_adhoc", &RandomEffects::hartung_knapp_adhoc,
                      "The HKSJ interval with its factor at least 1: never narrower than the usual one.")
        .def_readonly("hartung_knapp_factor", &RandomEffects::hartung_knapp_factor,
                      "q, the weighted residual variance that scales the HKSJ variance.")
        .def_readonly("prediction", &RandomEffects::prediction,
                      "Where a new municipality's effect is expected: t(k - 2) over sqrt(tau^2 + SE^2).")
        .def("__repr__", [](const RandomEffects& r) {
            return "RandomEffects(tau_squared=" + fmt(r.tau_squared) + ", estimate=" + fmt(r.normal.estimate) + ")";
        });

    py::class_<MetaAnalysis> meta(m, "MetaAnalysisResult", "The core's meta-analysis of replications.");
    meta.def_readonly("k", &MetaAnalysis::k, "The number of replications.")
        .def_readonly("alpha", &MetaAnalysis::alpha, "Every interval is at 1 - alpha.")
        .def_readonly("method", &MetaAnalysis::method, "The estimator of tau^2.")
        .def_readonly("fixed", &MetaAnalysis::fixed, "The inverse-variance (fixed-effect) pooled estimate.")
        .def_readonly("fixed_weights", &MetaAnalysis::fixed_weights, "Each replication's share of 1 / v.")
        .def_readonly("q", &MetaAnalysis::q, "Cochran's Q.")
        .def_readonly("q_df", &MetaAnalysis::q_df, "Its degrees of freedom, k - 1.")
        .def_readonly("q_p_value", &MetaAnalysis::q_p_value, "Its chi-square p-value.")
        .def_readonly("i_squared", &MetaAnalysis::i_squared, "I^2 = max(0, (Q - df) / Q), a share.")
        .def_readonly("h_squared", &MetaAnalysis::h_squared, "H^2 = max(1, Q / df).")
        .def_readonly("random", &MetaAnalysis::random, "The random-effects part (None with two replications).")
        .def_readonly("cautions", &MetaAnalysis::cautions, "Cautions as Messages (few replications, fixed only).")
        .def("__repr__", [](const MetaAnalysis& r) {
            return "MetaAnalysisResult(k=" + std::to_string(r.k) + ", fixed=" + fmt(r.fixed.estimate) +
                   ", q=" + fmt(r.q) + ")";
        });

    m.def(
        "meta_analysis",
        [](const InArray<double>& estimates, const InArray<double>& standard_errors, double alpha, TauMethod method) {
            return meta_analysis(span_of(estimates, "estimates"), span_of(standard_errors, "standard_errors"),
                                 MetaOptions{alpha, method});
        },
        py::arg("estimates"), py::arg("standard_errors"), py::arg("alpha") = 0.05,
        py::arg("method") = TauMethod::reml,
        "Random-effects meta-analysis of replications (estimates with their standard errors).");
}

}  // namespace

void register_stats(py::module_& m) {
    register_errors_and_enums(m);
    register_summary(m);
    register_results(m);
    register_methods(m);
    register_experiment_analysis(m);
    register_meta_analysis(m);
}

}  // namespace kokeilu::python
