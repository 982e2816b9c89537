#include "kokeilu/stats/power.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <optional>

using namespace kokeilu::stats;

TEST_CASE("Sample size for a mean matches statsmodels NormalIndPower", "[stats][power]") {
    // statsmodels NormalIndPower().solve_power(effect_size=0.3/1.1, alpha=0.05, power=0.8, ratio=1)
    const SampleSize n = sample_size_mean(0.3, 1.1);
    CHECK(n.exact == Approx(211.04713813892468).epsilon(1e-9));
    CHECK(n.per_group == 212);
    // solve_power(effect_size=0.5, alpha=0.01, power=0.9): 119.0350973257168
    CHECK(sample_size_mean(-0.5, 1.0, 0.01, 0.9).exact == Approx(119.0350973257168).epsilon(1e-9));
    // The textbook one-sample closed form ((z_.975 + z_.8) sd / effect)^2 = 7.84887... for d = 1,
    // which the far tail lowers only negligibly.
    CHECK(sample_size_mean(1.0, 1.0, 0.05, 0.8, PlanDesign::one_sample).exact == Approx(7.8489).epsilon(1e-3));
}

TEST_CASE("Sample size for a proportion matches R power.prop.test", "[stats][power]") {
    // The formula evaluated with scipy.stats.norm quantiles (p1 = .5, p2 = .75, power .9):
    // 76.70692845177747; (p1 = .3, p2 = .4, power .8): 355.94281271162527
    CHECK(sample_size_proportion(0.5, 0.25, 0.05, 0.9).exact == Approx(76.70692845177747).epsilon(1e-9));
    const SampleSize n = sample_size_proportion(0.3, 0.1);
    CHECK(n.exact == Approx(355.94281271162527).epsilon(1e-9));
    CHECK(n.per_group == 356);
    // One sample, 0.2 against 0.3 (scipy quantiles): 136.81159660082383
    CHECK(sample_size_proportion(0.2, 0.1, 0.05, 0.8, PlanDesign::one_sample).exact ==
          Approx(136.81159660082383).epsilon(1e-9));
    CHECK_THROWS_AS(sample_size_proportion(0.95, 0.1), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(sample_size_proportion(0.5, 0.0), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(sample_size_mean(0.3, 0.0), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(sample_size_mean(0.3, 1.0, 0.05, 1.0), kokeilu::InvalidArgumentError);
}

TEST_CASE("Days still needed and whether the plan can be met", "[stats][power]") {
    const Schedule s = days_needed(212, 112, 4.0, 30.0);
    CHECK(s.remaining_per_group == 100);
    CHECK(s.days_needed == Approx(25.0));
    CHECK(s.reachable);
    CHECK_FALSE(days_needed(212, 112, 2.0, 30.0).reachable);
    // Exactly the days left is still reachable.
    CHECK(days_needed(212, 112, 4.0, 25.0).reachable);
    const Schedule done = days_needed(212, 300, 0.0);
    CHECK(done.remaining_per_group == 0);
    CHECK(done.days_needed == 0.0);
    CHECK_THROWS_AS(days_needed(212, 10, 0.0), kokeilu::InvalidArgumentError);
}

TEST_CASE("Planning input that cannot be names its field", "[stats][power]") {
    using kokeilu::testing::error_field;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(error_field([] { (void)sample_size_mean(0.0, 1.0); }) == "minimum_effect");
    CHECK(error_field([&] { (void)sample_size_mean(nan, 1.0); }) == "minimum_effect");
    CHECK(error_field([&] { (void)sample_size_mean(inf, 1.0); }) == "minimum_effect");
    CHECK(error_field([&] { (void)sample_size_mean(0.3, nan); }) == "sd");
    CHECK(error_field([] { (void)sample_size_mean(0.3, -1.0); }) == "sd");
    CHECK(error_field([] { (void)sample_size_mean(0.3, 1.0, 0.0); }) == "alpha");
    CHECK(error_field([] { (void)sample_size_mean(0.3, 1.0, 0.05, 0.0); }) == "power");

    CHECK(error_field([] { (void)sample_size_proportion(0.0, 0.1); }) == "baseline");
    CHECK(error_field([] { (void)sample_size_proportion(1.0, -0.1); }) == "baseline");
    CHECK(error_field([&] { (void)sample_size_proportion(0.3, nan); }) == "minimum_effect");
    CHECK(error_field([] { (void)sample_size_proportion(0.1, -0.2); }) == "minimum_effect");  // target below 0
    CHECK(error_field([] { (void)sample_size_proportion(0.5, 0.5); }) == "minimum_effect");   // target 1
    CHECK(error_field([] { (void)sample_size_proportion(0.3, 0.1, 1.0); }) == "alpha");

    CHECK(error_field([] { (void)days_needed(-1, 10, 2.0); }) == "needed_per_group");
    CHECK(error_field([] { (void)days_needed(100, -1, 2.0); }) == "current_per_group");
    CHECK(error_field([&] { (void)days_needed(100, 10, 2.0, nan); }) == "days_left");
    CHECK(error_field([&] { (void)days_needed(100, 10, nan); }) == "per_group_per_day");
    CHECK(error_field([&] { (void)days_needed(100, 10, inf); }) == "per_group_per_day");
    CHECK(error_field([] { (void)days_needed(100, 10, -1.0); }) == "per_group_per_day");
}

TEST_CASE("A lower share as the goal plans like a higher one", "[stats][power]") {
    // Missed medication from 30 % down by 10 points: power.prop.test is symmetric in p1 and p2.
    CHECK(sample_size_proportion(0.3, -0.1).exact == Approx(sample_size_proportion(0.2, 0.1).exact).epsilon(1e-12));
}

TEST_CASE("Without a planned end every pace reaches the sample size", "[stats][power]") {
    const Schedule s = days_needed(212, 12, 0.5);
    CHECK(s.remaining_per_group == 200);
    CHECK(s.days_needed == 400.0);
    CHECK_FALSE(s.days_left.has_value());
    CHECK(s.reachable);
    // A planned end already past: nothing left is reachable.
    CHECK_FALSE(days_needed(212, 12, 0.5, -3.0).reachable);
}

TEST_CASE("A power below the false-positive rate is met by the closed-form bound", "[stats][power]") {
    // Asking for 10 % power at alpha 0.5: even a tiny sample exceeds it (a test that rejects half
    // the time rejects at least as often under any effect), so there is no root to search and the
    // one-tailed bound k (z_{1-alpha/2} + z_power)^2 / d^2 is returned as it is. scipy
    // norm.ppf(0.75) = 0.6744897501960817, norm.ppf(0.1) = -1.2815515655446004.
    const double z_sum = 0.6744897501960817 - 1.2815515655446004;
    const SampleSize n = sample_size_mean(0.3, 1.0, 0.5, 0.1);
    CHECK(n.exact == Approx(2.0 * z_sum * z_sum / 0.09).epsilon(1e-9));
    CHECK(n.per_group == 9);
}
