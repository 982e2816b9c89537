#include "kokeilu/stats/bayes.hpp"

#include "kokeilu/stats/means.hpp"
#include "stats/checks.hpp"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/quadrature/gauss_kronrod.hpp>
#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>
#include <string>

namespace kokeilu::stats {

namespace {

using detail::num;

// E[max(D, 0)] for D ~ N(m, s^2).
double positive_part_mean(double m, double s) {
    const boost::math::normal standard;
    return m * boost::math::cdf(standard, m / s) + s * boost::math::pdf(standard, m / s);
}

void check_beta_prior(const BetaPrior& prior) {
    if (!(std::isfinite(prior.alpha) && prior.alpha > 0.0)) {
        throw InvalidArgumentError("prior.alpha", Message{"stats.number.not_positive", {{"value", prior.alpha}}});
    }
    if (!(std::isfinite(prior.beta) && prior.beta > 0.0)) {
        throw InvalidArgumentError("prior.beta", Message{"stats.number.not_positive", {{"value", prior.beta}}});
    }
}

void check_arm(Counts c, const std::string& field) {
    if (c.trials < 0 || c.successes < 0 || c.successes > c.trials) {
        throw InvalidArgumentError(field + ".successes",
                                   Message{"stats.successes.range",
                                           {{"trials", static_cast<std::int64_t>(c.trials)},
                                            {"successes", static_cast<std::int64_t>(c.successes)}}});
    }
    if (c.trials == 0) {
        throw NotEnoughDataError(field, Message{"stats.counts.no_trials", {}});
    }
}

void check_gamma_prior(const GammaPrior& prior) {
    if (!(std::isfinite(prior.shape) && prior.shape > 0.0)) {
        throw InvalidArgumentError("prior.shape", Message{"stats.number.not_positive", {{"value", prior.shape}}});
    }
    if (!(std::isfinite(prior.rate) && prior.rate >= 0.0)) {
        throw InvalidArgumentError("prior.rate", Message{"stats.number.negative", {{"value", prior.rate}}});
    }
}

void check_events(EventCount c, const std::string& field) {
    if (!(std::isfinite(c.events) && c.events >= 0.0 && c.events == std::floor(c.events))) {
        throw InvalidArgumentError(field + ".events", Message{"stats.rates.events", {{"value", c.events}}});
    }
    if (!(std::isfinite(c.exposure) && c.exposure > 0.0)) {
        throw InvalidArgumentError(field + ".exposure", Message{"stats.number.not_positive", {{"value", c.exposure}}});
    }
}

}  // namespace

BayesResult bayes_normal(const Summary& treatment, const Summary& control, EffectKind kind, Direction direction,
                         const GaussianPrior& prior, double confidence) {
    detail::check_confidence(confidence);
    if (prior.proper && !(std::isfinite(prior.variance) && prior.variance > 0.0)) {
        throw InvalidArgumentError("prior.variance", Message{"stats.number.not_positive", {{"value", prior.variance}}});
    }
    if (prior.proper) {
        detail::check_finite(prior.mean, "prior.mean");
    }
    const Estimate data = kind == EffectKind::absolute ? welch_difference(treatment, control, confidence)
                                                       : relative_lift(treatment, control, confidence);
    const double data_variance = data.std_error * data.std_error;
    double precision = 1.0 / data_variance;
    double mean = data.estimate;
    if (prior.proper) {
        precision += 1.0 / prior.variance;
        mean = (data.estimate / data_variance + prior.mean / prior.variance) / precision;
    }
    BayesResult r;
    r.method = kind == EffectKind::absolute ? "bayes_normal_absolute" : "bayes_normal_relative";
    r.confidence = confidence;
    r.posterior_mean = mean;
    r.posterior_sd = std::sqrt(1.0 / precision);
    const boost::math::normal posterior(mean, r.posterior_sd);
    r.ci_low = boost::math::quantile(posterior, (1.0 - confidence) / 2.0);
    r.ci_high = boost::math::quantile(boost::math::complement(posterior, (1.0 - confidence) / 2.0));
    // Expected loss of shipping the treatment is what is lost when the effect is negative, and of
    // keeping the control what is lost when it is positive; "negative" follows the direction.
    const double better = direction == Direction::higher_is_better ? 1.0 : -1.0;
    r.chance_to_win = boost::math::cdf(boost::math::complement(posterior, 0.0));
    if (better < 0.0) {
        r.chance_to_win = boost::math::cdf(posterior, 0.0);
    }
    r.risk_treatment = positive_part_mean(-better * mean, r.posterior_sd);
    r.risk_control = positive_part_mean(better * mean, r.posterior_sd);
    return r;
}

BayesResult bayes_beta_binomial(Counts treatment, Counts control, Direction direction, const BetaPrior& prior,
                                double confidence) {
    detail::check_confidence(confidence);
    check_beta_prior(prior);
    check_arm(treatment, "treatment");
    check_arm(control, "control");
    const double at = prior.alpha + static_cast<double>(treatment.successes);
    const double bt = prior.beta + static_cast<double>(treatment.trials - treatment.successes);
    const double ac = prior.alpha + static_cast<double>(control.successes);
    const double bc = prior.beta + static_cast<double>(control.trials - control.successes);
    const boost::math::beta_distribution<double> post_t(at, bt);
    const boost::math::beta_distribution<double> post_c(ac, bc);
    const double mean_c = ac / (ac + bc);
    const double mean_t = at / (at + bt);

    // The treatment's posterior is negligible outside its central 1 - 2e-14; integrating only there
    // keeps the adaptive rule on the peak however large the samples.
    constexpr double tail = 1e-14;
    const double lo = boost::math::quantile(post_t, tail);
    const double hi = boost::math::quantile(boost::math::complement(post_t, tail));
    // The tolerance is relative to the integral. Near double precision (1e-13) the error estimate
    // of large posteriors (10^5 trials and more) never gets under it, and the rule then splits
    // down to max_depth: millions of incomplete-beta calls. 1e-10 is met in a few hundred calls at
    // every size tried (10^2 to 10^7 trials); the depth bounds the worst case to milliseconds.
    constexpr unsigned max_depth = 12;
    constexpr double tolerance = 1e-10;
    using Rule = boost::math::quadrature::gauss_kronrod<double, 61>;

    // P(p_c < p_t) = E_t[F_c(p_t)].
    const double p_control_below = Rule::integrate(
        [&](double x) { return boost::math::pdf(post_t, x) * boost::math::ibeta(ac, bc, x); }, lo, hi, max_depth,
        tolerance);
    // E[max(p_c - x, 0)] = E[p_c; p_c > x] - x P(p_c > x) = mean_c Q(ac + 1, bc, x) - x Q(ac, bc, x).
    const double loss_if_treatment = Rule::integrate(
        [&](double x) {
            const double gain = mean_c * boost::math::ibetac(ac + 1.0, bc, x) - x * boost::math::ibetac(ac, bc, x);
            return boost::math::pdf(post_t, x) * std::max(0.0, gain);
        },
        lo, hi, max_depth, tolerance);
    // max(D, 0) - max(-D, 0) = D, so the other loss follows from the means.
    const double loss_if_control = std::max(0.0, (mean_t - mean_c) + loss_if_treatment);

    BayesResult r;
    r.method = "bayes_beta_binomial";
    r.confidence = confidence;
    r.posterior_mean = mean_t - mean_c;
    const double var_t = at * bt / ((at + bt) * (at + bt) * (at + bt + 1.0));
    const double var_c = ac * bc / ((ac + bc) * (ac + bc) * (ac + bc + 1.0));
    r.posterior_sd = std::sqrt(var_t + var_c);
    const double z = detail::two_sided_z(confidence);
    r.ci_low = r.posterior_mean - z * r.posterior_sd;
    r.ci_high = r.posterior_mean + z * r.posterior_sd;
    const double p_treatment_higher = std::clamp(p_control_below, 0.0, 1.0);
    if (direction == Direction::higher_is_better) {
        r.chance_to_win = p_treatment_higher;
        r.risk_treatment = loss_if_treatment;
        r.risk_control = loss_if_control;
    } else {
        r.chance_to_win = 1.0 - p_treatment_higher;
        r.risk_treatment = loss_if_control;
        r.risk_control = loss_if_treatment;
    }
    return r;
}

BayesResult bayes_gamma_poisson(EventCount treatment, EventCount control, EffectKind kind, Direction direction,
                                const GammaPrior& prior, double confidence) {
    detail::check_confidence(confidence);
    check_gamma_prior(prior);
    check_events(treatment, "treatment");
    check_events(control, "control");
    const double at = prior.shape + treatment.events;
    const double bt = prior.rate + treatment.exposure;
    const double ac = prior.shape + control.events;
    const double bc = prior.rate + control.exposure;
    // L_t > L_c exactly when B = X_t / (X_t + X_c) ~ Beta(at, ac) exceeds q.
    const double q = bt / (bt + bc);
    const double p_treatment_higher = boost::math::ibetac(at, ac, q);

    BayesResult r;
    r.confidence = confidence;
    double loss_if_treatment = 0.0;  // E[max(control - treatment, 0)] on the effect's scale
    double loss_if_control = 0.0;    // E[max(treatment - control, 0)]
    if (kind == EffectKind::absolute) {
        r.method = "bayes_gamma_poisson_absolute";
        const double mean_t = at / bt;
        const double mean_c = ac / bc;
        r.posterior_mean = mean_t - mean_c;
        r.posterior_sd = std::sqrt(at / (bt * bt) + ac / (bc * bc));
        const double z = detail::two_sided_z(confidence);
        r.ci_low = r.posterior_mean - z * r.posterior_sd;
        r.ci_high = r.posterior_mean + z * r.posterior_sd;
        // E[L_c; L_c > L_t] = mean_c P(L'_c > L_t) with L'_c ~ Gamma(ac + 1, bc) (size-biased), and
        // so on for the treatment; each probability is again an incomplete beta at q.
        loss_if_treatment = mean_c * boost::math::ibeta(at, ac + 1.0, q) - mean_t * boost::math::ibeta(at + 1.0, ac, q);
        loss_if_control = mean_t * boost::math::ibetac(at + 1.0, ac, q) - mean_c * boost::math::ibetac(at, ac + 1.0, q);
    } else {
        r.method = "bayes_gamma_poisson_relative";
        // The ratio's mean needs ac > 1 and its spread ac > 2: with fewer control events the
        // posterior cannot say by how much the treatment differs.
        if (!(ac > 2.0)) {
            throw NotEnoughDataError("control", Message{"stats.rates.few_control_events", {{"shape", ac}}});
        }
        const double k = bc / bt;  // R = L_t / L_c = k B / (1 - B)
        const double mean_ratio = k * at / (ac - 1.0);
        r.posterior_mean = mean_ratio - 1.0;
        r.posterior_sd = k * std::sqrt(at * (at + ac - 1.0) / ((ac - 2.0) * (ac - 1.0) * (ac - 1.0)));
        const auto ratio_at = [&](double p) {
            double one_minus = 0.0;
            const double b = boost::math::ibeta_inv(at, ac, p, &one_minus);
            return k * b / one_minus;
        };
        const double tail = (1.0 - confidence) / 2.0;
        r.ci_low = ratio_at(tail) - 1.0;
        r.ci_high = ratio_at(1.0 - tail) - 1.0;
        // E[R; R < 1] = k E[B / (1 - B); B < q] = mean_ratio I_q(at + 1, ac - 1).
        loss_if_treatment = boost::math::ibeta(at, ac, q) - mean_ratio * boost::math::ibeta(at + 1.0, ac - 1.0, q);
        loss_if_control = mean_ratio * boost::math::ibetac(at + 1.0, ac - 1.0, q) - boost::math::ibetac(at, ac, q);
    }
    // Rounding can leave a tiny negative remainder where a loss is all but 0.
    loss_if_treatment = std::max(0.0, loss_if_treatment);
    loss_if_control = std::max(0.0, loss_if_control);
    if (direction == Direction::higher_is_better) {
        r.chance_to_win = p_treatment_higher;
        r.risk_treatment = loss_if_treatment;
        r.risk_control = loss_if_control;
    } else {
        r.chance_to_win = boost::math::ibeta(at, ac, q);  // not 1 - P: that loses a tiny chance
        r.risk_treatment = loss_if_control;
        r.risk_control = loss_if_treatment;
    }
    return r;
}

}  // namespace kokeilu::stats
