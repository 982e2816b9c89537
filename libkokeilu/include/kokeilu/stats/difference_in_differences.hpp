// Before/after with a comparison unit (difference in differences): the unit that changed and one
// that did not, each measured before and after the change. The comparison's change stands in for
// what would have happened to the changed unit without the change, which holds only when both
// would have moved alike (parallel trends); pre_trend_difference checks that on the before period.
#pragma once

#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/summary.hpp"

#include <span>

namespace kokeilu::stats {

// The four cells of a difference in differences, each a Summary of its unit-level values.
struct DidCells {
    Summary changed_before{};
    Summary changed_after{};
    Summary comparison_before{};
    Summary comparison_after{};
};

// (changed_after - changed_before) - (comparison_after - comparison_before) of the cells' means,
// with standard error sqrt(sum over cells of s_g^2 / n_g), a normal interval and p-value.
// That is the interaction coefficient of statsmodels' OLS y ~ changed * after on the unit rows with
// cov_type="HC2" (z inference): in this saturated model every observation's leverage is 1 / n_g,
// so HC2 equals the cell variances over their sizes and assumes no equal variance across cells.
// Method "difference_in_differences_hc2".
// Throws NotEnoughDataError naming the cell ("changed_before", ...) with fewer than 2 values or an
// unknown spread, and when every cell has zero variance.
[[nodiscard]] Estimate difference_in_differences(const DidCells& cells, double confidence = 0.95);

// The pre-period check of parallel trends: the before-period values (unit rows or period means)
// of the changed and the comparison unit against their times, fitted as
//   y = a + b t + c changed + d t changed
// by OLS with the classical covariance (statsmodels OLS(...).fit(), t on n - 4 degrees of freedom).
// The estimate is d, the changed unit's slope minus the comparison's, per unit of time; a small
// p-value says the trends differed before the change, so the difference in differences is suspect.
// A large one does not prove them parallel. Method "pre_trend_slope_difference".
// Throws InvalidArgumentError naming the field for lengths that differ or values that are not
// finite, and NotEnoughDataError("changed_time" / "comparison_time", "stats.did.few_pre_periods")
// when a unit has fewer than 3 distinct times.
[[nodiscard]] Estimate pre_trend_difference(std::span<const double> changed_time,
                                            std::span<const double> changed_values,
                                            std::span<const double> comparison_time,
                                            std::span<const double> comparison_values, double confidence = 0.95);

}  // namespace kokeilu::stats
