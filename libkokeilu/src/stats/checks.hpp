// Shared checks and small numeric helpers of the statistics sources (private to the library).
#pragma once

#include "kokeilu/stats/estimate.hpp"

#include <boost/math/distributions/normal.hpp>

#include <cmath>
#include <cstddef>
#include <span>
#include <string>

namespace kokeilu::stats::detail {

// Throws InvalidArgumentError unless 0.5 < confidence < 1 (as Metric::confidence requires).
void check_confidence(double confidence, const std::string& field = "confidence");
// Throws InvalidArgumentError unless 0 < alpha < 1.
void check_probability_open(double p, const std::string& field);
// Throws InvalidArgumentError unless x is finite.
void check_finite(double x, const std::string& field);
// Throws InvalidArgumentError naming field[i] for the first value that is not finite.
void check_all_finite(std::span<const double> values, const std::string& field);
// Throws InvalidArgumentError("input.rows_expected") naming field unless it has `expected` rows.
void check_rows(std::size_t rows, std::size_t expected, const std::string& field);

// The standard normal quantile z with P(Z > z) = (1 - confidence) / 2.
[[nodiscard]] double two_sided_z(double confidence);

// Completes a Wald estimate from its estimate, std_error and confidence: the statistic
// estimate / std_error, its two-sided normal p-value and the normal interval.
void complete_wald(Estimate& e);

// Formats a number for messages.
[[nodiscard]] std::string num(double x);

// The two-sided p-value of a unimodal discrete distribution by the "minimum likelihood" rule of
// R's binom.test / fisher.test and scipy: the total probability of every outcome no more likely than
// the observed one, with a relative tolerance of 1e-7 so that outcomes equally likely up to
// rounding count as equally likely. pmf(k), cdf(k) = P(X <= k) and sf(k) = P(X > k) are callables
// over the integer support [lo, hi]; mode is an outcome where pmf is largest. Runs in O(log n).
template <class Pmf, class Cdf, class Sf>
double minlike_two_sided(long long k, long long lo, long long hi, long long mode, Pmf pmf, Cdf cdf, Sf sf) {
    constexpr double relative_error = 1.0 + 1e-7;
    const double threshold = pmf(k) * relative_error;
    if (k == mode || pmf(mode) <= threshold) {
        return 1.0;
    }
    double p = 0.0;
    if (k < mode) {
        // pmf does not increase on [mode, hi]: find the first j there with pmf(j) <= threshold.
        long long a = mode;
        long long b = hi + 1;  // b: known "<= threshold" (hi + 1 means none)
        while (b - a > 1) {
            const long long mid = a + (b - a) / 2;
            if (pmf(mid) <= threshold) {
                b = mid;
            } else {
                a = mid;
            }
        }
        p = cdf(k) + (b <= hi ? sf(b - 1) : 0.0);
    } else {
        // pmf does not decrease on [lo, mode]: find the last j there with pmf(j) <= threshold.
        long long a = lo - 1;  // a: known "<= threshold" (lo - 1 means none)
        long long b = mode;
        while (b - a > 1) {
            const long long mid = a + (b - a) / 2;
            if (pmf(mid) <= threshold) {
                a = mid;
            } else {
                b = mid;
            }
        }
        p = (a >= lo ? cdf(a) : 0.0) + sf(k - 1);
    }
    return std::min(1.0, p);
}

}  // namespace kokeilu::stats::detail
