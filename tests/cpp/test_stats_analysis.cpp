#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/stats/bayes.hpp"
#include "kokeilu/stats/means.hpp"
#include "kokeilu/stats/proportions.hpp"
#include "kokeilu/stats/rates.hpp"

#include "test_stats_support.hpp"
#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
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
    tracker.start(key, Date(2025, 3, 3));

    const std::vector<double> control{3.2, 3.8, 3.5, 4.0, 3.1, 3.6, 3.9, 3.3};
    const std::vector<double> video{3.9, 4.2, 3.7, 4.4, 4.1, 3.8, 4.5, 4.0, 4.3};
    std::vector<Observation> rows;
    int minute = 0;
    auto unit = [&](const std::string& arm, double value, const std::string& metric) {
        Observation o;
        o.at = at(2025, 3, 4) + boost::posix_time::minutes(minute++);
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
    survey.at = at(2025, 3, 5);
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

    const Analysis analysis = analyze(tracker, key);
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
    CHECK(analysis.verdict.message.code.starts_with("stats.verdict.improvement"));

    // Missed medication: one score test gives the interval and the p-value, few events or many.
    const Comparison& missed = find(analysis, "missed_medication");
    REQUIRE(missed.effect);
    const Estimate score = score_difference({1, 20}, {2, 20});
    CHECK(missed.effect->method == "score_miettinen_nurminen");
    CHECK(missed.effect->p_value == Approx(score.p_value).epsilon(1e-12));
    CHECK(missed.effect->ci_low == Approx(score.ci_low).epsilon(1e-12));

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
    e.arms = {Arm{1, "coached", ArmRole::group, "", {}}};
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
    const Analysis a = analyze(e, summaries);
    const Comparison& c = find(a, "employed");
    REQUIRE(c.effect);
    CHECK(c.reference == "baseline");
    const Estimate direct = one_sample_proportion({9, 15}, 0.3);
    CHECK(c.effect->p_value == Approx(direct.p_value).epsilon(1e-12));
    CHECK(c.effect->estimate == Approx(0.3).epsilon(1e-12));
    CHECK_FALSE(a.sample_ratio);

    // No data at all: inconclusive for want of data, not an exception.
    ExperimentSummaries none;
    const Analysis empty = analyze(e, none);
    CHECK(empty.verdict.verdict == Verdict::inconclusive);
    CHECK(empty.verdict.reason == VerdictReason::not_enough_data);
}

namespace {

Metric metric_of(const std::string& name, MetricKind kind, MetricRole role = MetricRole::primary) {
    Metric m;
    m.name = name;
    m.kind = kind;
    m.role = role;
    m.minimum_effect = 0.1;
    return m;
}

// A concurrent design with a control and one treatment arm per name in `treatments`.
Experiment concurrent(std::vector<Metric> metrics, std::initializer_list<const char*> treatments = {"treatment"}) {
    Experiment e;
    e.key = "OULU-2026-001";
    e.design = DesignKind::concurrent;
    e.arms = {Arm{1, "control", ArmRole::control, "", {}}};
    std::int64_t id = 2;
    for (const char* name : treatments) {
        e.arms.push_back(Arm{id++, name, ArmRole::treatment, "", {}});
    }
    e.metrics = std::move(metrics);
    return e;
}

Summary values(std::initializer_list<double> xs, double exposure = 1.0) {
    Summary s;
    for (double x : xs) {
        s.add(x, exposure);
    }
    return s;
}

// n units with the given number of 1s, as unit rows.
Summary zero_one(int ones, int n) {
    Summary s;
    for (int i = 0; i < n; ++i) {
        s.add(i < ones ? 1.0 : 0.0);
    }
    return s;
}

const Comparison& comparison(const Analysis& a, const std::string& metric, const std::string& arm) {
    for (const auto& c : a.comparisons) {
        if (c.metric == metric && c.arm == arm) {
            return c;
        }
    }
    FAIL("no comparison of " << metric << " in " << arm);
    throw;  // not reached
}

const Summary control_scores = values({3.2, 3.8, 3.5, 4.0, 3.1, 3.6, 3.9, 3.3});
const Summary treated_scores = values({3.9, 4.2, 3.7, 4.4, 4.1, 3.8, 4.5, 4.0, 4.3});

}  // namespace

