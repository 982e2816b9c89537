#include "kokeilu/stats/summary.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

using kokeilu::stats::NotEnoughDataError;
using kokeilu::stats::Summary;
using kokeilu::testing::error_field;

namespace {
const std::vector<double> sample{5.1, 4.9, 5.6, 5.8, 6.0, 5.2, 4.7, 5.5};
}

TEST_CASE("Summary of unit values gives n, mean, sd, se, min and max", "[stats][summary]") {
    Summary s;
    for (double x : sample) {
        s.add(x);
    }
    CHECK(s.n() == 8);
    // numpy: mean 5.35, std(ddof=1) 0.4503966505838412, se 0.15923926292577104
    CHECK(s.mean() == Approx(5.35).epsilon(1e-12));
    CHECK(s.sd() == Approx(0.4503966505838412).epsilon(1e-12));
    CHECK(s.se() == Approx(0.15923926292577104).epsilon(1e-12));
    CHECK(*s.min() == 4.7);
    CHECK(*s.max() == 6.0);
    CHECK(s.extremes_complete());
}

TEST_CASE("Summary is numerically stable for a large offset", "[stats][summary]") {
    // The naive sum-of-squares formula loses every digit here: values 1e9 + {4, 7, 13, 16}
    // have variance 30 exactly.
    Summary s;
    for (double x : {4.0, 7.0, 13.0, 16.0}) {
        s.add(1e9 + x);
    }
    CHECK(s.variance() == Approx(30.0).epsilon(1e-9));
}

namespace {

// Values 1e12 + N(0, 1), seeded: a mean far from zero with a spread of 1, where Welford's form on
// the raw values loses about five digits of the spread.
std::vector<double> far_from_zero(std::size_t count, std::uint64_t seed) {
    std::vector<double> values;
    std::uint64_t state = seed;
    const auto uniform = [&state] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return (static_cast<double>(state >> 11U) + 0.5) / 9007199254740992.0;
    };
    while (values.size() < count) {  // Box-Muller
        const double radius = std::sqrt(-2.0 * std::log(uniform()));
        values.push_back(1e12 + radius * std::cos(6.283185307179586 * uniform()));
    }
    return values;
}

// The mean in long double, summed as differences from the first value (exact for values this close
// together), so that no sum of 1e16 rounds away the digits the test compares.
long double exact_mean(const std::vector<double>& values) {
    long double sum = 0.0L;
    for (double x : values) sum += static_cast<long double>(x) - values.front();
    return values.front() + sum / static_cast<long double>(values.size());
}

// The sample variance of the values as two passes in long double give it: the reference.
long double two_pass_variance(const std::vector<double>& values) {
    const long double mean = exact_mean(values);
    long double squares = 0.0L;
    for (double x : values) squares += (x - mean) * (x - mean);
    return squares / static_cast<long double>(values.size() - 1);
}

double relative_error(double have, long double want) {
    return static_cast<double>(std::fabs((static_cast<long double>(have) - want) / want));
}

}  // namespace

TEST_CASE("The spread of values far from zero is exact to 1e-9, in one pass, merged and restored",
          "[stats][summary][precision]") {
    const std::vector<double> values = far_from_zero(20000, 20261207);
    const long double want = two_pass_variance(values);

    Summary one_pass;
    for (double x : values) one_pass.add(x);
    CHECK(relative_error(one_pass.variance(), want) < 1e-9);

    // Merged as a store merges writes: parts of uneven sizes, each restored from its stored state
    // before the next is merged in.
    Summary stored;
    std::size_t i = 0;
    for (std::size_t chunk = 1; i < values.size(); chunk = chunk * 7 % 613 + 1) {
        Summary part;
        for (const std::size_t end = std::min(values.size(), i + chunk); i < end; ++i) part.add(values[i]);
        Summary merged = Summary::from_state(stored.state());
        merged.merge(part);
        stored = merged;
    }
    CHECK(stored.n() == one_pass.n());
    CHECK(relative_error(stored.variance(), want) < 1e-9);

    // The mean to the last digit a double holds, and the rest of it kept in the state.
    const long double mean = exact_mean(values);
    CHECK(std::fabs(static_cast<long double>(stored.mean()) - mean) <= 1.2e-4L);
    const Summary::State state = stored.state();
    CHECK(std::fabs(static_cast<long double>(state.mean) + state.mean_low - mean) < 1e-9L);
    CHECK(std::fabs(state.mean_low) <= 0.5 * (std::nextafter(state.mean, 2e12) - state.mean));
}

