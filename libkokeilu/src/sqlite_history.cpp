#include "sqlite_history.hpp"

#include "kokeilu/error.hpp"
#include "batch_hash.hpp"
#include "history_payload.hpp"
#include "sqlite_experiment_rows.hpp"
#include "sqlite_observation_scan.hpp"
#include "sqlite_support.hpp"

#include <SQLiteCpp/Transaction.h>

#include <algorithm>

namespace kokeilu::detail {

namespace {

constexpr const char* chain_head_sql = "SELECT id, leaf_hash FROM history ORDER BY id DESC LIMIT 1";

constexpr const char* insert_history_sql =
    "INSERT INTO history (id, at_us, kind, experiment_id, experiment_uuid, payload, salt, payload_hash, leaf_hash, "
    "first_observation_id, last_observation_id, rows, content_sha256, idempotency_key) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* entry_columns =
    "SELECT id, at_us, kind, experiment_id, experiment_uuid, payload, salt, payload_hash, leaf_hash, "
    "first_observation_id, last_observation_id, rows, content_sha256, idempotency_key FROM history ";

constexpr const char* batch_by_key_sql =
    "SELECT id, at_us, kind, experiment_id, experiment_uuid, payload, salt, payload_hash, leaf_hash, "
    "first_observation_id, last_observation_id, rows, content_sha256, idempotency_key FROM history "
    "WHERE experiment_id = ? AND idempotency_key = ?";

constexpr const char* batch_by_id_sql =
    "SELECT id, at_us, kind, experiment_id, experiment_uuid, payload, salt, payload_hash, leaf_hash, "
    "first_observation_id, last_observation_id, rows, content_sha256, idempotency_key FROM history "
    "WHERE id = ? AND kind = 'observations'";

std::string blob(const SQLite::Column& column) {
    if (column.isNull()) return {};
    return std::string(static_cast<const char*>(column.getBlob()), static_cast<std::size_t>(column.getBytes()));
}

void bind_blob(SQLite::Statement& s, int index, const std::string& bytes) {
    s.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

HistoryEntry read_entry(SQLite::Statement& q) {
    HistoryEntry e;
    e.index = q.getColumn(0).getInt64();
    e.at = from_unix_micros(q.getColumn(1).getInt64());
    e.kind = parse_history_kind(q.getColumn(2).getString());
    // A NULL integer column reads as 0 (sqlite3_column_int64), which is what an entry without an
    // experiment or a batch without rows means.
    e.experiment_id = q.getColumn(3).getInt64();
    e.experiment_uuid = q.getColumn(4).getString();
    if (!q.getColumn(5).isNull()) e.payload = q.getColumn(5).getString();
    e.salt = blob(q.getColumn(6));
    e.payload_hash = blob(q.getColumn(7));
    e.leaf_hash = blob(q.getColumn(8));
    if (e.kind == HistoryKind::observations) {
        Batch b;
        b.id = e.index;
        b.experiment_id = e.experiment_id;
        b.at = e.at;
        b.first_observation_id = q.getColumn(9).getInt64();
        b.last_observation_id = q.getColumn(10).getInt64();
        b.rows = q.getColumn(11).getInt64();
        b.content_sha256 = blob(q.getColumn(12));
        b.idempotency_key = q.getColumn(13).isNull() ? std::string() : q.getColumn(13).getString();
        if (e.payload)
            if (const auto parsed = parse_record(*e.payload)) b.migrated = parsed->get("migrated") == "1";
        e.batch = std::move(b);
    }
    return e;
}

}  // namespace

ChainHead read_chain_head(StatementCache& statements) {
    ChainHead head;
    auto q = statements.get(chain_head_sql);
    if (q->executeStep()) {
        head.size = q->getColumn(0).getInt64();
        head.leaf_hash = blob(q->getColumn(1));
    }
    return head;
}

HistoryEntry append_history(StatementCache& statements, const EntryDraft& draft, Time at, ChainHead& head,
                            const Batch* batch) {
    HistoryEntry entry = seal(draft, at, head);
    auto insert = statements.get(insert_history_sql);
    insert->bind(1, entry.index);
    insert->bind(2, to_unix_micros(entry.at));
    insert->bind(3, std::string(to_string(entry.kind)));
    if (entry.experiment_id != 0) {
        insert->bind(4, entry.experiment_id);
    } else {
        insert->bind(4);
    }
    insert->bind(5, entry.experiment_uuid);
    insert->bind(6, *entry.payload);
    bind_blob(*insert, 7, entry.salt);
    bind_blob(*insert, 8, entry.payload_hash);
    bind_blob(*insert, 9, entry.leaf_hash);
    if (batch != nullptr) {
        insert->bind(10, batch->first_observation_id);
        insert->bind(11, batch->last_observation_id);
        insert->bind(12, batch->rows);
        bind_blob(*insert, 13, batch->content_sha256);
        if (batch->idempotency_key.empty()) {
            insert->bind(14);
        } else {
            insert->bind(14, batch->idempotency_key);
        }
        Batch stored = *batch;
        stored.id = entry.index;
        stored.experiment_id = entry.experiment_id;
        stored.at = entry.at;
        entry.batch = std::move(stored);
    } else {
        for (int column = 10; column <= 14; ++column) insert->bind(column);
    }
    insert->exec();
    return entry;
}

std::int64_t next_observation_id(StatementCache& statements) {
    std::int64_t highest = 0;
    for (const char* sql : {"SELECT max(id) FROM observations", "SELECT max(id) FROM voided_observations",
                            "SELECT last_observation_id FROM history WHERE last_observation_id IS NOT NULL "
                            "ORDER BY id DESC LIMIT 1"}) {
        auto q = statements.get(sql);
        if (q->executeStep() && !q->getColumn(0).isNull()) highest = std::max(highest, q->getColumn(0).getInt64());
    }
    return highest + 1;
}

std::optional<Batch> batch_by_key(StatementCache& statements, std::int64_t experiment_id, const std::string& key) {
    auto q = statements.get(batch_by_key_sql);
    q->bind(1, experiment_id);
    q->bind(2, key);
    if (!q->executeStep()) return std::nullopt;
    return read_entry(*q).batch;
}

std::optional<Batch> batch_by_id(StatementCache& statements, std::int64_t batch_id) {
    auto q = statements.get(batch_by_id_sql);
    q->bind(1, batch_id);
    if (!q->executeStep()) return std::nullopt;
    return read_entry(*q).batch;
}

void start_history(SQLite::Database& db, int version_before) {
    if (db.execAndGet("SELECT EXISTS (SELECT 1 FROM history)").getInt() != 0) return;
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    // Again inside the write lock: two processes may open a migrated file at once.
    if (db.execAndGet("SELECT EXISTS (SELECT 1 FROM history)").getInt() != 0) return;
    StatementCache statements(db);
    ChainHead head;
    const Time now = now_utc();

    std::vector<Experiment> experiments;
    {
        // After every migration: the file has every table.
        SQLite::Statement q(db, "SELECT * FROM experiments ORDER BY id");
        while (q.executeStep()) experiments.push_back(read_full_experiment(db, q, LaterTables{}));
    }
    HistoryLog log;
    log.log_id = to_hex(random_bytes(16));
    log.started_at = now;
    // A file with nothing in it has nothing the log could vouch for, whatever its version: its log
    // begins with the file. One with experiments begins at its migration (a file migrated to this
    // schema but whose log was not started before the process ended says 2, the last version
    // without a history).
    log.from_schema = experiments.empty() ? 0 : (version_before >= 1 && version_before <= 2 ? version_before : 2);
    {
        SQLite::Statement insert(db, "INSERT INTO history_log (log_id, started_at_us, from_schema) VALUES (?, ?, ?)");
        insert.bind(1, log.log_id);
        insert.bind(2, to_unix_micros(now));
        insert.bind(3, log.from_schema);
        insert.exec();
    }
    (void)append_history(statements, {HistoryKind::begin, 0, "", begin_record(log)}, now, head);

    for (const Experiment& e : experiments) {
        (void)append_history(statements, {HistoryKind::migrated, e.id, e.uuid, experiment_record(e)}, now, head);
        SQLite::Statement notes(db, "SELECT id, at_us, author, text FROM journal WHERE experiment_id = ? ORDER BY id");
        notes.bind(1, e.id);
        while (notes.executeStep()) {
            JournalEntry note;
            note.id = notes.getColumn(0).getInt64();
            note.at = time_or_not_a_date(notes.getColumn(1));
            note.author = notes.getColumn(2).getString();
            note.text = notes.getColumn(3).getString();
            (void)append_history(statements, {HistoryKind::note, e.id, e.uuid, note_record(note)}, now, head);
        }
        // The rows already there become one batch, in id order (the order they were written in).
        Batch batch;
        batch.migrated = true;
        BatchHasher hasher;
        scan_stored_observations(db, e.id, [&](const StoredObservation& row) {
            if (batch.rows == 0) batch.first_observation_id = row.id;
            batch.last_observation_id = row.id;
            ++batch.rows;
            hasher.add(row.record);
        });
        if (batch.rows == 0) continue;
        batch.content_sha256 = hasher.finish();
        (void)append_history(statements, {HistoryKind::observations, e.id, e.uuid, batch_record(batch)}, now, head,
                             &batch);
    }
    transaction.commit();
}

HistoryLog read_history_log(SQLite::Database& db) {
    SQLite::Statement q(db, "SELECT log_id, started_at_us, from_schema FROM history_log LIMIT 1");
    HistoryLog log;
    if (!q.executeStep()) return log;
    log.log_id = q.getColumn(0).getString();
    log.started_at = from_unix_micros(q.getColumn(1).getInt64());
    log.from_schema = q.getColumn(2).getInt();
    return log;
}

void scan_history(SQLite::Database& db, std::optional<std::int64_t> experiment_id,
                  const std::function<void(const HistoryEntry&)>& visit) {
    SQLite::Statement q(db, std::string(entry_columns) + (experiment_id ? "WHERE experiment_id = ? " : "") + "ORDER BY id");
    if (experiment_id) q.bind(1, *experiment_id);
    while (q.executeStep()) visit(read_entry(q));
}

std::optional<HistoryEntry> latest_record(SQLite::Database& db, std::int64_t experiment_id) {
    // The condition of the partial index history_records, word for word, so that SQLite uses it.
    SQLite::Statement q(db, std::string(entry_columns) +
                                "WHERE experiment_id = ? AND kind IN ('create', 'update', 'amend', 'start', 'stop', "
                                "'conclude', 'migrated', 'delete', 'imported') ORDER BY id DESC LIMIT 1");
    q.bind(1, experiment_id);
    if (!q.executeStep()) return std::nullopt;
    return read_entry(q);
}

}  // namespace kokeilu::detail
