// An arm's planned share (kokeilu::Arm::share): refused where it is not a weight above 0 or has no
// meaning, kept in the file, the lock, the locked criterion and the history only when set (so
// experiments made before it hash and record as they did), amended like any pre-registered field,
// and what the sample-ratio check tests the units against.
#include "kokeilu/design.hpp"

#include "history_payload.hpp"
#include "kokeilu/error.hpp"
#include "kokeilu/locked_criterion.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/stats/srm.hpp"
#include "kokeilu/tracker.hpp"
#include "preregistration.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr unsigned short year = 2025;

Experiment one_to_two() {
    Experiment e = home_care_draft();
    e.arms[0].share = 1.0;
    e.arms[1].share = 2.0;
    return e;
}

std::string message_code(const std::function<void()>& f) {
    try {
        f();
    } catch (const InvalidArgumentError& e) {
        return e.code();
    }
    return "(no InvalidArgumentError)";
}

// n units of the primary metric in each arm, one row each.
void log_units(Tracker& t, const std::string& key, std::int64_t control, std::int64_t video) {
    std::vector<Observation> rows;
    const Time first = at(year, 3, 3);
    for (std::int64_t i = 0; i < control + video; ++i) {
        Observation o;
        o.at = first + boost::posix_time::seconds(i);
        o.metric = "sense_of_security";
        o.arm = i < control ? "control" : "video";
        o.value = 3.0 + static_cast<double>(i % 5) * 0.25;
        rows.push_back(o);
    }
    t.log_many(key, rows);
}

}  // namespace

TEST_CASE("a planned share is a weight above 0 of a concurrent arm, given for every arm or none", "[shares][validation]") {
    Tracker t = memory_tracker();
    for (const double bad : {0.0, -1.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
        INFO(bad);
        Experiment e = one_to_two();
        e.arms[1].share = bad;
        CHECK(field_of_error([&] { (void)t.create(e); }) == "arms[video].share");
        CHECK(message_code([&] { (void)t.create(e); }) == "input.not_positive");
    }
    Experiment partial = home_care_draft();
    partial.arms[1].share = 2.0;
    CHECK(field_of_error([&] { (void)t.create(partial); }) == "arms[control].share");
    CHECK(message_code([&] { (void)t.create(partial); }) == "input.planned_share_partial");

    Experiment periods = home_care_draft();
    periods.design = DesignKind::before_after;
    periods.arms = {Arm{0, "before", ArmRole::before, "", 1.0}, Arm{0, "after", ArmRole::after, "", 1.0}};
    CHECK(field_of_error([&] { (void)t.create(periods); }) == "arms[before].share");
    CHECK(message_code([&] { (void)t.create(periods); }) == "input.planned_share_design");

    const Experiment kept = t.create(one_to_two());
    CHECK(t.get(kept.key).arms[0].share == 1.0);
    CHECK(t.get(kept.key).arms[1].share == 2.0);
    CHECK_FALSE(t.create(home_care_draft()).arms[0].share.has_value());
}

TEST_CASE("a share absent leaves the lock hash, the locked criterion and the history record as they were", "[shares][history]") {
    const Experiment plain = home_care_draft();
    // The hash this draft had before shares existed (as in test_locked_criterion.cpp).
    CHECK(preregistration_hash(plain) == "985c4a9b4fd55259a4ddc1221c82dd04");
    // (The field itself: a metric's unit is "share".)
    CHECK(detail::preregistration_text(plain).find("\nshare ") == std::string::npos);
    CHECK(detail::experiment_record(plain).find("].share\t") == std::string::npos);
    CHECK(detail::locked_criterion_text(lock_of(plain)).find("\nshare ") == std::string::npos);
    CHECK(detail::preregistration_text(one_to_two()).find("\nshare 1:2\n") != std::string::npos);

    const Experiment planned = one_to_two();
    CHECK(preregistration_hash(planned) != preregistration_hash(plain));
    CHECK(detail::experiment_record(planned).find("arms[video].share\t1:2\n") != std::string::npos);
    CHECK(detail::parse_locked_criterion(detail::locked_criterion_text(lock_of(planned))) == lock_of(planned));
    Arm arm;
    detail::set_field(arm, "share", "0.5", "test");
    CHECK(arm.share == 0.5);
    detail::set_field(arm, "share", detail::absent_text, "test");
    CHECK_FALSE(arm.share.has_value());
}

TEST_CASE("amending the plan after the start is an amendment; the analysis keeps the plan as locked", "[shares][locked]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(year, 3, 2));
    log_units(t, key, 100, 200);

    Experiment revised = t.get(key);
    revised.arms[0].share = 1.0;
    revised.arms[1].share = 2.0;
    const Experiment amended = t.update(revised, "the plan was 1:2 from the start", "anna");
    REQUIRE(amended.amendments.size() == 2);
    CHECK(amended.amendments[0].field == "arms[control].share");
    CHECK(amended.amendments[0].old_value == detail::absent_text);
    CHECK(amended.amendments[1].new_value == "2");
    const auto changes = criterion_changes(amended);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].field == "arms");
    CHECK(changes[0].amended_value == "control:control:1, video:treatment:2");

    const stats::Analysis a = stats::analyze(t, key);
    REQUIRE(a.sample_ratio);
    CHECK(a.sample_ratio->mismatch);  // as locked: equal shares
    REQUIRE(a.amended_verdict);
    CHECK(t.verify().ok());
}

