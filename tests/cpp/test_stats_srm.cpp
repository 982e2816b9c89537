#include "kokeilu/stats/srm.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <vector>

using namespace kokeilu::stats;

TEST_CASE("Sample-ratio mismatch matches scipy chisquare", "[stats][srm]") {
    // scipy stats.chisquare([480, 530, 490], [500, 500, 500]): 2.8, p 0.24659696394160638
    const std::vector<std::int64_t> three{480, 530, 490};
    const SrmResult ok = sample_ratio_mismatch(three);
    CHECK(ok.statistic == Approx(2.8).epsilon(1e-12));
    CHECK(ok.df == 2.0);
    CHECK(ok.p_value == Approx(0.24659696394160638).epsilon(1e-9));
    CHECK_FALSE(ok.mismatch);
    // scipy stats.chisquare([821, 1179], [1000, 1000]): 64.082, p 1.1934697143986005e-15
    const std::vector<std::int64_t> two{821, 1179};
    const SrmResult bad = sample_ratio_mismatch(two);
    CHECK(bad.p_value == Approx(1.1934697143986005e-15).epsilon(1e-9));
    CHECK(bad.mismatch);
    // Planned 30/70: scipy stats.chisquare([300, 650], [285, 665]): p 0.2882409113360724
    const std::vector<std::int64_t> uneven{300, 650};
    const std::vector<double> shares{3.0, 7.0};
    CHECK(sample_ratio_mismatch(uneven, shares).p_value == Approx(0.2882409113360724).epsilon(1e-9));
}

TEST_CASE("Sample-ratio check refuses bad input", "[stats][srm]") {
    const std::vector<std::int64_t> one{10};
    const std::vector<std::int64_t> none{0, 0};
    const std::vector<std::int64_t> two{10, 12};
    const std::vector<double> three_shares{1, 1, 1};
    CHECK_THROWS_AS(sample_ratio_mismatch(one), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(sample_ratio_mismatch(none), NotEnoughDataError);
    CHECK_THROWS_AS(sample_ratio_mismatch(two, three_shares), kokeilu::InvalidArgumentError);
}

TEST_CASE("Sample-ratio input that cannot be names the arm or the option", "[stats][srm]") {
    using kokeilu::testing::error_field;
    const std::vector<std::int64_t> negative{10, -1, 12};
    CHECK(error_field([&] { (void)sample_ratio_mismatch(negative); }) == "observed[1]");
    const std::vector<std::int64_t> two{480, 520};
    for (const double bad :
         {0.0, -1.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
        const std::vector<double> shares{1.0, bad};
        INFO("share " << bad);
        CHECK(error_field([&] { (void)sample_ratio_mismatch(two, shares); }) == "expected_shares[1]");
    }
    CHECK(error_field([&] { (void)sample_ratio_mismatch(two, {}, 0.0); }) == "threshold");
    CHECK(error_field([&] { (void)sample_ratio_mismatch(two, {}, 1.0); }) == "threshold");
    // The threshold decides: scipy chisquare([480, 520]) gives p = 0.2059, a mismatch only at a
    // threshold above it.
    CHECK_FALSE(sample_ratio_mismatch(two).mismatch);
    CHECK(sample_ratio_mismatch(two, {}, 0.5).mismatch);
}
