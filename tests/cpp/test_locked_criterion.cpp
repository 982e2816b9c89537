// The locked criterion: the snapshot start takes, how it is kept and read back, how it is rebuilt
// for experiments locked before it was kept, and how the locked and the amended criterion differ.
#include "kokeilu/locked_criterion.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/tracker.hpp"
#include "preregistration.hpp"
#include "sqlite_schema.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace kokeilu;
using kokeilu::testing::field_of_error;
using kokeilu::testing::home_care_draft;
using kokeilu::testing::memory_tracker;
using kokeilu::testing::TempDir;

namespace {

Experiment started(Tracker& t, Experiment draft = home_care_draft()) {
    const std::string key = t.create(std::move(draft)).key;
    return t.start(key, Date(2026, 3, 2));
}

Metric& named(Experiment& e, const std::string& name) {
    return *std::find_if(e.metrics.begin(), e.metrics.end(), [&](const Metric& m) { return m.name == name; });
}

// Every pre-registered field set away from its default, so that a field the text leaves out
// cannot round-trip by chance.
LockedCriterion unusual_criterion() {
    LockedCriterion c;
    c.test_card = {"we believe\nwith a line break", "to verify: 5:x\n", "and measure", "right if", "yes: January"};
    c.design = DesignKind::before_after;
    c.arms = {Arm{7, "ennen", ArmRole::before, "syksy 2025", 0.30000000000000004}, Arm{8, "jälkeen", ArmRole::after, "", {}}};
    Metric m;
    m.id = 11;
    m.name = "odotus päivinä";
    m.label = "odotus päivinä (arkipäivät)";
    m.covariate = "odotus_2024";
    m.unit = "days";
    m.description = "kind=mean; role=primary";  // looks like a description of fields, must stay text
    m.kind = MetricKind::count;
    m.role = MetricRole::guardrail;
    m.direction = Direction::lower_is_better;
    m.impact = ImpactClass::activity_output;
    m.baseline = -0.1;
    m.baseline_sd = 1e-300;
    m.minimum_effect = 0.30000000000000004;
    m.effect_scale = EffectScale::relative;
    m.confidence = 0.9;
    m.valid_min = 0.5;
    m.valid_max = 1e9;
    Metric primary;
    primary.id = 12;
    primary.name = "complete";
    primary.minimum_effect = 0.1;
    c.metrics = {m, primary};
    return c;
}

}  // namespace

TEST_CASE("start takes a snapshot of the pre-registered parts, with their ids", "[locked]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    REQUIRE(e.locked);
    CHECK(e.locked->test_card == e.test_card);
    CHECK(e.locked->design == e.design);
    CHECK(e.locked->arms == e.arms);
    CHECK(e.locked->metrics == e.metrics);
    CHECK(std::all_of(e.locked->metrics.begin(), e.locked->metrics.end(), [](const Metric& m) { return m.id > 0; }));
    CHECK(t.get(e.key).locked == e.locked);
    // A draft has none; create ignores one given to it.
    Experiment draft = home_care_draft();
    draft.locked = lock_of(draft);
    CHECK_FALSE(t.create(draft).locked);
}

TEST_CASE("amendments leave the snapshot as it was locked", "[locked]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    Experiment revised = e;
    named(revised, "sense_of_security").direction = Direction::lower_is_better;
    named(revised, "sense_of_security").minimum_effect = 0.1;
    named(revised, "sense_of_security").name = "security";  // names can be amended too
    revised.arms[1].name = "video_call";
    const Experiment amended = t.update(revised, "a new survey scale", "anna");
    REQUIRE(amended.locked);
    CHECK(*amended.locked == *e.locked);

    // The snapshot cannot be edited through update.
    Experiment forged = amended;
    forged.locked->metrics.front().minimum_effect = 0.01;
    CHECK(field_of_error([&] { t.update(forged, "try"); }) == "locked");
}

TEST_CASE("the locked view maps the snapshot to the current arms and metrics by id", "[locked]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    Experiment revised = e;
    named(revised, "sense_of_security").direction = Direction::lower_is_better;
    named(revised, "sense_of_security").name = "security";
    revised.arms[1].name = "video_call";
    Metric added;
    added.name = "new_primary";
    added.minimum_effect = 1.0;
    added.role = MetricRole::primary;
    named(revised, "security").role = MetricRole::secondary;
    revised.metrics.push_back(added);
    const Experiment amended = t.update(revised, "changed the primary metric", "anna");

    const Experiment view = as_locked(amended);
    CHECK(view.primary_metric().name == "security");  // the locked primary under its current name
    CHECK(view.primary_metric().direction == Direction::higher_is_better);
    CHECK(view.primary_metric().id == e.primary_metric().id);
    CHECK(view.arms[1].name == "video_call");
    CHECK(view.metric("new_primary").role == MetricRole::secondary);  // added since: reported, not judged
    CHECK(view.metrics.size() == amended.metrics.size());

    const auto changes = criterion_changes(amended);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].field == "primary_metric");
    CHECK(changes[0].locked_value == "security");
    CHECK(changes[0].amended_value == "new_primary");
}

