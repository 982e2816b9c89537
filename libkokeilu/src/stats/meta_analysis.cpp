#include "kokeilu/stats/meta_analysis.hpp"

#include "stats/checks.hpp"

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/tools/roots.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

namespace kokeilu::stats {

namespace {

// Fisher scoring stops when a step moves tau^2 by less than this share of the typical sampling
// variance: far tighter than metafor's default (1e-5 absolute), so that the estimate is the REML
// solution to the last digits a double holds rather than to the default's few.
constexpr double relative_threshold = 1e-14;
constexpr int max_iterations = 1000;

// The weighted pooling of the estimates at one tau^2, and the sums the estimators need.
struct Pooled {
    double mu = 0.0;         // sum w y / sum w
    double sum_w = 0.0;      // sum w
    double sum_w2 = 0.0;     // sum w^2
    double sum_w3 = 0.0;     // sum w^3
    double rss = 0.0;        // sum w (y - mu)^2: the generalised Q
    double rss_w2 = 0.0;     // sum w^2 (y - mu)^2 = y' P P y
    double log_det = 0.0;    // sum log(v + tau^2)
};

Pooled pool(std::span<const double> y, std::span<const double> v, double tau2) {
    Pooled p;
    double sum_wy = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double w = 1.0 / (v[i] + tau2);
        p.sum_w += w;
        p.sum_w2 += w * w;
        p.sum_w3 += w * w * w;
        sum_wy += w * y[i];
        p.log_det += std::log(v[i] + tau2);
    }
    p.mu = sum_wy / p.sum_w;
    for (std::size_t i = 0; i < y.size(); ++i) {
        const double w = 1.0 / (v[i] + tau2);
        const double r = y[i] - p.mu;
        p.rss += w * r * r;
        p.rss_w2 += w * w * r * r;
    }
    return p;
}

// tr(P) and tr(P P) of the intercept-only model, P = W - W 1 (1' W 1)^-1 1' W.
double trace_p(const Pooled& p) { return p.sum_w - p.sum_w2 / p.sum_w; }
double trace_pp(const Pooled& p) {
    return p.sum_w2 - 2.0 * p.sum_w3 / p.sum_w + (p.sum_w2 * p.sum_w2) / (p.sum_w * p.sum_w);
}

// The restricted log-likelihood up to its constant.
double reml_log_likelihood(const Pooled& p) { return -0.5 * (p.log_det + std::log(p.sum_w) + p.rss); }

double dersimonian_laird(std::span<const double> y, std::span<const double> v) {
    const Pooled fixed = pool(y, v, 0.0);
    const double df = static_cast<double>(y.size() - 1);
    return std::max(0.0, (fixed.rss - df) / trace_p(fixed));
}

// Paule-Mandel: the tau^2 at which the generalised Q equals its expectation k - 1. Q falls as tau^2
// grows, so the root is bracketed by doubling and found to the last bits (TOMS 748).
double paule_mandel(std::span<const double> y, std::span<const double> v) {
    const double df = static_cast<double>(y.size() - 1);
    const auto excess = [&](double tau2) { return pool(y, v, tau2).rss - df; };
    if (excess(0.0) <= 0.0) {
        return 0.0;
    }
    double high = std::max(dersimonian_laird(y, v), *std::max_element(v.begin(), v.end()));
    while (excess(high) > 0.0) {
        high *= 2.0;
    }
    std::uintmax_t iterations = 200;
    const auto [low_end, high_end] = boost::math::tools::toms748_solve(
        excess, 0.0, high, excess(0.0), excess(high), boost::math::tools::eps_tolerance<double>(52), iterations);
    return 0.5 * (low_end + high_end);
}

struct RemlFit {
    double tau2 = 0.0;
    int iterations = 0;
};

// REML by Fisher scoring as metafor's rma.uni does it: from the Hedges estimate, steps
// (y'PPy - tr P) / tr(PP), halved while they would make tau^2 negative; then, as metafor's
// ll0check, tau^2 = 0 when the likelihood is higher there (a boundary maximum, which the halved
// steps only approach).
RemlFit reml(std::span<const double> y, std::span<const double> v) {
    const auto k = static_cast<double>(y.size());
    double mean_y = 0.0;
    double sum_v = 0.0;
    for (std::size_t i = 0; i < y.size(); ++i) {
        mean_y += y[i];
        sum_v += v[i];
    }
    mean_y /= k;
    double ss = 0.0;
    for (double yi : y) {
        ss += (yi - mean_y) * (yi - mean_y);
    }
    const double threshold = relative_threshold * sum_v / k;
    RemlFit fit;
    fit.tau2 = std::max(0.0, (ss - sum_v * (k - 1.0) / k) / (k - 1.0));  // Hedges
    double change = threshold + 1.0;
    while (change > threshold) {
        if (++fit.iterations > max_iterations) {
            throw InvalidArgumentError("estimates", Message{"stats.meta.not_converged",
                                                            {{"iterations", std::int64_t{max_iterations}}}});
        }
        const Pooled p = pool(y, v, fit.tau2);
        double step = (p.rss_w2 - trace_p(p)) / trace_pp(p);
        if (!std::isfinite(step)) {
            step = 0.0;
        }
        while (fit.tau2 + step < 0.0) {
            step /= 2.0;
        }
        const double old = fit.tau2;
        fit.tau2 += step;
        change = std::abs(fit.tau2 - old);
    }
    if (fit.tau2 > 0.0 && reml_log_likelihood(pool(y, v, 0.0)) >= reml_log_likelihood(pool(y, v, fit.tau2))) {
        fit.tau2 = 0.0;
    }
    return fit;
}

Estimate wald(double mu, double se, double alpha, const char* method) {
    Estimate e;
    e.estimate = mu;
    e.std_error = se;
    e.confidence = 1.0 - alpha;
    e.method = method;
    detail::complete_wald(e);
    return e;
}

// mu with a t(df) interval and p-value from the standard error se.
Estimate t_based(double mu, double se, double df, double alpha, const char* method) {
    const boost::math::students_t dist(df);
    const double t = boost::math::quantile(boost::math::complement(dist, alpha / 2.0));
    Estimate e;
    e.estimate = mu;
    e.std_error = se;
    e.confidence = 1.0 - alpha;
    e.method = method;
    e.df = df;
    e.ci_low = mu - t * se;
    e.ci_high = mu + t * se;
    if (se > 0.0) {
        e.statistic = mu / se;
        e.p_value = 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(mu / se)));
    } else {
        // Every estimate equal and q = 0: the unrestricted HKSJ interval has no width (as metafor's).
        e.p_value = mu == 0.0 ? 1.0 : 0.0;
    }
    return e;
}

