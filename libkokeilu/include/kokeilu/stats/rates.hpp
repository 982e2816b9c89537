// Comparison of event rates (counts over exposure): visits per week, incidents per 1000 days.
#pragma once

#include "kokeilu/stats/estimate.hpp"

namespace kokeilu::stats {

// Events observed over an exposure (time or population at risk).
struct EventCount {
    double events = 0.0;    // a whole number >= 0
    double exposure = 0.0;  // > 0
};

// Rate ratio (treatment rate / control rate) with the exact conditional interval: given the total
// events x, the treatment's events are Binomial(x, pi) with pi = E_t R / (E_t R + E_c). The
// Clopper-Pearson interval of pi (Boost.Math ibeta_inv) maps to an interval of R, and the two-sided
// exact binomial test of pi0 = E_t / (E_t + E_c) gives the p-value (statsmodels
// test_poisson_2indep(method="exact-cond"), R poisson.test). Exact for any number of events, so it
// suits the small counts of municipal services.
// Throws InvalidArgumentError for non-whole or negative events or a non-positive exposure, and
// NotEnoughDataError when the control has no events (the ratio is unbounded).
[[nodiscard]] Estimate rate_ratio(EventCount treatment, EventCount control, double confidence = 0.95);

// Rate difference (treatment rate - control rate, events per unit of exposure) with the Wald
// interval: standard error sqrt(x_t / E_t^2 + x_c / E_c^2), the p-value of the unpooled z-test of
// no difference (statsmodels confint_poisson_2indep / test_poisson_2indep with compare="diff",
// method="wald"). Needs only the events and exposures, so aggregated rows without sums of squares
// can be compared.
// Throws InvalidArgumentError as rate_ratio does, and NotEnoughDataError when neither arm has an
// event (the standard error is then 0).
[[nodiscard]] Estimate rate_difference(EventCount treatment, EventCount control, double confidence = 0.95);

}  // namespace kokeilu::stats
