#include "sqlite_support.hpp"

#include "validation.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <exception>
#include <filesystem>
#include <new>

namespace kokeilu::detail {

namespace {

bool mentions(const char* message, std::string_view what) {
    return std::string_view(message).find(what) != std::string_view::npos;
}

void fold_function(sqlite3_context* context, int argc, sqlite3_value** argv) noexcept {
    if (argc != 1 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(context);
        return;
    }
    // An exception must not cross SQLite's C frames: report it as an SQL error instead.
    try {
        const auto* bytes = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        const int size = sqlite3_value_bytes(argv[0]);
        const std::string folded = fold_case(std::string_view(bytes == nullptr ? "" : bytes,
                                                              static_cast<std::size_t>(size)));
        sqlite3_result_text(context, folded.data(), static_cast<int>(folded.size()), SQLITE_TRANSIENT);
    } catch (const std::bad_alloc&) {
        sqlite3_result_error_nomem(context);
    } catch (const std::exception& error) {
        sqlite3_result_error(context, error.what(), -1);
    }
}

}  // namespace

void rethrow_sqlite(const SQLite::Exception& error, std::string_view doing) {
    const int code = error.getErrorCode();
    const int extended = error.getExtendedErrorCode();
    const char* message = error.what();
    if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        if (mentions(message, "experiments.key"))
            throw InvalidArgumentError("key", Message{"store.in_use", {}});
        if (mentions(message, "experiments.uuid"))
            throw InvalidArgumentError("uuid", Message{"store.in_use", {}});
        if (mentions(message, "arms.experiment_id, arms.name"))
            throw InvalidArgumentError("arms", Message{"store.arm_names_twice", {}});
        if (mentions(message, "metrics.experiment_id, metrics.name"))
            throw InvalidArgumentError("metrics", Message{"store.metric_names_twice", {}});
    }
    // A file another process holds locked gets its own code: the user can do something about it.
    const bool locked = code > 0 && ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED);
    // SQLiteCpp reports its own misuse errors with -1; those have no SQLite result code.
    throw StorageError(Message{locked ? "store.locked" : "store.sqlite_failed",
                               {{"operation", std::string(doing)}, {"sqlite_message", std::string(message)}}},
                       code > 0 ? code : 0);
}

void register_sql_functions(SQLite::Database& db) {
    db.createFunction("kokeilu_fold", 1, true, nullptr, &fold_function);
}

void bind_optional(SQLite::Statement& statement, const char* name, const std::optional<double>& value) {
    if (value) {
        statement.bind(name, *value);
    } else {
        statement.bind(name);
    }
}

void bind_date(SQLite::Statement& statement, const char* name, const std::optional<Date>& date,
               const char* field) {
    if (!date) {
        statement.bind(name);
        return;
    }
    if (date->is_special()) throw InvalidArgumentError(field, Message{"store.not_a_calendar_date", {}});
    statement.bind(name, format_date(*date));
}

void bind_time(SQLite::Statement& statement, const char* name, const Time& time, const char* field) {
    if (time.is_not_a_date_time()) {
        statement.bind(name);
        return;
    }
    if (time.is_special()) throw InvalidArgumentError(field, Message{"store.not_a_valid_time", {}});
    statement.bind(name, static_cast<std::int64_t>(to_unix_micros(time)));
}

std::optional<double> optional_real(const SQLite::Column& column) {
    if (column.isNull()) return std::nullopt;
    return column.getDouble();
}

std::optional<Date> optional_date(const SQLite::Column& column, const char* field) {
    if (column.isNull()) return std::nullopt;
    return parse_date(column.getString(), field);
}

Time time_or_not_a_date(const SQLite::Column& column) {
    if (column.isNull()) return Time();
    return from_unix_micros(column.getInt64());
}

std::string immutable_uri(const std::string& path) {
    // An absolute path, so that no "//" can be taken for a URI authority; the characters that
    // end or escape a URI path are percent-encoded.
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(path, error);
    if (error) absolute = path;
    std::string uri = "file:";
    for (const char c : absolute.lexically_normal().string()) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '?' || c == '#' || c == '%' || byte < 0x20 || byte == 0x7f) {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned>(byte));
            uri += escaped;
        } else {
            uri += c;
        }
    }
    return uri + "?immutable=1";
}

RawStatement::RawStatement(SQLite::Database& db, const std::string& sql) : db_(db.getHandle()) {
    const int result = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement_, nullptr);
    if (result != SQLITE_OK) throw SQLite::Exception(db_, result);
}

RawStatement::~RawStatement() { sqlite3_finalize(statement_); }

void RawStatement::bind(int index, std::int64_t value) {
    const int result = sqlite3_bind_int64(statement_, index, value);
    if (result != SQLITE_OK) throw SQLite::Exception(db_, result);
}

bool RawStatement::step() {
    const int result = sqlite3_step(statement_);
    if (result == SQLITE_ROW) return true;
    if (result == SQLITE_DONE) return false;
    throw SQLite::Exception(db_, result);
}

}  // namespace kokeilu::detail
