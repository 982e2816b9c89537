#include "kokeilu/tracker.hpp"

#include "kokeilu/error.hpp"
#include "batch_hash.hpp"
#include "experiment_differences.hpp"
#include "key_generation.hpp"
#include "preregistration.hpp"
#include "validation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace kokeilu {

namespace {

using detail::check_long_text;
using detail::check_short_text;
using detail::format_number;
using detail::trim;

constexpr std::array<Status, 1> running_only{Status::running};
constexpr std::array<Status, 3> after_start{Status::running, Status::stopped, Status::concluded};

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

template <class Item>
std::string names_of(const std::vector<Item>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ", ";
        out += item.name;
    }
    return out;
}

[[noreturn]] void bad_transition(const Experiment& e, std::string_view action, std::string_view allowed) {
    throw InvalidStateError("cannot " + std::string(action) + " " + e.key + ": it is " + std::string(to_string(e.status)) +
                            "; only " + std::string(allowed));
}

// The metric an observation names; an empty name means the primary metric.
const Metric& resolve_metric(const Experiment& e, std::string_view name, const std::string& field) {
    if (name.empty()) return e.primary_metric();
    try {
        return e.metric(name);
    } catch (const NotFoundError&) {
        throw InvalidArgumentError(field, "unknown metric " + quoted(name) + "; known: " + names_of(e.metrics));
    }
}

// The arm an observation names; the name may be left out only when there is no choice.
const Arm& resolve_arm(const Experiment& e, std::string_view name, const std::string& field) {
    if (name.empty()) {
        if (e.arms.size() == 1) return e.arms.front();
        throw InvalidArgumentError(field, "is required: " + e.key + " has " + std::to_string(e.arms.size()) +
                                              " arms (" + names_of(e.arms) + ")");
    }
    try {
        return e.arm(name);
    } catch (const NotFoundError&) {
        throw InvalidArgumentError(field, "unknown arm " + quoted(name) + "; known: " + names_of(e.arms));
    }
}

// Which statuses may take observations; the store checks them again inside its transaction, so a
// concurrent stop cannot slip in between.
std::span<const Status> accepted_statuses(const Experiment& e, const LogOptions& options) {
    if (e.status == Status::draft)
        throw InvalidStateError("cannot log observations to " + e.key +
                                ": it is a draft; data is recorded only after start locks the success criterion");
    if (options.backfill) return after_start;
    if (e.status != Status::running)
        throw InvalidStateError("cannot log observations to " + e.key + ": it is " + std::string(to_string(e.status)) +
                                "; use backfill to record data that arrived late");
    return running_only;
}

// The rules of an observation's time, decided once per write: without backfill nothing before the
// actual start (midnight UTC of its date); in a before/after design a "before" value is timed
// before the start and an "after" value from the start on, backfill or not (a value of the other
// period is in the wrong arm, whenever it arrived).
struct TimeRule {
    std::optional<std::int64_t> start_us;  // the actual start, when there is one
    bool backfill = false;
    bool periods = false;  // before/after design

    [[nodiscard]] bool needed() const noexcept { return start_us && (!backfill || periods); }
};

TimeRule time_rule(const Experiment& e, const LogOptions& options) {
    TimeRule rule;
    if (e.actual_start) rule.start_us = to_unix_micros(Time(*e.actual_start));
    rule.backfill = options.backfill;
    rule.periods = e.design == DesignKind::before_after;
    return rule;
}

enum class TimeProblem { none, before_start, before_in_after_period, after_in_before_period };

TimeProblem time_problem(const TimeRule& rule, ArmRole role, std::int64_t at_us) noexcept {
    if (!rule.start_us) return TimeProblem::none;
    const bool before = at_us < *rule.start_us;
    if (rule.periods && role == ArmRole::before && !before) return TimeProblem::before_in_after_period;
    if (rule.periods && role == ArmRole::after && before) return TimeProblem::after_in_before_period;
    if (!rule.backfill && before) return TimeProblem::before_start;
    return TimeProblem::none;
}

