// How a connection waits for another one's write to finish.
//
// SQLite's own busy timeout sleeps and then fails with "database is locked", silently. A bulk write
// of millions of rows holds the write lock for many seconds, and a one-row write that starts
// meanwhile should wait for it, not fail while nothing is wrong; someone at a terminal should also
// learn why nothing happens. This busy handler waits up to the timeout (minutes by default, see
// SqliteOptions) and calls the caller's notice once a wait has lasted notice_after.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <functional>

namespace kokeilu::detail {

class BusyWait {
public:
    BusyWait(std::chrono::milliseconds timeout, std::chrono::milliseconds notice_after, std::function<void()> notice);
    BusyWait(const BusyWait&) = delete;
    BusyWait& operator=(const BusyWait&) = delete;

    // Makes this the connection's busy handler. It must outlive the connection.
    void install(sqlite3* db);

private:
    // SQLite's callback: `count` is the number of earlier calls for the same lock. Returns non-zero
    // to try again.
    static int on_busy(void* self, int count) noexcept;

    std::chrono::milliseconds timeout_;
    std::chrono::milliseconds notice_after_;
    std::function<void()> notice_;
    std::chrono::steady_clock::time_point started_{};
    bool noticed_ = false;
};

}  // namespace kokeilu::detail
