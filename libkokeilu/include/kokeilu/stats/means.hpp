// Comparisons of means: treatment against control (or after against before), and one group
// against a target. Student's t distributions come from Boost.Math.
#pragma once

#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/summary.hpp"

namespace kokeilu::stats {

// Difference in means (treatment - control) with Welch's t interval and two-sided p-value; the
// degrees of freedom by Welch-Satterthwaite. Matches scipy.stats.ttest_ind(equal_var=False).
// Throws NotEnoughDataError naming the arm ("treatment" / "control") when it has fewer than 2
// observations or an unknown spread, and when both arms have zero variance.
[[nodiscard]] Estimate welch_difference(const Summary& treatment, const Summary& control, double confidence = 0.95);

// Relative lift (treatment / control - 1) with a delta-method standard error
//   Var = s_t^2 / (n_t m_c^2) + s_c^2 m_t^2 / (n_c m_c^4),
// a t interval and p-value on the Welch-Satterthwaite degrees of freedom of the absolute
// difference, as GrowthBook's gbstats does. Throws NotEnoughDataError when the control mean is 0.
[[nodiscard]] Estimate relative_lift(const Summary& treatment, const Summary& control, double confidence = 0.95);

// One group against a target (a known baseline): estimate = mean - target, with a t interval on
// n - 1 degrees of freedom and the two-sided p-value of scipy.stats.ttest_1samp. The interval is for
// the difference; add the target back for an interval of the mean itself.
[[nodiscard]] Estimate one_sample_t(const Summary& group, double target, double confidence = 0.95);

}  // namespace kokeilu::stats
