// The SQLite store and its file: creating and migrating, refusing files that are not kokeilu
// trackers (and leaving them byte for byte as they were), read-only opening, and two connections
// sharing one file.
#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"

#include "sqlite_schema.hpp"
#include "temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <exception>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace kokeilu;
namespace fs = std::filesystem;

namespace {

using kokeilu::testing::TempDir;

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

Experiment small_experiment(const std::string& title) {
    Experiment e;
    e.title = title;
    e.organisation = "Ii";
    e.unit = "nuorisopalvelut";
    e.purposes = {Purpose::vitality};
    e.design = DesignKind::one_sample;
    e.arms = {{0, "all", ArmRole::group, "", {}}};
    Metric m;
    m.name = "employed";
    m.kind = MetricKind::proportion;
    m.minimum_effect = 0.1;
    e.metrics = {m};
    e.status = Status::running;
    return e;
}

int pragma(const std::string& path, const char* name) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    return db.execAndGet(std::string("PRAGMA ") + name).getInt();
}

void require_schema_error(const std::string& path, const std::string& expected_text) {
    try {
        (void)open_sqlite_store(path);
        FAIL("the file was accepted");
    } catch (const SchemaError& error) {
        INFO(error.what());
        CHECK(std::string(error.what()).find(expected_text) != std::string::npos);
    }
}

}  // namespace

TEST_CASE("sqlite file: a new or empty file becomes a tracker at the current schema version", "[sqlite]") {
    TempDir dir;
    const std::string missing = dir.file("new.db");
    {
        auto store = open_sqlite_store(missing);
        Experiment e = small_experiment("first");
        store->insert_experiment(e, "II-2026-");
    }
    CHECK(pragma(missing, "application_id") == sqlite_application_id);
    CHECK(pragma(missing, "user_version") == sqlite_schema_version);
    {
        SQLite::Database db(missing, SQLite::OPEN_READONLY);
        CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    }
    // Reopening keeps the data and does not migrate again.
    {
        auto store = open_sqlite_store(missing);
        REQUIRE(store->find_experiment("II-2026-001"));
        CHECK(store->find_experiment("II-2026-001")->title == "first");
    }

    const std::string empty = dir.file("empty.db");
    write_bytes(empty, "");
    { (void)open_sqlite_store(empty); }
    CHECK(pragma(empty, "application_id") == sqlite_application_id);
    CHECK(pragma(empty, "user_version") == sqlite_schema_version);
    CHECK(detail::sqlite_migrations().back().version == sqlite_schema_version);
}

TEST_CASE("sqlite file: another application's SQLite file is refused and left unchanged", "[sqlite]") {
    TempDir dir;
    const std::string path = dir.file("other.db");
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)");
        db.exec("INSERT INTO invoices (amount) VALUES (12.5)");
    }
    const std::string before = read_bytes(path);
    REQUIRE_FALSE(before.empty());
    require_schema_error(path, "another application");
    CHECK(read_bytes(path) == before);
    CHECK_FALSE(fs::exists(path + "-wal"));

    // Marked by another application, even without tables.
    const std::string marked = dir.file("marked.db");
    {
        SQLite::Database db(marked, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA application_id = 1234");
    }
    const std::string marked_before = read_bytes(marked);
    require_schema_error(marked, "another application");
    CHECK(read_bytes(marked) == marked_before);
}

TEST_CASE("sqlite file: a file that is not SQLite is refused and left unchanged", "[sqlite]") {
    TempDir dir;
    const std::string path = dir.file("notes.db");
    std::string garbage = "Kokeilun muistiinpanot: ei tietokanta.\n";
    for (int i = 0; i < 200; ++i) garbage += static_cast<char>(i * 37 % 256);
    write_bytes(path, garbage);
    require_schema_error(path, "not a SQLite database");
    CHECK(read_bytes(path) == garbage);
    CHECK_FALSE(fs::exists(path + "-wal"));
    CHECK_FALSE(fs::exists(path + "-journal"));
}

TEST_CASE("sqlite file: a file written by a newer kokeilu is refused and left unchanged", "[sqlite]") {
    TempDir dir;
    const std::string path = dir.file("newer.db");
    { (void)open_sqlite_store(path); }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("PRAGMA user_version = " + std::to_string(sqlite_schema_version + 1));
    }
    const std::string before = read_bytes(path);
    require_schema_error(path, "newer kokeilu");
    CHECK(read_bytes(path) == before);
    try {
        (void)open_sqlite_store(path, {.read_only = true});
        FAIL("a newer file was opened read-only");
    } catch (const SchemaError&) {
    }
    CHECK(read_bytes(path) == before);
}

