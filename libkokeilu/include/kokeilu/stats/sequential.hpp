// Sequential looks: always-valid confidence intervals, so that the people running an experiment
// can look at the result every day without inflating the chance of a false "supported".
//
// The interval is the normal-mixture sequential probability ratio test (Robbins' mixture) in the
// asymptotic form of Waudby-Smith et al. (2023, "Time-uniform central limit theory", eq. 9), the
// same as GrowthBook's gbstats SequentialTwoSidedTTest. With N = n_t + n_c units so far, the
// estimate's variance V (Welch, or delta method for a lift), s^2 = V N and mixture parameter rho:
//
//   half-width = sqrt(s^2) sqrt( 2 (N rho^2 + 1) ln( sqrt(N rho^2 + 1) / alpha ) / (N rho)^2 )
//
// and the always-valid p-value is min(1, 1 / e) with the mixture e-value (eq. 155 there)
//   e = exp( rho^2 T / (2 (N rho^2 + 1)) ) / sqrt(N rho^2 + 1),   T = estimate^2 N / V.
//
// Tuning: rho^2 = (-2 ln alpha + ln(-2 ln alpha + 1)) / tuning_n (eq. 161 there) makes the interval
// narrowest when N = tuning_n. Choose tuning_n near the total sample the experiment plans (e.g. twice
// the per-group size from sample_size_mean for the minimum worthwhile effect): the interval is then
// only modestly wider than a fixed-sample interval at the planned end, and still valid at every
// earlier look. gbstats' default is 5000, which suits web traffic far more than municipal services.
#pragma once

#include "kokeilu/stats/bayes.hpp"  // EffectKind
#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/summary.hpp"

namespace kokeilu::stats {

struct SequentialOptions {
    double tuning_n = 5000.0;  // total units at which the interval is tightest; > 0
    EffectKind kind = EffectKind::absolute;
};

// Always-valid interval and p-value of the difference (or relative lift) of means. Valid for
// proportions too, by summarising 0/1 values. Throws NotEnoughDataError as welch_difference does.
[[nodiscard]] Estimate sequential_difference(const Summary& treatment, const Summary& control,
                                             double confidence = 0.95, const SequentialOptions& options = {});

}  // namespace kokeilu::stats
