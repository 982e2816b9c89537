// Experiments as rows of the SQLite file (see sqlite_experiment_rows.cpp).
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/journal.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu::detail {

inline constexpr const char* insert_experiment_sql = R"sql(
INSERT INTO experiments (
    uuid, key, title, summary, organisation, unit, owner,
    planned_start, planned_end, actual_start, actual_end,
    planned_cost_eur, actual_cost_eur, planned_effort_hours, actual_effort_hours, risk,
    we_believe, to_verify, and_measure, right_if, design, status, stop_reason,
    verdict, we_believed, we_observed, we_learned, therefore, decision, decided_on,
    lock_hash, locked_at_us, created_at_us, updated_at_us, revision)
VALUES (
    :uuid, :key, :title, :summary, :organisation, :unit, :owner,
    :planned_start, :planned_end, :actual_start, :actual_end,
    :planned_cost_eur, :actual_cost_eur, :planned_effort_hours, :actual_effort_hours, :risk,
    :we_believe, :to_verify, :and_measure, :right_if, :design, :status, :stop_reason,
    :verdict, :we_believed, :we_observed, :we_learned, :therefore, :decision, :decided_on,
    :lock_hash, :locked_at_us, :created_at_us, :updated_at_us, :revision)
)sql";

inline constexpr const char* update_experiment_sql = R"sql(
UPDATE experiments SET
    uuid = :uuid, key = :key, title = :title, summary = :summary, organisation = :organisation,
    unit = :unit, owner = :owner,
    planned_start = :planned_start, planned_end = :planned_end,
    actual_start = :actual_start, actual_end = :actual_end,
    planned_cost_eur = :planned_cost_eur, actual_cost_eur = :actual_cost_eur,
    planned_effort_hours = :planned_effort_hours, actual_effort_hours = :actual_effort_hours,
    risk = :risk,
    we_believe = :we_believe, to_verify = :to_verify, and_measure = :and_measure, right_if = :right_if,
    design = :design, status = :status, stop_reason = :stop_reason,
    verdict = :verdict, we_believed = :we_believed, we_observed = :we_observed,
    we_learned = :we_learned, therefore = :therefore, decision = :decision, decided_on = :decided_on,
    lock_hash = :lock_hash, locked_at_us = :locked_at_us,
    created_at_us = :created_at_us, updated_at_us = :updated_at_us, revision = :revision
WHERE id = :id
)sql";

inline constexpr const char* insert_arm_sql =
    "INSERT INTO arms (experiment_id, position, name, role, description) "
    "VALUES (:experiment_id, :position, :name, :role, :description)";

inline constexpr const char* update_arm_sql =
    "UPDATE arms SET position = :position, name = :name, role = :role, description = :description "
    "WHERE id = :id";

inline constexpr const char* insert_metric_sql =
    "INSERT INTO metrics (experiment_id, position, name, unit, description, kind, role, direction, impact, "
    "baseline, baseline_sd, minimum_effect, effect_scale, confidence) "
    "VALUES (:experiment_id, :position, :name, :unit, :description, :kind, :role, :direction, :impact, "
    ":baseline, :baseline_sd, :minimum_effect, :effect_scale, :confidence)";

inline constexpr const char* update_metric_sql =
    "UPDATE metrics SET position = :position, name = :name, unit = :unit, description = :description, "
    "kind = :kind, role = :role, direction = :direction, impact = :impact, baseline = :baseline, "
    "baseline_sd = :baseline_sd, minimum_effect = :minimum_effect, effect_scale = :effect_scale, "
    "confidence = :confidence WHERE id = :id";

// Binds every column of the experiments row. Identity and revision come separately because the
// store decides them (a generated key, the next revision).
void bind_experiment(SQLite::Statement& s, const Experiment& e, const std::string& uuid, const std::string& key,
                     std::int64_t revision);
void write_tags_and_purposes(SQLite::Database& db, std::int64_t experiment_id, const Experiment& e);
void bind_arm(SQLite::Statement& s, const Arm& arm, std::size_t position);
void bind_metric(SQLite::Statement& s, const Metric& m, std::size_t position);

// Inserts the items that have no id yet (every item, for a new experiment, whatever ids it was
// given); returns the id of every item, in order.
template <class Item, class Bind>
std::vector<std::int64_t> insert_new_items(SQLite::Database& db, const char* sql, std::int64_t experiment_id,
                                           const std::vector<Item>& items, Bind bind, bool insert_all) {
    std::vector<std::int64_t> ids(items.size());
    SQLite::Statement insert(db, sql);
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!insert_all && items[i].id != 0) {
            ids[i] = items[i].id;
            continue;
        }
        insert.bind(":experiment_id", experiment_id);
        bind(insert, items[i], i);
        insert.exec();
        insert.reset();
        ids[i] = db.getLastInsertRowid();
    }
    return ids;
}

// Inserts one journal note inside the caller's transaction; returns its id.
std::int64_t insert_journal_entry(SQLite::Database& db, std::int64_t experiment_id, const JournalEntry& entry);
void insert_amendments(SQLite::Database& db, std::int64_t experiment_id, std::span<const Amendment> amendments);

// The key prefix followed by one more than the highest number already used with that prefix,
// at least three digits ("OULU-2026-" -> "OULU-2026-004").
[[nodiscard]] std::string next_key(SQLite::Database& db, std::string_view prefix);
// Throws InvalidArgumentError("key" or "uuid") when another experiment than own_id has either.
void check_identity_free(SQLite::Database& db, const std::string& key, const std::string& uuid, std::int64_t own_id);

// An experiment from a "SELECT * FROM experiments" row, with its arms, metrics, tags, purposes and
// amendments.
[[nodiscard]] Experiment read_full_experiment(SQLite::Database& db, const SQLite::Statement& row);
[[nodiscard]] std::vector<Amendment> load_amendments(SQLite::Database& db, std::int64_t experiment_id);

}  // namespace kokeilu::detail
