// Every write of several rows lands whole or not at all, also when it fails after its first rows
// are in: observations as rows and as columns (small, and of 10,000 rows or more, which take
// another path), aggregates, the running summaries merged at the end of a write, saves that change
// several fields with their amendments, arms and metrics, and new experiments. Each test fails a
// write in its middle (a row the store refuses, or a refusal planted in the store's storage), then
// checks that nothing of it remains: no row, no change of a running summary, the same revision,
// the same arms, metrics and amendments. The same write then succeeds, and the running summaries
// equal the rows.
//
// Through the Store interface only, for every store of stores_under_test().
#include "kokeilu/error.hpp"
#include "kokeilu/stats/summary.hpp"
#include "kokeilu/store.hpp"
#include "store_under_test.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using namespace kokeilu;
using kokeilu::testing::Refusal;
using kokeilu::testing::StoreUnderTest;

namespace {

constexpr std::int64_t missing_id = 987654321;  // no arm or metric has this id

Experiment running_experiment(const std::string& key) {
    Experiment e;
    e.key = key;
    e.title = "Etäkäynnit iltaisin";
    e.organisation = "Oulu";
    e.unit = "kotihoito";
    e.tags = {"ilta", "video"};
    e.purposes = {Purpose::wellbeing};
    e.test_card = {"video visits keep the sense of security", "every other evening visit by video",
                   "the sense of security (1-5)", "it does not fall by more than 0.3"};
    e.design = DesignKind::concurrent;
    e.arms = {{0, "control", ArmRole::control, "usual visits", {}}, {0, "video", ArmRole::treatment, "by video", {}}};
    Metric security;
    security.name = "sense_of_security";
    security.kind = MetricKind::mean;
    security.role = MetricRole::primary;
    security.minimum_effect = 0.3;
    Metric missed;
    missed.name = "missed_medication";
    missed.kind = MetricKind::proportion;
    missed.role = MetricRole::guardrail;
    missed.direction = Direction::lower_is_better;
    missed.minimum_effect = 0.02;
    Metric wait;
    wait.name = "wait_days";
    wait.kind = MetricKind::mean;
    wait.role = MetricRole::secondary;
    wait.minimum_effect = 2.0;
    e.metrics = {security, missed, wait};
    e.status = Status::running;
    e.actual_start = Date(2025, 3, 1);
    return e;
}

std::int64_t at_us(int minute) { return 1'740'873'600'000'000 + std::int64_t{minute} * 60'000'000; }  // 2025-03-02

// Everything a failed write could have left behind, written out exactly (hexadecimal floats).
std::string state_of(Store& store) {
    std::ostringstream out;
    out << std::hexfloat;
    for (const Experiment& e : store.list_experiments({})) {
        out << e.key << ' ' << e.uuid << ' ' << to_string(e.status) << " rev " << e.revision << " title " << e.title
            << " right_if " << e.test_card.right_if << " design " << to_string(e.design) << " tags";
        for (const auto& tag : e.tags) out << ' ' << tag;
        out << '\n';
        for (const Arm& a : e.arms) out << "  arm " << a.id << ' ' << a.name << ' ' << to_string(a.role) << ' ' << a.description << '\n';
        for (const Metric& m : e.metrics)
            out << "  metric " << m.id << ' ' << m.name << ' ' << to_string(m.kind) << ' ' << to_string(m.role) << ' '
                << to_string(m.direction) << ' ' << m.minimum_effect << ' ' << m.unit << '\n';
        for (const Amendment& a : e.amendments)
            out << "  amendment " << a.field << ": " << a.old_value << " -> " << a.new_value << " (" << a.reason << ")\n";
        out << "  journal " << store.journal(e.id).size() << " observations " << store.count_observations(e.id) << '\n';
        for (const ArmSummaryRecord& r : store.arm_summaries(e.id)) {
            out << "  summary " << r.metric_id << '/' << r.arm_id;
            if (r.summary) {
                const stats::Summary::State s = r.summary->state();
                out << " n " << s.n << " mean " << s.mean << " m2 " << s.m2 << " sum " << s.sum << " exposure "
                    << s.exposure << " rows " << s.unit_rows << '+' << s.aggregate_rows;
            }
            out << '\n';
        }
    }
    return out.str();
}

// The running summaries must equal a summary of the stored rows (up to rounding).
void check_summaries_match_rows(Store& store, const Experiment& e) {
    for (const ArmSummaryRecord& record : store.arm_summaries(e.id)) {
        stats::Summary from_rows;
        ObservationScan scan;
        scan.metric_id = record.metric_id;
        scan.arm_ids = {record.arm_id};
        const bool binary = std::any_of(e.metrics.begin(), e.metrics.end(), [&](const Metric& m) {
            return m.id == record.metric_id && m.kind == MetricKind::proportion;
        });
        store.scan_observations(scan, [&](const ObservationRow& row) { from_rows.add(row, binary); });
        REQUIRE(record.summary);
        INFO("metric " << record.metric_id << ", arm " << record.arm_id);
        CHECK(record.summary->n() == from_rows.n());
        CHECK(record.summary->sum() == Approx(from_rows.sum()));
        CHECK(record.summary->unit_rows() == from_rows.unit_rows());
    }
}

struct Fixture {
    std::unique_ptr<StoreUnderTest> under_test;
    Experiment e;

    Store& store() { return under_test->store(); }
    std::int64_t arm(int i) const { return e.arms[static_cast<std::size_t>(i)].id; }
    std::int64_t metric(int i) const { return e.metrics[static_cast<std::size_t>(i)].id; }
    // The target of a write of observations: with the current revision the store takes the caller's
    // word for the arms and metrics (the Tracker's fast path) and writes straight away; without
    // one it checks them first.
    ObservationTarget target(bool with_revision) const {
        static constexpr std::array<Status, 1> running{Status::running};
        ObservationTarget t;
        t.experiment_id = e.id;
        t.accepted = running;
        if (with_revision) {
            t.revision = e.revision;
            t.proportion_metric_ids = {metric(1)};
        }
        return t;
    }
};

// Runs body for a fresh store of every kind, with a running experiment that already has rows.
template <class Body>
void for_each_store(Body body) {
    for (const auto& make : kokeilu::testing::stores_under_test()) {
        Fixture f{make(), running_experiment("ATOM-001")};
        INFO("store: " << f.under_test->name());
        f.store().insert_experiment(f.e, "");
        Experiment other = running_experiment("ATOM-002");
        f.store().insert_experiment(other, "");
        std::vector<ObservationRecord> earlier;
        for (int i = 0; i < 6; ++i)
            earlier.push_back({f.metric(i % 2), f.arm(i % 2), at_us(i), i % 2 == 0 ? 3.0 + i : 1.0, {}, {}, "", "", {}});
        f.store().insert_observations(f.target(false), earlier);
        f.e = *f.store().find_experiment("ATOM-001");
        body(f, other);
    }
}

// Runs the write, which must fail, and checks that the store is as before it.
template <class Write>
void fails_leaving_nothing(Fixture& f, Write write) {
    const std::string before = state_of(f.store());
    CHECK_THROWS_AS(write(), Error);
    CHECK(state_of(f.store()) == before);
}

std::vector<ObservationRecord> unit_rows(const Fixture& f, std::size_t count, double value = 4.0) {
    std::vector<ObservationRecord> rows;
    for (std::size_t i = 0; i < count; ++i)
        rows.push_back({f.metric(0), f.arm(static_cast<int>(i % 2)), at_us(100 + static_cast<int>(i)), value, {}, {},
                        "asiakas " + std::to_string(i), "", {}});
    return rows;
}

std::vector<ObservationRecord> aggregate_rows(const Fixture& f, std::size_t count) {
    std::vector<ObservationRecord> rows;
    for (std::size_t i = 0; i < count; ++i)
        rows.push_back({f.metric(1), f.arm(static_cast<int>(i % 2)), at_us(200 + static_cast<int>(i)), 0.0,
                        Aggregate::proportion(3, 40), {}, "", "viikko " + std::to_string(i), {}});
    return rows;
}

// Columns of one metric: arm code 0 up to `switch_at`, code 1 after it.
struct Columns {
    std::vector<std::int64_t> at;
    std::vector<double> values;
    std::vector<std::int32_t> codes;
    std::vector<std::int64_t> arm_ids;

    Columns(const Fixture& f, std::size_t rows, std::size_t switch_at) : arm_ids{f.arm(0), f.arm(1)} {
        for (std::size_t i = 0; i < rows; ++i) {
            at.push_back(at_us(1000) + static_cast<std::int64_t>(i));
            values.push_back(1.0 + static_cast<double>(i % 7));
            codes.push_back(i < switch_at ? 0 : 1);
        }
    }
    ObservationColumnsRecord record(std::int64_t metric_id) const { return {metric_id, at, values, codes, arm_ids, {}}; }
};

}  // namespace

TEST_CASE("atomic writes: observation rows that fail after the first row leave nothing", "[store][atomic]") {
    for_each_store([](Fixture& f, const Experiment&) {
        SECTION("the second row names an arm that does not exist") {
            auto rows = unit_rows(f, 5);
            rows[1].arm_id = missing_id;
            fails_leaving_nothing(f, [&] { f.store().insert_observations(f.target(true), rows); });
        }
        SECTION("the storage refuses the fourth of five rows") {
            for (const bool with_revision : {true, false}) {
                auto rows = unit_rows(f, 5);
                rows[3].value = -777.25;
                f.under_test->refuse({Refusal::Kind::observation_value, -777.25, ""});
                fails_leaving_nothing(f, [&] { f.store().insert_observations(f.target(with_revision), rows); });
                f.under_test->stop_refusing();
            }
        }
        SECTION("the running summaries cannot be merged after every row went in") {
            f.under_test->refuse({Refusal::Kind::summary_merge, 0.0, ""});
            fails_leaving_nothing(f, [&] { f.store().insert_observations(f.target(true), unit_rows(f, 5)); });
            f.under_test->stop_refusing();
        }
        // Once the fault is gone the same write lands, and the summaries are those of the rows.
        CHECK(f.store().insert_observations(f.target(false), unit_rows(f, 5)).rows == 5);
        CHECK(f.store().count_observations(f.e.id) == 11);
        check_summaries_match_rows(f.store(), f.e);
    });
}

TEST_CASE("atomic writes: aggregates that fail after the first row leave nothing", "[store][atomic]") {
    for_each_store([](Fixture& f, const Experiment&) {
        SECTION("the second row names an arm that does not exist") {
            auto rows = aggregate_rows(f, 4);
            rows[1].arm_id = missing_id;
            fails_leaving_nothing(f, [&] { f.store().insert_observations(f.target(true), rows); });
        }
        SECTION("the storage refuses the third row") {
            auto rows = aggregate_rows(f, 4);
            rows[2].aggregate = Aggregate::proportion(-555, 1000);
            f.under_test->refuse({Refusal::Kind::observation_value, -555.0, ""});
            fails_leaving_nothing(f, [&] { f.store().insert_observations(f.target(true), rows); });
            f.under_test->stop_refusing();
        }
        SECTION("the running summaries cannot be merged") {
            f.under_test->refuse({Refusal::Kind::summary_merge, 0.0, ""});
            fails_leaving_nothing(f, [&] { f.store().insert_observations(f.target(true), aggregate_rows(f, 4)); });
            f.under_test->stop_refusing();
        }
        CHECK(f.store().insert_observations(f.target(false), aggregate_rows(f, 4)).rows == 4);
        check_summaries_match_rows(f.store(), f.e);
    });
}

TEST_CASE("atomic writes: a column write that fails after its first rows leaves nothing", "[store][atomic]") {
    // Below 10,000 rows, and from 10,000 on, where the rows go in without per-row foreign-key
    // look-ups: both insert blocks of 64 rows per statement and single rows after the last block.
    for (const std::size_t rows : {std::size_t{100}, std::size_t{20'000}}) {
        DYNAMIC_SECTION(rows << " rows") {
            for_each_store([rows](Fixture& f, const Experiment&) {
                const std::size_t failing = rows - rows / 4;  // after several blocks of 64 rows
                SECTION("the storage refuses a row in the middle") {
                    Columns columns(f, rows, rows / 2);
                    columns.values[failing] = -333.5;
                    f.under_test->refuse({Refusal::Kind::observation_value, -333.5, ""});
                    for (const bool with_revision : {true, false})
                        fails_leaving_nothing(f, [&] {
                            f.store().insert_observation_columns(f.target(with_revision), columns.record(f.metric(0)));
                        });
                    f.under_test->stop_refusing();
                }
                SECTION("the running summaries cannot be merged") {
                    Columns columns(f, rows, rows / 2);
                    f.under_test->refuse({Refusal::Kind::summary_merge, 0.0, ""});
                    fails_leaving_nothing(f, [&] {
                        f.store().insert_observation_columns(f.target(true), columns.record(f.metric(0)));
                    });
                    f.under_test->stop_refusing();
                }
                SECTION("the rows after the first ones name an arm that does not exist") {
                    Columns columns(f, rows, 70);
                    columns.arm_ids[1] = missing_id;
                    fails_leaving_nothing(f, [&] {
                        f.store().insert_observation_columns(f.target(true), columns.record(f.metric(0)));
                    });
                }
                SECTION("the metric does not exist") {
                    Columns columns(f, rows, rows / 2);
                    fails_leaving_nothing(f, [&] {
                        f.store().insert_observation_columns(f.target(true), columns.record(missing_id));
                    });
                }
                Columns columns(f, rows, rows / 2);
                CHECK(f.store().insert_observation_columns(f.target(true), columns.record(f.metric(2))).rows == rows);
                CHECK(f.store().count_observations(f.e.id, f.metric(2)) == static_cast<std::int64_t>(rows));
                check_summaries_match_rows(f.store(), f.e);
            });
        }
    }
}

TEST_CASE("atomic writes: a save that changes several fields and fails half-way leaves nothing",
          "[store][atomic]") {
    for_each_store([](Fixture& f, Experiment& other) {
        Experiment changed = f.e;
        changed.title = "Etäkäynnit koko päivän";
        changed.test_card.right_if = "it does not fall by more than 0.2";
        changed.tags = {"päivä"};
        changed.arms[1].description = "every visit by video";
        changed.metrics[0].minimum_effect = 0.2;
        changed.metrics[2].direction = Direction::lower_is_better;
        const Time now = from_unix_micros(at_us(5000));
        std::vector<Amendment> amendments{
            {now, "right_if", f.e.test_card.right_if, changed.test_card.right_if, "the board asked", "Aino"},
            {now, "metrics[0].minimum_effect", "0.3", "0.2", "the board asked", "Aino"},
            {now, "metrics[2].direction", "higher_is_better", "lower_is_better", "a typo", "Aino"},
        };
        SECTION("the second amendment has no valid time") {
            auto bad = amendments;
            bad[1].at = Time(boost::posix_time::pos_infin);
            fails_leaving_nothing(f, [&] { f.store().save_experiment(changed, bad, std::nullopt, HistoryKind::amend); });
        }
        SECTION("the storage refuses the third amendment") {
            f.under_test->refuse({Refusal::Kind::amendment_field, 0.0, "metrics[2].direction"});
            fails_leaving_nothing(f, [&] { f.store().save_experiment(changed, amendments, std::nullopt, HistoryKind::amend); });
            f.under_test->stop_refusing();
        }
        SECTION("two new arms have the same name") {
            Experiment more = changed;
            more.arms.push_back({0, "phone", ArmRole::treatment, "by phone", {}});
            more.arms.push_back({0, "phone", ArmRole::treatment, "by phone again", {}});
            fails_leaving_nothing(f, [&] { f.store().save_experiment(more, amendments, std::nullopt, HistoryKind::amend); });
        }
        SECTION("the storage refuses a metric after the arms were saved") {
            Experiment renamed = changed;
            renamed.arms[0].name = "usual";
            renamed.metrics[2].name = "waiting_days";
            f.under_test->refuse({Refusal::Kind::metric_name, 0.0, "waiting_days"});
            fails_leaving_nothing(f, [&] { f.store().save_experiment(renamed, amendments, std::nullopt, HistoryKind::amend); });
            f.under_test->stop_refusing();
        }
        SECTION("a metric carries the id of another experiment's metric") {
            Experiment taken = changed;
            taken.metrics[2].id = other.metrics[2].id;
            fails_leaving_nothing(f, [&] { f.store().save_experiment(taken, amendments, std::nullopt, HistoryKind::amend); });
        }
        SECTION("a new arm is refused by the storage after the first new one went in") {
            Experiment more = changed;
            more.arms.push_back({0, "phone", ArmRole::treatment, "by phone", {}});
            more.arms.push_back({0, "chat", ArmRole::treatment, "by chat", {}});
            f.under_test->refuse({Refusal::Kind::arm_name, 0.0, "chat"});
            fails_leaving_nothing(f, [&] { f.store().save_experiment(more, amendments, std::nullopt, HistoryKind::amend); });
            f.under_test->stop_refusing();
        }
        // The caller's copy is unchanged by a failed save, and the same save then lands.
        CHECK(changed.revision == f.e.revision);
        f.store().save_experiment(changed, amendments, std::nullopt, HistoryKind::amend);
        const Experiment saved = *f.store().find_experiment("ATOM-001");
        CHECK(saved.revision == f.e.revision + 1);
        CHECK(saved.amendments.size() == 3);
        CHECK(saved.metrics[0].minimum_effect == 0.2);
    });
}

TEST_CASE("atomic writes: a new experiment whose second metric is refused leaves nothing", "[store][atomic]") {
    for_each_store([](Fixture& f, const Experiment&) {
        SECTION("two metrics with the same name") {
            Experiment e = running_experiment("");
            e.metrics[2].name = e.metrics[1].name;
            fails_leaving_nothing(f, [&] { f.store().insert_experiment(e, "ATOM-"); });
            CHECK(e.id == 0);
        }
        SECTION("the storage refuses the third metric") {
            Experiment e = running_experiment("");
            f.under_test->refuse({Refusal::Kind::metric_name, 0.0, "wait_days"});
            fails_leaving_nothing(f, [&] { f.store().insert_experiment(e, "ATOM-"); });
            f.under_test->stop_refusing();
        }
        // The number the failed insert would have taken is still free.
        Experiment e = running_experiment("");
        f.store().insert_experiment(e, "ATOM-");
        CHECK(e.key == "ATOM-003");
    });
}
