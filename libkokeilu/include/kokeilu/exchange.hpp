// Experiments exchanged between trackers: what an import takes (an experiment as another tracker
// exported it, and a source of its rows) and what it did with each. The bundle file that carries
// them is written and read by the Python package (kokeilu.bundle) and, for the parts that grow with
// the data, by kokeilu/bundle_rows.hpp; the rules of the merge live here, in Tracker::
// import_experiments, so that every door applies them alike.
#pragma once

#include "kokeilu/journal.hpp"
#include "kokeilu/message.hpp"
#include "kokeilu/observation.hpp"
#include "kokeilu/origin.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu {

// One experiment as exported.
struct IncomingExperiment {
    std::string record{};                 // its record as the exporter's history keeps it
    std::vector<JournalEntry> journal{};  // oldest first (empty when the bundle has none)
    // By metric and arm name: unit rows or aggregates. The rows an IncomingRows source gives for
    // the experiment follow these.
    std::vector<Observation> observations{};
    // organisation, exporter, log_id and checkpoint; content_sha256 and imported_at are set by the
    // import.
    ExperimentOrigin origin{};
};

// The rows of an import read while it writes them, so that an import holds one row at a time
// however many a bundle has (kokeilu/bundle_rows.hpp reads them from a bundle file). The import
// asks for each experiment's rows once, in ascending order of UUID (bytewise), inside its
// transaction; an error from the source undoes everything the import wrote.
class IncomingRows {
public:
    virtual ~IncomingRows() = default;
    IncomingRows() = default;
    IncomingRows(const IncomingRows&) = delete;
    IncomingRows& operator=(const IncomingRows&) = delete;

    // Calls visit with each row of the experiment `uuid`, in order (none when it has none).
    virtual void rows_of(std::string_view uuid, const std::function<void(const Observation&)>& visit) = 0;
    // After the last experiment, before the import commits: throws InvalidArgumentError when the
    // source holds rows of an experiment never asked for, or is not whole (see check_whole).
    virtual void finish() = 0;
    // Reads what is left and throws InvalidArgumentError when the source is not what it claims to
    // be (its rows or their hash differ from what was expected). Called after the import failed on
    // a row: a row made wrong by damage is told as damage, not as a wrong row.
    virtual void check_whole() = 0;
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
