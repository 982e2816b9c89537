// The pre-registered parts of an experiment (Test Card, design, arms, metrics) as readable text:
// what the lock hash is taken over, and what an amendment records as old and new values.
#pragma once

#include "kokeilu/experiment.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kokeilu::detail {

// Stands for a value that is not there: an unset optional, or an arm or metric added or removed.
inline constexpr const char* absent_text = "(none)";

// The pre-registered fields of a Test Card, arm or metric as (name, text) pairs, in a fixed order:
// numbers in their shortest exact text, enumerations by name, an unset optional as absent_text.
using FieldList = std::vector<std::pair<const char*, std::string>>;
[[nodiscard]] FieldList fields_of(const TestCard& card);
[[nodiscard]] FieldList fields_of(const Arm& arm);
[[nodiscard]] FieldList fields_of(const Metric& metric);

// Fields added after the first version of the lock (a metric's valid range and label, an arm's
// planned share) are hashed and described only when set, so that every experiment made before them
// hashes exactly as it did. The label and the share, added after the history and the locked
// criterion's text, are also recorded and kept there only when set (recorded_only_when_set), so
// that the records of every experiment made before them stay as they were and still verify.
[[nodiscard]] bool left_out_when_absent(std::string_view name, std::string_view value);
[[nodiscard]] bool recorded_only_when_set(std::string_view name, std::string_view value);

// The inverse of fields_of for one field: sets it from its text. Throws InvalidArgumentError (label,
// or the enumeration's field) for a name that is not a field or a text that is not a value of it.
void set_field(TestCard& card, std::string_view name, std::string_view text, const std::string& label);
void set_field(Arm& arm, std::string_view name, std::string_view text, const std::string& label);
void set_field(Metric& metric, std::string_view name, std::string_view text, const std::string& label);

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

// The locked criterion as text for the store, and back (length-prefixed fields, so that no text
// inside a field can imitate a boundary; ids kept). parse_locked_criterion throws
// InvalidArgumentError("locked_criterion", ...) naming what is wrong with a text it cannot read.
[[nodiscard]] std::string locked_criterion_text(const LockedCriterion& locked);
[[nodiscard]] LockedCriterion parse_locked_criterion(std::string_view text);

// The locked criterion of an experiment locked before the snapshot was kept: its current parts
// with every amendment undone, newest first (each amendment keeps the old value as text). An arm
// or metric removed by an amendment comes back with id 0 (it had no observations, or it could not
// have been removed); one added by an amendment is left out.
[[nodiscard]] LockedCriterion locked_from_amendments(const Experiment& experiment);

}  // namespace kokeilu::detail
