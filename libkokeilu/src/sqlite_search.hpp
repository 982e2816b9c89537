// The learning library in the SQLite file: a full-text index of every experiment (an FTS5 table,
// experiment_search, one row per experiment whose rowid is the experiment's id), kept by the store
// inside the transaction of every write that changes an experiment, and the search over it.
//
// The entry is always made from the experiment's stored rows by one SQL read (index_experiment),
// whatever the write: a create, a save of any kind, an import and migration 12's filling of a file
// all make the same entry from the same rows, so an entry cannot say what its experiment does not.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/experiment_search.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu::detail {

// Whether the file has the index (migration 12 in sqlite_schema.cpp makes it, with the reasons for
// its tokenizer).
[[nodiscard]] bool has_search_index(SQLite::Database& db);
// Migration 12's fill: an entry for every experiment the file holds.
void index_every_experiment(SQLite::Database& db);

// Writes the experiment's entry anew from its stored rows, inside the caller's transaction (after
// the experiment and its tags, purposes and metrics are written).
void index_experiment(SQLite::Database& db, std::int64_t experiment_id);
// Removes the experiment's entry, inside the transaction that deletes the experiment.
void unindex_experiment(SQLite::Database& db, std::int64_t experiment_id);

// The FTS5 query for a user's text: every word quoted as an FTS5 string (a quote in it doubled) and
// marked as a prefix, joined by spaces (all of them must match). Nothing the user typed can act as
// query syntax. Empty when the text has no word.
[[nodiscard]] std::string search_query(std::string_view text);

// The experiments that meet every criterion, ranked by bm25 when there is text (the best first,
// ties by key), else by key. Inside the caller's read transaction.
[[nodiscard]] std::vector<Experiment> search_experiments(SQLite::Database& db, const ExperimentSearch& search);

}  // namespace kokeilu::detail
