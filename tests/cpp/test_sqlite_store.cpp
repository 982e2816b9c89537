// The SQLite store through the Store interface, on ":memory:": round trips, keys, revisions, arms
// and metrics, observations, the journal and the list filters. File handling (migration, foreign
// files, read-only, several connections) is in test_sqlite_file.cpp.
#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <string>
#include <vector>

using namespace kokeilu;

namespace {

Time at(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int micros = 0) {
    return Time(Date(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                     static_cast<unsigned short>(day)),
                boost::posix_time::hours(hour) + boost::posix_time::minutes(minute) +
                    boost::posix_time::seconds(second) + boost::posix_time::microseconds(micros));
}

// An experiment with every field set to something that is not its default.
Experiment full_experiment() {
    Experiment e;
    e.uuid = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
    e.title = "Etäkäynnit iltaisin";
    e.summary = "Video visits for part of the evening home-care visits; åäö ÅÄÖ";
    e.organisation = "Oulu";
    e.unit = "kotihoito";
    e.owner = "Päivi Mäkelä";
    e.tags = {"home care", "video", "ilta"};
    e.purposes = {Purpose::wellbeing, Purpose::vitality};
    e.planned_start = Date(2026, 3, 1);
    e.planned_end = Date(2026, 8, 31);
    e.actual_start = Date(2026, 3, 3);
    e.actual_end = Date(2026, 9, 2);
    e.planned_cost_eur = 12000.5;
    e.actual_cost_eur = 0.1 + 0.2;  // not exactly representable: must come back bit for bit
    e.planned_effort_hours = 0.0;   // zero, not "unset"
    e.actual_effort_hours = 310.25;
    e.risk = "Asiakas ei osaa käyttää tablettia";
    e.test_card = {"video visits keep the sense of security", "replace every other evening visit",
                   "the sense of security (1-5)", "it does not fall by more than 0.3"};
    e.design = DesignKind::concurrent;
    e.arms = {{0, "control", ArmRole::control, "usual visits", {}},
              {0, "video", ArmRole::treatment, "every other visit by video", {}}};
    Metric primary;
    primary.name = "sense_of_security";
    primary.unit = "points (1-5)";
    primary.description = "Turvallisuuden tunne";
    primary.kind = MetricKind::mean;
    primary.role = MetricRole::primary;
    primary.direction = Direction::higher_is_better;
    primary.impact = ImpactClass::customer_outcome;
    primary.baseline = 3.9;
    primary.baseline_sd = 0.8;
    primary.minimum_effect = 0.3;
    primary.effect_scale = EffectScale::absolute;
    primary.confidence = 0.9;
    Metric guardrail;
    guardrail.name = "missed_medication";
    guardrail.unit = "share";
    guardrail.kind = MetricKind::proportion;
    guardrail.role = MetricRole::guardrail;
    guardrail.direction = Direction::lower_is_better;
    guardrail.impact = ImpactClass::activity_output;
    guardrail.minimum_effect = 0.1;
    guardrail.effect_scale = EffectScale::relative;
    e.metrics = {primary, guardrail};
    e.status = Status::concluded;
    e.stop_reason = "";
    e.outcome = Outcome{Verdict::supported,
                        {"video visits would do", "no change in security", "half the visits can be remote",
                         "scale to all districts"},
                        Decision::scale_up,
                        Date(2026, 9, 15)};
    e.lock_hash = "sha1:abcdef";
    e.locked_at = at(2026, 3, 3, 8, 15, 0, 123456);
    e.amendments = {{at(2026, 4, 1, 12, 0, 0, 1), "test_card.right_if", "old", "new", "typo", "Päivi"}};
    e.created_at = at(2026, 2, 1, 9, 30, 15, 999999);
    e.updated_at = at(2026, 9, 15, 16, 0, 0, 7);
    return e;
}

// The smallest experiment: every optional unset.
Experiment minimal_experiment(std::string title = "Itsepalvelukirjasto") {
    Experiment e;
    e.title = std::move(title);
    e.organisation = "Kajaani";
    e.unit = "library";
    e.owner = "Juha";
    e.purposes = {Purpose::vitality};
    e.design = DesignKind::one_sample;
    e.arms = {{0, "all", ArmRole::group, "", {}}};
    Metric m;
    m.name = "visits";
    m.kind = MetricKind::count;
    m.minimum_effect = 0.1;
    e.metrics = {m};
    e.created_at = at(2026, 1, 2, 3, 4, 5);
    e.updated_at = e.created_at;
    return e;
}

void require_same(const Experiment& a, const Experiment& b) {
    CHECK(a.id == b.id);
    CHECK(a.uuid == b.uuid);
    CHECK(a.key == b.key);
    CHECK(a.title == b.title);
    CHECK(a.summary == b.summary);
    CHECK(a.organisation == b.organisation);
    CHECK(a.unit == b.unit);
    CHECK(a.owner == b.owner);
    CHECK(a.tags == b.tags);
    CHECK(a.purposes == b.purposes);
    CHECK(a.planned_start == b.planned_start);
    CHECK(a.planned_end == b.planned_end);
    CHECK(a.actual_start == b.actual_start);
    CHECK(a.actual_end == b.actual_end);
    CHECK(a.planned_cost_eur == b.planned_cost_eur);
    CHECK(a.actual_cost_eur == b.actual_cost_eur);
    CHECK(a.planned_effort_hours == b.planned_effort_hours);
    CHECK(a.actual_effort_hours == b.actual_effort_hours);
    CHECK(a.risk == b.risk);
    CHECK(a.test_card == b.test_card);
    CHECK(a.design == b.design);
    CHECK(a.arms == b.arms);
    CHECK(a.metrics == b.metrics);
    CHECK(a.status == b.status);
    CHECK(a.stop_reason == b.stop_reason);
    CHECK(a.outcome == b.outcome);
    CHECK(a.lock_hash == b.lock_hash);
    CHECK(a.locked_at == b.locked_at);
    CHECK(a.amendments == b.amendments);
    CHECK(a.created_at == b.created_at);
    CHECK(a.updated_at == b.updated_at);
    CHECK(a.revision == b.revision);
}

constexpr std::array<Status, 1> running_only{Status::running};

// A running experiment with two arms and two metrics, stored.
Experiment stored_running(Store& store, const std::string& title = "running") {
    Experiment e = full_experiment();
    e.uuid.clear();
    e.title = title;
    e.status = Status::running;
    e.outcome.reset();
    store.insert_experiment(e, "OULU-2026-");
    return e;
}

std::vector<ObservationRow> scan_all(Store& store, const ObservationScan& scan) {
    std::vector<ObservationRow> rows;
    store.scan_observations(scan, [&](const ObservationRow& row) {
        ObservationRow copy = row;
        copy.subject = {};  // the views die with the callback
        copy.note = {};
        rows.push_back(copy);
    });
    return rows;
}

}  // namespace

