#include "kokeilu/stats/proportions.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace kokeilu::stats;

TEST_CASE("Wilson interval matches statsmodels", "[stats][proportions]") {
    // statsmodels 0.15 proportion_confint(15, 40, alpha=0.05, method="wilson")
    const Interval ci = wilson_interval({15, 40});
    CHECK(ci.low == Approx(0.2422297916723327).epsilon(1e-9));
    CHECK(ci.high == Approx(0.529675608626989).epsilon(1e-9));
    const Interval all = wilson_interval({10, 10});
    CHECK(all.high == Approx(1.0).epsilon(1e-12));
    CHECK(all.low < 1.0);
}

TEST_CASE("Newcombe difference of proportions matches statsmodels", "[stats][proportions]") {
    // statsmodels confint_proportions_2indep(15, 40, 8, 42, method="newcomb", compare="diff")
    const Estimate e = proportion_difference({15, 40}, {8, 42});
    CHECK(e.estimate == Approx(15.0 / 40 - 8.0 / 42).epsilon(1e-12));
    CHECK(e.ci_low == Approx(-0.010266259159496166).epsilon(1e-9));
    CHECK(e.ci_high == Approx(0.36380870503968665).epsilon(1e-9));
    // statsmodels proportions_ztest([15, 8], [40, 42]): z 1.85919120102175, p 0.06300004158003325
    CHECK(*e.statistic == Approx(1.85919120102175).epsilon(1e-9));
    CHECK(e.p_value == Approx(0.06300004158003325).epsilon(1e-9));

    const Estimate e90 = proportion_difference({15, 40}, {8, 42}, 0.90);
    CHECK(e90.ci_low == Approx(0.02093929972230349).epsilon(1e-9));
    CHECK(e90.ci_high == Approx(0.3370196373540383).epsilon(1e-9));
}

TEST_CASE("Pooled two-proportion z-test matches statsmodels", "[stats][proportions]") {
    const Estimate e = two_proportion_z_test({15, 40}, {8, 42});
    CHECK(e.p_value == Approx(0.06300004158003325).epsilon(1e-9));
    CHECK(e.ci_low < e.estimate);
    CHECK(e.ci_high > e.estimate);
}

TEST_CASE("Fisher's exact test: the lady tasting tea and scipy values", "[stats][proportions]") {
    // Fisher (1935): 3 of 4 milk-first cups identified, table [[3, 1], [1, 3]], p = 0.4857 (34/70)
    const FisherResult tea = fisher_exact({3, 4}, {1, 4});
    CHECK(tea.p_value == Approx(34.0 / 70.0).epsilon(1e-12));
    CHECK(*tea.odds_ratio == Approx(9.0));
    // scipy 1.17 stats.fisher_exact
    CHECK(fisher_exact({15, 40}, {8, 42}).p_value == Approx(0.08584907463058493).epsilon(1e-9));
    CHECK(fisher_exact({120, 500}, {95, 500}).p_value == Approx(0.06453413071625236).epsilon(1e-9));
    // Large margins, where only the O(log n) search over the support is practical:
    // scipy stats.fisher_exact([[5000, 95000], [4800, 95200]]) = 0.03926563560741161
    CHECK(fisher_exact({5000, 100000}, {4800, 100000}).p_value == Approx(0.03926563560741161).epsilon(1e-9));
    const FisherResult zero = fisher_exact({0, 10}, {5, 10});
    CHECK(zero.p_value == Approx(0.032507739938080496).epsilon(1e-9));
    CHECK(*zero.odds_ratio == 0.0);
    const FisherResult all = fisher_exact({4, 4}, {4, 4});
    CHECK(all.p_value == 1.0);
    CHECK_FALSE(all.odds_ratio.has_value());
    CHECK(std::isinf(*fisher_exact({4, 4}, {2, 4}).odds_ratio));
}

