// The Tracker's side of the history: voids, the log's entries, checkpoints and verification.
#include "kokeilu/tracker.hpp"

#include "kokeilu/error.hpp"
#include "validation.hpp"
#include "verification.hpp"

#include <algorithm>

namespace kokeilu {

namespace {

Experiment load_experiment(Store& store, std::string_view key_or_uuid) {
    auto found = store.find_experiment(key_or_uuid);
    if (!found) throw NotFoundError(Message{"lifecycle.experiment_not_found", {{"key", std::string(key_or_uuid)}}});
    return std::move(*found);
}

}  // namespace

VoidRecord Tracker::void_observations(std::string_view key, const VoidRequest& request) {
    const Experiment e = load_experiment(*store_, key);
    detail::require_own(e);
    VoidRequest checked = request;
    checked.reason = detail::trim(request.reason);
    if (checked.reason.empty()) throw InvalidArgumentError("reason", Message{"lifecycle.void_reason_required", {}});
    detail::check_long_text(checked.reason, "reason");
    detail::check_short_text(checked.author, "author");
    if (request.batch < 0) throw InvalidArgumentError("batch", Message{"lifecycle.not_a_batch_id", {}});
    if ((request.batch != 0) == !request.observation_ids.empty())
        throw InvalidArgumentError("observation_ids", Message{request.batch != 0 ? "lifecycle.void_ids_and_batch"
                                                                                 : "lifecycle.void_ids_required",
                                                              {}});
    for (std::size_t i = 0; i < request.observation_ids.size(); ++i)
        if (request.observation_ids[i] <= 0)
            throw InvalidArgumentError("observation_ids[" + std::to_string(i) + "]",
                                       Message{"lifecycle.not_an_observation_id", {{"id", request.observation_ids[i]}}});
    if (e.status == Status::draft) throw InvalidStateError(Message{"lifecycle.void_draft", {{"key", e.key}}});
    // The summaries change under any copy kept for logging; it is read again on the next write.
    forget_for_logging(key);
    return store_->void_observations(e.id, checked, now_utc());
}

std::vector<VoidRecord> Tracker::voids(std::string_view key) const {
    return store_->voids(load_experiment(*store_, key).id);
}

std::vector<HistoryEntry> Tracker::history(std::optional<std::string_view> key) const {
    std::optional<std::int64_t> id;
    if (key) id = load_experiment(*store_, *key).id;
    std::vector<HistoryEntry> out;
    store_->scan_history(id, [&](const HistoryEntry& entry) { out.push_back(entry); });
    return out;
}

HistoryLog Tracker::history_log() const { return store_->history_log(); }

Checkpoint Tracker::checkpoint() const { return detail::current_checkpoint(*store_); }

VerificationReport Tracker::verify(const VerifyOptions& options) const { return detail::verify_store(*store_, options); }

std::vector<VerificationProblem> Tracker::quick_check(std::string_view key) const {
    return detail::quick_check(*store_, load_experiment(*store_, key));
}

}  // namespace kokeilu
