#include "kokeilu/stats/analysis.hpp"

#include "kokeilu/stats/means.hpp"
#include "kokeilu/stats/metric_plan.hpp"
#include "kokeilu/stats/multiplicity.hpp"
#include "kokeilu/stats/proportions.hpp"
#include "kokeilu/stats/rates.hpp"
#include "stats/checks.hpp"
#include "stats/design_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace kokeilu::stats {

namespace {

using detail::num;

// A warning: its code and parameters, and its English text beside them for callers of `warnings`.
void warn(Analysis& result, Message message) {
    result.warnings.push_back(message.english());
    result.warning_messages.push_back(std::move(message));
}

// A measured number as a warning shows it: six significant digits, as the English always had;
// every digit of a p-value would only be noise.
double shown(double x) { return std::strtod(num(x).c_str(), nullptr); }

struct Pair {
    const Arm* arm = nullptr;        // treatment, after, or the only group
    const Arm* reference = nullptr;  // control or before; null for one-sample
};

std::vector<Pair> pairs_of(const Experiment& experiment) {
    std::vector<Pair> pairs;
    const Arm* reference = nullptr;
    for (const Arm& a : experiment.arms) {
        if (a.role == ArmRole::control || a.role == ArmRole::before || a.role == ArmRole::changed_before) {
            reference = &a;
        }
    }
    for (const Arm& a : experiment.arms) {
        if (a.role == ArmRole::treatment || a.role == ArmRole::after || a.role == ArmRole::changed_after) {
            pairs.push_back({&a, reference});
        } else if (a.role == ArmRole::group) {
            pairs.push_back({&a, nullptr});
        }
    }
    return pairs;
}

Counts counts_of(const Summary& s) { return {s.successes(), s.trials()}; }

// An arm's events over its exposure. An arm without exposure (no rows yet, or only rows of
// exposure 0) has no rate: not enough data, as an arm without rows is for the other kinds.
EventCount events_of(const Summary& s, const char* arm) {
    if (!(s.exposure() > 0.0)) {
        throw NotEnoughDataError(arm, Message{"stats.rates.no_exposure", {}});
    }
    return {s.events(), s.exposure()};
}

// Shifts an estimate on the ratio scale (R) to the relative-change scale (R - 1).
Estimate minus_one(Estimate e) {
    e.estimate -= 1.0;
    e.ci_low -= 1.0;
    e.ci_high -= 1.0;
    return e;
}

// Divides a one-sample difference by the size of the baseline: the relative change from it. By its
// size, so that the sign stays that of the change (from -10 to -9 is a rise of 10 %), which the
// verdict's wording and its direction rely on.
Estimate relative_to(Estimate e, double baseline) {
    if (baseline == 0.0) {
        throw NotEnoughDataError("baseline", Message{"stats.baseline.zero", {}});
    }
    const double scale = 1.0 / std::abs(baseline);
    e.estimate *= scale;
    e.ci_low *= scale;
    e.ci_high *= scale;
    e.std_error *= scale;
    return e;
}

// The relative lift of means (treatment / control - 1) turned into a change relative to the size
// of the control mean: for a negative control mean the lift has the opposite sign of the change
// (from -10 to -9: -9 / -10 - 1 = -10 %), and the verdict needs the sign of the change.
Estimate lift_by_size(const Summary& t, const Summary& c, double confidence) {
    Estimate e = relative_lift(t, c, confidence);
    if (c.mean() < 0.0) {
        e.estimate = -e.estimate;
        const double low = -e.ci_high;
        e.ci_high = -e.ci_low;
        e.ci_low = low;
        if (e.statistic) {
            e.statistic = -*e.statistic;
        }
        e.notes = "the control mean is negative: the change is given relative to its size, so a positive value "
                  "means the mean rose";
    }
    return e;
}

// The counts of a proportion metric's summary; values that are not 0/1 outcomes (logged while the
// metric had another kind, before an amendment) leave it without a comparison, not the analysis.
Counts checked_counts(const Summary& s, const char* arm) {
    try {
        return counts_of(s);
    } catch (const NotEnoughDataError&) {
        throw;
    } catch (const InvalidArgumentError&) {
        // The refusal's English detail is not passed on: the code says all a reader can act on.
        throw NotEnoughDataError(arm, Message{"stats.analysis.not_binary", {}});
    }
}

Estimate two_group_effect(const Metric& m, const Summary& t, const Summary& c, double confidence) {
    const bool relative = m.effect_scale == EffectScale::relative;
    switch (m.kind) {
        case MetricKind::mean:
            return relative ? lift_by_size(t, c, confidence) : welch_difference(t, c, confidence);
        case MetricKind::proportion: {
            const Counts treated = checked_counts(t, "treatment");
            const Counts reference = checked_counts(c, "control");
            if (relative) {
                return relative_lift(t, c, confidence);
            }
            // One score test gives the interval and the p-value, so that they never contradict
            // each other, nor the verdict that follows the interval.
            return score_difference(treated, reference, confidence);
        }
        case MetricKind::count:
            // Rates per unit of exposure: events and exposure are all a count needs, so aggregated
            // rows without sums of squares are compared as unit rows are.
            if (relative) {
                return minus_one(rate_ratio(events_of(t, "treatment"), events_of(c, "control"), confidence));
            }
            return rate_difference(events_of(t, "treatment"), events_of(c, "control"), confidence);
    }
    throw InvalidArgumentError("metric.kind", Message{"stats.metric.unknown_kind", {}});
}

// The primary comparison of shares asked again with `total` observations: both arms grown by
// total / observations, their shares as observed, compared by the same method (so the count of
// observations still needed is the method's own). Empty for other comparisons.
Reestimate reestimate_of(const Metric& m, const Summary& arm, const Summary& reference, std::int64_t observations,
                         double confidence) {
    if (m.kind != MetricKind::proportion || m.effect_scale != EffectScale::absolute || observations <= 0) {
        return {};
    }
    const Counts treated = counts_of(arm);
    const Counts control = counts_of(reference);
    return [=](std::int64_t total) {
        const double factor = static_cast<double>(total) / static_cast<double>(observations);
        const auto grown = [factor](Counts c) {
            return Counts{std::llround(static_cast<double>(c.successes) * factor),
                          std::llround(static_cast<double>(c.trials) * factor)};
        };
        return score_difference(grown(treated), grown(control), confidence);
    };
}

Estimate one_sample_effect(const Metric& m, const Summary& g, double confidence) {
    if (!m.baseline) {
        throw NotEnoughDataError("baseline", Message{"stats.baseline.missing", {}});
    }
    const double baseline = *m.baseline;
    Estimate e = m.kind == MetricKind::proportion ? one_sample_proportion(checked_counts(g, "group"), baseline, confidence)
                                                  : one_sample_t(g, baseline, confidence);
    return m.effect_scale == EffectScale::relative ? relative_to(e, baseline) : e;
}

std::optional<BayesResult> bayes_of(const Metric& m, const Summary& t, const Summary& c, double confidence) {
    try {
        if (m.kind == MetricKind::proportion && m.effect_scale == EffectScale::absolute) {
            return bayes_beta_binomial(counts_of(t), counts_of(c), m.direction, {}, confidence);
        }
        const EffectKind kind = m.effect_scale == EffectScale::relative ? EffectKind::relative : EffectKind::absolute;
        if (m.kind == MetricKind::count) {
            return bayes_gamma_poisson(events_of(t, "treatment"), events_of(c, "control"), kind, m.direction, {}, confidence);
        }
        return bayes_normal(t, c, kind, m.direction, {}, confidence);
    } catch (const NotEnoughDataError&) {
        return std::nullopt;
    }
}

const Summary& summary_of(const ExperimentSummaries& all, const std::string& metric, const std::string& arm) {
    static const Summary empty;
    const auto m = all.find(metric);
    if (m == all.end()) {
        return empty;
    }
    const auto a = m->second.find(arm);
    return a == m->second.end() ? empty : a->second;
}

// A proportion metric's arm whose values were not 0/1 (rows written into the file behind kokeilu's
// back) cannot be compared as shares: it is marked unusable, saying why.
void check_proportions(const Experiment& experiment, ExperimentSummaries& all) {
    for (const Metric& m : experiment.metrics) {
        if (m.kind != MetricKind::proportion) {
            continue;
        }
        for (auto& [name, s] : all[m.name]) {
            if (!s.problem().empty()) {
                continue;
            }
            try {
                (void)s.successes();
            } catch (const InvalidArgumentError& e) {
                s = Summary::unusable(std::string("stored values that cannot be summarised: ") + e.what());
            }
        }
    }
}

// Every arm of the metric marked unusable, saying why: one metric's bad rows must not stop the
// analysis of the others.
void mark_unusable(ArmSummaries& arms, const std::string& why) {
    for (auto& [name, summary] : arms) {
        summary = Summary::unusable(why);
    }
}

// The problem of a comparison's summaries as a status message; its code is empty when both can be used.
Message problem_of(const Summary& arm, const Summary* reference, const std::string& arm_name,
                       const std::string& reference_name) {
    for (const auto& [summary, name] : {std::pair{&arm, &arm_name}, std::pair{reference, &reference_name}}) {
        if (summary == nullptr) {
            continue;
        }
        std::string problem = summary->problem();
        if (problem.empty()) {
            continue;
        }
        if (summary->too_large()) {
            return Message{"stats.status.too_large", {{"arm", *name}}};
        }
        return Message{"stats.status.stored_values_unusable", {{"arm", *name}}};
    }
    return {};
}

}  // namespace