TEST_CASE("One-sample proportion: Wilson interval and exact binomial test", "[stats][proportions]") {
    // scipy stats.binomtest(7, 20, 0.6): p 0.036990090267779406,
    // proportion_ci(0.95, "wilson") (0.1811918241010821, 0.5671457233147637)
    const Estimate e = one_sample_proportion({7, 20}, 0.6);
    CHECK(e.estimate == Approx(0.35 - 0.6).epsilon(1e-12));
    CHECK(e.p_value == Approx(0.036990090267779406).epsilon(1e-9));
    CHECK(e.ci_low + 0.6 == Approx(0.1811918241010821).epsilon(1e-9));
    CHECK(e.ci_high + 0.6 == Approx(0.5671457233147637).epsilon(1e-9));
    // Above the mode, and a large n where only the O(log n) search is practical.
    CHECK(one_sample_proportion({14, 20}, 0.4).p_value == Approx(0.010077347411163876).epsilon(1e-9));
    CHECK(one_sample_proportion({3000, 10000}, 0.31).p_value == Approx(0.030602517434678365).epsilon(1e-9));
    // scipy stats.binomtest(300000, 1000000, 0.3005).pvalue = 0.27594209572839834
    CHECK(one_sample_proportion({300000, 1000000}, 0.3005).p_value == Approx(0.27594209572839834).epsilon(1e-9));
}

TEST_CASE("Proportion comparisons refuse degenerate input", "[stats][proportions]") {
    CHECK_THROWS_AS(proportion_difference({0, 0}, {3, 10}), NotEnoughDataError);
    CHECK_THROWS_AS(proportion_difference({10, 10}, {12, 12}), NotEnoughDataError);  // all successes
    CHECK_THROWS_AS(two_proportion_z_test({0, 10}, {0, 12}), NotEnoughDataError);
    CHECK_THROWS_AS(fisher_exact({1, 0}, {1, 2}), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(proportion_difference({11, 10}, {3, 10}), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(one_sample_proportion({3, 10}, 1.0), kokeilu::InvalidArgumentError);
    // All successes in one arm only is fine for the Newcombe interval.
    const Estimate e = proportion_difference({10, 10}, {5, 10});
    CHECK(e.ci_high <= 1.0);
    CHECK(e.ci_low > -1.0);
}

TEST_CASE("Counts that cannot be name the arm and the count", "[stats][proportions]") {
    using kokeilu::testing::error_field;
    CHECK(error_field([] { (void)proportion_difference({0, -1}, {3, 10}); }) == "treatment.trials");
    CHECK(error_field([] { (void)proportion_difference({3, 10}, {-1, 10}); }) == "control.successes");
    CHECK(error_field([] { (void)two_proportion_z_test({3, 10}, {11, 10}); }) == "control.successes");
    CHECK(error_field([] { (void)fisher_exact({3, 10}, {2, -4}); }) == "control.trials");
    CHECK(error_field([] { (void)one_sample_proportion({0, 0}, 0.3); }) == "group");
    CHECK(error_field([] { (void)one_sample_proportion({3, 10}, 0.0); }) == "target");
}

TEST_CASE("The z-test on shares of 0 and 1 has a Wald interval of zero width and says so", "[stats][proportions]") {
    // Every treated applicant succeeded and no control one did: the pooled test still has a
    // spread (pooled share 1/2), but each arm's own has none.
    const Estimate e = two_proportion_z_test({10, 10}, {0, 10});
    CHECK(e.estimate == 1.0);
    CHECK(e.std_error == 0.0);
    CHECK(e.ci_low == 1.0);
    CHECK(e.ci_high == 1.0);
    // Pooled share 1/2: z = 1 / sqrt(1/4 * (1/10 + 1/10)) = sqrt(20).
    CHECK(*e.statistic == Approx(std::sqrt(20.0)).epsilon(1e-12));
    CHECK(kokeilu::testing::contains(e.notes, "prefer the Newcombe interval"));
    CHECK(two_proportion_z_test({6, 10}, {3, 10}).notes.empty());
}

TEST_CASE("The one-sample proportion's standard error is the target's binomial one", "[stats][proportions]") {
    // sqrt(p0 (1 - p0) / n) = sqrt(0.6 * 0.4 / 20), under the hypothesis tested.
    CHECK(one_sample_proportion({7, 20}, 0.6).std_error == Approx(0.10954451150103323).epsilon(1e-12));
}

TEST_CASE("The z-test's interval is the Wald interval of the difference", "[stats][proportions]") {
    // scipy: d = 15/40 - 8/42, se = sqrt(pt(1 - pt)/40 + pc(1 - pc)/42), d -/+ norm.ppf(0.975) * se.
    const Estimate e = two_proportion_z_test({15, 40}, {8, 42});
    CHECK(e.ci_low == Approx(-0.0068181178424632505).epsilon(1e-9));
    CHECK(e.ci_high == Approx(0.3758657368900823).epsilon(1e-9));
}
