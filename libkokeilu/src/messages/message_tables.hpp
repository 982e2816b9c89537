// The English templates of the core's message codes, one table per area of the library so that
// each area keeps its texts beside its rules. message.cpp joins them into message_templates().
#pragma once

#include "kokeilu/message.hpp"

#include <span>

namespace kokeilu::detail {

// Caller input: names, texts, numbers, times, observation rows and bulk writes.
[[nodiscard]] std::span<const MessageTemplate> input_message_templates();
// The experiment's life: states, the Test Card and its lock, amendments, voids, look-ups.
[[nodiscard]] std::span<const MessageTemplate> lifecycle_message_templates();
// The tracker file and the store: opening, locking, schema, history and verification.
[[nodiscard]] std::span<const MessageTemplate> store_message_templates();
// Sharing: privacy levels, the smallest published cell, the organisation's secret, the ledger.
[[nodiscard]] std::span<const MessageTemplate> privacy_message_templates();
// The statistics: their argument checks, the analysis' warnings and statuses, the verdict.
[[nodiscard]] std::span<const MessageTemplate> stats_message_templates();
// Sharing: bundles of experiments between trackers.
[[nodiscard]] std::span<const MessageTemplate> sharing_message_templates();

}  // namespace kokeilu::detail
