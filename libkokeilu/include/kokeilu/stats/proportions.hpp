// Comparisons of proportions (0/1 outcomes per unit): shares of two arms, and one group against a
// target share. Distributions from Boost.Math.
#pragma once

#include "kokeilu/stats/estimate.hpp"

#include <cstdint>
#include <optional>

namespace kokeilu::stats {

// Successes out of trials in one arm.
struct Counts {
    std::int64_t successes = 0;
    std::int64_t trials = 0;
};

struct Interval {
    double low = 0.0;
    double high = 0.0;
};

// Wilson's score interval for one proportion (statsmodels proportion_confint(method="wilson")).
// Throws NotEnoughDataError for zero trials.
[[nodiscard]] Interval wilson_interval(Counts counts, double confidence = 0.95);

// Difference of shares (treatment - control) with Newcombe's hybrid score interval (his method 10:
// the Wilson intervals of both arms combined), which keeps its coverage for small samples and
// shares near 0 or 1 where the Wald interval fails; statsmodels confint_proportions_2indep(
// method="newcomb"). The p-value is the pooled two-proportion z-test's.
// Throws NotEnoughDataError when an arm has no trials, or when both arms have all successes or
// all failures (nothing varies, so there is no test).
[[nodiscard]] Estimate proportion_difference(Counts treatment, Counts control, double confidence = 0.95);

// Difference of shares (treatment - control) by the score method of Miettinen and Nurminen: the
// p-value is the score test's at "no difference" and the interval is the set of differences that the
// same score test does not reject at `confidence` (statsmodels confint_proportions_2indep and
// test_proportions_2indep with method="score", correction=True). Because both come from one test,
// the interval excludes zero exactly when the p-value is below 1 - confidence. Throws as
// proportion_difference does.
[[nodiscard]] Estimate score_difference(Counts treatment, Counts control, double confidence = 0.95);

// The classic two-proportion z-test with the pooled share under "no difference"
// (statsmodels proportions_ztest); the interval is the unpooled Wald interval of the difference.
[[nodiscard]] Estimate two_proportion_z_test(Counts treatment, Counts control, double confidence = 0.95);

struct FisherResult {
    double p_value = 1.0;  // two-sided
    // The sample odds ratio (a d) / (b c), as scipy reports it; +infinity when b c == 0 < a d, and
    // empty when it is 0 / 0.
    std::optional<double> odds_ratio{};
};

// Fisher's exact test of the 2x2 table [[treatment successes, treatment failures], [control
// successes, control failures]], two-sided by the rule of R and scipy: the probability of every
// table no more likely than the observed one (relative tolerance 1e-7). For small samples, where
// the z-test's normal approximation fails. Throws NotEnoughDataError when an arm has no trials.
[[nodiscard]] FisherResult fisher_exact(Counts treatment, Counts control);

// One group against a target share: estimate = share - target, the Wilson interval shifted by the
// target, and the two-sided exact binomial test (scipy.stats.binomtest). Throws InvalidArgumentError
// for a target outside (0, 1) and NotEnoughDataError for zero trials.
[[nodiscard]] Estimate one_sample_proportion(Counts group, double target, double confidence = 0.95);

}  // namespace kokeilu::stats
