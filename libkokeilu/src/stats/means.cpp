#include "kokeilu/stats/means.hpp"

#include "stats/checks.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <string>

namespace kokeilu::stats {

namespace {

using detail::num;

void check_spread(const Summary& arm, const std::string& field) {
    if (arm.n() < 2) {
        throw NotEnoughDataError(field, Message{"stats.mean.too_few", {{"n", static_cast<std::int64_t>(arm.n())}}});
    }
    if (!arm.has_variance()) {
        throw NotEnoughDataError(field, Message{"stats.mean.spread_unknown", {}});
    }
}

struct WelchParts {
    double vt_n = 0.0;  // s_t^2 / n_t
    double vc_n = 0.0;
    double df = 0.0;
};

WelchParts welch_parts(const Summary& treatment, const Summary& control) {
    check_spread(treatment, "treatment");
    check_spread(control, "control");
    WelchParts w;
    w.vt_n = treatment.variance() / static_cast<double>(treatment.n());
    w.vc_n = control.variance() / static_cast<double>(control.n());
    const double se2 = w.vt_n + w.vc_n;
    if (!(se2 > 0.0)) {
        throw NotEnoughDataError("treatment", Message{"stats.mean.zero_variance", {}});
    }
    w.df = se2 * se2 /
           (w.vt_n * w.vt_n / static_cast<double>(treatment.n() - 1) +
            w.vc_n * w.vc_n / static_cast<double>(control.n() - 1));
    return w;
}

// Fills interval, statistic and p-value of a t-based estimate.
void t_inference(Estimate& e, double se, double df, double null_value) {
    const boost::math::students_t dist(df);
    const double q = boost::math::quantile(boost::math::complement(dist, (1.0 - e.confidence) / 2.0));
    e.std_error = se;
    e.ci_low = e.estimate - q * se;
    e.ci_high = e.estimate + q * se;
    const double t = (e.estimate - null_value) / se;
    e.statistic = t;
    e.df = df;
    e.p_value = 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(t)));
}

}  // namespace

Estimate welch_difference(const Summary& treatment, const Summary& control, double confidence) {
    detail::check_confidence(confidence);
    const WelchParts w = welch_parts(treatment, control);
    Estimate e;
    e.confidence = confidence;
    e.method = "welch_t";
    e.estimate = treatment.mean() - control.mean();
    t_inference(e, std::sqrt(w.vt_n + w.vc_n), w.df, 0.0);
    return e;
}

Estimate relative_lift(const Summary& treatment, const Summary& control, double confidence) {
    detail::check_confidence(confidence);
    const WelchParts w = welch_parts(treatment, control);
    const double mc = control.mean();
    const double mt = treatment.mean();
    if (mc == 0.0) {
        throw NotEnoughDataError("control", Message{"stats.mean.control_zero", {}});
    }
    const double variance = w.vt_n / (mc * mc) + w.vc_n * mt * mt / (mc * mc * mc * mc);
    if (!(variance > 0.0)) {
        throw NotEnoughDataError("treatment", Message{"stats.mean.lift_zero_variance", {}});
    }
    Estimate e;
    e.confidence = confidence;
    e.method = "relative_lift_delta";
    e.estimate = (mt - mc) / mc;
    t_inference(e, std::sqrt(variance), w.df, 0.0);
    if (mc < 0.0) {
        e.notes = "the control mean is negative, so a positive lift means a lower mean, larger in magnitude";
    }
    return e;
}

Estimate one_sample_t(const Summary& group, double target, double confidence) {
    detail::check_confidence(confidence);
    detail::check_finite(target, "target");
    check_spread(group, "group");
    const double se = group.se();
    if (!(se > 0.0)) {
        throw NotEnoughDataError("group", Message{"stats.mean.group_zero_variance", {}});
    }
    Estimate e;
    e.confidence = confidence;
    e.method = "one_sample_t";
    e.estimate = group.mean() - target;
    t_inference(e, se, static_cast<double>(group.n() - 1), 0.0);
    e.notes = "difference from the target " + num(target);
    return e;
}

}  // namespace kokeilu::stats
