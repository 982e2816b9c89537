#include "design_analysis.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/stats/difference_in_differences.hpp"

#include <algorithm>
#include <numeric>

namespace kokeilu::stats::detail {

namespace {

const Arm& arm_with(const Experiment& experiment, ArmRole role) {
    for (const Arm& a : experiment.arms) {
        if (a.role == role) return a;
    }
    throw InvalidArgumentError("arms", Message{"input.design_needs_exactly",
                                               {{"design", std::string(to_string(experiment.design))},
                                                {"count", std::int64_t{1}},
                                                {"role", std::string(to_string(role))},
                                                {"found", std::int64_t{0}}}});
}

const PeriodSeries& series_of(const DesignSeries& series, const std::string& metric, const std::string& arm) {
    static const PeriodSeries empty;
    const auto m = series.metrics.find(metric);
    if (m == series.metrics.end()) return empty;
    const auto a = m->second.find(arm);
    return a == m->second.end() ? empty : a->second;
}

}  // namespace

Estimate did_effect(const Experiment& experiment, const std::map<std::string, Summary>& arms, double confidence) {
    static const Summary empty;
    const std::pair<ArmRole, const char*> roles[] = {{ArmRole::changed_before, "changed_before"},
                                                     {ArmRole::changed_after, "changed_after"},
                                                     {ArmRole::comparison_before, "comparison_before"},
                                                     {ArmRole::comparison_after, "comparison_after"}};
    std::map<std::string, std::string> names;  // role name -> the arm's name
    DidCells cells;
    Summary* cell[] = {&cells.changed_before, &cells.changed_after, &cells.comparison_before, &cells.comparison_after};
    for (std::size_t i = 0; i < 4; ++i) {
        const Arm& arm = arm_with(experiment, roles[i].first);
        names[roles[i].second] = arm.name;
        const auto found = arms.find(arm.name);
        *cell[i] = found == arms.end() ? empty : found->second;
    }
    try {
        return difference_in_differences(cells, confidence);
    } catch (const NotEnoughDataError& e) {
        const auto name = names.find(e.field());
        throw NotEnoughDataError(name == names.end() ? e.field() : name->second, e.message());
    }
}

InterruptedTimeSeries its_fit(const Experiment& experiment, const std::string& metric, const DesignSeries& series,
                              double confidence) {
    const PeriodSeries& before = series_of(series, metric, arm_with(experiment, ArmRole::before).name);
    const PeriodSeries& after = series_of(series, metric, arm_with(experiment, ArmRole::after).name);
    const PeriodMinimum minimum = its_minimum;
    const auto rows_before = static_cast<std::int64_t>(before.period.size());
    const auto rows_after = static_cast<std::int64_t>(after.period.size());
    if (rows_before < minimum.before || rows_after < minimum.after) {
        throw NotEnoughDataError("periods", Message{"stats.its.few_periods",
                                                    {{"before", rows_before},
                                                     {"after", rows_after},
                                                     {"minimum_before", minimum.before},
                                                     {"minimum_after", minimum.after},
                                                     {"period_code", period_code(series.period)}}});
    }
    // The before arm's periods are all below 0 and the after arm's at or above it (the rule of
    // every write), so one after the other they are in time order.
    std::vector<double> time = before.period;
    time.insert(time.end(), after.period.begin(), after.period.end());
    std::vector<double> values = before.value;
    values.insert(values.end(), after.value.begin(), after.value.end());
    std::vector<std::int64_t> weekdays = before.weekday;
    weekdays.insert(weekdays.end(), after.weekday.begin(), after.weekday.end());
    try {
        return interrupted_time_series(time, values, 0.0, std::nullopt, weekdays, confidence);
    } catch (const NotEnoughDataError&) {
        throw;
    } catch (const InvalidArgumentError& e) {
        // Periods that no regression separates (a weekday always on one side): more data decide it.
        throw NotEnoughDataError(e.field(), e.message());
    }
}

PreTrend did_pre_trend(const Experiment& experiment, const std::string& metric, const DesignSeries& series,
                       double confidence) {
    const PeriodSeries& changed = series_of(series, metric, arm_with(experiment, ArmRole::changed_before).name);
    const PeriodSeries& comparison = series_of(series, metric, arm_with(experiment, ArmRole::comparison_before).name);
    const auto fewest = static_cast<std::int64_t>(std::min(changed.period.size(), comparison.period.size()));
    PreTrend out;
    if (fewest < did_pre_trend_minimum) {
        out.unchecked = Message{"stats.warning.did_pre_trend_unchecked",
                                {{"periods", fewest}, {"minimum", did_pre_trend_minimum},
                                 {"period_code", period_code(series.period)}}};
        return out;
    }
    try {
        out.estimate = pre_trend_difference(changed.period, changed.value, comparison.period, comparison.value, confidence);
    } catch (const Error& e) {
        // Values that no line can be fitted through (not finite, written behind kokeilu's back).
        out.unchecked = Message{"stats.warning.did_pre_trend_failed", {{"why", std::string(e.what())}}};
    }
    return out;
}

}  // namespace kokeilu::stats::detail