TEST_CASE("Each kind of metric on each scale is compared by its own method", "[stats][analysis]") {
    Metric score = metric_of("score", MetricKind::mean);
    Metric score_relative = metric_of("score_relative", MetricKind::mean, MetricRole::secondary);
    score_relative.effect_scale = EffectScale::relative;
    Metric resolved = metric_of("resolved", MetricKind::proportion, MetricRole::secondary);
    Metric resolved_relative = metric_of("resolved_relative", MetricKind::proportion, MetricRole::secondary);
    resolved_relative.effect_scale = EffectScale::relative;
    Metric calls = metric_of("calls", MetricKind::count, MetricRole::secondary);
    Metric calls_relative = metric_of("calls_relative", MetricKind::count, MetricRole::secondary);
    calls_relative.effect_scale = EffectScale::relative;
    const Experiment e = concurrent({score, score_relative, resolved, resolved_relative, calls, calls_relative});

    ExperimentSummaries s;
    for (const char* name : {"score", "score_relative"}) {
        s[name]["control"] = control_scores;
        s[name]["treatment"] = treated_scores;
    }
    // 140 / 200 against 110 / 200 resolved: every expected cell is far above 5, so the z-test stands.
    for (const char* name : {"resolved", "resolved_relative"}) {
        s[name]["control"] = zero_one(110, 200);
        s[name]["treatment"] = zero_one(140, 200);
    }
    // Calls per week: weekly counts of three households in each arm, two weeks each.
    for (const char* name : {"calls", "calls_relative"}) {
        s[name]["control"] = values({6.0, 9.0, 7.0}, 2.0);
        s[name]["treatment"] = values({4.0, 5.0, 3.0}, 2.0);
    }
    const Analysis a = analyze(e, s);

    const auto effect_of = [&](const char* metric) -> const Estimate& {
        const Comparison& c = comparison(a, metric, "treatment");
        INFO(metric << ": " << c.status);
        REQUIRE(c.effect);
        return *c.effect;
    };
    CHECK(effect_of("score").method == "welch_t");
    CHECK(effect_of("score_relative").method == "relative_lift_delta");
    CHECK(effect_of("score_relative").estimate ==
          Approx(relative_lift(treated_scores, control_scores).estimate).epsilon(1e-12));
    CHECK(effect_of("resolved").method == "score_miettinen_nurminen");
    CHECK(effect_of("resolved").estimate == Approx(0.15).epsilon(1e-12));
    CHECK(effect_of("resolved_relative").method == "relative_lift_delta");
    CHECK(effect_of("resolved_relative").estimate == Approx(140.0 / 110.0 - 1.0).epsilon(1e-12));
    // Calls per week of exposure: (12 - 22) / 6 with the Wald interval of the two Poisson rates.
    CHECK(effect_of("calls").method == "poisson_rate_difference_wald");
    CHECK(effect_of("calls").estimate == Approx(12.0 / 6.0 - 22.0 / 6.0).epsilon(1e-12));
    const Estimate difference = rate_difference({12.0, 6.0}, {22.0, 6.0});
    CHECK(effect_of("calls").ci_low == Approx(difference.ci_low).epsilon(1e-12));
    CHECK(effect_of("calls").p_value == Approx(difference.p_value).epsilon(1e-12));
    // The rate ratio, turned into a relative change: (12 / 6) / (22 / 6) - 1.
    const Estimate& ratio = effect_of("calls_relative");
    CHECK(ratio.method == "poisson_exact_conditional");
    CHECK(ratio.estimate == Approx(12.0 / 22.0 - 1.0).epsilon(1e-12));
    const Estimate exact = rate_ratio({12.0, 6.0}, {22.0, 6.0});
    CHECK(ratio.ci_low == Approx(exact.ci_low - 1.0).epsilon(1e-12));
    CHECK(ratio.ci_high == Approx(exact.ci_high - 1.0).epsilon(1e-12));
    for (const auto& c : a.comparisons) {
        INFO(c.metric);
        CHECK(c.bayes.has_value());
        CHECK(c.reference == "control");
    }
    CHECK(comparison(a, "calls", "treatment").bayes->method == "bayes_gamma_poisson_absolute");
    CHECK(comparison(a, "calls_relative", "treatment").bayes->method == "bayes_gamma_poisson_relative");
    // Five secondary comparisons share Holm's adjustment; the primary has none.
    CHECK_FALSE(comparison(a, "score", "treatment").adjusted_p_value);
    CHECK(comparison(a, "calls", "treatment").adjusted_p_value);
}

