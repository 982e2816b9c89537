// Observations written row by row, each with every column (a log, a batch, an import's rows),
// and merged into the running summaries in the same transaction (sqlite_arm_summaries.hpp).
#pragma once

#include "kokeilu/store.hpp"
#include "sqlite_statement_cache.hpp"
#include "sqlite_write_cache.hpp"

#include <cstdint>
#include <span>

namespace kokeilu::detail {

// Inserts the rows with ids from first_id on, inside the caller's transaction (after
// cache.begin_write()), and merges them into the running summaries (a proportion's aggregated rows
// count as 0/1 outcomes).
void insert_observation_records(StatementCache& statements, WriteCache& cache, std::span<const ObservationRecord> rows,
                                std::span<const std::int64_t> proportion_metric_ids, std::int64_t first_id);

}  // namespace kokeilu::detail
