// The embedded store: kokeilu's model in one SQLite file. Every write runs in one BEGIN IMMEDIATE
// transaction, so that two processes sharing a file queue for the write lock at the start instead
// of deadlocking on a read-to-write upgrade, and every check that decides a write (the revision, the
// status, the next free key) is made inside the transaction that writes.
#include "kokeilu/sqlite_store.hpp"
#include "kokeilu/time_zone.hpp"

#include "kokeilu/error.hpp"
#include "batch_hash.hpp"
#include "key_generation.hpp"
#include "sqlite_arm_summaries.hpp"
#include "sqlite_checkpointer.hpp"
#include "sqlite_experiment_rows.hpp"
#include "sqlite_history.hpp"
#include "sqlite_voids.hpp"
#include "history_payload.hpp"
#include "sqlite_observation_insert.hpp"
#include "sqlite_observation_scan.hpp"
#include "sqlite_observation_target.hpp"
#include "sqlite_schema.hpp"
#include "sqlite_search.hpp"
#include "sqlite_stored_data_checks.hpp"
#include "sqlite_support.hpp"
#include "sqlite_store_factory.hpp"
#include "sqlite_wal_identity.hpp"
#include "sqlite_write_cache.hpp"
#include "validation.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <utility>

namespace kokeilu {

namespace {

using detail::bind_arm;
using detail::bind_metric;
using detail::guard_read;
using detail::guard_sqlite;
using detail::optional_date;
using detail::optional_real;
using detail::time_or_not_a_date;
using namespace detail;  // the experiment rows (sqlite_experiment_rows.hpp)

// ----------------------------------------------------------------------------------------------
// Observations

std::string checked_date(const Date& date, const char* field) {
    if (date.is_special()) throw InvalidArgumentError(field, Message{"store.not_a_calendar_date", {}});
    return format_date(date);
}

MessageParam at_row(std::size_t i) { return {"row", static_cast<std::int64_t>(i)}; }

// Rows one at a time get their ids from the write (see next_observation_id, and
// sqlite_observation_insert.hpp); a column write gives its first row its id, and SQLite numbers the
// rest on from there.
constexpr const char* insert_observation_columns_sql =
    "INSERT INTO observations (metric_id, arm_id, at_us, value, exposure) VALUES (?1, ?, ?, ?, ?)";
constexpr const char* insert_first_observation_sql =
    "INSERT INTO observations (metric_id, arm_id, at_us, value, exposure, id) VALUES (?1, ?, ?, ?, ?, ?)";

// The same insert for rows_per_insert rows at once: ?1 is the metric id, then arm, time, value and
// exposure of each row in turn (parameters 2 + 4k to 5 + 4k for row k).
constexpr std::size_t rows_per_insert = 64;

const char* block_insert_sql() {
    static const std::string sql = [] {
        std::string text = "INSERT INTO observations (metric_id, arm_id, at_us, value, exposure) VALUES ";
        for (std::size_t k = 0; k < rows_per_insert; ++k) text += k == 0 ? "(?1, ?, ?, ?, ?)" : ", (?1, ?, ?, ?, ?)";
        return text;
    }();
    return sql.c_str();  // one address for the life of the process: the statement cache's key
}

// ----------------------------------------------------------------------------------------------

// Turns the connection's foreign-key checks off for a large write of observations, and on again.
// Every row of such a write has the one metric and the arms that the write's own transaction has
// just confirmed to be the experiment's (checked_parts), and arms and metrics cannot change while
// it holds the write lock; SQLite would otherwise look both up again for every row, about a tenth
// of a bulk load's time. Changing the setting makes SQLite prepare the connection's statements
// again on their next use, which costs far less than the checks saved from this many rows on.
//
// Through sqlite3_db_config, not the pragma: it sets the flag whatever the transaction state and
// reports the state it leaves, so the checks are never left off by a failure on the way out (the
// deletions of arms and metrics rely on them).
class ForeignKeysOff {
public:
    explicit ForeignKeysOff(SQLite::Database& db) : db_(db.getHandle()) { set(0); }
    ~ForeignKeysOff() { set(1); }
    ForeignKeysOff(const ForeignKeysOff&) = delete;
    ForeignKeysOff& operator=(const ForeignKeysOff&) = delete;

private:
    void set(int enabled) noexcept {
        int now = -1;
        sqlite3_db_config(db_, SQLITE_DBCONFIG_ENABLE_FKEY, enabled, &now);
        assert(now == enabled);
    }

    sqlite3* db_;
};

constexpr std::size_t rows_without_foreign_key_checks = 10'000;

class SqliteStore final : public Store {
public:
    SqliteStore(SQLite::Database db, bool read_only, std::unique_ptr<detail::BusyWait> wait)
        : wait_(std::move(wait)), db_(std::move(db)), read_only_(read_only) {
        // A file in WAL mode (not one in memory, not one opened read-only): its checkpoints are
        // run off the writers' path.
        if (!read_only_ && db_.execAndGet("PRAGMA journal_mode").getString() == "wal")
            checkpointer_.emplace(db_.getHandle());
    }

