// Streaming the observations of one metric out of the file, in time order: for the summaries of
// an analysis as it stood at a time, and for reading the rows back. Millions of rows pass here, so
// the statement is driven through the SQLite C API and selects only the columns the rows need.
#pragma once

#include "kokeilu/observation.hpp"
#include "kokeilu/store.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <functional>
#include <optional>

namespace kokeilu::detail {

// Store::scan_observations of the SQLite store. Memory does not grow with the row count.
void scan_observations(SQLite::Database& db, const ObservationScan& scan,
                       const std::function<void(const ObservationRow&)>& visit);

// Every row, counted and voided, in id order (of one experiment, or of the whole file), with all
// it holds: for verification and for the batch a migration makes of the rows already there.
void scan_stored_observations(SQLite::Database& db, std::optional<std::int64_t> experiment_id,
                              const std::function<void(const StoredObservation&)>& visit);

}  // namespace kokeilu::detail