TEST_CASE("A comparison goes on without the Bayesian view where only that lacks data", "[stats][analysis]") {
    // One call in the control arm: the exact rate ratio has an interval, but the posterior of the
    // ratio has no finite mean or spread (Gamma(1.5, 10) for the control's rate).
    Metric calls = metric_of("calls", MetricKind::count);
    calls.effect_scale = EffectScale::relative;
    ExperimentSummaries s;
    s["calls"]["control"] = values({1.0}, 10.0);
    s["calls"]["treatment"] = values({4.0}, 10.0);
    const Analysis a = analyze(concurrent({calls}), s);
    const Comparison& c = comparison(a, "calls", "treatment");
    REQUIRE(c.effect);
    CHECK(c.effect->estimate == Approx(3.0).epsilon(1e-12));
    CHECK_FALSE(c.bayes);
    CHECK(c.status == "ok");
}

TEST_CASE("A count's Bayesian view is the gamma-Poisson one over the exposure", "[stats][analysis]") {
    // Counts 3, 5, 4 over 1 each against 7, 9, 8 over 2 each: the same 4 events per unit, which a
    // normal model of the per-row counts (4 against 8) would call a clear loss.
    Metric visits = metric_of("visits", MetricKind::count);
    ExperimentSummaries s;
    s["visits"]["treatment"] = values({3.0, 5.0, 4.0}, 1.0);
    s["visits"]["control"] = values({7.0, 9.0, 8.0}, 2.0);
    const Analysis a = analyze(concurrent({visits}), s);
    const Comparison& c = comparison(a, "visits", "treatment");
    REQUIRE(c.bayes);
    const BayesResult reference = bayes_gamma_poisson({12.0, 3.0}, {24.0, 6.0});
    CHECK(c.bayes->chance_to_win == Approx(reference.chance_to_win).epsilon(1e-12));
    CHECK(c.bayes->chance_to_win == Approx(0.5079439855217316).epsilon(1e-9));
    REQUIRE(c.effect);
    CHECK(c.effect->estimate == Approx(0.0).margin(1e-12));

    // One single aggregated row per arm, without sums of squares, gives the same numbers.
    ExperimentSummaries aggregated;
    aggregated["visits"]["treatment"].add_aggregate(3, 12.0, std::nullopt, 3.0);
    aggregated["visits"]["control"].add_aggregate(3, 24.0, std::nullopt, 6.0);
    const Analysis b = analyze(concurrent({visits}), aggregated);
    const Comparison& d = comparison(b, "visits", "treatment");
    REQUIRE(d.effect);
    REQUIRE(d.bayes);
    CHECK(d.status == "ok");
    CHECK(d.effect->ci_low == c.effect->ci_low);
    CHECK(d.effect->p_value == c.effect->p_value);
    CHECK(d.bayes->chance_to_win == c.bayes->chance_to_win);
    CHECK(d.bayes->risk_treatment == c.bayes->risk_treatment);
}

TEST_CASE("A count arm without exposure has no rate: not enough data, not an error", "[stats][analysis]") {
    for (const EffectScale scale : {EffectScale::absolute, EffectScale::relative}) {
        Metric calls = metric_of("calls", MetricKind::count);
        calls.effect_scale = scale;
        ExperimentSummaries s;
        s["calls"]["control"] = values({4.0, 6.0}, 2.0);
        s["calls"]["treatment"] = Summary();
        const Analysis a = analyze(concurrent({calls}), s);
        const Comparison& c = comparison(a, "calls", "treatment");
        CHECK_FALSE(c.effect);
        CHECK_FALSE(c.bayes);
        CHECK(c.status_message.code == "stats.rates.no_exposure");
    }
}