TEST_CASE("criterion_changes names each part of the criterion that differs, and only those", "[locked]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    CHECK(criterion_changes(e).empty());
    CHECK(criterion_changes(home_care_draft()).empty());

    Experiment revised = e;
    Metric& primary = named(revised, "sense_of_security");
    primary.direction = Direction::lower_is_better;
    primary.minimum_effect = 0.1;
    primary.effect_scale = EffectScale::relative;
    primary.confidence = 0.9;
    primary.impact = ImpactClass::activity_output;
    primary.description = "not part of the criterion";
    revised.test_card.right_if = "said otherwise";  // words, not the criterion's numbers
    named(revised, "wait_days").minimum_effect = 1.0;  // a secondary metric
    const Experiment amended = t.update(revised, "tightened", "anna");
    std::vector<std::string> fields;
    for (const auto& change : criterion_changes(amended)) fields.push_back(change.field);
    CHECK(fields == std::vector<std::string>{"metrics[sense_of_security].direction", "metrics[sense_of_security].impact",
                                            "metrics[sense_of_security].minimum_effect",
                                            "metrics[sense_of_security].effect_scale",
                                            "metrics[sense_of_security].confidence"});
    CHECK(criterion_changes(amended)[0].locked_value == "higher_is_better");
    CHECK(criterion_changes(amended)[0].amended_value == "lower_is_better");

    // Arms by id and role: a renamed arm is no change, another role or a new arm is.
    Experiment renamed = amended;
    renamed.arms[1].name = "video_call";
    CHECK(criterion_changes(t.update(renamed, "typo", "anna")).size() == 5);
    Experiment with_arm = t.get(e.key);
    with_arm.arms.push_back(Arm{0, "phone", ArmRole::treatment, "", {}});
    const auto arm_changes = criterion_changes(t.update(with_arm, "a third arm", "anna"));
    CHECK(std::any_of(arm_changes.begin(), arm_changes.end(), [](const CriterionChange& c) {
        return c.field == "arms" && c.locked_value == "control:control, video_call:treatment" &&
               c.amended_value == "control:control, video_call:treatment, phone:treatment";
    }));
}

TEST_CASE("the snapshot's text reads back exactly, every field included", "[locked]") {
    const LockedCriterion c = unusual_criterion();
    const std::string text = detail::locked_criterion_text(c);
    CHECK(detail::parse_locked_criterion(text) == c);
    // Each field of fields_of is restored by set_field (a field added to one but not the other
    // fails here).
    for (const auto& [name, value] : detail::fields_of(c.metrics[0])) {
        INFO(name);
        Metric m;
        detail::set_field(m, name, value, "test");
        CHECK(detail::fields_of(m) != detail::fields_of(Metric{}));
    }
    for (const auto& [name, value] : detail::fields_of(c.arms[0])) {
        INFO(name);
        Arm a;
        detail::set_field(a, name, value, "test");
        CHECK(detail::fields_of(a) != detail::fields_of(Arm{}));
    }
    CHECK(detail::parse_locked_criterion(detail::locked_criterion_text(LockedCriterion{})) == LockedCriterion{});
}

TEST_CASE("a snapshot text that cannot be read is named as such", "[locked]") {
    const std::string good = detail::locked_criterion_text(unusual_criterion());
    const std::vector<std::string> bad{
        "",
        "not a snapshot\n",
        good.substr(0, good.size() - 1),            // the last field's line break is missing
        good.substr(0, good.size() / 2),            // cut in the middle
        good + "table\n",                           // a part it does not have
        good + "arm\nwings 2:no\n",                 // a field it does not have
        good + "metric\nid 2:-1\n",                 // an id that is not one
        good + "metric\nminimum_effect 3:abc\n",    // a number that is not one
        good + "arm\nrole 3:boss\n",                // an enumeration value that is not one
        good.substr(0, 27) + "test_card.right_if 99:x\n",  // a length beyond the end
    };
    for (const std::string& text : bad) {
        INFO(text);
        CHECK_THROWS_AS(detail::parse_locked_criterion(text), InvalidArgumentError);
    }
}

