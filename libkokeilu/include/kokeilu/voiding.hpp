// Voiding observations: a wrong value (a typo, a test row, a write made twice) is never deleted from
// a started experiment. It is voided with a reason and an author: it stays in the file, readable and
// listed in the history, and every summary, scan and analysis leaves it out from then on.
#pragma once

#include "kokeilu/time.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace kokeilu {

// What to void: the observations with these ids, or every row of one batch (one write).
struct VoidRequest {
    std::vector<std::int64_t> observation_ids{};
    std::int64_t batch = 0;  // 0: none; give either ids or a batch
    std::string reason{};    // required
    std::string author{};
};

// One void as stored.
struct VoidRecord {
    std::int64_t id = 0;
    std::int64_t experiment_id = 0;
    std::int64_t history_index = 0;  // its entry in the history
    Time at{};
    std::int64_t batch = 0;                       // the batch voided whole, or 0
    std::vector<std::int64_t> observation_ids{};  // ascending
    std::string reason{};
    std::string author{};
};

// What a write of observations did.
struct WriteResult {
    std::size_t rows = 0;    // rows written: 0 when the write repeated an earlier one
    std::int64_t batch = 0;  // the batch (of the earlier write, for a repeat)
    bool repeated = false;   // its idempotency key had been used with the same content: nothing written

    bool operator==(const WriteResult&) const = default;
};

}  // namespace kokeilu
