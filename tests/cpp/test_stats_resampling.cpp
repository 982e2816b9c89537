#include "kokeilu/stats/means.hpp"
#include "kokeilu/stats/resampling.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

using namespace kokeilu::stats;

namespace {
// Deterministic, uneven data (the same formulas feed the scipy reference values below).
std::vector<double> wavy_treatment() {
    std::vector<double> v;
    for (int i = 0; i < 60; ++i) {
        v.push_back(10.0 + 3.0 * std::sin(i * 1.3) + (i % 7) * 0.4);
    }
    return v;
}
std::vector<double> wavy_control() {
    std::vector<double> v;
    for (int i = 0; i < 50; ++i) {
        v.push_back(9.5 + 2.0 * std::cos(i * 0.7) + (i % 5) * 0.5);
    }
    return v;
}
// Quantiles of exponential distributions: strongly skewed.
std::vector<double> exponential(int n, double scale) {
    std::vector<double> v;
    for (int i = 0; i < n; ++i) {
        v.push_back(-std::log((i + 0.5) / n) * scale);
    }
    return v;
}
}  // namespace

TEST_CASE("Permutation test agrees with the exact permutation distribution", "[stats][resampling]") {
    const std::vector<double> t{12.1, 14.3, 11.8, 15.2, 13.9};
    const std::vector<double> c{10.2, 11.5, 12.0, 9.8, 11.1};
    // Enumerate all C(10, 5) = 252 splits: the exact two-sided p-value.
    std::vector<double> pool(t);
    pool.insert(pool.end(), c.begin(), c.end());
    const double total = std::accumulate(pool.begin(), pool.end(), 0.0);
    const double observed = (t[0] + t[1] + t[2] + t[3] + t[4]) / 5.0 - (c[0] + c[1] + c[2] + c[3] + c[4]) / 5.0;
    int as_extreme = 0;
    int splits = 0;
    for (unsigned mask = 0; mask < (1U << 10U); ++mask) {
        if (std::popcount(mask) != 5) {
            continue;
        }
        double sum = 0.0;
        for (unsigned i = 0; i < 10; ++i) {
            if ((mask >> i) & 1U) {
                sum += pool[i];
            }
        }
        const double diff = sum / 5.0 - (total - sum) / 5.0;
        ++splits;
        if (std::abs(diff) >= std::abs(observed) * (1.0 - 1e-12)) {
            ++as_extreme;
        }
    }
    REQUIRE(splits == 252);
    const double exact = static_cast<double>(as_extreme) / 252.0;

    const PermutationResult r = permutation_test(t, c, {7, 40000, 2});
    CHECK(r.estimate == Approx(observed).epsilon(1e-12));
    // Monte Carlo error: sd sqrt(p (1 - p) / 40000) < 0.0015 here; allow 4 sd.
    CHECK(r.p_value == Approx(exact).margin(0.006));
    CHECK(r.p_value > 0.0);
}

TEST_CASE("Resampling is reproducible and independent of the thread count", "[stats][resampling]") {
    const auto t = wavy_treatment();
    const auto c = wavy_control();
    const PermutationResult p1 = permutation_test(t, c, {42, 2000, 1});
    const PermutationResult p2 = permutation_test(t, c, {42, 2000, 2});
    CHECK(p1.as_extreme == p2.as_extreme);
    const BootstrapResult b1 = bootstrap_difference(t, c, 0.95, {42, 2000, 1});
    const BootstrapResult b2 = bootstrap_difference(t, c, 0.95, {42, 2000, 2});
    CHECK(b1.percentile.low == b2.percentile.low);
    CHECK(b1.percentile.high == b2.percentile.high);
    REQUIRE(b1.bca);
    REQUIRE(b2.bca);
    CHECK(b1.bca->low == b2.bca->low);
    const BootstrapResult other = bootstrap_difference(t, c, 0.95, {43, 2000, 2});
    CHECK(other.percentile.low != b1.percentile.low);
}