TEST_CASE("An arm without a summary counts as an arm without data", "[stats][analysis]") {
    ExperimentSummaries s;
    s["score"]["control"] = control_scores;  // no entry for the treatment arm at all
    const Analysis a = analyze(concurrent({metric_of("score", MetricKind::mean)}), s);
    const Comparison& c = comparison(a, "score", "treatment");
    CHECK_FALSE(c.effect);
    CHECK(kokeilu::testing::contains(c.status, "not enough data: treatment"));
    CHECK(a.verdict.reason == VerdictReason::not_enough_data);
}

TEST_CASE("Before and after periods compare like control and treatment", "[stats][analysis]") {
    Experiment e;
    e.key = "KAJAANI-2026-001";
    e.design = DesignKind::before_after;
    e.arms = {Arm{1, "autumn", ArmRole::before, "", {}}, Arm{2, "spring", ArmRole::after, "", {}}};
    e.metrics = {metric_of("score", MetricKind::mean)};
    ExperimentSummaries s;
    s["score"]["autumn"] = control_scores;
    s["score"]["spring"] = treated_scores;
    const Analysis a = analyze(e, s);
    REQUIRE(a.comparisons.size() == 1);
    const Comparison& c = a.comparisons.front();
    CHECK(c.arm == "spring");
    CHECK(c.reference == "autumn");
    REQUIRE(c.effect);
    CHECK(c.effect->estimate == Approx(welch_difference(treated_scores, control_scores).estimate).epsilon(1e-12));
    CHECK_FALSE(a.sample_ratio);  // periods are not assigned at random: there is no ratio to check
    // Without a comparison group the change came after the change, not necessarily because of it.
    const auto has_code = [](const std::vector<Message>& messages, const std::string& code) {
        return std::any_of(messages.begin(), messages.end(), [&](const Message& m) { return m.code == code; });
    };
    CHECK(has_code(a.warning_messages, "stats.warning.before_after"));
    CHECK(has_code(a.verdict.notes, "stats.verdict.before_after_note"));
    CHECK(a.verdict.sentence_en.find("not necessarily because of it") != std::string::npos);
}

TEST_CASE("A one-sample comparison on the relative scale is a change from the baseline", "[stats][analysis]") {
    Experiment e;
    e.key = "II-2026-001";
    e.design = DesignKind::one_sample;
    e.arms = {Arm{1, "coached", ArmRole::group, "", {}}};
    Metric wait = metric_of("wait_days", MetricKind::mean);
    wait.effect_scale = EffectScale::relative;
    wait.baseline = 4.0;
    e.metrics = {wait};
    ExperimentSummaries s;
    s["wait_days"]["coached"] = values({2.0, 3.0, 4.0, 3.0, 3.0});
    const Analysis a = analyze(e, s);
    const Comparison& c = a.comparisons.front();
    REQUIRE(c.effect);
    const Estimate absolute = one_sample_t(values({2.0, 3.0, 4.0, 3.0, 3.0}), 4.0);
    CHECK(c.effect->estimate == Approx(-0.25).epsilon(1e-12));
    CHECK(c.effect->ci_low == Approx(absolute.ci_low / 4.0).epsilon(1e-12));
    CHECK(c.effect->ci_high == Approx(absolute.ci_high / 4.0).epsilon(1e-12));
    CHECK(c.effect->p_value == absolute.p_value);

    // A negative baseline (a balance in euros): the change is relative to its size, so that a rise
    // from -4 to -3 is +25 % (not -25 %, which the verdict would read as a fall), low below high.
    e.metrics.front().baseline = -4.0;
    s["wait_days"]["coached"] = values({-2.0, -3.0, -4.0, -3.0, -3.0});
    const Analysis turned = analyze(e, s);
    const Comparison& negative = turned.comparisons.front();
    REQUIRE(negative.effect);
    CHECK(negative.effect->estimate == Approx(0.25).epsilon(1e-12));
    CHECK(negative.effect->ci_low < negative.effect->estimate);
    CHECK(negative.effect->estimate < negative.effect->ci_high);

    // A relative change from 0 is undefined, and without a baseline there is nothing to compare with.
    e.metrics.front().baseline = 0.0;
    const Analysis from_zero = analyze(e, s);
    CHECK(kokeilu::testing::contains(from_zero.comparisons.front().status, "baseline: is 0"));
    CHECK(from_zero.verdict.reason == VerdictReason::not_enough_data);
    CHECK_FALSE(from_zero.planned_per_group);  // nor can a relative effect be planned from 0
    e.metrics.front().baseline.reset();
    CHECK(kokeilu::testing::contains(analyze(e, s).comparisons.front().status,
                                     "a one-sample design needs the metric's baseline"));
}

