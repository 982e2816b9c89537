// The storage interface. The Tracker (the model's rules) talks only to this; SQL and SQLite details
// live in one implementation (SqliteStore), so that a shared server store can be added beside it.
//
// Every method is atomic: a method that writes several rows writes all of them or none. A store is
// used by one thread at a time.
//
// Every write also appends its entry to the history (history.hpp) in the same transaction, sealed
// with detail::seal (history_chain.hpp) onto the entry before it, and with the payload built by
// history_payload.hpp: an experiment's whole record for the writes of experiments, the batch for a
// write of observations, the note, the void. A store keeps the entries in order, never changes
// one, and gives them back as they were sealed.
#pragma once

#include "kokeilu/exchange.hpp"
#include "kokeilu/experiment.hpp"
#include "kokeilu/experiment_filter.hpp"
#include "kokeilu/experiment_search.hpp"
#include "kokeilu/history.hpp"
#include "kokeilu/journal.hpp"
#include "kokeilu/observation.hpp"
#include "kokeilu/stats/summary.hpp"
#include "kokeilu/voiding.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu {

// One observation resolved to store ids, as the Tracker hands it to the store.
struct ObservationRecord {
    std::int64_t metric_id = 0;
    std::int64_t arm_id = 0;
    std::int64_t at_us = 0;
    double value = 0.0;
    std::optional<Aggregate> aggregate{};
    std::optional<double> exposure{};
    std::string subject{};
    std::string note{};
    std::optional<double> covariate{};  // the subject's pre-period value (Observation::covariate)
};

// Unit-level observations of one metric as columns, resolved to store ids.
// arm_ids[arm_codes[i]] is the arm of row i.
struct ObservationColumnsRecord {
    std::int64_t metric_id = 0;
    std::span<const std::int64_t> at_us{};
    std::span<const double> values{};
    std::span<const std::int32_t> arm_codes{};
    std::span<const std::int64_t> arm_ids{};
    std::span<const double> exposure{};  // empty, or one per row
};

// Which stored observations to stream, in time order (ties in insertion order).
struct ObservationScan {
    std::int64_t metric_id = 0;
    std::vector<std::int64_t> arm_ids{};    // empty: every arm
    std::optional<std::int64_t> from_us{};  // inclusive
    std::optional<std::int64_t> to_us{};    // exclusive
    // Stream only what a summary needs: the arm, the value or aggregate and the exposure. The row's
    // id and time are 0 and its subject and note empty; reading fewer columns makes a scan of
    // millions of rows markedly faster. The rows still come in time order.
    bool summary_only = false;
    // Stream the voided rows too (ObservationRow::voided says which); never with summary_only.
    bool include_voided = false;
};

// One stored observation with everything it holds, counted or voided: what verification reads.
struct StoredObservation {
    std::int64_t id = 0;
    std::int64_t void_id = 0;  // 0 while it counts
    ObservationRecord record{};
};

// The experiment a write of observations goes to, and what is checked about it inside the write's
// transaction before anything is written.
struct ObservationTarget {
    std::int64_t experiment_id = 0;
    std::span<const Status> accepted{};  // the statuses in which it takes observations
    // When not 0: the revision the caller validated the rows against. If the stored revision differs,
    // the write fails with StaleRevisionError and nothing is written; when it matches, the arms and
    // metrics are known to be those the caller checked, and the store does not look them up again.
    std::int64_t revision = 0;
    // With a revision: the ids of the experiment's proportion metrics at that revision, whose
    // aggregated rows the running summaries treat as 0/1 outcomes. Without one the store reads the
    // kinds itself.
    std::vector<std::int64_t> proportion_metric_ids{};
    // The batch: the SHA-256 of the rows' canonical encoding (32 bytes, see batch_hash.hpp), and the
    // caller's idempotency key (empty: none). A key the experiment has used before is checked inside
    // the write's transaction: with the same content nothing is written (WriteResult::repeated),
    // with other content the write fails with InvalidArgumentError("idempotency_key").
    std::string content_sha256{};
    std::string idempotency_key{};
};

// The experiment changed (another process saved it) after the caller read the revision it names.
class StaleRevisionError : public InvalidStateError {
public:
    using InvalidStateError::InvalidStateError;
};

// How many observations one arm has (all metrics together) in some window of time.
struct ArmRowCount {
    std::int64_t arm_id = 0;
    std::int64_t rows = 0;
};

