// Experiments exchanged between trackers: the record read back (experiment_from_record), and
// Tracker::import_experiments — added, repeated, replaced, refused, and read-only once imported.
#include "kokeilu/exchange.hpp"
#include "kokeilu/experiment_record.hpp"
#include "kokeilu/locked_criterion.hpp"
#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/tracker.hpp"

#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr const char* exporter_log = "0123456789abcdef0123456789abcdef";

// Oulu's experiment, started, with rows in two metrics and an amendment.
Experiment oulu_experiment(Tracker& t) {
    Experiment draft = home_care_draft();
    draft.arms[0].share = 1.0;
    draft.arms[1].share = 2.0;
    draft.metrics[0].label = "Sense of security";
    const Experiment created = t.create(draft);
    const Experiment running = t.start(created.key, Date(2025, 3, 3));
    for (int day = 4; day < 12; ++day) {
        t.log(running.key, Observation{at(2025, 3, static_cast<unsigned short>(day)), "", "control", 3.0 + day % 3, {}, {}, "s" + std::to_string(day), "", {}});
        t.log(running.key, Observation{at(2025, 3, static_cast<unsigned short>(day)), "", "video", 3.5 + day % 2, {}, {}, "", "", {}});
    }
    t.log(running.key, Observation{at(2025, 3, 5), "calls", "video", 0.0, Aggregate{4, 9.0, {}}, 3.5, "", "", {}});
    t.log(running.key, Observation{at(2025, 3, 6), "missed_medication", "control", 1.0, {}, {}, "", "", {}});
    Experiment amended = t.get(running.key);
    amended.metrics[2].minimum_effect = 1.5;
    t.update(amended, "a smaller wait matters to the clients", "Aino");
    t.note(running.key, "the first week went as planned", "Aino", at(2025, 3, 10));
    return t.get(running.key);
}

// The experiment as a bundle carries it, read from its tracker.
IncomingExperiment exported(Tracker& t, const std::string& key, std::string log_id = exporter_log) {
    const Experiment e = t.get(key);
    IncomingExperiment in;
    in.record = experiment_record(e);
    in.journal = t.journal(key);
    for (const Metric& metric : e.metrics) {
        t.for_each_observation(key, ObservationQuery{metric.name, {}, {}, {}, false}, [&](const ObservationRow& row) {
            Observation o;
            o.at = from_unix_micros(row.at_us);
            o.metric = metric.name;
            for (const Arm& arm : e.arms)
                if (arm.id == row.arm_id) o.arm = arm.name;
            if (row.is_aggregate) {
                o.aggregate = Aggregate{row.n, row.sum, std::isnan(row.sum_sq) ? std::optional<double>() : row.sum_sq};
            } else {
                o.value = row.value;
            }
            if (metric.kind == MetricKind::count) o.exposure = row.exposure;
            o.subject = std::string(row.subject);
            in.observations.push_back(std::move(o));
        });
    }
    in.origin.organisation = e.organisation;
    in.origin.exporter = "Aino";
    in.origin.log_id = std::move(log_id);
    return in;
}

std::int64_t history_size(const Tracker& t) { return t.checkpoint().size; }

}  // namespace

TEST_CASE("a record reads back as the experiment it records", "[exchange][record]") {
    Tracker t = memory_tracker();
    const Experiment draft = t.create(home_care_draft());
    const Experiment running = oulu_experiment(t);
    Outcome outcome;
    outcome.verdict = Verdict::supported;
    outcome.decision = Decision::scale_up;
    outcome.learning = {"a", "b", "c", "d"};
    outcome.decided_on = Date(2025, 4, 1);
    const Experiment concluded = t.conclude(running.key, outcome);
    for (const Experiment& e : {draft, running, concluded}) {
        const std::string record = experiment_record(e);
        const Experiment back = experiment_from_record(record);
        CHECK(experiment_record(back) == record);
        CHECK(back.uuid == e.uuid);
        CHECK(back.arms.size() == e.arms.size());
        CHECK(back.amendments == e.amendments);
    }
    CHECK(experiment_from_record(experiment_record(concluded)).locked == concluded.locked);
}

TEST_CASE("a draft stopped before it started is imported as it is, unlocked", "[exchange][import]") {
    Tracker oulu = memory_tracker();
    const Experiment stopped = oulu.stop(oulu.create(home_care_draft()).key, "the unit was reorganised");
    REQUIRE_FALSE(stopped.is_locked());
    Tracker kajaani = memory_tracker();
    const auto result = kajaani.import_experiments(std::vector{exported(oulu, stopped.key)});
    CHECK(result[0].action == ImportAction::added);
    CHECK(kajaani.get(stopped.uuid).status == Status::stopped);
    CHECK(kajaani.journal(stopped.key).size() == 1);  // the stop's reason, as a note
    CHECK(kajaani.verify().ok());
}

