// Injected I/O faults. A test VFS wraps SQLite's default one and fails the N-th write, sync or
// read (or reports a full disk on the N-th write). For every N until an operation completes
// without meeting the fault, the operation must throw a kokeilu::Error (a StorageError where the
// fault is an I/O error) and nothing else, and the file, reopened through the ordinary VFS, must
// pass SQLite's integrity check, hold every earlier commit, and hold the failed operation wholly
// or not at all. The same tracker must also keep working once the fault is gone.
//
// The faulty VFS is made SQLite's default while a test runs, so the tracker is opened exactly as
// a user opens it, by path.
#include "kokeilu/error.hpp"
#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/tracker.hpp"
#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

using namespace kokeilu;
namespace fs = std::filesystem;

enum class FaultKind { write, sync, read, full };

const char* name_of(FaultKind kind) {
    switch (kind) {
        case FaultKind::write: return "write";
        case FaultKind::sync: return "sync";
        case FaultKind::read: return "read";
        case FaultKind::full: return "full disk";
    }
    return "?";
}

// The plan of the one fault to inject: the fail_at-th call of the kind fails, and with
// `persistent` every later one too (a disk that stays broken) until disarm().
struct FaultPlan {
    bool armed = false;
    FaultKind kind = FaultKind::write;
    long fail_at = 0;
    bool persistent = false;
    long calls = 0;
    long failures = 0;

    void arm(FaultKind k, long n, bool keep_failing) {
        armed = true;
        kind = k;
        fail_at = n;
        persistent = keep_failing;
        calls = 0;
        failures = 0;
    }
    void disarm() { armed = false; }

    // Counts a call of `k`; true when this one is to fail.
    bool should_fail(FaultKind k) {
        const bool counts = k == kind || (k == FaultKind::write && kind == FaultKind::full);
        if (!armed || !counts) return false;
        ++calls;
        if (calls == fail_at || (persistent && calls > fail_at)) {
            ++failures;
            return true;
        }
        return false;
    }
};

FaultPlan plan;

// A file of the faulty VFS: the real file follows this struct in the same allocation.
struct FaultFile {
    sqlite3_file base;
    sqlite3_file* real;
};

sqlite3_vfs* real_vfs = nullptr;
sqlite3_vfs faulty_vfs;
sqlite3_io_methods faulty_methods;

sqlite3_file* real_of(sqlite3_file* file) { return reinterpret_cast<FaultFile*>(file)->real; }

int fault_close(sqlite3_file* file) {
    sqlite3_file* real = real_of(file);
    const int rc = real->pMethods != nullptr ? real->pMethods->xClose(real) : SQLITE_OK;
    file->pMethods = nullptr;
    return rc;
}
int fault_read(sqlite3_file* file, void* buffer, int amount, sqlite3_int64 offset) {
    if (plan.should_fail(FaultKind::read)) return SQLITE_IOERR_READ;
    sqlite3_file* real = real_of(file);
    return real->pMethods->xRead(real, buffer, amount, offset);
}
int fault_write(sqlite3_file* file, const void* buffer, int amount, sqlite3_int64 offset) {
    if (plan.should_fail(FaultKind::write)) return plan.kind == FaultKind::full ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    sqlite3_file* real = real_of(file);
    return real->pMethods->xWrite(real, buffer, amount, offset);
}
int fault_truncate(sqlite3_file* file, sqlite3_int64 size) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xTruncate(real, size);
}
int fault_sync(sqlite3_file* file, int flags) {
    if (plan.should_fail(FaultKind::sync)) return SQLITE_IOERR_FSYNC;
    sqlite3_file* real = real_of(file);
    return real->pMethods->xSync(real, flags);
}
int fault_file_size(sqlite3_file* file, sqlite3_int64* size) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xFileSize(real, size);
}
int fault_lock(sqlite3_file* file, int level) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xLock(real, level);
}
int fault_unlock(sqlite3_file* file, int level) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xUnlock(real, level);
}
int fault_check_reserved_lock(sqlite3_file* file, int* out) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xCheckReservedLock(real, out);
}
int fault_file_control(sqlite3_file* file, int op, void* arg) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xFileControl(real, op, arg);
}
int fault_sector_size(sqlite3_file* file) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xSectorSize(real);
}
int fault_device_characteristics(sqlite3_file* file) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xDeviceCharacteristics(real);
}
int fault_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xShmMap(real, page, size, extend, out);
}
int fault_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xShmLock(real, offset, n, flags);
}
void fault_shm_barrier(sqlite3_file* file) {
    sqlite3_file* real = real_of(file);
    real->pMethods->xShmBarrier(real);
}
int fault_shm_unmap(sqlite3_file* file, int delete_flag) {
    sqlite3_file* real = real_of(file);
    return real->pMethods->xShmUnmap(real, delete_flag);
}
// Memory-mapped reads would bypass xRead, and so the read faults: they are refused, and SQLite
// falls back to xRead (it does so whenever xFetch gives no pointer).
int fault_fetch(sqlite3_file*, sqlite3_int64, int, void** out) {
    *out = nullptr;
    return SQLITE_OK;
}
int fault_unfetch(sqlite3_file*, sqlite3_int64, void*) { return SQLITE_OK; }