    void insert_experiment(Experiment& experiment, std::string_view key_prefix) override {
        require_writable();
        guard_sqlite("inserting an experiment", [&] {
            SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
            const bool marked = mark_identity();
            // The key is chosen inside the write transaction: no other process can take the same
            // number between the look-up and the insert.
            const std::string key = experiment.key.empty() ? next_key(db_, key_prefix) : experiment.key;
            const std::string uuid = experiment.uuid.empty() ? detail::new_uuid() : experiment.uuid;
            check_identity_free(db_, key, uuid, 0);

            const std::int64_t id = detail::insert_experiment_row(db_, experiment, uuid, key);
            write_lists(db_, id, experiment);
            const auto arm_ids = insert_new_items(db_, insert_arm_sql, id, experiment.arms, bind_arm, true);
            const auto metric_ids =
                insert_new_items(db_, insert_metric_sql, id, experiment.metrics, bind_metric, true);
            insert_amendments(db_, id, experiment.amendments);
            record_experiment(HistoryKind::create, id);
            transaction.commit();
            identity_committed(marked);

            // The caller's object changes only once the rows are there.
            experiment.id = id;
            experiment.key = key;
            experiment.uuid = uuid;
            experiment.revision = 1;
            for (std::size_t i = 0; i < arm_ids.size(); ++i) experiment.arms[i].id = arm_ids[i];
            for (std::size_t i = 0; i < metric_ids.size(); ++i) experiment.metrics[i].id = metric_ids[i];
        });
    }

    std::optional<Experiment> find_experiment(std::string_view key_or_uuid) override {
        if (key_or_uuid.empty()) return std::nullopt;
        return guard_read("reading an experiment", [&]() -> std::optional<Experiment> {
            // One read transaction: the experiment and its parts come from the same snapshot even
            // while another process saves it.
            SQLite::Transaction snapshot(db_, SQLite::TransactionBehavior::DEFERRED);
            SQLite::Statement q(db_, "SELECT * FROM experiments WHERE key = :text OR uuid = lower(:text) "
                                     "ORDER BY uuid = lower(:text) DESC LIMIT 1");
            q.bind(":text", std::string(key_or_uuid));
            std::optional<Experiment> found;
            if (q.executeStep()) found = read_full_experiment(db_, q, detail::LaterTables{});
            snapshot.commit();
            return found;
        });
    }

    std::vector<Experiment> list_experiments(const ExperimentFilter& filter) override {
        // Formatted before the query runs: a bad date here is the caller's, not the file's.
        const std::string from_text = filter.from ? checked_date(*filter.from, "from") : std::string();
        const std::string to_text = filter.to ? checked_date(*filter.to, "to") : std::string();
        return guard_read("listing experiments", [&] {
            // The clauses are fixed text; only the values are bound. Case-insensitive criteria
            // compare kokeilu_fold() of both sides, which also folds Ä, Ö and Å.
            std::string sql = "SELECT e.* FROM experiments e WHERE 1";
            if (filter.status) sql += " AND e.status = :status";
            if (!filter.organisation.empty()) sql += " AND kokeilu_fold(e.organisation) = :organisation";
            if (!filter.unit.empty()) sql += " AND kokeilu_fold(e.unit) = :unit";
            if (!filter.tag.empty())
                sql += " AND EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.id"
                       " AND kokeilu_fold(t.tag) = :tag)";
            if (filter.purpose)
                sql += " AND EXISTS (SELECT 1 FROM experiment_purposes p WHERE p.experiment_id = e.id"
                       " AND p.purpose = :purpose)";
            // The period: actual dates where known, else planned. An open end overlaps everything
            // after the start (and an unknown start everything before the end); an experiment with
            // no dates at all has no period to overlap.
            if (filter.from || filter.to)
                sql += " AND coalesce(e.actual_start, e.planned_start, e.actual_end, e.planned_end) IS NOT NULL";
            if (filter.from) sql += " AND (coalesce(e.actual_end, e.planned_end) IS NULL"
                                    " OR coalesce(e.actual_end, e.planned_end) >= :from)";
            if (filter.to) sql += " AND (coalesce(e.actual_start, e.planned_start) IS NULL"
                                  " OR coalesce(e.actual_start, e.planned_start) <= :to)";
            if (!filter.text.empty())
                sql += " AND (instr(kokeilu_fold(e.title), :text) OR instr(kokeilu_fold(e.summary), :text)"
                       " OR instr(kokeilu_fold(e.we_believe), :text) OR instr(kokeilu_fold(e.to_verify), :text)"
                       " OR instr(kokeilu_fold(e.and_measure), :text) OR instr(kokeilu_fold(e.right_if), :text))";
            if (!filter.linked_to.empty())
                sql += " AND EXISTS (SELECT 1 FROM experiment_links l WHERE l.experiment_id = e.id"
                       " AND l.of_uuid = :linked_to)";
            sql += " ORDER BY e.key";

            SQLite::Transaction snapshot(db_, SQLite::TransactionBehavior::DEFERRED);
            SQLite::Statement q(db_, sql);
            if (filter.status) q.bind(":status", std::string(to_string(*filter.status)));
            if (!filter.organisation.empty()) q.bind(":organisation", detail::fold_case(filter.organisation));
            if (!filter.unit.empty()) q.bind(":unit", detail::fold_case(filter.unit));
            if (!filter.tag.empty()) q.bind(":tag", detail::fold_case(filter.tag));
            if (filter.purpose) q.bind(":purpose", std::string(to_string(*filter.purpose)));
            if (filter.from) q.bind(":from", from_text);
            if (filter.to) q.bind(":to", to_text);
            if (!filter.text.empty()) q.bind(":text", detail::fold_case(filter.text));
            if (!filter.linked_to.empty()) q.bind(":linked_to", filter.linked_to);
            std::vector<Experiment> out;
            while (q.executeStep()) out.push_back(read_full_experiment(db_, q, detail::LaterTables{}));
            snapshot.commit();
            return out;
        });
    }

    std::vector<Experiment> search_experiments(const ExperimentSearch& search) override {
        return guard_read("searching experiments", [&] {
            SQLite::Transaction snapshot(db_, SQLite::TransactionBehavior::DEFERRED);
            std::vector<Experiment> found = detail::search_experiments(db_, search);
            snapshot.commit();
            return found;
        });
    }