TEST_CASE("a record that is not one kokeilu wrote is refused, naming its field", "[exchange][record]") {
    Tracker t = memory_tracker();
    const std::string record = experiment_record(t.create(home_care_draft()));
    CHECK(field_of_error([&] { (void)experiment_from_record("kokeilu note 1\n"); }) == "record");
    CHECK(field_of_error([&] { (void)experiment_from_record(record + "colour\t3:red\n"); }) == "record.colour");
    std::string bad_cost = record;
    const auto cost = bad_cost.find("planned_cost_eur\t5:12000");
    REQUIRE(cost != std::string::npos);
    bad_cost.replace(cost, 24, "planned_cost_eur\t5:1200x");
    CHECK(field_of_error([&] { (void)experiment_from_record(bad_cost); }) == "record.planned_cost_eur");
    std::string bad_kind = record;
    const auto kind = bad_kind.find("metrics[calls].kind\t5:count");
    REQUIRE(kind != std::string::npos);
    bad_kind.replace(kind, 27, "metrics[calls].kind\t5:cound");
    CHECK(field_of_error([&] { (void)experiment_from_record(bad_kind); }) == "record.metrics[calls].kind");
}

TEST_CASE("an imported experiment is a verified, read-only copy of the exporter's", "[exchange][import]") {
    Tracker oulu = memory_tracker();
    const Experiment original = oulu_experiment(oulu);
    Tracker kajaani = memory_tracker();
    const std::vector<IncomingExperiment> bundle{exported(oulu, original.key)};

    const auto result = kajaani.import_experiments(bundle);
    REQUIRE(result.size() == 1);
    CHECK(result[0].action == ImportAction::added);
    CHECK(result[0].rows == oulu.count_observations(original.key));
    const Experiment copy = kajaani.get(original.uuid);
    CHECK(experiment_record(copy) == experiment_record(original));
    REQUIRE(copy.origin);
    CHECK(copy.origin->organisation == "Oulu");
    CHECK(copy.origin->log_id == exporter_log);
    CHECK(copy.origin->content_sha256.size() == 64);
    CHECK(kajaani.journal(copy.key).size() == 1);
    CHECK(kajaani.verify().ok());
    CHECK(kajaani.quick_check(copy.key).empty());
    // The running summaries are those of the exporter, row for row.
    const auto ours = kajaani.arm_summaries(copy);
    const auto theirs = oulu.arm_summaries(original);
    REQUIRE(ours.size() == theirs.size());
    for (std::size_t i = 0; i < ours.size(); ++i) {
        REQUIRE(ours[i].summary);
        CHECK(ours[i].summary->n() == theirs[i].summary->n());
        CHECK(ours[i].summary->mean() == theirs[i].summary->mean());
    }
    CHECK(kajaani.history(copy.key).front().kind == HistoryKind::imported);

    // Read-only here: every change is made where it came from.
    const auto refused = [&](auto f) {
        try {
            f();
        } catch (const InvalidStateError& error) {
            return error.message().code == "bundle.imported_read_only";
        }
        return false;
    };
    CHECK(refused([&] { kajaani.log(copy.key, Observation{at(2025, 3, 20), "", "video", 4.0, {}, {}, "", "", {}}); }));
    CHECK(refused([&] { kajaani.note(copy.key, "a note"); }));
    CHECK(refused([&] { kajaani.stop(copy.key, "no reason"); }));
    CHECK(refused([&] { kajaani.update(copy, "why"); }));
    CHECK(refused([&] { kajaani.void_observations(copy.key, VoidRequest{{1}, 0, "wrong", ""}); }));
    CHECK(refused([&] { kajaani.conclude(copy.key, Outcome{}); }));
}