int fault_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* wrapper = reinterpret_cast<FaultFile*>(file);
    wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
    wrapper->real->pMethods = nullptr;
    file->pMethods = nullptr;
    const int rc = real_vfs->xOpen(real_vfs, name, wrapper->real, flags, out_flags);
    // SQLite calls xClose whenever pMethods is set, also after a failed open.
    if (wrapper->real->pMethods != nullptr) file->pMethods = &faulty_methods;
    return rc;
}

void init_faulty_vfs() {
    if (real_vfs != nullptr) return;
    real_vfs = sqlite3_vfs_find(nullptr);
    faulty_vfs = *real_vfs;
    faulty_vfs.pNext = nullptr;
    faulty_vfs.zName = "kokeilu-faulty";
    faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + real_vfs->szOsFile;
    faulty_vfs.xOpen = fault_open;

    faulty_methods = sqlite3_io_methods{};
    faulty_methods.iVersion = 3;
    faulty_methods.xClose = fault_close;
    faulty_methods.xRead = fault_read;
    faulty_methods.xWrite = fault_write;
    faulty_methods.xTruncate = fault_truncate;
    faulty_methods.xSync = fault_sync;
    faulty_methods.xFileSize = fault_file_size;
    faulty_methods.xLock = fault_lock;
    faulty_methods.xUnlock = fault_unlock;
    faulty_methods.xCheckReservedLock = fault_check_reserved_lock;
    faulty_methods.xFileControl = fault_file_control;
    faulty_methods.xSectorSize = fault_sector_size;
    faulty_methods.xDeviceCharacteristics = fault_device_characteristics;
    faulty_methods.xShmMap = fault_shm_map;
    faulty_methods.xShmLock = fault_shm_lock;
    faulty_methods.xShmBarrier = fault_shm_barrier;
    faulty_methods.xShmUnmap = fault_shm_unmap;
    faulty_methods.xFetch = fault_fetch;
    faulty_methods.xUnfetch = fault_unfetch;
    REQUIRE(sqlite3_vfs_register(&faulty_vfs, 0) == SQLITE_OK);
}

// Makes the faulty VFS the default for the lifetime of the object; the real one afterwards.
class FaultyDefaultVfs {
public:
    FaultyDefaultVfs() {
        init_faulty_vfs();
        sqlite3_vfs_register(&faulty_vfs, 1);
    }
    ~FaultyDefaultVfs() {
        plan.disarm();
        sqlite3_vfs_register(real_vfs, 1);
    }
    FaultyDefaultVfs(const FaultyDefaultVfs&) = delete;
    FaultyDefaultVfs& operator=(const FaultyDefaultVfs&) = delete;
};