TEST_CASE("A value one at a time merged into a stored summary keeps the spread far from zero exact",
          "[stats][summary][precision]") {
    // The path of every single `log`: one value, merged into the summary read back from its state.
    const std::vector<double> values = far_from_zero(3000, 7);
    Summary stored;
    for (double x : values) {
        Summary one;
        one.add(x);
        Summary merged = Summary::from_state(stored.state());
        merged.merge(one);
        stored = merged;
    }
    CHECK(relative_error(stored.variance(), two_pass_variance(values)) < 1e-9);
}

TEST_CASE("Merging summaries equals one pass over all values", "[stats][summary]") {
    Summary whole;
    Summary a;
    Summary b;
    for (std::size_t i = 0; i < sample.size(); ++i) {
        whole.add(sample[i]);
        (i < 3 ? a : b).add(sample[i]);
    }
    a.merge(b);
    CHECK(a.n() == whole.n());
    CHECK(a.mean() == Approx(whole.mean()).epsilon(1e-14));
    CHECK(a.variance() == Approx(whole.variance()).epsilon(1e-13));
    CHECK(*a.min() == *whole.min());
    CHECK(*a.max() == *whole.max());
    Summary empty;
    empty.merge(whole);
    CHECK(empty.variance() == Approx(whole.variance()).epsilon(1e-14));
}

TEST_CASE("Aggregated rows merge like the values they summarise", "[stats][summary]") {
    Summary units;
    Summary mixed;
    double sum = 0.0;
    double sum_sq = 0.0;
    for (std::size_t i = 0; i < sample.size(); ++i) {
        units.add(sample[i]);
        if (i < 5) {
            sum += sample[i];
            sum_sq += sample[i] * sample[i];
        } else {
            mixed.add(sample[i]);
        }
    }
    mixed.add_aggregate(5, sum, sum_sq);
    CHECK(mixed.n() == 8);
    CHECK(mixed.mean() == Approx(units.mean()).epsilon(1e-12));
    CHECK(mixed.sd() == Approx(units.sd()).epsilon(1e-9));
    CHECK_FALSE(mixed.extremes_complete());
    CHECK(*mixed.max() == 5.5);  // over the unit rows only

    Summary only_aggregate;
    only_aggregate.add_aggregate(5, sum, sum_sq);
    CHECK_FALSE(only_aggregate.min().has_value());
}

TEST_CASE("ObservationRow feeds a summary, aggregated or not", "[stats][summary]") {
    Summary s;
    kokeilu::ObservationRow unit;
    unit.value = 2.0;
    unit.sum = 2.0;
    unit.sum_sq = 4.0;
    s.add(unit);
    kokeilu::ObservationRow agg;
    agg.is_aggregate = true;
    agg.value = std::numeric_limits<double>::quiet_NaN();
    agg.n = 3;
    agg.sum = 12.0;
    agg.sum_sq = 50.0;  // e.g. 3, 4, 5
    s.add(agg);
    CHECK(s.n() == 4);
    CHECK(s.mean() == Approx(3.5));
    // values 2, 3, 4, 5: variance 5/3
    CHECK(s.variance() == Approx(5.0 / 3.0).epsilon(1e-12));

    kokeilu::ObservationRow no_squares = agg;
    no_squares.sum_sq = std::numeric_limits<double>::quiet_NaN();
    s.add(no_squares);
    CHECK_FALSE(s.has_variance());
    CHECK_THROWS_AS(s.variance(), NotEnoughDataError);
}

TEST_CASE("Proportions and counts from a summary", "[stats][summary]") {
    Summary p;
    for (double x : {1.0, 0.0, 1.0, 1.0}) {
        p.add(x);
    }
    p.add_aggregate(10, 3.0, std::nullopt, 1.0, true);
    CHECK(p.successes() == 6);
    CHECK(p.trials() == 14);
    CHECK(p.has_variance());  // 0/1 rows know their squares

    Summary not_binary;
    not_binary.add(2.0);
    CHECK_THROWS_AS(not_binary.successes(), kokeilu::InvalidArgumentError);

    Summary counts;
    counts.add(3.0, 2.0);
    counts.add_aggregate(4, 10.0, std::nullopt, 8.0);
    CHECK(counts.events() == 13.0);
    CHECK(counts.exposure() == 10.0);

    auto from = Summary::from_counts(3, 10);
    CHECK(from.successes() == 3);
    CHECK_THROWS_AS(Summary::from_counts(11, 10), kokeilu::InvalidArgumentError);
}

