#include "sqlite_voids.hpp"

#include "kokeilu/error.hpp"
#include "history_payload.hpp"
#include "sqlite_arm_summaries.hpp"
#include "sqlite_history.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <set>

namespace kokeilu::detail {

namespace {

constexpr const char* of_experiment = "metric_id IN (SELECT id FROM metrics WHERE experiment_id = :experiment)";

constexpr const char* moved_columns =
    "id, metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, subject, note, covariate";

// The refusal of a second void, with the earlier void's day, id and reason (code `base` + "_on":
// "... already on 2026-03-02 (void 3: typo)"), or with its id alone (`base` + "_by") when that void
// cannot be read.
InvalidStateError already_voided(SQLite::Database& db, std::int64_t void_id, const std::string& base,
                                 std::vector<MessageParam> params) {
    SQLite::Statement q(db, "SELECT at_us, reason FROM voids WHERE id = ?");
    q.bind(1, void_id);
    params.push_back({"void_id", void_id});
    if (!q.executeStep()) return InvalidStateError(Message{base + "_by", std::move(params)});
    params.push_back({"voided_on", format_date(from_unix_micros(q.getColumn(0).getInt64()).date())});
    params.push_back({"reason", q.getColumn(1).getString()});
    return InvalidStateError(Message{base + "_on", std::move(params)});
}

// The counted rows the request names, ascending; throws for any it cannot void.
std::vector<std::int64_t> rows_to_void(SQLite::Database& db, StatementCache& statements, const VoidTarget& target,
                                       const VoidRequest& request) {
    std::vector<std::int64_t> ids;
    if (request.batch != 0) {
        const auto batch = batch_by_id(statements, request.batch);
        if (!batch || batch->experiment_id != target.experiment_id)
            throw InvalidArgumentError(
                "batch", Message{"store.not_a_batch_of", {{"batch", request.batch}, {"key", target.key}}});
        SQLite::Statement q(db, std::string("SELECT id FROM observations WHERE id BETWEEN :first AND :last AND ") +
                                    of_experiment + " ORDER BY id");
        q.bind(":first", batch->first_observation_id);
        q.bind(":last", batch->last_observation_id);
        q.bind(":experiment", target.experiment_id);
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
        if (ids.empty()) {
            SQLite::Statement voided(db, std::string("SELECT void_id FROM voided_observations WHERE id BETWEEN :first "
                                                     "AND :last AND ") + of_experiment + " ORDER BY id DESC LIMIT 1");
            voided.bind(":first", batch->first_observation_id);
            voided.bind(":last", batch->last_observation_id);
            voided.bind(":experiment", target.experiment_id);
            std::vector<MessageParam> params{{"batch", request.batch}, {"key", target.key}};
            if (!voided.executeStep()) throw InvalidStateError(Message{"store.batch_voided", std::move(params)});
            throw already_voided(db, voided.getColumn(0).getInt64(), "store.batch_voided", std::move(params));
        }
        return ids;
    }
    SQLite::Statement counted(db, "SELECT m.experiment_id FROM observations o JOIN metrics m ON m.id = o.metric_id "
                                  "WHERE o.id = ?");
    SQLite::Statement voided(db, "SELECT m.experiment_id, v.void_id FROM voided_observations v "
                                 "JOIN metrics m ON m.id = v.metric_id WHERE v.id = ?");
    for (std::size_t i = 0; i < request.observation_ids.size(); ++i) {
        const std::int64_t id = request.observation_ids[i];
        const std::string field = "observation_ids[" + std::to_string(i) + "]";
        if (std::find(request.observation_ids.begin(), request.observation_ids.begin() + static_cast<std::ptrdiff_t>(i),
                      id) != request.observation_ids.begin() + static_cast<std::ptrdiff_t>(i))
            throw InvalidArgumentError(field, Message{"store.id_given_twice", {{"id", id}}});
        counted.bind(1, id);
        const bool found = counted.executeStep() && counted.getColumn(0).getInt64() == target.experiment_id;
        counted.reset();
        if (found) {
            ids.push_back(id);
            continue;
        }
        voided.bind(1, id);
        if (voided.executeStep() && voided.getColumn(0).getInt64() == target.experiment_id)
            throw already_voided(db, voided.getColumn(1).getInt64(), "store.observation_voided",
                                 {{"id", id}, {"key", target.key}});
        voided.reset();
        throw InvalidArgumentError(field, Message{"store.not_an_observation_of", {{"id", id}, {"key", target.key}}});
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

}  // namespace

VoidRecord void_rows(SQLite::Database& db, StatementCache& statements, const VoidTarget& target,
                     const VoidRequest& request, Time at, ChainHead& head) {
    VoidRecord record;
    record.experiment_id = target.experiment_id;
    record.history_index = head.size + 1;
    record.at = at;
    record.batch = request.batch;
    record.reason = request.reason;
    record.author = request.author;
    record.observation_ids = rows_to_void(db, statements, target, request);
    {
        SQLite::Statement insert(db, "INSERT INTO voids (experiment_id, history_id, at_us, batch_id, reason, author) "
                                     "VALUES (?, ?, ?, ?, ?, ?)");
        insert.bind(1, target.experiment_id);
        insert.bind(2, record.history_index);
        insert.bind(3, to_unix_micros(at));
        insert.bind(4, record.batch);
        insert.bind(5, record.reason);
        insert.bind(6, record.author);
        insert.exec();
        record.id = db.getLastInsertRowid();
    }
    // Each row moves whole, with its id: copied, then removed from the rows that count. A batch
    // moves as one range (its rows are consecutive ids of this experiment), other rows one by one.
    if (request.batch != 0) {
        const auto batch = batch_by_id(statements, request.batch);
        const std::string range = std::string(" FROM observations WHERE id BETWEEN :first AND :last AND ") + of_experiment;
        SQLite::Statement copy(db, std::string("INSERT INTO voided_observations (void_id, ") + moved_columns +
                                       ") SELECT :void, " + moved_columns + range);
        SQLite::Statement remove(db, "DELETE" + range);
        for (SQLite::Statement* statement : {&copy, &remove}) {
            statement->bind(":first", batch->first_observation_id);
            statement->bind(":last", batch->last_observation_id);
            statement->bind(":experiment", target.experiment_id);
        }
        copy.bind(":void", record.id);
        copy.exec();
        remove.exec();
    } else {
        SQLite::Statement copy(db, std::string("INSERT INTO voided_observations (void_id, ") + moved_columns +
                                       ") SELECT ?1, " + moved_columns + " FROM observations WHERE id = ?2");
        SQLite::Statement remove(db, "DELETE FROM observations WHERE id = ?");
        for (const std::int64_t id : record.observation_ids) {
            copy.bind(1, record.id);
            copy.bind(2, id);
            copy.exec();
            copy.reset();
            remove.bind(1, id);
            remove.exec();
            remove.reset();
        }
    }
    std::set<std::int64_t> metrics;
    {
        SQLite::Statement touched(db, "SELECT DISTINCT metric_id FROM voided_observations WHERE void_id = ?");
        touched.bind(1, record.id);
        while (touched.executeStep()) metrics.insert(touched.getColumn(0).getInt64());
    }
    // Welford's moments cannot take a row out again exactly, nor can the extremes: the summaries
    // of the metrics touched are made again from the rows that still count.
    for (const std::int64_t metric_id : metrics) rebuild_arm_summaries_of_metric(db, metric_id);
    (void)append_history(statements, {HistoryKind::void_observations, target.experiment_id, target.uuid, void_record(record)},
                         at, head);
    return record;
}

std::vector<VoidRecord> read_voids(SQLite::Database& db, std::int64_t experiment_id) {
    std::vector<VoidRecord> out;
    SQLite::Statement q(db, "SELECT id, history_id, at_us, batch_id, reason, author FROM voids "
                            "WHERE experiment_id = ? ORDER BY id");
    q.bind(1, experiment_id);
    SQLite::Statement rows(db, "SELECT id FROM voided_observations WHERE void_id = ? ORDER BY id");
    while (q.executeStep()) {
        VoidRecord v;
        v.id = q.getColumn(0).getInt64();
        v.experiment_id = experiment_id;
        v.history_index = q.getColumn(1).getInt64();
        v.at = from_unix_micros(q.getColumn(2).getInt64());
        v.batch = q.getColumn(3).getInt64();
        v.reason = q.getColumn(4).getString();
        v.author = q.getColumn(5).getString();
        rows.bind(1, v.id);
        while (rows.executeStep()) v.observation_ids.push_back(rows.getColumn(0).getInt64());
        rows.reset();
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace kokeilu::detail
