#include "kokeilu/stats/proportions.hpp"

#include "stats/checks.hpp"

#include <boost/math/distributions/binomial.hpp>
#include <boost/math/distributions/hypergeometric.hpp>
#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

namespace kokeilu::stats {

namespace {

using detail::num;

void check_counts(Counts c, const std::string& field) {
    if (c.trials < 0) {
        throw InvalidArgumentError(field + ".trials",
                                   Message{"stats.count.negative", {{"value", static_cast<std::int64_t>(c.trials)}}});
    }
    if (c.successes < 0 || c.successes > c.trials) {
        throw InvalidArgumentError(field + ".successes",
                                   Message{"stats.successes.range",
                                           {{"trials", static_cast<std::int64_t>(c.trials)},
                                            {"successes", static_cast<std::int64_t>(c.successes)}}});
    }
    if (c.trials == 0) {
        throw NotEnoughDataError(field, Message{"stats.counts.no_trials", {}});
    }
}

double share(Counts c) { return static_cast<double>(c.successes) / static_cast<double>(c.trials); }

Interval wilson(Counts c, double z) {
    const double n = static_cast<double>(c.trials);
    const double p = share(c);
    const double z2 = z * z;
    const double denominator = 1.0 + z2 / n;
    const double centre = (p + z2 / (2.0 * n)) / denominator;
    const double half = z / denominator * std::sqrt(p * (1.0 - p) / n + z2 / (4.0 * n * n));
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

double two_sided_normal_p(double z) {
    const boost::math::normal standard;
    return 2.0 * boost::math::cdf(boost::math::complement(standard, std::abs(z)));
}

// z statistic of the pooled test; throws when the pooled share is 0 or 1.
double pooled_z(Counts t, Counts c) {
    const double nt = static_cast<double>(t.trials);
    const double nc = static_cast<double>(c.trials);
    const double pooled = static_cast<double>(t.successes + c.successes) / (nt + nc);
    const double variance = pooled * (1.0 - pooled) * (1.0 / nt + 1.0 / nc);
    if (!(variance > 0.0)) {
        throw NotEnoughDataError("treatment", Message{pooled == 0.0 ? "stats.proportions.no_success"
                                                                    : "stats.proportions.all_success",
                                                      {}});
    }
    return (share(t) - share(c)) / std::sqrt(variance);
}

// The score statistic of Miettinen and Nurminen for "treatment share - control share = delta":
// the observed difference less delta, over its standard error at the shares that are most likely
// under that hypothesis (the closed form of Farrington and Manning), times (N - 1) / N.
double score_z(Counts t, Counts c, double delta) {
    const double n1 = static_cast<double>(t.trials);
    const double n0 = static_cast<double>(c.trials);
    const double p1 = share(t);
    const double p0 = share(c);
    const double theta = n0 / n1;
    const double a = 1.0 + theta;
    const double b = -(1.0 + theta + p1 + theta * p0 + delta * (theta + 2.0));
    const double cc = delta * delta + delta * (2.0 * p1 + theta + 1.0) + p1 + theta * p0;
    const double d = -p1 * delta * (1.0 + delta);
    const double v = b * b * b / (27.0 * a * a * a) - b * cc / (6.0 * a * a) + d / (2.0 * a);
    const double u_squared = std::max(0.0, b * b / (9.0 * a * a) - cc / (3.0 * a));
    const double u = std::copysign(std::sqrt(u_squared), v);
    const double cosine = u == 0.0 ? 0.0 : std::clamp(v / (u * u * u), -1.0, 1.0);
    const double w = (std::numbers::pi + std::acos(cosine)) / 3.0;
    const double q1 = std::clamp(2.0 * u * std::cos(w) - b / (3.0 * a), 0.0, 1.0);
    const double q0 = std::clamp(q1 - delta, 0.0, 1.0);
    const double n = n1 + n0;
    const double variance = (q1 * (1.0 - q1) / n1 + q0 * (1.0 - q0) / n0) * n / (n - 1.0);
    const double excess = p1 - p0 - delta;
    if (!(variance > 0.0)) {
        return excess == 0.0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), excess);
    }
    return excess / std::sqrt(variance);
}

// One end of the score interval: the difference in (from, to) where the score statistic crosses
// `z`, by bisection, `from` lying outside the interval and `to` inside it. The end returned lies
// inside, so that an end found between zero and the estimate never reaches zero.
double score_bound(Counts t, Counts c, double z, double from, double to) {
    for (int i = 0; i < 200 && std::abs(to - from) > 1e-13; ++i) {
        const double middle = (from + to) / 2.0;
        (std::abs(score_z(t, c, middle)) > z ? from : to) = middle;
    }
    return to;
}

}  // namespace

