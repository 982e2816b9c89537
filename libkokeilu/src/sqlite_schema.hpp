// The layout of a kokeilu tracker file and how a file is recognised, refused or brought up to date.
#pragma once

#include <SQLiteCpp/Database.h>

#include <span>
#include <string>

namespace kokeilu::detail {

// One forward step of the schema. Migration n takes a file from user_version n-1 to n; each runs
// in its own transaction together with the user_version update, so a file is never half-migrated.
struct SqliteMigration {
    int version;
    const char* sql;
    // Runs after the SQL in the same transaction, for what SQL alone cannot compute well (e.g. the
    // numerically stable running summaries of the observations already in the file).
    void (*fill)(SQLite::Database& db) = nullptr;
    // Whether the migration's change is in the file, for a migration whose version other parts of
    // the same release may have passed first: a file whose user_version is already past this
    // migration's (made by a build that had those later migrations but not this one) gets it
    // applied when this says no. Null: the version alone tells.
    bool (*applied)(SQLite::Database& db) = nullptr;
};

// Every migration, oldest first; the last one's version is sqlite_schema_version.
[[nodiscard]] std::span<const SqliteMigration> sqlite_migrations() noexcept;

// What the file's header and catalogue say, read without writing anything.
struct SqliteFileState {
    int application_id = 0;
    int user_version = 0;
    int schema_objects = 0;  // tables, indexes, views and triggers
};

[[nodiscard]] SqliteFileState inspect_sqlite_file(SQLite::Database& db);

// Opens the connection's file as a kokeilu tracker: checks it before anything is written, throws
// SchemaError for a foreign or newer file, then (unless read-only) switches to WAL and applies the
// missing migrations. `path` is only for messages.
void prepare_tracker(SQLite::Database& db, const std::string& path, bool read_only);

}  // namespace kokeilu::detail
