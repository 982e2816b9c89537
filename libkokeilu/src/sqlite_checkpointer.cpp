#include "sqlite_checkpointer.hpp"

#include <string_view>

namespace kokeilu::detail {

namespace {

bool in_wal_mode(sqlite3* db) {
    sqlite3_stmt* statement = nullptr;
    bool wal = false;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr) == SQLITE_OK &&
        sqlite3_step(statement) == SQLITE_ROW) {
        const auto* mode = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        wal = mode != nullptr && std::string_view(mode) == "wal";
    }
    sqlite3_finalize(statement);
    return wal;
}

}  // namespace

BackgroundCheckpointer::BackgroundCheckpointer(sqlite3* db, int pages,
                                               std::chrono::steady_clock::duration back_to_back_within)
    : db_(db), path_(sqlite3_db_filename(db, "main")), pages_(pages), back_to_back_within_(back_to_back_within) {
    sqlite3_wal_hook(db_, &BackgroundCheckpointer::on_commit, this);
}

BackgroundCheckpointer::~BackgroundCheckpointer() {
    sqlite3_wal_hook(db_, nullptr, nullptr);
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (thread_.joinable()) thread_.join();
}

long BackgroundCheckpointer::background_rounds() const {
    std::lock_guard lock(mutex_);
    return background_rounds_;
}

long BackgroundCheckpointer::completed() const {
    std::lock_guard lock(mutex_);
    return completed_;
}

long BackgroundCheckpointer::inline_checkpoints() const {
    std::lock_guard lock(mutex_);
    return inline_checkpoints_;
}

bool BackgroundCheckpointer::round_due() const {
    std::lock_guard lock(mutex_);
    return due_;
}

// Runs in the committing thread, after the commit, with the write lock already released.
int BackgroundCheckpointer::on_commit(void* self, sqlite3* /*db*/, const char* /*name*/, int pages_in_log) {
    auto* checkpointer = static_cast<BackgroundCheckpointer*>(self);
    const auto now = std::chrono::steady_clock::now();
    const bool back_to_back = now - checkpointer->last_commit_ < checkpointer->back_to_back_within_;
    checkpointer->last_commit_ = now;
    // A log only grows until it is started anew: shorter than after the last commit means this
    // commit (or another connection's since) started it.
    if (pages_in_log <= checkpointer->last_pages_in_log_) ++checkpointer->restarts_;
    checkpointer->last_pages_in_log_ = pages_in_log;
    if (pages_in_log < checkpointer->pages_) return SQLITE_OK;
    bool here = back_to_back || pages_in_log >= checkpointer->pages_ * inline_factor;
    {
        std::lock_guard lock(checkpointer->mutex_);
        if (checkpointer->stopping_) return SQLITE_OK;
        if (!here) {
            if (checkpointer->due_) return SQLITE_OK;  // already asked
            // The thread starts with the first checkpoint it is to run, not before.
            if (!checkpointer->thread_.joinable() && !checkpointer->inline_ && !checkpointer->start())
                checkpointer->inline_ = true;
            here = checkpointer->inline_;
            checkpointer->due_ = !here;
        }
        if (here) ++checkpointer->inline_checkpoints_;
    }
    if (here) {
        // What SQLite's own hook does. Busy (a background round is copying) is no error: the
        // next commit comes back here.
        int frames_in_log = 0;
        int frames_copied = 0;
        if (sqlite3_wal_checkpoint_v2(checkpointer->db_, "main", SQLITE_CHECKPOINT_PASSIVE, &frames_in_log,
                                      &frames_copied) == SQLITE_OK &&
            frames_in_log >= 0 && frames_copied == frames_in_log)
            checkpointer->full_checkpoints_.fetch_add(1, std::memory_order_release);
    } else {
        checkpointer->wake_.notify_one();
    }
    return SQLITE_OK;
}

bool BackgroundCheckpointer::start() {
    // A connection of the thread's own (the caller's is used by one thread at a time), opened here
    // so that a failure falls back to checkpoints in the caller's thread. It only checkpoints: it
    // never creates the file, needs no mutex of SQLite's and never checkpoints on close.
    sqlite3* own = nullptr;
    if (sqlite3_open_v2(path_.c_str(), &own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        sqlite3_close(own);
        return false;
    }
    sqlite3_db_config(own, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    // Until it has read the file, a new connection does not know the file is in WAL mode, and a
    // checkpoint through it does nothing at all.
    if (!in_wal_mode(own)) {
        sqlite3_close(own);
        return false;
    }
    try {
        thread_ = std::thread(&BackgroundCheckpointer::run, this, own);
    } catch (...) {
        sqlite3_close(own);
        return false;
    }
    return true;
}

void BackgroundCheckpointer::run(sqlite3* own) {
    std::unique_lock lock(mutex_);
    while (true) {
        wake_.wait(lock, [this] { return due_ || stopping_; });
        if (stopping_) break;
        lock.unlock();
        int frames_in_log = 0;
        int frames_copied = 0;
        const int rc =
            sqlite3_wal_checkpoint_v2(own, "main", SQLITE_CHECKPOINT_PASSIVE, &frames_in_log, &frames_copied);
        lock.lock();
        due_ = false;
        ++background_rounds_;
        if (rc == SQLITE_OK && frames_in_log >= 0 && frames_copied == frames_in_log) {
            ++completed_;
            full_checkpoints_.fetch_add(1, std::memory_order_release);
        }
    }
    lock.unlock();
    sqlite3_close(own);
}

}  // namespace kokeilu::detail