TEST_CASE("Degenerate summaries say there is not enough data", "[stats][summary]") {
    Summary s;
    CHECK_THROWS_AS(s.mean(), NotEnoughDataError);
    s.add(1.0);
    CHECK(s.mean() == 1.0);
    CHECK_THROWS_AS(s.sd(), NotEnoughDataError);
    CHECK_THROWS_AS(s.add(std::numeric_limits<double>::quiet_NaN()), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(s.add_aggregate(-1, 0.0, 0.0), kokeilu::InvalidArgumentError);
    CHECK(s.n() == 1);  // nothing added by the failed calls
}

TEST_CASE("Any split of a stream merges to the one-pass summary", "[stats][summary]") {
    // Deterministic pseudo-random values around a large mean; chunks of uneven sizes, some as
    // aggregates, merged in order, must agree with one Welford pass.
    std::vector<double> values;
    std::uint64_t state = 12345;
    for (int i = 0; i < 5000; ++i) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        values.push_back(1e6 + static_cast<double>(state >> 40U) / 1e5);
    }
    Summary whole;
    for (double x : values) {
        whole.add(x);
    }
    Summary merged;
    std::size_t i = 0;
    for (std::size_t chunk = 1; i < values.size(); chunk = chunk * 3 % 997 + 1) {
        const std::size_t end = std::min(values.size(), i + chunk);
        Summary part;
        if (chunk % 2 == 0) {
            double sum = 0.0;
            double sum_sq = 0.0;
            for (std::size_t j = i; j < end; ++j) {
                sum += values[j];
                sum_sq += values[j] * values[j];
            }
            part.add_aggregate(static_cast<std::int64_t>(end - i), sum, sum_sq);
        } else {
            for (std::size_t j = i; j < end; ++j) {
                part.add(values[j]);
            }
        }
        merged.merge(part);
        i = end;
    }
    CHECK(merged.n() == whole.n());
    CHECK(merged.mean() == Approx(whole.mean()).epsilon(1e-13));
    // Aggregates carry sum_sq, whose rounding at a mean of 1e6 limits the agreement.
    CHECK(merged.variance() == Approx(whole.variance()).epsilon(1e-6));
}

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinite = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("A summary from reported moments keeps n, mean and sd, and refuses impossible ones", "[stats][summary]") {
    const Summary s = Summary::from_moments(3, 2.0, 1.5);
    CHECK(s.n() == 3);
    CHECK(s.mean() == 2.0);
    CHECK(s.variance() == Approx(2.25).epsilon(1e-14));
    CHECK(s.exposure() == 3.0);
    CHECK(s.sum() == 6.0);
    CHECK_FALSE(s.min().has_value());  // a report has no extremes
    CHECK_FALSE(s.extremes_complete());

    const Summary single = Summary::from_moments(1, 4.0, 0.0);
    CHECK(single.mean() == 4.0);
    CHECK_FALSE(single.has_variance());  // one unit has no spread, whatever sd was reported
    const Summary none = Summary::from_moments(0, 4.0, 1.0);
    CHECK(none.n() == 0);
    CHECK(none.aggregate_rows() == 0);
    CHECK_THROWS_AS(none.mean(), NotEnoughDataError);

    CHECK(error_field([] { (void)Summary::from_moments(-1, 2.0, 1.0); }) == "n");
    CHECK(error_field([] { (void)Summary::from_moments(3, not_a_number, 1.0); }) == "mean");
    CHECK(error_field([] { (void)Summary::from_moments(3, infinite, 1.0); }) == "mean");
    CHECK(error_field([] { (void)Summary::from_moments(3, 2.0, -0.1); }) == "sd");
    CHECK(error_field([] { (void)Summary::from_moments(3, 2.0, not_a_number); }) == "sd");
    CHECK(error_field([] { (void)Summary::from_moments(3, 2.0, infinite); }) == "sd");
}

