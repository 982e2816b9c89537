// A streaming summary of one arm (or period) of one metric: count, mean, spread, extremes, and the
// totals that proportions and rates need. Constant memory, numerically stable, and mergeable, so
// that a summary can be built in one pass over millions of rows, in parallel chunks, or from rows
// that were already aggregated elsewhere (a survey summary without its raw answers).
//
// The mean and the sum of squared deviations (M2) are kept in Welford's form; two summaries are
// combined with the pairwise update of Chan, Golub and LeVeque (1979). A pre-aggregated row
// (n, sum, sum_sq) becomes (n, mean = sum / n, M2 = sum_sq - sum * mean) and is merged the same way,
// which avoids the cancellation of the naive "sum_sq / n - mean^2" over the whole arm.
//
// The moments are those of the values less a shift (the first value seen, or the mean of the first
// aggregate), as Chan and Lewis advise: values far from zero and close to each other (1e12 plus a
// spread of 1) then lose nothing when the shift is taken off, and the spread is as exact as a
// two-pass computation, where Welford's form on the raw values is off by about 1e-5 there. The
// state gives the mean as a double and the part of it that a double cannot hold (mean_low), so a
// stored summary merges on without losing those digits.
#pragma once

#include "kokeilu/observation.hpp"
#include "kokeilu/stats/estimate.hpp"  // NotEnoughDataError

#include <cstdint>
#include <optional>
#include <string>

namespace kokeilu::stats {

class Summary {
public:
    Summary() = default;

    // A summary known only by its moments (e.g. from a report): n, mean and sample sd (n - 1).
    // Its exposure is n (one unit of exposure per unit), and it has no extremes.
    // Throws InvalidArgumentError for n < 0, a non-finite mean, or a negative or non-finite sd.
    [[nodiscard]] static Summary from_moments(std::int64_t n, double mean, double sd);
    // A proportion known by its counts. Throws InvalidArgumentError unless 0 <= successes <= trials.
    [[nodiscard]] static Summary from_counts(std::int64_t successes, std::int64_t trials);

    // One unit's value; for count metrics, with the exposure it was observed over (default 1).
    // Throws InvalidArgumentError("value", ...) for NaN or infinity, ("exposure", ...) for a
    // negative or non-finite exposure.
    void add(double value, double exposure = 1.0);
    // A pre-aggregated row: n units with this sum and, when known, this sum of squares. Without
    // sum_sq the spread of the arm becomes unknown (has_variance() is false) unless the row is a
    // 0/1 proportion, for which sum_sq == sum; say so with `binary`.
    void add_aggregate(std::int64_t n, double sum, std::optional<double> sum_sq, double exposure = 1.0,
                       bool binary = false);
    // A row as the store streams it (unit-level or aggregated).
    void add(const ObservationRow& row, bool binary = false);
    // Folds another summary of the same arm into this one.
    // Every count (n, rows) is checked before it is added: a total past the largest 64-bit integer
    // throws InvalidArgumentError("n", ...) and leaves the summary as it was.
    void merge(const Summary& other);

    // Everything a summary holds, so that it can be stored and restored exactly: a store keeps one
    // per arm of each metric, updated in the transaction of every write, so that an analysis of the
    // data as it stands reads a few rows instead of every observation.
    struct State {
        std::int64_t n = 0;
        double mean = 0.0;
        double mean_low = 0.0;  // the exact mean is mean + mean_low (|mean_low| <= half an ulp of mean)
        double m2 = 0.0;
        double sum = 0.0;
        double exposure = 0.0;
        double min = 0.0;  // meaningful only when unit_rows > 0
        double max = 0.0;
        std::int64_t unit_rows = 0;
        std::int64_t aggregate_rows = 0;
        bool variance_known = true;
    };
    [[nodiscard]] State state() const noexcept;
    // Throws InvalidArgumentError naming the field when the state cannot be one a summary had
    // (negative counts, non-finite moments, a negative M2, n smaller than the unit rows).
    [[nodiscard]] static Summary from_state(const State& state);

    // A summary that cannot be used, and why (e.g. stored rows that no summary can take): an
    // analysis reports the problem for its metric and goes on with the others.
    [[nodiscard]] static Summary unusable(std::string why);
    // Whether the moments passed the largest finite double (values near 1e308, or squares of
    // values near 1e200): then no mean or spread can be given exactly.
    [[nodiscard]] bool too_large() const noexcept;
    // Empty when the summary can be used; else why not. A summary that is too_large() says
    // "values too large to summarise exactly: ...".
    [[nodiscard]] std::string problem() const;

    [[nodiscard]] std::int64_t n() const noexcept { return n_; }
    [[nodiscard]] double mean() const;      // throws NotEnoughDataError when n == 0
    [[nodiscard]] double sum() const noexcept { return sum_; }
    // Sample variance and sd (divisor n - 1). Throw NotEnoughDataError when n < 2 or the spread is
    // unknown (an aggregate without sum_sq was added).
    [[nodiscard]] double variance() const;
    [[nodiscard]] double sd() const;
    [[nodiscard]] double se() const;  // sd / sqrt(n)
    [[nodiscard]] bool has_variance() const noexcept { return variance_known_ && n_ >= 2; }
    [[nodiscard]] double m2() const noexcept { return m2_; }  // sum of squared deviations from the mean

    // Extremes over the unit-level rows only: an aggregate row has none. Empty when there was no
    // unit-level row. extremes_complete() is false when aggregates were added, so min()/max() may
    // not be the extremes of the whole arm.
    [[nodiscard]] std::optional<double> min() const noexcept;
    [[nodiscard]] std::optional<double> max() const noexcept;
    [[nodiscard]] bool extremes_complete() const noexcept { return aggregate_rows_ == 0; }
    [[nodiscard]] std::int64_t unit_rows() const noexcept { return unit_rows_; }
    [[nodiscard]] std::int64_t aggregate_rows() const noexcept { return aggregate_rows_; }

    // Proportions: successes (the sum, checked to be a whole number in [0, trials]) and trials (n).
    // Throws InvalidArgumentError when the values were not 0/1.
    [[nodiscard]] std::int64_t successes() const;
    [[nodiscard]] std::int64_t trials() const noexcept { return n_; }
    // Counts: events (the sum) and the total exposure.
    [[nodiscard]] double events() const noexcept { return sum_; }
    [[nodiscard]] double exposure() const noexcept { return exposure_; }

private:
    void merge_moments(std::int64_t n, double shift, double shifted_mean, double m2);

    std::int64_t n_ = 0;
    double shift_ = 0.0;  // taken off every value before its moments are added
    double mean_ = 0.0;   // the mean of the shifted values
    double m2_ = 0.0;
    double sum_ = 0.0;
    double exposure_ = 0.0;
    double min_ = 0.0;
    double max_ = 0.0;
    std::int64_t unit_rows_ = 0;
    std::int64_t aggregate_rows_ = 0;
    bool variance_known_ = true;
    std::string unusable_;  // why the summary cannot be used; empty when it can
};

// The start of the status and problem of a summary whose moments overflowed.
inline constexpr const char* too_large_problem = "values too large to summarise exactly";

}  // namespace kokeilu::stats
