// Sample-ratio mismatch: a design check for concurrent arms. When the arms received clearly other
// shares of units than planned, assignment is broken somewhere (a filter, a lost log), and the
// comparison cannot be trusted however significant it looks.
#pragma once

#include <cstdint>
#include "kokeilu/stats/estimate.hpp"  // the errors it throws

#include <span>

namespace kokeilu::stats {

struct SrmResult {
    double statistic = 0.0;  // Pearson's chi-square
    double df = 0.0;         // arms - 1
    double p_value = 1.0;
    bool mismatch = false;   // p_value < threshold
};

// Pearson's chi-square goodness-of-fit test of the observed units per arm against the planned
// shares (scipy.stats.chisquare). `expected_shares` are weights, one per arm, scaled to sum to 1;
// empty means equal shares. The conventional threshold is strict (0.001) because an SRM check is
// run on every look and a false alarm stops a sound experiment.
// Throws InvalidArgumentError for fewer than 2 arms, negative counts, a weight <= 0, or lengths
// that differ; NotEnoughDataError when there are no units at all.
[[nodiscard]] SrmResult sample_ratio_mismatch(std::span<const std::int64_t> observed,
                                              std::span<const double> expected_shares = {},
                                              double threshold = 0.001);

}  // namespace kokeilu::stats
