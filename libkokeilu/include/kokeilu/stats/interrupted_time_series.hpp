// Interrupted time series: one series of daily or weekly values with a long before period and a
// change on a known date, for a service that changed for everyone at once. The before period's
// level and trend, carried on, stand in for what would have happened without the change.
#pragma once

#include "kokeilu/stats/estimate.hpp"

#include <cstdint>
#include <optional>
#include <span>

namespace kokeilu::stats {

struct InterruptedTimeSeries {
    Estimate level_change{};    // b2: the jump at the change time
    Estimate slope_change{};    // b3: the change of the trend per unit of time
    double level_before = 0.0;  // the before period's trend line at the change time, b0 + b1 t0
    double slope_before = 0.0;  // b1: its trend per unit of time
    std::int64_t lags = 0;      // of the Newey-West covariance, in rows
    std::int64_t before = 0;    // rows before the change time
    std::int64_t after = 0;     // rows at or after it
    bool weekday_seasonality = false;
};

// Newey and West's (1994) rule of thumb for the Bartlett kernel's lags: floor(4 (n / 100)^(2/9)).
// 0 for n < 1.
[[nodiscard]] std::int64_t newey_west_default_lags(std::int64_t n);

// Segmented regression of values against their times,
//   y = b0 + b1 t + b2 post + b3 (t - t0) post   [+ one dummy per weekday but the first present]
// with post = (t >= t0), t0 = change_time, fitted by OLS, and Newey-West (HAC, Bartlett kernel)
// standard errors with `lags` lags (default newey_west_default_lags(n)), the normal interval and
// p-value: statsmodels OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": L}), whose default applies
// no small-sample correction. Rows are one per period in time order, and the lags count rows; the
// time is in any unit (days, weeks), and b1 and b3 are per that unit. `weekdays` (0 = Monday ..
// 6 = Sunday, one per row) adds weekday seasonality for daily data; empty, none.
// Methods "segmented_regression_newey_west" (level) and "..._slope" are in the estimates.
// Throws InvalidArgumentError naming the field: lengths that differ, values or times that are not
// finite, times that do not increase ("stats.its.time_order"), a change time outside the data
// ("stats.its.change_outside"), lags outside [0, n - 1] ("stats.its.lags"), a weekday outside
// 0..6 ("stats.its.weekday"), a design whose terms are dependent ("stats.regression.singular");
// NotEnoughDataError("time", "stats.its.few_before" / "stats.its.few_after") when either side
// of the change has fewer than 3 rows.
[[nodiscard]] InterruptedTimeSeries interrupted_time_series(std::span<const double> time,
                                                            std::span<const double> values, double change_time,
                                                            std::optional<std::int64_t> lags = std::nullopt,
                                                            std::span<const std::int64_t> weekdays = {},
                                                            double confidence = 0.95);

}  // namespace kokeilu::stats
