// The rows of an experiment in the SQLite file: the experiments row (Test Card, lifecycle, lock,
// outcome and the locked criterion), its tags, purposes, arms, metrics, amendments and journal, as
// the store writes them and reads them back. Every function runs inside the caller's transaction.
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

// The experiments row: inserted with revision 1 (returns its id), or updated to `revision`.
std::int64_t insert_experiment_row(SQLite::Database& db, const Experiment& experiment, const std::string& uuid,
                                   const std::string& key);
void update_experiment_row(SQLite::Database& db, const Experiment& experiment, std::int64_t revision);

// Replaces the experiment's tags and purposes with those of `experiment`, in its order.
void write_tags_and_purposes(SQLite::Database& db, std::int64_t experiment_id, const Experiment& experiment);

// Arms and metrics: the statements (with :experiment_id or :id, and the fields bound by the binders).
extern const char* const insert_arm_sql;
extern const char* const update_arm_sql;
extern const char* const insert_metric_sql;
extern const char* const update_metric_sql;
void bind_arm(SQLite::Statement& statement, const Arm& arm, std::size_t position);
void bind_metric(SQLite::Statement& statement, const Metric& metric, std::size_t position);

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

// Inserts one journal note; returns its id.
std::int64_t insert_journal_entry(SQLite::Database& db, std::int64_t experiment_id, const JournalEntry& entry);
void insert_amendments(SQLite::Database& db, std::int64_t experiment_id, std::span<const Amendment> amendments);

// The key prefix followed by one more than the highest number already used with that prefix,
// at least three digits ("OULU-2026-" -> "OULU-2026-004").
[[nodiscard]] std::string next_key(SQLite::Database& db, std::string_view prefix);
// Throws InvalidArgumentError("key" or "uuid") when another experiment than own_id has either.
void check_identity_free(SQLite::Database& db, const std::string& key, const std::string& uuid, std::int64_t own_id);

// The experiment of a row of "SELECT * FROM experiments", with its tags, purposes, arms, metrics
// and amendments. A locked experiment of a file from before the locked criterion was kept gets it
// rebuilt from its amendments.
[[nodiscard]] Experiment read_full_experiment(SQLite::Database& db, const SQLite::Statement& row);
[[nodiscard]] std::vector<Amendment> load_amendments(SQLite::Database& db, std::int64_t experiment_id);

}  // namespace kokeilu::detail
