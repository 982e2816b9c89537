// Resampling methods for small or skewed samples, where the t and z approximations are doubtful:
// a permutation test and bootstrap intervals (percentile and BCa) of the difference in means.
//
// Both are seeded and reproducible to the last bit on every platform: the resamples are split into
// two fixed streams of one xoshiro256++ generator seeded (SplitMix64) from the seed, stream s
// starting s jumps of 2^128 steps further, so the streams never overlap; random words become
// indices by one fixed algorithm (Lemire's multiply-and-reject) rather than
// std::uniform_int_distribution, whose algorithm each standard library chooses. The streams run on
// two threads; the number of threads never changes the result, only the time it takes.
#pragma once

#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/proportions.hpp"  // Interval

#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace kokeilu::stats {

struct ResamplingOptions {
    std::uint64_t seed = 20260101;
    std::int64_t resamples = 10000;  // >= 100
    unsigned threads = 2;            // 1 or 2; the result is the same
};

// Which two-sided p-value a permutation test gives. Each counts a permutation whose difference
// equals the observed one up to rounding (relative 1e-12) as at least as extreme, and adds one to
// the count and to the resamples (Phipson & Smyth 2010), so that no p-value is an impossible 0.
enum class TwoSidedP {
    // (1 + resamples with |difference| >= |observed|) / (1 + resamples): both tails by distance
    // from no difference.
    absolute,
    // Twice the smaller one-sided p-value, at most 1: scipy.stats.permutation_test's definition.
    // It differs from `absolute` when the permutation distribution is skewed.
    doubled,
};

struct PermutationResult {
    double estimate = 0.0;  // observed mean(treatment) - mean(control)
    double p_value = 1.0;   // two-sided, as `two_sided` defines it
    std::int64_t resamples = 0;
    std::int64_t as_extreme = 0;  // resamples with |difference| >= |observed|
    std::int64_t at_least = 0;    // resamples with difference >= observed
    std::int64_t at_most = 0;     // resamples with difference <= observed
    TwoSidedP two_sided = TwoSidedP::absolute;
    std::string method = "permutation";
};

// Throws NotEnoughDataError when an arm is empty, InvalidArgumentError for non-finite values or
// bad options.
[[nodiscard]] PermutationResult permutation_test(std::span<const double> treatment, std::span<const double> control,
                                                 const ResamplingOptions& options = {},
                                                 TwoSidedP two_sided = TwoSidedP::absolute);

struct BootstrapResult {
    double estimate = 0.0;  // observed mean(treatment) - mean(control)
    double confidence = 0.95;
    double std_error = 0.0;  // sd of the bootstrap distribution
    Interval percentile{};   // empirical quantiles (linear interpolation, as numpy.percentile)
    // Bias-corrected and accelerated (Efron 1987), with the jackknife acceleration of each sample
    // as scipy.stats.bootstrap computes it. Empty when the bootstrap distribution lies wholly on one
    // side of the estimate (the bias correction is infinite); notes then says so.
    std::optional<Interval> bca{};
    std::int64_t resamples = 0;
    std::string notes{};
};

// Bootstrap of the difference in means, each arm resampled with replacement within itself.
// Throws NotEnoughDataError when an arm has fewer than 2 values or every value of both arms is the
// same (nothing to resample).
[[nodiscard]] BootstrapResult bootstrap_difference(std::span<const double> treatment, std::span<const double> control,
                                                   double confidence = 0.95, const ResamplingOptions& options = {});

}  // namespace kokeilu::stats