// The error of a time that breaks the rule, naming the time's field as the caller gave it ("at",
// "observations[3].at", "at[3]"); the arm is named by its name, which is the same at every door.
[[noreturn]] void time_error(const Experiment& e, TimeProblem problem, const std::string& at_field, const Arm& arm,
                             std::int64_t at_us) {
    const std::string start = format_date(*e.actual_start);
    const std::string when = format_time(from_unix_micros(at_us));
    if (problem == TimeProblem::before_in_after_period)
        throw InvalidArgumentError(at_field, when + " is on or after the actual start of " + e.key + " (" + start +
                                                 "), but the arm '" + arm.name +
                                                 "' is the period before it; a before value is timed before the start");
    if (problem == TimeProblem::after_in_before_period)
        throw InvalidArgumentError(at_field, when + " is before the actual start of " + e.key + " (" + start +
                                                 "), but the arm '" + arm.name +
                                                 "' is the period after it; a value from before the start belongs to "
                                                 "the before period");
    throw InvalidArgumentError(at_field, "is before the actual start of " + e.key + " (" + start +
                                             "); use backfill to record earlier data, e.g. a before period");
}

// Names the field of row `index` of a batch ("observations[3].value"), or the bare field for a
// single observation; built only when there is something to report.
std::string row_field(std::optional<std::size_t> index, std::string_view name) {
    if (!index) return std::string(name);
    return "observations[" + std::to_string(*index) + "]." + std::string(name);
}

ObservationRecord make_record(const Experiment& e, const Observation& o, std::optional<std::size_t> index,
                              const TimeRule& rule) {
    if (o.at.is_special()) throw InvalidArgumentError(row_field(index, "at"), "not a valid time");
    const Metric& metric = resolve_metric(e, o.metric, row_field(index, "metric"));
    const Arm& arm = resolve_arm(e, o.arm, row_field(index, "arm"));

    ObservationRecord record;
    record.metric_id = metric.id;
    record.arm_id = arm.id;
    record.at_us = to_unix_micros(o.at);
    if (rule.needed())
        if (const TimeProblem problem = time_problem(rule, arm.role, record.at_us); problem != TimeProblem::none)
            time_error(e, problem, row_field(index, "at"), arm, record.at_us);
    if (o.aggregate) {
        if (const auto problem = detail::aggregate_problem(metric.kind, *o.aggregate))
            throw InvalidArgumentError(row_field(index, problem->part), problem->problem);
        record.aggregate = o.aggregate;
        record.value = 0.0;  // not used for an aggregate row
    } else {
        if (const char* problem = detail::unit_value_problem(metric.kind, o.value))
            throw InvalidArgumentError(row_field(index, "value"), std::string(problem) + ", got " + format_number(o.value));
        record.value = o.value;
    }
    if (o.exposure) {
        if (metric.kind != MetricKind::count)
            throw InvalidArgumentError(row_field(index, "exposure"), "is used only for count metrics");
        if (const char* problem = detail::exposure_problem(*o.exposure))
            throw InvalidArgumentError(row_field(index, "exposure"), std::string(problem) + ", got " + format_number(*o.exposure));
        record.exposure = o.exposure;
    }
    check_short_text(o.subject, row_field(index, "subject"));
    check_long_text(o.note, row_field(index, "note"));
    record.subject = o.subject;
    record.note = o.note;
    return record;
}

ObservationScan make_scan(const Experiment& e, const ObservationQuery& query) {
    ObservationScan scan;
    scan.metric_id = resolve_metric(e, query.metric, "metric").id;
    scan.summary_only = query.summary_only;
    if (query.include_voided && query.summary_only)
        throw InvalidArgumentError("include_voided", "a summary never includes voided rows");
    scan.include_voided = query.include_voided;
    for (const auto& name : query.arms) scan.arm_ids.push_back(resolve_arm(e, name, "arms").id);
    if (query.from) {
        if (query.from->is_special()) throw InvalidArgumentError("from", "not a valid time");
        scan.from_us = to_unix_micros(*query.from);
    }
    if (query.to) {
        if (query.to->is_special()) throw InvalidArgumentError("to", "not a valid time");
        scan.to_us = to_unix_micros(*query.to);
    }
    return scan;
}

