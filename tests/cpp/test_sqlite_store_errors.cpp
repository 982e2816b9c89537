// The SQLite store refusing what it cannot keep: unknown experiments, statuses that take no data,
// values that are no dates or times, duplicate names that slipped past the Tracker, keys that do not
// follow the numbering, and stored values this version cannot read. Each refusal names the field or
// the experiment, and writes nothing.
#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"

#include "sqlite_support.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <array>
#include <filesystem>
#include <functional>
#include <random>
#include <span>
#include <string>
#include <vector>

using namespace kokeilu;
namespace fs = std::filesystem;

using kokeilu::testing::field_of_error;

namespace {

Experiment library_experiment(const std::string& title = "Omatoimikirjasto") {
    Experiment e;
    e.title = title;
    e.organisation = "Kajaani";
    e.unit = "kirjasto";
    e.purposes = {Purpose::vitality};
    e.design = DesignKind::concurrent;
    e.arms = {{0, "closed", ArmRole::control, "", {}}, {0, "open", ArmRole::treatment, "", {}}};
    Metric visits;
    visits.name = "visits";
    visits.kind = MetricKind::count;
    visits.minimum_effect = 0.1;
    e.metrics = {visits};
    e.status = Status::running;
    e.created_at = Time(Date(2026, 1, 5), boost::posix_time::hours(9));
    e.updated_at = e.created_at;
    return e;
}

template <class Error, class F>
std::string message_of(F f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error of the expected kind)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

ObservationRecord row(const Experiment& e, double value) {
    ObservationRecord r;
    r.metric_id = e.metrics[0].id;
    r.arm_id = e.arms[1].id;
    r.at_us = 1'780'000'000'000'000;
    r.value = value;
    return r;
}

constexpr std::array<Status, 1> running_only{Status::running};

}  // namespace

TEST_CASE("sqlite store errors: an experiment id that is not stored is not found, and nothing is written", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = library_experiment();
    store->insert_experiment(e, "KAJAANI-2026-");
    const std::vector<ObservationRecord> rows{row(e, 3.0)};
    const std::int64_t missing = e.id + 40;

    CHECK(contains(message_of<NotFoundError>([&] { store->insert_observations({missing, running_only}, rows); }),
                   "experiment not found: id " + std::to_string(missing)));
    const std::vector<std::int64_t> at{1, 2};
    const std::vector<double> values{1.0, 2.0};
    const std::vector<std::int32_t> codes{0, 0};
    const std::vector<std::int64_t> arms{e.arms[0].id};
    CHECK(contains(
        message_of<NotFoundError>([&] {
            store->insert_observation_columns({missing, running_only}, {e.metrics[0].id, at, values, codes, arms, {}});
        }),
        "id " + std::to_string(missing)));
    CHECK(store->count_observations(e.id) == 0);

    // A copy whose row was never stored (or was deleted by another tool): named by its key, or by
    // its id when it has none.
    Experiment stray = e;
    stray.id = missing;
    stray.key = "KAJAANI-2026-099";
    stray.uuid = "0b4e28ba-2fa1-41d2-883f-0016d3cca427";
    CHECK(contains(message_of<NotFoundError>([&] { store->save_experiment(stray, {}, std::nullopt, HistoryKind::update); }), "KAJAANI-2026-099"));
    stray.key.clear();
    CHECK(contains(message_of<NotFoundError>([&] { store->save_experiment(stray, {}, std::nullopt, HistoryKind::update); }),
                   "id " + std::to_string(missing)));
    stray.id = 0;
    CHECK(field_of_error([&] { store->save_experiment(stray, {}, std::nullopt, HistoryKind::update); }) == "id");
    CHECK(store->list_experiments({}).size() == 1);

    // Counting the observations of a metric of another experiment finds none.
    Experiment other = library_experiment("Toinen");
    store->insert_experiment(other, "KAJAANI-2026-");
    store->insert_observations({other.id, running_only}, std::vector<ObservationRecord>{row(other, 1.0)});
    CHECK(store->count_observations(other.id, other.metrics[0].id) == 1);
    CHECK(store->count_observations(e.id, other.metrics[0].id) == 0);
}

TEST_CASE("sqlite store errors: the status message lists every status that takes data", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = library_experiment();
    e.status = Status::draft;
    store->insert_experiment(e, "KAJAANI-2026-");
    const std::vector<ObservationRecord> rows{row(e, 3.0)};

    constexpr std::array<Status, 3> three{Status::running, Status::stopped, Status::concluded};
    CHECK(message_of<InvalidStateError>([&] { store->insert_observations({e.id, three}, rows); }) ==
          "experiment KAJAANI-2026-001 is draft; observations can be recorded only when it is running, stopped "
          "or concluded");
    constexpr std::array<Status, 2> two{Status::running, Status::stopped};
    CHECK(contains(message_of<InvalidStateError>([&] { store->insert_observations({e.id, two}, rows); }),
                   "only when it is running or stopped"));
    CHECK(message_of<InvalidStateError>([&] { store->insert_observations({e.id, std::span<const Status>{}}, rows); }) ==
          "experiment KAJAANI-2026-001 is draft; no observations can be recorded");
    CHECK(store->count_observations(e.id) == 0);
}

