// One part of a bundle (observations or cells) read in its order, one row at a time: each row
// hashed as the format hashes it (a canonical JSON line), its values checked, and turned into an
// observation of its experiment. What kokeilu/bundle_rows.hpp's reader and source share.
#pragma once

#include "kokeilu/observation.hpp"
#include "sha256.hpp"
#include "sqlite_support.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kokeilu::detail {

// The columns of each part, in the order of the format (and of kokeilu.bundle.PARTS).
struct PartQuery {
    std::string_view name;
    const char* sql;
};

// Bytewise order of the UUID whatever collation a hostile file declares: the order in which an
// import asks for each experiment's rows.
inline constexpr PartQuery observations_query{
    "observations",
    "SELECT uuid, position, metric, arm, at, value, n, sum, sum_sq, exposure, subject, note, covariate "
    "FROM observations ORDER BY uuid COLLATE BINARY, position"};
inline constexpr PartQuery cells_query{
    "cells",
    "SELECT uuid, metric, arm, period_start, period_end, first_at, n, sum, sum_sq, exposure, suppressed "
    "FROM cells ORDER BY uuid COLLATE BINARY, metric, arm, period_start"};

// The part's query; InvalidArgumentError("part") for a name that is not a row part.
[[nodiscard]] const PartQuery& part_query(std::string_view part);

// The bundle at `path` opened read-only, distrusting its schema.
[[nodiscard]] SQLite::Database open_bundle(const std::string& path);

// InvalidArgumentError("bundle", bundle.damaged): SQLite could not read the bundle.
[[noreturn]] void bundle_damaged(const std::string& path, const std::string& reason);

// One part read in its order: every row hashed (and its values checked) as it is stepped to, so
// that the part's hash covers the rows given out and the rows passed over alike. Errors:
// InvalidArgumentError("bundle", ...) for a value of the wrong form (see read_bundle_rows),
// SQLite::Exception when SQLite cannot read the file.
class PartCursor {
public:
    PartCursor(SQLite::Database& db, const PartQuery& query, std::size_t max_field_bytes);

    [[nodiscard]] bool has_row() const noexcept { return has_row_; }
    [[nodiscard]] const std::string& uuid() const noexcept { return uuid_; }
    [[nodiscard]] std::int64_t row() const noexcept { return row_; }  // the current row's index
    [[nodiscard]] std::int64_t rows_read() const noexcept { return has_row_ ? row_ + 1 : row_; }
    [[nodiscard]] std::string_view name() const noexcept { return query_.name; }

    // The current row as an observation: none for a suppressed cell.
    [[nodiscard]] std::optional<Observation> observation() const;

    void next() {
        ++row_;
        step();
    }
    void drain() {
        while (has_row_) next();
    }
    // Of the rows read: call once every row is (the hash is finished then).
    [[nodiscard]] const std::string& sha256() {
        if (sha256_.empty()) sha256_ = to_hex(hash_.finish());
        return sha256_;
    }

private:
    void step();

    const PartQuery& query_;
    RawStatement statement_;
    std::size_t max_field_bytes_;
    Sha256 hash_;
    std::string sha256_;
    std::string line_;
    std::string uuid_;
    std::int64_t row_ = 0;
    bool has_row_ = false;
};

}  // namespace kokeilu::detail