TEST_CASE("An arm the design cannot compare is a status, a design with none an error", "[stats][analysis]") {
    // A group arm in a concurrent design has no control to be compared with.
    Experiment e = concurrent({metric_of("score", MetricKind::mean)}, {});
    e.arms.push_back(Arm{5, "pilot", ArmRole::group, "", {}});
    e.arms.erase(e.arms.begin());  // no control either
    ExperimentSummaries s;
    s["score"]["pilot"] = treated_scores;
    const Analysis a = analyze(e, s);
    CHECK(kokeilu::testing::contains(comparison(a, "score", "pilot").status, "there is no control or before arm"));

    const Experiment only_control = concurrent({metric_of("score", MetricKind::mean)}, {});
    CHECK(kokeilu::testing::error_field([&] { (void)analyze(only_control, s); }) == "arms");
}

TEST_CASE("A guardrail warns when the worse end of its interval passes the acceptable worsening",
          "[stats][analysis]") {
    // The estimates here are small improvements, but each interval reaches past the acceptable
    // worsening at its worse end: the upper end for a lower-is-better metric, the lower end for a
    // higher-is-better one. A third pair is precise enough to rule such a worsening out.
    Metric score = metric_of("score", MetricKind::mean);
    Metric missed = metric_of("missed_medication", MetricKind::proportion, MetricRole::guardrail);
    missed.direction = Direction::lower_is_better;
    missed.minimum_effect = 0.02;
    Metric satisfied = metric_of("satisfied", MetricKind::proportion, MetricRole::guardrail);
    satisfied.minimum_effect = 0.02;
    const Experiment e = concurrent({score, missed, satisfied}, {"small", "large"});
    ExperimentSummaries s;
    s["score"]["control"] = control_scores;
    s["score"]["small"] = treated_scores;
    s["score"]["large"] = treated_scores;
    s["missed_medication"]["control"] = zero_one(10, 100);
    s["missed_medication"]["small"] = zero_one(9, 100);       // 10 % -> 9 %, interval about -9 to +7 points
    s["missed_medication"]["large"] = zero_one(990, 10000);  // 10 % -> 9.9 %, about -1.2 to +1 point
    s["satisfied"]["control"] = zero_one(80, 100);
    s["satisfied"]["small"] = zero_one(81, 100);
    s["satisfied"]["large"] = zero_one(8010, 10000);
    s["missed_medication"]["control"].merge(zero_one(990, 9900));
    s["satisfied"]["control"].merge(zero_one(7920, 9900));
    const Analysis a = analyze(e, s);

    const Estimate& small_missed = *comparison(a, "missed_medication", "small").effect;
    REQUIRE(small_missed.estimate < 0.0);     // an improvement by its estimate ...
    REQUIRE(small_missed.ci_high > 0.02);     // ... that may be a worsening beyond 2 points
    REQUIRE(small_missed.ci_low < -0.02);     // the better end is far out too
    CHECK(mentions(a.warnings, "Guardrail missed_medication (small)"));
    const Estimate& small_satisfied = *comparison(a, "satisfied", "small").effect;
    REQUIRE(small_satisfied.estimate > 0.0);
    REQUIRE(small_satisfied.ci_low < -0.02);
    CHECK(mentions(a.warnings, "Guardrail satisfied (small)"));

    const Estimate& large_missed = *comparison(a, "missed_medication", "large").effect;
    REQUIRE(large_missed.ci_high < 0.02);
    CHECK_FALSE(mentions(a.warnings, "Guardrail missed_medication (large)"));
    REQUIRE(comparison(a, "satisfied", "large").effect->ci_low > -0.02);
    CHECK_FALSE(mentions(a.warnings, "Guardrail satisfied (large)"));

    // A primary or secondary metric with the same interval is judged by its verdict, not warned
    // about as a guardrail.
    Metric primary_missed = missed;
    primary_missed.role = MetricRole::primary;
    const Experiment primary_only = concurrent({primary_missed}, {"small"});
    ExperimentSummaries p;
    p["missed_medication"]["control"] = s["missed_medication"]["control"];
    p["missed_medication"]["small"] = zero_one(9, 100);
    const Analysis pa = analyze(primary_only, p);
    REQUIRE(comparison(pa, "missed_medication", "small").effect->ci_high > 0.02);
    CHECK_FALSE(mentions(pa.warnings, "Guardrail"));
}

