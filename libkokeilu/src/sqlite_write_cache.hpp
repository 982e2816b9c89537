// What a connection's last write of observations left in the file: the running summaries it wrote
// and the experiment whose revision it confirmed. The next write may use them instead of reading
// them again, but only while nothing else has changed the file since.
//
// SQLite keeps a "data version" per connection and file (SQLITE_FCNTL_DATA_VERSION) that moves
// with every commit, this connection's own and any other's, in this process or another: a commit
// here moves it at once, another connection's commit when this one next takes a lock and finds the
// write-ahead log changed. A write that, holding the write lock, finds the version where this
// connection's last write left it knows the file is exactly as that write left it. For a single
// `log` this saves two of its five statements, and the look-ups of where the history and the
// observation ids end.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/stats/summary.hpp"
#include "history_chain.hpp"

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace kokeilu::detail {

class WriteCache {
public:
    // An experiment as a write confirmed it: its revision and what the status check needs.
    struct ConfirmedExperiment {
        std::int64_t id = 0;
        std::int64_t revision = 0;
        std::string key;
        Status status = Status::draft;
        std::string uuid;
    };

    // A running summary as stored: empty when its totals overflowed (see sqlite_arm_summaries.hpp).
    using StoredSummary = std::optional<stats::Summary>;

    // Call inside a write transaction, before anything is read. Forgets everything unless the file
    // is as this connection's last committed write left it. Until committed() the cache counts as
    // stale, so that a write that fails half-way (and is rolled back) leaves nothing behind.
    void begin_write(sqlite3* db) {
        if (!valid_ || data_version(db) != version_) {  // an unknown version never matches
            experiment_.reset();
            summaries_.clear();
            head_.reset();
            next_observation_id_.reset();
        }
        valid_ = false;
    }

    // Call right after the write's COMMIT succeeded.
    void committed(sqlite3* db) {
        version_ = data_version(db);
        valid_ = version_.has_value();
    }

    [[nodiscard]] const ConfirmedExperiment* experiment(std::int64_t id, std::int64_t revision) const noexcept {
        return experiment_ && experiment_->id == id && experiment_->revision == revision ? &*experiment_ : nullptr;
    }
    void remember(ConfirmedExperiment experiment) { experiment_ = std::move(experiment); }

    // The stored summary of (metric id, arm id), or nullptr when this cache does not know it.
    [[nodiscard]] const StoredSummary* summary(std::int64_t metric_id, std::int64_t arm_id) const {
        const auto found = summaries_.find({metric_id, arm_id});
        return found == summaries_.end() ? nullptr : &found->second;
    }
    void remember(std::int64_t metric_id, std::int64_t arm_id, StoredSummary summary) {
        summaries_.insert_or_assign({metric_id, arm_id}, std::move(summary));
    }

    // Where the history and the observation ids ended after this connection's last write.
    [[nodiscard]] const std::optional<ChainHead>& chain_head() const noexcept { return head_; }
    [[nodiscard]] std::optional<std::int64_t> next_observation_id() const noexcept { return next_observation_id_; }
    void remember_end(ChainHead head, std::int64_t next_observation_id) {
        head_ = std::move(head);
        next_observation_id_ = next_observation_id;
    }

private:
    // Empty if SQLite cannot tell (it always can for the main database of an open connection).
    static std::optional<unsigned int> data_version(sqlite3* db) {
        unsigned int version = 0;
        if (sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK) return std::nullopt;
        return version;
    }

    bool valid_ = false;
    std::optional<unsigned int> version_;
    std::optional<ConfirmedExperiment> experiment_;
    std::map<std::pair<std::int64_t, std::int64_t>, StoredSummary> summaries_;
    std::optional<ChainHead> head_;
    std::optional<std::int64_t> next_observation_id_;
};

}  // namespace kokeilu::detail