TEST_CASE("sqlite store errors: dates and times that are not on the calendar name their field", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    const auto field_of_insert = [&](auto change) {
        Experiment e = library_experiment();
        change(e);
        return field_of_error([&] { store->insert_experiment(e, "KAJAANI-2026-"); });
    };
    const Date infinite_date(boost::gregorian::pos_infin);
    const Time infinite_time(boost::posix_time::neg_infin);
    CHECK(field_of_insert([&](Experiment& e) { e.planned_start = infinite_date; }) == "planned_start");
    CHECK(field_of_insert([&](Experiment& e) { e.actual_end = Date(boost::gregorian::not_a_date_time); }) ==
          "actual_end");
    CHECK(field_of_insert([&](Experiment& e) { e.created_at = infinite_time; }) == "created_at");
    CHECK(field_of_insert([&](Experiment& e) { e.locked_at = infinite_time; }) == "locked_at");
    CHECK(field_of_insert([&](Experiment& e) {
              e.status = Status::concluded;
              e.outcome = Outcome{Verdict::supported, {"a", "b", "c", "d"}, Decision::scale_up, infinite_date};
          }) == "outcome.decided_on");
    CHECK(field_of_insert([&](Experiment& e) {
              e.amendments = {{infinite_time, "test_card.right_if", "a", "b", "why", "who"}};
          }) == "amendment.at");
    CHECK(store->list_experiments({}).empty());

    // Not-a-date-time means "not set" where a time may be unset: kept as NULL and read back so.
    Experiment unset = library_experiment();
    unset.updated_at = Time();
    unset.status = Status::concluded;
    unset.outcome = Outcome{Verdict::refuted, {"a", "b", "c", "d"}, Decision::stop, Date()};
    store->insert_experiment(unset, "KAJAANI-2026-");
    const auto found = store->find_experiment(unset.key);
    REQUIRE(found);
    CHECK(found->updated_at.is_not_a_date_time());
    REQUIRE(found->outcome);
    CHECK(found->outcome->decided_on.is_not_a_date());
    CHECK(found->outcome->decision == Decision::stop);

    ExperimentFilter from_infinity;
    from_infinity.from = infinite_date;
    CHECK(field_of_error([&] { (void)store->list_experiments(from_infinity); }) == "from");
    ExperimentFilter to_nowhere;
    to_nowhere.to = Date(boost::gregorian::not_a_date_time);
    CHECK(field_of_error([&] { (void)store->list_experiments(to_nowhere); }) == "to");
}

TEST_CASE("sqlite store errors: two arms or metrics of one name are refused even past the Tracker", "[sqlite]") {
    // The Tracker refuses such names first; the store's UNIQUE constraints are the last line, and
    // still say which list is wrong.
    auto store = open_sqlite_store(":memory:");
    Experiment arms = library_experiment();
    arms.arms.push_back({0, "open", ArmRole::treatment, "again", {}});
    CHECK(field_of_error([&] { store->insert_experiment(arms, "KAJAANI-2026-"); }) == "arms");
    Experiment metrics = library_experiment();
    metrics.metrics.push_back(metrics.metrics[0]);
    CHECK(field_of_error([&] { store->insert_experiment(metrics, "KAJAANI-2026-"); }) == "metrics");
    CHECK(store->list_experiments({}).empty());
    CHECK(arms.id == 0);  // the caller's object is untouched by a failed insert
    CHECK(arms.key.empty());

    Experiment stored = library_experiment();
    store->insert_experiment(stored, "KAJAANI-2026-");
    stored.metrics.push_back(stored.metrics[0]);
    stored.metrics.back().id = 0;
    CHECK(field_of_error([&] { store->save_experiment(stored, {}, std::nullopt, HistoryKind::update); }) == "metrics");
    CHECK(store->find_experiment(stored.key)->metrics.size() == 1);
}