Interval wilson_interval(Counts counts, double confidence) {
    detail::check_confidence(confidence);
    check_counts(counts, "group");
    return wilson(counts, detail::two_sided_z(confidence));
}

Estimate proportion_difference(Counts treatment, Counts control, double confidence) {
    detail::check_confidence(confidence);
    check_counts(treatment, "treatment");
    check_counts(control, "control");
    const double z = detail::two_sided_z(confidence);
    const double pt = share(treatment);
    const double pc = share(control);
    const Interval it = wilson(treatment, z);
    const Interval ic = wilson(control, z);
    Estimate e;
    e.confidence = confidence;
    e.method = "newcombe_wilson";
    e.estimate = pt - pc;
    e.ci_low = e.estimate - std::sqrt((pt - it.low) * (pt - it.low) + (ic.high - pc) * (ic.high - pc));
    e.ci_high = e.estimate + std::sqrt((it.high - pt) * (it.high - pt) + (pc - ic.low) * (pc - ic.low));
    const double stat = pooled_z(treatment, control);
    e.statistic = stat;
    e.p_value = two_sided_normal_p(stat);
    e.std_error = std::sqrt(pt * (1.0 - pt) / static_cast<double>(treatment.trials) +
                            pc * (1.0 - pc) / static_cast<double>(control.trials));
    e.notes = "p-value from the pooled two-proportion z-test";
    return e;
}

Estimate score_difference(Counts treatment, Counts control, double confidence) {
    detail::check_confidence(confidence);
    check_counts(treatment, "treatment");
    check_counts(control, "control");
    (void)pooled_z(treatment, control);  // refuses tables where nothing varies, as proportion_difference does
    const double z = detail::two_sided_z(confidence);
    Estimate e;
    e.confidence = confidence;
    e.method = "score_miettinen_nurminen";
    e.estimate = share(treatment) - share(control);
    const double stat = score_z(treatment, control, 0.0);
    e.statistic = stat;
    e.p_value = two_sided_normal_p(stat);
    // Each end is sought on the side of zero that the p-value says: the interval then excludes zero
    // exactly when p < 1 - confidence, even where rounding would otherwise split the two.
    const bool excludes_zero = e.p_value < 1.0 - confidence;
    const double low_outside = excludes_zero && e.estimate > 0.0 ? 0.0 : -1.0;
    const double low_inside = !excludes_zero && e.estimate > 0.0 ? 0.0 : e.estimate;
    const double high_outside = excludes_zero && e.estimate < 0.0 ? 0.0 : 1.0;
    const double high_inside = !excludes_zero && e.estimate < 0.0 ? 0.0 : e.estimate;
    e.ci_low = e.estimate <= -1.0 ? -1.0 : score_bound(treatment, control, z, low_outside, low_inside);
    e.ci_high = e.estimate >= 1.0 ? 1.0 : score_bound(treatment, control, z, high_outside, high_inside);
    e.std_error = std::sqrt(share(treatment) * (1.0 - share(treatment)) / static_cast<double>(treatment.trials) +
                            share(control) * (1.0 - share(control)) / static_cast<double>(control.trials));
    return e;
}

