// The embedded store: one SQLite file (or ":memory:"), through SQLiteCpp.
//
// A kokeilu file is marked by PRAGMA application_id and versioned by PRAGMA user_version, with
// ordered forward migrations. It runs in WAL mode with foreign keys on and a busy timeout, so that
// several processes (the kokeilu command, a notebook) can share one file.
#pragma once

#include "kokeilu/store.hpp"

#include <memory>
#include <string>

namespace kokeilu {

struct SqliteOptions {
    bool read_only = false;  // open an existing file for reading only; never creates or migrates
    int busy_timeout_ms = 10000;  // how long a writer waits for another process's write to finish
};

// "KOKE" as a big-endian 32-bit integer: marks a file as a kokeilu tracker.
inline constexpr int sqlite_application_id = 0x4B4F4B45;
// The schema version this library writes. Files with a higher version are refused.
inline constexpr int sqlite_schema_version = 2;

// Opens (creating and migrating when needed) a kokeilu tracker file. An empty or new file becomes
// a tracker; a SQLite file of another application, a non-SQLite file, or one written by a newer
// kokeilu throws SchemaError and is left untouched.
[[nodiscard]] std::unique_ptr<Store> open_sqlite_store(const std::string& path, const SqliteOptions& options = {});

}  // namespace kokeilu