TEST_CASE("The warnings of an analysis: ratio, amendments, several arms, guardrails", "[stats][analysis]") {
    Metric score = metric_of("score", MetricKind::mean);
    score.minimum_effect = 0.3;
    Metric missed = metric_of("missed_medication", MetricKind::proportion, MetricRole::guardrail);
    missed.direction = Direction::lower_is_better;
    missed.minimum_effect = 0.02;
    Metric satisfied = metric_of("satisfied", MetricKind::proportion, MetricRole::guardrail);
    satisfied.minimum_effect = 0.05;
    Experiment e = concurrent({score, missed, satisfied}, {"video", "phone"});
    e.amendments = {{{}, "metric[score].minimum_effect", "0.5", "0.3", "r", "a"},
                    {{}, "test_card.right_if", "x", "y", "r", "a"}};
    ExperimentSummaries s;
    // 100 units in the control and 300 in each treatment arm, where equal shares were planned.
    Summary control_many;
    Summary treated_many;
    for (int i = 0; i < 100; ++i) control_many.add(3.0 + (i % 5) * 0.2);
    for (int i = 0; i < 300; ++i) treated_many.add(3.4 + (i % 5) * 0.2);
    s["score"]["control"] = control_many;
    s["score"]["video"] = treated_many;
    s["score"]["phone"] = treated_many;
    // Missed medication rose from 2 % to 12 % with video and fell to none by phone; satisfaction
    // rose from 90 % to 95 % with video and fell to 70 % by phone.
    s["missed_medication"]["control"] = zero_one(2, 100);
    s["missed_medication"]["video"] = zero_one(36, 300);
    s["missed_medication"]["phone"] = zero_one(0, 300);
    s["satisfied"]["control"] = zero_one(90, 100);
    s["satisfied"]["video"] = zero_one(285, 300);
    s["satisfied"]["phone"] = zero_one(210, 300);
    const Analysis a = analyze(e, s);

    REQUIRE(a.sample_ratio);
    CHECK(a.sample_ratio->mismatch);
    CHECK(mentions(a.warnings, "Sample-ratio mismatch"));
    CHECK(mentions(a.warnings, "amended after the start (metric[score].minimum_effect, test_card.right_if)"));
    CHECK(mentions(a.warnings, "Several treatment arms"));
    // Bonferroni over two arms for the primary metric only.
    CHECK(comparison(a, "score", "video").effect->confidence == Approx(0.975));
    CHECK(comparison(a, "missed_medication", "video").effect->confidence == Approx(0.95));
    CHECK(mentions(a.warnings, "Guardrail missed_medication (video)"));
    CHECK_FALSE(mentions(a.warnings, "Guardrail missed_medication (phone)"));
    CHECK(mentions(a.warnings, "Guardrail satisfied (phone)"));
    CHECK_FALSE(mentions(a.warnings, "Guardrail satisfied (video)"));
    CHECK_FALSE(mentions(a.warnings, "Few observations"));

    // Before any unit is in, there is no ratio to check and no warning about it.
    const Analysis empty = analyze(e, ExperimentSummaries{});
    CHECK_FALSE(empty.sample_ratio);
    CHECK_FALSE(mentions(empty.warnings, "Sample-ratio"));
}

