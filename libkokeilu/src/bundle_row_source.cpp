// BundleRowSource (kokeilu/bundle_rows.hpp): the row parts of a bundle read while an import
// writes them. Each part is read by a thread of its own, a bounded queue of rows ahead of the
// import: reading a row (SQLite, its canonical line, its hash, the observation) costs about as
// much as writing it into the tracker, and the two then run side by side on two cores instead of
// one after the other. The queue holds at most chunks_ahead × rows_per_chunk rows (16,384), so
// memory stays flat.
#include "kokeilu/bundle_rows.hpp"

#include "kokeilu/error.hpp"
#include "bundle_part_cursor.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace kokeilu {

namespace {

// Rows read, handed from the reading thread to the import a chunk at a time.
struct RowChunk {
    struct Row {
        std::size_t uuid = 0;  // in uuids
        std::int64_t index = 0;
        std::optional<Observation> observation{};  // none for a suppressed cell
    };
    std::vector<std::string> uuids{};  // the experiments the rows name, each run of rows once
    std::vector<Row> rows{};
};

constexpr std::size_t rows_per_chunk = 2048;
constexpr std::size_t chunks_ahead = 8;

// One part, read by its own thread into a bounded queue; the import takes rows from its end.
class PartReader {
public:
    PartReader(std::string path, const detail::PartQuery& query, std::size_t max_field_bytes, BundleRowSource::Part expected)
        : expected_(std::move(expected)) {
        thread_ = std::thread([this, path = std::move(path), &query, max_field_bytes] { read(path, query, max_field_bytes); });
    }
    PartReader(const PartReader&) = delete;
    PartReader& operator=(const PartReader&) = delete;
    ~PartReader() {
        {
            const std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }

    // The next row, or nullptr at the end of the part; rethrows the error the reading met there.
    [[nodiscard]] const RowChunk::Row* peek() {
        if (next_ < current_.rows.size()) return &current_.rows[next_];
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !ready_.empty() || done_; });
        if (ready_.empty()) {
            if (error_) std::rethrow_exception(error_);
            return nullptr;
        }
        current_ = std::move(ready_.front());
        ready_.pop_front();
        next_ = 0;
        lock.unlock();
        changed_.notify_all();
        return &current_.rows[0];
    }
    [[nodiscard]] const std::string& uuid_of(const RowChunk::Row& row) const { return current_.uuids[row.uuid]; }
    void pop() { ++next_; }

    // Every row taken, then the part compared with what its manifest lists.
    void compare() {
        while (peek() != nullptr) pop();
        if (rows_read_ != expected_.rows)
            throw InvalidArgumentError("bundle", Message{"bundle.part_rows",
                                                         {{"part", expected_.name}, {"found", rows_read_}, {"expected", expected_.rows}}});
        if (sha256_ != expected_.sha256)
            throw InvalidArgumentError("bundle", Message{"bundle.part_hash", {{"part", expected_.name}}});
    }
    [[noreturn]] void unknown_experiment(const RowChunk::Row& row) const {
        throw InvalidArgumentError("bundle", Message{"bundle.unknown_experiment", {{"part", expected_.name},
                                                                                   {"row", row.index},
                                                                                   {"uuid", uuid_of(row).substr(0, 40)}}});
    }

private:
    // The reading thread: every row of the part in its order, then its count and hash, or the
    // error it met after the rows before it.
    void read(const std::string& path, const detail::PartQuery& query, std::size_t max_field_bytes) {
        RowChunk chunk;
        std::exception_ptr error;
        std::int64_t rows = 0;
        std::string sha256;
        try {
            SQLite::Database db = detail::open_bundle(path);
            detail::PartCursor cursor(db, query, max_field_bytes);
            while (cursor.has_row()) {
                if (chunk.uuids.empty() || chunk.uuids.back() != cursor.uuid()) chunk.uuids.push_back(cursor.uuid());
                chunk.rows.push_back({chunk.uuids.size() - 1, cursor.row(), cursor.observation()});
                cursor.next();
                if (chunk.rows.size() == rows_per_chunk && !deliver(std::exchange(chunk, {}))) return;
            }
            rows = cursor.rows_read();
            sha256 = cursor.sha256();
        } catch (const SQLite::Exception& sqlite_error) {
            try {
                detail::bundle_damaged(path, sqlite_error.what());
            } catch (...) {
                error = std::current_exception();
            }
        } catch (...) {
            error = std::current_exception();
        }
        if (!chunk.rows.empty() && !deliver(std::move(chunk))) return;
        {
            const std::lock_guard lock(mutex_);
            done_ = true;
            error_ = error;
            rows_read_ = rows;
            sha256_ = std::move(sha256);
        }
        changed_.notify_all();
    }

    // False when the import has gone (the reader then stops).
    bool deliver(RowChunk chunk) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return ready_.size() < chunks_ahead || stopped_; });
        if (stopped_) return false;
        ready_.push_back(std::move(chunk));
        lock.unlock();
        changed_.notify_all();
        return true;
    }

    BundleRowSource::Part expected_;
    // Shared with the reading thread, under mutex_.
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<RowChunk> ready_;
    bool done_ = false;
    bool stopped_ = false;
    std::exception_ptr error_;
    std::int64_t rows_read_ = 0;  // set with done_
    std::string sha256_;
    // The import's side.
    RowChunk current_;
    std::size_t next_ = 0;
    // Last: started when everything above exists, joined before it goes.
    std::thread thread_;
};

}  // namespace

struct BundleRowSource::State {
    std::vector<std::unique_ptr<PartReader>> parts;
    // Set when the source itself refused a row: that error, not a hash it left unfinished, is
    // what check_whole() leaves standing.
    bool refused = false;

    template <class F>
    decltype(auto) reading(F&& f) {
        try {
            return f();
        } catch (const InvalidArgumentError&) {
            refused = true;
            throw;
        }
    }
};

BundleRowSource::BundleRowSource(const std::string& path, std::span<const Part> parts, std::size_t max_field_bytes)
    : state_(std::make_unique<State>()) {
    for (const Part& part : parts)
        state_->parts.push_back(std::make_unique<PartReader>(path, detail::part_query(part.name), max_field_bytes, part));
}

BundleRowSource::~BundleRowSource() = default;

void BundleRowSource::rows_of(std::string_view uuid, const std::function<void(const Observation&)>& visit) {
    for (const auto& part : state_->parts) {
        // Rows before the experiment's are of one the import does not hold.
        const RowChunk::Row* row = state_->reading([&] { return part->peek(); });
        if (row != nullptr && part->uuid_of(*row) < uuid) state_->reading([&] { part->unknown_experiment(*row); });
        while (row != nullptr && part->uuid_of(*row) == uuid) {
            if (row->observation) visit(*row->observation);
            part->pop();
            row = state_->reading([&] { return part->peek(); });
        }
    }
}

void BundleRowSource::finish() {
    for (const auto& part : state_->parts) {
        const RowChunk::Row* left = state_->reading([&] { return part->peek(); });
        if (left != nullptr) state_->reading([&] { part->unknown_experiment(*left); });
    }
    for (const auto& part : state_->parts) state_->reading([&] { part->compare(); });
}

void BundleRowSource::check_whole() {
    if (state_->refused) return;
    for (const auto& part : state_->parts) state_->reading([&] { part->compare(); });
}

}  // namespace kokeilu
