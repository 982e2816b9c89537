// Opening a tracker file: the checks of the path before SQLite sees it, SQLite's open with the
// connection's settings, and errors in words a user can act on.
#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "sqlite_busy_wait.hpp"
#include "sqlite_file_checks.hpp"
#include "sqlite_schema.hpp"
#include "sqlite_store_factory.hpp"
#include "sqlite_support.hpp"
#include "sqlite_wal_identity.hpp"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

namespace kokeilu {

namespace {

// SQLite reads a name that starts with "file:" as a URI: "file:x.db?mode=memory" would be a
// database in memory that vanishes on close, and no file at all. A tracker path is always a plain
// file name, so such a name goes to SQLite as "./file:...", which is the same file.
std::string literal_path(const std::string& path) { return path.starts_with("file:") ? "./" + path : path; }

// True when the file's write-ahead log may hold commits that are not yet in the main file.
bool has_wal_content(const std::string& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path + "-wal", error);
    return !error && size > 0;
}

// Why SQLite could not open the file, in words a user can act on; SQLite itself says only
// "unable to open database file".
std::string cannot_open_reason(const std::string& path, bool read_only) {
    std::error_code error;
    const std::filesystem::file_status status = std::filesystem::status(path, error);
    // A missing file or folder is an error here too (ENOENT: "No such file or directory"), as is a
    // symlink loop ("Too many levels of symbolic links"): the system's words say it.
    if (error) return error.message();
    if (std::filesystem::is_directory(status)) return "it is a folder";
    return read_only ? "the file cannot be read"
                     : "the file or its folder cannot be written; open it read-only to read it";
}

}  // namespace

std::unique_ptr<Store> open_sqlite_store(const std::string& path, const SqliteOptions& options) {
    const Message negative{"store.negative_option", {}};
    if (options.busy_timeout_ms < 0) throw InvalidArgumentError("busy_timeout_ms", negative);
    if (options.wait_notice_after_ms < 0) throw InvalidArgumentError("wait_notice_after_ms", negative);
    // SQLite takes the name as a C string: what follows a NUL would be dropped, and another file opened.
    if (path.find('\0') != std::string::npos) throw InvalidArgumentError("path", Message{"store.path_with_nul", {}});
    const bool in_memory = path.empty() || path == ":memory:";
    if (options.read_only) {
        if (in_memory)
            throw InvalidArgumentError("read_only", Message{"store.in_memory_read_only", {}});
        std::error_code error;
        if (!std::filesystem::exists(path, error)) throw NotFoundError(Message{"store.file_not_found", {{"path", path}}});
    }
    if (!in_memory) {
        detail::check_tracker_path(path);
        if (!options.read_only) detail::check_single_name(path);
        detail::check_wal_belongs(path);
    }
    // A store is used by one thread at a time (see tracker.hpp), so its connection needs no mutex of
    // its own: without one, each of the millions of column reads of a scan takes no lock.
    const int flags = SQLite::OPEN_NOMUTEX |
                      (options.read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    const auto open_store = [&](const std::string& name, int open_flags) -> std::unique_ptr<Store> {
        auto wait = std::make_unique<detail::BusyWait>(std::chrono::milliseconds(options.busy_timeout_ms),
                                                       std::chrono::milliseconds(options.wait_notice_after_ms),
                                                       options.on_wait);
        SQLite::Database db(name, open_flags);
        wait->install(db.getHandle());
        detail::register_sql_functions(db);
        detail::prepare_tracker(db, in_memory ? std::string(":memory:") : path, options.read_only);
        return detail::make_sqlite_store(std::move(db), options.read_only, std::move(wait));
    };
    try {
        return open_store(in_memory ? path : literal_path(path), flags);
    } catch (const SQLite::Exception& error) {
        if (error.getErrorCode() == SQLITE_NOTADB)
            throw SchemaError(Message{"store.not_a_database", {{"path", path}}});
        if (error.getErrorCode() == SQLITE_CANTOPEN && !in_memory) {
            // A WAL file is read through its "-shm" index, which SQLite creates beside the file; on
            // a read-only medium, or in a folder the user cannot write, it cannot be created and a
            // read-only open fails. When no "-wal" file holds commits, the main file alone is the
            // whole tracker, and as nobody can be writing it (no "-wal" exists), it can be read as
            // immutable: without the index and without locks.
            if (options.read_only && !has_wal_content(path)) {
                try {
                    return open_store(detail::immutable_uri(path),
                                      SQLite::OPEN_NOMUTEX | SQLite::OPEN_READONLY | SQLite::OPEN_URI);
                } catch (const SQLite::Exception&) {
                    // Reported as the first failure below.
                }
            }
            throw StorageError(Message{"store.cannot_open", {{"path", path},
                                                             {"sqlite_message", std::string(error.what())},
                                                             {"reason", cannot_open_reason(path, options.read_only)}}},
                               SQLITE_CANTOPEN);
        }
        detail::rethrow_sqlite(error, "opening '" + path + "'");
    }
}

}  // namespace kokeilu