// The running summary of one metric in one arm over every stored observation.
struct ArmSummaryRecord {
    std::int64_t metric_id = 0;
    std::int64_t arm_id = 0;
    // Empty when the totals left the range of a double (values near 1e308): the summary must then
    // be computed from the rows.
    std::optional<stats::Summary> summary{};
};

// One experiment to import, as Tracker::import_experiments checked it: the experiment as exported
// (its arm and metric ids are their positions, from 1), its journal, its rows, and where it came
// from (imported_at set; content_sha256 is what read_rows returns).
struct ImportItem {
    using RowVisitor = std::function<void(const ObservationRecord&)>;

    Experiment experiment{};
    std::string record{};  // the exporter's record: what the stored copy must read back as
    std::vector<JournalEntry> journal{};
    // Gives each of the experiment's rows to visit, checked and resolved to the arm and metric
    // positions, in order; returns the SHA-256 of the experiment's content (record, journal and
    // rows; hexadecimal) that tells a repeated import. The store calls it exactly once per item,
    // inside the import's transaction, whether it writes the rows or not: every row is checked.
    std::function<std::string(const RowVisitor& visit)> read_rows{};
    ExperimentOrigin origin{};
};

class Store {
public:
    virtual ~Store() = default;
    Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Inserts a new experiment with its arms, metrics and tags; fills in experiment.id, the arm and
    // metric ids, revision (1), and, when experiment.key is empty, the key: key_prefix followed by
    // the next free three-digit number for that prefix ("OULU-2026-" -> "OULU-2026-004").
    // Throws InvalidArgumentError("key" or "uuid", ...) when either is already in use.
    virtual void insert_experiment(Experiment& experiment, std::string_view key_prefix) = 0;

    // By key (case-insensitive) or UUID; with arms, metrics, tags, outcome and amendments.
    [[nodiscard]] virtual std::optional<Experiment> find_experiment(std::string_view key_or_uuid) = 0;

    // Every experiment that passes the filter, ordered by key.
    [[nodiscard]] virtual std::vector<Experiment> list_experiments(const ExperimentFilter& filter) = 0;

    // Every experiment, own or imported, that meets every criterion of the search (see
    // ExperimentSearch for what its text matches). With text, the best match first (ties by key);
    // without, ordered by key. Whatever the text holds, it is searched, never an error.
    [[nodiscard]] virtual std::vector<Experiment> search_experiments(const ExperimentSearch& search) = 0;

    // Writes every field of an already stored experiment and appends new_amendments and, when given,
    // a journal note (e.g. why it was stopped), all in one transaction. Arms and metrics are matched
    // by id: changed ones are updated, id 0 ones are inserted (their ids filled in), missing ones
    // deleted. Fails with InvalidStateError when the stored revision is not experiment.revision
    // (someone else saved in between). Checks, inside that transaction, that the stored observations
    // fit the experiment as saved: InvalidArgumentError naming the field and the observations when
    // a removed arm or metric has any, or a metric's new kind contradicts its stored values (the
    // running summaries of a metric whose kind changed are rebuilt). On success experiment.revision
    // is increased. History: an entry of `kind` with the experiment as saved, then the note's.
    virtual void save_experiment(Experiment& experiment, std::span<const Amendment> new_amendments,
                                 const std::optional<JournalEntry>& note, HistoryKind kind) = 0;

    // Deletes a draft with everything it has (never a started experiment: InvalidStateError, checked
    // inside the transaction). History: delete, with the experiment's last record; its earlier
    // entries stay.
    virtual void delete_draft(std::int64_t experiment_id) = 0;

    // Appends a journal note and returns it with its id. History: note.
    virtual JournalEntry add_journal_entry(std::int64_t experiment_id, const JournalEntry& entry) = 0;
    // Oldest first.
    [[nodiscard]] virtual std::vector<JournalEntry> journal(std::int64_t experiment_id) = 0;

    // Inserts observations in one transaction, after checking, inside that transaction, that the
    // experiment's status is one of target.accepted (else InvalidStateError; nothing written) and,
    // when target.revision is set, that it is still that revision. The running summaries of the
    // metrics and arms written to are updated in the same transaction. The rows get consecutive ids
    // above every id used before (also by voided rows), and become one batch. History: observations.
    virtual WriteResult insert_observations(const ObservationTarget& target,
                                            std::span<const ObservationRecord> rows) = 0;
    virtual WriteResult insert_observation_columns(const ObservationTarget& target,
                                                   const ObservationColumnsRecord& columns) = 0;

