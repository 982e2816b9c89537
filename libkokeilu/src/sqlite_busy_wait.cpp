#include "sqlite_busy_wait.hpp"

#include <algorithm>
#include <array>
#include <thread>
#include <utility>

namespace kokeilu::detail {

namespace {

// SQLite's own steps: short sleeps first, so that a lock held for a moment costs little, then a
// tenth of a second at a time.
constexpr std::array<int, 12> sleeps_ms{1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100};

}  // namespace

BusyWait::BusyWait(std::chrono::milliseconds timeout, std::chrono::milliseconds notice_after,
                   std::function<void()> notice)
    : timeout_(timeout), notice_after_(notice_after), notice_(std::move(notice)) {}

void BusyWait::install(sqlite3* db) { sqlite3_busy_handler(db, &BusyWait::on_busy, this); }

int BusyWait::on_busy(void* self, int count) noexcept {
    auto* wait = static_cast<BusyWait*>(self);
    const auto now = std::chrono::steady_clock::now();
    if (count == 0) {
        wait->started_ = now;
        wait->noticed_ = false;
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(now - wait->started_);
    if (waited >= wait->timeout_) return 0;
    if (!wait->noticed_ && waited >= wait->notice_after_ && wait->notice_) {
        wait->noticed_ = true;
        // The notice is the caller's (e.g. a line on a terminal); a failure in it must not cross
        // SQLite's C frames, and is no reason to stop waiting.
        try {
            wait->notice_();
        } catch (...) {
        }
    }
    const auto step = std::chrono::milliseconds(sleeps_ms[std::min<std::size_t>(count, sleeps_ms.size() - 1)]);
    std::this_thread::sleep_for(std::min(step, wait->timeout_ - waited));
    return 1;
}

}  // namespace kokeilu::detail
