// The SQLite store for the store-generic tests: a file in a temporary folder, and refusals planted
// as triggers through a second connection. RAISE(ABORT) undoes the refused statement only and
// leaves the write's transaction open, as any statement error inside a write does; undoing the
// rest is the store's own work, which is what the tests check.
#include "kokeilu/sqlite_store.hpp"
#include "store_under_test.hpp"
#include "temp_dir.hpp"

#include <SQLiteCpp/Database.h>

#include <cstdio>
#include <string>
#include <vector>

namespace kokeilu::testing {

namespace {

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

std::string number(double value) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.17g", value);
    return buffer;
}

class SqliteStoreUnderTest final : public StoreUnderTest {
public:
    SqliteStoreUnderTest() : path_(dir_.file("store.db")), store_(open_sqlite_store(path_)) {}

    [[nodiscard]] std::string name() const override { return "SQLite"; }
    [[nodiscard]] Store& store() override { return *store_; }

    void refuse(const Refusal& refusal) override {
        const std::string name = "planted_refusal_" + std::to_string(++planted_);
        // One trigger per statement kind (INSERT, UPDATE) that could write the refused row.
        const auto triggers = [&](const std::string& table, const std::vector<std::string>& events,
                                  const std::string& condition) {
            std::string sql;
            for (const std::string& event : events)
                sql += "CREATE TRIGGER " + name + "_" + event + " BEFORE " + event + " ON " + table + " WHEN " +
                       condition + " BEGIN SELECT RAISE(ABORT, 'planted refusal'); END;";
            return sql;
        };
        std::string sql;
        switch (refusal.kind) {
            case Refusal::Kind::observation_value:
                sql = triggers("observations", {"INSERT"},
                               "NEW.value = " + number(refusal.value) + " OR NEW.sum = " + number(refusal.value));
                break;
            case Refusal::Kind::summary_merge:
                sql = triggers("arm_summaries", {"INSERT", "UPDATE"}, "1");
                break;
            case Refusal::Kind::amendment_field:
                sql = triggers("amendments", {"INSERT"}, "NEW.field = " + quoted(refusal.text));
                break;
            case Refusal::Kind::arm_name:
                sql = triggers("arms", {"INSERT", "UPDATE"}, "NEW.name = " + quoted(refusal.text));
                break;
            case Refusal::Kind::metric_name:
                sql = triggers("metrics", {"INSERT", "UPDATE"}, "NEW.name = " + quoted(refusal.text));
                break;
        }
        SQLite::Database db(path_, SQLite::OPEN_READWRITE);
        db.exec(sql);
    }

    void stop_refusing() override {
        SQLite::Database db(path_, SQLite::OPEN_READWRITE);
        std::vector<std::string> names;
        SQLite::Statement q(db, "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'planted_refusal_%'");
        while (q.executeStep()) names.push_back(q.getColumn(0).getString());
        q.reset();
        for (const std::string& name : names) db.exec("DROP TRIGGER " + name);
    }

private:
    TempDir dir_;
    std::string path_;
    std::unique_ptr<Store> store_;
    int planted_ = 0;
};

}  // namespace

std::vector<std::function<std::unique_ptr<StoreUnderTest>()>> stores_under_test() {
    return {[] { return std::make_unique<SqliteStoreUnderTest>(); }};
}

}  // namespace kokeilu::testing
