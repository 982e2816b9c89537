// The rows of an experiment in the SQLite file: the experiments row (Test Card, lifecycle, lock,
// outcome and the locked criterion), its tags, purposes, arms, metrics, amendments and journal, as
// the store writes them and reads them back. Every function runs inside the caller's transaction.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/error.hpp"
#include "kokeilu/journal.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace kokeilu::detail {

// The experiments row: inserted with revision 1 (an imported copy: the exporter's revision; returns
// its id), or updated to `revision`.
std::int64_t insert_experiment_row(SQLite::Database& db, const Experiment& experiment, const std::string& uuid,
                                   const std::string& key, std::int64_t revision = 1);
void update_experiment_row(SQLite::Database& db, const Experiment& experiment, std::int64_t revision);

// Where an imported experiment came from (none for the file's own), and its replacement.
[[nodiscard]] std::optional<ExperimentOrigin> load_origin(SQLite::Database& db, std::int64_t experiment_id);
void write_origin(SQLite::Database& db, std::int64_t experiment_id, const ExperimentOrigin& origin);

// Replaces the experiment's tags, purposes and links with those of `experiment`, in its order.
void write_lists(SQLite::Database& db, std::int64_t experiment_id, const Experiment& experiment);

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

// Brings the stored arms (or metrics) of an experiment in line with `items`, matched by id:
// missing ones are deleted (refused while they have observations), kept ones updated, id-0 ones
// inserted. Returns the id of every item, in order.
template <class Item, class Bind>
std::vector<std::int64_t> save_items(SQLite::Database& db, std::int64_t experiment_id, const std::string& table,
                                     const std::vector<Item>& items,
                                     const char* insert_sql, const char* update_sql, Bind bind) {
    std::unordered_map<std::int64_t, std::string> stored;  // id -> name
    {
        SQLite::Statement q(db, "SELECT id, name FROM " + table + " WHERE experiment_id = ?");
        q.bind(1, experiment_id);
        while (q.executeStep()) stored.emplace(q.getColumn(0).getInt64(), q.getColumn(1).getString());
    }
    for (const Item& item : items) {
        if (item.id != 0 && !stored.contains(item.id))
            throw InvalidArgumentError(
                table, Message{table == "arms" ? "store.arm_id_not_own" : "store.metric_id_not_own",
                               {{"name", item.name}, {"id", item.id}}});
    }

    SQLite::Statement remove(db, "DELETE FROM " + table + " WHERE id = ?");
    for (const auto& [id, name] : stored) {
        const bool kept = std::any_of(items.begin(), items.end(), [id = id](const Item& i) { return i.id == id; });
        if (kept) continue;
        remove.bind(1, id);
        try {
            remove.exec();
        } catch (const SQLite::Exception& error) {
            // ON DELETE RESTRICT: the observations would lose their arm or metric. SQLite
            // reports a RESTRICT action as SQLITE_CONSTRAINT_TRIGGER, a deferred foreign key
            // as SQLITE_CONSTRAINT_FOREIGNKEY; the message is the same.
            if (error.getErrorCode() == SQLITE_CONSTRAINT &&
                std::string_view(error.what()).find("FOREIGN KEY") != std::string_view::npos)
                throw InvalidStateError(Message{table == "arms" ? "store.arm_has_observations"
                                                                : "store.metric_has_observations",
                                                {{"name", name}}});
            throw;
        }
        remove.reset();
    }

    // Renames go through a temporary name first, so that swapping two names does not trip the
    // UNIQUE(experiment_id, name) constraint halfway. Names never hold control characters, so
    // the temporary ones cannot clash with a real one.
    SQLite::Statement rename(db, "UPDATE " + table + " SET name = ? WHERE id = ?");
    for (const Item& item : items) {
        if (item.id == 0 || stored.at(item.id) == item.name) continue;
        // Appended rather than "\x1f" + to_string(...): g++ 12 at -O3 warns falsely (-Wrestrict)
        // about the inserting operator+.
        std::string temporary(1, '\x1f');
        temporary += std::to_string(item.id);
        rename.bind(1, temporary);
        rename.bind(2, item.id);
        rename.exec();
        rename.reset();
    }
    SQLite::Statement update(db, update_sql);
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i].id == 0) continue;
        bind(update, items[i], i);
        update.bind(":id", items[i].id);
        update.exec();
        update.reset();
    }
    return insert_new_items(db, insert_sql, experiment_id, items, bind, false);
}

// The experiment's journal, oldest first (ties in the order written).
[[nodiscard]] std::vector<JournalEntry> load_journal(SQLite::Database& db, std::int64_t experiment_id);
// Inserts one journal note; returns its id.
std::int64_t insert_journal_entry(SQLite::Database& db, std::int64_t experiment_id, const JournalEntry& entry);
void insert_amendments(SQLite::Database& db, std::int64_t experiment_id, std::span<const Amendment> amendments);

// The key prefix followed by one more than the highest number already used with that prefix,
// at least three digits ("OULU-2026-" -> "OULU-2026-004").
[[nodiscard]] std::string next_key(SQLite::Database& db, std::string_view prefix);
// Throws InvalidArgumentError("key" or "uuid") when another experiment than own_id has either.
void check_identity_free(SQLite::Database& db, const std::string& key, const std::string& uuid, std::int64_t own_id);

// Which tables of later migrations a file has. Every file a store opens has them all (an older
// file is migrated first, or refused when opened read-only), which the defaults say; only
// migration 4, which reads the experiments of files from before them, looks them up (of).
struct LaterTables {
    bool origins = true;     // experiment_origins (migration 11) with bundle_id (15) and privacy (16)
    bool links = true;       // experiment_links (migration 13)
    bool follow_ups = true;  // follow_up_months (migration 14)

    [[nodiscard]] static LaterTables of(SQLite::Database& db);
};

// The experiment of a row of "SELECT * FROM experiments", with its tags, purposes, links, arms,
// metrics, amendments and origin (those of `tables` only). A locked experiment of a file from
// before the locked criterion was kept gets it rebuilt from its amendments.
[[nodiscard]] Experiment read_full_experiment(SQLite::Database& db, const SQLite::Statement& row,
                                              const LaterTables& tables);
[[nodiscard]] std::vector<Amendment> load_amendments(SQLite::Database& db, std::int64_t experiment_id);

}  // namespace kokeilu::detail