    // Voids the rows the request names (ids or a batch), which must be counted observations of the
    // experiment (else InvalidArgumentError naming the first that is not, or InvalidStateError for
    // rows voided before; nothing is written). They move out of every summary and scan, and the running
    // summaries of their metrics and arms are made again from the rows that still count, in the same
    // transaction. History: void.
    virtual VoidRecord void_observations(std::int64_t experiment_id, const VoidRequest& request, Time at) = 0;
    // The voids of an experiment, oldest first.
    [[nodiscard]] virtual std::vector<VoidRecord> voids(std::int64_t experiment_id) = 0;

    // The running summary of every metric and arm of the experiment that has observations, equal
    // (up to rounding in the last digits) to a summary of every stored row; read from one row per
    // metric and arm, not from the observations.
    [[nodiscard]] virtual std::vector<ArmSummaryRecord> arm_summaries(std::int64_t experiment_id) = 0;

    // Streams the selected observations in time order; memory does not grow with the row count.
    virtual void scan_observations(const ObservationScan& scan,
                                   const std::function<void(const ObservationRow&)>& visit) = 0;

    // Counted (not voided) observations of the experiment (all metrics) timed in [from_us, to_us),
    // per arm that has any.
    [[nodiscard]] virtual std::vector<ArmRowCount> count_observations_by_arm(std::int64_t experiment_id,
                                                                           std::int64_t from_us, std::int64_t to_us) = 0;

    // Number of counted (not voided) observations of the experiment (all metrics), or of one metric.
    [[nodiscard]] virtual std::int64_t count_observations(std::int64_t experiment_id,
                                                          std::optional<std::int64_t> metric_id = {}) = 0;

    // Every row of the experiment (0: of every experiment), counted and voided, in id order
    // (verification).
    virtual void scan_stored_observations(std::int64_t experiment_id,
                                          const std::function<void(const StoredObservation&)>& visit) = 0;

    // The highest observation id stored (counted or voided), and the highest that a write recorded
    // in the history: a row added outside kokeilu takes an id above the latter. Cheap at any size.
    struct ObservationIdBounds {
        std::int64_t stored = 0;
        std::int64_t recorded = 0;
    };
    [[nodiscard]] virtual ObservationIdBounds observation_id_bounds() = 0;

    // The history: the log's name, and its entries in order (of one experiment, or all).
    [[nodiscard]] virtual HistoryLog history_log() = 0;
    virtual void scan_history(std::optional<std::int64_t> experiment_id,
                              const std::function<void(const HistoryEntry&)>& visit) = 0;
    // The latest entry that recorded the experiment's state (create, update, amend, start, stop,
    // conclude, migrated), found without reading the rest of the log.
    [[nodiscard]] virtual std::optional<HistoryEntry> latest_record(std::int64_t experiment_id) = 0;

    // Merges experiments another tracker exported, all in one transaction, each by its UUID (see
    // ImportAction): a new one is added as a read-only copy with its journal and rows; a copy whose
    // content is the same as imported before is left alone; a copy from the same exporter's log
    // with other content is replaced (its rows voided, the new ones written, the new journal notes
    // and amendments added); a copy from another log, this file's own experiment with other
    // content, or a key in use by another experiment is a conflict and is not written. A stored
    // copy must read back as the exporter's record, field for field, else nothing is written
    // (InvalidArgumentError). History: imported, with the record, then its notes and its batch.
    // Items are merged in their order; `before_commit` runs after the last one, inside the
    // transaction (the check that the rows' source was read whole).
    virtual std::vector<ImportedExperiment> import_experiments(std::span<const ImportItem> items,
                                                               const std::function<void()>& before_commit) = 0;

    // The IANA name of the tracker's time zone (see kokeilu/time_zone.hpp).
    [[nodiscard]] virtual std::string time_zone() = 0;
    // Sets it, in one transaction with the check that no experiment has started: a started
    // experiment's window begins at the start of its first day in the zone, and a new zone would
    // move it under the rows already checked against it. Throws InvalidStateError naming them.
    virtual void set_time_zone(const std::string& name) = 0;
};

}  // namespace kokeilu