// A scratch directory, removed at the end.
class ScratchDir {
public:
    explicit ScratchDir(const std::string& name)
        : path_(fs::temp_directory_path() / ("kokeilu-fault-" + name + "-" + std::to_string(::getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

void copy_tracker(const std::string& from, const std::string& to) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(to + suffix);
    fs::copy_file(from, to);
}

// SQLite's own verdict on the file, through the real VFS and without kokeilu.
std::string integrity(const std::string& path) {
    sqlite3* db = nullptr;
    std::string verdict;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, real_vfs->zName) != SQLITE_OK) {
        verdict = std::string("cannot open: ") + sqlite3_errmsg(db);
    } else {
        sqlite3_stmt* statement = nullptr;
        sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr);
        while (sqlite3_step(statement) == SQLITE_ROW)
            verdict += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return verdict;
}

// What a tracker holds, without the parts that differ from run to run (UUIDs, clock times). The
// running summaries are written exactly (hexadecimal floats): replaying the same writes gives the
// same bits, and a summary merged from a stale copy would not.
std::string digest(Tracker& tracker) {
    std::ostringstream out;
    out << std::hexfloat;
    for (const Experiment& e : tracker.experiments()) {
        out << e.key << ' ' << to_string(e.status) << " rev " << e.revision << " amendments "
            << e.amendments.size() << " lock " << e.lock_hash << " title " << e.title << " right_if "
            << e.test_card.right_if << " observations " << tracker.count_observations(e.key) << '\n';
        for (const auto& [metric, arms] : stats::summarise_experiment(tracker, e)) {
            for (const auto& [arm, s] : arms) {
                const stats::Summary::State state = s.state();
                out << "  " << metric << '/' << arm << " n " << state.n << " mean " << state.mean << " m2 " << state.m2
                    << " sum " << state.sum << " exposure " << state.exposure << " rows " << state.unit_rows << '+'
                    << state.aggregate_rows << '\n';
            }
        }
    }
    return out.str();
}

std::string digest_of_file(const std::string& path) {
    Tracker tracker = Tracker::open(path);
    return digest(tracker);
}

const std::string running_key = "FAULT-001";
const std::string draft_key = "FAULT-002";

// Earlier commits: a running experiment with observations and an amendment, and a draft.
void write_baseline(const std::string& path) {
    Tracker tracker = Tracker::open(path);
    Experiment running = testing::home_care_draft();
    running.key = running_key;
    tracker.create(running);
    tracker.start(running_key, Date(2025, 3, 2));
    std::vector<Observation> rows;
    for (int i = 0; i < 200; ++i) {
        Observation o;
        o.at = Time(Date(2025, 3, 3), boost::posix_time::minutes(i));
        o.arm = i % 2 == 0 ? "control" : "video";
        o.value = 1.0 + (i % 5);
        rows.push_back(o);
    }
    tracker.log_many(running_key, rows);
    Experiment amended = tracker.get(running_key);
    amended.test_card.right_if = "the sense of security does not fall by more than 0.2 points";
    tracker.update(amended, "the board asked for a stricter criterion");
    Experiment draft = testing::home_care_draft("Tampere");
    draft.key = draft_key;
    tracker.create(draft);
}

struct Operation {
    std::string name;
    std::function<void(Tracker&)> run;
};

std::vector<Operation> operations() {
    return {
        {"create an experiment",
         [](Tracker& t) {
             Experiment e = testing::home_care_draft("Espoo");
             e.key = "FAULT-003";
             t.create(e);
         }},
        {"log_many of 1000 rows",
         [](Tracker& t) {
             std::vector<Observation> rows(1000);
             for (std::size_t i = 0; i < rows.size(); ++i) {
                 rows[i].at = Time(Date(2025, 4, 2), boost::posix_time::seconds(static_cast<long>(i)));
                 rows[i].arm = i % 3 == 0 ? "control" : "video";
                 rows[i].value = static_cast<double>(1 + i % 5);
                 rows[i].note = "bulk row " + std::to_string(i);
             }
             t.log_many(running_key, rows);
         }},
        {"start a draft", [](Tracker& t) { t.start(draft_key, Date(2025, 4, 2)); }},
        {"amend a running experiment",
         [](Tracker& t) {
             Experiment e = t.get(running_key);
             e.test_card.right_if = "the sense of security does not fall by more than 0.1 points";
             t.update(e, "the clients' council asked for a stricter criterion", "Aino");
         }},
    };
}

// One observation: logged by the tracker under test before the fault is armed (so that what it
// keeps from its last write is in play when a write fails), and after the fault to show that it
// works again once the fault is gone.
void log_value(Tracker& tracker, double value) {
    Observation o;
    o.at = Time(Date(2025, 5, 2), boost::posix_time::hours(12));
    o.arm = "video";
    o.value = value;
    o.note = "after the fault";
    tracker.log(running_key, o);
}

void log_one(Tracker& tracker) { log_value(tracker, 4.0); }
void log_before_the_fault(Tracker& tracker) { log_value(tracker, 2.5); }

// The digest of a copy of `source` after the steps, run by one tracker.
std::string digest_after(const ScratchDir& dir, const std::string& source,
                         const std::vector<std::function<void(Tracker&)>>& steps) {
    const std::string path = dir.file("replay.db");
    copy_tracker(source, path);
    Tracker tracker = Tracker::open(path);
    for (const auto& step : steps) step(tracker);
    return digest(tracker);
}

struct LoopResult {
    long failed_runs = 0;     // runs in which the operation threw
    long completed_at = 0;    // the first N at which the fault was never reached
};

// The loop of one operation and fault kind: N = 1, 2, ... until the operation completes without
// meeting its fault.
// With `warm` the tracker under test logs one row before the fault is armed.
LoopResult fault_loop(const ScratchDir& dir, const std::string& baseline, const Operation& operation,
                      FaultKind kind, bool persistent, bool warm) {
    using Steps = std::vector<std::function<void(Tracker&)>>;
    const Steps first = warm ? Steps{log_before_the_fault} : Steps{};
    const auto then = [&first](const Steps& steps) {
        Steps all = first;
        all.insert(all.end(), steps.begin(), steps.end());
        return all;
    };
    const std::string before = digest_after(dir, baseline, first);
    const std::string after = digest_after(dir, baseline, then({operation.run}));
    REQUIRE(after != before);
    // After a failure the test logs one more row through the same tracker: the states to expect
    // then are these two.
    const std::string before_plus = digest_after(dir, baseline, then({log_one}));
    const std::string after_plus = digest_after(dir, baseline, then({operation.run, log_one}));

    LoopResult result;
    const std::string path = dir.file("faulty.db");
    for (long n = 1; n < 100000; ++n) {
        INFO(operation.name << ", " << name_of(kind) << " fault " << (persistent ? "from" : "at") << " call " << n);
        copy_tracker(baseline, path);
        bool threw = false;
        bool reached = false;
        {
            FaultyDefaultVfs vfs;
            Tracker tracker = Tracker::open(path);
            for (const auto& step : first) step(tracker);
            plan.arm(kind, n, persistent);
            try {
                operation.run(tracker);
            } catch (const StorageError& error) {
                threw = true;
                // The message says what failed, in SQLite's words.
                CHECK(std::string(error.what()).size() > 10);
                CHECK(error.sqlite_code() != 0);
            } catch (const Error& error) {
                // Another kokeilu error is acceptable only as the consequence of the fault.
                threw = true;
                CHECK(plan.failures > 0);
                UNSCOPED_INFO("kokeilu error: " << error.what());
            }
            reached = plan.failures > 0;
            plan.disarm();
            if (threw) {
                CHECK(reached);
                // The same tracker works again once the disk does.
                CHECK_NOTHROW(log_one(tracker));
            }
        }
        // Reopened through the real VFS: sound, with the operation wholly there or wholly not.
        REQUIRE(integrity(path) == "ok");
        std::string now = digest_of_file(path);
        if (threw) {
            CHECK((now == before_plus || now == after_plus));
            ++result.failed_runs;
        } else {
            CHECK(now == after);
        }
        if (!reached) {
            result.completed_at = n;
            break;
        }
    }
    return result;
}

}  // namespace

