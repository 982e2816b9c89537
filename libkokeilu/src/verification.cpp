// Verification reads the log once and every row once: the entries are recomputed in order (their
// salted payload hashes, their leaves, the link of each to the one before, the Merkle tree), then
// every stored experiment, journal note, batch, void and running summary is compared with what the
// log recorded. Every difference is reported, none stops the check.
#include "verification.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/tracker.hpp"
#include "batch_hash.hpp"
#include "history_chain.hpp"
#include "history_payload.hpp"
#include "preregistration.hpp"
#include "validation.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace kokeilu::detail {

namespace {

struct RecordedBatch {
    Batch batch;
    std::optional<ParsedRecord> payload;
    BatchHasher hasher;
    std::int64_t rows_seen = 0;
    std::int64_t next_id = 0;  // the id expected next, for a batch of consecutive ids
    std::vector<std::int64_t> missing;
};

// What the log says about one experiment.
struct Recorded {
    std::string uuid;
    std::optional<HistoryEntry> latest_record;
    std::map<std::int64_t, std::optional<std::string>> notes;  // journal id -> payload
    std::vector<RecordedBatch> batches;                          // in log order
    std::map<std::int64_t, std::optional<ParsedRecord>> voids;  // void id -> payload
};

class Checker {
public:
    Checker(Store& store, VerificationReport& report) : store_(store), report_(report) {}

    void problem(std::string experiment, std::string field, std::optional<std::int64_t> row, std::string text) {
        report_.problems.push_back({std::move(experiment), std::move(field), row, std::move(text)});
    }

    void check_chain(const VerifyOptions& options);
    void check_experiments();
    void check_rows();

private:
    void check_record(const Experiment& e, const Recorded& recorded);
    void check_journal(const Experiment& e, const Recorded& recorded);
    void check_voids(const Experiment& e, Recorded& recorded, const std::map<std::int64_t, std::set<std::int64_t>>& voided);
    void check_summaries(const Experiment& e, const std::map<std::pair<std::int64_t, std::int64_t>, stats::Summary>& rows);

