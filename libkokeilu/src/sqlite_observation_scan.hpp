// Streaming the observations of one metric out of the file, in time order: for the summaries of
// an analysis as it stood at a time, and for reading the rows back. Millions of rows pass here, so
// the statement is driven through the SQLite C API and selects only the columns the rows need.
#pragma once

#include "kokeilu/observation.hpp"
#include "kokeilu/store.hpp"

#include <SQLiteCpp/Database.h>

#include <functional>

namespace kokeilu::detail {

// Store::scan_observations of the SQLite store. Memory does not grow with the row count.
void scan_observations(SQLite::Database& db, const ObservationScan& scan,
                       const std::function<void(const ObservationRow&)>& visit);

}  // namespace kokeilu::detail
