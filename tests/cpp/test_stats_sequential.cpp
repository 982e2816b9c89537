#include "kokeilu/stats/means.hpp"
#include "kokeilu/stats/sequential.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <vector>

using namespace kokeilu::stats;

namespace {
Summary summarise(const std::vector<double>& values) {
    Summary s;
    for (double x : values) {
        s.add(x);
    }
    return s;
}
const Summary treatment = summarise({5.1, 4.9, 5.6, 5.8, 6.0, 5.2, 4.7, 5.5});
const Summary control = summarise({4.8, 4.6, 5.0, 5.3, 4.4, 4.9, 5.1});
}  // namespace

TEST_CASE("Mixture SPRT interval matches gbstats SequentialTwoSidedTTest", "[stats][sequential]") {
    // gbstats SequentialTwoSidedTTest(difference_type="absolute", sequential_tuning_parameter=100)
    const Estimate e = sequential_difference(treatment, control, 0.95, {100.0, EffectKind::absolute});
    CHECK(e.estimate == Approx(0.47857142857142865).epsilon(1e-12));
    CHECK(e.ci_low == Approx(-0.21473144091746532).epsilon(1e-9));
    CHECK(e.ci_high == Approx(1.1718742980603225).epsilon(1e-9));
    CHECK(e.p_value == Approx(0.29458947308841066).epsilon(1e-9));
}

TEST_CASE("The always-valid interval is wider than the fixed one", "[stats][sequential]") {
    const Estimate fixed = welch_difference(treatment, control);
    for (double tuning : {10.0, 100.0, 5000.0}) {
        const Estimate seq = sequential_difference(treatment, control, 0.95, {tuning, EffectKind::absolute});
        CHECK(seq.ci_high - seq.ci_low > fixed.ci_high - fixed.ci_low);
        CHECK(seq.p_value > fixed.p_value);
    }
    CHECK_THROWS_AS(sequential_difference(treatment, control, 0.95, {0.0, EffectKind::absolute}),
                    kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(sequential_difference(summarise({1.0}), control), NotEnoughDataError);
}

TEST_CASE("The always-valid relative lift and its tuning", "[stats][sequential]") {
    const Estimate fixed = relative_lift(treatment, control);
    const Estimate seq = sequential_difference(treatment, control, 0.95, {100.0, EffectKind::relative});
    CHECK(seq.method == "mixture_sprt_relative");
    CHECK(seq.estimate == fixed.estimate);
    CHECK(seq.std_error == fixed.std_error);
    CHECK(seq.ci_low < fixed.ci_low);
    CHECK(seq.ci_high > fixed.ci_high);
    CHECK(sequential_difference(treatment, control).method == "mixture_sprt");

    using kokeilu::testing::error_field;
    for (const double bad : {-5.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        INFO("tuning_n " << bad);
        CHECK(error_field([&] {
                  (void)sequential_difference(treatment, control, 0.95, {bad, EffectKind::absolute});
              }) == "tuning_n");
    }
    CHECK(error_field([] { (void)sequential_difference(treatment, control, 0.5); }) == "confidence");
}
