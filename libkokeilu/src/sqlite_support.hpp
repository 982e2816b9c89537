// Small pieces shared by the SQLite store's sources: turning SQLite failures into kokeilu errors,
// and binding and reading the value types kokeilu keeps (optional numbers, ISO dates, UTC
// microseconds) so that every column is written and read back the same way.
#pragma once

#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kokeilu::detail {

// Throws the kokeilu error that matches a SQLite failure: InvalidArgumentError for a known
// uniqueness constraint (key, uuid, arm or metric name), else StorageError with the SQLite result
// code. `doing` says what the store was doing, for the message.
[[noreturn]] void rethrow_sqlite(const SQLite::Exception& error, std::string_view doing);

// Runs body and translates any SQLite::Exception it throws, so that no SQLite type ever leaves
// the store. A kokeilu::InvalidArgumentError raised while decoding a stored value (an unknown enum
// name, a malformed date) means the file holds something this version cannot read: that is a
// StorageError, not a mistake of the caller.
template <class Body>
decltype(auto) guard_read(std::string_view doing, Body&& body) {
    try {
        return body();
    } catch (const SQLite::Exception& error) {
        rethrow_sqlite(error, doing);
    } catch (const InvalidArgumentError& error) {
        throw StorageError(Message{"store.unreadable_value",
                                   {{"operation", std::string(doing)}, {"problem", std::string(error.what())}}},
                           0);
    }
}

// Runs body and translates only SQLite::Exception: for writes (where an InvalidArgumentError is
// the caller's) and for streaming reads (where it may come from the caller's callback).
template <class Body>
decltype(auto) guard_sqlite(std::string_view doing, Body&& body) {
    try {
        return body();
    } catch (const SQLite::Exception& error) {
        rethrow_sqlite(error, doing);
    }
}

// A statement driven through the SQLite C API, for loops over millions of rows, where SQLiteCpp's
// Column object per value costs more than the read itself. Errors throw SQLite::Exception, as
// SQLiteCpp's own calls do.
class RawStatement {
public:
    RawStatement(SQLite::Database& db, const std::string& sql);
    ~RawStatement();
    RawStatement(const RawStatement&) = delete;
    RawStatement& operator=(const RawStatement&) = delete;

    void bind(int index, std::int64_t value);
    // True when a row is ready, false when there are no more.
    [[nodiscard]] bool step();
    [[nodiscard]] sqlite3_stmt* get() const noexcept { return statement_; }

private:
    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

// The SQL function kokeilu_fold(text): the same case folding the Tracker uses for names, so that
// case-insensitive filters also fold Ä, Ö and Å (SQLite's own lower() and NOCASE fold ASCII only).
// Registered on every connection; it is used in queries only, never in the schema, so the file
// stays readable by any SQLite tool.
void register_sql_functions(SQLite::Database& db);

// A URI that opens the file at `path` as immutable: read-only, without locks, without its "-wal"
// (what the main file alone holds) and without the "-shm" index beside it.
[[nodiscard]] std::string immutable_uri(const std::string& path);

// Binding. NULL stands for "no value" (nullopt, or a not-a-date-time instant).
void bind_optional(SQLite::Statement& statement, const char* name, const std::optional<double>& value);
void bind_date(SQLite::Statement& statement, const char* name, const std::optional<Date>& date,
               const char* field);
void bind_time(SQLite::Statement& statement, const char* name, const Time& time, const char* field);

// Reading, the inverse of the binders above.
[[nodiscard]] std::optional<double> optional_real(const SQLite::Column& column);
[[nodiscard]] std::optional<Date> optional_date(const SQLite::Column& column, const char* field);
[[nodiscard]] Time time_or_not_a_date(const SQLite::Column& column);

}  // namespace kokeilu::detail
