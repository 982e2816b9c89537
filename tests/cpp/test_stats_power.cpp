#include "kokeilu/stats/power.hpp"

#include <catch2/catch.hpp>

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
    const Schedule done = days_needed(212, 300, 0.0);
    CHECK(done.remaining_per_group == 0);
    CHECK(done.days_needed == 0.0);
    CHECK_THROWS_AS(days_needed(212, 10, 0.0), kokeilu::InvalidArgumentError);
}
