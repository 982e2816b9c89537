// Files as an older kokeilu wrote them, for the tests of migrations.
#pragma once

#include "sqlite_schema.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace kokeilu::testing {

// Turns a tracker file into the file kokeilu of schema 2 would have written with the same data:
// the tables and columns of later migrations go, and the version says 2. Schema 2 is taken from
// its own two migrations, so no list of columns here can fall behind.
inline void as_schema_2(const std::string& path) {
    std::map<std::string, std::set<std::string>> schema_2;
    {
        SQLite::Database old(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        old.exec(detail::sqlite_migrations()[0].sql);
        old.exec(detail::sqlite_migrations()[1].sql);
        SQLite::Statement columns(old, "SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c "
                                       "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'");
        while (columns.executeStep()) schema_2[columns.getColumn(0).getString()].insert(columns.getColumn(1).getString());
    }
    SQLite::Database db(path, SQLite::OPEN_READWRITE);
    std::vector<std::string> tables;
    SQLite::Statement list(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
    while (list.executeStep()) tables.push_back(list.getColumn(0).getString());
    for (const std::string& table : tables) {
        const auto kept = schema_2.find(table);
        if (kept == schema_2.end()) {
            db.exec("DROP TABLE IF EXISTS \"" + table + "\"");  // a virtual table takes its shadow tables along
            continue;
        }
        std::vector<std::string> later;
        SQLite::Statement columns(db, "SELECT name FROM pragma_table_info(?)");
        columns.bind(1, table);
        while (columns.executeStep())
            if (!kept->second.count(columns.getColumn(0).getString())) later.push_back(columns.getColumn(0).getString());
        for (const std::string& column : later) db.exec("ALTER TABLE \"" + table + "\" DROP COLUMN \"" + column + "\"");
    }
    db.exec("PRAGMA user_version = 2");
}

}  // namespace kokeilu::testing
