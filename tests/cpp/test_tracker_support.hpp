// Shared set-up for the Tracker tests: a tracker in memory and experiments from the domain.
#pragma once

#include "kokeilu/error.hpp"
#include "kokeilu/tracker.hpp"

#include <functional>
#include <string>
#include <vector>

namespace kokeilu::testing {

inline Tracker memory_tracker() { return Tracker::open(":memory:"); }

// Oulu home care: remote video visits for part of the evening visits.
inline Experiment home_care_draft(const std::string& organisation = "Oulu") {
    Experiment e;
    e.title = "Remote video visits in the evening";
    e.summary = "Part of the evening visits are made by video.";
    e.organisation = organisation;
    e.unit = "home care";
    e.owner = "Aino";
    e.tags = {"video", "evening"};
    e.purposes = {Purpose::wellbeing};
    e.planned_start = Date(2026, 3, 1);
    e.planned_end = Date(2026, 8, 31);
    e.planned_cost_eur = 12000.0;
    e.planned_effort_hours = 300.0;
    e.risk = "A client may feel less safe without a visitor at the door.";
    e.test_card = {"video visits in the evening keep clients feeling as safe as home visits",
                   "offer video visits to half of the evening clients for six months",
                   "the clients' sense of security on a 1-5 survey, and missed medication",
                   "the sense of security does not fall by more than 0.3 points"};
    e.design = DesignKind::concurrent;
    e.arms = {Arm{0, "control", ArmRole::control, "home visits as before", {}},
              Arm{0, "video", ArmRole::treatment, "video visits for part of the evenings", {}}};
    Metric security;
    security.name = "sense_of_security";
    security.unit = "points (1-5)";
    security.kind = MetricKind::mean;
    security.role = MetricRole::primary;
    security.minimum_effect = 0.3;
    security.baseline = 3.6;
    security.baseline_sd = 0.9;
    Metric missed;
    missed.name = "missed_medication";
    missed.unit = "share";
    missed.kind = MetricKind::proportion;
    missed.role = MetricRole::guardrail;
    missed.direction = Direction::lower_is_better;
    missed.minimum_effect = 0.02;
    Metric wait;
    wait.name = "wait_days";
    wait.unit = "days";
    wait.kind = MetricKind::mean;
    wait.role = MetricRole::secondary;
    wait.direction = Direction::lower_is_better;
    wait.minimum_effect = 2.0;
    Metric calls;
    calls.name = "calls";
    calls.unit = "calls per week";
    calls.kind = MetricKind::count;
    calls.role = MetricRole::secondary;
    calls.direction = Direction::lower_is_better;
    calls.minimum_effect = 0.5;
    e.metrics = {security, missed, wait, calls};
    return e;
}

// The field named by the InvalidArgumentError that f throws; another exception propagates, and
// no exception at all gives a text no field has.
inline std::string field_of_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const InvalidArgumentError& e) {
        return e.field();
    }
    return "(no InvalidArgumentError)";
}

// The message of the InvalidStateError that f throws, or a marker when there is none.
inline std::string state_error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InvalidStateError& e) {
        return e.what();
    }
    return "(no InvalidStateError)";
}

// Every field, as Experiment has no operator== of its own.
inline bool same_experiment(const Experiment& a, const Experiment& b) {
    return a.id == b.id && a.uuid == b.uuid && a.key == b.key && a.title == b.title && a.summary == b.summary &&
           a.organisation == b.organisation && a.unit == b.unit && a.owner == b.owner && a.tags == b.tags &&
           a.purposes == b.purposes && a.planned_start == b.planned_start && a.planned_end == b.planned_end &&
           a.actual_start == b.actual_start && a.actual_end == b.actual_end && a.planned_cost_eur == b.planned_cost_eur &&
           a.actual_cost_eur == b.actual_cost_eur && a.planned_effort_hours == b.planned_effort_hours &&
           a.actual_effort_hours == b.actual_effort_hours && a.risk == b.risk && a.test_card == b.test_card &&
           a.design == b.design && a.arms == b.arms && a.metrics == b.metrics && a.status == b.status &&
           a.stop_reason == b.stop_reason && a.outcome == b.outcome && a.lock_hash == b.lock_hash &&
           a.locked_at == b.locked_at && a.amendments == b.amendments && a.created_at == b.created_at &&
           a.updated_at == b.updated_at && a.revision == b.revision;
}

inline Time at(unsigned short year, unsigned short month, unsigned short day, int hour = 12) {
    return Time(Date(year, month, day), boost::posix_time::hours(hour));
}

// Columns of the arms "control" (code 0) and "video" (code 1). They are views: the vectors must
// outlive the write.
inline ObservationColumns control_video_columns(const std::vector<std::int64_t>& at, const std::vector<double>& values,
                                                const std::vector<std::int32_t>& codes) {
    ObservationColumns c;
    c.at_us = at;
    c.values = values;
    c.arm_codes = codes;
    c.arm_names = {"control", "video"};
    return c;
}

}  // namespace kokeilu::testing