// The lifecycle fields update() leaves alone: they change only through start, stop and conclude.
void require_unchanged(bool same, const char* field, const char* how) {
    if (!same) throw InvalidArgumentError(field, std::string("cannot be changed by update; ") + how);
}

// Ids of the revised arms or metrics: known ones must belong to this experiment, and a new one
// with the name of a stored one takes its id, so it is updated in place (its observations stay).
template <class Item>
void adopt_ids(std::vector<Item>& revised, const std::vector<Item>& stored, const char* list, const std::string& key) {
    for (std::size_t i = 0; i < revised.size(); ++i) {
        const auto id = revised[i].id;
        if (id == 0) continue;
        const std::string field = std::string(list) + "[" + std::to_string(i) + "].id";
        if (std::none_of(stored.begin(), stored.end(), [&](const Item& s) { return s.id == id; }))
            throw InvalidArgumentError(field, std::to_string(id) + " is not the id of any of the " + list + " of " + key);
        for (std::size_t j = 0; j < i; ++j)
            if (revised[j].id == id) throw InvalidArgumentError(field, std::to_string(id) + " is used twice");
    }
    for (auto& item : revised) {
        if (item.id != 0) continue;
        for (const auto& s : stored) {
            const bool claimed = std::any_of(revised.begin(), revised.end(), [&](const Item& r) { return r.id == s.id; });
            if (!claimed && detail::same_name(s.name, item.name)) {
                item.id = s.id;
                break;
            }
        }
    }
}

bool same_editable_fields(const Experiment& a, const Experiment& b) {
    return a.title == b.title && a.summary == b.summary && a.organisation == b.organisation && a.unit == b.unit &&
           a.owner == b.owner && a.tags == b.tags && a.purposes == b.purposes && a.planned_start == b.planned_start &&
           a.planned_end == b.planned_end && a.planned_cost_eur == b.planned_cost_eur &&
           a.actual_cost_eur == b.actual_cost_eur && a.planned_effort_hours == b.planned_effort_hours &&
           a.actual_effort_hours == b.actual_effort_hours && a.risk == b.risk && a.test_card == b.test_card &&
           a.design == b.design && a.arms == b.arms && a.metrics == b.metrics;
}

}  // namespace

Tracker::Tracker(std::unique_ptr<Store> store) : store_(std::move(store)) {
    if (!store_) throw InvalidArgumentError("store", "is required");
}

Tracker Tracker::open(const std::string& path, const SqliteOptions& options) {
    return Tracker(open_sqlite_store(path, options));
}

namespace {

Experiment load(Store& store, std::string_view key_or_uuid) {
    auto found = store.find_experiment(key_or_uuid);
    if (!found) throw NotFoundError("experiment", std::string(key_or_uuid));
    return std::move(*found);
}

// The experiment as stored after a write, so callers see exactly what a later get() returns.
Experiment reread(Store& store, const Experiment& e) {
    auto found = store.find_experiment(e.uuid);
    if (!found) throw StorageError("experiment " + e.key + " was not found right after saving it", 0);
    return std::move(*found);
}

}  // namespace

Experiment Tracker::create(Experiment draft) {
    Experiment e = std::move(draft);
    // A new experiment is a draft, whatever the argument says.
    e.id = 0;
    e.status = Status::draft;
    e.actual_start.reset();
    e.actual_end.reset();
    e.stop_reason.clear();
    e.outcome.reset();
    e.lock_hash.clear();
    e.locked_at.reset();
    e.locked.reset();
    e.amendments.clear();
    e.revision = 0;
    for (auto& arm : e.arms) arm.id = 0;
    for (auto& metric : e.metrics) metric.id = 0;

    detail::normalize_experiment(e);
    const bool uuid_given = !e.uuid.empty();
    e.uuid = uuid_given ? detail::canonical_uuid(e.uuid) : detail::new_uuid();
    if (!e.key.empty()) detail::check_key(e.key);
    detail::validate_experiment(e);

    std::string prefix;
    if (e.key.empty()) {
        const Date year_of = e.planned_start ? *e.planned_start : today_utc();
        prefix = detail::key_prefix(e.organisation, static_cast<int>(year_of.year()));
    }
    // A key already stored: the call repeats an earlier create (a notebook cell run again). A UUID
    // generated here is no part of what the caller gave.
    const auto repeated = [&](Experiment stored) {
        Experiment given = e;
        if (!uuid_given) given.uuid.clear();
        return detail::repeated_create(std::move(stored), given);
    };
    if (!e.key.empty())
        if (auto stored = store_->find_experiment(e.key)) return repeated(std::move(*stored));
    e.created_at = now_utc();
    e.updated_at = e.created_at;
    try {
        store_->insert_experiment(e, prefix);
    } catch (const InvalidArgumentError& error) {
        // Another process created it between the look-up and the insert (whose transaction checks
        // the key): the same repeat.
        if (error.field() != "key" || e.key.empty()) throw;
        auto stored = store_->find_experiment(e.key);
        if (!stored) throw;
        return repeated(std::move(*stored));
    }
    return reread(*store_, e);
}

