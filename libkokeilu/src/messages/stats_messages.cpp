// English templates of the stats messages (see message_tables.hpp). Keep them sorted by code;
// every code also needs an entry in python/kokeilu/locale/*/LC_MESSAGES/kokeilu.po (msgctxt = code,
// msgid = this template), which tests/python/test_core_messages.py checks.
#include "messages/message_tables.hpp"

#include <array>

namespace kokeilu::detail {

namespace {

constexpr std::array templates = {
    MessageTemplate{"stats.analysis.not_binary",
                    "its values are not 0/1 outcomes, as a proportion metric needs"},
    MessageTemplate{"stats.arms.no_reference", "there is no control or before arm to compare with"},
    MessageTemplate{"stats.arms.nothing_to_compare",
                    "the design has no arm to compare (no treatment, after or group arm)"},
    MessageTemplate{"stats.baseline.missing", "a one-sample design needs the metric's baseline to compare with"},
    MessageTemplate{"stats.baseline.zero", "is 0, so a relative change from it is undefined"},
    MessageTemplate{"stats.confidence.range", "must be between 0.5 and 1 (exclusive), got {value}"},
    MessageTemplate{"stats.count.negative", "must not be negative, got {value}"},
    MessageTemplate{"stats.count.negative_plain", "must not be negative"},
    MessageTemplate{"stats.count.overflow",
                    "adding {added} units to the {count} already summarised would pass "
                    "9223372036854775807, the largest count kokeilu can hold"},
    MessageTemplate{"stats.counts.no_trials", "has no trials"},
    MessageTemplate{"stats.covariate.missing_rows",
                    "{rows} of its rows have no pre-period value ({covariate}) to adjust for"},
    MessageTemplate{"stats.did.few_pre_periods",
                    "has {count} distinct times before the change; checking the trends needs at least {needed}"},
    MessageTemplate{"stats.did.zero_variance", "every cell has zero variance, so no interval can be computed"},
    MessageTemplate{"stats.effect.interval_misses_estimate",
                    "the interval {low} to {high} does not contain the estimate {estimate}"},
    MessageTemplate{"stats.effect.not_finite", "the estimate and its interval must be finite numbers"},
    MessageTemplate{"stats.follow_up_no_spread",
                    "the effect has no spread (its standard error is 0), so whether it lasted cannot be judged"},
    MessageTemplate{"stats.its.change_outside",
                    "must lie after the first time ({first}) and not after the last ({last}), got {value}"},
    MessageTemplate{"stats.its.few_after",
                    "has {n} rows at or after the change; a segmented regression needs at least {needed}"},
    MessageTemplate{"stats.its.few_before",
                    "has {n} rows before the change; a segmented regression needs at least {needed}"},
    MessageTemplate{"stats.its.few_periods",
                    "an interrupted time series needs at least {minimum_before} periods before the change and "
                    "{minimum_after} from it on, has {before} and {after} (period: {period_code})"},
    MessageTemplate{"stats.its.lags", "must be between 0 and {max} (one less than the rows), got {value}"},
    MessageTemplate{"stats.its.time_order",
                    "must increase from row to row (one row per period, in time order): {value} follows {previous}"},
    MessageTemplate{"stats.its.weekday", "must be a weekday from 0 (Monday) to 6 (Sunday), got {value}"},
    MessageTemplate{"stats.its.weekdays_need_dates",
                    "True takes each row's weekday from its time, so the times must be dates; with numeric times, "
                    "give the weekdays (0 = Monday .. 6 = Sunday)"},
    MessageTemplate{"stats.mean.control_zero", "its mean is 0, so a relative lift is undefined"},
    MessageTemplate{"stats.mean.group_zero_variance",
                    "all values are equal (zero variance), so no interval can be computed"},
    MessageTemplate{"stats.mean.lift_zero_variance", "the lift has zero variance, so no interval can be computed"},
    MessageTemplate{"stats.mean.spread_unknown", "its spread is unknown (aggregated rows without sum_sq)"},
    MessageTemplate{"stats.mean.too_few", "needs at least 2 observations, has {n}"},
    MessageTemplate{"stats.mean.zero_variance", "both arms have zero variance, so no interval can be computed"},
    MessageTemplate{"stats.meta.few_studies",
                    "Very few municipalities ({k}): the pooled effect is uncertain."},
    MessageTemplate{"stats.meta.fixed_only",
                    "With only two municipalities the variation between them cannot be estimated, so only the "
                    "fixed-effect result is given and no random-effects claim is made."},
    MessageTemplate{"stats.meta.not_converged",
                    "the estimate of the variance between municipalities did not settle in {iterations} steps"},
    MessageTemplate{"stats.meta.too_few", "a meta-analysis needs at least 2 replications, got {k}"},
    MessageTemplate{"stats.meta.too_few_pooled",
                    "{key} has {k} replications whose effects on {metric} can be pooled; a meta-analysis needs at "
                    "least 2"},
    MessageTemplate{"stats.metric.unknown_kind", "unknown metric kind"},
    MessageTemplate{"stats.not_found.arm", "arm not found: {arm}"},
    MessageTemplate{"stats.not_found.summary", "arm or metric not found: {arm}/{metric} of {experiment}"},
    MessageTemplate{"stats.number.negative", "must be a finite number >= 0, got {value}"},
    MessageTemplate{"stats.number.not_finite", "must be a finite number, got {value}"},
    MessageTemplate{"stats.number.not_finite_plain", "must be a finite number"},
    MessageTemplate{"stats.number.not_positive", "must be a finite number > 0, got {value}"},
    MessageTemplate{"stats.observations.no_arm_for_code", "row {row}: no arm for code {code}"},
    MessageTemplate{"stats.observations.period_decreasing", "must not decrease (rows in time order)"},
    MessageTemplate{"stats.observations.rows", "has {rows} rows, expected {expected}"},
    MessageTemplate{"stats.p_value.range", "must be between 0 and 1, got {value}"},
    MessageTemplate{"stats.period.day", "day"},
    MessageTemplate{"stats.period.week", "seven days from the day of the change"},
    MessageTemplate{"stats.power.effect_zero", "must be a finite number other than 0, got {value}"},
    MessageTemplate{"stats.power.no_pace", "must be > 0 while observations are still needed, got {value}"},
    MessageTemplate{"stats.power.target_share",
                    "baseline + minimum_effect must be a share between 0 and 1, got {value}"},
    MessageTemplate{"stats.probability.range", "must be between 0 and 1 (exclusive), got {value}"},
    MessageTemplate{"stats.proportions.all_success",
                    "every trial in both arms succeeded, so there is nothing to compare"},
    MessageTemplate{"stats.proportions.no_success", "no arm has any success, so there is nothing to compare"},
    MessageTemplate{"stats.rates.events", "must be a whole number >= 0, got {value}"},
    MessageTemplate{"stats.rates.few_control_events",
                    "has too few events for the posterior of the rate ratio: the prior's shape plus its events "
                    "is {shape}, and must be above 2"},
    MessageTemplate{"stats.rates.no_control_events", "has no events, so the rate ratio is unbounded"},
    MessageTemplate{"stats.rates.no_events", "neither arm has any events, so the rates cannot be compared"},
    MessageTemplate{"stats.rates.no_exposure", "has no exposure yet, so it has no rate of events"},
    MessageTemplate{"stats.regression.leverage_one",
                    "one observation alone determines a coefficient (leverage 1), so the robust standard error "
                    "is undefined"},
    MessageTemplate{"stats.regression.perfect_fit",
                    "the model fits every value exactly, so no interval can be computed"},
    MessageTemplate{"stats.regression.singular",
                    "the model's terms ({terms}) are not independent: one is constant or a combination of the "
                    "others, so the effect cannot be separated"},
    MessageTemplate{"stats.resampling.all_equal",
                    "every value in both arms is the same, so there is nothing to resample"},
    MessageTemplate{"stats.resampling.threads", "must be 1 or 2, got {value}"},
    MessageTemplate{"stats.resampling.too_few_resamples", "must be at least 100, got {value}"},
    MessageTemplate{"stats.resampling.too_few_values", "needs at least {minimum} values, has {n}"},
    MessageTemplate{"stats.resampling.too_many_values", "more than 2^31 values cannot be resampled"},
    MessageTemplate{"stats.srm.no_units", "no units in any arm"},
    MessageTemplate{"stats.srm.shares", "must have one share per arm ({arms}), got {shares}"},
    MessageTemplate{"stats.srm.too_few_arms", "a sample-ratio check needs at least 2 arms, got {arms}"},
    MessageTemplate{"stats.status.ok", "ok"},
    MessageTemplate{"stats.status.stored_values_unusable",
                    "stored values that cannot be summarised in {arm}: the file holds a value no write would take; "
                    "verify the file"},
    MessageTemplate{"stats.status.too_large",
                    "values too large to summarise exactly: in arm {arm} their sum or spread passes "
                    "about 1.8e308, the largest number a double holds"},
    MessageTemplate{"stats.successes.range", "must be between 0 and the trials ({trials}), got {successes}"},
    MessageTemplate{"stats.summary.min_above_max", "must not exceed max ({max}), got {min}"},
    MessageTemplate{"stats.summary.no_mean", "no observations, so there is no mean"},
    MessageTemplate{"stats.summary.not_binary_sum",
                    "the values are not 0/1 outcomes: their sum {sum} is not a whole number between 0 "
                    "and n ({n})"},
    MessageTemplate{"stats.summary.not_binary_values",
                    "a proportion metric takes only 0 or 1 per unit, got values from {min} to {max}"},
    MessageTemplate{"stats.summary.spread_too_few", "a spread needs at least 2 observations, got {n}"},
    MessageTemplate{"stats.summary.spread_unknown",
                    "the spread is unknown: an aggregated row was recorded without sum_sq"},
    MessageTemplate{"stats.summary.successes_not_whole",
                    "successes must be a whole number between 0 and n ({n}), got {value}"},
    MessageTemplate{"stats.summary.sum_too_large",
                    "the sum of the values, {sum}, is beyond the largest count kokeilu can hold"},
    MessageTemplate{"stats.summary.unit_rows", "must be between 0 and n ({n}), got {value}"},
    MessageTemplate{"stats.verdict.amended_note",
                    "The criterion was amended after the start ({changes}); this verdict is judged "
                    "against it as locked at the start."},
    MessageTemplate{"stats.verdict.before_after_note",
                    "This compares the time after the change with the time before it, without a "
                    "comparison group: {metric} changed after the change, not necessarily because of "
                    "it, as trends and seasons are not controlled."},
    MessageTemplate{"stats.verdict.change.fell", "fell by {amount}"},
    MessageTemplate{"stats.verdict.change.none", "did not change"},
    MessageTemplate{"stats.verdict.change.rose", "rose by {amount}"},
    MessageTemplate{"stats.verdict.covariate_note",
                    "The comparison is adjusted for the pre-period value {covariate}, which reduced the "
                    "variance of the estimate by {percent} %."},
    MessageTemplate{"stats.verdict.covariate_note_increased",
                    "The comparison is adjusted for the pre-period value {covariate}, which increased the "
                    "variance of the estimate by {percent} %."},
    MessageTemplate{"stats.verdict.customer_impact_note", "Customer impact was not measured."},
    MessageTemplate{"stats.verdict.customer_impact_unmeasured",
                    "Customer impact was not measured: {metric} is an activity or output measure, so "
                    "its change (it {change}, {interval}) cannot support the hypothesis by itself."},
    MessageTemplate{"stats.verdict.did_note",
                    "This compares the change in {metric} after the change with the change in the comparison unit "
                    "over the same time: it is the effect of the change only if both units would have moved alike "
                    "without it."},
    MessageTemplate{"stats.verdict.exploratory",
                    "Exploratory, against the amended criterion (the criterion was changed after data "
                    "had been seen): {sentence}"},
    MessageTemplate{"stats.verdict.improvement",
                    "The experiment supported the hypothesis: {metric} {change} ({interval}), an "
                    "improvement that chance does not explain."},
    MessageTemplate{"stats.verdict.improvement_maybe_small",
                    "The experiment supported the hypothesis: {metric} {change} ({interval}), an "
                    "improvement that chance does not explain, though it may be smaller than the "
                    "minimum worthwhile effect of {minimum}."},
    MessageTemplate{"stats.verdict.interval.higher", "higher is better; {level}% interval {low} to {high}"},
    MessageTemplate{"stats.verdict.interval.lower", "lower is better; {level}% interval {low} to {high}"},
    MessageTemplate{"stats.verdict.its_no_additional",
                    "How many more periods would decide it is not computed for an interrupted time series."},
    MessageTemplate{"stats.verdict.its_note",
                    "This compares {metric} after the change with where its trend before the change would have taken "
                    "it, without a comparison group: it is the effect of the change only if that trend would have "
                    "gone on and nothing else changed at the same time."},
    MessageTemplate{"stats.verdict.minimum_effect",
                    "must be a number > 0 (the smallest improvement worth having), got {value}"},
    MessageTemplate{"stats.verdict.not_enough_data", "There is not enough data to judge {metric} yet ({why})."},
    MessageTemplate{"stats.verdict.too_small",
                    "The experiment refuted the hypothesis: {metric} {change} ({interval}), less than "
                    "the minimum worthwhile effect of {minimum}."},
    MessageTemplate{"stats.verdict.undecided",
                    "The result is not yet conclusive: {metric} {change} ({interval}), which may "
                    "still mean no effect or less than the minimum worthwhile effect of {minimum}."},
    MessageTemplate{"stats.verdict.undecided_more_data",
                    "The result is not yet conclusive: {metric} {change} ({interval}), which may "
                    "still mean no effect or less than the minimum worthwhile effect of {minimum}; "
                    "about {additional} more observations would likely decide it."},
    MessageTemplate{"stats.verdict.undecided_one_more",
                    "The result is not yet conclusive: {metric} {change} ({interval}), which may "
                    "still mean no effect or less than the minimum worthwhile effect of {minimum}; "
                    "about {additional} more observation would likely decide it."},
    MessageTemplate{"stats.verdict.values_unusable",
                    "The stored values of {metric} cannot be judged ({why}); correct the values that "
                    "are wrong."},
    MessageTemplate{"stats.verdict.wrong_direction",
                    "The experiment refuted the hypothesis: {metric} got worse, it {change} "
                    "({interval}), instead of improving by at least {minimum}."},
    MessageTemplate{"stats.warning.amended", "The pre-registered criteria were amended after the start ({fields})."},
    MessageTemplate{"stats.warning.before_after",
                    "Before and after without a comparison group: trends and seasons that would have "
                    "moved the metrics anyway are not controlled."},
    MessageTemplate{"stats.warning.criterion_amended",
                    "The success criterion was amended after the start ({changes}): the verdict is "
                    "judged against it as locked; the judgement against the amended criterion is "
                    "exploratory."},
    MessageTemplate{"stats.warning.did_parallel_trends",
                    "Difference in differences: the comparison unit's change stands in for what the changed unit "
                    "would have done without the change, which holds only if their trends would have been parallel."},
    MessageTemplate{"stats.warning.did_pre_trend",
                    "Trends before the change: the changed unit's trend minus the comparison unit's is {difference} "
                    "per period (p = {p}; period: {period_code})."},
    MessageTemplate{"stats.warning.did_pre_trend_failed", "The trends before the change could not be compared: {why}."},
    MessageTemplate{"stats.warning.did_pre_trend_unchecked",
                    "The trends before the change were not compared: a unit's before arm has data for {periods} "
                    "periods, fewer than {minimum} (period: {period_code})."},
    MessageTemplate{"stats.warning.did_pre_trends_differ",
                    "The trends of the changed and the comparison unit differed before the change (p = {p}): the "
                    "difference in differences is not to be trusted."},
    MessageTemplate{"stats.warning.early_rows",
                    "Rows logged for times between the start and the lock, which may have been seen "
                    "before the criterion was fixed: {counts}."},
    MessageTemplate{"stats.warning.few_observations",
                    "Few observations: an arm of {metric} has {n}, fewer than {minimum}; the normal "
                    "approximations may be off, so check with the permutation test or the bootstrap."},
    MessageTemplate{"stats.warning.guardrail",
                    "Guardrail {metric} ({arm}): it may have worsened by more than the acceptable "
                    "{minimum}."},
    MessageTemplate{"stats.warning.its_no_plan",
                    "No sample size is planned for an interrupted time series: it needs periods before and after the "
                    "change rather than observations."},
    MessageTemplate{"stats.warning.its_slope_change",
                    "Interrupted time series: the trend changed by {slope} per period ({low} \u2026 {high}, p = {p}; "
                    "period: {period_code}); the verdict judges the change of level at the change."},
    MessageTemplate{"stats.warning.its_trend_assumed",
                    "Interrupted time series: the trend before the change is assumed to have gone on without it; "
                    "anything else that changed at the same time is not controlled."},
    MessageTemplate{"stats.warning.its_weekday_seasonality",
                    "Seasonality is modelled by weekday only: seasons longer than a week are not controlled."},
    MessageTemplate{"stats.warning.sample_ratio",
                    "Sample-ratio mismatch: the arms received other shares of units than planned "
                    "(chi-square p = {p}); check how units were assigned before trusting the "
                    "comparison."},
    MessageTemplate{"stats.warning.several_arms",
                    "Several treatment arms: the primary metric's intervals are widened (Bonferroni) "
                    "so that the chance of a false finding stays at the chosen level."},
    MessageTemplate{"stats.warning.started_before_lock",
                    "Started {days} days before the Test Card was locked: data from {start} to "
                    "{locked} may have been seen before the criterion was fixed."},
    MessageTemplate{"stats.warning.started_before_lock_one_day",
                    "Started {days} day before the Test Card was locked: data from {start} to "
                    "{locked} may have been seen before the criterion was fixed."},
    MessageTemplate{"stats.warning.underpowered",
                    "Underpowered so far: {n} observations in the smallest group, {needed} needed to "
                    "detect the minimum worthwhile effect."},
    MessageTemplate{"stats.warning.underpowered_beyond_end",
                    "Underpowered so far: {n} observations in the smallest group, {needed} needed to "
                    "detect the minimum worthwhile effect; at the current pace about {days} more "
                    "days, which is beyond the planned end."},
    MessageTemplate{"stats.warning.underpowered_days",
                    "Underpowered so far: {n} observations in the smallest group, {needed} needed to "
                    "detect the minimum worthwhile effect; at the current pace about {days} more "
                    "days."},
};

}  // namespace

std::span<const MessageTemplate> stats_message_templates() { return templates; }

}  // namespace kokeilu::detail
