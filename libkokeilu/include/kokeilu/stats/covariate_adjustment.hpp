// Variance reduction with a pre-period covariate (regression adjustment, the idea behind CUPED):
// each subject's outcome and its value of the same metric before the experiment. What the
// pre-period value explains of the outcome is taken out of the comparison, so the same data give a
// narrower interval; randomisation keeps the adjusted effect unbiased.
#pragma once

#include "kokeilu/stats/estimate.hpp"

#include <span>

namespace kokeilu::stats {

struct CovariateAdjustment {
    Estimate effect{};      // the adjusted difference (treatment - control)
    Estimate unadjusted{};  // the plain difference of means, by the same covariance
    double slope = 0.0;     // the outcome's change per unit of the covariate, within the arms
    // 1 - Var(adjusted) / Var(unadjusted) of the effect's estimate: the share of the plain
    // difference's variance that the covariate removed (negative when it added variance).
    double variance_reduction = 0.0;
};

// ANCOVA: OLS y = b0 + b1 treated + b2 x over both arms' subjects, the effect b1, with the HC2
// covariance and normal inference: statsmodels OLS(y, [1, treated, x]).fit(cov_type="HC2"). The
// unadjusted effect is OLS y = b0 + b1 treated with HC2, whose variance is s_t^2/n_t + s_c^2/n_c
// (Welch's, with a normal interval). ANCOVA rather than CUPED's pooled theta: its slope is the
// within-arm one, it has a published robust variance (HC2) that statsmodels gives exactly, and
// with HC2 it stays valid when the arms' spreads differ. Methods "ancova_hc2" and "difference_hc2".
// `treatment` and `treatment_pre` are the treated subjects' outcomes and pre-period values, in the
// same order; likewise the control's.
// Throws InvalidArgumentError naming the field for lengths that differ or values that are not
// finite, "stats.regression.singular" (field "treatment_pre") when the pre-period values are
// constant or tell the arms apart exactly; NotEnoughDataError naming the arm with fewer than 2
// subjects ("stats.mean.too_few"), and when the model fits every outcome exactly.
[[nodiscard]] CovariateAdjustment covariate_adjusted_difference(std::span<const double> treatment,
                                                                std::span<const double> treatment_pre,
                                                                std::span<const double> control,
                                                                std::span<const double> control_pre,
                                                                double confidence = 0.95);

}  // namespace kokeilu::stats