TEST_CASE("Bootstrap intervals agree with scipy.stats.bootstrap", "[stats][resampling]") {
    // scipy 1.17 stats.bootstrap((t, c), mean difference, n_resamples=1_000_000, method=...,
    // rng=np.random.default_rng(1)): percentile (-0.024236621819895207, 1.4119687046215783), BCa
    // (-0.025089016280663515, 1.4111401311385228), standard error 0.3663851965240637. Different
    // random streams, so they agree to Monte Carlo accuracy: over 200 seeds, an interval end of
    // 20,000 resamples here had a standard deviation of at most 0.009; at 200,000 resamples about
    // 0.003, and scipy's million adds 0.0013, so 0.012 is four standard deviations of the difference.
    const BootstrapResult b = bootstrap_difference(wavy_treatment(), wavy_control(), 0.95, {1, 200000, 2});
    CHECK(b.percentile.low == Approx(-0.024236621819895207).margin(0.012));
    CHECK(b.percentile.high == Approx(1.4119687046215783).margin(0.012));
    REQUIRE(b.bca);
    CHECK(b.bca->low == Approx(-0.025089016280663515).margin(0.012));
    CHECK(b.bca->high == Approx(1.4111401311385228).margin(0.012));
    CHECK(b.std_error == Approx(0.3663851965240637).epsilon(0.01));

    // Skewed data, where BCa moves 0.04 to 0.05 away from the percentile interval: scipy (a million
    // resamples) percentile (0.33330659450100414, 1.6977282504122837), BCa (0.37288336137930456,
    // 1.7484930536446877). Ends sd at most 0.008 at 40,000 resamples over 200 seeds, so at 200,000
    // four sd of the difference are within 0.016: tight enough to tell BCa from percentile.
    const BootstrapResult s = bootstrap_difference(exponential(40, 2.0), exponential(30, 1.0), 0.95, {5, 200000, 2});
    CHECK(s.percentile.low == Approx(0.33330659450100414).margin(0.016));
    CHECK(s.percentile.high == Approx(1.6977282504122837).margin(0.016));
    REQUIRE(s.bca);
    CHECK(s.bca->low == Approx(0.37288336137930456).margin(0.016));
    CHECK(s.bca->high == Approx(1.7484930536446877).margin(0.016));
    CHECK(s.std_error == Approx(0.3481361229545554).epsilon(0.01));
}

