// The hashing of the history, shared by every store: an entry's salted payload hash, its RFC 9162
// leaf, and the Merkle tree hash (the root of a checkpoint) over the leaves.
//
// Leaf data of an entry, version 1 (integers big-endian):
//   "kokeilu-history-1\n"
//   leaf index (uint64, from 0), the previous entry's leaf hash (32 bytes; zeros for the first),
//   time (int64 UTC microseconds), kind and experiment UUID (each a uint32 byte length and its
//   ASCII text; the UUID is empty for the log's own entries), payload hash (32 bytes)
// leaf hash    = SHA-256(0x00 || leaf data)                  (RFC 9162, section 2.1.1)
// node hash    = SHA-256(0x01 || left || right)
// payload hash = SHA-256(salt || payload), salt 16 random bytes kept beside the payload
#pragma once

#include "kokeilu/history.hpp"
#include "sha256.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu::detail {

inline constexpr std::size_t history_salt_bytes = 16;

// What a store knows of a new entry before it is sealed onto the log.
struct EntryDraft {
    HistoryKind kind = HistoryKind::begin;
    std::int64_t experiment_id = 0;
    std::string experiment_uuid;
    std::string payload;
};

// The end of the log: its size and last leaf hash (zeros when empty).
struct ChainHead {
    std::int64_t size = 0;
    std::string leaf_hash = std::string(32, '\0');
};

[[nodiscard]] std::string payload_hash(std::string_view salt, std::string_view payload);
[[nodiscard]] std::string leaf_data(std::int64_t leaf_index, std::string_view previous_leaf_hash, std::int64_t at_us,
                                    HistoryKind kind, std::string_view experiment_uuid, std::string_view payload_hash);
[[nodiscard]] std::string leaf_hash(std::string_view leaf_data);
[[nodiscard]] std::string node_hash(std::string_view left, std::string_view right);

// Seals a draft as the entry after `head`: a fresh salt, the payload hash and the leaf hash.
// Advances head.
[[nodiscard]] HistoryEntry seal(const EntryDraft& draft, Time at, ChainHead& head);

// The RFC 9162 Merkle tree hash of leaves added one at a time, in constant memory per level.
class MerkleTreeHash {
public:
    void add(std::string_view leaf_hash);
    [[nodiscard]] std::int64_t size() const noexcept { return size_; }
    [[nodiscard]] std::string root() const;  // of every leaf added; SHA-256("") when none

private:
    std::vector<std::pair<std::int64_t, std::string>> perfect_;  // subtrees of decreasing size
    std::int64_t size_ = 0;
};

}  // namespace kokeilu::detail
