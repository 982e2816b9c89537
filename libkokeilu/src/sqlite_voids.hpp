// Voiding observations in the SQLite file: the rows move, whole and with their ids, from
// observations to voided_observations (see sqlite_schema.cpp), and the running summaries of their
// metrics are made again from the rows that still count, all in the caller's transaction.
#pragma once

#include "kokeilu/voiding.hpp"
#include "history_chain.hpp"
#include "sqlite_statement_cache.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kokeilu::detail {

struct VoidTarget {
    std::int64_t experiment_id = 0;
    std::string uuid;
    std::string key;
};

// Checks the request against the stored rows, moves them, makes the summaries again, and appends
// the void's history entry after `head`. Throws (nothing written) for an id or batch that is not the
// experiment's, or rows voided before.
VoidRecord void_rows(SQLite::Database& db, StatementCache& statements, const VoidTarget& target,
                     const VoidRequest& request, Time at, ChainHead& head);

[[nodiscard]] std::vector<VoidRecord> read_voids(SQLite::Database& db, std::int64_t experiment_id);

}  // namespace kokeilu::detail
