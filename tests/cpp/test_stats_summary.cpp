#include "kokeilu/stats/summary.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

using kokeilu::stats::NotEnoughDataError;
using kokeilu::stats::Summary;

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
