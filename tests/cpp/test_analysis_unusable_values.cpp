// Whatever is stored, one metric cannot stop the analysis of the others: a metric whose sums
// overflow a double gets the status "values too large to summarise exactly", through the API and
// with rows written into the file behind kokeilu's back; and files of the previous schema migrate.
#include "kokeilu/sqlite_store.hpp"
#include "kokeilu/stats/analysis.hpp"
#include "sqlite_schema.hpp"
#include "schema_support.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <string>
#include <variant>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr unsigned short year = 2025;

SqliteOptions read_only() {
    SqliteOptions options;
    options.read_only = true;
    return options;
}

std::vector<Observation> rows_of(const std::string& metric, const std::vector<std::pair<std::string, double>>& values) {
    std::vector<Observation> rows;
    int minute = 0;
    for (const auto& [arm, value] : values) {
        Observation o;
        o.at = at(year, 3, 3) + boost::posix_time::minutes(minute++);
        o.arm = arm;
        o.metric = metric;
        o.value = value;
        rows.push_back(o);
    }
    return rows;
}

const stats::Comparison& comparison_of(const stats::Analysis& a, const std::string& metric) {
    for (const auto& c : a.comparisons)
        if (c.metric == metric) return c;
    FAIL("no comparison of " << metric);
    throw;  // not reached
}

// Ordinary data for the primary metric, so that every other comparison can be made.
void log_ordinary(Tracker& t, const std::string& key) {
    std::vector<std::pair<std::string, double>> values;
    for (int i = 0; i < 20; ++i) {
        values.emplace_back("control", 3.0 + (i % 5) * 0.2);
        values.emplace_back("video", 3.2 + (i % 5) * 0.2);
    }
    t.log_many(key, rows_of("sense_of_security", values));
}

}  // namespace

TEST_CASE("a metric of values too large to add up gets its own status; the rest is analysed", "[stats][analysis][rules]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(year, 3, 2));
    log_ordinary(t, key);
    // A typo: 1e308 and -1e308 are each fine, but their spread passes the largest double.
    t.log_many(key, rows_of("wait_days", {{"control", 1e308}, {"control", -1e308}, {"video", 3.0}, {"video", 4.0}}));

    const stats::Analysis a = stats::analyze(t, key);
    const stats::Comparison& wait = comparison_of(a, "wait_days");
    CHECK(wait.status.starts_with("values too large to summarise exactly: in arm control"));
    CHECK_FALSE(wait.effect.has_value());
    CHECK(comparison_of(a, "sense_of_security").status == "ok");
    CHECK(a.verdict.reason != stats::VerdictReason::values_unusable);

    // The data as it stood at a time streams the rows: the same.
    const stats::Analysis until = stats::analyze(t.get(key), stats::summarise_experiment(t, t.get(key), at(year, 12, 1)));
    CHECK(comparison_of(until, "wait_days").status == wait.status);
}

TEST_CASE("a primary metric too large to add up is judged unusable, in both languages", "[stats][analysis][rules]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(year, 3, 2));
    // 1e200 squared passes the largest double.
    t.log_many(key, rows_of("sense_of_security", {{"control", 1e200}, {"control", -1e200}, {"video", 3.0}, {"video", 3.5}}));
    const stats::Analysis a = stats::analyze(t, key);
    CHECK(comparison_of(a, "sense_of_security").status.starts_with("values too large to summarise exactly"));
    CHECK(a.verdict.reason == stats::VerdictReason::values_unusable);
    CHECK(a.verdict.verdict == Verdict::inconclusive);
    CHECK(a.verdict.sentence_en.find("cannot be judged") != std::string::npos);
    CHECK(a.verdict.message.code == "stats.verdict.values_unusable");
}