    Store& store_;
    VerificationReport& report_;
    std::map<std::int64_t, Recorded> recorded_;  // by experiment id
    std::vector<Experiment> experiments_;
};

std::string entry_field(std::int64_t index) { return "history[" + std::to_string(index) + "]"; }

bool is_record(HistoryKind kind) {
    switch (kind) {
        case HistoryKind::create:
        case HistoryKind::update:
        case HistoryKind::amend:
        case HistoryKind::start:
        case HistoryKind::stop:
        case HistoryKind::conclude:
        case HistoryKind::migrated:
        case HistoryKind::imported:
        case HistoryKind::delete_draft:
            return true;
        default:
            return false;
    }
}

void Checker::check_chain(const VerifyOptions& options) {
    if (options.since && options.since->log_id != report_.log.log_id)
        throw InvalidArgumentError("checkpoint",
                                   Message{"lifecycle.checkpoint_of_other_file",
                                           {{"log_id", options.since->log_id}, {"own_log_id", report_.log.log_id}}});
    MerkleTreeHash tree;
    std::optional<std::string> root_at_since;
    std::string previous(32, '\0');
    std::int64_t expected = 1;
    store_.scan_history(std::nullopt, [&](const HistoryEntry& e) {
        const std::string field = entry_field(e.index);
        if (e.index != expected) {
            problem("", field, e.index,
                    e.index > expected ? "entries " + std::to_string(expected) + " to " + std::to_string(e.index - 1) +
                                             " of the history are missing"
                                       : "the entry is out of order (expected entry " + std::to_string(expected) + ")");
        }
        if (e.index == 1 && e.kind != HistoryKind::begin)
            problem("", field, e.index, "the history does not begin with its first entry (it is a '" +
                                            std::string(to_string(e.kind)) + "' entry)");
        if (e.payload && payload_hash(e.salt, *e.payload) != e.payload_hash)
            problem(e.experiment_uuid, field + ".payload", e.index,
                    "the payload of this '" + std::string(to_string(e.kind)) +
                        "' entry differs from the one recorded (its salted hash no longer matches)");
        const std::string leaf = leaf_hash(
            leaf_data(e.index - 1, previous, to_unix_micros(e.at), e.kind, e.experiment_uuid, e.payload_hash));
        if (leaf != e.leaf_hash)
            problem(e.experiment_uuid, field, e.index,
                    "this '" + std::string(to_string(e.kind)) +
                        "' entry does not follow from the entry before it: an entry was removed, reordered, "
                        "replaced or edited");
        // The chain goes on from the stored leaf, so that one forged entry is reported once; the
        // tree is built from the recomputed leaves, so that its root is that of what is there.
        previous = e.leaf_hash;
        tree.add(leaf);
        if (options.since && tree.size() == options.since->size) root_at_since = tree.root();
        expected = e.index + 1;

        if (e.experiment_id == 0) return;
        Recorded& r = recorded_[e.experiment_id];
        r.uuid = e.experiment_uuid;
        if (is_record(e.kind)) r.latest_record = e;
        const auto parsed = e.payload ? parse_record(*e.payload) : std::nullopt;
        if (e.kind == HistoryKind::note) {
            const auto id = parsed ? parsed->get("journal_id") : std::nullopt;
            if (id) r.notes[std::stoll(*id)] = e.payload;
        } else if (e.kind == HistoryKind::observations && e.batch) {
            RecordedBatch b;
            b.batch = *e.batch;
            b.payload = parsed;
            b.next_id = b.batch.first_observation_id;
            r.batches.push_back(std::move(b));
        } else if (e.kind == HistoryKind::void_observations) {
            const auto id = parsed ? parsed->get("void_id") : std::nullopt;
            if (id) r.voids[std::stoll(*id)] = parsed;
        }
    });
    if (options.since) {
        if (options.since->size > tree.size()) {
            problem("", "history", std::nullopt,
                    "the history has " + std::to_string(tree.size()) + " entries, fewer than the " +
                        std::to_string(options.since->size) + " of the checkpoint: entries were removed");
        } else if ((options.since->size == 0 ? std::string(as_bytes(sha256(""))) : root_at_since.value_or("")) !=
                   options.since->root) {
            problem("", "history", std::nullopt,
                    "the first " + std::to_string(options.since->size) +
                        " entries no longer hash to the checkpoint's root: the history was rewritten since");
        }
    }
    report_.checkpoint = {report_.log.log_id, tree.size(), tree.root()};
}

// The fields of two records that differ, as problems of the experiment.
void diff_records(Checker& checker, const std::string& key, const ParsedRecord& stored, const ParsedRecord& recorded) {
    std::map<std::string, std::pair<std::optional<std::string>, std::optional<std::string>>> fields;
    for (const auto& [name, value] : stored.fields) fields[name].first = value;
    for (const auto& [name, value] : recorded.fields) fields[name].second = value;
    for (const auto& [name, values] : fields) {
        if (values.first == values.second) continue;
        checker.problem(key, name, std::nullopt,
                        "stored '" + values.first.value_or(absent_text) + "', recorded in the history '" +
                            values.second.value_or(absent_text) + "': changed outside kokeilu");
    }
}

void check_lock(Checker& checker, const Experiment& e, const std::optional<ParsedRecord>& recorded) {
    if (!e.is_locked()) return;
    if (preregistration_hash(e) != e.lock_hash)
        checker.problem(e.key, "lock_hash", std::nullopt,
                        "the locked Test Card, design, arms and metrics no longer hash to the lock hash taken at start "
                        "(or at the last amendment): they were changed outside kokeilu");
    if (recorded)
        if (const auto lock = recorded->get("lock_hash"); lock && *lock != e.lock_hash)
            checker.problem(e.key, "lock_hash", std::nullopt,
                            "the lock hash '" + e.lock_hash + "' is not the one the history recorded at start or at the "
                            "last amendment ('" + *lock + "')");
}

void Checker::check_record(const Experiment& e, const Recorded& recorded) {
    if (!recorded.latest_record) {
        problem(e.key, "history", std::nullopt,
                "the experiment has no record in the history: it was added outside kokeilu");
        check_lock(*this, e, std::nullopt);
        return;
    }
    const HistoryEntry& latest = *recorded.latest_record;
    if (latest.kind == HistoryKind::delete_draft)
        problem(e.key, "history", latest.index, "the history says the draft was deleted, but it is stored");
    if (!latest.payload) {
        check_lock(*this, e, std::nullopt);
        return;  // erased: the fields cannot be compared
    }
    const auto stored = parse_record(experiment_record(e));
    const auto recorded_fields = parse_record(*latest.payload);
    if (!recorded_fields) {
        problem(e.key, entry_field(latest.index), latest.index, "the recorded state cannot be read");
        return;
    }
    // The lock is reported by check_lock, with what it means.
    ParsedRecord without_lock = *stored;
    ParsedRecord recorded_without_lock = *recorded_fields;
    std::erase_if(without_lock.fields, [](const auto& f) { return f.first == "lock_hash"; });
    std::erase_if(recorded_without_lock.fields, [](const auto& f) { return f.first == "lock_hash"; });
    diff_records(*this, e.key, without_lock, recorded_without_lock);
    check_lock(*this, e, recorded_fields);
}

void Checker::check_journal(const Experiment& e, const Recorded& recorded) {
    std::set<std::int64_t> seen;
    for (const JournalEntry& note : store_.journal(e.id)) {
        seen.insert(note.id);
        const auto found = recorded.notes.find(note.id);
        if (found == recorded.notes.end()) {
            problem(e.key, "journal", note.id, "the note is not in the history: it was added outside kokeilu");
        } else if (found->second && *found->second != note_record(note)) {
            const auto stored = parse_record(note_record(note));
            const auto was = parse_record(*found->second);
            if (stored && was) {
                for (const auto& [name, value] : stored->fields)
                    if (was->get(name) != value)
                        problem(e.key, "journal." + name, note.id,
                                "stored '" + value + "', recorded '" + was->get(name).value_or(absent_text) +
                                    "': the note was changed outside kokeilu");
            }
        }
    }
    for (const auto& [id, payload] : recorded.notes)
        if (!seen.contains(id)) problem(e.key, "journal", id, "the note was deleted outside kokeilu");
}

void Checker::check_experiments() {
    experiments_ = store_.list_experiments({});
    report_.experiments = static_cast<std::int64_t>(experiments_.size());
    std::set<std::int64_t> stored;
    for (const Experiment& e : experiments_) {
        stored.insert(e.id);
        const Recorded& recorded = recorded_[e.id];
        check_record(e, recorded);
        check_journal(e, recorded);
    }
    for (const auto& [id, recorded] : recorded_) {
        if (stored.contains(id)) continue;
        if (recorded.latest_record && recorded.latest_record->kind == HistoryKind::delete_draft) continue;
        problem(recorded.uuid, "experiment", std::nullopt,
                "the history records this experiment, but it is no longer stored: it was deleted outside kokeilu");
    }
}

ObservationRow as_row(const ObservationRecord& r) {
    ObservationRow row;
    row.arm_id = r.arm_id;
    row.is_aggregate = r.aggregate.has_value();
    if (r.aggregate) {
        row.value = std::numeric_limits<double>::quiet_NaN();
        row.n = r.aggregate->n;
        row.sum = r.aggregate->sum;
        row.sum_sq = r.aggregate->sum_sq.value_or(std::numeric_limits<double>::quiet_NaN());
    } else {
        row.value = r.value;
        row.n = 1;
        row.sum = r.value;
        row.sum_sq = r.value * r.value;
    }
    row.exposure = r.exposure.value_or(1.0);
    return row;
}

void Checker::check_rows() {
    std::map<std::int64_t, const Experiment*> experiment_of_metric;
    std::set<std::int64_t> proportion_metrics;
    for (const Experiment& e : experiments_)
        for (const Metric& m : e.metrics) {
            experiment_of_metric[m.id] = &e;
            if (m.kind == MetricKind::proportion) proportion_metrics.insert(m.id);
        }
    for (auto& [id, recorded] : recorded_)
        std::sort(recorded.batches.begin(), recorded.batches.end(), [](const RecordedBatch& a, const RecordedBatch& b) {
            return a.batch.first_observation_id < b.batch.first_observation_id;
        });
    // By experiment: the running summaries recomputed from the counted rows, and the voided rows.
    std::map<std::int64_t, std::map<std::pair<std::int64_t, std::int64_t>, stats::Summary>> summaries;
    std::map<std::int64_t, std::map<std::int64_t, std::set<std::int64_t>>> voided;  // experiment -> void -> ids

    store_.scan_stored_observations(0, [&](const StoredObservation& row) {
        ++report_.observations;
        const auto owner = experiment_of_metric.find(row.record.metric_id);
        if (owner == experiment_of_metric.end()) {
            problem("", "observations", row.id, "the row belongs to no experiment's metric: it was added outside kokeilu");
            return;
        }
        const Experiment& e = *owner->second;
        Recorded& recorded = recorded_[e.id];
        auto& batches = recorded.batches;
        // The batch whose id range holds the row: the last one that starts at or before it.
        auto it = std::upper_bound(batches.begin(), batches.end(), row.id, [](std::int64_t id, const RecordedBatch& b) {
            return id < b.batch.first_observation_id;
        });
        if (it == batches.begin() || (it - 1)->batch.last_observation_id < row.id) {
            problem(e.key, "observations", row.id, "the row is in no batch of the history: it was added outside kokeilu");
        } else {
            RecordedBatch& b = *(it - 1);
            b.hasher.add(row.record);
            ++b.rows_seen;
            if (!b.batch.migrated) {
                for (std::int64_t id = b.next_id; id < row.id; ++id) b.missing.push_back(id);
                b.next_id = row.id + 1;
            }
        }
        if (row.void_id != 0) {
            voided[e.id][row.void_id].insert(row.id);
        } else {
            summaries[e.id][{row.record.metric_id, row.record.arm_id}].add(
                as_row(row.record), proportion_metrics.contains(row.record.metric_id));
        }
    });

    for (const Experiment& e : experiments_) {
        Recorded& recorded = recorded_[e.id];
        for (RecordedBatch& b : recorded.batches) {
            ++report_.batches;
            const std::string field = "batch " + std::to_string(b.batch.id);
            if (!b.batch.migrated)
                for (std::int64_t id = b.next_id; id <= b.batch.last_observation_id; ++id) b.missing.push_back(id);
            for (const std::int64_t id : b.missing)
                problem(e.key, field, id, "the row was deleted outside kokeilu (it was written in this batch)");
            if (b.rows_seen != b.batch.rows && b.missing.empty())
                problem(e.key, field, std::nullopt,
                        "the batch has " + std::to_string(b.rows_seen) + " rows; " + std::to_string(b.batch.rows) +
                            " were written");
            const std::string content = b.hasher.finish();
            if (content != b.batch.content_sha256 && b.missing.empty() && b.rows_seen == b.batch.rows)
                problem(e.key, field, std::nullopt,
                        "the rows (ids " + std::to_string(b.batch.first_observation_id) + " to " +
                            std::to_string(b.batch.last_observation_id) +
                            ") differ from the SHA-256 recorded when they were written: a row was edited outside kokeilu");
            if (b.payload) {
                const auto compare = [&](const char* name, const std::string& value) {
                    if (b.payload->get(name) != value)
                        problem(e.key, field + "." + name, std::nullopt,
                                "stored '" + value + "', recorded '" + b.payload->get(name).value_or(absent_text) + "'");
                };
                compare("first_observation_id", std::to_string(b.batch.first_observation_id));
                compare("last_observation_id", std::to_string(b.batch.last_observation_id));
                compare("rows", std::to_string(b.batch.rows));
                compare("content_sha256", to_hex(b.batch.content_sha256));
                compare("idempotency_key", b.batch.idempotency_key);
            }
        }
        check_voids(e, recorded, voided[e.id]);
        check_summaries(e, summaries[e.id]);
    }
}

void Checker::check_voids(const Experiment& e, Recorded& recorded,
                          const std::map<std::int64_t, std::set<std::int64_t>>& voided) {
    std::set<std::int64_t> known;
    for (const VoidRecord& v : store_.voids(e.id)) {
        known.insert(v.id);
        const std::string field = "void " + std::to_string(v.id);
        const auto entry = recorded.voids.find(v.id);
        if (entry == recorded.voids.end()) {
            problem(e.key, field, std::nullopt, "the void is not in the history: it was added outside kokeilu");
            continue;
        }
        const auto rows = voided.find(v.id);
        const std::size_t count = rows == voided.end() ? 0 : rows->second.size();
        if (entry->second) {
            const ParsedRecord& p = *entry->second;
            if (p.get("rows") != std::to_string(count))
                problem(e.key, field, std::nullopt,
                        std::to_string(count) + " rows are voided by it; the history recorded " +
                            p.get("rows").value_or(absent_text) + ": voided rows were moved outside kokeilu");
            if (p.get("reason") != v.reason) problem(e.key, field + ".reason", std::nullopt, "changed outside kokeilu");
            if (p.get("author") != v.author) problem(e.key, field + ".author", std::nullopt, "changed outside kokeilu");
            if (v.batch == 0) {
                std::string ids;
                if (rows != voided.end())
                    for (const std::int64_t id : rows->second) ids += (ids.empty() ? "" : ",") + std::to_string(id);
                if (p.get("observation_ids") != ids)
                    problem(e.key, field, std::nullopt,
                            "voids the rows " + ids + "; the history recorded " +
                                p.get("observation_ids").value_or(absent_text));
            }
        }
    }
    for (const auto& [void_id, ids] : voided)
        if (!known.contains(void_id))
            for (const std::int64_t id : ids)
                problem(e.key, "voided_observations", id, "the row is voided by no recorded void: it was moved outside kokeilu");
    for (const auto& [void_id, payload] : recorded.voids)
        if (!known.contains(void_id))
            problem(e.key, "void " + std::to_string(void_id), std::nullopt,
                    "the history records this void, but it is no longer stored");
}

bool close(double a, double b, double relative) {
    if (a == b) return true;
    return std::fabs(a - b) <= relative * std::max({1.0, std::fabs(a), std::fabs(b)});
}

void Checker::check_summaries(const Experiment& e,
                              const std::map<std::pair<std::int64_t, std::int64_t>, stats::Summary>& rows) {
    std::map<std::int64_t, std::string> metric_names;
    std::map<std::int64_t, std::string> arm_names;
    for (const Metric& m : e.metrics) metric_names[m.id] = m.name;
    for (const Arm& a : e.arms) arm_names[a.id] = a.name;
    std::map<std::pair<std::int64_t, std::int64_t>, std::optional<stats::Summary>> stored;
    for (const ArmSummaryRecord& r : store_.arm_summaries(e.id)) stored[{r.metric_id, r.arm_id}] = r.summary;
    std::set<std::pair<std::int64_t, std::int64_t>> all;
    for (const auto& [ids, s] : rows) all.insert(ids);
    for (const auto& [ids, s] : stored) all.insert(ids);
    for (const auto& ids : all) {
        const std::string field = "arm_summaries[" + metric_names[ids.first] + "/" + arm_names[ids.second] + "]";
        const auto from_rows = rows.find(ids);
        const auto kept = stored.find(ids);
        const stats::Summary::State want = from_rows == rows.end() ? stats::Summary::State{} : from_rows->second.state();
        if (kept == stored.end()) {
            problem(e.key, field, std::nullopt, "there is no running summary of " + std::to_string(want.n) + " values");
            continue;
        }
        if (!kept->second) continue;  // overflowed: the rows are read instead, nothing is kept to compare
        const stats::Summary::State have = kept->second->state();
        const auto report = [&](const char* name, const std::string& stored_text, const std::string& rows_text) {
            problem(e.key, field + "." + name, std::nullopt,
                    "stored " + stored_text + ", the rows give " + rows_text + ": the summary was changed outside kokeilu");
        };
        if (have.n != want.n) report("n", std::to_string(have.n), std::to_string(want.n));
        if (have.unit_rows != want.unit_rows) report("unit_rows", std::to_string(have.unit_rows), std::to_string(want.unit_rows));
        if (have.aggregate_rows != want.aggregate_rows)
            report("aggregate_rows", std::to_string(have.aggregate_rows), std::to_string(want.aggregate_rows));
        if (!std::isfinite(want.mean) || !std::isfinite(want.m2)) continue;
        // Merged batch by batch, the running moments may differ from one pass in the last digits.
        if (!close(have.mean, want.mean, 1e-9)) report("mean", format_number(have.mean), format_number(want.mean));
        if (!close(have.sum, want.sum, 1e-9)) report("sum", format_number(have.sum), format_number(want.sum));
        if (!close(have.m2, want.m2, 1e-6)) report("m2", format_number(have.m2), format_number(want.m2));
        if (!close(have.exposure, want.exposure, 1e-9))
            report("exposure", format_number(have.exposure), format_number(want.exposure));
        if (want.unit_rows > 0 && (have.min != want.min || have.max != want.max))
            report("min/max", format_number(have.min) + "/" + format_number(have.max),
                   format_number(want.min) + "/" + format_number(want.max));
    }
}

}  // namespace

