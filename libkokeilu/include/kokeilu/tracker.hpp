// The Tracker: kokeilu's rules over a Store. It validates input (naming the field at fault),
// generates identities, enforces the lifecycle draft -> running -> concluded (or -> stopped),
// locks the Test Card and success criteria when an experiment starts, and turns later changes to
// them into amendments with a reason.
//
// A Tracker is used by one thread at a time (the Python Tracker takes a lock around every call);
// processes and other Trackers may share its file.
#pragma once

#include "kokeilu/chrono.hpp"
#include "kokeilu/experiment.hpp"
#include "kokeilu/experiment_filter.hpp"
#include "kokeilu/experiment_search.hpp"
#include "kokeilu/history.hpp"
#include "kokeilu/journal.hpp"
#include "kokeilu/observation.hpp"
#include "kokeilu/replications.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "kokeilu/store.hpp"
#include "kokeilu/follow_up.hpp"
#include "kokeilu/time_zone.hpp"
#include "kokeilu/verification.hpp"
#include "kokeilu/voiding.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kokeilu {

// The file the kokeilu command and the Python API use when no path is given.
inline constexpr const char* default_tracker_path = "kokeilut.db";

struct LogOptions {
    // Accept observations outside the running state (stopped or concluded experiments) and with
    // times before the actual start, e.g. the "before" period of a before/after design or data
    // that arrived late. Never for drafts: data is recorded only after the criterion is locked.
    bool backfill = false;
    // Accept times more than a day after now. Without it such a time is refused: it is nearly
    // always a mistake (a wrong year, a day and month swapped, a number in the wrong unit).
    bool allow_future = false;
    // Names the write, so that it can be run again safely (a notebook cell, an import): a key the
    // experiment has used before writes nothing when the rows are the same (WriteResult::repeated),
    // and is refused (InvalidArgumentError "idempotency_key") when they are not. Empty: no key.
    std::string idempotency_key{};
};

// How far past the tracker's clock a time may be without allow_future: a day covers every time
// zone and a clock somewhat off.
inline constexpr std::int64_t future_tolerance_micros = 24LL * 3600 * 1'000'000;

class Tracker {
public:
    explicit Tracker(std::unique_ptr<Store> store);
    // A tracker over a SQLite file (created when missing) or ":memory:".
    [[nodiscard]] static Tracker open(const std::string& path, const SqliteOptions& options = {});

    Tracker(Tracker&&) noexcept = default;
    Tracker& operator=(Tracker&&) noexcept = default;

    // Validates and stores a new draft; returns it as stored (id, uuid, key, ids filled in).
    // Lifecycle fields of the argument (status, dates actually started, outcome, lock) are ignored.
    // With a key that is already stored, the call is a repeat: when the stored experiment has the
    // same content (every field create takes), it is returned and nothing is written; when it
    // differs, InvalidArgumentError("key") names the fields that differ.
    Experiment create(Experiment draft);
    // Deletes a draft (never a started experiment, whose record is kept whole: void wrong rows).
    void delete_draft(std::string_view key);

    [[nodiscard]] Experiment get(std::string_view key_or_uuid) const;  // throws NotFoundError
    [[nodiscard]] std::vector<Experiment> experiments(const ExperimentFilter& filter = {}) const;
    // The learning library: every experiment, own and imported, that meets the search (see
    // ExperimentSearch), the best match first when there is text, else by key. Any text searches;
    // only text that is not UTF-8 is refused (InvalidArgumentError("text")).
    [[nodiscard]] std::vector<Experiment> search(const ExperimentSearch& search) const;
    // The former name of experiments() (Python's Tracker.experiments), kept through version 0.2.
    [[nodiscard]] std::vector<Experiment> list(const ExperimentFilter& filter = {}) const { return experiments(filter); }

    // Saves the revised experiment (typically one got from get() and edited). Status, lock, outcome
    // and identity cannot be changed here. Once locked, a change to the Test Card, design, arms or
    // metrics is an amendment: it needs a non-empty reason and is recorded field by field.
    Experiment update(const Experiment& revised, std::string_view reason = {}, std::string_view author = {});

    // Links the experiment to `of` (the key or UUID of an experiment in this tracker, or the UUID of
    // one elsewhere) as a replication, adaptation or follow-up of it: an update, kept in the
    // history. Linking again as the same kind changes nothing; as another kind, the kind changes.
    Experiment link(std::string_view key, LinkKind kind, std::string_view of);
    // Removes the link to `of` (key or UUID); NotFoundError when there is none.
    Experiment unlink(std::string_view key, std::string_view of);
    // The experiment's replication set (kokeilu/replications.hpp): itself and every experiment of
    // this tracker linked to it as a replication, in either direction and transitively, with the
    // adaptations and follow-ups of them beside. NotFoundError when the experiment is not here.
    [[nodiscard]] ReplicationSet replications(std::string_view key_or_uuid) const;

