// The sample a metric's criterion plans for, from its minimum worthwhile effect, its baseline (and
// the baseline's sd for a mean) and its confidence. One function, so that the analysis's
// "observations still needed" and the tuning of the sequential interval read the same plan.
#pragma once

#include "kokeilu/design.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/stats/power.hpp"

#include <optional>

namespace kokeilu::stats {

// Observations per group that detect the metric's minimum effect with probability `power` in
// `design` (one group against the baseline for one_sample, two groups for concurrent and
// before/after; for difference_in_differences each of its four cells, twice a group's; never for
// interrupted_time_series, whose data are periods: nullopt). nullopt also when the
// metric cannot be planned: no baseline (or baseline sd for a mean), a relative effect on a zero
// baseline, or shares the proportion formula refuses. The analysis goes on without a plan then.
[[nodiscard]] std::optional<SampleSize> plan_metric(const Metric& metric, DesignKind design, double power = 0.8);

// Units the plan needs over all its groups (per group x 2, x 4 for difference in differences, or x 1 for one sample): the point where
// the always-valid interval is tuned to be narrowest. nullopt as for plan_metric.
[[nodiscard]] std::optional<double> planned_total(const Metric& metric, DesignKind design, double power = 0.8);

}  // namespace kokeilu::stats