ExperimentSummaries summarise_experiment(const Tracker& tracker, const Experiment& experiment,
                                         std::optional<Time> until) {
    std::map<std::int64_t, std::string> arm_names;
    for (const Arm& a : experiment.arms) {
        arm_names[a.id] = a.name;
    }
    ExperimentSummaries all;
    for (const Metric& m : experiment.metrics) {
        ArmSummaries& arms = all[m.name];
        for (const Arm& a : experiment.arms) {
            arms[a.name];
        }
    }
    // The metrics whose rows must be read: all of them for the data as it stood at a time; for the
    // data as it stands, only those whose running summary the store could not keep.
    std::set<std::int64_t> to_scan;
    if (until) {
        for (const Metric& m : experiment.metrics) {
            to_scan.insert(m.id);
        }
    } else {
        std::map<std::int64_t, const Metric*> metrics;
        for (const Metric& m : experiment.metrics) {
            metrics[m.id] = &m;
        }
        for (const ArmSummaryRecord& record : tracker.arm_summaries(experiment)) {
            const auto metric = metrics.find(record.metric_id);
            const auto arm = arm_names.find(record.arm_id);
            if (metric == metrics.end() || arm == arm_names.end()) {
                throw NotFoundError(Message{"stats.not_found.summary", {{"arm", std::int64_t{record.arm_id}},
                                                                         {"metric", std::int64_t{record.metric_id}},
                                                                         {"experiment", experiment.key}}});
            }
            if (record.summary) {
                all[metric->second->name][arm->second] = *record.summary;
            } else {
                to_scan.insert(record.metric_id);
            }
        }
    }
    for (const Metric& m : experiment.metrics) {
        if (!to_scan.contains(m.id)) {
            continue;
        }
        ArmSummaries& arms = all[m.name];
        for (auto& [name, summary] : arms) {
            summary = Summary();
        }
        ObservationQuery query;
        query.metric = m.name;
        query.to = until;
        query.summary_only = true;
        const bool binary = m.kind == MetricKind::proportion;
        // Look-ups by arm id are cached: rows of one arm tend to come in runs.
        std::int64_t last_id = -1;
        Summary* last = nullptr;
        try {
            tracker.for_each_observation(experiment.key, query, [&](const ObservationRow& row) {
                if (row.arm_id != last_id) {
                    const auto name = arm_names.find(row.arm_id);
                    if (name == arm_names.end()) {
                        throw NotFoundError(Message{"stats.not_found.arm", {{"arm", std::int64_t{row.arm_id}}}});
                    }
                    last = &arms[name->second];
                    last_id = row.arm_id;
                }
                last->add(row, binary);
            });
        } catch (const StorageError&) {
            throw;  // the file cannot be read: nothing of the analysis can be trusted
        } catch (const Error& e) {
            // Rows that no summary can take (a value that is not a number, a count past 2^63 - 1):
            // this metric cannot be analysed, the others still can.
            mark_unusable(arms, std::string("stored values that cannot be summarised: ") + e.what());
        }
    }
    check_proportions(experiment, all);
    return all;
}

