#include "sqlite_observation_insert.hpp"

#include "sqlite_arm_summaries.hpp"

#include <algorithm>
#include <limits>

namespace kokeilu::detail {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

constexpr const char* insert_observation_sql =
    "INSERT INTO observations (metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, subject, note, id, covariate) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

}  // namespace

void insert_observation_records(StatementCache& statements, WriteCache& cache, std::span<const ObservationRecord> rows,
                                std::span<const std::int64_t> proportion_metric_ids, std::int64_t first_id) {
    ArmSummaryDeltas deltas;
    ObservationRow streamed;
    std::int64_t id = first_id;
    auto insert = statements.get(insert_observation_sql);
    for (const ObservationRecord& row : rows) {
        insert->bind(11, id++);
        insert->bind(1, row.metric_id);
        insert->bind(2, row.arm_id);
        insert->bind(3, row.at_us);
        streamed.is_aggregate = row.aggregate.has_value();
        if (row.aggregate) {
            insert->bind(4);
            insert->bind(5, row.aggregate->n);
            insert->bind(6, row.aggregate->sum);
            if (row.aggregate->sum_sq) {
                insert->bind(7, *row.aggregate->sum_sq);
            } else {
                insert->bind(7);
            }
            streamed.value = not_a_number;
            streamed.n = row.aggregate->n;
            streamed.sum = row.aggregate->sum;
            streamed.sum_sq = row.aggregate->sum_sq.value_or(not_a_number);
        } else {
            insert->bind(4, row.value);
            insert->bind(5);
            insert->bind(6);
            insert->bind(7);
            streamed.value = row.value;
            streamed.n = 1;
            streamed.sum = row.value;
            streamed.sum_sq = row.value * row.value;
        }
        if (row.exposure) {
            insert->bind(8, *row.exposure);
        } else {
            insert->bind(8);
        }
        streamed.exposure = row.exposure.value_or(1.0);
        // Empty texts are stored as NULL: most rows have none, and NULL costs one byte.
        if (row.subject.empty()) {
            insert->bind(9);
        } else {
            insert->bindNoCopy(9, row.subject);
        }
        if (row.note.empty()) {
            insert->bind(10);
        } else {
            insert->bindNoCopy(10, row.note);
        }
        if (row.covariate) {
            insert->bind(12, *row.covariate);
        } else {
            insert->bind(12);
        }
        insert->exec();
        insert->reset();
        const bool proportion = std::find(proportion_metric_ids.begin(), proportion_metric_ids.end(),
                                          row.metric_id) != proportion_metric_ids.end();
        deltas.add(row.metric_id, row.arm_id, streamed, proportion);
    }
    merge_arm_summaries(statements, cache, deltas);
}

}  // namespace kokeilu::detail
