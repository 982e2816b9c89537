// The pre-registered parts of an experiment (Test Card, design, arms, metrics) as readable text:
// what the lock hash is taken over, and what an amendment records as old and new values.
#pragma once

#include "kokeilu/experiment.hpp"

#include <string>
#include <utility>
#include <vector>

namespace kokeilu::detail {

// Stands for a value that is not there: an unset optional, or an arm or metric added or removed.
inline constexpr const char* absent_text = "(none)";

// The pre-registered fields of a Test Card, an arm or a metric, as (name, text), in a fixed order.
// The same lists serve the lock hash, the diff of amendments, the descriptions and the history's
// record of an experiment, so that no field can be hashed but not reported, or the other way round.
using Fields = std::vector<std::pair<const char*, std::string>>;
[[nodiscard]] Fields test_card_fields(const TestCard& card);
[[nodiscard]] Fields arm_fields(const Arm& arm);
[[nodiscard]] Fields metric_fields(const Metric& metric);

// One changed pre-registered field, e.g. {"metrics[wait_days].minimum_effect", "2", "1.5"}.
struct FieldChange {
    std::string field;
    std::string old_value;
    std::string new_value;

    bool operator==(const FieldChange&) const = default;
};

// The pre-registered fields that differ between before and after, in a fixed order: Test Card,
// design, then arms and metrics. Arms and metrics are paired by id where after has one, else by
// name (ignoring case); an unpaired one is reported as added or removed ("metrics[name]").
// Ids themselves are not content and never reported.
[[nodiscard]] std::vector<FieldChange> preregistered_changes(const Experiment& before, const Experiment& after);

// The canonical text the hash is taken over (exposed for tests and for explaining a hash).
[[nodiscard]] std::string preregistration_text(const Experiment& experiment);

// One-line readable summaries, used for an added or removed arm or metric.
[[nodiscard]] std::string describe(const Arm& arm);
[[nodiscard]] std::string describe(const Metric& metric);

}  // namespace kokeilu::detail