TEST_CASE("sqlite file: read-only opens an existing tracker, reads, and refuses writes", "[sqlite]") {
    TempDir dir;
    const std::string path = dir.file("tracker.db");
    CHECK_THROWS_AS(open_sqlite_store(path, {.read_only = true}), NotFoundError);
    CHECK_FALSE(fs::exists(path));

    const std::string empty = dir.file("empty.db");
    write_bytes(empty, "");
    CHECK_THROWS_AS(open_sqlite_store(empty, {.read_only = true}), SchemaError);
    CHECK(read_bytes(empty).empty());

    std::int64_t id = 0;
    {
        auto store = open_sqlite_store(path);
        Experiment e = small_experiment("luettava");
        store->insert_experiment(e, "II-2026-");
        id = e.id;
        store->add_journal_entry(id, {0, Time(Date(2026, 1, 1)), "a", "b"});
    }
    const std::string before = read_bytes(path);
    auto reader = open_sqlite_store(path, {.read_only = true});
    const auto found = reader->find_experiment("II-2026-001");
    REQUIRE(found);
    CHECK(found->title == "luettava");
    CHECK(reader->list_experiments({}).size() == 1);
    CHECK(reader->journal(id).size() == 1);

    Experiment another = small_experiment("ei saa");
    CHECK_THROWS_AS(reader->insert_experiment(another, "II-2026-"), StorageError);
    Experiment edit = *found;
    edit.title = "muutettu";
    CHECK_THROWS_AS(reader->save_experiment(edit, {}, std::nullopt, HistoryKind::update), StorageError);
    CHECK_THROWS_AS(reader->add_journal_entry(id, {0, Time(Date(2026, 1, 2)), "a", "c"}), StorageError);
    try {
        (void)reader->add_journal_entry(id, {0, Time(Date(2026, 1, 2)), "a", "c"});
    } catch (const StorageError& error) {
        CHECK(error.sqlite_code() == 8);  // SQLITE_READONLY
    }
    CHECK(reader->find_experiment("II-2026-001")->title == "luettava");
    CHECK(reader->journal(id).size() == 1);
    reader.reset();
    CHECK(read_bytes(path) == before);
}

TEST_CASE("sqlite file: two connections share one file", "[sqlite]") {
    TempDir dir;
    const std::string path = dir.file("shared.db");
    auto writer = open_sqlite_store(path);
    auto reader = open_sqlite_store(path);

    Experiment e = small_experiment("jaettu");
    writer->insert_experiment(e, "II-2026-");
    REQUIRE(reader->find_experiment(e.key));
    CHECK(reader->find_experiment(e.key)->title == "jaettu");

    // A save through the reader is seen by the writer, and the writer's stale copy is refused.
    Experiment via_reader = *reader->find_experiment(e.key);
    via_reader.title = "muokattu";
    reader->save_experiment(via_reader, {}, std::nullopt, HistoryKind::update);
    CHECK(writer->find_experiment(e.key)->title == "muokattu");
    CHECK_THROWS_AS(writer->save_experiment(e, {}, std::nullopt, HistoryKind::update), InvalidStateError);

    const std::vector<std::int64_t> times{1, 2, 3};
    const std::vector<double> values{1.0, 0.0, 1.0};
    const std::vector<std::int32_t> codes{0, 0, 0};
    const std::vector<std::int64_t> arms{e.arms[0].id};
    constexpr std::array<Status, 1> running{Status::running};
    writer->insert_observation_columns({e.id, running}, {e.metrics[0].id, times, values, codes, arms, {}});
    CHECK(reader->count_observations(e.id) == 3);
}