TEST_CASE("every injected I/O fault gives a kokeilu error and leaves the file consistent", "[fault]") {
    ScratchDir dir("loop");
    const std::string baseline = dir.file("baseline.db");
    write_baseline(baseline);
    {
        // Checkpointed and closed: the baseline is one file, with no WAL.
        Tracker t = Tracker::open(baseline);
    }
    const auto kinds = {FaultKind::write, FaultKind::sync, FaultKind::read, FaultKind::full};
    for (const Operation& operation : operations()) {
        for (const FaultKind kind : kinds) {
            for (const bool persistent : {false, true}) {
                INFO(operation.name << ", " << name_of(kind) << (persistent ? " faults that persist" : " fault"));
                const LoopResult cold = fault_loop(dir, baseline, operation, kind, persistent, false);
                // Every operation here reads and writes, so those faults are always met.
                if (kind != FaultKind::sync) CHECK(cold.failed_runs > 0);
                CHECK(cold.completed_at > 0);

                // A tracker that has just logged keeps the experiment and the running summaries it
                // wrote and reads less (so read faults may never be met), and a write through a kept
                // experiment that fails is tried once more afresh (so a single fault may pass
                // unseen). Either way the file must end as the replayed writes leave it, running
                // summaries included.
                const LoopResult warm = fault_loop(dir, baseline, operation, kind, persistent, true);
                if (persistent && (kind == FaultKind::write || kind == FaultKind::full)) CHECK(warm.failed_runs > 0);
                CHECK(warm.completed_at > 0);
            }
        }
    }
}

TEST_CASE("a full disk while opening a new file gives a clear error and leaves no tracker half made", "[fault]") {
    ScratchDir dir("new");
    const std::string path = dir.file("new.db");
    for (long n = 1;; ++n) {
        INFO("full disk at write " << n);
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path + suffix);
        bool reached = false;
        {
            FaultyDefaultVfs vfs;
            plan.arm(FaultKind::full, n, true);
            try {
                Tracker tracker = Tracker::open(path);
                Experiment e = testing::home_care_draft();
                e.key = "NEW-001";
                tracker.create(e);
            } catch (const StorageError& error) {
                CHECK(error.sqlite_code() == SQLITE_FULL);
                CHECK(std::string(error.what()).find("full") != std::string::npos);
            }
            reached = plan.failures > 0;
        }
        // The file is either no tracker yet (it becomes one now) or a whole one.
        REQUIRE(integrity(path) == "ok");
        const std::string now = digest_of_file(path);
        CHECK((now.empty() || now.find("NEW-001") == 0));
        if (!reached) break;
        REQUIRE(n < 1000);
    }
}