TEST_CASE("sqlite store: every field of an experiment round-trips exactly", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment full = full_experiment();
    store->insert_experiment(full, "OULU-2026-");
    CHECK(full.id > 0);
    CHECK(full.revision == 1);
    CHECK(full.key == "OULU-2026-001");
    for (const Arm& arm : full.arms) CHECK(arm.id > 0);
    for (const Metric& metric : full.metrics) CHECK(metric.id > 0);
    CHECK(full.arms[0].id != full.arms[1].id);

    const auto by_key = store->find_experiment("oulu-2026-001");
    REQUIRE(by_key);
    require_same(*by_key, full);
    CHECK(by_key->actual_cost_eur == 0.1 + 0.2);

    const auto by_uuid = store->find_experiment("1B4E28BA-2FA1-41D2-883F-0016D3CCA427");
    REQUIRE(by_uuid);
    CHECK(by_uuid->id == full.id);

    Experiment minimal = minimal_experiment();
    minimal.outcome = Outcome{};  // an outcome whose decided_on is not-a-date
    store->insert_experiment(minimal, "KAJAANI-2026-");
    CHECK(minimal.uuid.size() == 36);  // generated
    const auto back = store->find_experiment(minimal.key);
    REQUIRE(back);
    require_same(*back, minimal);
    CHECK_FALSE(back->planned_cost_eur.has_value());
    CHECK_FALSE(back->locked_at.has_value());
    REQUIRE(back->outcome.has_value());
    CHECK(back->outcome->decided_on.is_not_a_date());

    CHECK_FALSE(store->find_experiment("OULU-2026-999"));
    CHECK_FALSE(store->find_experiment(""));
}

