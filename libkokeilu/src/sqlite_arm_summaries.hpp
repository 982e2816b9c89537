// The running summary of each metric in each arm (table arm_summaries), kept equal to a summary of
// every stored observation: every write of observations merges the summary of its own rows into
// the stored one in the same transaction. An analysis of the data as it stands then reads a few
// rows per metric instead of millions of observations; an analysis "as it stood at" a time still
// scans the rows.
#pragma once

#include "kokeilu/observation.hpp"
#include "kokeilu/store.hpp"
#include "kokeilu/stats/summary.hpp"
#include "sqlite_statement_cache.hpp"
#include "sqlite_write_cache.hpp"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace kokeilu::detail {

// The summaries of the rows of one write, by (metric id, arm id).
class ArmSummaryDeltas {
public:
    // Adds one row as the store will stream it back; `binary` for proportion metrics.
    void add(std::int64_t metric_id, std::int64_t arm_id, const ObservationRow& row, bool binary);
    [[nodiscard]] stats::Summary& of(std::int64_t metric_id, std::int64_t arm_id) {
        return deltas_[{metric_id, arm_id}];
    }
    [[nodiscard]] const std::map<std::pair<std::int64_t, std::int64_t>, stats::Summary>& all() const noexcept {
        return deltas_;
    }

private:
    std::map<std::pair<std::int64_t, std::int64_t>, stats::Summary> deltas_;
};

// Merges the deltas into the stored summaries. Must run inside the transaction that wrote the rows,
// after cache.begin_write(): summaries the cache knows are not read again, and every summary
// written is remembered in it as stored.
void merge_arm_summaries(StatementCache& statements, WriteCache& cache, const ArmSummaryDeltas& deltas);

// Every stored summary of the experiment's metrics. Throws InvalidArgumentError (naming the column)
// when a stored summary is not one a summary can have.
[[nodiscard]] std::vector<ArmSummaryRecord> read_arm_summaries(StatementCache& statements,
                                                               std::int64_t experiment_id);

// Replaces every stored summary by one computed from the observations (used when the table is
// added to an existing file). Must run inside a write transaction.
void rebuild_arm_summaries(SQLite::Database& db);
// The same for one metric (after some of its rows were voided).
void rebuild_arm_summaries_of_metric(SQLite::Database& db, std::int64_t metric_id);

}  // namespace kokeilu::detail
