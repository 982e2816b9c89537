// Checkpoints of the write-ahead log, run by a thread of their own when they can be.
//
// By default SQLite checkpoints in the thread of the commit that takes the log past 1000 pages:
// that one call copies the log into the main file and syncs it, milliseconds, where a single
// `log` otherwise takes tens of microseconds. Installed as the connection's WAL hook (which
// replaces SQLite's automatic checkpoints), this class lets a thread with a connection of its own
// run a PASSIVE checkpoint instead, which waits for no reader or writer: the caller's commit
// returns at once. The thread starts with the first checkpoint that is due, so a Tracker that
// writes little never has one.
//
// A log starts again from its beginning only when a writer finds every frame of it copied. Between
// writes that come at a human pace that is soon so; under back-to-back writes each background
// round ends with new frames behind it, and the log would grow without end. So once the log is
// twice the threshold long, the committing call checkpoints itself, as SQLite would have, but
// only the tail the background rounds left (measured: under 1 ms, where SQLite's own checkpoint
// of 1,000 pages takes about 5 ms on the same machine).
//
// A failed checkpoint is not an error of any caller (the log keeps every commit either way); the
// next commit past the threshold asks again, and the connection's close checkpoints as before.
#pragma once

#include <sqlite3.h>

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

    // `db` must outlive this object; its main database must be a file in WAL mode.
    explicit BackgroundCheckpointer(sqlite3* db, int pages = default_pages);
    ~BackgroundCheckpointer();  // waits for a checkpoint under way, then stops the thread
    BackgroundCheckpointer(const BackgroundCheckpointer&) = delete;
    BackgroundCheckpointer& operator=(const BackgroundCheckpointer&) = delete;

    // Background checkpoints that ran to completion (every frame of the log copied), and
    // checkpoints the committing call ran itself; for tests and diagnostics.
    [[nodiscard]] long completed() const;
    [[nodiscard]] long inline_checkpoints() const;

private:
    static int on_commit(void* self, sqlite3* db, const char* name, int pages_in_log);
    bool start();  // with mutex_ held; false when no connection or thread could be had
    void run(sqlite3* own);

    sqlite3* db_;
    std::string path_;
    int pages_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool due_ = false;
    bool stopping_ = false;
    bool inline_ = false;  // no thread could be started: checkpoints run in the committing thread
    long completed_ = 0;
    long inline_checkpoints_ = 0;
    std::thread thread_;  // last: started lazily, joined in the destructor
};

}  // namespace kokeilu::detail