TEST_CASE("sqlite store: keys are the prefix and the next free three-digit number", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    std::vector<std::string> keys;
    for (int i = 0; i < 3; ++i) {
        Experiment e = minimal_experiment();
        store->insert_experiment(e, "OULU-2026-");
        keys.push_back(e.key);
    }
    CHECK(keys == std::vector<std::string>{"OULU-2026-001", "OULU-2026-002", "OULU-2026-003"});

    Experiment explicit_key = minimal_experiment();
    explicit_key.key = "OULU-2026-010";
    store->insert_experiment(explicit_key, "IGNORED-");
    CHECK(explicit_key.key == "OULU-2026-010");

    Experiment after_gap = minimal_experiment();
    store->insert_experiment(after_gap, "OULU-2026-");
    CHECK(after_gap.key == "OULU-2026-011");

    Experiment other_prefix = minimal_experiment();
    store->insert_experiment(other_prefix, "OULU-2027-");
    CHECK(other_prefix.key == "OULU-2027-001");

    // A key that merely starts like the prefix but goes on with letters is not numbered.
    Experiment lettered = minimal_experiment();
    lettered.key = "II-2026-ABC";
    store->insert_experiment(lettered, "");
    Experiment ii = minimal_experiment();
    store->insert_experiment(ii, "II-2026-");
    CHECK(ii.key == "II-2026-001");

    // The prefix is matched without regard to case, like keys are.
    Experiment lower = minimal_experiment();
    store->insert_experiment(lower, "oulu-2026-");
    CHECK(lower.key == "oulu-2026-012");
}

