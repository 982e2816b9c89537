// Experiments exchanged between trackers: what an import takes (an experiment as another tracker
// exported it) and what it did with each. The bundle file that carries them is written and read
// by the Python package (kokeilu.bundle); the rules of the merge live here, in Tracker::
// import_experiments, so that every door applies them alike.
#pragma once

#include "kokeilu/journal.hpp"
#include "kokeilu/message.hpp"
#include "kokeilu/observation.hpp"
#include "kokeilu/origin.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kokeilu {

// One experiment as exported.
struct IncomingExperiment {
    std::string record{};                     // its record as the exporter's history keeps it
    std::vector<JournalEntry> journal{};      // oldest first (empty when the bundle has none)
    std::vector<Observation> observations{};  // by metric and arm name: unit rows or aggregates
    // organisation, exporter, log_id and checkpoint; content_sha256 and imported_at are set by the
    // import.
    ExperimentOrigin origin{};
};

enum class ImportAction {
    added,      // new here
    updated,    // a copy imported before, replaced by a newer state from the same tracker
    unchanged,  // the same content was imported before, or it is this file's own experiment as it is
    conflict,   // not written: see ImportedExperiment::reason
};

[[nodiscard]] std::string_view to_string(ImportAction action);

struct ImportedExperiment {
    std::string uuid{};
    std::string key{};
    ImportAction action = ImportAction::unchanged;
    std::optional<Message> reason{};  // why a conflict (or an unchanged older state) was not written
    std::int64_t rows = 0;            // observations written
};

}  // namespace kokeilu