    // The tracker's time zone, read from its file when it opens (see kokeilu/time_zone.hpp): the
    // days of start, stop and conclude (today by default) are its days, and an experiment's
    // window opens at the start of its first day there.
    [[nodiscard]] const TimeZone& time_zone() const noexcept { return zone_; }
    // Sets the zone by its IANA name ("Europe/Stockholm"). Refused (InvalidStateError) once any
    // experiment of the file has started, as it would move their windows; an unknown name is an
    // InvalidArgumentError naming time_zone.
    void set_time_zone(std::string_view name);

    // draft -> running; sets actual_start (default today in the tracker's zone) and takes the pre-registration lock.
    Experiment start(std::string_view key, std::optional<Date> on = {});
    // draft or running -> stopped; the reason is required and also goes to the journal.
    Experiment stop(std::string_view key, std::string_view reason, std::optional<Date> on = {},
                    std::string_view author = {});
    // start and stop with a std::chrono day (kokeilu/chrono.hpp); a day not on the calendar is an
    // InvalidArgumentError naming "on".
    Experiment start(std::string_view key, std::chrono::year_month_day on) { return start(key, to_date(on, "on")); }
    Experiment stop(std::string_view key, std::string_view reason, std::chrono::year_month_day on,
                    std::string_view author = {}) {
        return stop(key, reason, to_date(on, "on"), author);
    }
    // running -> concluded with the verdict, Learning Card and decision.
    Experiment conclude(std::string_view key, const Outcome& outcome);

    // Follow-ups (kokeilu/follow_up.hpp). The slots of one concluded experiment as of `on` (default
    // today in the tracker's zone); none when it has no schedule.
    [[nodiscard]] std::vector<FollowUpSlot> follow_up_slots(std::string_view original,
                                                            std::optional<Date> on = {}) const;
    // Every slot due on or before `on` + within_days (default today in the tracker's zone) that no
    // concluded follow-up fills yet, by due date, then original key and months.
    [[nodiscard]] std::vector<FollowUpSlot> due(std::optional<Date> on = {}, int within_days = 0) const;
    // A draft (not stored) of the follow-up of `original` at `months`, one of its scheduled months:
    // its organisation, unit, purposes, design and arms, its primary metric (name, kind, direction,
    // minimum effect, ...), planned to start on the slot's due date, linked as a follow-up. The
    // caller completes the Test Card and passes it to create.
    [[nodiscard]] Experiment follow_up_draft(std::string_view original, int months) const;

    // A note in the experiment's journal (at: default now).
    JournalEntry note(std::string_view key, std::string_view text, std::string_view author = {},
                      std::optional<Time> at = {});
    // The former name of note() (Python's Tracker.note), kept through version 0.2.
    JournalEntry add_note(std::string_view key, std::string_view text, std::string_view author = {},
                          std::optional<Time> at = {}) {
        return note(key, text, author, at);
    }
    // note() at a std::chrono time (kokeilu/chrono.hpp).
    JournalEntry note(std::string_view key, std::string_view text, std::string_view author, SysMicroseconds at) {
        return note(key, text, author, to_time(at, "at"));
    }
    [[nodiscard]] std::vector<JournalEntry> journal(std::string_view key) const;

    // One observation; an empty metric means the primary metric. Every write is one batch in the
    // history, with the SHA-256 of its rows.
    WriteResult log(std::string_view key, const Observation& observation, const LogOptions& options = {});
    // Many observations in one transaction: all of them land or none.
    WriteResult log_many(std::string_view key, std::span<const Observation> observations,
                         const LogOptions& options = {});
    // Many unit-level observations of one metric from columns, in one transaction.
    WriteResult log_columns(std::string_view key, std::string_view metric, const ObservationColumns& columns,
                            const LogOptions& options = {});
    // Many pre-aggregated rows of one metric from columns, in one transaction.
    WriteResult log_aggregate_columns(std::string_view key, std::string_view metric, const AggregateColumns& columns,
                                      const LogOptions& options = {});
    // The checks of log_columns and log_aggregate_columns without the write, for a front end that
    // reports every bad row at once (the CSV import): the first `limit` problems of the rows in row
    // order, and how many there are in all. What concerns the whole call (an unknown experiment or
    // metric, columns of different lengths, a draft) throws as the write would.
    [[nodiscard]] InputProblems check_columns(std::string_view key, std::string_view metric,
                                              const ObservationColumns& columns, const LogOptions& options = {},
                                              std::size_t limit = 10);
    [[nodiscard]] InputProblems check_aggregate_columns(std::string_view key, std::string_view metric,
                                                        const AggregateColumns& columns,
                                                        const LogOptions& options = {}, std::size_t limit = 10);