void Tracker::delete_draft(std::string_view key) {
    const Experiment e = load(*store_, key);
    if (e.status != Status::draft)
        throw InvalidStateError("cannot delete " + e.key + ": it is " + std::string(to_string(e.status)) +
                                "; only a draft can be deleted (nothing is deleted from a started experiment: "
                                "void wrong observations instead)");
    forget_for_logging(key);
    store_->delete_draft(e.id);
}

Experiment Tracker::get(std::string_view key_or_uuid) const { return load(*store_, key_or_uuid); }

std::vector<Experiment> Tracker::list(const ExperimentFilter& filter) const { return store_->list_experiments(filter); }

Experiment Tracker::update(const Experiment& revised, std::string_view reason, std::string_view author) {
    const std::string wanted = trim(!revised.uuid.empty() ? revised.uuid : revised.key);
    if (wanted.empty()) throw InvalidArgumentError("uuid", "is required to find the experiment to update (or key)");
    const Experiment stored = load(*store_, wanted);

    // A stale copy first: its lifecycle fields may differ only because someone else moved on.
    if (revised.revision != stored.revision)
        throw InvalidStateError(stored.key + " was changed by someone else after it was read (revision " +
                                std::to_string(revised.revision) + ", now " + std::to_string(stored.revision) +
                                "); get it again and redo the change");

    Experiment next = revised;
    detail::normalize_experiment(next);
    const std::string fixed = "it is part of the experiment's identity";
    require_unchanged(next.id == stored.id, "id", fixed.c_str());
    require_unchanged(next.uuid.empty() || detail::same_name(next.uuid, stored.uuid), "uuid", fixed.c_str());
    require_unchanged(next.key == stored.key, "key", fixed.c_str());
    require_unchanged(next.status == stored.status, "status", "use start, stop or conclude");
    require_unchanged(next.actual_start == stored.actual_start, "actual_start", "it is set by start");
    require_unchanged(next.actual_end == stored.actual_end, "actual_end", "it is set by stop or conclude");
    require_unchanged(next.stop_reason == stored.stop_reason, "stop_reason", "it is set by stop");
    require_unchanged(next.outcome == stored.outcome, "outcome", "it is set by conclude");
    require_unchanged(next.lock_hash == stored.lock_hash, "lock_hash", "it is taken by start");
    require_unchanged(next.locked_at == stored.locked_at, "locked_at", "it is taken by start");
    require_unchanged(next.locked == stored.locked, "locked", "it is the criterion as locked by start");
    require_unchanged(next.amendments == stored.amendments, "amendments",
                      "they are recorded when a locked field is changed with a reason");
    require_unchanged(next.created_at == stored.created_at, "created_at", "it is set by create");
    next.uuid = stored.uuid;

    adopt_ids(next.arms, stored.arms, "arms", stored.key);
    adopt_ids(next.metrics, stored.metrics, "metrics", stored.key);
    detail::validate_experiment(next);
    if (stored.is_locked()) detail::require_complete_test_card(next.test_card);

    if (same_editable_fields(next, stored)) return stored;

    std::vector<Amendment> amendments;
    const Time now = now_utc();
    if (stored.is_locked()) {
        const auto changes = detail::preregistered_changes(stored, next);
        if (!changes.empty()) {
            if (stored.status == Status::concluded)
                throw InvalidStateError(stored.key + " is concluded: its pre-registered parts (" + changes.front().field +
                                        ") can no longer be amended");
            const std::string why = trim(reason);
            if (why.empty())
                throw InvalidStateError(changes.front().field + " of " + stored.key + " is locked since " +
                                        format_date(stored.locked_at->date()) + "; give a reason to amend it");
            check_long_text(why, "reason");
            check_short_text(author, "author");
            amendments.reserve(changes.size());
            for (const auto& change : changes)
                amendments.push_back({now, change.field, change.old_value, change.new_value, why, std::string(author)});
            next.lock_hash = preregistration_hash(next);
        }
    }
    next.updated_at = now;
    store_->save_experiment(next, amendments, std::nullopt, amendments.empty() ? HistoryKind::update : HistoryKind::amend);
    return reread(*store_, next);
}