std::vector<double> shares(std::span<const double> v, double tau2) {
    std::vector<double> w(v.size());
    double total = 0.0;
    for (std::size_t i = 0; i < v.size(); ++i) {
        w[i] = 1.0 / (v[i] + tau2);
        total += w[i];
    }
    for (double& x : w) {
        x /= total;
    }
    return w;
}

void check_inputs(std::span<const double> estimates, std::span<const double> standard_errors, double alpha) {
    detail::check_probability_open(alpha, "alpha");
    if (estimates.size() < 2) {
        throw InvalidArgumentError("estimates", Message{"stats.meta.too_few",
                                                        {{"k", static_cast<std::int64_t>(estimates.size())}}});
    }
    detail::check_rows(standard_errors.size(), estimates.size(), "standard_errors");
    detail::check_all_finite(estimates, "estimates");
    for (std::size_t i = 0; i < standard_errors.size(); ++i) {
        const double se = standard_errors[i];
        // The variance se^2 must be a positive finite double too (1e-200 squared is 0).
        if (!(std::isfinite(se) && se > 0.0 && std::isfinite(se * se) && se * se > 0.0)) {
            std::string field = "standard_errors[";
            field += std::to_string(i);
            field += ']';
            throw InvalidArgumentError(field, Message{"stats.number.not_positive", {{"value", se}}});
        }
    }
}

}  // namespace

