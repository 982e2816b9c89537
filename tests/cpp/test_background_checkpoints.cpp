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

TEST_CASE("checkpoints of writes that come apart run on their own thread", "[sqlite][checkpoint]") {
    testing::TempDir dir;
    const std::string path = dir.file("wal.db");
    SQLite::Database db = wal_file(path);
    // No commit counts as back to back, however fast the machine: the pace is the test's choice,
    // not the load's.
    BackgroundCheckpointer checkpointer(db.getHandle(), 50, std::chrono::steady_clock::duration::zero());

    commit_rows(db, 5);  // a few frames each: below the threshold nothing is asked
    CHECK(checkpointer.completed() == 0);

    // With pauses between the commits, the background rounds copy the whole log before the next
    // commit, which starts the log again from its beginning: it stays near the threshold, and no
    // committing call checkpoints itself.
    for (int i = 0; i < 120; ++i) {
        commit_rows(db, 1);
        // Writes that come apart: the next one comes after the round this one asked for, however
        // slowly a loaded machine runs the thread.
        REQUIRE(eventually([&] { return !checkpointer.round_due(); }));
    }
    REQUIRE(eventually([&] { return checkpointer.completed() > 2; }));
    CHECK(checkpointer.inline_checkpoints() == 0);
    CHECK(std::filesystem::file_size(path + "-wal") < 150 * 4096);
    // Every commit is in the file, whatever was checkpointed when.
    CHECK(db.execAndGet("SELECT count(*) FROM rows").getInt() == 125);
    CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
}

TEST_CASE("checkpoints of back-to-back writes run in the committing call, as SQLite's own", "[sqlite][checkpoint]") {
    // A background copy could not finish while frames keep coming, and would only compete with
    // the writer.
    testing::TempDir dir;
    const std::string path = dir.file("wal.db");
    SQLite::Database db = wal_file(path);
    // Every commit counts as back to back, however loaded the machine is.
    BackgroundCheckpointer checkpointer(db.getHandle(), 50, std::chrono::hours(1));
    commit_rows(db, 300);
    CHECK(checkpointer.inline_checkpoints() > 0);
    CHECK(checkpointer.background_rounds() == 0);
    CHECK(std::filesystem::file_size(path + "-wal") < 150 * 4096);
    CHECK(db.execAndGet("SELECT count(*) FROM rows").getInt() == 300);
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
        t.start(key, Date(2025, 3, 3));
        Observation o;
        o.at = testing::at(2025, 3, 4);
        o.arm = "control";
        for (int i = 0; i < 3000; ++i) {  // three pages of log each
            o.value = 1.0 + i % 5;
            t.log(key, o);
        }
        // Without checkpoints the log would hold some 9,000 pages by now (36 MB); back to back,
        // the committing call checkpoints at SQLite's threshold of 1,000 pages (4 MB).
        CHECK(std::filesystem::file_size(path + "-wal") < 12'000'000);
    }
    Tracker reopened = Tracker::open(path);
    CHECK(reopened.count_observations(key) == 3000);
}
