// Planning: how many observations an experiment needs to detect its minimum worthwhile effect, and
// how many days that takes at the current pace. Normal quantiles from Boost.Math.
#pragma once

#include "kokeilu/stats/estimate.hpp"

#include <cstdint>
#include <optional>

namespace kokeilu::stats {

// Two groups of equal size (concurrent arms, or before and after periods), or one group against a
// known target.
enum class PlanDesign { two_groups, one_sample };

struct SampleSize {
    double exact = 0.0;          // the solution of the power equation, not rounded
    std::int64_t per_group = 0;  // rounded up: observations needed in each group
};

// A mean: the n per group at which a two-sided z-test at `alpha` detects a difference of
// `minimum_effect` (in the metric's unit) with probability `power`, when the sd is `sd`. Solves
// power = Phi(d sqrt(n/k) - z) + Phi(-d sqrt(n/k) - z) exactly (d = effect / sd, z = z_{1-alpha/2},
// k = 2 for two groups, 1 for one), as statsmodels NormalIndPower.solve_power does, so that the
// far tail is counted too. Throws InvalidArgumentError naming the bad input.
[[nodiscard]] SampleSize sample_size_mean(double minimum_effect, double sd, double alpha = 0.05, double power = 0.8,
                                          PlanDesign design = PlanDesign::two_groups);

// A proportion: n per group to detect a change from `baseline` to `baseline + minimum_effect` with
// the classic normal-approximation formula (Fleiss, Levin & Paik; pooled variance under "no
// difference", unpooled under the alternative, the far tail ignored):
//   n = (z_{1-alpha/2} sqrt(2 pbar qbar) + z_power sqrt(p1 q1 + p2 q2))^2 / (p2 - p1)^2.
// For one sample against a target: (z sqrt(p0 q0) + z_power sqrt(p1 q1))^2 / (p1 - p0)^2.
// Throws InvalidArgumentError when either share is outside (0, 1) or the effect is 0.
[[nodiscard]] SampleSize sample_size_proportion(double baseline, double minimum_effect, double alpha = 0.05,
                                                double power = 0.8, PlanDesign design = PlanDesign::two_groups);

struct Schedule {
    std::int64_t remaining_per_group = 0;  // observations still needed in the smallest group
    double days_needed = 0.0;              // at the current pace; 0 when enough data is in
    std::optional<double> days_left{};     // until the planned end, when known
    // False when the experiment cannot reach its sample size before the planned end at this pace.
    bool reachable = true;
};

// Days still needed: (needed - current) / rate, where `per_group_per_day` is the pace of the
// smallest group. Throws InvalidArgumentError for a negative count or a pace <= 0 while data is
// still needed (the experiment would never finish).
[[nodiscard]] Schedule days_needed(std::int64_t needed_per_group, std::int64_t current_per_group,
                                   double per_group_per_day, std::optional<double> days_left = {});

}  // namespace kokeilu::stats
