// Opening a tracker file that cannot be opened as asked: bad options, a path that is a folder, a
// missing folder, a symlink loop, an index file that cannot be made, a half-made tracker. Each
// gives an error that says what is wrong in words a user can act on, and leaves the file as it was.
//
// These cases hold for root as well, who ignores file permissions: see block_index().
#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "temp_dir.hpp"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

using namespace kokeilu;
namespace fs = std::filesystem;

namespace {

using kokeilu::testing::TempDir;

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Experiment small_experiment(const std::string& title) {
    Experiment e;
    e.title = title;
    e.organisation = "Kajaani";
    e.unit = "kirjasto";
    e.purposes = {Purpose::vitality};
    e.design = DesignKind::one_sample;
    e.arms = {{0, "all", ArmRole::group, "", {}}};
    Metric m;
    m.name = "visits";
    m.kind = MetricKind::count;
    m.minimum_effect = 0.1;
    e.metrics = {m};
    e.status = Status::running;
    return e;
}

// The StorageError that opening `path` throws; fails the test when the open succeeds.
StorageError open_failure(const std::string& path, const SqliteOptions& options = {}) {
    try {
        (void)open_sqlite_store(path, options);
    } catch (const StorageError& error) {
        return error;
    }
    FAIL("'" << path << "' was opened");
    return StorageError(Message{"store.sqlite_failed", {}}, 0);
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("sqlite open: bad options are refused naming the option, before any file is touched", "[sqlite][open]") {
    TempDir dir;
    const std::string path = dir.file("tracker.db");
    try {
        (void)open_sqlite_store(path, {.busy_timeout_ms = -1});
        FAIL("a negative busy timeout was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "busy_timeout_ms");
    }
    try {
        (void)open_sqlite_store(path + std::string(1, '\0') + "other.db");
        FAIL("a path with a NUL character was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "path");
    }
    for (const std::string in_memory : {"", ":memory:"}) {
        try {
            (void)open_sqlite_store(in_memory, {.read_only = true});
            FAIL("an in-memory tracker was opened read-only");
        } catch (const InvalidArgumentError& error) {
            CHECK(error.field() == "read_only");
        }
    }
    CHECK_FALSE(fs::exists(path));
    // The empty path is an in-memory tracker, like ":memory:".
    auto store = open_sqlite_store("");
    Experiment e = small_experiment("muistissa");
    store->insert_experiment(e, "KAJAANI-2026-");
    CHECK(e.key == "KAJAANI-2026-001");
}

TEST_CASE("sqlite open: a folder, a missing folder or a symlink loop is named as the reason", "[sqlite][open]") {
    TempDir dir;
    const std::string folder = dir.file("kokeilut");
    fs::create_directory(folder);
    const StorageError is_folder = open_failure(folder);
    INFO(is_folder.what());
    CHECK(is_folder.sqlite_code() == SQLITE_CANTOPEN);
    CHECK(contains(is_folder.what(), "opening '" + folder + "'"));
    CHECK(contains(is_folder.what(), "it is a folder"));
    // Read-only too: the folder is refused before SQLite would try to read it.
    const StorageError folder_read_only = open_failure(folder, {.read_only = true});
    INFO(folder_read_only.what());
    CHECK(contains(folder_read_only.what(), "opening '" + folder + "': it is a folder"));

    // The file system's own words: they name the problem exactly.
    const std::string in_missing_folder = dir.file("missing") + "/tracker.db";
    const StorageError missing = open_failure(in_missing_folder);
    INFO(missing.what());
    CHECK(missing.sqlite_code() == SQLITE_CANTOPEN);
    CHECK(contains(missing.what(), std::make_error_code(std::errc::no_such_file_or_directory).message()));
    CHECK_FALSE(fs::exists(dir.file("missing")));

    const std::string loop = dir.file("loop.db");
    fs::create_symlink("loop.db", loop);
    const StorageError looping = open_failure(loop);
    INFO(looping.what());
    CHECK(looping.sqlite_code() == SQLITE_CANTOPEN);
    CHECK(contains(looping.what(), std::make_error_code(std::errc::too_many_symbolic_link_levels).message()));
}

// Makes SQLite unable to create or open the "-shm" index of `path`, as in a folder the user cannot
// write or on a read-only medium. SQLite opens the index with O_NOFOLLOW, so a symbolic link in
// its place stops it for every user, root included.
void block_index(const std::string& path) {
    fs::remove(path + "-shm");
    fs::create_symlink("elsewhere", path + "-shm");
}

TEST_CASE("sqlite open: without a writable index a tracker opens read-only, and only when nothing is lost",
          "[sqlite][open]") {
    TempDir dir;
    // Characters that end or escape a URI path, and a control character, in the folder name: the
    // read-only fallback addresses the file by URI and must still find this one.
    const std::string folder = dir.file("kuntien kokeilut ?#%\x01\x7f 50%");
    fs::create_directory(folder);
    const std::string path = folder + "/tracker.db";
    {
        auto store = open_sqlite_store(path);
        Experiment e = small_experiment("lukukelpoinen");
        store->insert_experiment(e, "KAJAANI-2026-");
    }
    REQUIRE_FALSE(fs::exists(path + "-wal"));  // checkpointed into the main file on close
    block_index(path);
    const std::string before = read_bytes(path);

    const StorageError write_open = open_failure(path);
    INFO(write_open.what());
    CHECK(write_open.sqlite_code() == SQLITE_CANTOPEN);
    CHECK(contains(write_open.what(), "cannot be written; open it read-only to read it"));

    {
        auto reader = open_sqlite_store(path, {.read_only = true});
        const auto found = reader->find_experiment("KAJAANI-2026-001");
        REQUIRE(found);
        CHECK(found->title == "lukukelpoinen");
        CHECK(reader->list_experiments({}).size() == 1);
        Experiment another = small_experiment("ei saa");
        CHECK_THROWS_AS(reader->insert_experiment(another, "KAJAANI-2026-"), StorageError);
    }
    CHECK(read_bytes(path) == before);

    // An empty "-wal" file holds no commits: the tracker still opens read-only.
    { std::ofstream(path + "-wal", std::ios::binary); }
    {
        auto reader = open_sqlite_store(path, {.read_only = true});
        CHECK(reader->find_experiment("KAJAANI-2026-001"));
    }
    CHECK(fs::file_size(path + "-wal") == 0);

    // Commits still in a "-wal" file would be missed by reading the main file alone: then the
    // open fails and says so, rather than show an old state of the tracker.
    const std::string with_wal = dir.file("with-wal.db");
    {
        auto store = open_sqlite_store(with_wal);
        Experiment e = small_experiment("lokissa");
        // A second connection that stays open keeps the store's close from checkpointing the log.
        SQLite::Database holder(with_wal, SQLite::OPEN_READWRITE);
        (void)holder.execAndGet("SELECT count(*) FROM sqlite_master");
        store->insert_experiment(e, "KAJAANI-2026-");
        store.reset();
        REQUIRE(fs::file_size(with_wal + "-wal") > 0);
        // A copy of the file and its log while the log holds commits, as a backup taken mid-work.
        fs::copy_file(with_wal, dir.file("copy.db"));
        fs::copy_file(with_wal + "-wal", dir.file("copy.db-wal"));
    }
    const std::string copy = dir.file("copy.db");
    block_index(copy);
    const StorageError unread = open_failure(copy, {.read_only = true});
    INFO(unread.what());
    CHECK(unread.sqlite_code() == SQLITE_CANTOPEN);
    CHECK(contains(unread.what(), "the file cannot be read"));
}

TEST_CASE("sqlite open: a file name that begins with \"file:\" is a file, not a URI", "[sqlite][open]") {
    // SQLite would read "file:kokeilut.db?mode=memory" as a URI for a database in memory, and every
    // write would vanish on close.
    TempDir dir;
    const fs::path previous = fs::current_path();
    fs::current_path(dir.file(""));
    const std::string name = "file:kokeilut.db?mode=memory";
    try {
        {
            auto store = open_sqlite_store(name);
            Experiment e = small_experiment("tiedostossa");
            store->insert_experiment(e, "KAJAANI-2026-");
        }
        CHECK(fs::is_regular_file(dir.file(name)));
        auto reopened = open_sqlite_store(name, {.read_only = true});
        CHECK(reopened->find_experiment("KAJAANI-2026-001"));
    } catch (...) {
        fs::current_path(previous);
        throw;
    }
    fs::current_path(previous);
}

TEST_CASE("sqlite open: a tracker left without its schema is finished on a writable open", "[sqlite][open]") {
    // Marked as kokeilu's but at schema version 0: what a first open leaves when it stops between
    // marking the file and creating the tables (or a file from before the first schema version).
    TempDir dir;
    const std::string path = dir.file("half.db");
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA application_id = " + std::to_string(sqlite_application_id));
    }
    const std::string before = read_bytes(path);
    try {
        (void)open_sqlite_store(path, {.read_only = true});
        FAIL("a tracker without its schema was opened read-only");
    } catch (const SchemaError& error) {
        INFO(error.what());
        CHECK(contains(error.what(), "older schema version 0"));
        CHECK(contains(error.what(), "open it once without read_only"));
    }
    CHECK(read_bytes(path) == before);

    {
        auto store = open_sqlite_store(path);
        Experiment e = small_experiment("valmis");
        store->insert_experiment(e, "KAJAANI-2026-");
    }
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    CHECK(db.execAndGet("SELECT count(*) FROM experiments").getInt() == 1);
}

TEST_CASE("sqlite open: a SQLite file with tables or a version but no mark is another application's",
          "[sqlite][open]") {
    TempDir dir;
    const std::string versioned = dir.file("versioned.db");
    {
        SQLite::Database db(versioned, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA user_version = 3");
    }
    const std::string before = read_bytes(versioned);
    try {
        (void)open_sqlite_store(versioned);
        FAIL("an unmarked file with a schema version was taken over");
    } catch (const SchemaError& error) {
        INFO(error.what());
        CHECK(contains(error.what(), "another application"));
    }
    CHECK(read_bytes(versioned) == before);
}