const char* to_string(TauMethod method) {
    switch (method) {
        case TauMethod::reml: return "reml";
        case TauMethod::dersimonian_laird: return "dl";
        case TauMethod::paule_mandel: return "pm";
    }
    return "unknown";
}

MetaAnalysis meta_analysis(std::span<const double> estimates, std::span<const double> standard_errors,
                           MetaOptions options) {
    check_inputs(estimates, standard_errors, options.alpha);
    const std::span<const double> y = estimates;
    std::vector<double> variances(standard_errors.size());
    std::transform(standard_errors.begin(), standard_errors.end(), variances.begin(),
                   [](double se) { return se * se; });
    const std::span<const double> v = variances;

    MetaAnalysis m;
    m.k = y.size();
    m.alpha = options.alpha;
    m.method = options.method;
    const double k = static_cast<double>(m.k);

    const Pooled fixed = pool(y, v, 0.0);
    m.fixed = wald(fixed.mu, std::sqrt(1.0 / fixed.sum_w), options.alpha, "meta_fixed_inverse_variance");
    m.fixed_weights = shares(v, 0.0);
    m.q = fixed.rss;
    m.q_df = k - 1.0;
    m.q_p_value = boost::math::cdf(boost::math::complement(boost::math::chi_squared(m.q_df), m.q));
    // Higgins and Thompson's (2002) measures from Q, truncated as I^2 is at 0.
    m.h_squared = std::max(1.0, m.q / m.q_df);
    m.i_squared = m.q > m.q_df ? (m.q - m.q_df) / m.q : 0.0;

    if (m.k < 5) {
        m.cautions.push_back(Message{"stats.meta.few_studies", {{"k", static_cast<std::int64_t>(m.k)}}});
    }
    if (m.k == 2) {
        // One degree of freedom for tau^2 and for the t interval: any random-effects claim would
        // rest on a between-municipality variance estimated from one difference.
        m.cautions.push_back(Message{"stats.meta.fixed_only", {}});
        return m;
    }

    RandomEffects r;
    switch (options.method) {
        case TauMethod::reml: {
            const RemlFit fit = reml(y, v);
            r.tau_squared = fit.tau2;
            r.iterations = fit.iterations;
            break;
        }
        case TauMethod::dersimonian_laird: r.tau_squared = dersimonian_laird(y, v); break;
        case TauMethod::paule_mandel: r.tau_squared = paule_mandel(y, v); break;
    }
    const Pooled p = pool(y, v, r.tau_squared);
    if (options.method == TauMethod::reml) {
        r.tau_squared_se = std::sqrt(2.0 / trace_pp(p));
    }
    r.weights = shares(v, r.tau_squared);
    const double se = std::sqrt(1.0 / p.sum_w);
    r.normal = wald(p.mu, se, options.alpha, "meta_random_normal");
    // Hartung-Knapp / Sidik-Jonkman: the variance scaled by the weighted residual variance q.
    r.hartung_knapp_factor = p.rss / (k - 1.0);
    r.hartung_knapp = t_based(p.mu, se * std::sqrt(r.hartung_knapp_factor), k - 1.0, options.alpha,
                              "meta_random_hartung_knapp");
    // Knapp and Hartung's (2003) ad hoc rule: q below 1 would make the interval narrower than the
    // usual one, so it is taken as 1 (metafor's test="adhoc").
    r.hartung_knapp_adhoc = t_based(p.mu, se * std::sqrt(std::max(1.0, r.hartung_knapp_factor)), k - 1.0,
                                    options.alpha, "meta_random_hartung_knapp_adhoc");
    // Higgins, Thompson and Spiegelhalter (2009): where the effect of a new municipality is
    // expected to lie, t with k - 2 degrees of freedom over sqrt(tau^2 + SE^2), SE the usual one.
    const boost::math::students_t dist(k - 2.0);
    const double half = boost::math::quantile(boost::math::complement(dist, options.alpha / 2.0)) *
                        std::sqrt(r.tau_squared + se * se);
    r.prediction = Interval{p.mu - half, p.mu + half};
    m.random = std::move(r);
    return m;
}

}  // namespace kokeilu::stats
