// The success criterion as it was locked when the experiment started: a snapshot of the
// pre-registered parts (Test Card, design, arms, metrics), kept with the experiment, so that the
// verdict is always judged against what was fixed before the data came in, whatever was amended
// since. Arms and metrics keep their store ids, which never change: the snapshot is matched to
// the current arms and metrics by id, never by name (names can be amended). An imported copy's
// snapshot keeps its exporter's ids (its record is the exporter's); there the ids are found
// through the names as locked, which the amendments' renames lead back to.
#pragma once

#include "kokeilu/design.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/test_card.hpp"

#include <string>
#include <vector>

namespace kokeilu {

struct Experiment;

struct LockedCriterion {
    TestCard test_card{};
    DesignKind design = DesignKind::concurrent;
    std::vector<Arm> arms{};        // as locked, with their ids
    std::vector<Metric> metrics{};  // as locked, with their ids

    // The primary metric as locked; throws InvalidArgumentError when there is none.
    [[nodiscard]] const Metric& primary_metric() const;

    bool operator==(const LockedCriterion&) const = default;
};

// One part of the success criterion that differs between the locked and the amended experiment,
// e.g. {"metrics[wait_days].direction", "higher_is_better", "lower_is_better"}.
struct CriterionChange {
    std::string field{};
    std::string locked_value{};
    std::string amended_value{};

    bool operator==(const CriterionChange&) const = default;
};

// The parts of an experiment as locked at its start (a copy of the current parts for an
// experiment that is not locked). Taken by Tracker::start.
[[nodiscard]] LockedCriterion lock_of(const Experiment& experiment);

// The experiment judged as locked: its Test Card, design, arms and metrics as the snapshot has
// them, each arm and metric under its current name (matched by id; one removed since keeps its
// locked name, made distinct from every current name). Metrics added after the start are kept,
// as secondary metrics, so that they are still reported; arms added after the start are left out,
// since the locked design did not have them. An experiment without a snapshot is returned as it is.
[[nodiscard]] Experiment as_locked(const Experiment& experiment);

// What a verdict depends on that differs between the locked and the current experiment: which
// metric is primary; its kind, direction, impact class (an activity count can never support),
// minimum worthwhile effect, effect scale, confidence and pre-period covariate
// (and its baseline, the target of a one-sample design); the design; the arms, their roles and
// planned shares (by id; the sample-ratio check tests against the shares). Empty when the experiment is not locked or its criterion is as locked; then there is
// one judgement only.
[[nodiscard]] std::vector<CriterionChange> criterion_changes(const Experiment& experiment);

}  // namespace kokeilu