    void save_experiment(Experiment& experiment, std::span<const Amendment> new_amendments,
                         const std::optional<JournalEntry>& note, HistoryKind kind) override {
        require_writable();
        if (experiment.id == 0) throw InvalidArgumentError("id", Message{"store.not_stored_yet", {}});
        guard_sqlite("saving experiment " + experiment.key, [&] {
            SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
            const bool marked = mark_identity();
            SQLite::Statement stored(db_, "SELECT revision, key FROM experiments WHERE id = ?");
            stored.bind(1, experiment.id);
            if (!stored.executeStep())
                throw experiment.key.empty()
                    ? experiment_id_not_found(experiment.id)
                    : NotFoundError(Message{"lifecycle.experiment_not_found", {{"key", experiment.key}}});
            const std::int64_t stored_revision = stored.getColumn(0).getInt64();
            if (stored_revision != experiment.revision) {
                throw InvalidStateError(Message{"store.changed_by_someone_else",
                                                {{"key", stored.getColumn(1).getString()},
                                                 {"stored_revision", stored_revision},
                                                 {"revision", experiment.revision}}});
            }
            stored.reset();
            check_identity_free(db_, experiment.key, experiment.uuid, experiment.id);
            // Before anything is written: data stored until this moment (another process may have
            // logged since the caller read the experiment) must fit what the experiment becomes.
            const std::vector<std::int64_t> rebuild = detail::check_stored_data_fits(db_, experiment);

            detail::update_experiment_row(db_, experiment, experiment.revision + 1);
            write_lists(db_, experiment.id, experiment);
            const auto arm_ids = detail::save_items(db_, experiment.id, "arms", experiment.arms, insert_arm_sql,
                                            update_arm_sql, bind_arm);
            const auto metric_ids = detail::save_items(db_, experiment.id, "metrics", experiment.metrics,
                                               insert_metric_sql, update_metric_sql, bind_metric);
            for (const std::int64_t metric_id : rebuild) detail::rebuild_arm_summaries_of_metric(db_, metric_id);
            insert_amendments(db_, experiment.id, new_amendments);
            const Experiment saved = record_experiment(kind, experiment.id);
            if (note) {
                JournalEntry written = *note;
                written.id = insert_journal_entry(db_, experiment.id, *note);
                record_note(saved.id, saved.uuid, written);
            }
            auto amendments = saved.amendments;
            transaction.commit();
            identity_committed(marked);

            experiment.revision += 1;
            for (std::size_t i = 0; i < arm_ids.size(); ++i) experiment.arms[i].id = arm_ids[i];
            for (std::size_t i = 0; i < metric_ids.size(); ++i) experiment.metrics[i].id = metric_ids[i];
            experiment.amendments = std::move(amendments);
        });
    }

    void delete_draft(std::int64_t experiment_id) override {
        require_writable();
        guard_sqlite("deleting a draft", [&] {
            SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
            const bool marked = mark_identity();
            const Experiment e = read_experiment(experiment_id);
            if (e.status != Status::draft)
                throw InvalidStateError(Message{"lifecycle.delete_not_draft",
                                                {{"key", e.key}, {"status", std::string(to_string(e.status))}}});
            ChainHead head = read_chain_head(statements_);
            (void)append_history(statements_, {HistoryKind::delete_draft, e.id, e.uuid, experiment_record(e)},
                                 now_utc(), head);
            detail::unindex_experiment(db_, experiment_id);
            SQLite::Statement remove(db_, "DELETE FROM experiments WHERE id = ?");
            remove.bind(1, experiment_id);
            remove.exec();
            transaction.commit();
            identity_committed(marked);
        });
    }

    JournalEntry add_journal_entry(std::int64_t experiment_id, const JournalEntry& entry) override {
        require_writable();
        return guard_sqlite("adding a journal note", [&] {
            SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
            const bool marked = mark_identity();
            SQLite::Statement exists(db_, "SELECT 1 FROM experiments WHERE id = ?");
            exists.bind(1, experiment_id);
            if (!exists.executeStep()) throw experiment_id_not_found(experiment_id);
            JournalEntry stored = entry;
            stored.id = insert_journal_entry(db_, experiment_id, entry);
            record_note(experiment_id, load_parts(db_, experiment_id).uuid, stored);
            transaction.commit();
            identity_committed(marked);
            return stored;
        });
    }

    std::vector<JournalEntry> journal(std::int64_t experiment_id) override {
        return guard_read("reading the journal", [&] {
            return detail::load_journal(db_, experiment_id);
        });
    }

    WriteResult insert_observations(const ObservationTarget& target,
                                    std::span<const ObservationRecord> rows) override {
        require_writable();
        return guard_sqlite("recording observations", [&] {
            detail::ImmediateTransaction transaction(statements_);
            const bool marked = mark_identity();
            write_cache_.begin_write(db_.getHandle());
            const auto [uuid, parts] = checked_parts(target);
            if (const auto earlier = repeated_write(target)) return *earlier;
            if (parts) {
                for (std::size_t i = 0; i < rows.size(); ++i) {
                    check_metric(*parts, rows[i].metric_id, "store.row_metric_not_in", at_row(i));
                    check_arm(*parts, rows[i].arm_id, "store.row_arm_not_in", at_row(i));
                }
            }
            const std::span<const std::int64_t> proportion_metric_ids =
                parts ? std::span<const std::int64_t>(parts->proportion_metric_ids) : target.proportion_metric_ids;
            const std::int64_t first_id = next_id();
            write_records(rows, proportion_metric_ids, first_id);
            return record_batch(transaction, marked, target, uuid, first_id, rows.size());
        });
    }