TEST_CASE("an imported copy is judged as its exporter judges it, whatever ids it gets here",
          "[exchange][import][locked]") {
    Tracker oulu = memory_tracker();
    Experiment original = oulu_experiment(oulu);
    // Renamed after the start: the locked criterion names them as they were.
    original.arms[1].name = "video_call";
    original.metrics[0].name = "security";
    original = oulu.update(original, "shorter names", "Aino");
    Tracker kajaani = memory_tracker();
    // Kajaani's own experiment takes the first ids of arms and metrics here.
    (void)kajaani.create(home_care_draft("Kajaani"));
    const std::vector<IncomingExperiment> bundle{exported(oulu, original.key)};
    REQUIRE(kajaani.import_experiments(bundle).at(0).action == ImportAction::added);

    const Experiment copy = kajaani.get(original.uuid);
    REQUIRE(copy.arms.at(0).id != original.arms.at(0).id);
    REQUIRE(copy.metrics.at(0).id != original.metrics.at(0).id);
    CHECK(experiment_record(copy) == experiment_record(original));  // the record keeps the exporter's ids
    CHECK(criterion_changes(copy) == criterion_changes(original));
    CHECK(as_locked(copy).metrics.at(0).name == "security");
    CHECK(as_locked(copy).arms.at(1).name == "video_call");

    const stats::Analysis ours = stats::analyze(kajaani, copy.key);
    const stats::Analysis theirs = stats::analyze(oulu, original.key);
    REQUIRE(ours.comparisons.size() == theirs.comparisons.size());
    for (std::size_t i = 0; i < ours.comparisons.size(); ++i) {
        INFO(theirs.comparisons[i].metric);
        CHECK(ours.comparisons[i].metric == theirs.comparisons[i].metric);
        CHECK(ours.comparisons[i].status == theirs.comparisons[i].status);
        REQUIRE(ours.comparisons[i].effect.has_value() == theirs.comparisons[i].effect.has_value());
        if (ours.comparisons[i].effect) {
            CHECK(ours.comparisons[i].effect->estimate == theirs.comparisons[i].effect->estimate);
            CHECK(ours.comparisons[i].effect->std_error == theirs.comparisons[i].effect->std_error);
        }
    }
    REQUIRE(theirs.comparisons.at(0).effect.has_value());
    CHECK(ours.verdict.verdict == theirs.verdict.verdict);
    CHECK(ours.criterion_changes == theirs.criterion_changes);
}

TEST_CASE("a copy from the same bundle again is unchanged by the bundle's id, rows or not", "[exchange][import]") {
    Tracker oulu = memory_tracker();
    const Experiment original = oulu_experiment(oulu);
    Tracker kajaani = memory_tracker();
    const std::string bundle_id(64, 'b');
    std::vector<IncomingExperiment> bundle{exported(oulu, original.key)};
    bundle[0].origin.bundle_id = bundle_id;
    REQUIRE(kajaani.import_experiments(bundle).at(0).action == ImportAction::added);
    CHECK(kajaani.get(original.uuid).origin->bundle_id == bundle_id);
    const std::int64_t size = history_size(kajaani);

    // The rows left out, as kokeilu.bundle leaves them unread for a bundle imported before.
    bundle[0].observations.clear();
    const auto again = kajaani.import_experiments(bundle);
    CHECK(again.at(0).action == ImportAction::unchanged);
    CHECK(history_size(kajaani) == size);
    CHECK(kajaani.count_observations(original.key) == oulu.count_observations(original.key));

    // Another bundle id without the rows is another content: the copy is replaced by it.
    bundle[0].origin.bundle_id = std::string(64, 'c');
    CHECK(kajaani.import_experiments(bundle).at(0).action == ImportAction::updated);
    CHECK(kajaani.count_observations(original.key) == 0);

    bundle[0].origin.bundle_id = "not hex";
    try {
        (void)kajaani.import_experiments(bundle);
        FAIL("a bundle id that is not a SHA-256 was taken");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "experiments[0].origin.bundle_id");
    }
}

TEST_CASE("importing the same bundle again changes nothing and says so", "[exchange][import]") {
    Tracker oulu = memory_tracker();
    const Experiment original = oulu_experiment(oulu);
    Tracker kajaani = memory_tracker();
    const std::vector<IncomingExperiment> bundle{exported(oulu, original.key)};
    (void)kajaani.import_experiments(bundle);
    const std::int64_t entries = history_size(kajaani);
    const auto again = kajaani.import_experiments(bundle);
    REQUIRE(again.size() == 1);
    CHECK(again[0].action == ImportAction::unchanged);
    CHECK(history_size(kajaani) == entries);
    CHECK(kajaani.count_observations(original.key) == oulu.count_observations(original.key));

    // Its own experiment, come back, is left as it is.
    const auto home = oulu.import_experiments(bundle);
    CHECK(home[0].action == ImportAction::unchanged);
    REQUIRE(home[0].reason);
    CHECK(home[0].reason->code == "bundle.own_experiment");
}

