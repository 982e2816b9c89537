// Checkpoints of the write-ahead log, run by a thread of their own when that spares the caller.
//
// By default SQLite checkpoints in the thread of the commit that takes the log past 1000 pages:
// that one call copies the log into the main file and syncs it, about 5 ms here, where a single
// `log` otherwise takes tens of microseconds. Installed as the connection's WAL hook (which
// replaces SQLite's automatic checkpoints), this class lets a thread with a connection of its own
// run a PASSIVE checkpoint instead, which waits for no reader or writer: the caller's commit
// returns at once. The thread starts with the first checkpoint that is due, so a Tracker that
// writes little never has one.
//
// That helps writes that come apart (the CLI, a form, a notebook): the copy is done before the
// next write, which then starts the log again from its beginning. Writes that come back to back
// (less than back_to_back_within apart) gain nothing from it: SQLite starts a log again only when
// a writer finds every frame copied, which never happens while new frames keep coming, and on a
// small machine the copy competes with the writer (measured with 2 cores: p50 of single logs
// 28-30 µs instead of 22-23 µs). So for those the committing call checkpoints itself, as SQLite
// would. And once the log is twice the threshold long, whatever the pace, the committing call
// copies what the background rounds left, so the log cannot grow without end.
//
// A failed checkpoint is not an error of any caller (the log keeps every commit either way); the
// next commit past the threshold asks again, and the connection's close checkpoints as before.
#pragma once

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace kokeilu::detail {

class BackgroundCheckpointer {
public:
    // SQLite's own threshold for its automatic checkpoints.
    static constexpr int default_pages = 1000;
    // Past pages * this, the committing call checkpoints itself.
    static constexpr int inline_factor = 2;
    // A commit this soon after the previous one is part of a run of back-to-back writes.
    static constexpr std::chrono::milliseconds default_back_to_back_within{5};

    // `db` must outlive this object; its main database must be a file in WAL mode. Tests choose
    // `back_to_back_within` so that the pace of their commits does not depend on the machine's load.
    explicit BackgroundCheckpointer(sqlite3* db, int pages = default_pages,
                                    std::chrono::steady_clock::duration back_to_back_within =
                                        default_back_to_back_within);
    ~BackgroundCheckpointer();  // waits for a checkpoint under way, then stops the thread
    BackgroundCheckpointer(const BackgroundCheckpointer&) = delete;
    BackgroundCheckpointer& operator=(const BackgroundCheckpointer&) = delete;

    // For tests and diagnostics: checkpoints run by the thread, those of them that copied every
    // frame of the log, and checkpoints the committing call ran itself.
    [[nodiscard]] long background_rounds() const;
    [[nodiscard]] long completed() const;
    [[nodiscard]] long inline_checkpoints() const;
    // True from a commit that hands a checkpoint to the thread until the thread has run it.
    [[nodiscard]] bool round_due() const;

    // For the file identity's marks (sqlite_wal_identity.hpp): checkpoints, in the thread or in
    // the committing call, that copied every frame of the log (the next commit starts it anew),
    // and commits after which the log was shorter than after the one before (it was started anew).
    [[nodiscard]] long full_checkpoints() const noexcept { return full_checkpoints_.load(std::memory_order_acquire); }
    [[nodiscard]] long restarts() const noexcept { return restarts_; }

private:
    static int on_commit(void* self, sqlite3* db, const char* name, int pages_in_log);
    bool start();  // with mutex_ held; false when no connection or thread could be had
    void run(sqlite3* own);

    sqlite3* db_;
    std::string path_;
    int pages_;
    std::chrono::steady_clock::duration back_to_back_within_;
    std::chrono::steady_clock::time_point last_commit_{};  // only the committing thread uses it
    int last_pages_in_log_ = 0;                             // the same
    long restarts_ = 0;                                     // the same
    std::atomic<long> full_checkpoints_{0};

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool due_ = false;
    bool stopping_ = false;
    bool inline_ = false;  // no thread could be started: checkpoints run in the committing thread
    long background_rounds_ = 0;
    long completed_ = 0;
    long inline_checkpoints_ = 0;
    std::thread thread_;  // last: started lazily, joined in the destructor
};

}  // namespace kokeilu::detail