    WriteResult insert_observation_columns(const ObservationTarget& target,
                                           const ObservationColumnsRecord& columns) override {
        require_writable();
        // Shape checks first: they need no database, and nothing is written when they fail.
        const std::size_t rows = columns.at_us.size();
        const auto check_length = [rows](std::size_t size, const char* field) {
            if (size != rows)
                throw InvalidArgumentError(field, Message{"store.column_length",
                                                          {{"entries", static_cast<std::int64_t>(size)},
                                                           {"rows", static_cast<std::int64_t>(rows)}}});
        };
        check_length(columns.values.size(), "values");
        check_length(columns.arm_codes.size(), "arm_codes");
        if (!columns.exposure.empty()) check_length(columns.exposure.size(), "exposure");
        for (std::size_t i = 0; i < rows; ++i) {
            const std::int32_t code = columns.arm_codes[i];
            if (code < 0 || static_cast<std::size_t>(code) >= columns.arm_ids.size())
                throw InvalidArgumentError("arm", Message{"store.arm_code_out_of_range",
                                                          {{"code", static_cast<std::int64_t>(code)},
                                                           at_row(i),
                                                           {"arms", static_cast<std::int64_t>(columns.arm_ids.size())}}});
        }
        return guard_sqlite("recording observations", [&] {
            // Declared before the transaction, so that it ends after it: the setting has no effect
            // inside a transaction.
            std::optional<ForeignKeysOff> unchecked;
            if (rows >= rows_without_foreign_key_checks) unchecked.emplace(db_);
            detail::ImmediateTransaction transaction(statements_);
            const bool marked = mark_identity();
            write_cache_.begin_write(db_.getHandle());
            // Without foreign-key checks nothing else would stop an id that is not the
            // experiment's, so they are checked here even when the caller's revision is current:
            // a few look-ups, against the SQLite look-up of each of 10,000 rows or more.
            auto [uuid, parts] = checked_parts(target);
            if (!parts && unchecked) parts = load_parts(db_, target.experiment_id);
            if (const auto earlier = repeated_write(target)) return *earlier;
            if (parts) {
                check_metric(*parts, columns.metric_id, "store.metric_not_in");
                for (std::size_t a = 0; a < columns.arm_ids.size(); ++a)
                    check_arm(*parts, columns.arm_ids[a], "store.arm_code_not_in",
                              {"arm_code", static_cast<std::int64_t>(a)});
            }

            // The hot path of bulk logging: prepared statements, numbers bound straight from the
            // spans, nothing allocated per row. Most rows go in blocks of rows_per_insert per
            // statement: every run of a statement opens and closes its cursors and its statement
            // transaction, which for one five-column row costs about as much as the insert itself.
            // The running summaries are one per arm code.
            std::vector<stats::Summary> by_code(columns.arm_ids.size());
            const bool has_exposure = !columns.exposure.empty();
            const auto bind_row = [&](SQLite::Statement& insert, int first, std::size_t i) {
                const auto code = static_cast<std::size_t>(columns.arm_codes[i]);
                insert.bind(first, columns.arm_ids[code]);
                insert.bind(first + 1, columns.at_us[i]);
                insert.bind(first + 2, columns.values[i]);
                if (has_exposure) {
                    insert.bind(first + 3, columns.exposure[i]);
                } else {
                    insert.bind(first + 3);
                }
                by_code[code].add(columns.values[i], has_exposure ? columns.exposure[i] : 1.0);
            };
            // The first row takes the batch's first id; SQLite numbers the rest on from it.
            const std::int64_t first_id = next_id();
            {
                auto first = statements_.get(insert_first_observation_sql);
                first->bind(1, columns.metric_id);
                bind_row(*first, 2, 0);
                first->bind(6, first_id);
                first->exec();
            }
            std::size_t i = 1;
            if (rows >= rows_per_insert + 1) {
                auto block = statements_.get(block_insert_sql());
                block->bind(1, columns.metric_id);
                for (; i + rows_per_insert <= rows; i += rows_per_insert) {
                    for (std::size_t k = 0; k < rows_per_insert; ++k)
                        bind_row(*block, 2 + 4 * static_cast<int>(k), i + k);
                    block->exec();
                    block->reset();
                }
            }
            auto insert = statements_.get(insert_observation_columns_sql);
            insert->bind(1, columns.metric_id);
            for (; i < rows; ++i) {
                bind_row(*insert, 2, i);
                insert->exec();
                insert->reset();
            }
            detail::ArmSummaryDeltas deltas;
            for (std::size_t code = 0; code < by_code.size(); ++code)
                if (by_code[code].unit_rows() > 0) deltas.of(columns.metric_id, columns.arm_ids[code]).merge(by_code[code]);
            detail::merge_arm_summaries(statements_, write_cache_, deltas);
            return record_batch(transaction, marked, target, uuid, first_id, rows);
        });
    }

    VoidRecord void_observations(std::int64_t experiment_id, const VoidRequest& request, Time at) override {
        require_writable();
        return guard_sqlite("voiding observations", [&] {
            detail::ImmediateTransaction transaction(statements_);
            const bool marked = mark_identity();
            const ExperimentParts parts = load_parts(db_, experiment_id);
            ChainHead head = read_chain_head(statements_);
            VoidRecord record = detail::void_rows(db_, statements_, {experiment_id, parts.uuid, parts.key}, request, at, head);
            transaction.commit();
            identity_committed(marked);
            // The summaries were made again from the rows: what the write cache knows is stale, and
            // it learns so from the file's data version, which this commit moved.
            return record;
        });
    }

    std::vector<ImportedExperiment> import_experiments(std::span<const ImportItem> items,
                                                       const std::function<void()>& before_commit) override {
        require_writable();
        return guard_sqlite("importing experiments", [&] {
            detail::ImmediateTransaction transaction(statements_);
            const bool marked = mark_identity();
            // Never marked committed: an import writes in many places, so the next write reads the
            // running summaries, the history's end and the next id afresh.
            write_cache_.begin_write(db_.getHandle());
            std::vector<ImportedExperiment> out;
            out.reserve(items.size());
            for (const ImportItem& item : items) out.push_back(import_one(item));
            if (before_commit) before_commit();
            transaction.commit();
            identity_committed(marked);
            return out;
        });
    }

