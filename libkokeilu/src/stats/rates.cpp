#include "kokeilu/stats/rates.hpp"

#include "stats/checks.hpp"

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/special_functions/beta.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace kokeilu::stats {

namespace {

using detail::num;

void check_events(EventCount c, const std::string& field) {
    if (!(std::isfinite(c.events) && c.events >= 0.0 && c.events == std::floor(c.events))) {
        throw InvalidArgumentError(field + ".events", Message{"stats.rates.events", {{"value", c.events}}});
    }
    if (!(std::isfinite(c.exposure) && c.exposure > 0.0)) {
        throw InvalidArgumentError(field + ".exposure", Message{"stats.number.not_positive", {{"value", c.exposure}}});
    }
}

}  // namespace

Estimate rate_ratio(EventCount treatment, EventCount control, double confidence) {
    detail::check_confidence(confidence);
    check_events(treatment, "treatment");
    check_events(control, "control");
    if (control.events == 0.0) {
        throw NotEnoughDataError("control", Message{"stats.rates.no_control_events", {}});
    }
    const double xt = treatment.events;
    const double x = treatment.events + control.events;
    const double alpha = 1.0 - confidence;
    // Clopper-Pearson limits for pi, the treatment's share of the events.
    const double pi_low = xt == 0.0 ? 0.0 : boost::math::ibeta_inv(xt, x - xt + 1.0, alpha / 2.0);
    const double pi_high = xt == x ? 1.0 : boost::math::ibeta_inv(xt + 1.0, x - xt, 1.0 - alpha / 2.0);
    const double exposure_ratio = control.exposure / treatment.exposure;

    Estimate e;
    e.confidence = confidence;
    e.method = "poisson_exact_conditional";
    e.estimate = (treatment.events / treatment.exposure) / (control.events / control.exposure);
    e.ci_low = pi_low / (1.0 - pi_low) * exposure_ratio;
    e.ci_high = pi_high / (1.0 - pi_high) * exposure_ratio;  // finite: pi_high < 1 as control.events > 0
    // Delta-method standard error of the ratio, for reference only: the interval above is exact.
    e.std_error = xt > 0.0 ? e.estimate * std::sqrt(1.0 / xt + 1.0 / control.events) : 0.0;

    const double pi0 = treatment.exposure / (treatment.exposure + control.exposure);
    const boost::math::binomial_distribution<double> dist(x, pi0);
    const auto n = static_cast<long long>(x);
    auto mode = static_cast<long long>(std::floor((x + 1.0) * pi0));
    mode = std::clamp<long long>(mode, 0, n);
    auto pmf = [&](long long k) { return boost::math::pdf(dist, static_cast<double>(k)); };
    auto cdf = [&](long long k) { return boost::math::cdf(dist, static_cast<double>(k)); };
    auto sf = [&](long long k) {
        return k < 0 ? 1.0 : boost::math::cdf(boost::math::complement(dist, static_cast<double>(k)));
    };
    e.p_value = detail::minlike_two_sided(static_cast<long long>(xt), 0, n, mode, pmf, cdf, sf);
    if (treatment.events == 0.0) {
        e.notes = "the treatment had no events; the lower limit is 0";
    }
    return e;
}

Estimate rate_difference(EventCount treatment, EventCount control, double confidence) {
    detail::check_confidence(confidence);
    check_events(treatment, "treatment");
    check_events(control, "control");
    if (treatment.events == 0.0 && control.events == 0.0) {
        throw NotEnoughDataError("events", Message{"stats.rates.no_events", {}});
    }
    const double rate_t = treatment.events / treatment.exposure;
    const double rate_c = control.events / control.exposure;
    Estimate e;
    e.confidence = confidence;
    e.method = "poisson_rate_difference_wald";
    e.estimate = rate_t - rate_c;
    // The variance of a Poisson rate x / E is its expectation over E, estimated by x / E^2.
    e.std_error = std::sqrt(rate_t / treatment.exposure + rate_c / control.exposure);
    detail::complete_wald(e);
    return e;
}

}  // namespace kokeilu::stats
