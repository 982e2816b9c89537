// Bayesian comparisons: the posterior of the effect, the chance that the treatment is better, and
// the expected loss (risk) of choosing either arm. Computed in closed form or by deterministic
// numerical integration (Boost.Math quadrature), never by Monte Carlo, so the same data always give
// the same numbers to the last digit.
#pragma once

#include "kokeilu/metric.hpp"
#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/proportions.hpp"
#include "kokeilu/stats/rates.hpp"
#include "kokeilu/stats/summary.hpp"

namespace kokeilu::stats {

// Whether an effect is the difference (treatment - control) or the relative lift
// (treatment / control - 1).
enum class EffectKind { absolute, relative };

// A Gaussian prior on the effect. Not proper (the default) means flat: the posterior is then the
// likelihood, as in GrowthBook's default.
struct GaussianPrior {
    double mean = 0.0;
    double variance = 1.0;
    bool proper = false;
};

struct BayesResult {
    double posterior_mean = 0.0;  // of the effect
    double posterior_sd = 0.0;
    double ci_low = 0.0;          // equal-tailed credible interval at `confidence`
    double ci_high = 0.0;
    double confidence = 0.95;
    // P(the treatment is better), "better" as the metric's direction says.
    double chance_to_win = 0.0;
    // Expected loss: how much of the metric (on the effect's scale) one expects to give up by
    // choosing the treatment when the control is in fact better, and the other way round.
    double risk_treatment = 0.0;
    double risk_control = 0.0;
    std::string method{};
};

// Normal model (gbstats' Gaussian test): the effect's likelihood is N(estimate, se^2), with the
// Welch standard error for absolute effects and the delta-method one for relative lifts; combined
// with the prior by precision weighting. The chance to win is a normal tail and the risk the closed
// form E[max(-D, 0)] = s phi(m/s) - m Phi(-m/s) of a normal D ~ N(m, s^2).
// Throws NotEnoughDataError as welch_difference / relative_lift do, and InvalidArgumentError for a
// proper prior with variance <= 0.
[[nodiscard]] BayesResult bayes_normal(const Summary& treatment, const Summary& control,
                                       EffectKind kind = EffectKind::absolute,
                                       Direction direction = Direction::higher_is_better,
                                       const GaussianPrior& prior = {}, double confidence = 0.95);

// A Beta(alpha, beta) prior on each arm's share; Beta(1, 1) (uniform) by default.
struct BetaPrior {
    double alpha = 1.0;
    double beta = 1.0;
};

// Beta-binomial model for proportions: posteriors Beta(alpha + s, beta + f) per arm. The chance to
// win P(p_t > p_c) = integral of pdf_t(x) cdf_c(x) dx, and the expected losses
// E[max(p_c - p_t, 0)] = integral of pdf_t(x) E[max(p_c - x, 0)] dx with E[max(p_c - x, 0)] in
// closed form through regularized incomplete beta functions; both integrals by adaptive
// Gauss-Kronrod quadrature over the range that holds all but 1e-14 of the treatment's posterior.
// The posterior mean and sd are those of p_t - p_c; the credible interval is the normal one around
// them (exact percentiles of a difference of betas have no closed form).
// Throws NotEnoughDataError when an arm has no trials.
[[nodiscard]] BayesResult bayes_beta_binomial(Counts treatment, Counts control,
                                              Direction direction = Direction::higher_is_better,
                                              const BetaPrior& prior = {}, double confidence = 0.95);

// A Gamma(shape, rate) prior on each arm's rate of events per unit of exposure. The default,
// shape 0.5 and rate 0, is Jeffreys' prior for a Poisson rate: improper but weak (worth half an
// event over no exposure), so the posterior Gamma(0.5 + events, exposure) does not depend on the
// unit the exposure is measured in.
struct GammaPrior {
    double shape = 0.5;
    double rate = 0.0;
};

// Gamma-Poisson model for counts over an exposure: posteriors Gamma(shape + events, rate +
// exposure) per arm, in closed form throughout. With X_t = b_t L_t and X_c = b_c L_c standard
// gammas, X_t / (X_t + X_c) is Beta(a_t, a_c), so P(L_t > L_c) = Q_beta(a_t, a_c, b_t / (b_t + b_c))
// and the ratio L_t / L_c = (b_c / b_t) B / (1 - B) is a scaled beta prime.
// Absolute effects are the rate difference L_t - L_c (its credible interval the normal one around
// the posterior mean and sd); relative effects are L_t / L_c - 1 with the exact equal-tailed
// interval from the beta's quantiles. The expected losses are closed forms of incomplete beta
// functions (size-biased gammas for the difference, E[B / (1 - B); B < q] for the ratio).
// Throws InvalidArgumentError for non-whole or negative events, a non-positive exposure, or a
// prior with shape <= 0 or rate < 0; NotEnoughDataError for a relative effect when the control's
// posterior shape is 2 or less (the ratio's mean or spread is then infinite).
[[nodiscard]] BayesResult bayes_gamma_poisson(EventCount treatment, EventCount control,
                                              EffectKind kind = EffectKind::absolute,
                                              Direction direction = Direction::higher_is_better,
                                              const GammaPrior& prior = {}, double confidence = 0.95);

}  // namespace kokeilu::stats
