#include "kokeilu/tracker.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/lifecycle.hpp"
#include "batch_hash.hpp"
#include "experiment_differences.hpp"
#include "key_generation.hpp"
#include "observation_checks.hpp"
#include "preregistration.hpp"
#include "unicode_text.hpp"
#include "validation.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>
#include <utility>
#include <vector>

namespace kokeilu {

namespace {

using detail::check_long_text;
using detail::check_short_text;
using detail::resolve_arm;
using detail::resolve_metric;
using detail::trim;

constexpr std::array<Status, 1> running_only{Status::running};
constexpr std::array<Status, 3> after_start{Status::running, Status::stopped, Status::concluded};

// Which statuses may take observations; the store checks them again inside its transaction, so a
// concurrent stop cannot slip in between.
std::span<const Status> accepted_statuses(const Experiment& e, const LogOptions& options) {
    if (e.status == Status::draft)
        throw InvalidStateError(Message{"lifecycle.log_to_draft", {{"key", e.key}}});
    if (options.backfill) return after_start;
    if (e.status != Status::running)
        throw InvalidStateError(
            Message{"lifecycle.log_not_running", {{"key", e.key}, {"status", std::string(to_string(e.status))}}});
    return running_only;
}

ObservationScan make_scan(const Experiment& e, const ObservationQuery& query) {
    ObservationScan scan;
    scan.metric_id = resolve_metric(e, query.metric, "metric").id;
    scan.summary_only = query.summary_only;
    if (query.include_voided && query.summary_only)
        throw InvalidArgumentError("include_voided", Message{"lifecycle.summary_without_voided", {}});
    scan.include_voided = query.include_voided;
    for (const auto& name : query.arms) scan.arm_ids.push_back(resolve_arm(e, name, "arms").id);
    if (query.from) {
        if (query.from->is_special()) throw InvalidArgumentError("from", Message{"lifecycle.not_a_time", {}});
        scan.from_us = to_unix_micros(*query.from);
    }
    if (query.to) {
        if (query.to->is_special()) throw InvalidArgumentError("to", Message{"lifecycle.not_a_time", {}});
        scan.to_us = to_unix_micros(*query.to);
    }
    return scan;
}

// The lifecycle fields update() leaves alone: they change only through start, stop and conclude.
// code: lifecycle.update_<why>, which says how the field changes instead.
void require_unchanged(bool same, const char* field, const char* code) {
    if (!same) throw InvalidArgumentError(field, Message{code, {}});
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
            throw InvalidArgumentError(field, Message{std::string("lifecycle.not_an_id_of_") + list,
                                                      {{"id", static_cast<std::int64_t>(id)}, {"key", key}}});
        for (std::size_t j = 0; j < i; ++j)
            if (revised[j].id == id)
                throw InvalidArgumentError(
                    field, Message{"lifecycle.id_used_twice", {{"id", static_cast<std::int64_t>(id)}}});
    }
    for (auto& item : revised) {
        if (item.id != 0) continue;
        for (const auto& s : stored) {
            const bool claimed = std::any_of(revised.begin(), revised.end(), [&](const Item& r) { return r.id == s.id; });
            if (!claimed && same_name(s.name, item.name)) {
                item.id = s.id;
                break;
            }
        }
    }
}

// A stored name that normalising would change (one saved before names were kept in NFC) keeps
// its spelling when the revision means the same name: it is locked and hashed as it is.
template <class Item>
void keep_stored_spelling(std::vector<Item>& revised, const std::vector<Item>& stored) {
    for (auto& item : revised)
        for (const auto& s : stored)
            if (item.id != 0 && item.id == s.id && s.name != item.name && detail::normalize_name(s.name) == item.name)
                item.name = s.name;
}

// The stored values of a metric whose valid range was set or narrowed must lie in the new range:
// a range that its own data breaks would refuse nothing from then on and mislead every reader.
void check_stored_values_fit(Store& store, const Metric& revised, const std::string& field) {
    const detail::ValueRule rule = detail::value_rule(revised);
    std::int64_t outside = 0;
    std::string first;
    ObservationScan scan;
    scan.metric_id = revised.id;
    store.scan_observations(scan, [&](const ObservationRow& row) {
        bool fits = true;
        if (row.is_aggregate) {
            const Aggregate aggregate{row.n, row.sum, std::isnan(row.sum_sq) ? std::nullopt : std::optional(row.sum_sq)};
            fits = !detail::aggregate_problem(revised, aggregate);
        } else {
            fits = rule.accepts(row.value);
        }
        if (fits) return;
        if (outside++ == 0)
            first = "observation " + std::to_string(row.id) + " at " + format_time(from_unix_micros(row.at_us)) + ": " +
                    (row.is_aggregate ? "an aggregated row of mean " + detail::format_number(row.sum / static_cast<double>(row.n))
                                      : detail::format_number(row.value));
    });
    if (outside == 0) return;
    // code: lifecycle.stored_value(s)_outside_<the kind of range>, with its bounds as numbers.
    std::string code = outside == 1 ? "lifecycle.stored_value_outside" : "lifecycle.stored_values_outside";
    std::vector<MessageParam> params;
    if (outside != 1) params.push_back({"count", outside});
    if (revised.valid_min && revised.valid_max) {
        code += "_between";
        params.push_back({"min", *revised.valid_min});
        params.push_back({"max", *revised.valid_max});
    } else if (revised.valid_min) {
        code += "_at_least";
        params.push_back({"min", *revised.valid_min});
    } else {
        code += "_at_most";
        params.push_back({"max", revised.valid_max.value_or(0.0)});
    }
    params.push_back({"first", first});
    throw InvalidArgumentError(field, Message{code, std::move(params)});
}

bool same_editable_fields(const Experiment& a, const Experiment& b) {
    return a.title == b.title && a.summary == b.summary && a.organisation == b.organisation && a.unit == b.unit &&
           a.owner == b.owner && a.tags == b.tags && a.purposes == b.purposes && a.planned_start == b.planned_start &&
           a.planned_end == b.planned_end && a.planned_cost_eur == b.planned_cost_eur &&
           a.actual_cost_eur == b.actual_cost_eur && a.planned_effort_hours == b.planned_effort_hours &&
           a.actual_effort_hours == b.actual_effort_hours && a.risk == b.risk && a.test_card == b.test_card &&
           a.design == b.design && a.arms == b.arms && a.metrics == b.metrics &&
           a.links == b.links;
}

}  // namespace