    std::vector<VoidRecord> voids(std::int64_t experiment_id) override {
        return guard_read("reading the voids", [&] { return detail::read_voids(db_, experiment_id); });
    }

    std::vector<ArmSummaryRecord> arm_summaries(std::int64_t experiment_id) override {
        return guard_read("reading the running summaries",
                          [&] { return detail::read_arm_summaries(statements_, experiment_id); });
    }

    void scan_observations(const ObservationScan& scan,
                           const std::function<void(const ObservationRow&)>& visit) override {
        guard_sqlite("reading observations", [&] {
            detail::scan_observations(db_, scan, visit);
        });
    }

    void scan_stored_observations(std::int64_t experiment_id,
                                  const std::function<void(const StoredObservation&)>& visit) override {
        guard_sqlite("reading observations", [&] {
            SQLite::Transaction snapshot(db_, SQLite::TransactionBehavior::DEFERRED);
            detail::scan_stored_observations(db_, experiment_id == 0 ? std::nullopt : std::optional(experiment_id), visit);
            snapshot.commit();
        });
    }

    ObservationIdBounds observation_id_bounds() override {
        return guard_read("reading the history", [&] {
            ObservationIdBounds bounds;
            for (const char* sql : {"SELECT max(id) FROM observations", "SELECT max(id) FROM voided_observations"}) {
                auto q = statements_.get(sql);
                if (q->executeStep() && !q->getColumn(0).isNull())
                    bounds.stored = std::max(bounds.stored, q->getColumn(0).getInt64());
            }
            auto q = statements_.get("SELECT last_observation_id FROM history WHERE last_observation_id IS NOT NULL "
                                     "ORDER BY id DESC LIMIT 1");
            if (q->executeStep()) bounds.recorded = q->getColumn(0).getInt64();
            return bounds;
        });
    }

    HistoryLog history_log() override {
        return guard_read("reading the history", [&] { return detail::read_history_log(db_); });
    }

    std::string time_zone() override {
        return guard_read("reading the time zone", [&] {
            auto q = statements_.get("SELECT value FROM tracker_settings WHERE name = 'time_zone'");
            return q->executeStep() ? q->getColumn(0).getString() : std::string(default_time_zone);
        });
    }

    void set_time_zone(const std::string& name) override {
        require_writable();
        guard_sqlite("setting the time zone", [&] {
            SQLite::Transaction transaction(db_, SQLite::TransactionBehavior::IMMEDIATE);
            const bool marked = mark_identity();
            SQLite::Statement started(db_, "SELECT key FROM experiments WHERE actual_start IS NOT NULL ORDER BY id LIMIT 4");
            std::string keys;
            while (started.executeStep()) keys += (keys.empty() ? "" : ", ") + started.getColumn(0).getString();
            if (!keys.empty())
                throw InvalidStateError(Message{"store.time_zone_after_start", {{"keys", keys}}});
            SQLite::Statement set(db_, "INSERT OR REPLACE INTO tracker_settings (name, value) VALUES ('time_zone', ?)");
            set.bind(1, name);
            set.exec();
            transaction.commit();
            identity_committed(marked);
        });
    }

    void scan_history(std::optional<std::int64_t> experiment_id,
                      const std::function<void(const HistoryEntry&)>& visit) override {
        guard_sqlite("reading the history", [&] {
            SQLite::Transaction snapshot(db_, SQLite::TransactionBehavior::DEFERRED);
            detail::scan_history(db_, experiment_id, visit);
            snapshot.commit();
        });
    }

    std::optional<HistoryEntry> latest_record(std::int64_t experiment_id) override {
        return guard_read("reading the history", [&] { return detail::latest_record(db_, experiment_id); });
    }


    std::vector<ArmRowCount> count_observations_by_arm(std::int64_t experiment_id, std::int64_t from_us,
                                                       std::int64_t to_us) override {
        return guard_read("counting observations", [&] {
            // Per metric through the index on (metric_id, at_us, arm_id) alone (migration 17): only
            // the window's entries are read, and counted here by arm, which costs less than
            // SQLite's GROUP BY, whose sort of millions of entries took most of the time.
            detail::RawStatement q(db_, "SELECT o.arm_id FROM metrics m JOIN observations o ON o.metric_id = m.id "
                                        "AND o.at_us >= ?2 AND o.at_us < ?3 WHERE m.experiment_id = ?1");
            q.bind(1, experiment_id);
            q.bind(2, from_us);
            q.bind(3, to_us);
            std::map<std::int64_t, std::int64_t> by_arm;
            while (q.step()) ++by_arm[sqlite3_column_int64(q.get(), 0)];
            std::vector<ArmRowCount> out;
            for (const auto& [arm, rows] : by_arm) out.push_back({arm, rows});
            return out;
        });
    }

