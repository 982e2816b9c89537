#include "kokeilu/stats/metric_plan.hpp"

#include "kokeilu/error.hpp"

#include <cmath>

namespace kokeilu::stats {

namespace {

std::optional<SampleSize> plan_two_groups_or_one(const Metric& metric, DesignKind design, double power) {
    const PlanDesign plan_design = design == DesignKind::one_sample ? PlanDesign::one_sample : PlanDesign::two_groups;
    const double alpha = 1.0 - metric.confidence;
    try {
        double effect = metric.minimum_effect;
        if (metric.effect_scale == EffectScale::relative) {
            if (!metric.baseline || *metric.baseline == 0.0) {
                return std::nullopt;
            }
            effect *= std::abs(*metric.baseline);
        }
        if (metric.kind == MetricKind::proportion && metric.baseline) {
            const double signed_effect = metric.direction == Direction::higher_is_better ? effect : -effect;
            return sample_size_proportion(*metric.baseline, signed_effect, alpha, power, plan_design);
        }
        if (metric.kind != MetricKind::proportion && metric.baseline_sd) {
            return sample_size_mean(effect, *metric.baseline_sd, alpha, power, plan_design);
        }
    } catch (const InvalidArgumentError&) {
        return std::nullopt;  // a baseline that cannot be planned from
    }
    return std::nullopt;
}

}  // namespace

std::optional<SampleSize> plan_metric(const Metric& metric, DesignKind design, double power) {
    // An interrupted time series needs periods, not observations: no count of them is planned.
    if (design == DesignKind::interrupted_time_series) {
        return std::nullopt;
    }
    std::optional<SampleSize> size = plan_two_groups_or_one(metric, design, power);
    // A difference in differences adds the variances of four cells where two groups add two: with
    // equal spreads each cell needs twice the observations of a group for the same interval.
    if (size && design == DesignKind::difference_in_differences) {
        size->exact *= 2.0;
        size->per_group *= 2;
    }
    return size;
}

std::optional<double> planned_total(const Metric& metric, DesignKind design, double power) {
    const std::optional<SampleSize> size = plan_metric(metric, design, power);
    if (!size) {
        return std::nullopt;
    }
    const double groups = design == DesignKind::one_sample                  ? 1.0
                          : design == DesignKind::difference_in_differences ? 4.0
                                                                            : 2.0;
    return static_cast<double>(size->per_group) * groups;
}

}  // namespace kokeilu::stats
