#include "sqlite_observation_target.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <utility>

namespace kokeilu::detail {

namespace {

bool contains(const std::vector<std::int64_t>& ids, std::int64_t id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

NotFoundError experiment_id_not_found(std::int64_t id) {
    return NotFoundError(Message{"store.experiment_id_not_found", {{"id", id}}});
}

ExperimentParts load_parts(SQLite::Database& db, std::int64_t experiment_id) {
    ExperimentParts parts;
    SQLite::Statement experiment(db, "SELECT key, status, uuid FROM experiments WHERE id = ?");
    experiment.bind(1, experiment_id);
    if (!experiment.executeStep()) throw experiment_id_not_found(experiment_id);
    parts.key = experiment.getColumn(0).getString();
    parts.status = parse_status(experiment.getColumn(1).getString());
    parts.uuid = experiment.getColumn(2).getString();
    SQLite::Statement metrics(db, "SELECT id, kind = 'proportion' FROM metrics WHERE experiment_id = ?");
    metrics.bind(1, experiment_id);
    while (metrics.executeStep()) {
        parts.metric_ids.push_back(metrics.getColumn(0).getInt64());
        if (metrics.getColumn(1).getInt() != 0) parts.proportion_metric_ids.push_back(parts.metric_ids.back());
    }
    SQLite::Statement arms(db, "SELECT id FROM arms WHERE experiment_id = ?");
    arms.bind(1, experiment_id);
    while (arms.executeStep()) parts.arm_ids.push_back(arms.getColumn(0).getInt64());
    return parts;
}

void check_status(const ExperimentParts& parts, std::span<const Status> accepted) {
    if (std::find(accepted.begin(), accepted.end(), parts.status) != accepted.end()) return;
    std::string allowed;
    for (std::size_t i = 0; i < accepted.size(); ++i) {
        if (i > 0) allowed += i + 1 == accepted.size() ? " or " : ", ";
        allowed += to_string(accepted[i]);
    }
    const std::string status(to_string(parts.status));
    if (allowed.empty())
        throw InvalidStateError(Message{"store.no_observations_in_status", {{"key", parts.key}, {"status", status}}});
    throw InvalidStateError(Message{"store.observations_only_in_status",
                                    {{"key", parts.key}, {"status", status}, {"allowed", allowed}}});
}

// `where`: the row (a parameter "row") or arm code ("arm_code") the id came from, named by `code`.
void check_metric(const ExperimentParts& parts, std::int64_t metric_id, const char* code,
                  std::optional<MessageParam> where) {
    if (contains(parts.metric_ids, metric_id)) return;
    std::vector<MessageParam> params{{"id", metric_id}};
    if (where) params.push_back(*where);
    params.push_back({"key", parts.key});
    throw InvalidArgumentError("metric", Message{code, std::move(params)});
}

void check_arm(const ExperimentParts& parts, std::int64_t arm_id, const char* code, MessageParam where) {
    if (contains(parts.arm_ids, arm_id)) return;
    throw InvalidArgumentError("arm", Message{code, {{"id", arm_id}, std::move(where), {"key", parts.key}}});
}

Batch new_batch(const ObservationTarget& target, std::int64_t first_id, std::size_t rows) {
    Batch batch;
    batch.experiment_id = target.experiment_id;
    batch.first_observation_id = first_id;
    batch.last_observation_id = first_id + static_cast<std::int64_t>(rows) - 1;
    batch.rows = static_cast<std::int64_t>(rows);
    batch.content_sha256 = target.content_sha256;
    batch.idempotency_key = target.idempotency_key;
    return batch;
}

}  // namespace kokeilu::detail