Estimate two_proportion_z_test(Counts treatment, Counts control, double confidence) {
    detail::check_confidence(confidence);
    check_counts(treatment, "treatment");
    check_counts(control, "control");
    const double pt = share(treatment);
    const double pc = share(control);
    Estimate e;
    e.confidence = confidence;
    e.method = "two_proportion_z";
    e.estimate = pt - pc;
    const double stat = pooled_z(treatment, control);
    e.statistic = stat;
    e.p_value = two_sided_normal_p(stat);
    e.std_error = std::sqrt(pt * (1.0 - pt) / static_cast<double>(treatment.trials) +
                            pc * (1.0 - pc) / static_cast<double>(control.trials));
    const double z = detail::two_sided_z(confidence);
    e.ci_low = e.estimate - z * e.std_error;
    e.ci_high = e.estimate + z * e.std_error;
    if (e.std_error == 0.0) {
        e.notes = "both shares are 0 or 1, so the Wald interval has zero width; prefer the Newcombe interval";
    }
    return e;
}

FisherResult fisher_exact(Counts treatment, Counts control) {
    check_counts(treatment, "treatment");
    check_counts(control, "control");
    const auto a = treatment.successes;
    const auto b = treatment.trials - treatment.successes;
    const auto c = control.successes;
    const auto d = control.trials - control.successes;
    FisherResult result;
    const double ad = static_cast<double>(a) * static_cast<double>(d);
    const double bc = static_cast<double>(b) * static_cast<double>(c);
    if (bc > 0.0) {
        result.odds_ratio = ad / bc;
    } else if (ad > 0.0) {
        result.odds_ratio = std::numeric_limits<double>::infinity();
    }
    // Conditional on the margins, a follows a hypergeometric distribution: the successes (a + c)
    // are the "defective" items, the treatment arm is the sample drawn from all trials.
    const auto successes = static_cast<unsigned>(a + c);
    const auto drawn = static_cast<unsigned>(treatment.trials);
    const auto total = static_cast<unsigned>(treatment.trials + control.trials);
    const boost::math::hypergeometric_distribution<double> dist(successes, drawn, total);
    const long long lo = std::max<long long>(0, static_cast<long long>(drawn) + successes - total);
    const long long hi = std::min<long long>(drawn, successes);
    if (lo == hi) {
        result.p_value = 1.0;  // only one table has these margins
        return result;
    }
    // The mode of the hypergeometric distribution.
    auto mode = static_cast<long long>(std::floor((static_cast<double>(drawn) + 1.0) *
                                                  (static_cast<double>(successes) + 1.0) /
                                                  (static_cast<double>(total) + 2.0)));
    mode = std::clamp(mode, lo, hi);
    auto pmf = [&](long long k) { return boost::math::pdf(dist, static_cast<unsigned>(k)); };
    auto cdf = [&](long long k) { return boost::math::cdf(dist, static_cast<unsigned>(k)); };
    auto sf = [&](long long k) {
        return k < lo ? 1.0 : boost::math::cdf(boost::math::complement(dist, static_cast<unsigned>(k)));
    };
    result.p_value = detail::minlike_two_sided(a, lo, hi, mode, pmf, cdf, sf);
    return result;
}

Estimate one_sample_proportion(Counts group, double target, double confidence) {
    detail::check_confidence(confidence);
    check_counts(group, "group");
    detail::check_probability_open(target, "target");
    const Interval ci = wilson(group, detail::two_sided_z(confidence));
    Estimate e;
    e.confidence = confidence;
    e.method = "wilson_exact_binomial";
    e.estimate = share(group) - target;
    e.ci_low = ci.low - target;
    e.ci_high = ci.high - target;
    e.std_error = std::sqrt(target * (1.0 - target) / static_cast<double>(group.trials));
    const boost::math::binomial_distribution<double> dist(static_cast<double>(group.trials), target);
    const long long n = group.trials;
    auto mode = static_cast<long long>(std::floor((static_cast<double>(n) + 1.0) * target));
    mode = std::clamp<long long>(mode, 0, n);
    auto pmf = [&](long long k) { return boost::math::pdf(dist, static_cast<double>(k)); };
    auto cdf = [&](long long k) { return boost::math::cdf(dist, static_cast<double>(k)); };
    auto sf = [&](long long k) {
        return k < 0 ? 1.0 : boost::math::cdf(boost::math::complement(dist, static_cast<double>(k)));
    };
    e.p_value = detail::minlike_two_sided(group.successes, 0, n, mode, pmf, cdf, sf);
    e.notes = "difference from the target share " + num(target) + "; interval by Wilson, p-value exact binomial";
    return e;
}

}  // namespace kokeilu::stats