    // Merges experiments another tracker exported (a bundle; kokeilu/exchange.hpp), each by its
    // UUID, all in one transaction (Store::import_experiments says what happens to each). Every
    // experiment is checked whole before anything is written: its record must read back exactly,
    // its fields pass the rules of create, a started one be locked under the hash of what it
    // pre-registered, and its rows pass the rules of log; else InvalidArgumentError naming
    // "experiments[i]." and the field, and nothing is written. The rows of `rows`, if given, are
    // read as they are written, and checked like the others (an error undoes the import). Imported
    // experiments are read-only copies: start, stop, conclude, update, note, log, void and
    // delete_draft refuse them. The result is in the order of `incoming`.
    std::vector<ImportedExperiment> import_experiments(std::span<const IncomingExperiment> incoming,
                                                       IncomingRows* rows = nullptr);

    // Voids observations (by id, or every row of one batch) with a reason and an author: they stay
    // in the file and in the history, and leave every summary, scan and analysis.
    VoidRecord void_observations(std::string_view key, const VoidRequest& request);
    [[nodiscard]] std::vector<VoidRecord> voids(std::string_view key) const;

    [[nodiscard]] ObservationTable observations(std::string_view key, const ObservationQuery& query = {}) const;
    // Streams the observations in time order without holding them all in memory.
    void for_each_observation(std::string_view key, const ObservationQuery& query,
                              const std::function<void(const ObservationRow&)>& visit) const;
    [[nodiscard]] std::int64_t count_observations(std::string_view key) const;
    // Observations of the experiment (all metrics) timed in [from, to), per arm that has any.
    [[nodiscard]] std::vector<ArmRowCount> count_observations_by_arm(const Experiment& experiment, const Time& from,
                                                                   const Time& to) const;

    // The running summary of every metric and arm with observations, kept by the store with every
    // write (see Store::arm_summaries).
    [[nodiscard]] std::vector<ArmSummaryRecord> arm_summaries(const Experiment& experiment) const;

    // The history: every entry (of one experiment, or of the file), oldest first.
    [[nodiscard]] std::vector<HistoryEntry> history(std::optional<std::string_view> key = {}) const;
    [[nodiscard]] HistoryLog history_log() const;
    // The current checkpoint: the size and Merkle root of the log.
    [[nodiscard]] Checkpoint checkpoint() const;
    // Recomputes the history and checks everything stored against it (see verification.hpp): reads
    // every entry and every row once.
    [[nodiscard]] VerificationReport verify(const VerifyOptions& options = {}) const;
    // The check show and analyze make, cheap whatever the number of rows: the experiment's stored
    // record against its latest entry in the history (the Test Card against its lock hash, every
    // field against what was recorded), and the number of its rows against its running summaries.
    // Edited values of rows, and the chain as a whole, only verify() checks.
    [[nodiscard]] std::vector<VerificationProblem> quick_check(std::string_view key) const;


private:
    // The experiment as last read for logging, by the key or UUID the caller used. Logging checks
    // every observation against its experiment; re-reading it for each call would cost several
    // queries, so it is kept and the store confirms its revision inside the write's transaction.
    // Returns the experiment and whether it is a kept copy (true) or was just read (false).
    std::pair<const Experiment*, bool> for_logging(std::string_view key_or_uuid);
    void forget_for_logging(std::string_view key_or_uuid);
    WriteResult log_columns_to(const Experiment& e, std::string_view metric, const ObservationColumns& columns,
                               const LogOptions& options, std::int64_t now_us, bool kept);

    std::unique_ptr<Store> store_;
    TimeZone zone_;
    std::vector<std::pair<std::string, Experiment>> logging_;  // most recently used last
};

// The content hash that locks an experiment's pre-registered parts: Test Card, design, arms and
// metrics (everything but their store ids). Stable across versions and platforms.
[[nodiscard]] std::string preregistration_hash(const Experiment& experiment);

}  // namespace kokeilu
