// Prepared statements kept for the life of a connection. Preparing a statement parses and plans
// its SQL, which costs more than running a one-row insert; the paths that run once per call (a
// single observation, its checks, its running summary) reuse theirs.
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <memory>
#include <unordered_map>

namespace kokeilu::detail {

class StatementCache {
public:
    explicit StatementCache(SQLite::Database& db) : db_(db) {}

    // A statement in use: reset, with its bindings cleared, when the use ends, so that it holds no
    // read snapshot open and the next use starts clean.
    class Use {
    public:
        explicit Use(SQLite::Statement& statement) noexcept : statement_(statement) {}
        ~Use() {
            (void)statement_.tryReset();
            try {
                statement_.clearBindings();  // fails only for a finalized statement
            } catch (...) {
            }
        }
        Use(const Use&) = delete;
        Use& operator=(const Use&) = delete;
        SQLite::Statement* operator->() const noexcept { return &statement_; }
        SQLite::Statement& operator*() const noexcept { return statement_; }

    private:
        SQLite::Statement& statement_;
    };

    // `sql` must be a string literal (or otherwise outlive the cache): statements are found by the
    // address of their text, which costs no hashing of the SQL.
    [[nodiscard]] Use get(const char* sql) {
        auto& slot = statements_[sql];
        if (!slot) slot = std::make_unique<SQLite::Statement>(db_, sql);
        return Use(*slot);
    }

private:
    SQLite::Database& db_;
    std::unordered_map<const char*, std::unique_ptr<SQLite::Statement>> statements_;
};

// BEGIN IMMEDIATE ... COMMIT through kept statements: SQLiteCpp's Transaction runs them through
// sqlite3_exec, which parses and plans both texts again on every write of one row. Rolls back
// when it ends without commit(), as SQLite::Transaction does.
class ImmediateTransaction {
public:
    explicit ImmediateTransaction(StatementCache& statements) : statements_(statements) {
        statements_.get("BEGIN IMMEDIATE")->exec();
    }
    ~ImmediateTransaction() {
        if (committed_) return;
        try {
            statements_.get("ROLLBACK")->exec();
        } catch (...) {
            // SQLite has already rolled back (e.g. after SQLITE_FULL); nothing is left to undo.
        }
    }
    ImmediateTransaction(const ImmediateTransaction&) = delete;
    ImmediateTransaction& operator=(const ImmediateTransaction&) = delete;

    void commit() {
        statements_.get("COMMIT")->exec();
        committed_ = true;
    }

private:
    StatementCache& statements_;
    bool committed_ = false;
};

}  // namespace kokeilu::detail
