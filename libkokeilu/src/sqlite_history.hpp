// The history in the SQLite file (tables history_log and history; see sqlite_schema.cpp): appending
// sealed entries inside a write's transaction, starting the log of a new or migrated file, and
// reading the entries back.
#pragma once

#include "kokeilu/history.hpp"
#include "kokeilu/store.hpp"
#include "history_chain.hpp"
#include "sqlite_statement_cache.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace kokeilu::detail {

// The end of the log, read inside the caller's transaction.
[[nodiscard]] ChainHead read_chain_head(StatementCache& statements);

// Seals the draft onto the log after `head` (which it advances) and inserts it, inside the caller's
// write transaction; with the batch columns for a write of observations.
HistoryEntry append_history(StatementCache& statements, const EntryDraft& draft, Time at, ChainHead& head,
                            const Batch* batch = nullptr);

// The id the next write of observations starts at: above every id any observation ever had (the
// counted and the voided ones, and the last batch's), so that batches never share an id.
[[nodiscard]] std::int64_t next_observation_id(StatementCache& statements);

// The batch the experiment wrote with this idempotency key, if any.
[[nodiscard]] std::optional<Batch> batch_by_key(StatementCache& statements, std::int64_t experiment_id,
                                               const std::string& key);
[[nodiscard]] std::optional<Batch> batch_by_id(StatementCache& statements, std::int64_t batch_id);

// Starts the history of a file whose log is empty (a new file, or one just migrated from
// `version_before`): the begin entry, then for every experiment its record, its journal notes and
// its rows as one batch. Its own transaction; nothing to do when the log has entries (or the file
// is read-only).
void start_history(SQLite::Database& db, int version_before);

[[nodiscard]] HistoryLog read_history_log(SQLite::Database& db);
void scan_history(SQLite::Database& db, std::optional<std::int64_t> experiment_id,
                  const std::function<void(const HistoryEntry&)>& visit);
[[nodiscard]] std::optional<HistoryEntry> latest_record(SQLite::Database& db, std::int64_t experiment_id);

}  // namespace kokeilu::detail
