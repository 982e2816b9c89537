// Checkpoints of the write-ahead log run by a thread of their own: they must happen (the log does
// not grow without end), never in the committing call, leave every commit in the file, and stop
// cleanly whenever the store is closed, even with a checkpoint due or under way.
#include "sqlite_checkpointer.hpp"
#include "temp_dir.hpp"

#include "kokeilu/tracker.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <thread>

using namespace kokeilu;
using kokeilu::detail::BackgroundCheckpointer;

namespace {

SQLite::Database wal_file(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, payload TEXT)");
    return db;
}

void commit_rows(SQLite::Database& db, int commits) {
    SQLite::Statement insert(db, "INSERT INTO rows (payload) VALUES (?)");
    for (int i = 0; i < commits; ++i) {
        insert.bind(1, std::string(3000, static_cast<char>('a' + i % 26)));  // about a page a commit
        insert.exec();
        insert.reset();
    }
}

// Polls, since the checkpoints happen on another thread; generous, as a loaded machine may be slow.
template <class Condition>
bool eventually(Condition condition) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
}

}  // namespace

TEST_CASE("checkpoints run on their own thread once the log is long", "[sqlite][checkpoint]") {
    testing::TempDir dir;
    const std::string path = dir.file("wal.db");
    SQLite::Database db = wal_file(path);
    BackgroundCheckpointer checkpointer(db.getHandle(), 50);

    commit_rows(db, 5);  // a few frames each: below the threshold nothing is asked
    CHECK(checkpointer.completed() == 0);

    commit_rows(db, 100);
    REQUIRE(eventually([&] { return checkpointer.completed() > 0; }));
    // Every commit is in the file, whatever was checkpointed when.
    CHECK(db.execAndGet("SELECT count(*) FROM rows").getInt() == 105);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");

    // With pauses between the commits, the background rounds copy the whole log and the log
    // starts again from its beginning: it stays near the threshold, and the committing calls
    // never checkpoint themselves.
    const auto size_before = std::filesystem::file_size(path + "-wal");
    for (int i = 0; i < 200; ++i) {
        commit_rows(db, 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    CHECK(std::filesystem::file_size(path + "-wal") <= std::max<std::uintmax_t>(size_before, 150 * 4096));
    CHECK(checkpointer.completed() > 2);
}

TEST_CASE("the checkpointer stops cleanly with a checkpoint due", "[sqlite][checkpoint]") {
    testing::TempDir dir;
    const std::string path = dir.file("wal.db");
    SQLite::Database db = wal_file(path);
    for (int round = 0; round < 20; ++round) {
        BackgroundCheckpointer checkpointer(db.getHandle(), 5);
        commit_rows(db, 10);  // due, and perhaps under way, when it goes
    }
    // The connection works on, with SQLite's own hook back in place.
    commit_rows(db, 5);
    CHECK(db.execAndGet("SELECT count(*) FROM rows").getInt() == 205);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("a tracker logging many single observations keeps its log short and every row", "[tracker][checkpoint]") {
    testing::TempDir dir;
    const std::string path = dir.file("many.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        key = t.create(testing::home_care_draft()).key;
        t.start(key, Date(2026, 3, 2));
        Observation o;
        o.at = testing::at(2026, 3, 3);
        o.arm = "control";
        for (int i = 0; i < 3000; ++i) {  // three pages of log each
            o.value = 1.0 + i % 5;
            t.log(key, o);
        }
        // Without checkpoints the log would hold some 9,000 pages by now (36 MB); with them it
        // stays near twice SQLite's threshold of 1,000 pages (8 MB), where the committing call steps in.
        CHECK(std::filesystem::file_size(path + "-wal") < 20'000'000);
    }
    Tracker reopened = Tracker::open(path);
    CHECK(reopened.count_observations(key) == 3000);
}
