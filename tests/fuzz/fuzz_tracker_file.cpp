// libFuzzer target: the file check. The fuzzed bytes are written to a file that is then opened as
// a tracker, read-only and for writing, and read through. A file that is not a tracker this
// version can use must give a kokeilu::Error (SchemaError, StorageError, ...), never a crash, a
// hang, an exception of another type, or a changed file when it was refused.
//
// The same bytes are then the "-wal" beside a good tracker, which kokeilu reads itself before
// SQLite does (sqlite_wal_identity.cpp): again only a kokeilu::Error may come, and a log refused as
// another file's must leave both files as they were.
#include "kokeilu/error.hpp"
#include "kokeilu/tracker.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

namespace {

std::string scratch_path() {
    static const std::string path = "/tmp/kokeilu-fuzz-file-" + std::to_string(::getpid()) + ".db";
    return path;
}

void write_file(const std::string& path, const std::uint8_t* data, std::size_t size) {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

std::vector<char> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void read_everything(kokeilu::Tracker& tracker) {
    for (const kokeilu::Experiment& e : tracker.experiments()) {
        (void)tracker.get(e.key);
        (void)tracker.journal(e.key);
        (void)tracker.count_observations(e.key);
        if (!e.metrics.empty()) (void)tracker.observations(e.key);
    }
}

// A tracker with its log copied into the main file, made once per process and removed at its end.
class GoodTracker {
public:
    GoodTracker() : path_("/tmp/kokeilu-fuzz-base-" + std::to_string(::getpid()) + ".db") {
        remove_files();
        kokeilu::Tracker tracker = kokeilu::Tracker::open(path_);
    }
    ~GoodTracker() { remove_files(); }
    GoodTracker(const GoodTracker&) = delete;
    GoodTracker& operator=(const GoodTracker&) = delete;
    [[nodiscard]] const std::string& path() const { return path_; }

private:
    void remove_files() const {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path_ + suffix).c_str());
    }
    std::string path_;
};

const std::string& good_tracker() {
    static const GoodTracker tracker;
    return tracker.path();
}

void log_beside_a_tracker(const std::string& path, const std::uint8_t* data, std::size_t size) {
    const std::vector<char> main = read_file(good_tracker());
    for (const bool read_only : {true, false}) {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::remove((path + suffix).c_str());
        {
            std::ofstream out(path, std::ios::binary);
            out.write(main.data(), static_cast<std::streamsize>(main.size()));
            std::ofstream log(path + "-wal", std::ios::binary);
            log.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        }
        kokeilu::SqliteOptions options;
        options.read_only = read_only;
        options.busy_timeout_ms = 0;
        try {
            kokeilu::Tracker tracker = kokeilu::Tracker::open(path, options);
            read_everything(tracker);
        } catch (const kokeilu::StorageError& error) {
            if (std::string(error.what()).find("' belongs to ") != std::string::npos) {
                const std::vector<char> log = read_file(path + "-wal");
                if (read_file(path) != main || log.size() != size ||
                    !std::equal(log.begin(), log.end(), reinterpret_cast<const char*>(data)))
                    std::abort();
            }
        } catch (const kokeilu::Error&) {
            // A log SQLite cannot use: a clear error is the right answer.
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = scratch_path();
    for (const bool read_only : {true, false}) {
        write_file(path, data, size);
        kokeilu::SqliteOptions options;
        options.read_only = read_only;
        options.busy_timeout_ms = 0;
        try {
            kokeilu::Tracker tracker = kokeilu::Tracker::open(path, options);
            read_everything(tracker);
        } catch (const kokeilu::SchemaError&) {
            // Refused as no tracker: the file must be as it was.
            const std::vector<char> now = read_file(path);
            if (now.size() != size || !std::equal(now.begin(), now.end(), reinterpret_cast<const char*>(data)))
                std::abort();
        } catch (const kokeilu::Error&) {
            // A damaged tracker: a clear error is the right answer.
        }
    }
    log_beside_a_tracker(path, data, size);
    return 0;
}