namespace {

// The notes and warnings of the designs without a concurrent control that compare a unit with
// another (difference in differences) or with its own past (interrupted time series).
void add_design_notes(Analysis& result, const Experiment& experiment, const Metric& primary, const Comparison* first,
                      const DesignSeries& series) {
    const bool estimated = first != nullptr && first->effect.has_value();
    if (experiment.design == DesignKind::difference_in_differences) {
        if (estimated) {
            result.verdict.notes.push_back(Message{"stats.verdict.did_note", {{"metric", shown_name(primary)}}});
            result.verdict.sentence_en = verdict_sentence_en(result.verdict);
        }
        warn(result, Message{"stats.warning.did_parallel_trends", {}});
        const detail::PreTrend pre = detail::did_pre_trend(experiment, primary.name, series, primary.confidence);
        if (pre.unchecked) {
            warn(result, *pre.unchecked);
        }
        if (pre.estimate) {
            result.pre_trend = pre.estimate;
            warn(result, Message{"stats.warning.did_pre_trend",
                                 {{"difference", shown(pre.estimate->estimate)},
                                  {"p", shown(pre.estimate->p_value)},
                                  {"period_code", period_code(series.period)}}});
            if (pre.estimate->p_value < 1.0 - primary.confidence) {
                warn(result, Message{"stats.warning.did_pre_trends_differ", {{"p", shown(pre.estimate->p_value)}}});
            }
        }
    } else if (experiment.design == DesignKind::interrupted_time_series) {
        if (estimated) {
            result.verdict.notes.push_back(Message{"stats.verdict.its_note", {{"metric", shown_name(primary)}}});
            if (result.verdict.verdict == Verdict::inconclusive) {
                result.verdict.notes.push_back(Message{"stats.verdict.its_no_additional", {}});
            }
            result.verdict.sentence_en = verdict_sentence_en(result.verdict);
        }
        warn(result, Message{"stats.warning.its_trend_assumed", {}});
        if (series.period == SeriesPeriod::day) {
            warn(result, Message{"stats.warning.its_weekday_seasonality", {}});
        }
        if (result.time_series) {
            const Estimate& slope = result.time_series->slope_change;
            warn(result, Message{"stats.warning.its_slope_change",
                                 {{"slope", shown(slope.estimate)},
                                  {"low", shown(slope.ci_low)},
                                  {"high", shown(slope.ci_high)},
                                  {"p", shown(slope.p_value)},
                                  {"period_code", period_code(series.period)}}});
        }
        warn(result, Message{"stats.warning.its_no_plan", {}});
    }
}

// The analysis of the experiment as given: `experiment` is the locked view (as_locked) or the
// amended experiment itself, and `criterion` says which, for the verdict's sentences.
Analysis analyse_as(const Experiment& experiment, const ExperimentSummaries& summaries, const AnalysisOptions& options,
                    Criterion criterion, const DesignSeries& series, const CovariateRows& covariates) {
    Analysis result;
    result.experiment = experiment.key;
    const Metric& primary = experiment.primary_metric();
    const std::vector<Pair> pairs = pairs_of(experiment);
    if (pairs.empty()) {
        throw InvalidArgumentError("arms", Message{"stats.arms.nothing_to_compare", {}});
    }
    const std::size_t treatments = pairs.size();

    for (const Metric& m : experiment.metrics) {
        // Several treatment arms share one error budget (Bonferroni) for the primary metric.
        double confidence = m.confidence;
        if (m.role == MetricRole::primary && treatments > 1) {
            confidence = 1.0 - (1.0 - m.confidence) / static_cast<double>(treatments);
        }
        for (const Pair& p : pairs) {
            Comparison c;
            c.metric = m.name;
            c.role = m.role;
            c.arm = p.arm->name;
            c.reference = p.reference ? p.reference->name : "baseline";
            const Summary& arm = summary_of(summaries, m.name, p.arm->name);
            const Summary* reference_summary =
                p.reference ? &summary_of(summaries, m.name, p.reference->name) : nullptr;
            Message problem = problem_of(arm, reference_summary, p.arm->name, c.reference);
            // A difference in differences also takes the comparison unit's two arms.
            for (const Arm& other : experiment.arms) {
                if (problem.code.empty() && experiment.design == DesignKind::difference_in_differences) {
                    problem = problem_of(summary_of(summaries, m.name, other.name), nullptr, other.name, other.name);
                }
            }
            if (!problem.code.empty()) {
                c.status = problem.english();
                c.status_message = std::move(problem);
                result.comparisons.push_back(std::move(c));
                continue;
            }
            try {
                if (p.reference == nullptr) {
                    if (experiment.design != DesignKind::one_sample) {
                        throw NotEnoughDataError("arms", Message{"stats.arms.no_reference", {}});
                    }
                    c.effect = one_sample_effect(m, arm, confidence);
                } else if (experiment.design == DesignKind::difference_in_differences) {
                    static const ArmSummaries none;
                    const auto found = summaries.find(m.name);
                    c.effect = detail::did_effect(experiment, found == summaries.end() ? none : found->second, confidence);
                } else if (experiment.design == DesignKind::interrupted_time_series) {
                    InterruptedTimeSeries fit = detail::its_fit(experiment, m.name, series, confidence);
                    c.effect = fit.level_change;
                    if (m.name == primary.name) {
                        result.time_series = std::move(fit);
                    }
                } else if (!m.covariate.empty()) {
                    // Adjusted for the pre-period value: fitted on the rows (covariate_rows.hpp).
                    c.adjusted_for = m.covariate;
                    c.adjustment = adjusted_comparison(m, covariates, p.arm->name, p.reference->name, confidence);
                    c.effect = c.adjustment->effect;
                } else {
                    const Summary& reference = summary_of(summaries, m.name, p.reference->name);
                    c.effect = two_group_effect(m, arm, reference, confidence);
                    c.bayes = bayes_of(m, arm, reference, confidence);
                }
            } catch (const NotEnoughDataError& e) {
                c.status = std::string("not enough data: ") + e.what();
                c.status_message = e.message();
                c.status_message.params.push_back({"field", e.field()});
            }
            result.comparisons.push_back(std::move(c));
        }
    }

    // Holm across the secondary metrics' comparisons.
    std::vector<double> secondary_p;
    std::vector<Comparison*> secondary;
    for (Comparison& c : result.comparisons) {
        if (c.role == MetricRole::secondary && c.effect) {
            secondary_p.push_back(c.effect->p_value);
            secondary.push_back(&c);
        }
    }
    const std::vector<double> adjusted = holm_adjust(secondary_p);
    for (std::size_t i = 0; i < secondary.size(); ++i) {
        secondary[i]->adjusted_p_value = adjusted[i];
    }

    // The verdict on the primary metric's first comparison.
    const Comparison* first = nullptr;
    for (const Comparison& c : result.comparisons) {
        if (c.metric == primary.name) {
            first = &c;
            break;
        }
    }
    std::int64_t primary_n = 0;
    std::int64_t smallest_n = -1;
    for (const Arm& a : experiment.arms) {
        const std::int64_t n = summary_of(summaries, primary.name, a.name).n();
        primary_n += n;
        smallest_n = smallest_n < 0 ? n : std::min(smallest_n, n);
    }
    if (first != nullptr && first->effect) {
        Metric judged = primary;
        judged.confidence = first->effect->confidence;
        Reestimate reestimate;
        if (first->reference != "baseline" && !first->adjustment) {
            reestimate = reestimate_of(primary, summary_of(summaries, primary.name, first->arm),
                                       summary_of(summaries, primary.name, first->reference), primary_n,
                                       first->effect->confidence);
        }
        // An interrupted time series is decided by periods, not observations: judged without a
        // count, so that no number of observations still needed is given (a note says so).
        const bool by_periods = experiment.design == DesignKind::interrupted_time_series;
        result.verdict =
            judge(judged, *first->effect, by_periods ? 0 : primary_n, experiment.amendments, criterion, reestimate);
        if (first->adjustment) {
            // What the adjustment bought, in whole percents of the unadjusted estimate's variance.
            const double reduction = first->adjustment->variance_reduction;
            result.verdict.notes.push_back(
                Message{reduction >= 0.0 ? "stats.verdict.covariate_note" : "stats.verdict.covariate_note_increased",
                        {{"covariate", first->adjusted_for}, {"percent", static_cast<std::int64_t>(std::llround(100.0 * std::abs(reduction)))}}});
            result.verdict.sentence_en = verdict_sentence_en(result.verdict);
        }
    } else if (first != nullptr && first->status != "ok" && !first->status.starts_with("not enough data")) {
        result.verdict = judge_values_unusable(primary, first->status, experiment.amendments, criterion);
    } else if (first != nullptr) {
        result.verdict = judge_not_enough_data(primary, first->status_message, experiment.amendments, criterion);
    } else {
        result.verdict = judge_not_enough_data(primary, "no comparison", experiment.amendments, criterion);
    }

    // Before and after without a comparison group: what changed, changed after the change, and
    // trends or seasons may have moved it as much. Said beside every judgement with an estimate,
    // and as a warning whatever the data.
    if (experiment.design == DesignKind::before_after) {
        if (first != nullptr && first->effect) {
            result.verdict.notes.push_back(Message{"stats.verdict.before_after_note", {{"metric", shown_name(primary)}}});
            result.verdict.sentence_en = verdict_sentence_en(result.verdict);
        }
        warn(result, Message{"stats.warning.before_after", {}});
    }

    add_design_notes(result, experiment, primary, first, series);

    // Warnings.
    if (experiment.design == DesignKind::concurrent && experiment.arms.size() >= 2) {
        // Against the planned shares as locked (validation has them on every arm or on none;
        // none is equal shares).
        std::vector<std::int64_t> units;
        std::vector<double> planned;
        for (const Arm& a : experiment.arms) {
            units.push_back(summary_of(summaries, primary.name, a.name).n());
            if (a.share) planned.push_back(*a.share);
        }
        if (planned.size() != units.size()) planned.clear();
        try {
            result.sample_ratio = sample_ratio_mismatch(units, planned, options.srm_threshold);
            if (result.sample_ratio->mismatch) {
                warn(result, Message{"stats.warning.sample_ratio", {{"p", shown(result.sample_ratio->p_value)}}});
            }
        } catch (const NotEnoughDataError&) {
            // no units yet: nothing to check
        }
    }
    if (experiment.amended_after_start()) {
        std::string fields;
        for (const Amendment& a : experiment.amendments) {
            fields += (fields.empty() ? "" : ", ") + a.field;
        }
        warn(result, Message{"stats.warning.amended", {{"fields", fields}}});
    }
    if (treatments > 1) {
        warn(result, Message{"stats.warning.several_arms", {}});
    }
    if (smallest_n >= 0 && smallest_n < options.small_sample) {
        warn(result, Message{"stats.warning.few_observations",
                             {{"metric", shown_name(primary)}, {"n", smallest_n}, {"minimum", options.small_sample}}});
    }
    result.planned_per_group = plan_metric(primary, experiment.design, options.power);
    if (result.planned_per_group && smallest_n >= 0 && smallest_n < result.planned_per_group->per_group) {
        const std::int64_t needed = result.planned_per_group->per_group;
        Message message{"stats.warning.underpowered", {{"n", smallest_n}, {"needed", needed}}};
        if (experiment.actual_start && experiment.planned_end && smallest_n > 0) {
            const Date today = today_utc();
            const double elapsed = static_cast<double>((today - *experiment.actual_start).days());
            const double left = static_cast<double>((*experiment.planned_end - today).days());
            if (elapsed > 0.0) {
                const Schedule s = days_needed(result.planned_per_group->per_group, smallest_n,
                                               static_cast<double>(smallest_n) / elapsed, left);
                message.code =
                    s.reachable ? "stats.warning.underpowered_days" : "stats.warning.underpowered_beyond_end";
                message.params.push_back({"days", std::ceil(s.days_needed)});
            }
        }
        warn(result, std::move(message));
    }
    for (const Comparison& c : result.comparisons) {
        if (c.role != MetricRole::guardrail || !c.effect) {
            continue;
        }
        const Metric& m = experiment.metric(c.metric);
        const double worst = m.direction == Direction::higher_is_better ? c.effect->ci_low : -c.effect->ci_high;
        if (worst < -m.minimum_effect) {
            warn(result, Message{"stats.warning.guardrail",
                                 {{"metric", shown_name(m)}, {"arm", c.arm}, {"minimum", m.minimum_effect}}});
        }
    }
    return result;
}

// "2026-03-02 09:15 UTC": an instant in a warning, to the minute.
std::string minute_of(const Time& t) {
    const std::string iso = format_time(t);  // "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"
    return iso.substr(0, 10) + " " + iso.substr(11, 5) + " UTC";
}

std::string changes_text(const std::vector<CriterionChange>& changes) {
    std::string out;
    for (const CriterionChange& c : changes) {
        if (!out.empty()) out += ", ";
        out += c.field + ": " + c.locked_value + " \u2192 " + c.amended_value;
    }
    return out;
}

}  // namespace