TEST_CASE("the criterion of an experiment locked before the snapshot is rebuilt from its amendments", "[locked]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    // A run of amendments of every kind the Tracker records, in several updates.
    Experiment r = e;
    named(r, "sense_of_security").minimum_effect = 0.5;
    named(r, "sense_of_security").name = "security";
    r.arms[1].name = "video_call";
    r.arms[1].description = "by video";
    r.test_card.right_if = "it rises by 0.5";
    r = t.update(r, "first", "anna");
    named(r, "security").direction = Direction::lower_is_better;
    named(r, "security").name = "security_score";
    r.metrics.erase(std::find_if(r.metrics.begin(), r.metrics.end(), [](const Metric& m) { return m.name == "calls"; }));
    Metric added;
    added.name = "visits";
    added.role = MetricRole::secondary;
    added.kind = MetricKind::count;
    added.minimum_effect = 2.0;
    r.metrics.push_back(added);
    r.test_card.data_seen = "no";
    r = t.update(r, "second", "anna");
    r.arms.push_back(Arm{0, "phone", ArmRole::treatment, "calls", {}});
    r.arms[1].name = "video";  // and back
    r = t.update(r, "third", "anna");
    REQUIRE(r.amendments.size() > 8);

    // What the snapshot would be without the stored one, against what start took.
    LockedCriterion rebuilt = detail::locked_from_amendments(t.get(e.key));
    LockedCriterion taken = *t.get(e.key).locked;
    // The removed metric comes back without its id (it had none left to point to).
    for (Metric& m : taken.metrics)
        if (m.name == "calls") m.id = 0;
    CHECK(rebuilt == taken);
    CHECK(preregistration_hash(as_locked(t.get(e.key))) != t.get(e.key).lock_hash);
}

