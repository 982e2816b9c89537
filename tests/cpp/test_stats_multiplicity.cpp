#include "kokeilu/stats/multiplicity.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <vector>

using namespace kokeilu::stats;

TEST_CASE("Holm and Benjamini-Hochberg match statsmodels multipletests", "[stats][multiplicity]") {
    const std::vector<double> p{0.01, 0.04, 0.03, 0.005, 0.5};
    // statsmodels multipletests(p, method="holm")[1]
    const std::vector<double> holm_expected{0.04, 0.09, 0.09, 0.025, 0.5};
    // statsmodels multipletests(p, method="fdr_bh")[1]
    const std::vector<double> bh_expected{0.025, 0.05, 0.05, 0.025, 0.5};
    const auto holm = holm_adjust(p);
    const auto bh = benjamini_hochberg_adjust(p);
    REQUIRE(holm.size() == p.size());
    REQUIRE(bh.size() == p.size());
    for (std::size_t i = 0; i < p.size(); ++i) {
        CHECK(holm[i] == Approx(holm_expected[i]).epsilon(1e-12));
        CHECK(bh[i] == Approx(bh_expected[i]).epsilon(1e-12));
    }
    CHECK(holm_adjust(std::vector<double>{}).empty());
    const std::vector<double> bad{0.1, 1.5};
    CHECK_THROWS_AS(holm_adjust(bad), kokeilu::InvalidArgumentError);
}

TEST_CASE("A p-value outside [0, 1] is refused naming its position", "[stats][multiplicity]") {
    using kokeilu::testing::error_field;
    for (const double bad : {-0.01, 1.01, std::numeric_limits<double>::quiet_NaN()}) {
        INFO("p " << bad);
        const std::vector<double> p{0.2, 0.01, bad};
        CHECK(error_field([&] { (void)holm_adjust(p); }) == "p_values[2]");
        CHECK(error_field([&] { (void)benjamini_hochberg_adjust(p); }) == "p_values[2]");
    }
    // The ends themselves are p-values.
    const std::vector<double> ends{0.0, 1.0};
    CHECK(holm_adjust(ends) == std::vector<double>{0.0, 1.0});
    CHECK(benjamini_hochberg_adjust(ends) == std::vector<double>{0.0, 1.0});
}

TEST_CASE("Holm caps at 1 and Benjamini-Hochberg keeps its running minimum", "[stats][multiplicity]") {
    // statsmodels multipletests([0.6, 0.7], method="holm")[1]: 0.6 * 2 = 1.2 is capped at 1.
    const std::vector<double> large{0.6, 0.7};
    for (const double adjusted : holm_adjust(large)) CHECK(adjusted == 1.0);
    // statsmodels multipletests([0.01, 0.02, 0.021], method="fdr_bh")[1]: [0.021, 0.021, 0.021];
    // the smaller p-values' own values (0.03) are lowered to the minimum of those above them.
    const std::vector<double> close{0.01, 0.02, 0.021};
    for (const double adjusted : benjamini_hochberg_adjust(close)) CHECK(adjusted == Approx(0.021).epsilon(1e-12));
}
