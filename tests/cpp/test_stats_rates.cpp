#include "kokeilu/stats/rates.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace kokeilu::stats;

TEST_CASE("Exact Poisson rate ratio matches statsmodels", "[stats][rates]") {
    // statsmodels test_poisson_2indep(30, 100, 15, 120, method="exact-cond"): p 0.006373229888793743;
    // interval: proportion_confint(30, 45, method="beta") mapped by pi / (1 - pi) * 120 / 100
    const Estimate e = rate_ratio({30, 100}, {15, 120});
    CHECK(e.estimate == Approx(2.4).epsilon(1e-12));
    CHECK(e.p_value == Approx(0.006373229888793743).epsilon(1e-9));
    CHECK(e.ci_low == Approx(1.2514628844233877).epsilon(1e-9));
    CHECK(e.ci_high == Approx(4.7998293645320365).epsilon(1e-9));
}

TEST_CASE("Rate ratio for many events", "[stats][rates]") {
    // Equal exposures: the conditional test is binomtest(52000, 102000, 0.5), scipy p-value
    // 3.8669187458074967e-10.
    const Estimate e = rate_ratio({52000, 1000}, {50000, 1000});
    CHECK(e.p_value == Approx(3.8669187458074967e-10).epsilon(1e-9));
    CHECK(e.ci_low < 1.04);
    CHECK(e.ci_high > 1.04);
}

TEST_CASE("Rate ratio with no treatment events", "[stats][rates]") {
    // statsmodels test_poisson_2indep(0, 40, 7, 50, method="exact-cond"): p 0.019759484119591816;
    // upper limit from proportion_confint(0, 7, method="beta")
    const Estimate e = rate_ratio({0, 40}, {7, 50});
    CHECK(e.estimate == 0.0);
    CHECK(e.ci_low == 0.0);
    CHECK(e.ci_high == Approx(0.8672674751205657).epsilon(1e-9));
    CHECK(e.p_value == Approx(0.019759484119591816).epsilon(1e-9));
}

TEST_CASE("Rate ratio refuses degenerate input", "[stats][rates]") {
    CHECK_THROWS_AS(rate_ratio({3, 10}, {0, 10}), NotEnoughDataError);
    CHECK_THROWS_AS(rate_ratio({3.5, 10}, {2, 10}), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(rate_ratio({3, 0}, {2, 10}), kokeilu::InvalidArgumentError);
}

TEST_CASE("Event counts and exposures that cannot be name the arm and the field", "[stats][rates]") {
    using kokeilu::testing::error_field;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(error_field([] { (void)rate_ratio({-1.0, 10.0}, {2.0, 10.0}); }) == "treatment.events");
    CHECK(error_field([&] { (void)rate_ratio({nan, 10.0}, {2.0, 10.0}); }) == "treatment.events");
    CHECK(error_field([&] { (void)rate_ratio({3.0, 10.0}, {inf, 10.0}); }) == "control.events");
    CHECK(error_field([&] { (void)rate_ratio({3.0, 10.0}, {2.0, nan}); }) == "control.exposure");
    CHECK(error_field([&] { (void)rate_ratio({3.0, inf}, {2.0, 10.0}); }) == "treatment.exposure");
    CHECK(error_field([] { (void)rate_ratio({3.0, -5.0}, {2.0, 10.0}); }) == "treatment.exposure");
    CHECK(error_field([] { (void)rate_ratio({3.0, 10.0}, {2.0, 10.0}, 0.4); }) == "confidence");
}

TEST_CASE("The rate ratio's reference standard error has both arms' terms", "[stats][rates]") {
    // Delta method on the log scale: se = ratio * sqrt(1/x_t + 1/x_c) = 2 * sqrt(1/20 + 1/10).
    const Estimate e = rate_ratio({20.0, 100.0}, {10.0, 100.0});
    CHECK(e.estimate == Approx(2.0));
    CHECK(e.std_error == Approx(0.7745966692414834).epsilon(1e-12));
}

TEST_CASE("Rate difference per unit of exposure matches statsmodels' Wald test", "[stats][rates]") {
    // statsmodels test_poisson_2indep / confint_poisson_2indep(..., compare="diff", method="wald")
    const Estimate e = rate_difference({30, 100}, {15, 120});
    CHECK(e.method == "poisson_rate_difference_wald");
    CHECK(e.estimate == Approx(0.3 - 0.125).epsilon(1e-12));
    CHECK(*e.statistic == Approx(2.752693151738651).epsilon(1e-9));
    CHECK(e.p_value == Approx(0.00591072677430172).epsilon(1e-9));
    CHECK(e.ci_low == Approx(0.050397046315217325).epsilon(1e-9));
    CHECK(e.ci_high == Approx(0.2996029536847826).epsilon(1e-9));

    const Estimate unequal = rate_difference({4, 52.5}, {9, 61.0});
    CHECK(unequal.p_value == Approx(0.25140250294300837).epsilon(1e-9));
    CHECK(unequal.ci_low == Approx(-0.1932777830138909).epsilon(1e-9));
    CHECK(unequal.ci_high == Approx(0.05057676818172854).epsilon(1e-9));

    // No events in one arm still leaves the other's Poisson spread.
    const Estimate none = rate_difference({0, 40}, {7, 50});
    CHECK(none.p_value == Approx(0.008150971593502691).epsilon(1e-9));
    CHECK(none.ci_low == Approx(-0.24371154563472458).epsilon(1e-9));
    CHECK(none.ci_high == Approx(-0.03628845436527545).epsilon(1e-9));
}

TEST_CASE("Rate difference refuses arms without any events and names bad fields", "[stats][rates]") {
    using kokeilu::testing::error_field;
    CHECK_THROWS_AS(rate_difference({0, 10}, {0, 20}), NotEnoughDataError);
    CHECK(error_field([] { (void)rate_difference({2.5, 10.0}, {2.0, 10.0}); }) == "treatment.events");
    CHECK(error_field([] { (void)rate_difference({2.0, 10.0}, {2.0, 0.0}); }) == "control.exposure");
    CHECK(error_field([] { (void)rate_difference({2.0, 10.0}, {2.0, 10.0}, 1.0); }) == "confidence");
}