TEST_CASE("the sample-ratio check tests the units against the planned shares", "[shares][stats]") {
    Tracker t = memory_tracker();
    const std::string planned = t.start(t.create(one_to_two()).key, Date(year, 3, 2)).key;
    const std::string equal = t.start(t.create(home_care_draft()).key, Date(year, 3, 2)).key;
    for (const std::string& key : {planned, equal}) log_units(t, key, 980, 2020);

    const std::vector<std::int64_t> units{980, 2020};
    const stats::Analysis with_plan = stats::analyze(t, planned);
    REQUIRE(with_plan.sample_ratio);
    CHECK_FALSE(with_plan.sample_ratio->mismatch);
    const std::vector<double> weights{1.0, 2.0};
    CHECK(with_plan.sample_ratio->p_value == stats::sample_ratio_mismatch(units, weights).p_value);
    // By hand: expected 1000 and 2000, chi-square 20^2/1000 + 20^2/2000 = 0.6.
    CHECK(with_plan.sample_ratio->statistic == Approx(0.6).epsilon(1e-12));

    const stats::Analysis without = stats::analyze(t, equal);
    REQUIRE(without.sample_ratio);
    CHECK(without.sample_ratio->mismatch);
    CHECK(without.sample_ratio->statistic == Approx(2.0 * 520.0 * 520.0 / 1500.0).epsilon(1e-12));
}

TEST_CASE("a file of schema 8 gets the share and label columns; its experiments open, verify and analyse as before",
          "[shares][labels][schema]") {
    TempDir dir;
    const std::string path = dir.file("v8.db");
    std::string key;
    std::string lock;
    double p_before = 0.0;
    {
        Tracker t = Tracker::open(path);
        key = t.create(home_care_draft()).key;
        lock = t.start(key, Date(year, 3, 2)).lock_hash;
        log_units(t, key, 90, 110);
        p_before = stats::analyze(t, key).sample_ratio->p_value;
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        // A file as schema 8 left it: without the columns of 9 and 10 and the table of 11.
        db.exec("ALTER TABLE arms DROP COLUMN share");
        db.exec("ALTER TABLE metrics DROP COLUMN label");
        db.exec("ALTER TABLE metrics DROP COLUMN covariate");
        db.exec("ALTER TABLE observations DROP COLUMN covariate");
        db.exec("ALTER TABLE voided_observations DROP COLUMN covariate");
        db.exec("DROP TABLE experiment_origins");
        db.exec("DROP TABLE experiment_links");
        db.exec("DROP TABLE experiment_search");  // schema 12's
        db.exec("PRAGMA user_version = 8");
    }
    Tracker t = Tracker::open(path);
    const Experiment e = t.get(key);
    CHECK(e.lock_hash == lock);
    CHECK(preregistration_hash(e) == lock);
    CHECK_FALSE(e.arms[0].share.has_value());
    CHECK(e.metrics[0].label.empty());
    CHECK(t.verify().ok());
    CHECK(stats::analyze(t, key).sample_ratio->p_value == p_before);
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    CHECK(db.execAndGet("SELECT count(*) FROM pragma_table_info('arms') WHERE name = 'share'").getInt() == 1);
    CHECK(db.execAndGet("SELECT count(*) FROM pragma_table_info('metrics') WHERE name = 'label'").getInt() == 1);
}
