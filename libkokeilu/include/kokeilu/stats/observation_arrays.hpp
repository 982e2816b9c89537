// Observations read back as arrays (kokeilu.ObservationArrays in Python): one entry per stored row, a
// unit-level value (n == 0) or a pre-aggregated row (n > 0 with its sum, and its sum of squares or
// NaN when it was not given), each with its exposure and the code of its arm. Summaries and the
// cumulative effect are built from such columns in one pass, here rather than in the bindings, so
// that a C++ program that reads observations into arrays gets the same arithmetic.
#pragma once

#include "kokeilu/stats/sequential.hpp"
#include "kokeilu/stats/summary.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace kokeilu::stats {

struct ObservationArrays {
    std::span<const std::int32_t> arm_codes{};  // index into the caller's list of arms
    std::span<const double> value{};            // unit-level rows; ignored where n > 0
    std::span<const std::int64_t> n{};          // 0 for a unit-level row
    std::span<const double> sum{};
    std::span<const double> sum_sq{};  // NaN: not given
    std::span<const double> exposure{};

    // Throws InvalidArgumentError naming the first column whose length is not arm_codes' length.
    void check_lengths() const;
    // Adds row `row` to `summary`; `binary` says the metric's values are 0/1 shares.
    void add_row_to(Summary& summary, std::size_t row, bool binary) const;
};

// A summary per arm code, 0 .. arms - 1, in one pass. Throws InvalidArgumentError("arm_codes", ...)
// naming the row of a code outside that range, and, for `binary`, when an arm's values are not 0/1.
[[nodiscard]] std::vector<Summary> summarise_by_arm(const ObservationArrays& columns, std::size_t arms,
                                                    bool binary);

// The always-valid interval of treatment against control at the end of each period, over all the
// data up to it: one entry per distinct period (rows must come in time order, so periods never
// decrease). estimate, ci_low and ci_high are NaN while an arm has too little data.
struct CumulativeEffect {
    std::vector<std::int64_t> period{};
    std::vector<double> estimate{};
    std::vector<double> ci_low{};
    std::vector<double> ci_high{};
    std::vector<std::int64_t> n_treatment{};
    std::vector<std::int64_t> n_control{};
};
// Throws InvalidArgumentError("period", ...) for a length that differs from the columns' or a period
// that decreases.
[[nodiscard]] CumulativeEffect cumulative_effect(std::span<const std::int64_t> period, const ObservationArrays& columns,
                                                 std::int32_t treatment, std::int32_t control, bool binary,
                                                 double confidence, const SequentialOptions& options);

}  // namespace kokeilu::stats
