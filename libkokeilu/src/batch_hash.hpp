// The content hash of a batch of observations: SHA-256 over a canonical encoding of its rows, in
// the order they were written (ascending ids), so that anyone can recompute it from the file.
//
// Encoding, version 1 (all integers big-endian, doubles as their IEEE 754 binary64 bits, big-endian,
// with -0.0 written as 0.0 because SQLite keeps no negative zero):
//   "kokeilu-batch-1\n"
//   then for every row:
//     metric id (int64), arm id (int64), time (int64 UTC microseconds)
//     0x00 and the value (double)                         for a unit-level row, or
//     0x01, n (int64), sum (double), 0x00 | 0x01 sum_sq   for a pre-aggregated row
//     0x00 | 0x01 exposure (double)                       (0x00: no exposure given)
//     subject and note: each a uint32 byte length and its UTF-8 bytes
//     and, only for a row that has one, 'c' and the pre-period value (double)
// Ids are the file's own (metric and arm ids never change, also when they are renamed).
#pragma once

#include "kokeilu/store.hpp"
#include "sha256.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kokeilu::detail {

class BatchHasher {
public:
    BatchHasher();
    void add(const ObservationRecord& row);
    // A unit-level row without subject or note: the rows of a column write.
    void add_unit(std::int64_t metric_id, std::int64_t arm_id, std::int64_t at_us, double value,
                  std::optional<double> exposure);
    // The SHA-256 of every row added (32 bytes); starts over.
    [[nodiscard]] std::string finish();

private:
    void flush_if_full();
    void put_i64(std::int64_t value);
    void put_double(double value);
    void put_text(std::string_view text);

    Sha256 hash_;
    std::string buffer_;  // rows are hashed in blocks: one call per row would cost more than the hash
};

}  // namespace kokeilu::detail
