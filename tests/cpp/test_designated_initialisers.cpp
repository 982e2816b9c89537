// The public structs as an embedder writes them in C++20: with designated initialisers, naming
// only the members that matter. Every member has a default member initializer, so GCC's
// -Wmissing-field-initializers (part of -Wextra) has nothing to say; it is an error in this file
// whatever the build's flags, so a member added without one fails the build.
#pragma GCC diagnostic error "-Wmissing-field-initializers"

#include "kokeilu/tracker.hpp"

#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace kokeilu;

TEST_CASE("the public structs take designated initialisers, the members left out at their defaults",
          "[api][tracker]") {
    Experiment e{
        .key = "OULU-2025-001",
        .title = "Video visits in home care",
        .organisation = "Oulu",
        .purposes = {Purpose::wellbeing},
        .planned_start = Date(2025, 3, 1),
        .planned_end = Date(2025, 8, 31),
        .test_card = {.we_believe = "video visits save time",
                      .to_verify = "half the clients get video visits",
                      .and_measure = "the wait for a visit",
                      .right_if = "the wait falls by at least a day"},
        .design = DesignKind::concurrent,
        .arms = {Arm{.name = "control", .role = ArmRole::control}, Arm{.name = "video", .role = ArmRole::treatment}},
        .metrics = {Metric{.name = "wait_days",
                           .kind = MetricKind::mean,
                           .role = MetricRole::primary,
                           .direction = Direction::lower_is_better,
                           .minimum_effect = 1.0}},
    };
    Tracker t = testing::memory_tracker();
    const Experiment created = t.create(e);
    CHECK(created.metrics[0].label.empty());
    CHECK_FALSE(created.arms[0].share.has_value());
    t.start(created.key, Date(2025, 3, 3));

    const Observation first{.at = Time(Date(2025, 3, 4)), .arm = "video", .value = 2.0};
    const Observation second{.at = Time(Date(2025, 3, 4)), .arm = "control", .value = 4.0, .subject = "a17"};
    const WriteResult written = t.log(created.key, first, LogOptions{.idempotency_key = "first"});
    CHECK(written.rows == 1);
    CHECK(t.log(created.key, first, LogOptions{.idempotency_key = "first"}).repeated);
    t.log(created.key, second);
    t.log(created.key, Observation{.at = Time(Date(2025, 3, 5)), .arm = "control",
                                   .aggregate = Aggregate{.n = 2, .sum = 9.0, .sum_sq = 41.0}});
    CHECK(t.count_observations(created.key) == 3);  // rows: the aggregate is one

    const ObservationTable rows = t.observations(created.key, ObservationQuery{.arms = {"control"}});
    CHECK(rows.size() == 2);
    const VoidRecord voided = t.void_observations(created.key, VoidRequest{.observation_ids = {1}, .reason = "typo"});
    CHECK(voided.observation_ids == std::vector<std::int64_t>{1});
    CHECK(t.experiments(ExperimentFilter{.organisation = "oulu"}).size() == 1);
    CHECK(t.verify(VerifyOptions{}).ok());

    const Outcome outcome{.verdict = Verdict::inconclusive,
                          .learning = {.we_believed = "video visits save time", .we_observed = "too few visits"},
                          .decision = Decision::adapt,
                          .decided_on = Date(2025, 9, 1)};
    CHECK(outcome.chosen_verdict() == Verdict::inconclusive);
}