    std::int64_t count_observations(std::int64_t experiment_id, std::optional<std::int64_t> metric_id) override {
        return guard_read("counting observations", [&] {
            SQLite::Statement q(db_, metric_id ? "SELECT count(*) FROM observations WHERE metric_id = ?2 AND ?2 IN "
                                                 "(SELECT id FROM metrics WHERE experiment_id = ?1)"
                                               : "SELECT count(*) FROM observations WHERE metric_id IN "
                                                 "(SELECT id FROM metrics WHERE experiment_id = ?1)");
            q.bind(1, experiment_id);
            if (metric_id) q.bind(2, *metric_id);
            q.executeStep();
            return q.getColumn(0).getInt64();
        });
    }

private:
    // Checks the target inside the write's transaction. Returns the experiment's arms and metrics
    // when the rows must still be checked against them; nothing when the caller's revision is
    // current, which means the caller checked them against this very state.
    CheckedTarget checked_parts(const ObservationTarget& target) {
        if (target.revision == 0) {
            ExperimentParts parts = load_parts(db_, target.experiment_id);
            check_status(parts, target.accepted);
            std::string uuid = parts.uuid;
            return {std::move(uuid), std::move(parts)};
        }
        ExperimentParts current;
        if (const auto* confirmed = write_cache_.experiment(target.experiment_id, target.revision)) {
            current.key = confirmed->key;
            current.status = confirmed->status;
            check_status(current, target.accepted);
            return {confirmed->uuid, std::nullopt};
        }
        std::int64_t revision = 0;
        {
            auto q = statements_.get("SELECT key, status, revision, uuid FROM experiments WHERE id = ?");
            q->bind(1, target.experiment_id);
            if (!q->executeStep())
                throw experiment_id_not_found(target.experiment_id);
            current.key = q->getColumn(0).getString();
            current.status = parse_status(q->getColumn(1).getString());
            revision = q->getColumn(2).getInt64();
            current.uuid = q->getColumn(3).getString();
        }
        if (revision != target.revision)
            throw StaleRevisionError(Message{"store.stale_revision", {{"key", current.key},
                                                                      {"revision", target.revision},
                                                                      {"stored_revision", revision}}});
        check_status(current, target.accepted);
        write_cache_.remember({target.experiment_id, revision, current.key, current.status, current.uuid});
        return {current.uuid, std::nullopt};
    }

    // The result of a write whose idempotency key the experiment has used before: the earlier
    // batch when the content is the same (nothing is written), an error when it is not. Inside the
    // write's transaction, so that of two processes racing with one key exactly one writes.
    std::optional<WriteResult> repeated_write(const ObservationTarget& target) {
        if (target.idempotency_key.empty()) return std::nullopt;
        const auto earlier = batch_by_key(statements_, target.experiment_id, target.idempotency_key);
        if (!earlier) return std::nullopt;
        if (earlier->content_sha256 != target.content_sha256)
            throw InvalidArgumentError("idempotency_key", Message{"store.idempotency_key_reused",
                                                                  {{"value", target.idempotency_key},
                                                                   {"batch", earlier->id},
                                                                   {"rows", static_cast<std::int64_t>(earlier->rows)},
                                                                   {"at", format_time(earlier->at)}}});
        return WriteResult{0, earlier->id, true};
    }

    void write_records(std::span<const ObservationRecord> rows, std::span<const std::int64_t> proportion_metric_ids,
                       std::int64_t first_id) {
        detail::insert_observation_records(statements_, write_cache_, rows, proportion_metric_ids, first_id);
    }

    // The id the write's first row takes: known from this connection's last write while nothing
    // else changed the file, else read.
    std::int64_t next_id() {
        if (const auto known = write_cache_.next_observation_id()) return *known;
        return next_observation_id(statements_);
    }

    // Appends the write's batch to the history, commits, and remembers where the log and the ids
    // ended for the next write.
    WriteResult record_batch(detail::ImmediateTransaction& transaction, bool marked, const ObservationTarget& target,
                             const std::string& uuid, std::int64_t first_id, std::size_t rows) {
        const Batch batch = new_batch(target, first_id, rows);
        // The ids must have run on without a gap: SQLite numbers a row one above the largest id
        // in the table, which the first row's id already is.
        if (db_.getLastInsertRowid() != batch.last_observation_id)
            throw StorageError(Message{"store.ids_not_consecutive", {{"first_id", first_id},
                                                                     {"last_id", db_.getLastInsertRowid()},
                                                                     {"rows", static_cast<std::int64_t>(rows)}}},
                               0);
        ChainHead head = write_cache_.chain_head() ? *write_cache_.chain_head() : read_chain_head(statements_);
        const HistoryEntry entry = append_history(
            statements_, {HistoryKind::observations, target.experiment_id, uuid, batch_record(batch)}, now_utc(), head,
            &batch);
        transaction.commit();
        write_cache_.committed(db_.getHandle());
        identity_committed(marked);
        write_cache_.remember_end(head, batch.last_observation_id + 1);
        return WriteResult{rows, entry.index, false};
    }

    // The experiment as stored, inside the caller's transaction.
    Experiment read_experiment(std::int64_t experiment_id) {
        SQLite::Statement q(db_, "SELECT * FROM experiments WHERE id = ?");
        q.bind(1, experiment_id);
        if (!q.executeStep()) throw experiment_id_not_found(experiment_id);
        return read_full_experiment(db_, q, detail::LaterTables{});
    }

    // Appends the experiment's record (read back as stored, exactly as a later read sees it) to the
    // history, inside the caller's transaction; returns the experiment as read. Every write that
    // changes an experiment comes here last, so its entry in the search index is made here too,
    // from the same stored rows.
    Experiment record_experiment(HistoryKind kind, std::int64_t experiment_id) {
        detail::index_experiment(db_, experiment_id);
        Experiment stored = read_experiment(experiment_id);
        ChainHead head = read_chain_head(statements_);
        (void)append_history(statements_, {kind, stored.id, stored.uuid, experiment_record(stored)}, now_utc(), head);
        return stored;
    }

    void record_note(std::int64_t experiment_id, const std::string& uuid, const JournalEntry& note) {
        ChainHead head = read_chain_head(statements_);
        (void)append_history(statements_, {HistoryKind::note, experiment_id, uuid, note_record(note)}, now_utc(), head);
    }

    void require_writable() const {
        if (read_only_) throw StorageError(Message{"store.read_only", {}}, SQLITE_READONLY);
    }

    // ------------------------------------------------------------------------------------------
    // Imports (inside import_experiments' transaction)

