// A metric: what an experiment measures, and the smallest effect on it that would be worth having.
// The impact class keeps the rule of the people who use kokeilu visible in the data: measure the
// customer's outcome, not how many rocks we dump.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kokeilu {

enum class MetricKind {
    mean,        // a continuous value per unit (satisfaction 1-5, waiting days); compared by means
    proportion,  // 0/1 per unit (employed after 6 months); compared by shares
    count,       // events per unit of exposure (visits per week); compared by rates
};

enum class MetricRole {
    primary,    // the one metric the verdict is judged on; exactly one per experiment
    secondary,  // also reported, adjusted for multiplicity
    guardrail,  // must not get worse (missed medication)
};

enum class Direction {
    higher_is_better,
    lower_is_better,
};

enum class ImpactClass {
    customer_outcome,  // an outcome for the people served
    activity_output,   // how much work was done; never enough for a "supported" verdict
};

// Whether the minimum worthwhile effect is in the metric's own unit or relative to the baseline.
enum class EffectScale {
    absolute,  // e.g. 0.3 points on a 1-5 scale
    relative,  // e.g. 0.10 for a 10 % change from the control (or baseline)
};

struct Metric {
    std::int64_t id = 0;  // assigned by the store; 0 until stored
    std::string name{};   // unique within the experiment, e.g. "sense_of_security"
    // What people read in sentences, tables and plots ("valmis ensimmäisellä kerralla"), when it
    // differs from the identifier; empty: the name is shown. Kept in NFC, without characters that
    // show nothing, as names are. Observations still name the metric by its name.
    std::string label{};
    std::string unit{};   // e.g. "points (1-5)", "days", "share"
    std::string description{};
    MetricKind kind = MetricKind::mean;
    MetricRole role = MetricRole::primary;
    Direction direction = Direction::higher_is_better;
    ImpactClass impact = ImpactClass::customer_outcome;
    std::optional<double> baseline{};     // known level before the experiment; the target of a one-sample design
    std::optional<double> baseline_sd{};  // known spread, for planning the sample size of a mean metric
    // The smallest improvement (in the better direction, always > 0) that would make the change
    // worth scaling. For a guardrail: the largest worsening that is still acceptable.
    double minimum_effect = 0.0;
    EffectScale effect_scale = EffectScale::absolute;
    double confidence = 0.95;  // confidence level of the intervals the verdict uses, in (0.5, 1)
    // The range every valid value lies in, when the metric has one (a 1-5 survey: 1 and 5), either
    // end optional. Values outside are refused at every door; an aggregated row must have a mean
    // (and a spread) that values in the range can give. Part of the pre-registered definition.
    std::optional<double> valid_min{};
    std::optional<double> valid_max{};
    // The name of each subject's value of this metric before the experiment ("käynnit_2025"), when
    // the analysis is to be adjusted for it (regression adjustment, stats/covariate_adjustment.hpp);
    // empty: no adjustment. Then every unit-level row carries that value (Observation::covariate)
    // and no row may be an aggregate. Mean and proportion metrics of a concurrent design, on the
    // absolute scale, only. Kept in NFC, without characters that show nothing, as names are.
    std::string covariate{};

    bool operator==(const Metric&) const = default;
};

// The name a person reads: the label, or the name when there is none.
[[nodiscard]] inline const std::string& shown_name(const Metric& metric) noexcept {
    return metric.label.empty() ? metric.name : metric.label;
}

[[nodiscard]] std::string_view to_string(MetricKind v);
[[nodiscard]] std::string_view to_string(MetricRole v);
[[nodiscard]] std::string_view to_string(Direction v);
[[nodiscard]] std::string_view to_string(ImpactClass v);
[[nodiscard]] std::string_view to_string(EffectScale v);

// Parse the names that to_string gives; throw InvalidArgumentError naming the field and the choices.
[[nodiscard]] MetricKind parse_metric_kind(std::string_view text);
[[nodiscard]] MetricRole parse_metric_role(std::string_view text);
[[nodiscard]] Direction parse_direction(std::string_view text);
[[nodiscard]] ImpactClass parse_impact_class(std::string_view text);
[[nodiscard]] EffectScale parse_effect_scale(std::string_view text);

}  // namespace kokeilu
