// The rows of a bundle's data parts (`observations`, units level; `cells`, aggregate level), read
// straight from the bundle file in one pass: each row is hashed as the format hashes it (a
// canonical JSON line, docs/sharing.md "The bundle file, field by field"), checked, and turned into
// an observation of its experiment. The rest of a bundle (manifest, experiments, history, journal)
// is read by kokeilu.bundle; these parts are the ones that grow with the data, so they never pass
// through Python objects one row at a time.
#pragma once

#include "kokeilu/exchange.hpp"
#include "kokeilu/observation.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu {

class Tracker;

struct BundleRows {
    // The observations of each experiment (by UUID), in the part's order. A suppressed cell has none.
    std::map<std::string, std::vector<Observation>, std::less<>> by_experiment{};
    // The part's row where each experiment's rows begin (every experiment named, even one whose
    // cells were all suppressed): what an error about an experiment not in the bundle names.
    std::map<std::string, std::int64_t, std::less<>> first_row{};
    std::int64_t rows = 0;  // rows of the part, suppressed cells included
    std::string sha256{};   // of the part as read: 64 lower-case hexadecimal digits
};

// Reads the part `part` ("observations" or "cells") of the bundle at `path`, whose tables are those
// of the format (the caller has checked its schema). Throws InvalidArgumentError("bundle", ...):
// bundle.damaged when SQLite cannot read it; bundle.bad_value naming the part, row and column of a
// value of the wrong type, a binary value, a number that is not finite, text that is not UTF-8 or
// a time that is not one; bundle.field_too_long for a text longer than max_field_bytes.
[[nodiscard]] BundleRows read_bundle_rows(const std::string& path, std::string_view part,
                                          std::size_t max_field_bytes = std::size_t{1} << 20);

// The rows of a bundle's observations and cells parts as an import reads them while it writes
// them: each part once, in its order, one row at a time, hashed and checked as read_bundle_rows
// checks them, so that memory stays flat however many rows the bundle holds. Each part must come
// out as the manifest lists it, with `rows` rows and the SHA-256 `sha256`; finish() and
// check_whole() throw InvalidArgumentError("bundle", ...) with bundle.part_rows or
// bundle.part_hash when it does not, and finish() with bundle.unknown_experiment for rows of an
// experiment the import did not ask for.
class BundleRowSource final : public IncomingRows {
public:
    struct Part {
        std::string name{};  // "observations" or "cells"
        std::int64_t rows = 0;
        std::string sha256{};
    };

    // Opens the bundle at `path` (whose schema the caller has checked) read-only.
    BundleRowSource(const std::string& path, std::span<const Part> parts,
                    std::size_t max_field_bytes = std::size_t{1} << 20);
    ~BundleRowSource() override;

    void rows_of(std::string_view uuid, const std::function<void(const Observation&)>& visit) override;
    void finish() override;
    void check_whole() override;

private:
    struct State;
    std::unique_ptr<State> state_;
};

// What was written of a part: its rows and its SHA-256 as the format hashes it.
struct BundlePartWritten {
    std::int64_t rows = 0;
    std::string sha256{};
};

// Writes the units-level rows of the experiments `keys` into the (empty) observations table of the
// bundle being written at `path`, in one transaction: per experiment (by UUID), per metric in the
// experiment's order, every counted row in time order. Times as UTC ISO 8601 with microseconds
// and Z; a subject as its pseudonym, HMAC-SHA256 under `secret` of `subject_prefix` and the
// subject's NFC UTF-8 bytes (kokeilu._privacy.pseudonym); a note only with `notes`. A zero is
// written as +0.0: SQLite keeps no negative zero, and the hash is of what a reader reads.
[[nodiscard]] BundlePartWritten write_bundle_unit_rows(const Tracker& tracker, const std::string& path,
                                                       std::span<const std::string> keys, std::string_view secret,
                                                       std::string_view subject_prefix, bool notes);

// One value as the part hashes see it: Python's json.dumps (ensure_ascii off, no spaces) of the
// value SQLite holds. A float as Python's repr writes it (shortest round trip; "1.0", "1e-05",
// "1e+16"), text as a JSON string with only quote, backslash and control characters escaped.
void append_canonical_number(std::string& out, double value);
void append_canonical_text(std::string& out, std::string_view text);

}  // namespace kokeilu
