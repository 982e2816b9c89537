// The running summaries the store keeps with every write: they must equal a summary of every stored
// row, whatever mix of single, many, column and aggregated writes put the rows there, survive
// failed writes unchanged, and be built for files written before they existed. And the Tracker's
// kept copy of an experiment must never let a write through that the stored experiment refuses.
#include "test_tracker_support.hpp"
#include "temp_dir.hpp"

#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/tracker.hpp"
#include "sqlite_schema.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr std::int64_t day_us = 86'400'000'000;

Observation unit(Time when, const std::string& arm, double value, const std::string& metric) {
    Observation o;
    o.at = when;
    o.arm = arm;
    o.value = value;
    o.metric = metric;
    return o;
}

// The summaries from the stored running totals against those of a full scan of the rows.
void require_running_equals_scan(const Tracker& t, const std::string& key) {
    const Experiment e = t.get(key);
    const auto running = stats::summarise_experiment(t, e);
    const auto scanned = stats::summarise_experiment(t, e, at(2100, 1, 1));
    REQUIRE(running.size() == scanned.size());
    for (const auto& [metric, arms] : scanned) {
        for (const auto& [arm, s] : arms) {
            INFO(metric << " / " << arm);
            const stats::Summary& r = running.at(metric).at(arm);
            CHECK(r.n() == s.n());
            CHECK(r.unit_rows() == s.unit_rows());
            CHECK(r.aggregate_rows() == s.aggregate_rows());
            CHECK(r.has_variance() == s.has_variance());
            CHECK(r.min() == s.min());
            CHECK(r.max() == s.max());
            if (s.n() == 0) continue;
            CHECK(r.mean() == Approx(s.mean()).epsilon(1e-12));
            CHECK(r.sum() == Approx(s.sum()).epsilon(1e-12));
            CHECK(r.exposure() == Approx(s.exposure()).epsilon(1e-12));
            CHECK(r.m2() == Approx(s.m2()).epsilon(1e-9).margin(1e-9));
        }
    }
}

}  // namespace