TEST_CASE("a newer state from the same tracker replaces the copy; another source is a conflict",
          "[exchange][import]") {
    Tracker oulu = memory_tracker();
    const Experiment original = oulu_experiment(oulu);
    Tracker kajaani = memory_tracker();
    (void)kajaani.import_experiments(std::vector{exported(oulu, original.key)});

    oulu.log(original.key, Observation{at(2025, 3, 20), "", "video", 5.0, {}, {}, "", "", {}});
    oulu.note(original.key, "more data", "Aino", at(2025, 3, 21));
    Outcome outcome;
    outcome.verdict = Verdict::inconclusive;
    outcome.decision = Decision::adapt;
    outcome.learning = {"a", "b", "c", "d"};
    outcome.decided_on = Date(2025, 4, 1);
    (void)oulu.conclude(original.key, outcome);
    const auto updated = kajaani.import_experiments(std::vector{exported(oulu, original.key)});
    REQUIRE(updated.size() == 1);
    CHECK(updated[0].action == ImportAction::updated);
    const Experiment copy = kajaani.get(original.uuid);
    CHECK(copy.status == Status::concluded);
    CHECK(experiment_record(copy) == experiment_record(oulu.get(original.key)));
    CHECK(kajaani.count_observations(copy.key) == oulu.count_observations(original.key));
    CHECK(kajaani.journal(copy.key).size() == 2);
    CHECK(kajaani.verify().ok());

    // The same experiment from another tracker's log (a re-export elsewhere) is not taken over it.
    const std::int64_t entries = history_size(kajaani);
    const auto other = kajaani.import_experiments(std::vector{exported(oulu, original.key, std::string(32, 'e'))});
    CHECK(other[0].action == ImportAction::unchanged);  // the same content, whoever brings it
    IncomingExperiment changed = exported(oulu, original.key, std::string(32, 'e'));
    changed.observations.pop_back();
    const auto conflict = kajaani.import_experiments(std::vector{changed});
    CHECK(conflict[0].action == ImportAction::conflict);
    REQUIRE(conflict[0].reason);
    CHECK(conflict[0].reason->code == "bundle.other_source");
    CHECK(history_size(kajaani) == entries);
}

TEST_CASE("a bundle with one bad part writes nothing, and names the part", "[exchange][import]") {
    Tracker oulu = memory_tracker();
    const Experiment original = oulu_experiment(oulu);
    Experiment second_draft = home_care_draft("Ii");
    second_draft.title = "Evening calls";
    const Experiment second = oulu.create(second_draft);
    Tracker kajaani = memory_tracker();
    const std::int64_t entries = history_size(kajaani);

    std::vector<IncomingExperiment> bundle{exported(oulu, second.key), exported(oulu, original.key)};
    bundle[1].observations[3].value = std::nan("");
    CHECK(field_of_error([&] { (void)kajaani.import_experiments(bundle); }) == "experiments[1].observations[3].value");

    bundle = {exported(oulu, second.key), exported(oulu, original.key)};
    const auto lock = bundle[1].record.find(':', bundle[1].record.find("\nlock_hash\t"));
    REQUIRE(lock != std::string::npos);
    bundle[1].record[lock + 1] = bundle[1].record[lock + 1] == 'a' ? 'b' : 'a';
    CHECK(field_of_error([&] { (void)kajaani.import_experiments(bundle); }) == "experiments[1].record.lock_hash");

    bundle = {exported(oulu, second.key), exported(oulu, original.key)};
    bundle[1].origin.log_id = "../../etc";
    CHECK(field_of_error([&] { (void)kajaani.import_experiments(bundle); }) == "experiments[1].origin.log_id");

    bundle = {exported(oulu, second.key), exported(oulu, original.key)};
    bundle[1].origin.privacy = "everything";
    CHECK(field_of_error([&] { (void)kajaani.import_experiments(bundle); }) == "experiments[1].origin.privacy");

    bundle = {exported(oulu, second.key), exported(oulu, original.key)};
    bundle[0].observations = bundle[1].observations;  // rows for a draft
    CHECK(field_of_error([&] { (void)kajaani.import_experiments(bundle); }) == "experiments[0].observations");

    bundle = {exported(oulu, original.key), exported(oulu, original.key)};
    CHECK(field_of_error([&] { (void)kajaani.import_experiments(bundle); }) == "experiments[1].record.uuid");

    CHECK(history_size(kajaani) == entries);
    CHECK(kajaani.experiments().empty());

    // A key this file already uses for another experiment: that one is not imported, the rest are.
    Experiment taken = home_care_draft();
    taken.key = original.key;
    (void)kajaani.create(taken);
    const auto result = kajaani.import_experiments(std::vector{exported(oulu, second.key), exported(oulu, original.key)});
    CHECK(result[0].action == ImportAction::added);
    CHECK(result[1].action == ImportAction::conflict);
    CHECK(result[1].reason->code == "bundle.key_in_use");
}

