// The rows a comparison adjusted for a pre-period value is fitted on. The HC2 covariance of the
// adjustment (covariate_adjustment.hpp) needs every subject's outcome and pre-period value, which
// no running sum holds, so the analysis reads them from the store for the metrics that name one.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/stats/covariate_adjustment.hpp"
#include "kokeilu/time.hpp"
#include "kokeilu/tracker.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kokeilu::stats {

// One arm's subjects: outcomes and pre-period values in the same order, and the rows that could not
// be used (aggregated, or without a pre-period value: logged before the metric named one).
struct CovariateArmRows {
    std::vector<double> outcome{};
    std::vector<double> pre{};
    std::int64_t without = 0;
};

// By metric name, then arm name; only the metrics that name a covariate, as locked or as amended.
struct CovariateRows {
    std::map<std::string, std::map<std::string, CovariateArmRows>> metrics{};
};

// Reads the rows of every metric of `experiment` that names a covariate (in the Test Card as locked
// or as it is now); with `until`, only rows before that time.
[[nodiscard]] CovariateRows covariate_rows(const Tracker& tracker, const Experiment& experiment,
                                           std::optional<Time> until = std::nullopt);

// The comparison of `arm` with `reference` of a metric that names a covariate, adjusted for it.
// Throws NotEnoughDataError when an arm has rows without a pre-period value
// ("stats.covariate.missing_rows"), too few subjects, or values the fit cannot separate.
[[nodiscard]] CovariateAdjustment adjusted_comparison(const Metric& metric, const CovariateRows& rows,
                                                      const std::string& arm, const std::string& reference,
                                                      double confidence);

}  // namespace kokeilu::stats