TEST_CASE("sqlite store errors: keys off the numbering do not move it", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    // Keys given by hand under the same prefix: letters, nothing after the prefix, or a number
    // too large to count from. None of them is a number of the sequence.
    for (const char* key : {"OULU-2026-A7", "OULU-2026-", "OULU-2026-99999999999999999999", "OULU-2026-12b"}) {
        Experiment e = library_experiment(key);
        e.key = key;
        store->insert_experiment(e, "");
        CHECK(e.key == key);
    }
    Experiment next = library_experiment("next");
    store->insert_experiment(next, "OULU-2026-");
    CHECK(next.key == "OULU-2026-001");
    Experiment after = library_experiment("after");
    store->insert_experiment(after, "oulu-2026-");  // the prefix is compared ignoring case
    CHECK(after.key == "oulu-2026-002");
}

TEST_CASE("sqlite store errors: a stored value this version cannot read is a storage error", "[sqlite]") {
    // E.g. a status written by a newer kokeilu or by hand in another SQLite tool.
    const fs::path dir = fs::temp_directory_path() / ("kokeilu-unreadable-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    const std::string path = (dir / "tracker.db").string();
    std::string key;
    {
        auto store = open_sqlite_store(path);
        Experiment e = library_experiment();
        store->insert_experiment(e, "KAJAANI-2026-");
        key = e.key;
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("UPDATE experiments SET status = 'paused'");
    }
    auto store = open_sqlite_store(path);
    for (const auto& read : std::vector<std::function<void()>>{[&] { (void)store->find_experiment(key); },
                                                               [&] { (void)store->list_experiments({}); }}) {
        try {
            read();
            FAIL("an unknown status was read");
        } catch (const StorageError& error) {
            INFO(error.what());
            CHECK(contains(error.what(), "a stored value cannot be read"));
            CHECK(contains(error.what(), "paused"));
        }
    }
    store.reset();
    std::error_code ignored;
    fs::remove_all(dir, ignored);
}

TEST_CASE("sqlite store errors: kokeilu_fold folds like the Tracker and keeps NULL", "[sqlite]") {
    // The SQL function behind the case-insensitive list filters, for any SQLite tool that opens
    // the file through kokeilu's connection.
    SQLite::Database db(":memory:", SQLite::OPEN_READWRITE);
    detail::register_sql_functions(db);
    CHECK(db.execAndGet("SELECT kokeilu_fold('ÄÖÅ Kuusamo')").getString() == "äöå kuusamo");
    CHECK(db.execAndGet("SELECT kokeilu_fold(NULL) IS NULL").getInt() == 1);
    CHECK(db.execAndGet("SELECT kokeilu_fold(42)").getString() == "42");
}

TEST_CASE("sqlite store errors: an arm or metric whose only rows were voided is kept for them", "[sqlite]") {
    // A voided row stays in the file with its arm and metric: removing them would leave it
    // pointing at nothing. The counted rows' check passes (there are none); the foreign key refuses.
    auto store = open_sqlite_store(":memory:");
    Experiment e = library_experiment();
    store->insert_experiment(e, "KAJAANI-2026-");
    store->insert_observations({e.id, running_only}, std::vector<ObservationRecord>{row(e, 3.0)});
    const VoidRequest typo{{1}, 0, "typo", ""};
    store->void_observations(e.id, typo, e.created_at);
    REQUIRE(store->count_observations(e.id) == 0);

    const auto refusal_of = [&](auto change) {
        Experiment changed = *store->find_experiment(e.key);
        change(changed);
        try {
            store->save_experiment(changed, {}, std::nullopt, HistoryKind::update);
        } catch (const InvalidStateError& error) {
            return error.code() + " " + error.what();
        }
        return std::string("(saved)");
    };
    CHECK(refusal_of([](Experiment& x) { x.arms.pop_back(); }) ==
          "store.arm_has_observations arm 'open' has observations and cannot be removed");
    CHECK(refusal_of([](Experiment& x) {
              x.metrics[0].id = 0;
              x.metrics[0].name = "visitors";
          }).starts_with("store.metric_has_observations"));
    const Experiment stored = *store->find_experiment(e.key);
    CHECK(stored.arms.size() == 2);
    CHECK(stored.metrics[0].name == "visits");
    CHECK(stored.revision == e.revision);
}

TEST_CASE("sqlite store errors: only a draft is deleted, checked inside the transaction", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    // A file without a row has no ids yet, stored or recorded.
    CHECK(store->observation_id_bounds().stored == 0);
    CHECK(store->observation_id_bounds().recorded == 0);
    Experiment e = library_experiment();  // running
    store->insert_experiment(e, "KAJAANI-2026-");
    CHECK(message_of<InvalidStateError>([&] { store->delete_draft(e.id); }) ==
          "cannot delete KAJAANI-2026-001: its status is running; only a draft can be deleted (nothing is deleted from a "
          "started experiment: void wrong observations instead)");
    CHECK(contains(message_of<NotFoundError>([&] { store->delete_draft(e.id + 1); }),
                   "id " + std::to_string(e.id + 1)));
    CHECK(store->find_experiment(e.key).has_value());
}
