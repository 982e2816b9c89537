#include "kokeilu/stats/means.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>
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

TEST_CASE("Welch difference in means matches scipy", "[stats][means]") {
    // scipy 1.17 stats.ttest_ind(t, c, equal_var=False) and .confidence_interval(0.95)
    const Estimate e = welch_difference(treatment, control);
    CHECK(e.estimate == Approx(5.35 - 4.871428571428571).epsilon(1e-12));
    CHECK(*e.statistic == Approx(2.43730382468687).epsilon(1e-9));
    CHECK(*e.df == Approx(12.296548115903423).epsilon(1e-9));
    CHECK(e.p_value == Approx(0.030873008410208496).epsilon(1e-9));
    CHECK(e.ci_low == Approx(0.05189692575565269).epsilon(1e-9));
    CHECK(e.ci_high == Approx(0.9052459313872028).epsilon(1e-9));
    CHECK(e.method == "welch_t");
}

TEST_CASE("Relative lift with a delta-method interval matches gbstats", "[stats][means]") {
    // gbstats TwoSidedTTest(difference_type="relative") on the same two samples
    const Estimate e = relative_lift(treatment, control);
    CHECK(e.estimate == Approx(0.09824046920821115).epsilon(1e-9));
    CHECK(e.ci_low == Approx(0.0076159386430251635).epsilon(1e-9));
    CHECK(e.ci_high == Approx(0.18886499977339716).epsilon(1e-9));
    CHECK(e.p_value == Approx(0.03587417251265501).epsilon(1e-9));
}

TEST_CASE("One-sample t against a target matches scipy", "[stats][means]") {
    // scipy stats.ttest_1samp(t, 5.0), confidence_interval(0.9) minus the target
    const Estimate e = one_sample_t(treatment, 5.0, 0.9);
    CHECK(e.estimate == Approx(0.35).epsilon(1e-12));
    CHECK(*e.statistic == Approx(2.197950389679656).epsilon(1e-9));
    CHECK(e.p_value == Approx(0.063924122938865).epsilon(1e-9));
    CHECK(e.ci_low == Approx(0.04830869937053173).epsilon(1e-9));
    CHECK(e.ci_high == Approx(0.6516913006294676).epsilon(1e-9));
}

TEST_CASE("Mean comparisons refuse degenerate arms", "[stats][means]") {
    const Summary one = summarise({3.0});
    const Summary flat = summarise({2.0, 2.0, 2.0});
    const Summary empty;
    CHECK_THROWS_AS(welch_difference(one, control), NotEnoughDataError);
    CHECK_THROWS_AS(welch_difference(treatment, empty), NotEnoughDataError);
    CHECK_THROWS_AS(welch_difference(flat, flat), NotEnoughDataError);
    CHECK_NOTHROW(welch_difference(flat, control));  // one flat arm is fine
    CHECK_THROWS_AS(one_sample_t(flat, 1.0), NotEnoughDataError);
    CHECK_THROWS_AS(relative_lift(treatment, summarise({-1.0, 1.0})), NotEnoughDataError);
    CHECK_THROWS_AS(welch_difference(treatment, control, 1.5), kokeilu::InvalidArgumentError);
    try {
        (void)welch_difference(one, control);
        FAIL("no error");
    } catch (const NotEnoughDataError& error) {
        CHECK(error.field() == "treatment");
    }
}

TEST_CASE("Relative lift from a negative control mean is the change in magnitude", "[stats][means]") {
    // E.g. a balance in euros: from -2 to -3 on average is a lift of +50 %, the debt grew by half.
    const Summary debt_before = summarise({-1.0, -2.0, -3.0});
    const Summary debt_after = summarise({-2.0, -3.0, -4.0});
    const Estimate e = relative_lift(debt_after, debt_before);
    CHECK(e.estimate == Approx(0.5).epsilon(1e-14));
    CHECK(e.notes.find("the control mean is negative") != std::string::npos);
    CHECK(e.notes.find("lower mean, larger in magnitude") != std::string::npos);
    CHECK(e.ci_low < e.estimate);
    CHECK(e.estimate < e.ci_high);
    CHECK(relative_lift(treatment, control).notes.empty());
}

TEST_CASE("Mean comparisons say why there is not enough data", "[stats][means]") {
    const auto why = [](auto f) { return kokeilu::testing::not_enough_data_message(f); };
    // Nobody in the treatment arm improved from 0, and the control varies: the lift has no spread.
    const Summary zeros = summarise({0.0, 0.0, 0.0});
    CHECK(why([&] { (void)relative_lift(zeros, control); }).find("the lift has zero variance") != std::string::npos);
    CHECK_NOTHROW(welch_difference(zeros, control));

    // A survey summary without its sum of squares has a mean but no spread.
    Summary survey;
    survey.add_aggregate(40, 160.0, std::nullopt);
    CHECK(why([&] { (void)welch_difference(survey, control); }).find("spread is unknown") != std::string::npos);
    CHECK(why([&] { (void)one_sample_t(survey, 3.5); }).find("spread is unknown") != std::string::npos);

    try {
        (void)one_sample_t(treatment, std::numeric_limits<double>::quiet_NaN());
        FAIL("a NaN target was accepted");
    } catch (const kokeilu::InvalidArgumentError& e) {
        CHECK(e.field() == "target");
    }
}
