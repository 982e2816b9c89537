// The experiment a write of observations goes to, as the write's own transaction finds it: its
// UUID, key, status, arms and metrics, and the checks of a write's target against them (status,
// the metric and arm ids of its rows), and the batch the write records.
#pragma once

#include "kokeilu/error.hpp"
#include "kokeilu/experiment.hpp"
#include "kokeilu/store.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kokeilu::detail {

struct ExperimentParts {
    std::string uuid;
    std::string key;
    Status status = Status::draft;
    std::vector<std::int64_t> metric_ids;
    std::vector<std::int64_t> proportion_metric_ids;
    std::vector<std::int64_t> arm_ids;
};

// What checked_parts found: the experiment's UUID (for its history entry), and its arms and metrics
// when the rows must still be checked against them.
struct CheckedTarget {
    std::string uuid;
    std::optional<ExperimentParts> parts;
};

[[nodiscard]] NotFoundError experiment_id_not_found(std::int64_t id);
[[nodiscard]] ExperimentParts load_parts(SQLite::Database& db, std::int64_t experiment_id);
// InvalidStateError unless the experiment's status is one of `accepted`.
void check_status(const ExperimentParts& parts, std::span<const Status> accepted);
// InvalidArgumentError ("metric" or "arm") with `code` unless the id is the experiment's; `where`:
// the row ("row") or arm code ("arm_code") the id came from.
void check_metric(const ExperimentParts& parts, std::int64_t metric_id, const char* code,
                  std::optional<MessageParam> where = std::nullopt);
void check_arm(const ExperimentParts& parts, std::int64_t arm_id, const char* code, MessageParam where);
// The batch a write of `rows` rows from first_id on records.
[[nodiscard]] Batch new_batch(const ObservationTarget& target, std::int64_t first_id, std::size_t rows);

}  // namespace kokeilu::detail
