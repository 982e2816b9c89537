// The embedded store: one SQLite file (or ":memory:"), through SQLiteCpp.
//
// A kokeilu file is marked by PRAGMA application_id and versioned by PRAGMA user_version, with
// ordered forward migrations. It runs in WAL mode with foreign keys on, and a write waits for
// another one to finish, so that several processes (the kokeilu command, a notebook) can share
// one file.
#pragma once

#include "kokeilu/store.hpp"

#include <functional>
#include <memory>
#include <string>

namespace kokeilu {

struct SqliteOptions {
    bool read_only = false;  // open an existing file for reading only; never creates or migrates
    // How long a write waits for another connection's write to finish before it fails with "database
    // is locked". Minutes, because a bulk write of millions of rows holds the lock for seconds, and a
    // write that waits for it loses nothing.
    int busy_timeout_ms = 300000;
    // Called once per wait, in the waiting thread, when a wait has lasted wait_notice_after_ms: to
    // tell someone at a terminal why nothing happens. What it throws is ignored.
    std::function<void()> on_wait{};
    int wait_notice_after_ms = 1500;
};

// "KOKE" as a big-endian 32-bit integer: marks a file as a kokeilu tracker.
inline constexpr int sqlite_application_id = 0x4B4F4B45;
// The schema version this library writes. Files with a higher version are refused.
inline constexpr int sqlite_schema_version = 17;

// Opens (creating and migrating when needed) a kokeilu tracker file. An empty or new file becomes
// a tracker; a SQLite file of another application, a non-SQLite file, or one written by a newer
// kokeilu throws SchemaError and is left untouched. Refused with StorageError before SQLite opens
// anything: a path that is not a regular file (a folder, a FIFO, a device, a socket, a symbolic
// link to one), a file with a second name (a hard link) unless read-only, and a file whose "-wal"
// beside it belongs to another database (see the architecture document, "The file").
[[nodiscard]] std::unique_ptr<Store> open_sqlite_store(const std::string& path, const SqliteOptions& options = {});

}  // namespace kokeilu
