#include "kokeilu/stats/multiplicity.hpp"

#include <catch2/catch.hpp>

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