TEST_CASE("running summaries equal a scan of every row after mixed writes", "[store][summaries]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(2025, 3, 3));
    std::mt19937_64 random(20261127);
    std::normal_distribution<double> points(3.6, 0.9);
    std::bernoulli_distribution missed(0.1);
    std::poisson_distribution<int> calls(3);

    // Single calls to every metric, with and without exposure.
    for (int i = 0; i < 200; ++i) {
        const std::string arm = i % 3 == 0 ? "video" : "control";
        t.log(key, unit(at(2025, 3, 4), arm, points(random), "sense_of_security"));
        t.log(key, unit(at(2025, 3, 4), arm, missed(random) ? 1.0 : 0.0, "missed_medication"));
        Observation count = unit(at(2025, 3, 5), arm, calls(random), "calls");
        count.exposure = 0.5 + (i % 4);
        t.log(key, count);
    }
    // Aggregated rows: with and without a sum of squares, and 0/1 counts without one.
    std::vector<Observation> many;
    Observation survey = unit(at(2025, 3, 6), "video", 0.0, "sense_of_security");
    survey.aggregate = Aggregate{40, 150.0, 600.0};
    many.push_back(survey);
    Observation shares = unit(at(2025, 3, 6), "control", 0.0, "missed_medication");
    shares.aggregate = Aggregate{50, 6.0, std::nullopt};
    many.push_back(shares);
    Observation weekly = unit(at(2025, 3, 6), "control", 0.0, "calls");
    weekly.aggregate = Aggregate{12, 70.0, std::nullopt};  // spread unknown from here on
    many.push_back(weekly);
    many.push_back(unit(at(2025, 3, 7), "video", 4.0, "wait_days"));
    REQUIRE(t.log_many(key, many).rows == many.size());

    // A column write of 10,000 rows, arms interleaved.
    std::vector<std::int64_t> times;
    std::vector<double> values;
    std::vector<std::int32_t> codes;
    for (int i = 0; i < 10'000; ++i) {
        times.push_back(to_unix_micros(at(2025, 3, 8)) + i);
        values.push_back(points(random) + (i % 2 ? 0.2 : 0.0));
        codes.push_back(i % 2);
    }
    ObservationColumns columns{times, values, codes, {"control", "video"}, {}, {}, {}};
    REQUIRE(t.log_columns(key, "sense_of_security", columns).rows == times.size());

    require_running_equals_scan(t, key);
    const auto running = stats::summarise_experiment(t, t.get(key));
    CHECK(running.at("calls").at("control").has_variance() == false);
    CHECK(running.at("missed_medication").at("control").has_variance());
    CHECK(running.at("sense_of_security").at("video").n() == 200 / 3 + 1 + 40 + 5'000);
}

TEST_CASE("a refused write leaves the running summaries as they were", "[store][summaries]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(2025, 3, 3));
    t.log(key, unit(at(2025, 3, 4), "control", 3.0, "sense_of_security"));
    t.log(key, unit(at(2025, 3, 4), "control", 5.0, "sense_of_security"));
    const std::vector<Observation> bad{unit(at(2025, 3, 4), "control", 4.0, "sense_of_security"),
                                       unit(at(2025, 3, 4), "nobody", 4.0, "sense_of_security")};
    CHECK_THROWS_AS(t.log_many(key, bad), InvalidArgumentError);
    const auto s = stats::summarise_experiment(t, t.get(key)).at("sense_of_security").at("control");
    CHECK(s.n() == 2);
    CHECK(s.mean() == 4.0);
    CHECK(s.variance() == 2.0);
    require_running_equals_scan(t, key);
}

TEST_CASE("a file written before the running summaries gets them when opened", "[store][summaries][schema]") {
    TempDir dir;
    const std::string path = dir.file("v1.db");
    {
        // The first schema, written as the version that knew only it, with rows in it.
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(detail::sqlite_migrations()[0].sql);
        db.exec("PRAGMA application_id = " + std::to_string(sqlite_application_id));
        db.exec("PRAGMA user_version = 1");
        db.exec("INSERT INTO experiments VALUES (1, '00000000-0000-4000-8000-000000000001', 'OULU-2026-001', 't', "
                "'s', 'Oulu', '', '', NULL, NULL, '2025-03-03', NULL, NULL, NULL, NULL, NULL, 'low', 'a', 'b', 'c', "
                "'d', 'concurrent', 'running', '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'x', NULL, NULL, NULL, 1)");
        db.exec("INSERT INTO arms VALUES (1, 1, 0, 'control', 'control', ''), (2, 1, 1, 'video', 'treatment', '')");
        db.exec("INSERT INTO metrics VALUES (1, 1, 0, 'score', '', '', 'mean', 'primary', 'higher_is_better', "
                "'customer_outcome', NULL, NULL, 0.3, 'absolute', 0.95), (2, 1, 1, 'missed', '', '', 'proportion', "
                "'guardrail', 'lower_is_better', 'customer_outcome', NULL, NULL, 0.02, 'absolute', 0.95)");
        db.exec("INSERT INTO observations (metric_id, arm_id, at_us, value) VALUES (1, 1, 10, 3.0), (1, 1, 20, 4.0), "
                "(1, 2, 30, 5.0), (2, 1, 40, 1.0)");
        db.exec("INSERT INTO observations (metric_id, arm_id, at_us, n, sum) VALUES (2, 2, 50, 10, 3.0)");
    }
    Tracker t = Tracker::open(path);
    const Experiment e = t.get("OULU-2026-001");
    const auto running = t.arm_summaries(e);
    REQUIRE(running.size() == 4);
    const auto s = stats::summarise_experiment(t, e);
    CHECK(s.at("score").at("control").n() == 2);
    CHECK(s.at("score").at("control").mean() == 3.5);
    CHECK(s.at("missed").at("video").successes() == 3);
    CHECK(s.at("missed").at("video").has_variance());  // 0/1 counts: the spread follows from them
    require_running_equals_scan(t, "OULU-2026-001");
}

TEST_CASE("a stored running summary that no summary can have is a storage error", "[store][summaries]") {
    TempDir dir;
    const std::string path = dir.file("bad.db");
    {
        Tracker t = Tracker::open(path);
        const std::string key = t.create(home_care_draft()).key;
        t.start(key, Date(2025, 3, 3));
        t.log(key, unit(at(2025, 3, 4), "control", 3.0, "sense_of_security"));
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("UPDATE arm_summaries SET m2 = -1");
    }
    Tracker t = Tracker::open(path);
    const Experiment e = t.get("OULU-2026-001");
    try {
        (void)t.arm_summaries(e);
        FAIL("no error");
    } catch (const StorageError& error) {
        CHECK(std::string(error.what()).find("m2") != std::string::npos);
    }
}

TEST_CASE("a kept copy of the experiment never decides a write another process changed", "[tracker][summaries]") {
    TempDir dir;
    const std::string path = dir.file("shared.db");
    Tracker logger = Tracker::open(path);
    Tracker other = Tracker::open(path);
    const std::string key = logger.create(home_care_draft()).key;

    // The logger's copy says draft; the other process starts it.
    CHECK_THROWS_AS(logger.log(key, unit(at(2025, 3, 4), "control", 3.0, "")), InvalidStateError);
    other.start(key, Date(2025, 3, 3));
    logger.log(key, unit(at(2025, 3, 4), "control", 3.0, ""));

    // The other process renames an arm (an amendment): the new name works at once, the old one is refused.
    Experiment revised = other.get(key);
    revised.arms[1].name = "video_call";
    other.update(revised, "the arm was named after the service");
    logger.log(key, unit(at(2025, 3, 5), "video_call", 4.0, ""));
    CHECK(field_of_error([&] { logger.log(key, unit(at(2025, 3, 5), "video", 4.0, "")); }) == "arm");

    // Stopped elsewhere: refused, and nothing written.
    other.stop(key, "the pilot ended", Date(2025, 3, 6));
    CHECK_THROWS_AS(logger.log(key, unit(at(2025, 3, 6), "control", 3.0, "")), InvalidStateError);
    CHECK(logger.count_observations(key) == 2);
    require_running_equals_scan(logger, key);
}

TEST_CASE("two connections writing to the same arms in turn keep one running summary of both", "[store][summaries]") {
    // Each connection keeps the summaries its last write left; a write must notice the other's
    // commits in between and read the stored summaries again instead of merging into its copy.
    TempDir dir;
    const std::string path = dir.file("shared.db");
    Tracker first = Tracker::open(path);
    Tracker second = Tracker::open(path);
    const std::string key = first.create(home_care_draft()).key;
    first.start(key, Date(2025, 3, 3));
    for (int i = 0; i < 50; ++i) {
        Tracker& writer = i % 2 == 0 ? first : second;
        writer.log(key, unit(at(2025, 3, 4), "control", 1.0 + i, "sense_of_security"));
        if (i % 10 == 0) {
            const std::vector<Observation> two{unit(at(2025, 3, 4), "control", 2.0, "sense_of_security"),
                                               unit(at(2025, 3, 4), "video", 3.0, "sense_of_security")};
            (i % 20 == 0 ? second : first).log_many(key, two);
        }
    }
    // And a write of the first after a commit of the second that wrote no observation.
    second.note(key, "halfway", "Aino");
    first.log(key, unit(at(2025, 3, 5), "control", 7.0, "sense_of_security"));

    require_running_equals_scan(first, key);
    require_running_equals_scan(second, key);
    const auto running = stats::summarise_experiment(second, second.get(key)).at("sense_of_security");
    CHECK(running.at("control").n() == 50 + 5 + 1);
    CHECK(running.at("video").n() == 5);
}

TEST_CASE("totals that overflow a double are not kept, and the rows are summarised instead", "[store][summaries]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(2025, 3, 3));
    const std::int64_t start = to_unix_micros(at(2025, 3, 4));
    const std::vector<std::int64_t> times{start, start + 1, start + 2};
    const std::vector<double> values{-1.7e308, 1.7e308, 1.7e308};  // each finite, their spread is not
    const std::vector<std::int32_t> codes{0, 0, 0};
    ObservationColumns columns{times, values, codes, {"control"}, {}, {}, {}};
    REQUIRE(t.log_columns(key, "wait_days", columns).rows == 3);
    t.log(key, unit(at(2025, 3, 5), "control", 2.0, "wait_days"));  // stays not kept

    const Experiment e = t.get(key);
    const auto records = t.arm_summaries(e);
    REQUIRE(records.size() == 1);
    CHECK_FALSE(records[0].summary.has_value());
    const auto s = stats::summarise_experiment(t, e).at("wait_days").at("control");
    CHECK(s.n() == 4);
    CHECK(s.unit_rows() == 4);
    CHECK(s.max() == 1.7e308);
}

TEST_CASE("two connections logging at the same time both land every write", "[store][summaries][concurrent]") {
    // Each write takes the write lock when it begins (BEGIN IMMEDIATE), before it reads what it
    // builds on, and a writer that finds it taken waits its turn: nothing is refused or lost, and
    // the running summaries hold every row.
    TempDir dir;
    const std::string path = dir.file("shared.db");
    std::string key;
    {
        Tracker setup = Tracker::open(path);
        key = setup.create(home_care_draft()).key;
        setup.start(key, Date(2025, 3, 3));
    }
    constexpr int writes = 150;
    std::atomic<int> failures{0};
    auto writer = [&](const std::string& arm) {
        Tracker t = Tracker::open(path);
        for (int i = 0; i < writes; ++i) {
            try {
                t.log(key, unit(at(2025, 3, 4), arm, 1.0, "sense_of_security"));
            } catch (const Error&) {
                ++failures;
            }
        }
    };
    std::thread control(writer, "control");
    std::thread video(writer, "video");
    control.join();
    video.join();
    CHECK(failures.load() == 0);
    Tracker t = Tracker::open(path);
    CHECK(t.count_observations(key) == 2 * writes);
    require_running_equals_scan(t, key);
}
