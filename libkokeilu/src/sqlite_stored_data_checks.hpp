// What a revised experiment asks of the observations already stored, checked inside the
// transaction that saves it, so that no write of another process can slip in between the check
// and the save: an arm or metric with observations cannot be removed, and a metric's kind cannot
// change to one its stored values contradict (2.5 in a proportion, -1 in a count).
#pragma once

#include "kokeilu/experiment.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <vector>

namespace kokeilu::detail {

// Throws InvalidArgumentError naming the field ("arms[video]", "metrics[score].kind") and the
// observations (their ids, how many, and the first one's problem) when the stored data cannot
// satisfy `revised`. Returns the ids of the metrics whose kind changed to or from proportion:
// their running summaries must be rebuilt once the metrics are saved, because a proportion's
// aggregated rows count as 0/1 outcomes and another kind's do not.
[[nodiscard]] std::vector<std::int64_t> check_stored_data_fits(SQLite::Database& db, const Experiment& revised);

}  // namespace kokeilu::detail
