#include "sqlite_arm_summaries.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace kokeilu::detail {

namespace {

constexpr const char* select_summary_sql =
    "SELECT n, mean, m2, sum, exposure, min, max, unit_rows, aggregate_rows, variance_known, mean_low "
    "FROM arm_summaries WHERE metric_id = ? AND arm_id = ?";

// The columns of both statements are bound in the same places (write_summary): ?1 and ?2 are the
// metric and arm ids. An UPDATE of an existing summary changes no key, so it neither deletes and
// re-inserts the row (as INSERT OR REPLACE would) nor looks up the metric and arm again for the
// foreign keys: on the path of every single `log`, that is a third of the summary's cost.
constexpr const char* update_summary_sql =
    "UPDATE arm_summaries SET n = ?3, mean = ?4, m2 = ?5, sum = ?6, exposure = ?7, min = ?8, max = ?9, "
    "unit_rows = ?10, aggregate_rows = ?11, variance_known = ?12, mean_low = ?13 WHERE metric_id = ?1 AND arm_id = ?2";

constexpr const char* insert_summary_sql =
    "INSERT INTO arm_summaries (metric_id, arm_id, n, mean, m2, sum, exposure, min, max, unit_rows, "
    "aggregate_rows, variance_known, mean_low) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

constexpr const char* experiment_summaries_sql =
    "SELECT s.metric_id, s.arm_id, s.n, s.mean, s.m2, s.sum, s.exposure, s.min, s.max, s.unit_rows, "
    "s.aggregate_rows, s.variance_known, s.mean_low FROM arm_summaries s JOIN metrics m ON m.id = s.metric_id "
    "WHERE m.experiment_id = ? ORDER BY s.metric_id, s.arm_id";

// Columns from `first` on: n, mean, m2, sum, exposure, min, max, unit_rows, aggregate_rows,
// variance_known, mean_low. Empty when the totals overflowed (NULL moments). A summary written
// before mean_low was kept (NULL) has its mean as a double only.
std::optional<stats::Summary> summary_from_columns(SQLite::Statement& q, int first) {
    if (q.getColumn(first + 1).isNull()) return std::nullopt;
    stats::Summary::State state;
    state.n = q.getColumn(first).getInt64();
    state.mean = q.getColumn(first + 1).getDouble();
    state.m2 = q.getColumn(first + 2).getDouble();
    state.sum = q.getColumn(first + 3).getDouble();
    state.exposure = q.getColumn(first + 4).getDouble();
    // No unit-level row, no extremes: stored as NULL.
    const SQLite::Column min = q.getColumn(first + 5);
    const SQLite::Column max = q.getColumn(first + 6);
    state.min = min.isNull() ? 0.0 : min.getDouble();
    state.max = max.isNull() ? 0.0 : max.getDouble();
    state.unit_rows = q.getColumn(first + 7).getInt64();
    state.aggregate_rows = q.getColumn(first + 8).getInt64();
    state.variance_known = q.getColumn(first + 9).getInt() != 0;
    const SQLite::Column mean_low = q.getColumn(first + 10);
    state.mean_low = mean_low.isNull() ? 0.0 : mean_low.getDouble();
    return stats::Summary::from_state(state);
}

bool is_finite(const stats::Summary::State& s) {
    return std::isfinite(s.mean) && std::isfinite(s.m2) && std::isfinite(s.sum) && std::isfinite(s.exposure);
}

// Binds and runs an update or an insert of the summary. An empty summary writes the row that says
// "overflowed". Returns the summary as reading the row back gives it.
std::optional<stats::Summary> write_summary(SQLite::Statement& upsert, std::int64_t metric_id, std::int64_t arm_id,
                                            const std::optional<stats::Summary>& summary) {
    const stats::Summary::State s = summary ? summary->state() : stats::Summary::State{};
    upsert.bind(1, metric_id);
    upsert.bind(2, arm_id);
    upsert.bind(3, s.n);
    if (summary && is_finite(s)) {
        upsert.bind(4, s.mean);
        upsert.bind(5, s.m2);
        upsert.bind(6, s.sum);
        upsert.bind(7, s.exposure);
    } else {
        for (int column = 4; column <= 7; ++column) upsert.bind(column);
    }
    if (summary && s.unit_rows > 0) {
        upsert.bind(8, s.min);
        upsert.bind(9, s.max);
    } else {
        upsert.bind(8);
        upsert.bind(9);
    }
    upsert.bind(10, s.unit_rows);
    upsert.bind(11, s.aggregate_rows);
    upsert.bind(12, s.variance_known ? 1 : 0);
    if (summary && is_finite(s)) {
        upsert.bind(13, s.mean_low);
    } else {
        upsert.bind(13);
    }
    upsert.exec();
    if (!summary || !is_finite(s)) return std::nullopt;
    // As summary_from_columns reads the row: SQLite stores -0.0 as 0 (adding 0.0 turns -0.0 into
    // 0.0 and leaves every other number as it is), and min and max are NULL without unit-level rows.
    stats::Summary::State stored = s;
    for (double* number : {&stored.mean, &stored.mean_low, &stored.m2, &stored.sum, &stored.exposure, &stored.min, &stored.max})
        *number += 0.0;
    if (s.unit_rows == 0) stored.min = stored.max = 0.0;
    return stats::Summary::from_state(stored);
}

}  // namespace

