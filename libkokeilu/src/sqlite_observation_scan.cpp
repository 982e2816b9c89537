#include "sqlite_observation_scan.hpp"

#include "sqlite_support.hpp"

#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace kokeilu::detail {

namespace {

using Visit = std::function<void(const ObservationRow&)>;

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

// A text column of the current row, empty for NULL; valid until the next step.
std::string_view column_text(sqlite3_stmt* stmt, int column) {
    // sqlite3_column_text before sqlite3_column_bytes: the length is that of the UTF-8 text.
    const auto* chars = reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
    if (chars == nullptr) return {};
    return {chars, static_cast<std::size_t>(sqlite3_column_bytes(stmt, column))};
}

// A unit-level row's value and its sum and square. No value (another tool edited the file)
// reads as NaN; the type is asked only when the number reads 0.0, as NULL does.
void read_unit_value(sqlite3_stmt* stmt, int column, ObservationRow& row) {
    row.value = sqlite3_column_double(stmt, column);
    if (row.value == 0.0 && sqlite3_column_type(stmt, column) == SQLITE_NULL) row.value = not_a_number;
    row.sum = row.value;
    row.sum_sq = row.value * row.value;
}

// Id, time, subject, note and pre-period value, in that order from `first` on: what a full read
// adds to a summary's.
void read_identity(sqlite3_stmt* stmt, int first, ObservationRow& row) {
    row.id = sqlite3_column_int64(stmt, first);
    row.at_us = sqlite3_column_int64(stmt, first + 1);
    row.subject = column_text(stmt, first + 2);
    row.note = column_text(stmt, first + 3);
    row.covariate = sqlite3_column_type(stmt, first + 4) == SQLITE_NULL ? not_a_number
                                                                         : sqlite3_column_double(stmt, first + 4);
}

// The rows of a scan that includes the voided ones: both tables as one, with a column that says
// which (a path of its own: the scans of the rows that count are left as they are).
constexpr const char* with_voided_rows =
    " FROM (SELECT id, metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, subject, note, covariate, "
    "0 AS voided FROM observations UNION ALL SELECT id, metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, "
    "subject, note, covariate, 1 FROM voided_observations)";

// The WHERE and ORDER BY of a scan, after the selected columns: ?1 is the metric id, then the
// arm ids and the time bounds, bound by bind_scan. `also` is one more condition.
std::string scan_conditions(const ObservationScan& scan, const char* also = "") {
    std::string sql = std::string(scan.include_voided ? with_voided_rows : " FROM observations") +
                      " WHERE metric_id = ?1" + also;
    if (!scan.arm_ids.empty()) {
        sql += " AND arm_id IN (?";
        for (std::size_t i = 1; i < scan.arm_ids.size(); ++i) sql += ", ?";
        sql += ")";
    }
    if (scan.from_us) sql += " AND at_us >= ?";
    if (scan.to_us) sql += " AND at_us < ?";
    return sql + " ORDER BY at_us, id";
}

void bind_scan(RawStatement& q, const ObservationScan& scan) {
    int index = 1;
    q.bind(index++, scan.metric_id);
    for (const std::int64_t arm_id : scan.arm_ids) q.bind(index++, arm_id);
    if (scan.from_us) q.bind(index++, *scan.from_us);
    if (scan.to_us) q.bind(index++, *scan.to_us);
}

// The common case: a metric whose rows are all unit-level values without an exposure (not a
// count metric, no aggregated row, which the running summaries count). The four columns of
// aggregates and exposure are then NULL in every row, and SQLite decodes every selected
// column of every row: leaving them out makes a summary read two columns a row, as the
// plainest loop over the rows does, and a full read six instead of ten. (kokeilu stores an
// exposure only for count metrics; one another tool wrote on another metric is not read.)
//
// Whether the case holds is a condition of the same statement, so it is true of the very
// snapshot the rows come from, even with writers at work. It does not depend on the row, and
// SQLite evaluates it once, before the first: when it does not hold, the statement returns no
// row. Returns false, having visited nothing, when no row came (the case does not hold, or
// there is no row to read, which the full scan then finds at the cost of one index look-up).
bool scan_unit_values(SQLite::Database& db, const ObservationScan& scan, const Visit& visit) {
    constexpr const char* unit_values_only =
        " AND NOT (SELECT kind = 'count' OR EXISTS (SELECT 1 FROM arm_summaries WHERE metric_id = ?1 AND "
        "aggregate_rows > 0) FROM metrics WHERE id = ?1)";
    const std::string sql = std::string(scan.summary_only ? "SELECT arm_id, value"
                                                          : "SELECT arm_id, value, id, at_us, subject, note, covariate") +
                            scan_conditions(scan, unit_values_only);
    RawStatement q(db, sql);
    bind_scan(q, scan);
    sqlite3_stmt* const stmt = q.get();
    if (!q.step()) return false;
    ObservationRow row;
    row.is_aggregate = false;
    row.n = 1;
    row.exposure = 1.0;
    do {
        row.arm_id = sqlite3_column_int64(stmt, 0);
        read_unit_value(stmt, 1, row);
        if (!scan.summary_only) read_identity(stmt, 2, row);
        visit(row);
    } while (q.step());
    return true;
}

// Every row with every column a summary or a reader needs.
void scan_rows(SQLite::Database& db, const ObservationScan& scan, const Visit& visit) {
    // The numeric columns come first, in the same places for both kinds of scan.
    const std::string sql =
        std::string(scan.summary_only ? "SELECT arm_id, value, n, sum, sum_sq, exposure"
                    : scan.include_voided
                        ? "SELECT arm_id, value, n, sum, sum_sq, exposure, id, at_us, subject, note, covariate, voided"
                        : "SELECT arm_id, value, n, sum, sum_sq, exposure, id, at_us, subject, note, covariate") +
        scan_conditions(scan);

    // Millions of rows pass here, so the statement is driven through the C API: with SQLiteCpp
    // every column read is a Column object and two calls (isNull, then get). Here most columns
    // cost one call: a number is asked its type only when it reads 0.0 (as NULL does), a text
    // its length only when it has one.
    RawStatement q(db, sql);
    bind_scan(q, scan);
    sqlite3_stmt* const stmt = q.get();
    const auto is_null = [stmt](int column) { return sqlite3_column_type(stmt, column) == SQLITE_NULL; };
    ObservationRow row;
    while (q.step()) {
        row.arm_id = sqlite3_column_int64(stmt, 0);
        row.is_aggregate = !is_null(2);
        if (row.is_aggregate) {
            row.value = not_a_number;
            row.n = sqlite3_column_int64(stmt, 2);
            row.sum = sqlite3_column_double(stmt, 3);
            row.sum_sq = is_null(4) ? not_a_number : sqlite3_column_double(stmt, 4);
        } else {
            row.n = 1;
            read_unit_value(stmt, 1, row);
        }
        row.exposure = sqlite3_column_double(stmt, 5);
        if (row.exposure == 0.0 && is_null(5)) row.exposure = 1.0;
        if (!scan.summary_only) read_identity(stmt, 6, row);
        if (scan.include_voided) row.voided = sqlite3_column_int(stmt, 11) != 0;
        visit(row);
    }
}

constexpr const char* stored_columns =
    "SELECT id, metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, subject, note, covariate";

// One row of stored_columns.
void read_stored(sqlite3_stmt* stmt, StoredObservation& out) {
    const auto is_null = [stmt](int column) { return sqlite3_column_type(stmt, column) == SQLITE_NULL; };
    out.id = sqlite3_column_int64(stmt, 0);
    ObservationRecord& r = out.record;
    r.metric_id = sqlite3_column_int64(stmt, 1);
    r.arm_id = sqlite3_column_int64(stmt, 2);
    r.at_us = sqlite3_column_int64(stmt, 3);
    if (is_null(5)) {
        r.aggregate.reset();
        r.value = is_null(4) ? not_a_number : sqlite3_column_double(stmt, 4);
    } else {
        Aggregate a;
        a.n = sqlite3_column_int64(stmt, 5);
        a.sum = sqlite3_column_double(stmt, 6);
        if (!is_null(7)) a.sum_sq = sqlite3_column_double(stmt, 7);
        r.aggregate = a;
        r.value = 0.0;
    }
    r.exposure = is_null(8) ? std::nullopt : std::optional<double>(sqlite3_column_double(stmt, 8));
    r.subject = std::string(column_text(stmt, 9));
    r.note = std::string(column_text(stmt, 10));
    r.covariate = is_null(11) ? std::nullopt : std::optional<double>(sqlite3_column_double(stmt, 11));
}

}  // namespace