Tracker::Tracker(std::unique_ptr<Store> store) : store_(std::move(store)) {
    if (!store_) throw InvalidArgumentError("store", Message{"lifecycle.required", {}});
    zone_ = TimeZone::load(store_->time_zone(), "time_zone");
}

void Tracker::set_time_zone(std::string_view name) {
    TimeZone zone = TimeZone::load(name, "time_zone");
    store_->set_time_zone(zone.name());
    zone_ = std::move(zone);
}

Tracker Tracker::open(const std::string& path, const SqliteOptions& options) {
    return Tracker(open_sqlite_store(path, options));
}

namespace {

Experiment load(Store& store, std::string_view key_or_uuid) {
    auto found = store.find_experiment(key_or_uuid);
    if (!found) throw NotFoundError(Message{"lifecycle.experiment_not_found", {{"key", std::string(key_or_uuid)}}});
    return std::move(*found);
}

// The experiment as stored after a write, so callers see exactly what a later get() returns.
Experiment reread(Store& store, const Experiment& e) {
    auto found = store.find_experiment(e.uuid);
    if (!found) throw StorageError(Message{"lifecycle.missing_after_save", {{"key", e.key}}}, 0);
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
        const Date year_of = e.planned_start ? *e.planned_start : zone_.today();
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
    detail::require_own(e);
    if (e.status != Status::draft)
        throw InvalidStateError(
            Message{"lifecycle.delete_not_draft", {{"key", e.key}, {"status", std::string(to_string(e.status))}}});
    forget_for_logging(key);
    store_->delete_draft(e.id);
}

Experiment Tracker::get(std::string_view key_or_uuid) const { return load(*store_, key_or_uuid); }

std::vector<Experiment> Tracker::experiments(const ExperimentFilter& filter) const { return store_->list_experiments(filter); }

namespace {

// The UUID a link names: a UUID as given (the experiment may live elsewhere), or the UUID of this
// tracker's experiment of that key.
std::string linked_uuid(Store& store, std::string_view of) {
    const std::string wanted = trim(of);
    if (detail::is_canonical_uuid_form(wanted)) return detail::canonical_uuid(wanted);
    return load(store, wanted).uuid;
}

}  // namespace

Experiment Tracker::link(std::string_view key, LinkKind kind, std::string_view of) {
    Experiment next = load(*store_, key);
    const std::string uuid = linked_uuid(*store_, of);
    const auto found = std::find_if(next.links.begin(), next.links.end(),
                                    [&](const ExperimentLink& l) { return l.of == uuid; });
    if (found == next.links.end()) next.links.push_back({kind, uuid});
    else found->kind = kind;
    return update(next);
}

Experiment Tracker::unlink(std::string_view key, std::string_view of) {
    Experiment next = load(*store_, key);
    const std::string uuid = linked_uuid(*store_, of);
    const auto gone = std::erase_if(next.links, [&](const ExperimentLink& l) { return l.of == uuid; });
    if (gone == 0)
        throw NotFoundError(Message{"lifecycle.link_not_found", {{"key", next.key}, {"of", std::string(trim(of))}}});
    return update(next);
}

std::vector<Experiment> Tracker::search(const ExperimentSearch& search) const {
    // Quotes, operators, NULs and control characters are all words or spaces to the store; only
    // bytes that are no text at all, and a text longer than any field it could match, are refused.
    if (!detail::is_valid_utf8(search.text)) throw InvalidArgumentError("text", Message{"input.text_not_utf8"});
    if (search.text.size() > detail::long_text_limit)
        throw InvalidArgumentError("text", Message{"input.text_too_long",
                                                   {{"bytes", static_cast<std::int64_t>(search.text.size())},
                                                    {"limit", static_cast<std::int64_t>(detail::long_text_limit)}}});
    ExperimentSearch normalized = search;
    // Names as they are kept, so that one typed with spaces around it or in another Unicode form
    // matches, and one of spaces alone is no criterion.
    for (std::string* name : {&normalized.unit, &normalized.metric, &normalized.organisation}) {
        if (!detail::is_valid_utf8(*name)) continue;  // compared as given: it matches nothing stored
        *name = detail::normalize_name(*name);
    }
    return store_->search_experiments(normalized);
}

Experiment Tracker::update(const Experiment& revised, std::string_view reason, std::string_view author) {
    const std::string wanted = trim(!revised.uuid.empty() ? revised.uuid : revised.key);
    if (wanted.empty()) throw InvalidArgumentError("uuid", Message{"lifecycle.update_needs_uuid", {}});
    const Experiment stored = load(*store_, wanted);
    detail::require_own(stored);

    // A stale copy first: its lifecycle fields may differ only because someone else moved on.
    if (revised.revision != stored.revision)
        throw InvalidStateError(Message{"lifecycle.changed_since_read", {{"key", stored.key},
                                                                         {"revision", revised.revision},
                                                                         {"stored_revision", stored.revision}}});

    Experiment next = revised;
    detail::normalize_experiment(next);
    const char* fixed = "lifecycle.update_identity";
    require_unchanged(next.id == stored.id, "id", fixed);
    require_unchanged(next.uuid.empty() || same_name(next.uuid, stored.uuid), "uuid", fixed);
    require_unchanged(next.key == stored.key, "key", fixed);
    require_unchanged(next.status == stored.status, "status", "lifecycle.update_status");
    require_unchanged(next.actual_start == stored.actual_start, "actual_start", "lifecycle.update_set_by_start");
    require_unchanged(next.actual_end == stored.actual_end, "actual_end", "lifecycle.update_set_by_stop_or_conclude");
    require_unchanged(next.stop_reason == stored.stop_reason, "stop_reason", "lifecycle.update_set_by_stop");
    require_unchanged(next.outcome == stored.outcome, "outcome", "lifecycle.update_set_by_conclude");
    require_unchanged(next.lock_hash == stored.lock_hash, "lock_hash", "lifecycle.update_taken_by_start");
    require_unchanged(next.locked_at == stored.locked_at, "locked_at", "lifecycle.update_taken_by_start");
    require_unchanged(next.locked == stored.locked, "locked", "lifecycle.update_locked_criterion");
    require_unchanged(next.amendments == stored.amendments, "amendments", "lifecycle.update_amendments");
    require_unchanged(next.created_at == stored.created_at, "created_at", "lifecycle.update_set_by_create");
    next.uuid = stored.uuid;

    adopt_ids(next.arms, stored.arms, "arms", stored.key);
    adopt_ids(next.metrics, stored.metrics, "metrics", stored.key);
    keep_stored_spelling(next.arms, stored.arms);
    keep_stored_spelling(next.metrics, stored.metrics);
    detail::validate_experiment(next);
    if (stored.is_locked()) detail::require_complete_test_card(next.test_card);
    if (stored.status != Status::draft)
        for (std::size_t i = 0; i < next.metrics.size(); ++i) {
            const Metric& m = next.metrics[i];
            const auto before = std::find_if(stored.metrics.begin(), stored.metrics.end(),
                                             [&](const Metric& s) { return s.id != 0 && s.id == m.id; });
            if (before != stored.metrics.end() && (before->valid_min != m.valid_min || before->valid_max != m.valid_max))
                check_stored_values_fit(*store_, m, detail::metric_field(m, i) + (m.valid_min != before->valid_min ? ".valid_min" : ".valid_max"));
        }

    if (same_editable_fields(next, stored)) return stored;

    std::vector<Amendment> amendments;
    const Time now = now_utc();
    if (stored.is_locked()) {
        const auto changes = detail::preregistered_changes(stored, next);
        if (!changes.empty()) {
            if (stored.status == Status::concluded)
                throw InvalidStateError(
                    Message{"lifecycle.concluded_not_amendable",
                            {{"key", stored.key}, {"field", changes.front().field}}});
            const std::string why = trim(reason);
            // Zero-width and no-break spaces alone are no reason either.
            if (!detail::has_visible_character(why))
                throw InvalidStateError(Message{"lifecycle.amend_needs_reason",
                                                {{"field", changes.front().field},
                                                 {"key", stored.key},
                                                 {"locked_on", format_date(stored.locked_at->date())}}});
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
    detail::require_own(e);
    require_step(e, LifecycleStep::start);
    if (on && on->is_special()) throw InvalidArgumentError("on", Message{"lifecycle.not_a_date", {}});
    detail::require_complete_test_card(e.test_card);
    e.actual_start = on.value_or(zone_.today());
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
    detail::require_own(e);
    require_step(e, LifecycleStep::stop);
    const std::string why = trim(reason);
    detail::check_reason(why, "reason", detail::ReasonFor::stop);
    check_short_text(author, "author");
    if (on && on->is_special()) throw InvalidArgumentError("on", Message{"lifecycle.not_a_date", {}});
    const Date end = on.value_or(zone_.today());
    if (e.actual_start && end < *e.actual_start)
        throw InvalidArgumentError("on",
                                   Message{"lifecycle.before_actual_start", {{"start", format_date(*e.actual_start)}}});

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
    detail::require_own(e);
    require_step(e, LifecycleStep::conclude);
    detail::validate_outcome(outcome);
    // A second verdict needs a second criterion: one amended after the start.
    const bool amended = !criterion_changes(e).empty();
    if (outcome.amended_verdict && !amended)
        throw InvalidArgumentError("outcome.amended_verdict",
                                   Message{"lifecycle.amended_verdict_unamended", {{"key", e.key}}});
    if (outcome.judged_against == Criterion::amended && !outcome.amended_verdict)
        throw InvalidArgumentError("outcome.judged_against",
                                   amended ? Message{"lifecycle.judged_against_needs_verdict", {}}
                                           : Message{"lifecycle.judged_against_unamended", {{"key", e.key}}});
    // Measure customer impact, not how many rocks we dump: an activity count cannot show that a
    // change helped the people served, so it cannot support the hypothesis. Each verdict is
    // checked against the primary metric of its own criterion.
    const Experiment as_started = as_locked(e);
    const Metric& locked_primary = as_started.primary_metric();
    if (outcome.verdict == Verdict::supported && locked_primary.impact == ImpactClass::activity_output)
        throw InvalidArgumentError("outcome.verdict",
                                   Message{"lifecycle.activity_not_supported", {{"metric", shown_name(locked_primary)}}});
    if (outcome.amended_verdict == Verdict::supported && e.primary_metric().impact == ImpactClass::activity_output)
        throw InvalidArgumentError("outcome.amended_verdict", Message{"lifecycle.amended_activity_not_supported",
                                                                      {{"metric", shown_name(e.primary_metric())}}});
    Outcome decided = outcome;
    if (decided.decided_on.is_not_a_date()) decided.decided_on = zone_.today();
    // A scaled-up change is followed up to see whether it lasts, unless the team says otherwise.
    if (!decided.follow_up_months && decided.decision == Decision::scale_up)
        decided.follow_up_months.emplace(default_follow_up_months.begin(), default_follow_up_months.end());
    if (decided.follow_up_months && decided.follow_up_months->empty()) decided.follow_up_months.reset();
    if (e.actual_start && decided.decided_on < *e.actual_start)
        throw InvalidArgumentError("outcome.decided_on",
                                   Message{"lifecycle.before_actual_start", {{"start", format_date(*e.actual_start)}}});
    e.status = Status::concluded;
    e.outcome = decided;
    e.actual_end = decided.decided_on;
    e.updated_at = now_utc();
    store_->save_experiment(e, {}, std::nullopt, HistoryKind::conclude);
    return reread(*store_, e);
}

JournalEntry Tracker::note(std::string_view key, std::string_view text, std::string_view author, std::optional<Time> at) {
    const Experiment e = load(*store_, key);
    detail::require_own(e);
    const std::string note = trim(text);
    detail::check_reason(note, "text", detail::ReasonFor::note);
    check_short_text(author, "author");
    if (at && at->is_special()) throw InvalidArgumentError("at", Message{"lifecycle.not_a_time", {}});
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
        throw InvalidArgumentError("idempotency_key", Message{"lifecycle.idempotency_key_spaces", {}});
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
    Experiment e = load(*store_, key_or_uuid);
    detail::require_own(e);
    if (logging_.size() == kept) logging_.erase(logging_.begin());
    logging_.emplace_back(std::string(key_or_uuid), std::move(e));
    return {&logging_.back().second, false};
}

void Tracker::forget_for_logging(std::string_view key_or_uuid) {
    std::erase_if(logging_, [&](const auto& entry) { return entry.first == key_or_uuid; });
}

WriteResult Tracker::log(std::string_view key, const Observation& observation, const LogOptions& options) {
    check_idempotency_key(options);
    const std::int64_t now = now_unix_micros();
    return retry_when_stale([&] { return for_logging(key); }, [&] { forget_for_logging(key); },
                            [&](const Experiment& e, bool kept) {
                                detail::CountTotals totals;
                                const ObservationRecord record = detail::check_observation(
                                    e, observation, detail::time_window(e, options, zone_, now), std::nullopt, totals);
                                detail::BatchHasher hasher;
                                hasher.add(record);
                                return store_->insert_observations(target_of(e, options, kept, hasher.finish()),
                                                                   std::span<const ObservationRecord>(&record, 1));
                            });
}

WriteResult Tracker::log_many(std::string_view key, std::span<const Observation> observations, const LogOptions& options) {
    check_idempotency_key(options);
    const std::int64_t now = now_unix_micros();
    return retry_when_stale(
        [&] { return for_logging(key); }, [&] { forget_for_logging(key); },
        [&](const Experiment& e, bool kept) -> WriteResult {
            const detail::TimeWindow window = detail::time_window(e, options, zone_, now);
            detail::CountTotals totals;
            detail::BatchHasher hasher;
            std::vector<ObservationRecord> records;
            records.reserve(observations.size());
            for (std::size_t i = 0; i < observations.size(); ++i) {
                records.push_back(detail::check_observation(e, observations[i], window, i, totals));
                hasher.add(records.back());
            }
            if (records.empty()) return {};
            return store_->insert_observations(target_of(e, options, kept, hasher.finish()), records);
        });
}

WriteResult Tracker::log_columns(std::string_view key, std::string_view metric_name, const ObservationColumns& columns,
                                 const LogOptions& options) {
    const std::int64_t now = now_unix_micros();
    return retry_when_stale([&] { return for_logging(key); }, [&] { forget_for_logging(key); },
                            [&](const Experiment& e, bool kept) {
                                return log_columns_to(e, metric_name, columns, options, now, kept);
                            });
}

WriteResult Tracker::log_columns_to(const Experiment& e, std::string_view metric_name,
                                    const ObservationColumns& columns, const LogOptions& options, std::int64_t now,
                                    bool kept) {
    check_idempotency_key(options);
    const Metric& metric = resolve_metric(e, metric_name, "metric");
    detail::ProblemSink first_problem;
    const std::vector<std::int64_t> arm_ids =
        detail::check_unit_columns(e, metric, columns, detail::time_window(e, options, zone_, now), first_problem);
    if (columns.values.empty()) return {};
    // Rows with pre-period values go as records: the column write's fast statement has no place
    // for them, and such metrics are adjusted by subject, where the row counts are modest.
    if (!columns.covariate.empty()) {
        detail::BatchHasher hasher;
        std::vector<ObservationRecord> records(columns.values.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
            ObservationRecord& r = records[i];
            r.metric_id = metric.id;
            r.arm_id = columns.arm_codes.empty() ? arm_ids.front() : arm_ids[static_cast<std::size_t>(columns.arm_codes[i])];
            r.at_us = columns.at_us[i];
            r.value = columns.values[i];
            if (!columns.exposure.empty()) r.exposure = columns.exposure[i];
            r.covariate = columns.covariate[i];
            hasher.add(r);
        }
        return store_->insert_observations(target_of(e, options, kept, hasher.finish()), records);
    }
    // The batch's hash, after the checks: only rows that will be written are hashed.
    detail::BatchHasher hasher;
    const bool has_exposure = !columns.exposure.empty();
    for (std::size_t i = 0; i < columns.values.size(); ++i) {
        const std::int64_t arm_id = columns.arm_codes.empty() ? arm_ids.front()
                                                              : arm_ids[static_cast<std::size_t>(columns.arm_codes[i])];
        hasher.add_unit(metric.id, arm_id, columns.at_us[i],
                        columns.values[i], has_exposure ? std::optional<double>(columns.exposure[i]) : std::nullopt);
    }

    ObservationColumnsRecord record;
    record.metric_id = metric.id;
    record.at_us = columns.at_us;
    record.values = columns.values;
    // One arm for every row: the store takes codes, so they are made here (all 0).
    std::vector<std::int32_t> shared_codes;
    if (columns.arm_codes.empty()) shared_codes.assign(columns.values.size(), 0);
    record.arm_codes = columns.arm_codes.empty() ? std::span<const std::int32_t>(shared_codes) : columns.arm_codes;
    record.arm_ids = arm_ids;
    record.exposure = columns.exposure;
    return store_->insert_observation_columns(target_of(e, options, kept, hasher.finish()), record);
}

WriteResult Tracker::log_aggregate_columns(std::string_view key, std::string_view metric_name,
                                           const AggregateColumns& columns, const LogOptions& options) {
    check_idempotency_key(options);
    const std::int64_t now = now_unix_micros();
    return retry_when_stale(
        [&] { return for_logging(key); }, [&] { forget_for_logging(key); },
        [&](const Experiment& e, bool kept) -> WriteResult {
            const Metric& metric = resolve_metric(e, metric_name, "metric");
            detail::ProblemSink first_problem;
            const std::vector<ObservationRecord> records = detail::check_aggregate_columns(
                e, metric, columns, detail::time_window(e, options, zone_, now), first_problem);
            if (records.empty()) return {};
            detail::BatchHasher hasher;
            for (const ObservationRecord& record : records) hasher.add(record);
            return store_->insert_observations(target_of(e, options, kept, hasher.finish()), records);
        });
}

InputProblems Tracker::check_columns(std::string_view key, std::string_view metric_name,
                                     const ObservationColumns& columns, const LogOptions& options, std::size_t limit) {
    const Experiment e = load(*store_, key);
    (void)accepted_statuses(e, options);
    const Metric& metric = resolve_metric(e, metric_name, "metric");
    detail::ProblemSink sink(std::max<std::size_t>(limit, 1));
    (void)detail::check_unit_columns(e, metric, columns, detail::time_window(e, options, zone_, now_unix_micros()), sink);
    return sink.take();
}

InputProblems Tracker::check_aggregate_columns(std::string_view key, std::string_view metric_name,
                                               const AggregateColumns& columns, const LogOptions& options,
                                               std::size_t limit) {
    const Experiment e = load(*store_, key);
    (void)accepted_statuses(e, options);
    const Metric& metric = resolve_metric(e, metric_name, "metric");
    detail::ProblemSink sink(std::max<std::size_t>(limit, 1));
    (void)detail::check_aggregate_columns(e, metric, columns, detail::time_window(e, options, zone_, now_unix_micros()), sink);
    return sink.take();
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
            throw StorageError(Message{"lifecycle.stored_arm_unknown", {{"id", row.id}, {"key", e.key}}}, 0);
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
        table.covariate.push_back(row.covariate);
        if (query.include_voided) table.voided.push_back(row.voided ? 1 : 0);
    });
    // The pre-period values are a column of the metrics that name one (or of rows that have one,
    // logged before the metric's was amended away); other tables keep their columns as they were.
    const Metric& metric = query.metric.empty() ? e.primary_metric() : e.metric(query.metric);
    if (metric.covariate.empty() &&
        std::none_of(table.covariate.begin(), table.covariate.end(), [](double x) { return !std::isnan(x); }))
        table.covariate.clear();
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
    if (from.is_special()) throw InvalidArgumentError("from", Message{"lifecycle.not_a_time", {}});
    if (to.is_special()) throw InvalidArgumentError("to", Message{"lifecycle.not_a_time", {}});
    return store_->count_observations_by_arm(experiment.id, to_unix_micros(from), to_unix_micros(to));
}

std::int64_t Tracker::count_observations(std::string_view key) const {
    return store_->count_observations(load(*store_, key).id);
}

}  // namespace kokeilu