    ImportedExperiment import_one(const ImportItem& item) {
        const Experiment& incoming = item.experiment;
        ImportedExperiment result{incoming.uuid, incoming.key, ImportAction::unchanged, std::nullopt, 0};
        // Every item's rows are read, and so checked, whether they are written or not.
        const auto read_without_writing = [&] { return item.read_rows([](const ObservationRecord&) {}); };
        const auto conflict = [&](Message why) {
            result.action = ImportAction::conflict;
            result.reason = std::move(why);
            return result;
        };
        std::optional<std::int64_t> stored_id;
        {
            SQLite::Statement q(db_, "SELECT id FROM experiments WHERE uuid = ?");
            q.bind(1, incoming.uuid);
            if (q.executeStep()) stored_id = q.getColumn(0).getInt64();
        }
        if (!stored_id) {
            SQLite::Statement taken(db_, "SELECT key FROM experiments WHERE key = ?");
            taken.bind(1, incoming.key);
            if (taken.executeStep()) {
                (void)read_without_writing();
                return conflict(Message{"bundle.key_in_use", {{"key", taken.getColumn(0).getString()}}});
            }
            add_copy(item, result);
            result.action = ImportAction::added;
            return result;
        }
        const Experiment stored = read_experiment(*stored_id);
        result.key = stored.key;
        if (!stored.origin) {
            (void)read_without_writing();
            // This file's own experiment, come back in another's bundle: it is changed here only.
            if (detail::experiment_record(stored) == item.record) {
                result.reason = Message{"bundle.own_experiment", {{"key", stored.key}}};
                return result;
            }
            return conflict(Message{"bundle.own_experiment_changed", {{"key", stored.key}}});
        }
        // The bundle this copy came from, again: told by its id (the hash of its manifest, which
        // holds the hash of every part), so its rows need not have been read.
        if (!item.origin.bundle_id.empty() && stored.origin->bundle_id == item.origin.bundle_id) {
            (void)read_without_writing();
            return result;
        }
        // Not written: the same content as imported before is no news, other content is refused.
        const auto refused = [&](std::optional<Message> why, bool is_conflict) {
            if (read_without_writing() == stored.origin->content_sha256) return result;
            result.reason = std::move(why);
            if (is_conflict) result.action = ImportAction::conflict;
            return result;
        };
        if (stored.origin->log_id != item.origin.log_id)
            return refused(Message{"bundle.other_source", {{"key", stored.key},
                                                           {"organisation", stored.origin->organisation},
                                                           {"other", item.origin.organisation}}},
                           true);
        if (incoming.revision < stored.revision)
            return refused(Message{"bundle.older_revision", {{"key", stored.key},
                                                            {"revision", incoming.revision},
                                                            {"stored_revision", stored.revision}}},
                           false);
        // What the copy has must be where the exporter's record continues from: amendments and
        // notes are only ever added.
        const bool amendments_continue =
            incoming.amendments.size() >= stored.amendments.size() &&
            std::equal(stored.amendments.begin(), stored.amendments.end(), incoming.amendments.begin());
        const std::vector<JournalEntry> notes = detail::load_journal(db_, stored.id);
        const bool journal_continues =
            item.journal.empty() ||
            (item.journal.size() >= notes.size() &&
             std::equal(notes.begin(), notes.end(), item.journal.begin(), [](const JournalEntry& a, const JournalEntry& b) {
                 return a.at == b.at && a.author == b.author && a.text == b.text;
             }));
        if (!amendments_continue || !journal_continues)
            return refused(Message{"bundle.history_rewritten", {{"key", stored.key}}}, true);
        // The rows are read once, as they are written; what turns out to be the content imported
        // before is undone.
        db_.exec("SAVEPOINT import_copy");
        if (replace_copy(stored, notes.size(), item, result) == stored.origin->content_sha256) {
            db_.exec("ROLLBACK TO import_copy");
            db_.exec("RELEASE import_copy");
            // What the undone writes left in the write cache is forgotten with everything else.
            write_cache_.begin_write(db_.getHandle());
            result.rows = 0;
            return result;
        }
        db_.exec("RELEASE import_copy");
        result.action = ImportAction::updated;
        return result;
    }

    void add_copy(const ImportItem& item, ImportedExperiment& result) {
        const Experiment& e = item.experiment;
        const std::int64_t id = insert_experiment_row(db_, e, e.uuid, e.key, e.revision);
        write_lists(db_, id, e);
        const auto arm_ids = insert_new_items(db_, insert_arm_sql, id, e.arms, bind_arm, true);
        const auto metric_ids = insert_new_items(db_, insert_metric_sql, id, e.metrics, bind_metric, true);
        insert_amendments(db_, id, e.amendments);
        record_copy(id, item.record);
        for (const JournalEntry& note : item.journal) add_copied_note(id, e.uuid, note);
        ExperimentOrigin origin = item.origin;
        origin.content_sha256 = write_copied_rows(id, e, item, arm_ids, metric_ids, result.rows);
        write_origin(db_, id, origin);
    }

