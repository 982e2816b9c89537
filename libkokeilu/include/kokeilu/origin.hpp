// Where an experiment came from when another tracker exported it and this one imported it (a
// bundle, docs/sharing.md). An imported experiment is a read-only copy: it is changed in the file
// it came from, and a later bundle from there brings the change.
#pragma once

#include "kokeilu/time.hpp"

#include <cstdint>
#include <string>

namespace kokeilu {

struct ExperimentOrigin {
    std::string organisation{};    // the organisation that exported it (the bundle's manifest)
    std::string exporter{};        // who exported it, as the bundle says
    std::string log_id{};          // the exporter's history log (32 hexadecimal digits)
    std::string content_sha256{};  // 64 hexadecimal digits: the record, journal and rows imported
    // The exporter's checkpoint when it exported (a kokeilu-checkpoint/1 line): a later bundle from
    // the same log must extend it (kokeilu.bundle checks its leaves against it before importing).
    std::string checkpoint{};
    // The id of the bundle it was imported from last (the SHA-256 of its manifest, kokeilu.bundle):
    // the same bundle again is unchanged, told without reading its rows. Empty for a copy imported
    // before the id was kept, or through another door.
    std::string bundle_id{};
    // The privacy level it came at, as its bundle said: "cards" (no rows), "aggregate" (weekly
    // cells) or "units" (a row per unit); empty when the door that brought it did not say.
    std::string privacy{};
    Time imported_at{};

    bool operator==(const ExperimentOrigin&) const = default;
};

}  // namespace kokeilu