TEST_CASE("Resampling refuses degenerate input", "[stats][resampling]") {
    const std::vector<double> one{1.0};
    const std::vector<double> flat{2.0, 2.0, 2.0};
    const std::vector<double> empty;
    const auto c = wavy_control();
    CHECK_THROWS_AS(permutation_test(empty, c), NotEnoughDataError);
    CHECK_THROWS_AS(bootstrap_difference(one, c), NotEnoughDataError);
    CHECK_THROWS_AS(bootstrap_difference(flat, flat), NotEnoughDataError);
    CHECK_THROWS_AS(permutation_test(c, c, {1, 10, 2}), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(permutation_test(c, c, {1, 1000, 3}), kokeilu::InvalidArgumentError);
}

TEST_CASE("Resampling options and values that cannot be name their field", "[stats][resampling]") {
    using kokeilu::testing::error_field;
    const auto t = wavy_treatment();
    const auto c = wavy_control();
    CHECK(error_field([&] { (void)permutation_test(t, c, {1, 99, 2}); }) == "resamples");
    CHECK(error_field([&] { (void)bootstrap_difference(t, c, 0.95, {1, 1000, 0}); }) == "threads");
    CHECK(error_field([&] { (void)bootstrap_difference(t, c, 0.95, {1, 1000, 3}); }) == "threads");
    CHECK(error_field([&] { (void)bootstrap_difference(t, c, 1.0); }) == "confidence");
    std::vector<double> with_gap = c;
    with_gap[7] = std::numeric_limits<double>::quiet_NaN();
    CHECK(error_field([&] { (void)permutation_test(t, with_gap, {1, 1000, 1}); }) == "control[7]");
    std::vector<double> with_infinity = t;
    with_infinity[0] = std::numeric_limits<double>::infinity();
    CHECK(error_field([&] { (void)bootstrap_difference(with_infinity, c, 0.95, {1, 1000, 1}); }) == "treatment[0]");
}

TEST_CASE("The bootstrap needs spread in one arm only", "[stats][resampling]") {
    // A target group where everyone answered 4 against a control that varies: the interval comes
    // from the control's spread alone.
    const std::vector<double> flat{4.0, 4.0, 4.0, 4.0};
    const auto c = wavy_control();
    const BootstrapResult r = bootstrap_difference(flat, c, 0.95, {3, 2000, 1});
    CHECK(r.estimate == Approx(4.0 - std::accumulate(c.begin(), c.end(), 0.0) / static_cast<double>(c.size())));
    CHECK(r.percentile.low < r.estimate);
    CHECK(r.estimate < r.percentile.high);
    CHECK(r.std_error > 0.0);
    CHECK(kokeilu::testing::contains(
        kokeilu::testing::not_enough_data_message([&] { (void)bootstrap_difference(flat, flat); }),
        "every value in both arms is the same"));
}

TEST_CASE("The doubled two-sided p-value is twice the smaller tail, as scipy's", "[stats][resampling]") {
    // Two long-tailed treatment values against six: the permutation distribution is skewed, so the
    // two definitions differ. Every one of the 28 splits is enumerated for the exact values.
    const std::vector<double> t{9.0, 0.4};
    const std::vector<double> c{1.0, 1.2, 0.8, 2.5, 0.9, 1.1};
    std::vector<double> pool = t;
    pool.insert(pool.end(), c.begin(), c.end());
    const double total = std::accumulate(pool.begin(), pool.end(), 0.0);
    const double observed = (t[0] + t[1]) / 2.0 - (total - t[0] - t[1]) / 6.0;
    const double tolerance = std::abs(observed) * 1e-12;
    int absolute = 0;
    int at_least = 0;
    int at_most = 0;
    for (std::size_t i = 0; i < pool.size(); ++i) {
        for (std::size_t j = i + 1; j < pool.size(); ++j) {
            const double diff = (pool[i] + pool[j]) / 2.0 - (total - pool[i] - pool[j]) / 6.0;
            absolute += std::abs(diff) >= std::abs(observed) - tolerance ? 1 : 0;
            at_least += diff >= observed - tolerance ? 1 : 0;
            at_most += diff <= observed + tolerance ? 1 : 0;
        }
    }
    const double exact_absolute = absolute / 28.0;
    const double exact_doubled = std::min(1.0, 2.0 * std::min(at_least, at_most) / 28.0);
    REQUIRE(std::abs(exact_absolute - exact_doubled) > 0.05);

    const PermutationResult a = permutation_test(t, c, {5, 40000, 2});
    const PermutationResult d = permutation_test(t, c, {5, 40000, 2}, TwoSidedP::doubled);
    CHECK(a.two_sided == TwoSidedP::absolute);
    CHECK(d.two_sided == TwoSidedP::doubled);
    // The same permutations, counted three ways; only the p-value's definition differs.
    CHECK(d.as_extreme == a.as_extreme);
    CHECK(d.at_least == a.at_least);
    CHECK(d.at_most == a.at_most);
    CHECK(d.at_least + d.at_most >= d.resamples);
    // Monte Carlo error: sd of a share of 40000 < 0.0025; allow 4 sd (twice that for the doubled).
    CHECK(a.p_value == Approx(exact_absolute).margin(0.01));
    CHECK(d.p_value == Approx(exact_doubled).margin(0.02));
    const double tail = static_cast<double>(std::min(d.at_least, d.at_most) + 1) / 40001.0;
    CHECK(d.p_value == std::min(1.0, 2.0 * tail));
}