TEST_CASE("a file of schema 10 gets the table of origins and its history index; it opens, verifies and imports",
          "[exchange][schema]") {
    TempDir dir;
    const std::string path = dir.file("v10.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        key = oulu_experiment(t).key;
    }
    {
        // The file as schema 10 left it: no table of origins, the index without "imported".
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("DROP TABLE experiment_origins");
        db.exec("DROP TABLE experiment_links");
        db.exec("DROP TABLE experiment_search");  // schema 12's
        db.exec("DROP INDEX history_records");
        db.exec("CREATE INDEX history_records ON history (experiment_id, id) WHERE kind IN ('create', 'update', "
                "'amend', 'start', 'stop', 'conclude', 'migrated', 'delete')");
        db.exec("PRAGMA user_version = 10");
    }
    Tracker t = Tracker::open(path);
    CHECK(t.verify().ok());
    CHECK_FALSE(t.get(key).origin);
    Tracker oulu = memory_tracker();
    const Experiment other = oulu_experiment(oulu);
    const auto result = t.import_experiments(std::vector{exported(oulu, other.key)});
    CHECK(result[0].action == ImportAction::conflict);  // the same key, another experiment
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    CHECK(db.execAndGet("SELECT sql LIKE '%imported%' FROM sqlite_schema WHERE name = 'history_records'").getInt() == 1);
}

namespace {

// A source of rows as a bundle's parts are one: it hands out each experiment's rows when asked,
// and notes how it was asked.
class RowsBySource final : public IncomingRows {
public:
    std::map<std::string, std::vector<Observation>, std::less<>> rows;
    std::vector<std::string> asked;
    int finished = 0;
    int checked_whole = 0;

    void rows_of(std::string_view uuid, const std::function<void(const Observation&)>& visit) override {
        asked.emplace_back(uuid);
        if (const auto found = rows.find(uuid); found != rows.end())
            for (const Observation& o : found->second) visit(o);
    }
    void finish() override { ++finished; }
    void check_whole() override { ++checked_whole; }
};

}  // namespace

TEST_CASE("rows read from a source as they are written: by UUID, and all or nothing", "[exchange][source]") {
    Tracker oulu = memory_tracker();
    const Experiment a = oulu_experiment(oulu);
    const Experiment b = oulu_experiment(oulu);
    // The incoming order is the reverse of the UUIDs' order, which the source is asked in.
    const bool a_first = a.uuid < b.uuid;
    std::vector<IncomingExperiment> bundle{exported(oulu, a_first ? b.key : a.key), exported(oulu, a_first ? a.key : b.key)};
    RowsBySource source;
    for (IncomingExperiment& in : bundle) source.rows[experiment_from_record(in.record).uuid] = std::move(in.observations);
    for (IncomingExperiment& in : bundle) in.observations.clear();
    const std::string later = a_first ? b.uuid : a.uuid;

    SECTION("the rows land as the rows of the experiments given whole") {
        Tracker kajaani = memory_tracker();
        const auto result = kajaani.import_experiments(bundle, &source);
        REQUIRE(result.size() == 2);
        CHECK(result[0].uuid == later);  // in the order given
        CHECK(source.asked == std::vector<std::string>{std::min(a.uuid, b.uuid), later});
        CHECK(source.finished == 1);
        for (const auto& r : result) {
            CHECK(r.action == ImportAction::added);
            CHECK(r.rows == oulu.count_observations(r.key));
            CHECK(kajaani.count_observations(r.uuid) == r.rows);
        }
        CHECK(kajaani.verify().ok());
    }
    SECTION("a bad row of the later experiment undoes the rows of the first, written before it") {
        Tracker kajaani = memory_tracker();
        const std::int64_t before = history_size(kajaani);
        source.rows[later].at(5).arm = "nobody";
        try {
            (void)kajaani.import_experiments(bundle, &source);
            FAIL("imported");
        } catch (const InvalidArgumentError& error) {
            CHECK(error.field() == "experiments[0].observations[5].arm");
        }
        // Asked whether it is whole, so that damage is told as damage; never finished.
        CHECK(source.checked_whole == 1);
        CHECK(source.finished == 0);
        CHECK(kajaani.experiments().empty());
        CHECK(history_size(kajaani) == before);
    }
}