EarlyRows early_rows(const Tracker& tracker, const Experiment& experiment, std::optional<Time> until) {
    EarlyRows rows;
    if (!experiment.days_started_before_lock()) {
        return rows;
    }
    // The start day as the tracker's zone counts it, as the window of a write does.
    const Time from = from_unix_micros(std::max(earliest_unix_micros, tracker.time_zone().start_of_day(*experiment.actual_start)));
    Time to = *experiment.locked_at;
    if (until && !until->is_special() && *until < to) {
        to = *until;
    }
    if (to <= from) {
        return rows;
    }
    for (const ArmRowCount& count : tracker.count_observations_by_arm(experiment, from, to)) {
        const auto arm = std::find_if(experiment.arms.begin(), experiment.arms.end(),
                                      [&](const Arm& a) { return a.id == count.arm_id; });
        if (arm != experiment.arms.end()) {
            rows[arm->name] = count.rows;
        }
    }
    return rows;
}

Analysis analyze(const Experiment& experiment, const ExperimentSummaries& summaries, const AnalysisOptions& options,
                 const EarlyRows& early, const DesignSeries& series, const CovariateRows& covariates) {
    Analysis result = analyse_as(as_locked(experiment), summaries, options, Criterion::locked, series, covariates);
    result.period = series.period;
    result.criterion_changes = criterion_changes(experiment);
    if (!result.criterion_changes.empty()) {
        Analysis amended = analyse_as(experiment, summaries, options, Criterion::amended, series, covariates);
        result.amended_verdict = std::move(amended.verdict);
        result.amended_comparisons = std::move(amended.comparisons);
        warn(result, Message{"stats.warning.criterion_amended", {{"changes", changes_text(result.criterion_changes)}}});
    }
    if (const auto days = experiment.days_started_before_lock()) {
        result.days_started_before_lock = days;
        const char* code =
            *days == 1 ? "stats.warning.started_before_lock_one_day" : "stats.warning.started_before_lock";
        warn(result, Message{code,
                             {{"days", std::int64_t{*days}},
                              {"start", format_date(*experiment.actual_start)},
                              {"locked", minute_of(*experiment.locked_at)}}});
        result.early_rows = early;
        if (!early.empty()) {
            std::string counts;
            for (const Arm& arm : experiment.arms) {
                const auto found = early.find(arm.name);
                if (found == early.end()) {
                    continue;
                }
                counts += (counts.empty() ? "" : ", ") + arm.name + " " + std::to_string(found->second);
            }
            warn(result, Message{"stats.warning.early_rows", {{"counts", counts}}});
        }
    }
    return result;
}

Analysis analyze(const Tracker& tracker, std::string_view key, const AnalysisOptions& options) {
    const Experiment experiment = tracker.get(key);
    return analyze(experiment, summarise_experiment(tracker, experiment), options, early_rows(tracker, experiment),
                   design_series(tracker, experiment, options.period), covariate_rows(tracker, experiment));
}

}  // namespace kokeilu::stats