Experiment Tracker::start(std::string_view key, std::optional<Date> on) {
    Experiment e = load(*store_, key);
    if (e.status != Status::draft) bad_transition(e, "start", "a draft can be started");
    if (on && on->is_special()) throw InvalidArgumentError("on", "not a valid date");
    detail::require_complete_test_card(e.test_card);
    e.actual_start = on.value_or(today_utc());
    detail::validate_experiment(e);
    e.status = Status::running;
    e.locked_at = now_utc();
    e.lock_hash = preregistration_hash(e);
    e.locked = lock_of(e);
    e.updated_at = *e.locked_at;
    store_->save_experiment(e, {}, std::nullopt, HistoryKind::start);
    return reread(*store_, e);
}

Experiment Tracker::stop(std::string_view key, std::string_view reason, std::optional<Date> on, std::string_view author) {
    Experiment e = load(*store_, key);
    if (e.status != Status::draft && e.status != Status::running)
        bad_transition(e, "stop", "a draft or a running experiment can be stopped");
    const std::string why = trim(reason);
    if (why.empty()) throw InvalidArgumentError("reason", "is required: say why the experiment stops");
    check_long_text(why, "reason");
    check_short_text(author, "author");
    if (on && on->is_special()) throw InvalidArgumentError("on", "not a valid date");
    const Date end = on.value_or(today_utc());
    if (e.actual_start && end < *e.actual_start)
        throw InvalidArgumentError("on", "is before the actual start (" + format_date(*e.actual_start) + ")");

    e.status = Status::stopped;
    e.actual_end = end;
    e.stop_reason = why;
    e.updated_at = now_utc();
    // Two writes, as the Store has no single call for both: the state change first, since a note
    // without the stop would be the worse half to be left with.
    store_->save_experiment(e, {}, JournalEntry{0, e.updated_at, std::string(author), "Stopped: " + why},
                            HistoryKind::stop);
    return reread(*store_, e);
}

