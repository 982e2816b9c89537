// The tamper-evident history of a tracker file: every change (an experiment created, edited,
// amended, started, stopped, concluded or deleted as a draft; a journal note; a write of
// observations; a void) appends one entry, in the same transaction as the change. The entries are
// the leaves of an RFC 9162 (Certificate Transparency v2) Merkle tree, each also naming the leaf
// before it, so that an entry removed, reordered or replaced breaks the chain, and a checkpoint (the
// tree's size and root) written down elsewhere proves later that the log only grew.
//
// Each entry's payload (what changed, as text) is hashed with a random salt kept beside it: the
// payload can later be erased (it may name people) while its salted hash, and so the chain, stays.
#pragma once

#include "kokeilu/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kokeilu {

enum class HistoryKind {
    begin,             // the first entry: the log starts with a new file, or at a migration
    create,            // a draft created
    update,            // fields changed that are not locked (or not yet locked)
    amend,             // locked fields changed after the start, with a reason
    start,             // draft -> running: the Test Card locked
    stop,              // -> stopped
    conclude,          // -> concluded
    note,              // a journal note
    observations,      // a write of observations: one batch
    void_observations, // observations voided, with a reason
    delete_draft,      // a draft deleted
    migrated,          // an experiment as it stood when the history began at a migration
    imported,          // an experiment imported from another tracker (exchange.hpp), as it came
};

[[nodiscard]] std::string_view to_string(HistoryKind kind);
[[nodiscard]] HistoryKind parse_history_kind(std::string_view text);

// One write of observations. Its id is the position of its history entry in the log. The rows of a
// batch are the experiment's observations with ids first_observation_id..last_observation_id (for a
// write, consecutive ids; for the batch a migration made of the rows already there, every row of the
// experiment up to last_observation_id), whether still counted or voided since.
struct Batch {
    std::int64_t id = 0;
    std::int64_t experiment_id = 0;
    Time at{};
    std::int64_t first_observation_id = 0;
    std::int64_t last_observation_id = 0;
    std::int64_t rows = 0;
    std::string content_sha256{};   // 32 bytes: SHA-256 of the rows' canonical encoding (batch_hash.hpp)
    std::string idempotency_key{};  // empty: none given
    bool migrated = false;          // made by the migration that started the history

    bool operator==(const Batch&) const = default;
};

struct HistoryEntry {
    std::int64_t index = 0;  // position in the log, from 1 (the Merkle leaf index + 1)
    Time at{};
    HistoryKind kind = HistoryKind::begin;
    std::int64_t experiment_id = 0;        // 0 for the entries of the file itself
    std::string experiment_uuid{};         // empty for the entries of the file itself
    std::optional<std::string> payload{};  // empty once erased
    std::string salt{};                    // 16 random bytes; empty once erased
    std::string payload_hash{};            // 32 bytes: SHA-256(salt || payload)
    std::string leaf_hash{};               // 32 bytes: the RFC 9162 leaf hash of this entry
    std::optional<Batch> batch{};          // for observations
};

// The log's name and how it began.
struct HistoryLog {
    std::string log_id{};  // 32 hexadecimal digits, random: names the log in its checkpoints
    Time started_at{};
    int from_schema = 0;   // 0: the log began with the file; n: at the migration from schema n
};

// A checkpoint: the Merkle tree of the first `size` entries has this root. Written as one line,
//   kokeilu-checkpoint/1 <log id> <size> <root as 64 hexadecimal digits>
// which can be written down or mailed, and later given to verify(since) to prove the log grew only.
struct Checkpoint {
    std::string log_id{};
    std::int64_t size = 0;
    std::string root{};  // 32 bytes

    [[nodiscard]] std::string to_text() const;
    // Throws InvalidArgumentError("checkpoint", ...) for anything but the line above.
    [[nodiscard]] static Checkpoint parse(std::string_view text);
    bool operator==(const Checkpoint&) const = default;
};

}  // namespace kokeilu