    // Returns the content hash of what it wrote.
    std::string replace_copy(const Experiment& stored, std::size_t stored_notes, const ImportItem& item,
                             ImportedExperiment& result) {
        Experiment e = item.experiment;
        e.id = stored.id;
        // The rows imported before leave every summary and scan (they stay in the file, voided
        // under the new content's hash, known once the new rows are read); the bundle's rows are
        // the experiment's rows now.
        std::vector<std::int64_t> counted;
        {
            SQLite::Statement q(db_, "SELECT o.id FROM observations o JOIN metrics m ON o.metric_id = m.id "
                                     "WHERE m.experiment_id = ? ORDER BY o.id");
            q.bind(1, stored.id);
            while (q.executeStep()) counted.push_back(q.getColumn(0).getInt64());
        }
        // Arms and metrics are the same ones where their names are.
        for (Arm& arm : e.arms) {
            const auto same = std::ranges::find(stored.arms, arm.name, &Arm::name);
            arm.id = same == stored.arms.end() ? 0 : same->id;
        }
        for (Metric& metric : e.metrics) {
            const auto same = std::ranges::find(stored.metrics, metric.name, &Metric::name);
            metric.id = same == stored.metrics.end() ? 0 : same->id;
        }
        update_experiment_row(db_, e, e.revision);
        write_lists(db_, e.id, e);
        const auto arm_ids = detail::save_items(db_, e.id, "arms", e.arms, insert_arm_sql, update_arm_sql, bind_arm);
        const auto metric_ids =
            detail::save_items(db_, e.id, "metrics", e.metrics, insert_metric_sql, update_metric_sql, bind_metric);
        insert_amendments(db_, e.id, std::span(e.amendments).subspan(stored.amendments.size()));
        record_copy(e.id, item.record);
        if (!item.journal.empty())
            for (std::size_t i = stored_notes; i < item.journal.size(); ++i) add_copied_note(e.id, e.uuid, item.journal[i]);
        ExperimentOrigin origin = item.origin;
        origin.content_sha256 = write_copied_rows(e.id, e, item, arm_ids, metric_ids, result.rows);
        if (!counted.empty()) {
            VoidRequest request;
            request.observation_ids = std::move(counted);
            request.reason = "bundle " + origin.content_sha256;
            request.author = item.origin.exporter;
            ChainHead head = read_chain_head(statements_);
            (void)detail::void_rows(db_, statements_, {stored.id, stored.uuid, stored.key}, request, now_utc(), head);
        }
        write_origin(db_, e.id, origin);
        return origin.content_sha256;
    }

    // The history's imported entry, and the check that the copy reads back as the exporter's record.
    void record_copy(std::int64_t experiment_id, const std::string& record) {
        const Experiment stored = record_experiment(HistoryKind::imported, experiment_id);
        if (detail::experiment_record(stored) != record)
            throw InvalidArgumentError("record", Message{"bundle.record_not_kept", {{"key", stored.key}}});
    }

    void add_copied_note(std::int64_t experiment_id, const std::string& uuid, const JournalEntry& note) {
        JournalEntry written = note;
        written.id = insert_journal_entry(db_, experiment_id, note);
        record_note(experiment_id, uuid, written);
    }

    // The copy's rows as one batch, written as the item reads them, a chunk at a time; their arm
    // and metric ids are positions in the experiment's. Returns the item's content hash.
    std::string write_copied_rows(std::int64_t experiment_id, const Experiment& e, const ImportItem& item,
                                  const std::vector<std::int64_t>& arm_ids, const std::vector<std::int64_t>& metric_ids,
                                  std::int64_t& written) {
        constexpr std::size_t chunk_rows = 1 << 16;
        std::vector<std::int64_t> proportions;
        for (std::size_t i = 0; i < e.metrics.size(); ++i)
            if (e.metrics[i].kind == MetricKind::proportion) proportions.push_back(metric_ids[i]);
        const std::int64_t first_id = next_observation_id(statements_);
        std::int64_t next_id = first_id;
        std::vector<ObservationRecord> chunk;
        detail::BatchHasher hasher;
        const auto flush = [&] {
            write_records(chunk, proportions, next_id);
            next_id += static_cast<std::int64_t>(chunk.size());
            chunk.clear();
        };
        const std::string content = item.read_rows([&](const ObservationRecord& row) {
            if (chunk.empty()) chunk.reserve(chunk_rows);
            ObservationRecord& resolved = chunk.emplace_back(row);
            resolved.metric_id = metric_ids.at(static_cast<std::size_t>(row.metric_id - 1));
            resolved.arm_id = arm_ids.at(static_cast<std::size_t>(row.arm_id - 1));
            hasher.add(resolved);
            if (chunk.size() == chunk_rows) flush();
        });
        flush();
        written = next_id - first_id;
        if (written == 0) return content;
        ObservationTarget target;
        target.experiment_id = experiment_id;
        target.content_sha256 = hasher.finish();
        const Batch batch = new_batch(target, first_id, static_cast<std::size_t>(written));
        ChainHead head = read_chain_head(statements_);
        (void)append_history(statements_, {HistoryKind::observations, experiment_id, e.uuid, batch_record(batch)},
                             now_utc(), head, &batch);
        return content;
    }

    // Identity marks (see sqlite_wal_identity.hpp): call mark_identity() right after the BEGIN of
    // every write, and identity_committed() right after its COMMIT. Only a file in WAL mode has a
    // log to mark.
    bool mark_identity() {
        if (!checkpointer_ || !marks_.due(db_.getHandle(), checkpointer_->full_checkpoints())) return false;
        statements_.get(detail::mark_identity_sql)->exec();
        return true;
    }
    void identity_committed(bool marked) {
        if (checkpointer_)
            marks_.committed(db_.getHandle(), marked, checkpointer_->full_checkpoints(), checkpointer_->restarts());
    }

    // Before db_: the connection's busy handler, which must outlive it.
    std::unique_ptr<detail::BusyWait> wait_;
    SQLite::Database db_;
    bool read_only_;
    detail::IdentityMarks marks_;
    // After db_: the statements are finalized before the connection closes.
    detail::StatementCache statements_{db_};
    detail::WriteCache write_cache_;
    // Last: stopped (its hook removed, its thread joined) before anything above goes.
    std::optional<detail::BackgroundCheckpointer> checkpointer_;
};

}  // namespace

std::unique_ptr<Store> detail::make_sqlite_store(SQLite::Database db, bool read_only,
                                                 std::unique_ptr<detail::BusyWait> wait) {
    return std::make_unique<SqliteStore>(std::move(db), read_only, std::move(wait));
}

}  // namespace kokeilu