Experiment Tracker::conclude(std::string_view key, const Outcome& outcome) {
    Experiment e = load(*store_, key);
    if (e.status != Status::running) bad_transition(e, "conclude", "a running experiment can be concluded");
    detail::validate_outcome(outcome);
    // A second verdict needs a second criterion: one amended after the start.
    const bool amended = !criterion_changes(e).empty();
    if (outcome.amended_verdict && !amended)
        throw InvalidArgumentError("outcome.amended_verdict",
                                   "is only for an experiment whose success criterion was amended after the start; " +
                                       e.key + " is judged against its criterion as locked");
    if (outcome.judged_against == Criterion::amended && !outcome.amended_verdict)
        throw InvalidArgumentError("outcome.judged_against",
                                   amended ? "is 'amended', so the verdict against the amended criterion "
                                             "(amended_verdict) is needed"
                                           : "cannot be 'amended': the success criterion of " + e.key +
                                                 " was not amended after the start");
    // Measure customer impact, not how many rocks we dump: an activity count cannot show that a
    // change helped the people served, so it cannot support the hypothesis. Each verdict is
    // checked against the primary metric of its own criterion.
    const Experiment as_started = as_locked(e);
    const Metric& locked_primary = as_started.primary_metric();
    if (outcome.verdict == Verdict::supported && locked_primary.impact == ImpactClass::activity_output)
        throw InvalidArgumentError("outcome.verdict", "cannot be 'supported': the primary metric " +
                                                          locked_primary.name + " counts activity, not customer impact");
    if (outcome.amended_verdict == Verdict::supported && e.primary_metric().impact == ImpactClass::activity_output)
        throw InvalidArgumentError("outcome.amended_verdict",
                                   "cannot be 'supported': the primary metric " + e.primary_metric().name +
                                       " of the amended criterion counts activity, not customer impact");
    Outcome decided = outcome;
    if (decided.decided_on.is_not_a_date()) decided.decided_on = today_utc();
    if (e.actual_start && decided.decided_on < *e.actual_start)
        throw InvalidArgumentError("outcome.decided_on",
                                   "is before the actual start (" + format_date(*e.actual_start) + ")");
    e.status = Status::concluded;
    e.outcome = decided;
    e.actual_end = decided.decided_on;
    e.updated_at = now_utc();
    store_->save_experiment(e, {}, std::nullopt, HistoryKind::conclude);
    return reread(*store_, e);
}

JournalEntry Tracker::add_note(std::string_view key, std::string_view text, std::string_view author, std::optional<Time> at) {
    const Experiment e = load(*store_, key);
    const std::string note = trim(text);
    if (note.empty()) throw InvalidArgumentError("text", "is required");
    check_long_text(note, "text");
    check_short_text(author, "author");
    if (at && at->is_special()) throw InvalidArgumentError("at", "not a valid time");
    return store_->add_journal_entry(e.id, JournalEntry{0, at.value_or(now_utc()), std::string(author), note});
}

std::vector<JournalEntry> Tracker::journal(std::string_view key) const {
    return store_->journal(load(*store_, key).id);
}

namespace {

// Runs a write of observations against the experiment as last read. A kept copy (from an earlier
// call) is written with its revision, which the store confirms inside the write's transaction. Any
// failure of that attempt (the store reporting a newer revision, or a check that the kept copy
// fails, e.g. "it is a draft" after another process started it) is retried once against the
// experiment read afresh, written as a fresh copy always is: with the store checking, inside the
// transaction, the status and that every arm and metric is still the experiment's. So every
// error a caller sees is about the stored state, and a busy experiment cannot starve a writer.
template <class Load, class Forget, class Write>
auto retry_when_stale(Load load, Forget forget, Write write) {
    const auto [experiment, was_kept] = load();
    if (!was_kept) return write(*experiment, false);
    try {
        return write(*experiment, true);
    } catch (const Error&) {
        forget();
        return write(*load().first, false);
    }
}

ObservationTarget target_of(const Experiment& e, const LogOptions& options, bool kept, std::string content_sha256) {
    ObservationTarget target{e.id, accepted_statuses(e, options), kept ? e.revision : 0, {}, std::move(content_sha256),
                             options.idempotency_key};
    if (kept)
        for (const Metric& m : e.metrics)
            if (m.kind == MetricKind::proportion) target.proportion_metric_ids.push_back(m.id);
    return target;
}

void check_idempotency_key(const LogOptions& options) {
    if (options.idempotency_key.empty()) return;
    detail::check_short_text(options.idempotency_key, "idempotency_key");
    if (detail::trim(options.idempotency_key) != options.idempotency_key)
        throw InvalidArgumentError("idempotency_key", "must not begin or end with spaces");
}

}  // namespace

std::pair<const Experiment*, bool> Tracker::for_logging(std::string_view key_or_uuid) {
    const auto found = std::find_if(logging_.begin(), logging_.end(),
                                    [&](const auto& entry) { return entry.first == key_or_uuid; });
    if (found != logging_.end()) {
        std::rotate(found, found + 1, logging_.end());
        return {&logging_.back().second, true};
    }
    // A few experiments are logged to at a time; the least recently used one makes room.
    constexpr std::size_t kept = 8;
    if (logging_.size() == kept) logging_.erase(logging_.begin());
    logging_.emplace_back(std::string(key_or_uuid), load(*store_, key_or_uuid));
    return {&logging_.back().second, false};
}