TEST_CASE("a file from before the snapshot gets it on opening, and its lock hash still holds", "[locked][schema]") {
    TempDir dir;
    const std::string path = dir.file("v2.db");
    // The experiment as a version without the snapshot stored it: started, then its primary metric
    // amended (minimum effect 0.3 -> 0.5, higher -> lower is better), the lock hash taken again.
    Experiment amended = home_care_draft();
    named(amended, "sense_of_security").minimum_effect = 0.5;
    named(amended, "sense_of_security").direction = Direction::lower_is_better;
    const std::string hash = preregistration_hash(amended);
    {
        // Schema 2 as that version wrote it: its two migrations, and rows written with its columns.
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(detail::sqlite_migrations()[0].sql);
        db.exec(detail::sqlite_migrations()[1].sql);
        db.exec("PRAGMA application_id = " + std::to_string(sqlite_application_id));
        db.exec("PRAGMA user_version = 2");
        SQLite::Statement e(db, "INSERT INTO experiments (id, uuid, key, title, summary, organisation, unit, owner, "
                                "actual_start, risk, we_believe, to_verify, and_measure, right_if, design, status, "
                                "stop_reason, lock_hash, locked_at_us, created_at_us, updated_at_us, revision) VALUES "
                                "(1, '00000000-0000-4000-8000-000000000001', 'OULU-2025-001', 't', '', 'Oulu', '', "
                                "'', '2025-03-02', '', ?, ?, ?, ?, 'concurrent', 'running', '', ?, 1741000000000000, "
                                "1740000000000000, 1742000000000000, 3)");
        e.bind(1, amended.test_card.we_believe);
        e.bind(2, amended.test_card.to_verify);
        e.bind(3, amended.test_card.and_measure);
        e.bind(4, amended.test_card.right_if);
        e.bind(5, hash);
        e.exec();
        for (std::size_t i = 0; i < amended.arms.size(); ++i) {
            SQLite::Statement arm(db, "INSERT INTO arms VALUES (?, 1, ?, ?, ?, ?)");
            arm.bind(1, static_cast<std::int64_t>(i + 1));
            arm.bind(2, static_cast<std::int64_t>(i));
            arm.bind(3, amended.arms[i].name);
            arm.bind(4, std::string(to_string(amended.arms[i].role)));
            arm.bind(5, amended.arms[i].description);
            arm.exec();
        }
        for (std::size_t i = 0; i < amended.metrics.size(); ++i) {
            const Metric& m = amended.metrics[i];
            SQLite::Statement metric(db, "INSERT INTO metrics VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            metric.bind(1, static_cast<std::int64_t>(i + 1));
            metric.bind(2, static_cast<std::int64_t>(i));
            metric.bind(3, m.name);
            metric.bind(4, m.unit);
            metric.bind(5, m.description);
            metric.bind(6, std::string(to_string(m.kind)));
            metric.bind(7, std::string(to_string(m.role)));
            metric.bind(8, std::string(to_string(m.direction)));
            metric.bind(9, std::string(to_string(m.impact)));
            if (m.baseline) metric.bind(10, *m.baseline);
            if (m.baseline_sd) metric.bind(11, *m.baseline_sd);
            metric.bind(12, m.minimum_effect);
            metric.bind(13, std::string(to_string(m.effect_scale)));
            metric.bind(14, m.confidence);
            metric.exec();
        }
        db.exec("INSERT INTO amendments (experiment_id, at_us, field, old_value, new_value, reason, author) VALUES "
                "(1, 1741500000000000, 'metrics[sense_of_security].direction', 'higher_is_better', "
                "'lower_is_better', 'stricter', 'anna'), "
                "(1, 1741500000000000, 'metrics[sense_of_security].minimum_effect', '0.3', '0.5', 'stricter', 'anna')");
    }
    Tracker t = Tracker::open(path);
    const Experiment e = t.get("OULU-2025-001");
    REQUIRE(e.locked);
    const Metric& locked = e.locked->primary_metric();
    CHECK(locked.minimum_effect == 0.3);
    CHECK(locked.direction == Direction::higher_is_better);
    CHECK(locked.id == 1);
    CHECK(e.primary_metric().minimum_effect == 0.5);
    CHECK(e.lock_hash == hash);
    CHECK(preregistration_hash(e) == e.lock_hash);  // no field added to the hash while unanswered
    CHECK(criterion_changes(e).size() == 2);
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    CHECK_FALSE(db.execAndGet("SELECT locked_criterion FROM experiments").isNull());
}

TEST_CASE("a file of a later version made without the snapshot's migration gets it too", "[locked][schema]") {
    // The parts of one release land in any order: a build with migration 6 but not 4 made this file.
    TempDir dir;
    const std::string path = dir.file("v6.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        Experiment r = started(t);
        key = r.key;
        named(r, "sense_of_security").minimum_effect = 0.5;
        t.update(r, "stricter", "anna");
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        for (const char* column : {"locked_criterion", "data_seen", "amended_verdict", "judged_against"})
            db.exec(std::string("ALTER TABLE experiments DROP COLUMN ") + column);
        REQUIRE(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    }
    // Read-only it cannot be brought up to date: it is refused, saying why.
    try {
        (void)Tracker::open(path, SqliteOptions{true});
        FAIL("a file without the columns of migration 4 was opened read-only");
    } catch (const SchemaError& error) {
        CHECK(std::string(error.what()).find("without all of its migrations") != std::string::npos);
    }
    Tracker t = Tracker::open(path);
    const Experiment e = t.get(key);
    REQUIRE(e.locked);
    CHECK(e.locked->primary_metric().minimum_effect == 0.3);
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);  // left where it was
    CHECK_FALSE(db.execAndGet("SELECT locked_criterion FROM experiments").isNull());
}

TEST_CASE("the Test Card's 'data seen' answer is hashed only once answered", "[locked][preregistration]") {
    // The hash of this draft as kokeilu computed it before the answer existed.
    Experiment e = home_care_draft();
    CHECK(preregistration_hash(e) == "985c4a9b4fd55259a4ddc1221c82dd04");
    CHECK(detail::preregistration_text(e).find("data_seen") == std::string::npos);
    e.test_card.data_seen = "no";
    CHECK(preregistration_hash(e) != "985c4a9b4fd55259a4ddc1221c82dd04");
    Experiment yes = e;
    yes.test_card.data_seen = "yes: January";
    CHECK(preregistration_hash(yes) != preregistration_hash(e));

    // Blank is no answer; after the start an answer is an amendment like any part of the card.
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    draft.test_card.data_seen = "  ";
    const Experiment s = started(t, draft);
    CHECK(s.test_card.data_seen.empty());
    CHECK(s.lock_hash == "985c4a9b4fd55259a4ddc1221c82dd04");
    Experiment answered = s;
    answered.test_card.data_seen = "no";
    const Experiment amended = t.update(answered, "forgot to answer", "anna");
    REQUIRE(amended.amendments.size() == 1);
    CHECK(amended.amendments[0].field == "test_card.data_seen");
    CHECK(amended.locked->test_card.data_seen.empty());
}

TEST_CASE("the days an experiment started before its lock", "[locked]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    const Experiment e = t.start(key, Date(2025, 1, 6));  // dated back; locked now
    REQUIRE(e.days_started_before_lock());
    CHECK(*e.days_started_before_lock() == (e.locked_at->date() - Date(2025, 1, 6)).days());
    const std::string today_key = t.create(home_care_draft()).key;
    CHECK_FALSE(t.start(today_key).days_started_before_lock());  // started the day it was locked
    CHECK_FALSE(home_care_draft().days_started_before_lock());
}
