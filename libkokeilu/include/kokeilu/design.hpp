// How an experiment compares: concurrent arms, before/after periods, or one group against a target.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kokeilu {

enum class DesignKind {
    concurrent,    // control and treatment arms at the same time
    before_after,  // the same service before and after the change (no concurrent control)
    one_sample,    // one group against the metric's baseline or target
    // The changed unit and an unchanged comparison unit, each before and after the change: the
    // comparison's change stands in for what the changed unit would have done without it.
    difference_in_differences,
    // One service whose every period before and after the change is a point of a time series: the
    // before period's level and trend, carried on, stand in for what would have happened.
    interrupted_time_series,
};

enum class ArmRole {
    control,    // concurrent design: the comparison group (exactly one)
    treatment,  // concurrent design: a group that gets the change (one or more)
    before,     // before/after design: the period before the change (exactly one)
    after,      // before/after design: the period after the change (exactly one)
    group,      // one-sample design: the only group
    // Difference in differences: exactly one arm each.
    changed_before,     // the changed unit before the change
    changed_after,      // the changed unit after the change
    comparison_before,  // the unchanged comparison unit before the change
    comparison_after,   // the unchanged comparison unit after the change
};

// Whether values of an arm with this role are timed before the change (true), from it on (false),
// or at any time (empty: concurrent arms and the one-sample group).
[[nodiscard]] constexpr std::optional<bool> is_before_change(ArmRole role) noexcept {
    switch (role) {
        case ArmRole::before:
        case ArmRole::changed_before:
        case ArmRole::comparison_before:
            return true;
        case ArmRole::after:
        case ArmRole::changed_after:
        case ArmRole::comparison_after:
            return false;
        default:
            return std::nullopt;
    }
}

// Whether the design's arms are periods split at the experiment's start (before/after, difference
// in differences, interrupted time series).
[[nodiscard]] constexpr bool splits_at_start(DesignKind design) noexcept {
    return design == DesignKind::before_after || design == DesignKind::difference_in_differences ||
           design == DesignKind::interrupted_time_series;
}

// A named arm or period. Observations refer to arms by name.
struct Arm {
    std::int64_t id = 0;  // assigned by the store; 0 until stored
    std::string name{};   // unique within the experiment, e.g. "control", "video-visits", "before"
    ArmRole role = ArmRole::control;
    std::string description{};
    // The arm's planned share of the units in a concurrent design, as a weight (2 for a treatment
    // arm meant to get twice the units of a control with 1): finite and above 0. Absent means equal
    // shares, so every arm has one or none does. The sample-ratio check tests the units against it.
    // Before/after and one-sample designs have no allocation, and refuse one.
    std::optional<double> share{};

    bool operator==(const Arm&) const = default;
};

[[nodiscard]] std::string_view to_string(DesignKind v);
[[nodiscard]] std::string_view to_string(ArmRole v);
[[nodiscard]] DesignKind parse_design_kind(std::string_view text);
[[nodiscard]] ArmRole parse_arm_role(std::string_view text);

}  // namespace kokeilu