void Tracker::forget_for_logging(std::string_view key_or_uuid) {
    std::erase_if(logging_, [&](const auto& entry) { return entry.first == key_or_uuid; });
}

WriteResult Tracker::log(std::string_view key, const Observation& observation, const LogOptions& options) {
    check_idempotency_key(options);
    return retry_when_stale([&] { return for_logging(key); }, [&] { forget_for_logging(key); },
                            [&](const Experiment& e, bool kept) {
                                const ObservationRecord record =
                                    make_record(e, observation, std::nullopt, time_rule(e, options));
                                detail::BatchHasher hasher;
                                hasher.add(record);
                                return store_->insert_observations(target_of(e, options, kept, hasher.finish()),
                                                                   std::span<const ObservationRecord>(&record, 1));
                            });
}

WriteResult Tracker::log_many(std::string_view key, std::span<const Observation> observations, const LogOptions& options) {
    check_idempotency_key(options);
    return retry_when_stale(
        [&] { return for_logging(key); }, [&] { forget_for_logging(key); },
        [&](const Experiment& e, bool kept) -> WriteResult {
            std::vector<ObservationRecord> records;
            records.reserve(observations.size());
            const TimeRule rule = time_rule(e, options);
            detail::BatchHasher hasher;
            for (std::size_t i = 0; i < observations.size(); ++i) {
                records.push_back(make_record(e, observations[i], i, rule));
                hasher.add(records.back());
            }
            if (records.empty()) return {};
            return store_->insert_observations(target_of(e, options, kept, hasher.finish()), records);
        });
}

WriteResult Tracker::log_columns(std::string_view key, std::string_view metric_name, const ObservationColumns& columns,
                                 const LogOptions& options) {
    return retry_when_stale([&] { return for_logging(key); }, [&] { forget_for_logging(key); },
                            [&](const Experiment& e, bool kept) {
                                return log_columns_to(e, metric_name, columns, options, kept);
                            });
}

WriteResult Tracker::log_columns_to(const Experiment& e, std::string_view metric_name,
                                    const ObservationColumns& columns, const LogOptions& options, bool kept) {
    const Metric& metric = resolve_metric(e, metric_name, "metric");
    const std::size_t rows = columns.at_us.size();
    const auto check_length = [rows](std::size_t length, const char* field) {
        if (length != rows)
            throw InvalidArgumentError(field, "has " + std::to_string(length) + " rows; at_us has " + std::to_string(rows));
    };
    check_length(columns.values.size(), "values");
    check_length(columns.arm_codes.size(), "arm_codes");
    if (!columns.exposure.empty()) {
        check_length(columns.exposure.size(), "exposure");
        if (metric.kind != MetricKind::count) throw InvalidArgumentError("exposure", "is used only for count metrics");
    }
    std::vector<std::int64_t> arm_ids;
    arm_ids.reserve(columns.arm_names.size());
    for (std::size_t j = 0; j < columns.arm_names.size(); ++j)
        arm_ids.push_back(resolve_arm(e, columns.arm_names[j], "arm_names[" + std::to_string(j) + "]").id);

    // Every row is checked before anything is written; strings are built only for the row at fault.
    // The batch's hash is taken in the same pass.
    check_idempotency_key(options);
    detail::BatchHasher hasher;
    const auto arm_count = static_cast<std::int64_t>(arm_ids.size());
    for (std::size_t i = 0; i < rows; ++i) {
        const std::int32_t code = columns.arm_codes[i];
        if (code < 0 || code >= arm_count)
            throw InvalidArgumentError("arm_codes[" + std::to_string(i) + "]",
                                       std::to_string(code) + " does not index arm_names (" + std::to_string(arm_count) +
                                           " names)");
        if (const char* problem = detail::unit_value_problem(metric.kind, columns.values[i]))
            throw InvalidArgumentError("values[" + std::to_string(i) + "]",
                                       std::string(problem) + ", got " + format_number(columns.values[i]));
        if (!columns.exposure.empty())
            if (const char* problem = detail::exposure_problem(columns.exposure[i]))
                throw InvalidArgumentError("exposure[" + std::to_string(i) + "]",
                                           std::string(problem) + ", got " + format_number(columns.exposure[i]));
        hasher.add_unit(metric.id, arm_ids[static_cast<std::size_t>(code)], columns.at_us[i], columns.values[i],
                        columns.exposure.empty() ? std::nullopt : std::optional<double>(columns.exposure[i]));
    }
    if (const TimeRule rule = time_rule(e, options); rule.needed()) {
        std::vector<const Arm*> arm_of_code;
        for (const std::int64_t id : arm_ids)
            arm_of_code.push_back(&*std::find_if(e.arms.begin(), e.arms.end(), [&](const Arm& a) { return a.id == id; }));
        for (std::size_t i = 0; i < rows; ++i) {
            const Arm& arm = *arm_of_code[static_cast<std::size_t>(columns.arm_codes[i])];
            if (const TimeProblem problem = time_problem(rule, arm.role, columns.at_us[i]); problem != TimeProblem::none)
                time_error(e, problem, "at[" + std::to_string(i) + "]", arm, columns.at_us[i]);
        }
    }
    if (rows == 0) return {};

    ObservationColumnsRecord record;
    record.metric_id = metric.id;
    record.at_us = columns.at_us;
    record.values = columns.values;
    record.arm_codes = columns.arm_codes;
    record.arm_ids = arm_ids;
    record.exposure = columns.exposure;
    return store_->insert_observation_columns(target_of(e, options, kept, hasher.finish()), record);
}