TEST_CASE("The planned sample size follows the primary metric's kind, scale and direction", "[stats][analysis]") {
    ExperimentSummaries none;
    Metric share = metric_of("employed", MetricKind::proportion);
    share.baseline = 0.3;
    share.minimum_effect = 0.1;
    share.direction = Direction::lower_is_better;  // e.g. the share still unemployed
    CHECK(analyze(concurrent({share}), none).planned_per_group->per_group ==
          sample_size_proportion(0.3, -0.1).per_group);

    Metric relative = metric_of("wait_days", MetricKind::mean);
    relative.effect_scale = EffectScale::relative;
    relative.minimum_effect = 0.2;
    relative.baseline = -5.0;
    relative.baseline_sd = 2.0;
    // 20 % of |-5| = 1 day, with sd 2.
    CHECK(analyze(concurrent({relative}), none).planned_per_group->per_group == sample_size_mean(1.0, 2.0).per_group);
    relative.baseline.reset();
    CHECK_FALSE(analyze(concurrent({relative}), none).planned_per_group);

    // 95 % plus 10 points is no share: no plan, and the analysis still runs.
    Metric impossible = metric_of("complete", MetricKind::proportion);
    impossible.baseline = 0.95;
    impossible.minimum_effect = 0.1;
    const Analysis a = analyze(concurrent({impossible}), none);
    CHECK_FALSE(a.planned_per_group);
    CHECK(a.verdict.reason == VerdictReason::not_enough_data);

    Metric no_spread = metric_of("score", MetricKind::mean);
    no_spread.baseline = 3.0;  // a mean needs its sd to be planned
    CHECK_FALSE(analyze(concurrent({no_spread}), none).planned_per_group);
    Metric no_baseline = metric_of("employed", MetricKind::proportion);  // a share needs its baseline
    no_baseline.baseline_sd = 0.5;
    CHECK_FALSE(analyze(concurrent({no_baseline}), none).planned_per_group);
}

TEST_CASE("An underpowered experiment is told how long it will take at its pace", "[stats][analysis]") {
    Metric score = metric_of("score", MetricKind::mean);
    score.minimum_effect = 0.3;
    score.baseline_sd = 0.9;  // 142 per group needed (see above)
    Experiment e = concurrent({score});
    const Date today = today_utc();
    e.actual_start = today - boost::gregorian::days(10);
    e.planned_end = today + boost::gregorian::days(100);
    ExperimentSummaries s;
    Summary forty_control;
    Summary forty_treated;
    for (int i = 0; i < 40; ++i) {
        forty_control.add(3.0 + (i % 4) * 0.5);
        forty_treated.add(3.2 + (i % 4) * 0.5);
    }
    s["score"]["control"] = forty_control;
    s["score"]["treatment"] = forty_treated;
    // 40 per group in 10 days: 102 more need about 26 days, well before the end.
    const Analysis a = analyze(e, s);
    CHECK(mentions(a.warnings, "Underpowered so far: 40 observations in the smallest group, 142 needed"));
    CHECK(mentions(a.warnings, "at the current pace about 26 more days."));
    CHECK_FALSE(mentions(a.warnings, "beyond the planned end"));

    e.planned_end = today + boost::gregorian::days(20);
    CHECK(mentions(analyze(e, s).warnings, "about 26 more days, which is beyond the planned end."));

    // An arm still empty: no pace to go by either.
    ExperimentSummaries one_empty = s;
    one_empty["score"]["control"] = Summary();
    const Analysis empty_arm = analyze(e, one_empty);
    CHECK(mentions(empty_arm.warnings, "Underpowered so far: 0 observations in the smallest group"));
    CHECK_FALSE(mentions(empty_arm.warnings, "at the current pace"));

    // Started today: no pace yet, so no estimate of the days.
    e.actual_start = today;
    const Analysis started_today = analyze(e, s);
    CHECK(mentions(started_today.warnings, "Underpowered so far"));
    CHECK_FALSE(mentions(started_today.warnings, "at the current pace"));
}

TEST_CASE("Impossible settings are errors, not a lack of data", "[stats][analysis]") {
    ExperimentSummaries s;
    s["score"]["control"] = control_scores;
    s["score"]["treatment"] = treated_scores;
    Metric overconfident = metric_of("score", MetricKind::mean);
    overconfident.confidence = 1.2;
    CHECK(kokeilu::testing::error_field([&] { (void)analyze(concurrent({overconfident}), s); }) == "confidence");
    AnalysisOptions no_threshold;
    no_threshold.srm_threshold = 0.0;
    CHECK(kokeilu::testing::error_field([&] {
              (void)analyze(concurrent({metric_of("score", MetricKind::mean)}), s, no_threshold);
          }) == "threshold");
}
