#include "kokeilu/stats/power.hpp"

#include "stats/checks.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/tools/roots.hpp>

#include <cmath>
#include <cstdint>
#include <string>

namespace kokeilu::stats {

namespace {

using detail::num;

void check_plan(double alpha, double power) {
    detail::check_probability_open(alpha, "alpha");
    detail::check_probability_open(power, "power");
}

std::int64_t round_up(double n) { return static_cast<std::int64_t>(std::ceil(n - 1e-9)); }

}  // namespace

SampleSize sample_size_mean(double minimum_effect, double sd, double alpha, double power, PlanDesign design) {
    check_plan(alpha, power);
    if (!(std::isfinite(minimum_effect) && minimum_effect != 0.0)) {
        throw InvalidArgumentError("minimum_effect", Message{"stats.power.effect_zero", {{"value", minimum_effect}}});
    }
    if (!(std::isfinite(sd) && sd > 0.0)) {
        throw InvalidArgumentError("sd", Message{"stats.number.not_positive", {{"value", sd}}});
    }
    const boost::math::normal standard;
    const double z_alpha = boost::math::quantile(boost::math::complement(standard, alpha / 2.0));
    const double z_power = boost::math::quantile(standard, power);
    const double d = std::abs(minimum_effect) / sd;
    const double k = design == PlanDesign::two_groups ? 2.0 : 1.0;
    // The one-tailed closed form is an upper bound: the far tail only adds power.
    const double upper = k * (z_alpha + z_power) * (z_alpha + z_power) / (d * d);
    auto achieved = [&](double n) {
        const double shift = d * std::sqrt(n / k);
        return boost::math::cdf(standard, shift - z_alpha) + boost::math::cdf(standard, -shift - z_alpha) - power;
    };
    SampleSize result;
    if (achieved(upper * 1e-6) >= 0.0) {
        result.exact = upper;  // only reachable for absurd inputs; the bound is then the answer
    } else {
        std::uintmax_t iterations = 200;
        const auto root = boost::math::tools::toms748_solve(achieved, upper * 1e-6, upper,
                                                            boost::math::tools::eps_tolerance<double>(52), iterations);
        result.exact = (root.first + root.second) / 2.0;
    }
    result.per_group = round_up(result.exact);
    return result;
}

SampleSize sample_size_proportion(double baseline, double minimum_effect, double alpha, double power,
                                  PlanDesign design) {
    check_plan(alpha, power);
    detail::check_probability_open(baseline, "baseline");
    const double target = baseline + minimum_effect;
    if (!(std::isfinite(minimum_effect) && minimum_effect != 0.0)) {
        throw InvalidArgumentError("minimum_effect", Message{"stats.power.effect_zero", {{"value", minimum_effect}}});
    }
    if (!(target > 0.0 && target < 1.0)) {
        throw InvalidArgumentError("minimum_effect", Message{"stats.power.target_share", {{"value", target}}});
    }
    const boost::math::normal standard;
    const double z_alpha = boost::math::quantile(boost::math::complement(standard, alpha / 2.0));
    const double z_power = boost::math::quantile(standard, power);
    const double q0 = 1.0 - baseline;
    const double q1 = 1.0 - target;
    double numerator = 0.0;
    if (design == PlanDesign::two_groups) {
        const double pbar = (baseline + target) / 2.0;
        numerator = z_alpha * std::sqrt(2.0 * pbar * (1.0 - pbar)) + z_power * std::sqrt(baseline * q0 + target * q1);
    } else {
        numerator = z_alpha * std::sqrt(baseline * q0) + z_power * std::sqrt(target * q1);
    }
    SampleSize result;
    result.exact = numerator * numerator / (minimum_effect * minimum_effect);
    result.per_group = round_up(result.exact);
    return result;
}

Schedule days_needed(std::int64_t needed_per_group, std::int64_t current_per_group, double per_group_per_day,
                     std::optional<double> days_left) {
    if (needed_per_group < 0) {
        throw InvalidArgumentError("needed_per_group",
                                   Message{"stats.count.negative",
                                           {{"value", static_cast<std::int64_t>(needed_per_group)}}});
    }
    if (current_per_group < 0) {
        throw InvalidArgumentError("current_per_group",
                                   Message{"stats.count.negative",
                                           {{"value", static_cast<std::int64_t>(current_per_group)}}});
    }
    if (days_left && !(std::isfinite(*days_left))) {
        throw InvalidArgumentError("days_left", Message{"stats.number.not_finite", {{"value", *days_left}}});
    }
    Schedule s;
    s.days_left = days_left;
    s.remaining_per_group = std::max<std::int64_t>(0, needed_per_group - current_per_group);
    if (s.remaining_per_group == 0) {
        return s;
    }
    if (!(std::isfinite(per_group_per_day) && per_group_per_day > 0.0)) {
        throw InvalidArgumentError("per_group_per_day", Message{"stats.power.no_pace", {{"value", per_group_per_day}}});
    }
    s.days_needed = static_cast<double>(s.remaining_per_group) / per_group_per_day;
    s.reachable = !days_left || s.days_needed <= *days_left;
    return s;
}

}  // namespace kokeilu::stats