TEST_CASE("Counts, values and aggregates that cannot be right name their field and change nothing",
          "[stats][summary]") {
    CHECK(error_field([] { (void)Summary::from_counts(0, -1); }) == "trials");
    CHECK(error_field([] { (void)Summary::from_counts(-1, 10); }) == "successes");
    CHECK(Summary::from_counts(0, 0).n() == 0);

    Summary s;
    s.add(2.0, 3.0);
    CHECK(error_field([&] { s.add(1.0, -1.0); }) == "exposure");
    CHECK(error_field([&] { s.add(1.0, not_a_number); }) == "exposure");
    CHECK(error_field([&] { s.add(infinite); }) == "value");
    CHECK(error_field([&] { s.add_aggregate(3, not_a_number, 1.0); }) == "sum");
    CHECK(error_field([&] { s.add_aggregate(3, 6.0, -1.0); }) == "sum_sq");
    CHECK(error_field([&] { s.add_aggregate(3, 6.0, not_a_number); }) == "sum_sq");
    CHECK(error_field([&] { s.add_aggregate(3, 6.0, 14.0, -2.0); }) == "exposure");
    CHECK(error_field([&] { s.add_aggregate(3, 6.0, 14.0, infinite); }) == "exposure");
    // A 0/1 aggregate holds a whole number of successes between 0 and n.
    CHECK(error_field([&] { s.add_aggregate(3, 4.0, std::nullopt, 1.0, true); }) == "sum");
    CHECK(error_field([&] { s.add_aggregate(3, -1.0, std::nullopt, 1.0, true); }) == "sum");
    CHECK(error_field([&] { s.add_aggregate(3, 1.5, std::nullopt, 1.0, true); }) == "sum");
    CHECK(s.n() == 1);
    CHECK(s.exposure() == 3.0);
    CHECK(s.aggregate_rows() == 0);
}

TEST_CASE("An aggregate of no units adds its exposure and nothing else", "[stats][summary]") {
    // A week with nobody served still counts as time observed for a rate.
    Summary s;
    s.add(4.0, 2.0);
    s.add(6.0, 2.0);
    s.add_aggregate(0, 0.0, 0.0, 5.0);
    CHECK(s.n() == 2);
    CHECK(s.mean() == 5.0);
    CHECK(s.variance() == 2.0);
    CHECK(s.exposure() == 9.0);
    CHECK(s.aggregate_rows() == 1);
}

TEST_CASE("Merging keeps what is known: no moments from an empty part, no spread from an unknown one",
          "[stats][summary]") {
    Summary a;
    for (double x : {1.0, 2.0, 4.0}) {
        a.add(x);
    }
    const double variance = a.variance();
    Summary exposure_only;
    exposure_only.add_aggregate(0, 0.0, std::nullopt, 7.0);
    a.merge(exposure_only);
    CHECK(a.n() == 3);
    CHECK(a.variance() == variance);
    CHECK(a.exposure() == 10.0);
    CHECK(*a.min() == 1.0);

    Summary without_spread;
    without_spread.add_aggregate(4, 10.0, std::nullopt);
    a.merge(without_spread);
    CHECK(a.n() == 7);
    CHECK(a.mean() == Approx(17.0 / 7.0).epsilon(1e-14));
    CHECK_FALSE(a.has_variance());
    without_spread.merge(a);  // unknown stays unknown, whatever is merged in
    CHECK_FALSE(without_spread.has_variance());
    try {
        (void)a.variance();
        FAIL("a spread was given for rows without sum_sq");
    } catch (const NotEnoughDataError& e) {
        CHECK(std::string(e.what()).find("sum_sq") != std::string::npos);
    }
}

TEST_CASE("Only 0/1 unit values make a proportion", "[stats][summary]") {
    const auto values_field = [](std::vector<double> values) {
        Summary s;
        for (double x : values) {
            s.add(x);
        }
        return error_field([&] { (void)s.successes(); });
    };
    // The sum is not a whole number of successes between 0 and n.
    CHECK(values_field({-1.0}) == "successes");
    CHECK(values_field({1.0, 1.0, 0.5}) == "successes");
    // The sum would pass, but the values are not 0 or 1.
    CHECK(values_field({-1.0, 1.0, 1.0}) == "value");  // below 0
    CHECK(values_field({0.0, 0.0, 2.0}) == "value");   // above 1
    CHECK(values_field({0.5, 0.5}) == "value");        // the smallest is neither 0 nor 1
    CHECK(values_field({0.0, 0.5, 0.5}) == "value");   // the largest is neither 0 nor 1
    CHECK(values_field({0.0, 1.0, 1.0}) == "(no InvalidArgumentError)");
    CHECK(values_field({1.0, 1.0}) == "(no InvalidArgumentError)");
    CHECK(values_field({0.0, 0.0}) == "(no InvalidArgumentError)");

    // Aggregates alone have no unit values to check; their sum is.
    Summary aggregated;
    aggregated.add_aggregate(10, 4.0, std::nullopt, 1.0, true);
    CHECK(aggregated.successes() == 4);
    CHECK_FALSE(aggregated.max().has_value());
}