TEST_CASE("sqlite store: a duplicate key or uuid is refused and nothing is written", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment first = full_experiment();
    store->insert_experiment(first, "OULU-2026-");

    Experiment same_key = minimal_experiment();
    same_key.key = "oulu-2026-001";
    try {
        store->insert_experiment(same_key, "OULU-2026-");
        FAIL("a duplicate key was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "key");
        CHECK(std::string(error.what()).find("already in use") != std::string::npos);
    }
    CHECK(same_key.id == 0);

    Experiment same_uuid = minimal_experiment();
    same_uuid.uuid = first.uuid;
    try {
        store->insert_experiment(same_uuid, "OULU-2026-");
        FAIL("a duplicate uuid was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "uuid");
    }
    CHECK(same_uuid.id == 0);
    CHECK(same_uuid.key.empty());

    const auto all = store->list_experiments({});
    REQUIRE(all.size() == 1);
    CHECK(all[0].title == first.title);
    // The refused inserts used no key number either.
    Experiment next = minimal_experiment();
    store->insert_experiment(next, "OULU-2026-");
    CHECK(next.key == "OULU-2026-002");
}

TEST_CASE("sqlite store: a save over someone else's save is refused", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = minimal_experiment();
    store->insert_experiment(e, "KAJAANI-2026-");

    Experiment mine = *store->find_experiment(e.key);
    Experiment theirs = *store->find_experiment(e.key);
    theirs.title = "Their title";
    store->save_experiment(theirs, {}, std::nullopt, HistoryKind::update);
    CHECK(theirs.revision == 2);

    mine.title = "My title";
    CHECK_THROWS_AS(store->save_experiment(mine, {}, std::nullopt, HistoryKind::update), InvalidStateError);
    CHECK(mine.revision == 1);
    CHECK(store->find_experiment(e.key)->title == "Their title");
    CHECK(store->find_experiment(e.key)->revision == 2);

    Experiment never_stored = minimal_experiment();
    CHECK_THROWS_AS(store->save_experiment(never_stored, {}, std::nullopt, HistoryKind::update), InvalidArgumentError);
}

TEST_CASE("sqlite store: a save and its journal note land together or not at all", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = minimal_experiment();
    store->insert_experiment(e, "II-2026-");
    Experiment stale = *store->find_experiment(e.key);

    e.status = Status::stopped;
    e.stop_reason = "Ei osallistujia";
    store->save_experiment(e, {}, JournalEntry{0, Time(Date(2026, 4, 1)), "Liisa", "Stopped: Ei osallistujia"}, HistoryKind::stop);
    auto journal = store->journal(e.id);
    REQUIRE(journal.size() == 1);
    CHECK(journal[0].text == "Stopped: Ei osallistujia");
    CHECK(journal[0].author == "Liisa");

    // A refused save writes no note either.
    stale.title = "Vanha kopio";
    CHECK_THROWS_AS(store->save_experiment(stale, {}, JournalEntry{0, Time(Date(2026, 4, 2)), "x", "lost"}, HistoryKind::stop),
                    InvalidStateError);
    CHECK(store->journal(e.id).size() == 1);
}

TEST_CASE("sqlite store: save writes every field, matches arms and metrics by id, appends amendments",
          "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = full_experiment();
    e.amendments.clear();
    store->insert_experiment(e, "OULU-2026-");
    const std::int64_t control_id = e.arms[0].id;
    const std::int64_t video_id = e.arms[1].id;

    Experiment edited = *store->find_experiment(e.key);
    edited.title = "Uusi otsikko";
    edited.tags = {"a", "b"};
    edited.purposes = {Purpose::democracy};
    edited.planned_cost_eur.reset();
    edited.outcome.reset();
    edited.locked_at.reset();
    // Swap the two arm names: must not trip the unique name constraint halfway.
    std::swap(edited.arms[0].name, edited.arms[1].name);
    edited.arms[1].description = "changed";
    edited.arms.push_back({0, "phone", ArmRole::treatment, "by phone", {}});
    edited.metrics.erase(edited.metrics.begin() + 1);  // drop the guardrail (no observations)
    edited.metrics[0].minimum_effect = 0.25;
    edited.metrics.push_back([] {
        Metric m;
        m.name = "loneliness";
        m.role = MetricRole::secondary;
        m.minimum_effect = 0.5;
        return m;
    }());
    const std::vector<Amendment> amendments{
        {at(2026, 5, 1), "metric[sense_of_security].minimum_effect", "0.3", "0.25", "new guidance", "Päivi"},
        {at(2026, 5, 2), "arms", "2 arms", "3 arms", "phone arm added", "Juha"}};
    store->save_experiment(edited, amendments, std::nullopt, HistoryKind::update);
    CHECK(edited.revision == 2);
    CHECK(edited.arms[0].id == control_id);
    CHECK(edited.arms[1].id == video_id);
    CHECK(edited.arms[2].id > 0);
    CHECK(edited.metrics[1].id > 0);
    CHECK(edited.amendments == amendments);

    const Experiment back = *store->find_experiment(e.key);
    require_same(back, edited);
    CHECK(back.arms[0].name == "video");

    // More amendments are appended after the earlier ones.
    Experiment again = back;
    const std::vector<Amendment> third{{at(2026, 6, 1), "design", "a", "b", "why", "who"}};
    store->save_experiment(again, third, std::nullopt, HistoryKind::update);
    const auto stored = store->find_experiment(e.key)->amendments;
    REQUIRE(stored.size() == 3);
    CHECK(stored[0] == amendments[0]);
    CHECK(stored[2] == third[0]);

    // An id that belongs to no arm of this experiment is refused.
    Experiment foreign = *store->find_experiment(e.key);
    foreign.arms[0].id = 987654;
    CHECK_THROWS_AS(store->save_experiment(foreign, {}, std::nullopt, HistoryKind::update), InvalidArgumentError);
    CHECK(store->find_experiment(e.key)->revision == 3);
}

TEST_CASE("sqlite store: an arm or metric with observations cannot be deleted", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = stored_running(*store);
    const std::vector<ObservationRecord> rows{{e.metrics[0].id, e.arms[1].id, 1000, 4.0, {}, {}, "", "", {}}};
    REQUIRE(store->insert_observations({e.id, running_only}, rows).rows == 1);

    Experiment without_video = *store->find_experiment(e.key);
    without_video.arms.erase(without_video.arms.begin() + 1);
    without_video.title = "must not be saved";
    try {
        store->save_experiment(without_video, {}, std::nullopt, HistoryKind::update);
        FAIL("an arm with observations was deleted");
    } catch (const InvalidArgumentError& error) {
        // The arm by name, and the rows that keep it.
        CHECK(error.field() == "arms[video]");
        CHECK(std::string(error.what()).find("it has 1 observation (id 1)") != std::string::npos);
    }
    CHECK(without_video.revision == 1);
    const Experiment unchanged = *store->find_experiment(e.key);
    CHECK(unchanged.arms.size() == 2);
    CHECK(unchanged.title == e.title);
    CHECK(unchanged.revision == 1);

    Experiment without_metric = unchanged;
    without_metric.metrics.erase(without_metric.metrics.begin());
    try {
        store->save_experiment(without_metric, {}, std::nullopt, HistoryKind::update);
        FAIL("a metric with observations was deleted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "metrics[sense_of_security]");
    }

    // The arm without observations can go.
    Experiment without_control = *store->find_experiment(e.key);
    without_control.arms.erase(without_control.arms.begin());
    store->save_experiment(without_control, {}, std::nullopt, HistoryKind::update);
    CHECK(store->find_experiment(e.key)->arms.size() == 1);
    CHECK(store->count_observations(e.id) == 1);
}

TEST_CASE("sqlite store: after a large column write the foreign keys are checked again", "[sqlite]") {
    // A write of many rows runs without SQLite's per-row foreign-key look-ups (its ids are checked
    // once, in its own transaction); the checks must be back on for everything after it, including
    // after a large write that failed.
    auto store = open_sqlite_store(":memory:");
    Experiment e = stored_running(*store);
    constexpr std::size_t rows = 20'000;
    std::vector<std::int64_t> times(rows);
    std::vector<double> values(rows, 4.0);
    std::vector<std::int32_t> codes(rows, 1);
    for (std::size_t i = 0; i < rows; ++i) times[i] = static_cast<std::int64_t>(i);
    const std::vector<std::int64_t> arm_ids{e.arms[0].id, e.arms[1].id};
    const std::vector<std::int64_t> foreign_arms{e.arms[0].id, 987654};
    CHECK_THROWS_AS(store->insert_observation_columns({e.id, running_only}, {e.metrics[0].id, times, values, codes,
                                                                              foreign_arms, {}}),
                    InvalidArgumentError);
    REQUIRE(store->insert_observation_columns({e.id, running_only}, {e.metrics[0].id, times, values, codes, arm_ids, {}}).rows ==
            rows);

    Experiment without_video = *store->find_experiment(e.key);
    without_video.arms.erase(without_video.arms.begin() + 1);
    try {
        store->save_experiment(without_video, {}, std::nullopt, HistoryKind::update);
        FAIL("an arm with observations was deleted");
    } catch (const InvalidArgumentError& error) {
        CHECK(std::string(error.what()).find("20000 observations (ids 1, 2, 3, 4, 5 and 19995 more)") !=
              std::string::npos);
    }
    CHECK(store->find_experiment(e.key)->arms.size() == 2);
    CHECK(store->count_observations(e.id) == static_cast<std::int64_t>(rows));
}

TEST_CASE("sqlite store: a batch of observations is written whole or not at all", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = stored_running(*store);
    Experiment other = stored_running(*store, "other");
    const std::int64_t metric = e.metrics[0].id;
    const std::vector<std::int64_t> arm_ids{e.arms[0].id, e.arms[1].id};

    const std::vector<std::int64_t> times{1, 2, 3, 4};
    const std::vector<double> values{1.0, 2.0, 3.0, 4.0};
    const std::vector<std::int32_t> bad_codes{0, 1, 2, 0};
    ObservationColumnsRecord columns{metric, times, values, bad_codes, arm_ids, {}};
    try {
        store->insert_observation_columns({e.id, running_only}, columns);
        FAIL("an arm code outside the arm names was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "arm");
    }
    CHECK(store->count_observations(e.id) == 0);

    const std::vector<std::int32_t> negative{0, -1, 0, 0};
    columns.arm_codes = negative;
    CHECK_THROWS_AS(store->insert_observation_columns({e.id, running_only}, columns), InvalidArgumentError);

    const std::vector<std::int32_t> short_codes{0, 1, 0};
    columns.arm_codes = short_codes;
    CHECK_THROWS_AS(store->insert_observation_columns({e.id, running_only}, columns), InvalidArgumentError);

    const std::vector<std::int32_t> codes{0, 1, 0, 1};
    const std::vector<double> short_exposure{1.0};
    columns.arm_codes = codes;
    columns.exposure = short_exposure;
    CHECK_THROWS_AS(store->insert_observation_columns({e.id, running_only}, columns), InvalidArgumentError);

    // An arm of another experiment.
    const std::vector<std::int64_t> foreign_arms{e.arms[0].id, other.arms[0].id};
    columns.exposure = {};
    columns.arm_ids = foreign_arms;
    CHECK_THROWS_AS(store->insert_observation_columns({e.id, running_only}, columns), InvalidArgumentError);
    CHECK(store->count_observations(e.id) == 0);
    CHECK(store->count_observations(other.id) == 0);

    // Row by row: a bad last row spoils the whole batch.
    std::vector<ObservationRecord> rows{{metric, e.arms[0].id, 10, 1.0, {}, {}, "", "", {}},
                                        {metric, e.arms[1].id, 11, 2.0, {}, {}, "", "", {}},
                                        {other.metrics[0].id, e.arms[1].id, 12, 3.0, {}, {}, "", "", {}}};
    try {
        (void)store->insert_observations({e.id, running_only}, rows);
        FAIL("a metric of another experiment was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "metric");
    }
    CHECK(store->count_observations(e.id) == 0);

    columns.arm_ids = arm_ids;
    CHECK(store->insert_observation_columns({e.id, running_only}, columns).rows == 4);
    rows.pop_back();
    CHECK(store->insert_observations({e.id, running_only}, rows).rows == 2);
    CHECK(store->count_observations(e.id) == 6);
    CHECK(store->count_observations(e.id, metric) == 6);
    CHECK(store->count_observations(e.id, e.metrics[1].id) == 0);
    CHECK(store->count_observations(other.id, metric) == 0);  // not that experiment's metric
}

TEST_CASE("sqlite store: observations are refused outside the accepted statuses", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment draft = full_experiment();
    draft.status = Status::draft;
    draft.outcome.reset();
    store->insert_experiment(draft, "OULU-2026-");
    const std::vector<ObservationRecord> rows{{draft.metrics[0].id, draft.arms[0].id, 1, 1.0, {}, {}, "", "", {}}};
    try {
        (void)store->insert_observations({draft.id, running_only}, rows);
        FAIL("an observation of a draft was accepted");
    } catch (const InvalidStateError& error) {
        CHECK(std::string(error.what()).find("draft") != std::string::npos);
        CHECK(std::string(error.what()).find("running") != std::string::npos);
    }
    const std::vector<std::int64_t> times{1};
    const std::vector<double> values{1.0};
    const std::vector<std::int32_t> codes{0};
    const std::vector<std::int64_t> arms{draft.arms[0].id};
    CHECK_THROWS_AS(store->insert_observation_columns({draft.id, running_only},
                                                      {draft.metrics[0].id, times, values, codes, arms, {}}),
                    InvalidStateError);
    CHECK(store->count_observations(draft.id) == 0);

    // Backfill into a stopped experiment: the caller decides which statuses are accepted.
    Experiment stopped = draft;
    stopped.status = Status::stopped;
    store->save_experiment(stopped, {}, std::nullopt, HistoryKind::update);
    constexpr std::array<Status, 3> backfill{Status::running, Status::stopped, Status::concluded};
    CHECK(store->insert_observations({draft.id, backfill}, rows).rows == 1);

    CHECK_THROWS_AS(store->insert_observations({123456, backfill}, rows), NotFoundError);
}

TEST_CASE("sqlite store: observations stream in time order with arm and time filters", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = stored_running(*store);
    const std::int64_t metric = e.metrics[0].id;
    const std::int64_t control = e.arms[0].id;
    const std::int64_t video = e.arms[1].id;

    // Out of time order, with a tie at t=200 that must keep insertion order.
    const std::vector<ObservationRecord> rows{
        {metric, video, 300, 3.0, {}, 2.5, "s-3", "third", {}},
        {metric, control, 200, 2.0, {}, {}, "", "", {}},
        {metric, video, 100, 0.0, Aggregate::mean(10, 40.0, 170.0), {}, "", "survey", {}},
        {metric, video, 200, 2.5, {}, {}, "", "", {}},
        {metric, control, 400, 0.0, Aggregate::proportion(3, 8), {}, "", "", {}},
        {e.metrics[1].id, control, 50, 1.0, {}, {}, "", "", {}},
    };
    REQUIRE(store->insert_observations({e.id, running_only}, rows).rows == rows.size());

    std::vector<std::string> subjects;
    std::vector<std::string> notes;
    std::vector<ObservationRow> all;
    store->scan_observations({metric, {}, {}, {}}, [&](const ObservationRow& row) {
        subjects.emplace_back(row.subject);
        notes.emplace_back(row.note);
        all.push_back(row);
    });
    REQUIRE(all.size() == 5);
    CHECK(all[0].at_us == 100);
    CHECK(all[1].at_us == 200);
    CHECK(all[1].arm_id == control);
    CHECK(all[2].at_us == 200);
    CHECK(all[2].arm_id == video);
    CHECK(all[1].id < all[2].id);
    CHECK(all[3].at_us == 300);
    CHECK(all[4].at_us == 400);

    // An aggregated mean row.
    CHECK(all[0].is_aggregate);
    CHECK(std::isnan(all[0].value));
    CHECK(all[0].n == 10);
    CHECK(all[0].sum == 40.0);
    CHECK(all[0].sum_sq == 170.0);
    CHECK(all[0].exposure == 1.0);
    CHECK(notes[0] == "survey");
    // A unit-level row with exposure, subject and note.
    CHECK_FALSE(all[3].is_aggregate);
    CHECK(all[3].value == 3.0);
    CHECK(all[3].n == 1);
    CHECK(all[3].sum == 3.0);
    CHECK(all[3].sum_sq == 9.0);
    CHECK(all[3].exposure == 2.5);
    CHECK(subjects[3] == "s-3");
    CHECK(notes[3] == "third");
    CHECK(subjects[1].empty());
    // An aggregated proportion row: sum_sq unknown.
    CHECK(all[4].is_aggregate);
    CHECK(all[4].n == 8);
    CHECK(all[4].sum == 3.0);
    CHECK(std::isnan(all[4].sum_sq));

    const auto video_only = scan_all(*store, {metric, {video}, {}, {}});
    REQUIRE(video_only.size() == 3);
    for (const auto& row : video_only) CHECK(row.arm_id == video);
    CHECK(scan_all(*store, {metric, {video, control}, {}, {}}).size() == 5);

    // from inclusive, to exclusive.
    const auto window = scan_all(*store, {metric, {}, 200, 400});
    REQUIRE(window.size() == 3);
    CHECK(window.front().at_us == 200);
    CHECK(window.back().at_us == 300);
    CHECK(scan_all(*store, {metric, {control}, 201, {}}).size() == 1);
    CHECK(scan_all(*store, {metric, {}, {}, 100}).empty());

    // Columns land with the right arm of each code.
    const std::vector<std::int64_t> times{500, 600, 700};
    const std::vector<double> values{5.0, 6.0, 7.0};
    const std::vector<std::int32_t> codes{1, 0, 1};
    const std::vector<std::int64_t> arm_ids{control, video};
    const std::vector<double> exposure{1.5, 2.5, 3.5};
    REQUIRE(store->insert_observation_columns({e.id, running_only}, {metric, times, values, codes, arm_ids, exposure}).rows ==
            3);
    const auto late = scan_all(*store, {metric, {}, 500, {}});
    REQUIRE(late.size() == 3);
    CHECK(late[0].arm_id == video);
    CHECK(late[1].arm_id == control);
    CHECK(late[2].arm_id == video);
    CHECK(late[1].value == 6.0);
    CHECK(late[2].exposure == 3.5);
}

TEST_CASE("sqlite store: journal notes come back oldest first", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    Experiment e = minimal_experiment();
    store->insert_experiment(e, "KAJAANI-2026-");
    const JournalEntry later = store->add_journal_entry(e.id, {0, at(2026, 3, 2), "Juha", "Toinen päivä"});
    const JournalEntry earlier = store->add_journal_entry(e.id, {0, at(2026, 3, 1, 8), "Päivi", "Aloitettiin"});
    CHECK(later.id > 0);
    CHECK(earlier.id > 0);
    const auto notes = store->journal(e.id);
    REQUIRE(notes.size() == 2);
    CHECK(notes[0] == earlier);
    CHECK(notes[1] == later);
    CHECK(store->journal(e.id + 1).empty());
    CHECK_THROWS_AS(store->add_journal_entry(9999, {0, at(2026, 3, 1), "x", "y"}), NotFoundError);
}

TEST_CASE("sqlite store: list filters", "[sqlite]") {
    auto store = open_sqlite_store(":memory:");
    auto add = [&](const std::string& key, auto edit) {
        Experiment e = minimal_experiment(key);
        e.key = key;
        edit(e);
        store->insert_experiment(e, "");
        return e;
    };
    // Inserted out of key order: the list is ordered by key.
    add("C-3", [](Experiment& e) {
        e.organisation = "HÄMEENLINNA";
        e.unit = "Kotihoito";
        e.tags = {"Ikäihmiset"};
        e.status = Status::running;
        e.planned_start = Date(2026, 1, 1);
        e.planned_end = Date(2026, 12, 31);
        e.actual_start = Date(2026, 2, 1);  // actual beats planned
        e.test_card.right_if = "ÖISIN soitot vähenevät";
    });
    add("A-1", [](Experiment& e) {
        e.organisation = "Oulu";
        e.purposes = {Purpose::wellbeing, Purpose::democracy};
        e.planned_start = Date(2025, 1, 1);
        e.planned_end = Date(2025, 6, 30);
        e.summary = "Takaisinsoitto jonottamisen sijaan";
    });
    add("B-2", [](Experiment& e) {
        e.organisation = "hämeenlinna";
        e.unit = "kirjasto";
        e.tags = {"ikäihmiset", "digi"};
        e.status = Status::concluded;
        e.actual_start = Date(2026, 7, 1);  // open end: overlaps everything after the start
    });
    add("D-4", [](Experiment& e) { e.title = "No dates at all"; });

    auto keys = [&](const ExperimentFilter& filter) {
        std::vector<std::string> out;
        for (const auto& e : store->list_experiments(filter)) out.push_back(e.key);
        return out;
    };
    using Keys = std::vector<std::string>;
    CHECK(keys({}) == Keys{"A-1", "B-2", "C-3", "D-4"});

    ExperimentFilter f;
    f.status = Status::running;
    CHECK(keys(f) == Keys{"C-3"});

    f = {};
    f.organisation = "Hämeenlinna";  // case-insensitive, Ä included
    CHECK(keys(f) == Keys{"B-2", "C-3"});
    f.organisation = "Hämeen";  // exact, not a substring
    CHECK(keys(f).empty());

    f = {};
    f.unit = "KOTIHOITO";
    CHECK(keys(f) == Keys{"C-3"});

    f = {};
    f.tag = "IKÄIHMISET";
    CHECK(keys(f) == Keys{"B-2", "C-3"});
    f.tag = "digi";
    CHECK(keys(f) == Keys{"B-2"});

    f = {};
    f.purpose = Purpose::democracy;
    CHECK(keys(f) == Keys{"A-1"});
    f.purpose = Purpose::vitality;
    CHECK(keys(f) == Keys{"B-2", "C-3", "D-4"});

    f = {};
    f.text = "öisin";  // in C-3's Test Card, written ÖISIN
    CHECK(keys(f) == Keys{"C-3"});
    f.text = "TAKAISINSOITTO";  // in A-1's summary
    CHECK(keys(f) == Keys{"A-1"});
    f.text = "no DATES";  // in D-4's title
    CHECK(keys(f) == Keys{"D-4"});
    f.text = "50%_";  // LIKE wildcards are plain text here
    CHECK(keys(f).empty());

    // Periods: A-1 2025-01-01..2025-06-30, C-3 2026-02-01..2026-12-31, B-2 2026-07-01..(open), D-4 none.
    f = {};
    f.from = Date(2025, 6, 30);
    f.to = Date(2025, 6, 30);
    CHECK(keys(f) == Keys{"A-1"});
    f.from = Date(2026, 1, 15);
    f.to = Date(2026, 1, 31);  // before C-3's actual start, inside its planned period
    CHECK(keys(f).empty());
    f.to = Date(2026, 2, 1);
    CHECK(keys(f) == Keys{"C-3"});
    f.from = Date(2030, 1, 1);
    f.to.reset();
    CHECK(keys(f) == Keys{"B-2"});
    f.from.reset();
    f.to = Date(2025, 12, 31);
    CHECK(keys(f) == Keys{"A-1"});

    f = {};
    f.organisation = "hämeenlinna";
    f.tag = "digi";
    f.status = Status::running;
    CHECK(keys(f).empty());  // every criterion must hold
}
