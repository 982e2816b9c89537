// A write that finds another connection holding the write lock waits for it (up to the busy
// timeout) instead of failing, and tells the caller once the wait has lasted wait_notice_after_ms.
// The holder here is a second connection that releases its lock from the notice itself, so the
// test asserts what happens, never how long it took.
#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <stdexcept>
#include <string>

using namespace kokeilu;

namespace {

using kokeilu::testing::TempDir;

Experiment draft(const std::string& key) {
    Experiment e = kokeilu::testing::home_care_draft();
    e.key = key;
    return e;
}

}  // namespace

TEST_CASE("busy wait: a write waits for another connection's write, with one notice", "[sqlite][wait]") {
    TempDir dir;
    const std::string path = dir.file("kokeilut.db");
    { (void)open_sqlite_store(path); }
    SQLite::Database holder(path, SQLite::OPEN_READWRITE);

    int notices = 0;
    SqliteOptions options;
    options.wait_notice_after_ms = 0;
    options.on_wait = [&] {
        ++notices;
        // The other write finishes (and writes a row of its own) while this one waits.
        holder.exec("INSERT INTO experiment_tags SELECT id, 99, 'holder' FROM experiments");
        holder.exec("COMMIT");
    };
    auto store = open_sqlite_store(path, options);
    Experiment first = draft("WAIT-001");
    store->insert_experiment(first, "");
    CHECK(notices == 0);  // nothing to wait for

    holder.exec("BEGIN IMMEDIATE");
    Experiment second = draft("WAIT-002");
    store->insert_experiment(second, "");
    CHECK(notices == 1);
    CHECK(store->find_experiment("WAIT-002"));
    CHECK(store->find_experiment("WAIT-001")->tags.back() == "holder");
}

TEST_CASE("busy wait: past the timeout the write fails as locked, and the notice came once", "[sqlite][wait]") {
    TempDir dir;
    const std::string path = dir.file("kokeilut.db");
    { (void)open_sqlite_store(path); }
    SQLite::Database holder(path, SQLite::OPEN_READWRITE);
    holder.exec("BEGIN IMMEDIATE");

    int notices = 0;
    SqliteOptions options;
    options.busy_timeout_ms = 50;
    options.wait_notice_after_ms = 0;
    // A notice that fails is no reason to stop waiting, nor an error of the write.
    options.on_wait = [&] {
        ++notices;
        throw std::runtime_error("the terminal is gone");
    };
    auto store = open_sqlite_store(path, options);
    Experiment e = draft("WAIT-001");
    try {
        store->insert_experiment(e, "");
        FAIL("the write did not wait for the lock");
    } catch (const StorageError& error) {
        CHECK(error.sqlite_code() == SQLITE_BUSY);
        CHECK(std::string(error.what()).find("database is locked") != std::string::npos);
    }
    CHECK(notices == 1);
    holder.exec("ROLLBACK");
    store->insert_experiment(e, "");
    CHECK(store->find_experiment("WAIT-001"));
}

TEST_CASE("busy wait: the wait settings are checked and the default waits for minutes", "[sqlite][wait]") {
    CHECK(SqliteOptions{}.busy_timeout_ms >= 60'000);
    SqliteOptions negative;
    negative.wait_notice_after_ms = -1;
    try {
        (void)open_sqlite_store(":memory:", negative);
        FAIL("a negative notice delay was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "wait_notice_after_ms");
    }
}
