// One call that analyses a whole experiment: a summary of every metric in every arm in one
// streaming pass over the store, the comparison of each treatment arm (or the "after" period) with
// the control (or "before"), or of the only group with the metric's baseline; the Bayesian view,
// multiplicity adjustment of the secondary metrics, the verdict on the primary metric, and the
// warnings that qualify it.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/locked_criterion.hpp"
#include "kokeilu/message.hpp"
#include "kokeilu/stats/bayes.hpp"
#include "kokeilu/stats/design_series.hpp"
#include "kokeilu/stats/interrupted_time_series.hpp"
#include "kokeilu/stats/covariate_rows.hpp"
#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/power.hpp"
#include "kokeilu/stats/srm.hpp"
#include "kokeilu/stats/summary.hpp"
#include "kokeilu/stats/verdict.hpp"
#include "kokeilu/tracker.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu::stats {

// Summaries by metric name, then by arm name.
using ArmSummaries = std::map<std::string, Summary>;
using ExperimentSummaries = std::map<std::string, ArmSummaries>;

// One comparison of one metric: an arm (or the only group) against its reference.
struct Comparison {
    std::string metric{};
    MetricRole role = MetricRole::primary;
    std::string arm{};        // the treatment arm, "after" period or the only group
    std::string reference{};  // the control arm, "before" period, or "baseline"
    // Present when the data allowed the comparison; on the metric's effect scale (difference or
    // relative change).
    std::optional<Estimate> effect{};
    std::optional<BayesResult> bayes{};      // two-group designs, where the data allow it (not when adjusted)
    // A metric that names a pre-period value (Metric::covariate): its name, and, when the data
    // allowed it, the adjustment, whose adjusted difference is `effect` (the verdict is judged on
    // it) beside the unadjusted one and the variance reduction achieved.
    std::string adjusted_for{};
    std::optional<CovariateAdjustment> adjustment{};
    std::optional<double> adjusted_p_value{};  // secondary metrics: Holm across them
    // "ok"; "not enough data: <why>"; "values too large to summarise exactly: <where>" when the
    // sums of a metric's values overflow a double; or why its stored values cannot be summarised.
    std::string status = "ok";
    // The status as a code and parameters: "stats.status.ok"; for not enough data the code and
    // parameters of the reason (e.g. "stats.mean.too_few" {n}) with the parameter "field" added, the
    // field it names; "stats.status.too_large" {arm}; "stats.status.unusable" {problem}.
    Message status_message{"stats.status.ok", {}};
};

// Rows logged for times between the actual start and the lock of an experiment started before its
// Test Card was locked (they may have been seen before the criterion was fixed), by arm name.
using EarlyRows = std::map<std::string, std::int64_t>;

// The analysis is judged against the criterion as locked at the start (see as_locked): the
// comparisons, the verdict, the plan and the warnings. When the success criterion was amended after
// the start (criterion_changes), a second judgement against the amended criterion is added,
// exploratory: the criterion was changed after data had been seen.
struct Analysis {
    std::string experiment{};                       // key
    std::vector<Comparison> comparisons{};          // as locked (metrics added since are kept as secondary)
    VerdictResult verdict{};                        // on the locked primary metric (the first treatment arm or period)
    std::optional<SrmResult> sample_ratio{};        // concurrent designs
    std::optional<SampleSize> planned_per_group{};  // for the primary metric, where a baseline allows
    std::vector<std::string> warnings{};            // plain-language, one per issue
    std::vector<Message> warning_messages{};        // the same warnings as codes and parameters, in order

    // What of the success criterion was amended after the start; empty when it is as locked.
    std::vector<CriterionChange> criterion_changes{};
    // The exploratory judgement against the amended criterion, and its comparisons (every metric
    // as amended); only when criterion_changes is not empty.
    std::optional<VerdictResult> amended_verdict{};
    std::vector<Comparison> amended_comparisons{};

    // Started before its Test Card was locked: by how many days, and the rows logged for the window
    // from the start to the lock (or to the time analysed, when earlier).
    std::optional<int> days_started_before_lock{};
    EarlyRows early_rows{};

    // Difference in differences: the pre-period trend check of the primary metric (the changed
    // unit's slope minus the comparison's, per period), when each unit's before arm has at least
    // three periods.
    std::optional<Estimate> pre_trend{};
    // Interrupted time series: the segmented regression of the primary metric (its level change
    // is the comparison's effect), when there were periods enough.
    std::optional<InterruptedTimeSeries> time_series{};
    // The period of the series of those designs (a day, or seven days counted from the change's).
    SeriesPeriod period = SeriesPeriod::day;
};

struct AnalysisOptions {
    double srm_threshold = 0.001;
    // Below this many observations per arm the normal approximations are doubtful: a warning
    // suggests the permutation test or the bootstrap.
    std::int64_t small_sample = 30;
    double power = 0.8;
    // The period of the series read for a difference in differences' pre-trend check and an
    // interrupted time series (analyze from a tracker only; the pure analyze takes the series).
    SeriesPeriod period = SeriesPeriod::day;
};

// Streams every observation of the experiment once (Tracker::for_each_observation) into summaries;
// memory stays O(metrics x arms) whatever the row count. With `until`, only rows before that time
// count (the data as it stood then). Proportion metrics are checked to hold 0/1 values. Whatever
// is stored, one metric's rows never stop the others': a metric whose rows no summary can take
// (a value that is not a number, written into the file behind kokeilu's back; counts past
// 2^63 - 1) gets unusable summaries that say why (Summary::problem), and analyse reports that
// for it alone.
[[nodiscard]] ExperimentSummaries summarise_experiment(const Tracker& tracker, const Experiment& experiment,
                                                       std::optional<Time> until = std::nullopt);

// The rows logged for times from the actual start to the lock (or to `until`, when earlier), by arm;
// empty unless the experiment started at least a day before its Test Card was locked.
[[nodiscard]] EarlyRows early_rows(const Tracker& tracker, const Experiment& experiment,
                                   std::optional<Time> until = std::nullopt);

// Analyses given summaries (e.g. from summarise_experiment), early rows (from early_rows), for
// a difference in differences or an interrupted time series the series by period (from
// design_series; without it the pre-trend is not checked and the time series has too few periods),
// and the rows of the metrics that name a pre-period value (from covariate_rows). Pure: reads no
// store.
[[nodiscard]] Analysis analyze(const Experiment& experiment, const ExperimentSummaries& summaries,
                               const AnalysisOptions& options = {}, const EarlyRows& early = {},
                               const DesignSeries& series = {}, const CovariateRows& covariates = {});

// Reads the experiment and its observations from the tracker and analyses them.
[[nodiscard]] Analysis analyze(const Tracker& tracker, std::string_view key, const AnalysisOptions& options = {});

// The former spelling of analyze (Python's Tracker.analyze spells it so), kept through version 0.2.
[[nodiscard]] inline Analysis analyse(const Experiment& experiment, const ExperimentSummaries& summaries,
                                      const AnalysisOptions& options = {}, const EarlyRows& early = {}) {
    return analyze(experiment, summaries, options, early);
}
[[nodiscard]] inline Analysis analyse(const Tracker& tracker, std::string_view key, const AnalysisOptions& options = {}) {
    return analyze(tracker, key, options);
}

}  // namespace kokeilu::stats
