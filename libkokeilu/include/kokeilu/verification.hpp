// Verifying a tracker file against its history: the chain of entries, each experiment's stored
// state against the last entry that recorded it (the Test Card against its lock hash), every batch of
// observations against its recorded SHA-256, the voids, the journal, and the running summaries
// against the rows. See Tracker::verify and Tracker::quick_check.
#pragma once

#include "kokeilu/history.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kokeilu {

// One difference between the file and its history.
struct VerificationProblem {
    std::string experiment{};           // its key (its UUID once it is gone); empty for the log itself
    std::string field{};                // what differs, e.g. "test_card.right_if", "batch 12", "history[7]"
    std::optional<std::int64_t> row{};  // the observation, journal note or history entry concerned
    std::string problem{};              // in English, e.g. "stored 'x', recorded 'y'"

    bool operator==(const VerificationProblem&) const = default;
};

struct VerificationReport {
    std::vector<VerificationProblem> problems{};
    Checkpoint checkpoint{};        // of the log as verified
    HistoryLog log{};               // how it began (from_schema > 0: at a migration)
    std::int64_t experiments = 0;   // experiments checked
    std::int64_t batches = 0;       // batches checked
    std::int64_t observations = 0;  // rows checked (counted and voided)

    [[nodiscard]] bool ok() const noexcept { return problems.empty(); }
};

struct VerifyOptions {
    // A checkpoint taken earlier: the first `size` entries must still hash to its root (the log only
    // grew since). A checkpoint of another file is refused.
    std::optional<Checkpoint> since{};
};

}  // namespace kokeilu
