#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/stats/means.hpp"
#include "kokeilu/stats/proportions.hpp"

#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::stats;
using kokeilu::testing::at;

namespace {

bool mentions(const std::vector<std::string>& warnings, const std::string& part) {
    for (const auto& w : warnings) {
        if (w.find(part) != std::string::npos) {
            return true;
        }
    }
    return false;
}

const Comparison& find(const Analysis& a, const std::string& metric) {
    for (const auto& c : a.comparisons) {
        if (c.metric == metric) {
            return c;
        }
    }
    FAIL("no comparison of " << metric);
    throw;  // not reached
}

}  // namespace

TEST_CASE("Analysing a tracked experiment streams the store into summaries", "[stats][analysis]") {
    Tracker tracker = kokeilu::testing::memory_tracker();
    const std::string key = tracker.create(kokeilu::testing::home_care_draft()).key;
    tracker.start(key, Date(2026, 3, 2));

    const std::vector<double> control{3.2, 3.8, 3.5, 4.0, 3.1, 3.6, 3.9, 3.3};
    const std::vector<double> video{3.9, 4.2, 3.7, 4.4, 4.1, 3.8, 4.5, 4.0, 4.3};
    std::vector<Observation> rows;
    int minute = 0;
    auto unit = [&](const std::string& arm, double value, const std::string& metric) {
        Observation o;
        o.at = at(2026, 3, 3) + boost::posix_time::minutes(minute++);
        o.arm = arm;
        o.metric = metric;
        o.value = value;
        rows.push_back(o);
    };
    for (double x : control) {
        unit("control", x, "sense_of_security");
    }
    for (double x : video) {
        unit("video", x, "sense_of_security");
    }
    // A survey summary of 3 more video clients: 4.0, 4.6, 3.4.
    Observation survey;
    survey.at = at(2026, 3, 4);
    survey.arm = "video";
    survey.metric = "sense_of_security";
    survey.aggregate = Aggregate::mean(3, 12.0, 16.0 + 21.16 + 11.56);
    rows.push_back(survey);
    for (int i = 0; i < 20; ++i) {
        unit("control", i < 2 ? 1.0 : 0.0, "missed_medication");
        unit("video", i < 1 ? 1.0 : 0.0, "missed_medication");
    }
    for (int i = 0; i < 10; ++i) {
        unit("control", 10.0 + i % 4, "wait_days");
        unit("video", 8.0 + i % 3, "wait_days");
    }
    tracker.log_many(key, rows);

    const Experiment experiment = tracker.get(key);
    const ExperimentSummaries summaries = summarise_experiment(tracker, experiment);
    Summary expected_video;
    for (double x : video) {
        expected_video.add(x);
    }
    for (double x : {4.0, 4.6, 3.4}) {
        expected_video.add(x);
    }
    const Summary& got = summaries.at("sense_of_security").at("video");
    CHECK(got.n() == 12);
    CHECK(got.mean() == Approx(expected_video.mean()).epsilon(1e-12));
    CHECK(got.sd() == Approx(expected_video.sd()).epsilon(1e-9));
    CHECK(summaries.at("missed_medication").at("control").successes() == 2);
    CHECK(summaries.at("calls").at("video").n() == 0);

    const Analysis analysis = analyse(tracker, key);
    CHECK(analysis.experiment == key);
    const Comparison& primary = find(analysis, "sense_of_security");
    REQUIRE(primary.effect);
    Summary expected_control;
    for (double x : control) {
        expected_control.add(x);
    }
    const Estimate direct = welch_difference(expected_video, expected_control);
    CHECK(primary.effect->estimate == Approx(direct.estimate).epsilon(1e-12));
    CHECK(primary.effect->p_value == Approx(direct.p_value).epsilon(1e-9));
    CHECK(primary.arm == "video");
    CHECK(primary.reference == "control");
    REQUIRE(primary.bayes);
    CHECK(primary.bayes->chance_to_win > 0.99);

    // Improvement about 0.5 points, interval clear of zero: supported.
    CHECK(analysis.verdict.verdict == Verdict::supported);
    CHECK(analysis.verdict.sentence_fi.rfind("Kokeilu tuki hypoteesia", 0) == 0);

    // Few events of missed medication: Fisher's exact test gives the p-value.
    const Comparison& missed = find(analysis, "missed_medication");
    REQUIRE(missed.effect);
    CHECK(missed.effect->p_value == Approx(fisher_exact({1, 20}, {2, 20}).p_value).epsilon(1e-12));

    // One secondary metric with data: Holm leaves its p-value as it is; calls have no data.
    const Comparison& wait = find(analysis, "wait_days");
    REQUIRE(wait.adjusted_p_value);
    CHECK(*wait.adjusted_p_value == Approx(wait.effect->p_value));
    const Comparison& calls = find(analysis, "calls");
    CHECK_FALSE(calls.effect);
    CHECK(calls.status.rfind("not enough data", 0) == 0);

    REQUIRE(analysis.sample_ratio);
    CHECK_FALSE(analysis.sample_ratio->mismatch);
    CHECK(mentions(analysis.warnings, "Few observations"));
    REQUIRE(analysis.planned_per_group);
    // sd 0.9, effect 0.3: statsmodels NormalIndPower gives 141.3 per group.
    CHECK(analysis.planned_per_group->per_group == 142);
    CHECK(mentions(analysis.warnings, "Underpowered"));
}

TEST_CASE("Analysing a one-sample design compares with the baseline", "[stats][analysis]") {
    Experiment e = kokeilu::testing::home_care_draft();
    e.key = "II-2026-001";
    e.design = DesignKind::one_sample;
    e.arms = {Arm{1, "coached", ArmRole::group, ""}};
    Metric employed;
    employed.name = "employed";
    employed.kind = MetricKind::proportion;
    employed.role = MetricRole::primary;
    employed.baseline = 0.3;
    employed.minimum_effect = 0.15;
    employed.impact = ImpactClass::customer_outcome;
    e.metrics = {employed};

    ExperimentSummaries summaries;
    summaries["employed"]["coached"] = Summary::from_counts(9, 15);
    const Analysis a = analyse(e, summaries);
    const Comparison& c = find(a, "employed");
    REQUIRE(c.effect);
    CHECK(c.reference == "baseline");
    const Estimate direct = one_sample_proportion({9, 15}, 0.3);
    CHECK(c.effect->p_value == Approx(direct.p_value).epsilon(1e-12));
    CHECK(c.effect->estimate == Approx(0.3).epsilon(1e-12));
    CHECK_FALSE(a.sample_ratio);

    // No data at all: inconclusive for want of data, not an exception.
    ExperimentSummaries none;
    const Analysis empty = analyse(e, none);
    CHECK(empty.verdict.verdict == Verdict::inconclusive);
    CHECK(empty.verdict.reason == VerdictReason::not_enough_data);
}