ObservationTable Tracker::observations(std::string_view key, const ObservationQuery& query) const {
    const Experiment e = load(*store_, key);
    const ObservationScan scan = make_scan(e, query);
    ObservationTable table;
    std::vector<std::int64_t> arm_ids;
    for (const auto& arm : e.arms) {
        table.arm_names.push_back(arm.name);
        arm_ids.push_back(arm.id);
    }
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    store_->scan_observations(scan, [&](const ObservationRow& row) {
        const auto found = std::find(arm_ids.begin(), arm_ids.end(), row.arm_id);
        if (found == arm_ids.end())
            throw StorageError("observation " + std::to_string(row.id) + " refers to an arm not in " + e.key, 0);
        const std::size_t index = table.id.size();
        table.id.push_back(row.id);
        table.at_us.push_back(row.at_us);
        table.arm_index.push_back(static_cast<std::int32_t>(found - arm_ids.begin()));
        if (row.is_aggregate) {
            table.value.push_back(nan);
            table.n.push_back(row.n);
            table.sum.push_back(row.sum);
            table.sum_sq.push_back(row.sum_sq);
        } else {
            table.value.push_back(row.value);
            table.n.push_back(0);
            table.sum.push_back(nan);
            table.sum_sq.push_back(nan);
        }
        table.exposure.push_back(row.exposure);
        table.subject.add(index, row.subject);
        table.note.add(index, row.note);
        if (query.include_voided) table.voided.push_back(row.voided ? 1 : 0);
    });
    return table;
}

void Tracker::for_each_observation(std::string_view key, const ObservationQuery& query,
                                   const std::function<void(const ObservationRow&)>& visit) const {
    const Experiment e = load(*store_, key);
    store_->scan_observations(make_scan(e, query), visit);
}

std::vector<ArmSummaryRecord> Tracker::arm_summaries(const Experiment& experiment) const {
    return store_->arm_summaries(experiment.id);
}

std::vector<ArmRowCount> Tracker::count_observations_by_arm(const Experiment& experiment, const Time& from,
                                                           const Time& to) const {
    if (from.is_special()) throw InvalidArgumentError("from", "not a valid time");
    if (to.is_special()) throw InvalidArgumentError("to", "not a valid time");
    return store_->count_observations_by_arm(experiment.id, to_unix_micros(from), to_unix_micros(to));
}

std::int64_t Tracker::count_observations(std::string_view key) const {
    return store_->count_observations(load(*store_, key).id);
}

}  // namespace kokeilu