void scan_observations(SQLite::Database& db, const ObservationScan& scan, const Visit& visit) {
    if (scan.include_voided || !scan_unit_values(db, scan, visit)) scan_rows(db, scan, visit);
}

void scan_stored_observations(SQLite::Database& db, std::optional<std::int64_t> experiment_id,
                              const std::function<void(const StoredObservation&)>& visit) {
    // Both tables in rowid order, merged here: a UNION ALL ... ORDER BY id would sort every row.
    const std::string filter =
        experiment_id ? " WHERE metric_id IN (SELECT id FROM metrics WHERE experiment_id = ?1)" : "";
    RawStatement counted(db, std::string(stored_columns) + ", 0 FROM observations" + filter + " ORDER BY id");
    RawStatement voided(db, std::string(stored_columns) + ", void_id FROM voided_observations" + filter + " ORDER BY id");
    if (experiment_id) {
        counted.bind(1, *experiment_id);
        voided.bind(1, *experiment_id);
    }
    bool more_counted = counted.step();
    bool more_voided = voided.step();
    StoredObservation row;
    while (more_counted || more_voided) {
        const bool take_counted =
            more_counted && (!more_voided || sqlite3_column_int64(counted.get(), 0) < sqlite3_column_int64(voided.get(), 0));
        RawStatement& from = take_counted ? counted : voided;
        read_stored(from.get(), row);
        row.void_id = sqlite3_column_int64(from.get(), 12);
        visit(row);
        if (take_counted) {
            more_counted = counted.step();
        } else {
            more_voided = voided.step();
        }
    }
}

}  // namespace kokeilu::detail
