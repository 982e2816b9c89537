// Tracker::import_experiments: experiments another tracker exported, checked whole before the
// store merges them. An imported experiment must be one that kokeilu could have made: its record
// reads back exactly, its fields pass the rules create() applies, its lifecycle holds together
// (a started experiment is locked, its lock hash is the hash of what it pre-registered), and every
// row passes the rules of every other door (observation_checks.hpp).
#include "kokeilu/tracker.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/experiment_record.hpp"
#include "batch_hash.hpp"
#include "key_generation.hpp"
#include "observation_checks.hpp"
#include "sha256.hpp"
#include "validation.hpp"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <set>
#include <string>
#include <vector>

namespace kokeilu {

namespace {

// Runs f, naming the field of any InvalidArgumentError it throws inside `where`.
template <class F>
auto inside(const std::string& where, F f) {
    try {
        return f();
    } catch (const InvalidArgumentError& error) {
        throw InvalidArgumentError(where + "." + error.field(), error.message());
    }
}

std::string experiment_field(std::size_t i) { return "experiments[" + std::to_string(i) + "]"; }

bool is_hex(std::string_view text, std::size_t size) {
    if (text.size() != size) return false;
    for (const char c : text)
        if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
    return true;
}

void check_lifecycle(const Experiment& e) {
    // A draft may be stopped before it starts: only what started was locked.
    const bool started = e.status == Status::running || e.status == Status::concluded ||
                         (e.status == Status::stopped && e.actual_start);
    if (started && (!e.actual_start || !e.is_locked() || !e.locked))
        throw InvalidArgumentError("record.locked_at", Message{"bundle.not_locked", {{"status", std::string(to_string(e.status))}}});
    if (e.is_locked() && e.lock_hash != preregistration_hash(e))
        throw InvalidArgumentError("record.lock_hash", Message{"bundle.lock_hash_mismatch", {}});
    if (e.status == Status::concluded) {
        if (!e.outcome) throw InvalidArgumentError("record.outcome", Message{"bundle.no_outcome", {}});
        detail::validate_outcome(*e.outcome);
    }
}

// The SHA-256 of what is imported, to tell a repeat: the record, the journal and the rows.
std::string content_hash(const std::string& record, const std::vector<JournalEntry>& journal,
                         const std::string& rows_sha256) {
    detail::Sha256 hash;
    std::string field;
    const auto put = [&](std::string_view text) {
        field.clear();
        detail::append_u64(field, text.size());
        hash.update(field);
        hash.update(text);
    };
    put(record);
    for (const JournalEntry& note : journal) {
        put(std::to_string(to_unix_micros(note.at)));
        put(note.author);
        put(note.text);
    }
    put(rows_sha256);
    return detail::to_hex(hash.finish());
}

// The incoming experiment as the store takes it, its record and fields checked; its rows are
// checked as the store reads them (checked_rows).
ImportItem checked_item(const IncomingExperiment& in, std::int64_t now_us) {
    ImportItem item;
    item.record = in.record;
    Experiment e = experiment_from_record(in.record);
    if (experiment_record(e) != in.record) throw InvalidArgumentError("record", Message{"bundle.record_form", {}});
    if (!detail::is_canonical_uuid_form(e.uuid))
        throw InvalidArgumentError("record.uuid", Message{"bundle.record_field", {{"value", e.uuid.substr(0, 64)}}});
    detail::check_key(e.key);
    detail::validate_experiment(e);
    check_lifecycle(e);
    // The rows name arms and metrics by name; the store maps these positions to its ids.
    for (std::size_t i = 0; i < e.arms.size(); ++i) e.arms[i].id = static_cast<std::int64_t>(i) + 1;
    for (std::size_t i = 0; i < e.metrics.size(); ++i) e.metrics[i].id = static_cast<std::int64_t>(i) + 1;

    for (std::size_t i = 0; i < in.journal.size(); ++i) {
        const JournalEntry& note = in.journal[i];
        const std::string at = "journal[" + std::to_string(i) + "]";
        if (note.at.is_special()) throw InvalidArgumentError(at + ".at", Message{"lifecycle.not_a_time", {}});
        detail::check_reason(note.text, at + ".text", detail::ReasonFor::note);
        detail::check_short_text(note.author, at + ".author");
    }
    item.journal = in.journal;

    detail::check_required_short_text(in.origin.organisation, "origin.organisation");
    detail::check_short_text(in.origin.exporter, "origin.exporter");
    if (!is_hex(in.origin.log_id, 32))
        throw InvalidArgumentError("origin.log_id", Message{"bundle.record_field", {{"value", in.origin.log_id.substr(0, 64)}}});
    if (!in.origin.checkpoint.empty()) {
        const Checkpoint checkpoint = inside("origin", [&] { return Checkpoint::parse(in.origin.checkpoint); });
        if (checkpoint.log_id != in.origin.log_id)
            throw InvalidArgumentError("origin.checkpoint", Message{"bundle.checkpoint", {}});
    }
    if (!in.origin.privacy.empty() && in.origin.privacy != "cards" && in.origin.privacy != "aggregate" &&
        in.origin.privacy != "units")
        throw InvalidArgumentError("origin.privacy",
                                   Message{"bundle.record_field", {{"value", in.origin.privacy.substr(0, 64)}}});
    if (!in.origin.bundle_id.empty() && !is_hex(in.origin.bundle_id, 64))
        throw InvalidArgumentError("origin.bundle_id",
                                   Message{"bundle.record_field", {{"value", in.origin.bundle_id.substr(0, 64)}}});
    item.origin = in.origin;
    item.origin.imported_at = from_unix_micros(now_us);
    item.experiment = std::move(e);
    return item;
}

// Reads the experiment's rows (its own, then the source's), each checked by the rules of every
// other door (observation_checks.hpp) and given to visit; returns the content hash. A row's
// problem is named inside `where`; the source's own (a damaged bundle) as the source names it.
std::string checked_rows(const std::string& where, const ImportItem& item, const IncomingExperiment& in,
                         IncomingRows* source, const TimeZone& zone, std::int64_t now_us,
                         const ImportItem::RowVisitor& visit) {
    const Experiment& e = item.experiment;
    // Rows arrive after the fact and from another clock: the start and today do not bound them,
    // the rest of the rules do.
    LogOptions options;
    options.backfill = true;
    options.allow_future = true;
    const detail::TimeWindow window = detail::time_window(e, options, zone, now_us);
    detail::CountTotals totals;
    detail::BatchHasher hasher;
    std::size_t index = 0;
    const auto take = [&](const Observation& o) {
        const ObservationRecord row = inside(where, [&] {
            if (e.status == Status::draft)
                throw InvalidArgumentError("observations", Message{"bundle.rows_of_draft", {}});
            return detail::check_observation(e, o, window, index++, totals);
        });
        hasher.add(row);
        visit(row);
    };
    for (const Observation& o : in.observations) take(o);
    if (source != nullptr) source->rows_of(e.uuid, take);
    return content_hash(in.record, in.journal, detail::to_hex(hasher.finish()));
}

}  // namespace

std::string_view to_string(ImportAction action) {
    switch (action) {
        case ImportAction::added: return "added";
        case ImportAction::updated: return "updated";
        case ImportAction::unchanged: return "unchanged";
        case ImportAction::conflict: return "conflict";
    }
    return "unchanged";
}

std::vector<ImportedExperiment> Tracker::import_experiments(std::span<const IncomingExperiment> incoming,
                                                            IncomingRows* rows) {
    const std::int64_t now_us = now_unix_micros();
    std::vector<ImportItem> checked;
    checked.reserve(incoming.size());
    std::set<std::string> uuids;
    for (std::size_t i = 0; i < incoming.size(); ++i) {
        checked.push_back(inside(experiment_field(i), [&] { return checked_item(incoming[i], now_us); }));
        if (!uuids.insert(checked.back().experiment.uuid).second)
            throw InvalidArgumentError(experiment_field(i) + ".record.uuid",
                                       Message{"bundle.duplicate_experiment", {{"uuid", checked.back().experiment.uuid}}});
    }
    if (checked.empty()) {
        if (rows != nullptr) rows->finish();
        return {};
    }
    // The store merges in the order the source gives the rows: by UUID.
    std::vector<std::size_t> order(checked.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::ranges::sort(order, {}, [&](std::size_t i) -> const std::string& { return checked[i].experiment.uuid; });
    std::vector<ImportItem> items;
    items.reserve(checked.size());
    for (const std::size_t i : order) {
        items.push_back(std::move(checked[i]));
        const ImportItem& item = items.back();
        items.back().read_rows = [this, &item, &in = incoming[i], i, rows, now_us](const ImportItem::RowVisitor& visit) {
            return checked_rows(experiment_field(i), item, in, rows, zone_, now_us, visit);
        };
    }
    std::vector<ImportedExperiment> merged;
    try {
        merged = store_->import_experiments(items, [rows] {
            if (rows != nullptr) rows->finish();
        });
    } catch (const InvalidArgumentError&) {
        if (rows != nullptr) rows->check_whole();
        throw;
    }
    // Copies replaced here may be among those kept for logging (which refuses them anyway).
    logging_.clear();
    std::vector<ImportedExperiment> out(merged.size());
    for (std::size_t k = 0; k < order.size(); ++k) out[order[k]] = std::move(merged[k]);
    return out;
}

}  // namespace kokeilu
