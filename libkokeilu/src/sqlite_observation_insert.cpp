#include "sqlite_observation_insert.hpp"

#include "sqlite_arm_summaries.hpp"

#include <algorithm>
#include <limits>
#include <string>

namespace kokeilu::detail {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

constexpr const char* insert_columns =
    "INSERT INTO observations (metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, subject, note, id, covariate) "
    "VALUES ";
constexpr const char* one_row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

const char* insert_observation_sql() {
    static const std::string sql = std::string(insert_columns) + one_row;
    return sql.c_str();  // one address for the life of the process: the statement cache's key
}

// The same insert for rows_per_insert rows at once (12 × 32 parameters, far below SQLite's limit).
constexpr std::size_t rows_per_insert = 32;

const char* block_insert_sql() {
    static const std::string sql = [] {
        std::string text = insert_columns;
        for (std::size_t k = 0; k < rows_per_insert; ++k) {
            if (k > 0) text += ", ";
            text += one_row;
        }
        return text;
    }();
    return sql.c_str();
}

}  // namespace

void insert_observation_records(StatementCache& statements, WriteCache& cache, std::span<const ObservationRecord> rows,
                                std::span<const std::int64_t> proportion_metric_ids, std::int64_t first_id) {
    ArmSummaryDeltas deltas;
    ObservationRow streamed;
    std::int64_t id = first_id;
    // Row k of a statement binds parameters 12k + 1 to 12k + 12, in the order of insert_sql's columns.
    const auto bind_row = [&](SQLite::Statement& insert, int k, const ObservationRecord& row) {
        const int at = 12 * k;
        insert.bind(at + 1, row.metric_id);
        insert.bind(at + 2, row.arm_id);
        insert.bind(at + 3, row.at_us);
        streamed.is_aggregate = row.aggregate.has_value();
        if (row.aggregate) {
            insert.bind(at + 4);
            insert.bind(at + 5, row.aggregate->n);
            insert.bind(at + 6, row.aggregate->sum);
            if (row.aggregate->sum_sq) {
                insert.bind(at + 7, *row.aggregate->sum_sq);
            } else {
                insert.bind(at + 7);
            }
            streamed.value = not_a_number;
            streamed.n = row.aggregate->n;
            streamed.sum = row.aggregate->sum;
            streamed.sum_sq = row.aggregate->sum_sq.value_or(not_a_number);
        } else {
            insert.bind(at + 4, row.value);
            insert.bind(at + 5);
            insert.bind(at + 6);
            insert.bind(at + 7);
            streamed.value = row.value;
            streamed.n = 1;
            streamed.sum = row.value;
            streamed.sum_sq = row.value * row.value;
        }
        if (row.exposure) {
            insert.bind(at + 8, *row.exposure);
        } else {
            insert.bind(at + 8);
        }
        streamed.exposure = row.exposure.value_or(1.0);
        // Empty texts are stored as NULL: most rows have none, and NULL costs one byte.
        if (row.subject.empty()) {
            insert.bind(at + 9);
        } else {
            insert.bindNoCopy(at + 9, row.subject);
        }
        if (row.note.empty()) {
            insert.bind(at + 10);
        } else {
            insert.bindNoCopy(at + 10, row.note);
        }
        insert.bind(at + 11, id++);
        if (row.covariate) {
            insert.bind(at + 12, *row.covariate);
        } else {
            insert.bind(at + 12);
        }
        const bool proportion = std::find(proportion_metric_ids.begin(), proportion_metric_ids.end(),
                                          row.metric_id) != proportion_metric_ids.end();
        deltas.add(row.metric_id, row.arm_id, streamed, proportion);
    };
    std::size_t i = 0;
    // Most rows go in blocks: one statement's step per block instead of per row.
    if (rows.size() >= rows_per_insert) {
        auto block = statements.get(block_insert_sql());
        for (; i + rows_per_insert <= rows.size(); i += rows_per_insert) {
            for (std::size_t k = 0; k < rows_per_insert; ++k) bind_row(*block, static_cast<int>(k), rows[i + k]);
            block->exec();
            block->reset();
        }
    }
    if (i < rows.size()) {
        auto insert = statements.get(insert_observation_sql());
        for (; i < rows.size(); ++i) {
            bind_row(*insert, 0, rows[i]);
            insert->exec();
            insert->reset();
        }
    }
    merge_arm_summaries(statements, cache, deltas);
}

}  // namespace kokeilu::detail
