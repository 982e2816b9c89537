// What is refused before SQLite opens a tracker path: something that is not a regular file, a
// file that is not a SQLite file, a file with two names (for writing), and a "-wal" beside it that
// belongs to another database. Each refusal names the path and leaves every file as it was.
#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "kokeilu/tracker.hpp"
#include "sqlite_schema.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <string>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace kokeilu;
namespace fs = std::filesystem;

namespace {

using kokeilu::testing::TempDir;

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The message of the StorageError that opening `path` throws; fails the test when it opens.
std::string refusal(const std::string& path, const SqliteOptions& options = {}) {
    try {
        (void)open_sqlite_store(path, options);
    } catch (const StorageError& error) {
        CHECK(error.sqlite_code() == SQLITE_CANTOPEN);
        return error.what();
    }
    FAIL("'" << path << "' was opened");
    return "";
}

void make_fifo(const std::string& path) { REQUIRE(::mkfifo(path.c_str(), 0600) == 0); }

// A listening Unix socket at `path`, closed (the entry stays) at the end of the scope.
class Socket {
public:
    explicit Socket(const std::string& path) : fd_(::socket(AF_UNIX, SOCK_STREAM, 0)) {
        REQUIRE(fd_ >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        REQUIRE(path.size() < sizeof address.sun_path);
        path.copy(address.sun_path, path.size());
        REQUIRE(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    }
    ~Socket() { ::close(fd_); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

private:
    int fd_;
};

// A tracker with one running experiment and `rows` observations, its log copied into the main file.
void make_tracker(const std::string& path, int rows, const std::string& key) {
    Tracker tracker = Tracker::open(path);
    Experiment e = kokeilu::testing::home_care_draft();
    e.key = key;
    tracker.create(e);
    tracker.start(key, Date(2025, 3, 1));
    std::vector<Observation> observations(static_cast<std::size_t>(rows));
    for (int i = 0; i < rows; ++i) {
        observations[static_cast<std::size_t>(i)].at = Time(Date(2025, 3, 2), boost::posix_time::minutes(i));
        observations[static_cast<std::size_t>(i)].arm = i % 2 == 0 ? "control" : "video";
        observations[static_cast<std::size_t>(i)].value = 1.0 + i % 5;
    }
    if (rows > 0) tracker.log_many(key, observations);
}

// Copies the tracker's write-ahead log to `log_copy` as a killed writer leaves a log: holding
// commits not yet copied into the main file. A second connection that stays open meanwhile keeps
// the close from checkpointing the log (and deleting it). With `main_copy`, the main file too, as
// a backup taken mid-work.
void copy_log(const std::string& path, const std::function<void(Tracker&)>& writes, const std::string& log_copy,
              const std::string& main_copy = "") {
    std::optional<Tracker> tracker(Tracker::open(path));
    SQLite::Database holder(path, SQLite::OPEN_READWRITE);
    (void)holder.execAndGet("SELECT count(*) FROM sqlite_master");
    writes(*tracker);
    tracker.reset();
    REQUIRE(fs::file_size(path + "-wal") > 0);
    fs::copy_file(path + "-wal", log_copy);
    if (!main_copy.empty()) fs::copy_file(path, main_copy);
}

Observation one_value(double value, int minute) {
    Observation o;
    o.at = Time(Date(2025, 3, 3), boost::posix_time::minutes(minute));
    o.arm = "video";
    o.value = value;
    return o;
}

}  // namespace

TEST_CASE("file checks: a FIFO, a socket, a device or a folder is refused before SQLite opens it",
          "[sqlite][open][file]") {
    TempDir dir;
    const std::string fifo = dir.file("putki.db");
    make_fifo(fifo);
    // Opening a FIFO for reading blocks until a writer comes: this test would hang, not fail.
    for (const bool read_only : {false, true}) {
        const std::string message = refusal(fifo, {.read_only = read_only});
        INFO(message);
        CHECK(contains(message, "opening '" + fifo + "': it is a FIFO (named pipe), not a file"));
    }

    const std::string socket_path = dir.file("pistoke.db");
    Socket socket(socket_path);
    CHECK(contains(refusal(socket_path), "it is a socket, not a file"));

    const std::string device_link = dir.file("laite.db");
    fs::create_symlink("/dev/null", device_link);
    const std::string device = refusal(device_link);
    INFO(device);
    CHECK(contains(device, "it is a symbolic link to a character device, not a file"));

    const std::string fifo_link = dir.file("linkki.db");
    fs::create_symlink(fifo, fifo_link);
    CHECK(contains(refusal(fifo_link), "it is a symbolic link to a FIFO (named pipe)"));

    const std::string folder = dir.file("kansio.db");
    fs::create_directory(folder);
    CHECK(contains(refusal(folder, {.read_only = true}), "it is a folder, not a file"));

    // A symbolic link to a regular file is that file.
    const std::string real = dir.file("oikea.db");
    make_tracker(real, 3, "LINK-001");
    fs::create_symlink(real, dir.file("nimi.db"));
    auto through_link = open_sqlite_store(dir.file("nimi.db"));
    CHECK(through_link->find_experiment("LINK-001"));
}

TEST_CASE("file checks: a FIFO or folder where SQLite keeps its log or journal is refused", "[sqlite][open][file]") {
    TempDir dir;
    const std::string path = dir.file("kokeilut.db");
    make_tracker(path, 3, "WAL-001");
    const std::string before = read_bytes(path);
    make_fifo(path + "-wal");
    const std::string wal = refusal(path);
    INFO(wal);
    CHECK(contains(wal, "its write-ahead log '" + path + "-wal' is a FIFO (named pipe), not a file"));
    fs::remove(path + "-wal");

    fs::create_directory(path + "-journal");
    CHECK(contains(refusal(path, {.read_only = true}), "its rollback journal '" + path + "-journal' is a folder"));
    fs::remove(path + "-journal");

    make_fifo(path + "-shm");
    CHECK(contains(refusal(path), "its shared-memory index '" + path + "-shm' is a FIFO"));
    fs::remove(path + "-shm");

    CHECK(read_bytes(path) == before);
    CHECK(open_sqlite_store(path)->find_experiment("WAL-001"));
}

TEST_CASE("file checks: a file that does not start as a SQLite file is refused unread by SQLite",
          "[sqlite][open][file]") {
    TempDir dir;
    for (const std::string& content : {std::string("SQLite format 2\0", 16), std::string("x"),
                                      std::string(4096, '\0'), std::string("value,arm\n3,control\n")}) {
        const std::string path = dir.file("outo.db");
        {
            std::ofstream out(path, std::ios::binary | std::ios::trunc);
            out << content;
        }
        for (const bool read_only : {false, true}) {
            try {
                (void)open_sqlite_store(path, {.read_only = read_only});
                FAIL("a file of " << content.size() << " bytes was opened");
            } catch (const SchemaError& error) {
                CHECK(contains(error.what(), "'" + path + "' is not a kokeilu tracker: it is not a SQLite database"));
            }
        }
        CHECK(read_bytes(path) == content);
        for (const char* suffix : {"-wal", "-shm", "-journal"}) CHECK_FALSE(fs::exists(path + suffix));
    }
}

TEST_CASE("file checks: a file with two names is refused for writing, with the reason and the fix",
          "[sqlite][open][file]") {
    TempDir dir;
    const std::string path = dir.file("kokeilut.db");
    make_tracker(path, 3, "LINK-001");
    const std::string other = dir.file("toinen.db");
    fs::create_hard_link(path, other);
    const std::string before = read_bytes(path);

    for (const std::string& name : {path, other}) {
        const std::string message = refusal(name);
        INFO(message);
        CHECK(contains(message, "'" + name + "' has 2 names (hard links), and writing it is refused"));
        CHECK(contains(message, "a write-ahead log per name"));
        CHECK(contains(message, "copy it (cp '" + name + "' new.db)"));
        CHECK(contains(message, "remove the other link"));
        CHECK_THROWS_AS(Tracker::open(name), StorageError);
    }
    // Reading writes nothing, so it cannot lose a row.
    auto reader = open_sqlite_store(other, {.read_only = true});
    CHECK(reader->count_observations(reader->find_experiment("LINK-001")->id) == 3);
    reader.reset();
    CHECK(read_bytes(path) == before);

    // The fix the message gives: one name again.
    fs::remove(other);
    Tracker tracker = Tracker::open(path);
    tracker.log("LINK-001", one_value(4.0, 1));
    CHECK(tracker.count_observations("LINK-001") == 4);
}

TEST_CASE("file checks: the log of another tracker beside a file is refused, both files left unchanged",
          "[sqlite][open][file][wal]") {
    // What was seen: the log of a tracker with 500 rows beside a tracker with 3 made the second
    // show the first one's 500 rows, its own 3 gone.
    TempDir dir;
    const std::string own = dir.file("oma.db");
    make_tracker(own, 3, "OWN-001");
    const std::string other = dir.file("toinen.db");
    make_tracker(other, 0, "OTHER-001");
    copy_log(
        other,
        [](Tracker& t) {
            std::vector<Observation> rows;
            for (int i = 0; i < 500; ++i) rows.push_back(one_value(1.0 + i % 3, i));
            t.log_many("OTHER-001", rows);
        },
        own + "-wal");
    const std::string main_before = read_bytes(own);
    const std::string log_before = read_bytes(own + "-wal");

    for (const bool read_only : {false, true}) {
        const std::string message = refusal(own, {.read_only = read_only});
        INFO(message);
        CHECK(contains(message, "its write-ahead log '" + own + "-wal' belongs to another tracker file"));
        CHECK(contains(message, "Both files were left unchanged"));
        CHECK(contains(message, "move '" + own + "-wal'"));
    }
    CHECK(read_bytes(own) == main_before);
    CHECK(read_bytes(own + "-wal") == log_before);

    // Moved away, the file is its own again: 3 rows.
    fs::rename(own + "-wal", dir.file("stale-wal"));
    fs::remove(own + "-shm");
    auto store = open_sqlite_store(own);
    CHECK(store->count_observations(store->find_experiment("OWN-001")->id) == 3);

    // The file's own log, copied the same way with it, is its own: the copy opens with the row in
    // the log.
    store.reset();
    const std::string copy = dir.file("kopio.db");
    copy_log(own, [](Tracker& t) { t.log("OWN-001", one_value(5.0, 9)); }, copy + "-wal", copy);
    auto reopened = open_sqlite_store(copy, {.read_only = true});
    CHECK(reopened->count_observations(reopened->find_experiment("OWN-001")->id) == 4);
}

TEST_CASE("file checks: a log that was started again after a checkpoint still names its file",
          "[sqlite][open][file][wal]") {
    // A log starts again from its beginning at the first commit after a checkpoint copied all of
    // it; the identity page written by the connection's first write is then gone from it. The
    // store writes it again into the new log.
    TempDir dir;
    const std::string own = dir.file("oma.db");
    make_tracker(own, 3, "OWN-001");
    const std::string other = dir.file("toinen.db");
    make_tracker(other, 0, "OTHER-001");
    copy_log(
        other,
        [&](Tracker& t) {
        const auto salts = [&] {
            const std::string head = read_bytes(dir.file("toinen.db-wal")).substr(0, 24);
            return head.size() == 24 ? head.substr(16, 8) : std::string();
        };
        t.log("OTHER-001", one_value(1.0, 0));
        const std::string first = salts();
        // Back-to-back single writes checkpoint in the committing call once the log passes 1,000
        // pages; the next commit then starts the log again, with new salts.
        int minute = 1;
        while (salts() == first) {
            t.log("OTHER-001", one_value(2.0, minute++));
            REQUIRE(minute < 20000);
        }
        t.log("OTHER-001", one_value(3.0, minute));
        },
        own + "-wal");
    CHECK(contains(refusal(own), "belongs to another tracker file"));
}

TEST_CASE("file checks: the log of another SQLite database, or one beside an empty file, is refused",
          "[sqlite][open][file][wal]") {
    TempDir dir;
    const std::string own = dir.file("oma.db");
    make_tracker(own, 3, "OWN-001");
    const std::string foreign = dir.file("muu.db");
    {
        SQLite::Database db(foreign, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance REAL)");
        SQLite::Database holder(foreign, SQLite::OPEN_READWRITE);
        (void)holder.execAndGet("SELECT count(*) FROM sqlite_master");
        db.exec("INSERT INTO accounts (balance) VALUES (1), (2), (3)");
        fs::copy_file(foreign + "-wal", own + "-wal");
        fs::copy_file(foreign + "-wal", dir.file("tyhja.db-wal"));
    }
    const std::string before = read_bytes(own);
    CHECK(contains(refusal(own), "belongs to another SQLite database"));
    CHECK(read_bytes(own) == before);

    // SQLite deletes the log of a main file that is empty, without a word; kokeilu refuses instead.
    const std::string empty = dir.file("tyhja.db");
    { std::ofstream touch(empty, std::ios::binary); }
    const std::string log = read_bytes(empty + "-wal");
    CHECK(contains(refusal(empty), "belongs to another database ('" + empty + "' is empty)"));
    CHECK(read_bytes(empty + "-wal") == log);
}

TEST_CASE("file checks: a tracker at schema 2 opens, migrates to 6 and gets an identity", "[sqlite][open][file]") {
    TempDir dir;
    const std::string path = dir.file("vanha.db");
    {
        // A file as the previous version left it: schema 2.
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec("PRAGMA journal_mode = WAL");
        db.exec(detail::sqlite_migrations()[0].sql);
        db.exec(detail::sqlite_migrations()[1].sql);
        db.exec("PRAGMA application_id = " + std::to_string(sqlite_application_id));
        db.exec("PRAGMA user_version = 2");
    }
    std::string identity;
    {
        auto store = open_sqlite_store(path);
        Experiment e = kokeilu::testing::home_care_draft();
        e.key = "OLD-001";
        store->insert_experiment(e, "");
    }
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    CHECK(db.execAndGet("SELECT count(*) FROM file_identity").getInt() == 1);
    identity = db.execAndGet("SELECT id FROM file_identity").getString();
    CHECK(identity.starts_with("kokeilu-file-id:"));
    CHECK(identity.size() == 16 + 32);
    // The first write of a connection writes the identity page into the log again.
    CHECK(db.execAndGet("SELECT marks FROM file_identity").getInt() >= 1);
}

namespace {

std::uint32_t get_be32(const std::string& s, std::size_t at) {
    const auto b = [&](std::size_t i) { return std::uint32_t{static_cast<unsigned char>(s[at + i])}; };
    return (b(0) << 24) | (b(1) << 16) | (b(2) << 8) | b(3);
}

void put_be32(std::string& s, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) s[at + static_cast<std::size_t>(i)] = static_cast<char>(v >> (24 - 8 * i));
}

// The log rewritten as a big-endian machine writes it (magic 0x377f0683: checksums over big-endian
// words), each checksum of the chain computed again: https://www.sqlite.org/fileformat2.html#walformat
std::string as_big_endian_log(std::string log) {
    REQUIRE(get_be32(log, 0) == 0x377f0682);  // as this little-endian machine wrote it
    put_be32(log, 0, 0x377f0683);
    std::uint32_t s0 = 0;
    std::uint32_t s1 = 0;
    const auto add = [&](std::size_t from, std::size_t size) {
        for (std::size_t i = from; i < from + size; i += 8) {
            s0 += get_be32(log, i) + s1;
            s1 += get_be32(log, i + 4) + s0;
        }
    };
    add(0, 24);
    put_be32(log, 24, s0);
    put_be32(log, 28, s1);
    const std::size_t frame = 24 + get_be32(log, 8);
    for (std::size_t at = 32; at + frame <= log.size(); at += frame) {
        add(at, 8);
        add(at + 24, frame - 24);
        put_be32(log, at + 16, s0);
        put_be32(log, at + 20, s1);
    }
    return log;
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

}  // namespace

TEST_CASE("file checks: a log that SQLite would not replay is not judged either, and the file opens as its own",
          "[sqlite][open][file][wal]") {
    // The log is read exactly as far as SQLite's recovery would replay it. Another tracker's log,
    // broken where SQLite stops, shows none of its rows: refusing it would refuse a file that is fine.
    TempDir dir;
    const std::string other = dir.file("toinen.db");
    make_tracker(other, 0, "OTHER-001");
    const std::string log_path = dir.file("log");
    copy_log(other, [](Tracker& t) { t.log("OTHER-001", one_value(1.0, 0)); }, log_path);
    const std::string log = read_bytes(log_path);
    const std::size_t frame = 24 + get_be32(log, 8);
    REQUIRE(log.size() >= 32 + frame);

    const std::vector<std::pair<std::string, std::function<void(std::string&)>>> breaks{
        {"magic", [](std::string& l) { put_be32(l, 0, 0x377f0680); }},
        {"format version", [](std::string& l) { put_be32(l, 4, 3007001); }},
        {"page size not a power of two", [](std::string& l) { put_be32(l, 8, 4000); }},
        {"page size too small", [](std::string& l) { put_be32(l, 8, 256); }},
        {"page size too large", [](std::string& l) { put_be32(l, 8, 131072); }},
        {"header checksum", [](std::string& l) { l[24] = static_cast<char>(l[24] ^ 1); }},
        {"first frame's salt", [](std::string& l) { l[32 + 8] = static_cast<char>(l[32 + 8] ^ 1); }},
        {"first frame's page number 0", [](std::string& l) { put_be32(l, 32, 0); }},
        {"first frame's checksum", [](std::string& l) { l[32 + 20] = static_cast<char>(l[32 + 20] ^ 1); }},
        {"first frame's page", [frame](std::string& l) { l[32 + frame - 1] = static_cast<char>(l[32 + frame - 1] ^ 1); }},
        {"cut inside the first frame", [frame](std::string& l) { l.resize(32 + frame / 2); }},
        {"cut inside the header", [](std::string& l) { l.resize(20); }},
    };
    int n = 0;
    for (const auto& [name, make_break] : breaks) {
        INFO(name);
        const std::string own = dir.file("oma" + std::to_string(n++) + ".db");
        make_tracker(own, 3, "OWN-001");
        std::string broken = log;
        make_break(broken);
        write_bytes(own + "-wal", broken);
        auto store = open_sqlite_store(own, {.read_only = true});
        CHECK(store->count_observations(store->find_experiment("OWN-001")->id) == 3);
    }

    // Unbroken, the same log is refused.
    make_tracker(dir.file("ehja.db"), 3, "OWN-001");
    write_bytes(dir.file("ehja.db-wal"), log);
    CHECK(contains(refusal(dir.file("ehja.db")), "belongs to another tracker file"));
}

TEST_CASE("file checks: a log written with big-endian checksums is read as well", "[sqlite][open][file][wal]") {
    // SQLite writes the checksums in the byte order of the machine that writes the log, and any
    // machine replays either; a file moved from a big-endian server is judged the same.
    TempDir dir;
    const std::string other = dir.file("toinen.db");
    make_tracker(other, 0, "OTHER-001");
    const std::string log_path = dir.file("log");
    const std::string copy = dir.file("kopio.db");
    copy_log(other, [](Tracker& t) { t.log("OTHER-001", one_value(1.0, 0)); }, log_path, copy);
    const std::string big_endian = as_big_endian_log(read_bytes(log_path));

    // SQLite itself replays the rewritten log beside its own file: the rewriting is right.
    write_bytes(copy + "-wal", big_endian);
    {
        auto store = open_sqlite_store(copy, {.read_only = true});
        CHECK(store->count_observations(store->find_experiment("OTHER-001")->id) == 1);
    }
    const std::string own = dir.file("oma.db");
    make_tracker(own, 3, "OWN-001");
    write_bytes(own + "-wal", big_endian);
    CHECK(contains(refusal(own), "belongs to another tracker file"));
}