TEST_CASE("rows written into the file behind kokeilu's back do not stop the analysis", "[stats][analysis][rules]") {
    TempDir dir;
    const std::string path = dir.file("edited.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        key = t.create(home_care_draft()).key;
        t.start(key, Date(year, 3, 2));
        log_ordinary(t, key);
        t.log_many(key, rows_of("wait_days", {{"control", 2.0}, {"video", 3.0}}));
        t.log_many(key, rows_of("calls", {{"control", 2.0}, {"video", 3.0}}));
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        // Values no write would take: a value past 1e308 squared, an infinity, a text.
        db.exec("INSERT INTO observations (metric_id, arm_id, at_us, value) SELECT m.id, a.id, 1741000000000000, v.x "
                "FROM metrics m, arms a, (SELECT 1e200 AS x UNION ALL SELECT -1e200) v "
                "WHERE m.name = 'wait_days' AND a.name = 'control'");
        db.exec("INSERT INTO observations (metric_id, arm_id, at_us, value) SELECT m.id, a.id, 1741000000000000, 9e999 "
                "FROM metrics m, arms a WHERE m.name = 'calls' AND a.name = 'video'");
        // The running summaries as the store leaves them once totals overflow: to be read from the rows.
        db.exec("UPDATE arm_summaries SET mean = NULL, m2 = NULL, sum = NULL, exposure = NULL "
                "WHERE metric_id IN (SELECT id FROM metrics WHERE name IN ('wait_days', 'calls'))");
    }
    Tracker t = Tracker::open(path);
    for (const std::optional<Time>& until : {std::optional<Time>{}, std::optional<Time>(at(year, 12, 1))}) {
        const stats::Analysis a = stats::analyze(t.get(key), stats::summarise_experiment(t, t.get(key), until));
        CHECK(comparison_of(a, "wait_days").status.starts_with("values too large to summarise exactly"));
        CHECK(comparison_of(a, "calls").status.starts_with("stored values that cannot be summarised"));
        CHECK(comparison_of(a, "calls").status_message.code == "stats.status.stored_values_unusable");
        CHECK(std::get<std::string>(*comparison_of(a, "calls").status_message.param("arm")) == "video");
        CHECK(comparison_of(a, "sense_of_security").status == "ok");
        CHECK(a.verdict.reason != stats::VerdictReason::values_unusable);
    }
}

TEST_CASE("a file of schema 2 migrates: valid ranges unset, lock hashes as they were", "[store][schema][range]") {
    TempDir dir;
    const std::string path = dir.file("v2.db");
    std::string key;
    std::string lock;
    {
        Tracker t = Tracker::open(path);
        key = t.create(home_care_draft()).key;
        lock = t.start(key, Date(year, 3, 2)).lock_hash;
        log_ordinary(t, key);
    }
    testing::as_schema_2(path);  // the file as the version before wrote it: no range columns
    CHECK_THROWS_AS(Tracker::open(path, read_only()), SchemaError);  // read-only: must migrate first
    Tracker t = Tracker::open(path);
    const Experiment e = t.get(key);
    CHECK(e.lock_hash == lock);
    CHECK(preregistration_hash(e) == lock);
    for (const Metric& m : e.metrics) {
        CHECK_FALSE(m.valid_min.has_value());
        CHECK_FALSE(m.valid_max.has_value());
    }
    CHECK(t.count_observations(key) == 40);
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    CHECK(db.execAndGet("SELECT count(*) FROM pragma_table_info('metrics') WHERE name LIKE 'valid_%'").getInt() == 2);
}

TEST_CASE("a file at a later schema written without the valid ranges gets them", "[store][schema][range]") {
    // The parts of one release land in any order: a build with schema 6 but without 5 wrote files
    // at version 6 that lack the range columns. They are added when such a file is opened.
    TempDir dir;
    const std::string path = dir.file("v6.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        key = t.create(home_care_draft()).key;
        t.start(key, Date(year, 3, 2));
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("ALTER TABLE metrics DROP COLUMN valid_min");
        db.exec("ALTER TABLE metrics DROP COLUMN valid_max");
    }
    try {
        (void)Tracker::open(path, read_only());
        FAIL("a read-only open of an incomplete file was allowed");
    } catch (const SchemaError& error) {
        CHECK(std::string(error.what()).find("older schema version") != std::string::npos);
    }
    Tracker t = Tracker::open(path);
    Experiment e = t.get(key);
    CHECK_FALSE(e.metrics[0].valid_max.has_value());
    e.metrics[0].valid_max = 5.0;
    CHECK(t.update(e, "a 1-5 survey").metrics[0].valid_max == 5.0);
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
}