VerificationReport verify_store(Store& store, const VerifyOptions& options) {
    VerificationReport report;
    report.log = store.history_log();
    Checker checker(store, report);
    checker.check_chain(options);
    checker.check_experiments();
    checker.check_rows();
    return report;
}

Checkpoint current_checkpoint(Store& store) {
    MerkleTreeHash tree;
    std::string previous(32, '\0');
    store.scan_history(std::nullopt, [&](const HistoryEntry& e) {
        tree.add(leaf_hash(leaf_data(e.index - 1, previous, to_unix_micros(e.at), e.kind, e.experiment_uuid,
                                     e.payload_hash)));
        previous = e.leaf_hash;
    });
    return {store.history_log().log_id, tree.size(), tree.root()};
}

std::vector<VerificationProblem> quick_check(Store& store, const Experiment& e) {
    VerificationReport report;
    Checker checker(store, report);
    const auto latest = store.latest_record(e.id);
    if (!latest) {
        checker.problem(e.key, "history", std::nullopt, "the experiment has no record in the history: it was added outside kokeilu");
    } else if (latest->payload) {
        if (payload_hash(latest->salt, *latest->payload) != latest->payload_hash)
            checker.problem(e.key, entry_field(latest->index) + ".payload", latest->index,
                            "the experiment's last record in the history was edited");
        const auto stored = parse_record(experiment_record(e));
        const auto recorded = parse_record(*latest->payload);
        if (stored && recorded) {
            ParsedRecord a = *stored;
            ParsedRecord b = *recorded;
            std::erase_if(a.fields, [](const auto& f) { return f.first == "lock_hash"; });
            std::erase_if(b.fields, [](const auto& f) { return f.first == "lock_hash"; });
            diff_records(checker, e.key, a, b);
        }
        check_lock(checker, e, recorded);
    }
    // Rows added with sqlite3 take the next ids, above every id a write recorded: two look-ups find
    // them whatever the number of rows. (Counting the experiment's rows against its running
    // summaries would also find rows deleted, but reads every row of the index: verify does it.)
    const auto bounds = store.observation_id_bounds();
    if (bounds.stored > bounds.recorded)
        checker.problem(e.key, "observations", bounds.stored,
                        "rows with ids " + std::to_string(bounds.recorded + 1) + " to " + std::to_string(bounds.stored) +
                            " are in the file but were written by no write in the history: they were added outside "
                            "kokeilu");
    return report.problems;
}

}  // namespace kokeilu::detail
