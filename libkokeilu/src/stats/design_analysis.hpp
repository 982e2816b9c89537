// The comparisons of the designs without a concurrent control inside an experiment's analysis:
// the difference in differences of a metric's four arms (with its pre-period trend check) and the
// interrupted time series of its before and after arms, period by period. Private to analysis.cpp.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/message.hpp"
#include "kokeilu/stats/design_series.hpp"
#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/interrupted_time_series.hpp"
#include "kokeilu/stats/summary.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kokeilu::stats::detail {

// The fewest periods an interrupted time series is fitted on, days or weeks alike: eight before
// the change, for a trend line that a few odd periods do not tip, and three from it on, the fewest
// the segmented regression takes on a side. Below them the verdict is "not enough data".
struct PeriodMinimum {
    std::int64_t before = 8;
    std::int64_t after = 3;
};
inline constexpr PeriodMinimum its_minimum{};

// Periods each unit's before arm needs for the pre-trend check of a difference in differences.
inline constexpr std::int64_t did_pre_trend_minimum = 3;

// (changed_after - changed_before) - (comparison_after - comparison_before) of the metric's arm
// summaries (by arm name); a NotEnoughDataError names the arm as the experiment names it.
[[nodiscard]] Estimate did_effect(const Experiment& experiment, const std::map<std::string, Summary>& arms,
                                  double confidence);

// The segmented regression of the metric's before and after arms as one series. Throws
// NotEnoughDataError("periods", "stats.its.few_periods") below its_minimum, and passes a
// regression that cannot be fitted on as NotEnoughDataError with the fit's reason.
[[nodiscard]] InterruptedTimeSeries its_fit(const Experiment& experiment, const std::string& metric,
                                            const DesignSeries& series, double confidence);

// The pre-trend check of the metric's before arms (period means against period numbers), or the
// reason it was not made as a warning ("stats.warning.did_pre_trend_unchecked").
struct PreTrend {
    std::optional<Estimate> estimate;
    std::optional<Message> unchecked;
};
[[nodiscard]] PreTrend did_pre_trend(const Experiment& experiment, const std::string& metric,
                                     const DesignSeries& series, double confidence);

}  // namespace kokeilu::stats::detail
