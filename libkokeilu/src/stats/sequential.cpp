#include "kokeilu/stats/sequential.hpp"

#include "kokeilu/stats/means.hpp"
#include "stats/checks.hpp"

#include <cmath>

namespace kokeilu::stats {

Estimate sequential_difference(const Summary& treatment, const Summary& control, double confidence,
                               const SequentialOptions& options) {
    detail::check_confidence(confidence);
    if (!(std::isfinite(options.tuning_n) && options.tuning_n > 0.0)) {
        throw InvalidArgumentError("tuning_n", Message{"stats.number.not_positive", {{"value", options.tuning_n}}});
    }
    const Estimate fixed = options.kind == EffectKind::absolute ? welch_difference(treatment, control, confidence)
                                                                : relative_lift(treatment, control, confidence);
    const double alpha = 1.0 - confidence;
    const double n_total = static_cast<double>(treatment.n() + control.n());
    const double variance = fixed.std_error * fixed.std_error;
    const double rho2 = (-2.0 * std::log(alpha) + std::log(-2.0 * std::log(alpha) + 1.0)) / options.tuning_n;
    const double s2 = variance * n_total;
    const double nr2p1 = n_total * rho2 + 1.0;
    const double half_width =
        std::sqrt(s2) * std::sqrt(2.0 * nr2p1 * std::log(std::sqrt(nr2p1) / alpha) / (n_total * n_total * rho2));

    Estimate e;
    e.confidence = confidence;
    e.method = options.kind == EffectKind::absolute ? "mixture_sprt" : "mixture_sprt_relative";
    e.estimate = fixed.estimate;
    e.std_error = fixed.std_error;
    e.ci_low = e.estimate - half_width;
    e.ci_high = e.estimate + half_width;
    const double t2 = e.estimate * e.estimate * n_total / variance;
    // ln(e-value), kept in logs so that a large statistic does not overflow.
    const double log_evalue = rho2 * t2 / (2.0 * nr2p1) - 0.5 * std::log(nr2p1);
    e.p_value = std::min(1.0, std::exp(-log_evalue));
    e.statistic = std::exp(log_evalue);
    e.notes = "always valid at every look; tuned to be narrowest at " + detail::num(options.tuning_n) + " units";
    return e;
}

}  // namespace kokeilu::stats