TEST_CASE("sqlite file: keys generated by concurrent connections are distinct", "[sqlite]") {
    TempDir dir;
    const std::string path = dir.file("concurrent.db");
    { (void)open_sqlite_store(path); }

    constexpr int per_thread = 15;
    std::vector<std::string> keys[2];
    std::exception_ptr failure[2];
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
        threads.emplace_back([&, t] {
            try {
                auto store = open_sqlite_store(path);
                for (int i = 0; i < per_thread; ++i) {
                    Experiment e = small_experiment("thread " + std::to_string(t));
                    store->insert_experiment(e, "II-2026-");
                    keys[t].push_back(e.key);
                }
            } catch (...) {
                failure[t] = std::current_exception();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& f : failure)
        if (f) std::rethrow_exception(f);

    std::set<std::string> distinct(keys[0].begin(), keys[0].end());
    distinct.insert(keys[1].begin(), keys[1].end());
    CHECK(distinct.size() == 2 * per_thread);
    CHECK(*distinct.begin() == "II-2026-001");
    CHECK(*distinct.rbegin() == "II-2026-030");
    CHECK(open_sqlite_store(path)->list_experiments({}).size() == 2 * per_thread);
}

TEST_CASE("sqlite file: a write lock held too long is a StorageError with the SQLite code", "[sqlite]") {
    TempDir dir;
    const std::string path = dir.file("busy.db");
    auto store = open_sqlite_store(path, {.busy_timeout_ms = 50});
    Experiment first = small_experiment("first");
    store->insert_experiment(first, "II-2026-");

    SQLite::Database other(path, SQLite::OPEN_READWRITE);
    other.exec("BEGIN IMMEDIATE");
    Experiment blocked = small_experiment("blocked");
    try {
        store->insert_experiment(blocked, "II-2026-");
        FAIL("the write went through another connection's lock");
    } catch (const StorageError& error) {
        CHECK(error.sqlite_code() == 5);  // SQLITE_BUSY
    }
    CHECK(blocked.id == 0);
    CHECK(store->find_experiment("II-2026-001"));
    other.exec("ROLLBACK");

    // Reads are not blocked by a writer in WAL mode, and the store works again once the lock is gone.
    store->insert_experiment(blocked, "II-2026-");
    CHECK(blocked.key == "II-2026-002");
}

TEST_CASE("sqlite file: missing numbers in an edited file read back as NaN and the default exposure", "[sqlite]") {
    TempDir dir;
    const std::string path = dir.file("edited.db");
    auto store = open_sqlite_store(path);
    Experiment e = small_experiment("muokattu käsin");
    e.metrics[0].kind = MetricKind::count;  // the metrics with an exposure
    store->insert_experiment(e, "II-2026-");
    const std::vector<std::int64_t> times{1, 2, 3};
    const std::vector<double> values{1.0, 0.0, 0.0};
    const std::vector<std::int32_t> codes{0, 0, 0};
    const std::vector<std::int64_t> arms{e.arms[0].id};
    const std::vector<double> exposure{2.0, 3.0, 4.0};
    constexpr std::array<Status, 1> running{Status::running};
    store->insert_observation_columns({e.id, running}, {e.metrics[0].id, times, values, codes, arms, exposure});
    {
        // What another SQLite tool might leave behind: no value on the last row, no exposure on the
        // first, a subject on the second.
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("UPDATE observations SET value = NULL WHERE at_us = 3");
        db.exec("UPDATE observations SET exposure = NULL WHERE at_us = 1");
        db.exec("UPDATE observations SET subject = 'käsin' WHERE at_us = 2");
    }
    std::vector<ObservationRow> rows;
    std::vector<std::string> subjects;
    store->scan_observations({e.metrics[0].id, {}, {}, {}}, [&](const ObservationRow& row) {
        rows.push_back(row);
        subjects.emplace_back(row.subject);
    });
    REQUIRE(rows.size() == 3);
    CHECK(rows[0].value == 1.0);
    CHECK(rows[0].exposure == 1.0);
    CHECK(rows[1].value == 0.0);  // a stored 0.0 stays 0.0
    CHECK(rows[1].sum_sq == 0.0);
    CHECK(rows[1].exposure == 3.0);
    CHECK(std::isnan(rows[2].value));
    CHECK(std::isnan(rows[2].sum));
    CHECK_FALSE(rows[2].is_aggregate);
    CHECK(subjects == std::vector<std::string>{"", "käsin", ""});
}

TEST_CASE("sqlite file: a missing value in an edited file of unit-level values reads back as NaN", "[sqlite]") {
    // A metric with unit-level values only and no exposure is read through two columns (arm and
    // value; six for a full read): the same row must come back the same way.
    TempDir dir;
    const std::string path = dir.file("edited.db");
    auto store = open_sqlite_store(path);
    Experiment e = small_experiment("muokattu käsin");
    store->insert_experiment(e, "II-2026-");
    const std::vector<std::int64_t> times{1, 2, 3};
    const std::vector<double> values{1.0, 0.0, 1.0};
    const std::vector<std::int32_t> codes{0, 0, 0};
    const std::vector<std::int64_t> arms{e.arms[0].id};
    constexpr std::array<Status, 1> running{Status::running};
    store->insert_observation_columns({e.id, running}, {e.metrics[0].id, times, values, codes, arms, {}});
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("UPDATE observations SET value = NULL WHERE at_us = 3");
        db.exec("UPDATE observations SET note = 'käsin' WHERE at_us = 2");
    }
    for (const bool summary_only : {false, true}) {
        INFO("summary only: " << summary_only);
        std::vector<ObservationRow> rows;
        std::vector<std::string> notes;
        ObservationScan scan{e.metrics[0].id, {}, {}, {}};
        scan.summary_only = summary_only;
        store->scan_observations(scan, [&](const ObservationRow& row) {
            rows.push_back(row);
            notes.emplace_back(row.note);
        });
        REQUIRE(rows.size() == 3);
        CHECK(rows[0].value == 1.0);
        CHECK(rows[1].value == 0.0);
        CHECK(rows[1].exposure == 1.0);
        CHECK(std::isnan(rows[2].value));
        CHECK_FALSE(rows[2].is_aggregate);
        CHECK(rows[2].at_us == (summary_only ? 0 : 3));
        CHECK(notes == (summary_only ? std::vector<std::string>{"", "", ""} : std::vector<std::string>{"", "käsin", ""}));
    }
}
