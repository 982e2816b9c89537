#include "kokeilu/error.hpp"
#include "kokeilu/stats/metric_plan.hpp"
#include "kokeilu/stats/observation_arrays.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::stats;

namespace {

const double not_given = std::numeric_limits<double>::quiet_NaN();

// Four rows: two unit-level values, a full aggregate and one without its sum of squares.
struct Rows {
    std::vector<std::int32_t> arm{0, 1, 0, 1};
    std::vector<double> value{2.0, 3.0, 0.0, 0.0};
    std::vector<std::int64_t> n{0, 0, 3, 2};
    std::vector<double> sum{0.0, 0.0, 9.0, 7.0};
    std::vector<double> sum_sq{0.0, 0.0, 29.0, not_given};
    std::vector<double> exposure{1.0, 2.0, 3.0, 2.0};

    [[nodiscard]] ObservationArrays columns() const { return {arm, value, n, sum, sum_sq, exposure}; }
};

}  // namespace

TEST_CASE("Columns are summarised by arm as the rows added one by one", "[stats][columns]") {
    const Rows rows;
    const std::vector<Summary> arms = summarise_by_arm(rows.columns(), 2, false);
    REQUIRE(arms.size() == 2);
    Summary first;
    first.add(2.0, 1.0);
    first.add_aggregate(3, 9.0, 29.0, 3.0);
    Summary second;
    second.add(3.0, 2.0);
    second.add_aggregate(2, 7.0, std::nullopt, 2.0);
    CHECK(arms[0].n() == 4);
    CHECK(arms[0].mean() == first.mean());
    CHECK(arms[0].variance() == first.variance());
    CHECK(arms[0].exposure() == 4.0);
    CHECK(arms[1].n() == 3);
    CHECK(arms[1].sum() == second.sum());
    CHECK_FALSE(arms[1].has_variance());  // an aggregate without sum_sq leaves the spread unknown
}

TEST_CASE("Columns name the row of a code without an arm and the column of a wrong length", "[stats][columns]") {
    Rows rows;
    rows.arm[2] = 2;
    CHECK(testing::error_field([&] { (void)summarise_by_arm(rows.columns(), 2, false); }) == "arm_codes");
    CHECK_THROWS_WITH(summarise_by_arm(rows.columns(), 2, false), Catch::Contains("row 2: no arm for code 2"));
    rows.arm[2] = -1;
    CHECK_THROWS_WITH(summarise_by_arm(rows.columns(), 2, false), Catch::Contains("no arm for code -1"));

    Rows short_sum;
    short_sum.sum.pop_back();
    CHECK(testing::error_field([&] { (void)summarise_by_arm(short_sum.columns(), 2, false); }) == "sum");
    const std::vector<std::int64_t> periods{1, 2};
    CHECK(testing::error_field([&] {
              (void)cumulative_effect(periods, Rows{}.columns(), 1, 0, false, 0.95, SequentialOptions{});
          }) == "period");
}

TEST_CASE("Binary columns must hold 0/1 values", "[stats][columns]") {
    Rows rows;
    CHECK_THROWS_AS(summarise_by_arm(rows.columns(), 2, true), InvalidArgumentError);
    rows.value = {1.0, 0.0, 0.0, 0.0};
    rows.sum = {0.0, 0.0, 2.0, 1.0};
    rows.sum_sq = {0.0, 0.0, 2.0, not_given};
    const std::vector<Summary> arms = summarise_by_arm(rows.columns(), 2, true);
    CHECK(arms[0].successes() == 3);
    CHECK(arms[1].successes() == 1);
}

TEST_CASE("The cumulative effect at the end of each period is the sequential interval of the data so far",
          "[stats][columns]") {
    // Two arms, three periods of unit-level values; the second period has no treatment row.
    const std::vector<std::int32_t> arm{0, 1, 0, 1, 0, 0, 1, 1};
    const std::vector<double> value{5.0, 4.0, 6.0, 4.5, 5.5, 6.5, 5.0, 3.5};
    const std::vector<std::int64_t> period{10, 10, 10, 10, 11, 12, 12, 12};
    const std::vector<std::int64_t> n(arm.size(), 0);
    const std::vector<double> zero(arm.size(), 0.0);
    const std::vector<double> one(arm.size(), 1.0);
    const ObservationArrays columns{arm, value, n, zero, zero, one};
    const SequentialOptions options{50.0, EffectKind::absolute};
    const CumulativeEffect effect = cumulative_effect(period, columns, 1, 0, false, 0.9, options);
    CHECK(effect.period == std::vector<std::int64_t>{10, 11, 12});
    CHECK(effect.n_treatment == std::vector<std::int64_t>{2, 2, 4});
    CHECK(effect.n_control == std::vector<std::int64_t>{2, 3, 4});
    for (std::size_t p = 0; p < effect.period.size(); ++p) {
        Summary t;
        Summary c;
        for (std::size_t i = 0; i < arm.size() && period[i] <= effect.period[p]; ++i) {
            (arm[i] == 1 ? t : c).add(value[i]);
        }
        const Estimate e = sequential_difference(t, c, 0.9, options);
        CHECK(effect.estimate[p] == e.estimate);
        CHECK(effect.ci_low[p] == e.ci_low);
        CHECK(effect.ci_high[p] == e.ci_high);
    }

    // One row per arm is too little for a spread: NaN, not an error.
    const std::vector<std::int64_t> first_period{10, 10};
    const ObservationArrays two{std::span(arm).first(2),  std::span(value).first(2), std::span(n).first(2),
                                 std::span(zero).first(2), std::span(zero).first(2),  std::span(one).first(2)};
    const CumulativeEffect early = cumulative_effect(first_period, two, 1, 0, false, 0.9, options);
    REQUIRE(early.estimate.size() == 1);
    CHECK(std::isnan(early.estimate[0]));
    CHECK(std::isnan(early.ci_low[0]));

    const std::vector<std::int64_t> backwards{10, 10, 10, 10, 11, 9, 12, 12};
    CHECK_THROWS_WITH(cumulative_effect(backwards, columns, 1, 0, false, 0.9, options),
                      Catch::Contains("must not decrease"));
}

TEST_CASE("A metric's plan counts one group for one sample and two otherwise", "[stats][power]") {
    Metric m;
    m.name = "score";
    m.kind = MetricKind::mean;
    m.minimum_effect = 0.3;
    m.baseline = 3.0;
    m.baseline_sd = 0.9;
    const auto two = plan_metric(m, DesignKind::concurrent);
    REQUIRE(two);
    CHECK(two->per_group == sample_size_mean(0.3, 0.9).per_group);
    CHECK(planned_total(m, DesignKind::concurrent) == 2.0 * static_cast<double>(two->per_group));
    const auto one = plan_metric(m, DesignKind::one_sample);
    REQUIRE(one);
    CHECK(one->per_group == sample_size_mean(0.3, 0.9, 0.05, 0.8, PlanDesign::one_sample).per_group);
    CHECK(planned_total(m, DesignKind::one_sample) == static_cast<double>(one->per_group));
    m.baseline_sd.reset();
    CHECK_FALSE(planned_total(m, DesignKind::concurrent));
}
