// Adjusted p-values for several metrics judged at once (the secondary metrics of an experiment),
// so that looking at many metrics does not make a chance finding look like an effect.
// Both take the raw p-values in any order and return the adjusted ones in the same order, as
// statsmodels.stats.multitest.multipletests does.
#pragma once

#include "kokeilu/error.hpp"

#include <span>
#include <vector>

namespace kokeilu::stats {

// Holm's step-down method: controls the family-wise error rate under any dependence.
// Throws InvalidArgumentError naming "p_values[i]" for a value outside [0, 1] or NaN.
[[nodiscard]] std::vector<double> holm_adjust(std::span<const double> p_values);

// Benjamini-Hochberg step-up method: controls the false discovery rate (independent or positively
// dependent tests).
[[nodiscard]] std::vector<double> benjamini_hochberg_adjust(std::span<const double> p_values);

}  // namespace kokeilu::stats