void ArmSummaryDeltas::add(std::int64_t metric_id, std::int64_t arm_id, const ObservationRow& row, bool binary) {
    deltas_[{metric_id, arm_id}].add(row, binary);
}

void merge_arm_summaries(StatementCache& statements, WriteCache& cache, const ArmSummaryDeltas& deltas) {
    for (const auto& [ids, delta] : deltas.all()) {
        std::optional<stats::Summary> stored = stats::Summary();
        bool exists = false;
        if (const WriteCache::StoredSummary* known = cache.summary(ids.first, ids.second)) {
            exists = true;
            stored = *known;
        } else {
            auto q = statements.get(select_summary_sql);
            q->bind(1, ids.first);
            q->bind(2, ids.second);
            exists = q->executeStep();
            if (exists) stored = summary_from_columns(*q, 0);
        }
        if (!stored) {  // overflowed once: the rows are read instead, for good
            cache.remember(ids.first, ids.second, std::nullopt);
            continue;
        }
        stored->merge(delta);
        auto write = statements.get(exists ? update_summary_sql : insert_summary_sql);
        cache.remember(ids.first, ids.second, write_summary(*write, ids.first, ids.second, stored));
    }
}

std::vector<ArmSummaryRecord> read_arm_summaries(StatementCache& statements, std::int64_t experiment_id) {
    std::vector<ArmSummaryRecord> out;
    auto q = statements.get(experiment_summaries_sql);
    q->bind(1, experiment_id);
    while (q->executeStep()) {
        ArmSummaryRecord record;
        record.metric_id = q->getColumn(0).getInt64();
        record.arm_id = q->getColumn(1).getInt64();
        record.summary = summary_from_columns(*q, 2);
        out.push_back(std::move(record));
    }
    return out;
}

namespace {

// The summaries made again from the rows (of one metric, or of all), replacing the stored ones.
void rebuild(SQLite::Database& db, std::optional<std::int64_t> metric_id) {
    // The rows in the order a scan streams them, so that the rebuilt summaries are those a scan
    // computes.
    SQLite::Statement rows(db, std::string("SELECT o.metric_id, o.arm_id, o.value, o.n, o.sum, o.sum_sq, o.exposure, "
                                           "m.kind = 'proportion' FROM observations o JOIN metrics m ON m.id = o.metric_id ") +
                                   (metric_id ? "WHERE o.metric_id = ? " : "") + "ORDER BY o.metric_id, o.at_us, o.id");
    if (metric_id) rows.bind(1, *metric_id);
    ArmSummaryDeltas summaries;
    ObservationRow row;
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    while (rows.executeStep()) {
        const SQLite::Column n = rows.getColumn(3);
        row.is_aggregate = !n.isNull();
        if (row.is_aggregate) {
            row.value = nan;
            row.n = n.getInt64();
            row.sum = rows.getColumn(4).getDouble();
            const SQLite::Column sum_sq = rows.getColumn(5);
            row.sum_sq = sum_sq.isNull() ? nan : sum_sq.getDouble();
        } else {
            const SQLite::Column value = rows.getColumn(2);
            row.value = value.isNull() ? nan : value.getDouble();
            row.n = 1;
            row.sum = row.value;
            row.sum_sq = row.value * row.value;
        }
        const SQLite::Column exposure = rows.getColumn(6);
        row.exposure = exposure.isNull() ? 1.0 : exposure.getDouble();
        summaries.add(rows.getColumn(0).getInt64(), rows.getColumn(1).getInt64(), row, rows.getColumn(7).getInt() != 0);
    }
    if (metric_id) {
        SQLite::Statement clear(db, "DELETE FROM arm_summaries WHERE metric_id = ?");
        clear.bind(1, *metric_id);
        clear.exec();
    } else {
        db.exec("DELETE FROM arm_summaries");
    }
    SQLite::Statement insert(db, insert_summary_sql);
    for (const auto& [ids, summary] : summaries.all()) {
        (void)write_summary(insert, ids.first, ids.second, summary);
        insert.reset();
    }
}

}  // namespace

void rebuild_arm_summaries(SQLite::Database& db) { rebuild(db, std::nullopt); }

void rebuild_arm_summaries_of_metric(SQLite::Database& db, std::int64_t metric_id) { rebuild(db, metric_id); }

}  // namespace kokeilu::detail
