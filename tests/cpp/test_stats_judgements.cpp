// The two judgements of an amended experiment (against the criterion as locked, and an exploratory
// one against the amended criterion), the warnings of an experiment started before its Test Card
// was locked, and sentences that never contradict themselves.
#include "kokeilu/error.hpp"
#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/stats/verdict.hpp"
#include "kokeilu/tracker.hpp"
#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <variant>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::stats;
using kokeilu::testing::field_of_error;
using kokeilu::testing::home_care_draft;
using kokeilu::testing::memory_tracker;

namespace {

Time at(int y, int m, int d, int hour = 10) {
    using Part = unsigned short;
    return Time(Date(static_cast<Part>(y), static_cast<Part>(m), static_cast<Part>(d)), boost::posix_time::hours(hour));
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

Metric& named(Experiment& e, const std::string& name) {
    return *std::find_if(e.metrics.begin(), e.metrics.end(), [&](const Metric& m) { return m.name == name; });
}

// A running experiment whose primary metric rose clearly in the video arm (by about 1.2 points).
std::string with_a_rise(Tracker& t, Date start = Date(2025, 3, 2)) {
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, start);
    std::vector<Observation> rows;
    for (int i = 0; i < 60; ++i) {
        Observation o;
        o.at = at(2025, 3, 3 + i % 20);
        o.metric = "sense_of_security";
        o.arm = i % 2 == 0 ? "control" : "video";
        o.value = (i % 2 == 0 ? 3.0 : 4.2) + 0.1 * (i % 5);
        rows.push_back(o);
    }
    t.log_many(key, rows, LogOptions{true});
    return key;
}

Estimate effect(double estimate, double low, double high) {
    Estimate e;
    e.estimate = estimate;
    e.ci_low = low;
    e.ci_high = high;
    return e;
}

}  // namespace

TEST_CASE("an amended direction: the verdict stays the locked one, the amended one is exploratory", "[stats][judgement]") {
    Tracker t = memory_tracker();
    const std::string key = with_a_rise(t);
    const Analysis before = analyze(t, key);
    CHECK(before.verdict.verdict == Verdict::supported);
    CHECK(before.criterion_changes.empty());
    CHECK_FALSE(before.amended_verdict);

    // The seen case: the direction and the minimum effect amended after the start.
    Experiment e = t.get(key);
    named(e, "sense_of_security").direction = Direction::lower_is_better;
    named(e, "sense_of_security").minimum_effect = 0.1;
    t.update(e, "the survey scale was turned", "anna");
    const Analysis a = analyze(t, key);
    CHECK(a.verdict.verdict == Verdict::supported);  // judged as locked: higher is better, 0.3
    CHECK(a.verdict.criterion == Criterion::locked);
    CHECK(a.verdict.metric == "sense_of_security");
    CHECK(contains(a.verdict.sentence_en, "rose by"));
    CHECK(contains(a.verdict.sentence_en, "(higher is better;"));
    CHECK(contains(a.verdict.sentence_en, "judged against it as locked at the start"));
    CHECK_FALSE(contains(a.verdict.sentence_en, "got worse"));
    REQUIRE(a.amended_verdict);
    CHECK(a.amended_verdict->verdict == Verdict::refuted);
    CHECK(a.amended_verdict->criterion == Criterion::amended);
    CHECK(a.amended_verdict->sentence_en.rfind(
              "Exploratory, against the amended criterion (the criterion was changed after data had been seen): "
              "the experiment refuted the hypothesis: sense_of_security got worse, it rose by",
              0) == 0);
    CHECK(contains(a.amended_verdict->sentence_en, "(lower is better;"));
    CHECK(a.amended_verdict->sentence_en.rfind("Exploratory, against the amended criterion", 0) == 0);
    REQUIRE(a.criterion_changes.size() == 2);
    CHECK(a.criterion_changes[0].field == "metrics[sense_of_security].direction");
    CHECK(a.amended_comparisons.size() == a.comparisons.size());
    CHECK(std::any_of(a.warnings.begin(), a.warnings.end(), [](const std::string& w) {
        return contains(w, "The success criterion was amended after the start (metrics[sense_of_security].direction: "
                           "higher_is_better \u2192 lower_is_better, metrics[sense_of_security].minimum_effect: "
                           "0.3 \u2192 0.1): the verdict is judged against it as locked");
    }));
}

TEST_CASE("a criterion amended by name only has one judgement, under the current name", "[stats][judgement]") {
    Tracker t = memory_tracker();
    const std::string key = with_a_rise(t);
    Experiment e = t.get(key);
    named(e, "sense_of_security").name = "security";
    e.arms[1].name = "video_call";
    t.update(e, "shorter names", "anna");
    const Analysis a = analyze(t, key);
    CHECK(a.criterion_changes.empty());
    CHECK_FALSE(a.amended_verdict);
    CHECK(a.verdict.metric == "security");
    CHECK(a.verdict.verdict == Verdict::supported);
    CHECK(a.comparisons.front().arm == "video_call");
}

TEST_CASE("a new primary metric after the start is judged only in the exploratory judgement", "[stats][judgement]") {
    Tracker t = memory_tracker();
    const std::string key = with_a_rise(t);
    Experiment e = t.get(key);
    named(e, "sense_of_security").role = MetricRole::secondary;
    named(e, "wait_days").role = MetricRole::primary;
    t.update(e, "waiting matters more", "anna");
    const Analysis a = analyze(t, key);
    CHECK(a.verdict.metric == "sense_of_security");
    REQUIRE(a.amended_verdict);
    CHECK(a.amended_verdict->metric == "wait_days");
    CHECK(a.amended_verdict->reason == VerdictReason::not_enough_data);
    CHECK(a.criterion_changes.front().field == "primary_metric");
}

TEST_CASE("conclude records which judgement the team chose", "[tracker][judgement]") {
    Tracker t = memory_tracker();
    const std::string key = with_a_rise(t);
    Outcome outcome;
    outcome.verdict = Verdict::supported;
    outcome.decision = Decision::scale_up;
    outcome.amended_verdict = Verdict::refuted;
    CHECK(field_of_error([&] { t.conclude(key, outcome); }) == "outcome.amended_verdict");  // nothing was amended
    outcome.amended_verdict.reset();
    outcome.judged_against = Criterion::amended;
    CHECK(field_of_error([&] { t.conclude(key, outcome); }) == "outcome.judged_against");

    Experiment e = t.get(key);
    named(e, "sense_of_security").direction = Direction::lower_is_better;
    t.update(e, "turned scale", "anna");
    CHECK(field_of_error([&] { t.conclude(key, outcome); }) == "outcome.judged_against");  // amended, but no verdict
    outcome.amended_verdict = Verdict::refuted;
    const Experiment concluded = t.conclude(key, outcome);
    REQUIRE(concluded.outcome);
    CHECK(concluded.outcome->verdict == Verdict::supported);
    CHECK(concluded.outcome->amended_verdict == Verdict::refuted);
    CHECK(concluded.outcome->judged_against == Criterion::amended);
    CHECK(concluded.outcome->chosen_verdict() == Verdict::refuted);
    CHECK(t.get(key).outcome == concluded.outcome);

    // The default is the locked criterion.
    Tracker u = memory_tracker();
    const std::string other = with_a_rise(u);
    Outcome plain;
    plain.verdict = Verdict::supported;
    CHECK(u.conclude(other, plain).outcome->judged_against == Criterion::locked);
}

TEST_CASE("an activity metric cannot support, judged against either criterion", "[tracker][judgement]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    named(draft, "sense_of_security").impact = ImpactClass::activity_output;
    const std::string key = t.create(draft).key;
    t.start(key, Date(2025, 3, 2));
    Experiment e = t.get(key);
    named(e, "sense_of_security").impact = ImpactClass::customer_outcome;  // relabelled after the start
    t.update(e, "it measures the clients after all", "anna");
    Outcome outcome;
    outcome.verdict = Verdict::supported;
    outcome.amended_verdict = Verdict::supported;
    CHECK(field_of_error([&] { t.conclude(key, outcome); }) == "outcome.verdict");
    outcome.verdict = Verdict::inconclusive;
    CHECK(t.conclude(key, outcome).status == Status::concluded);
}

TEST_CASE("an experiment started before its lock is said so, with the rows logged in that window", "[stats][judgement]") {
    Tracker t = memory_tracker();
    const std::string key = with_a_rise(t, Date(2025, 3, 2));
    const Experiment e = t.get(key);
    REQUIRE(e.days_started_before_lock());
    const EarlyRows early = early_rows(t, e);
    CHECK(early.at("control") == 30);
    CHECK(early.at("video") == 30);
    const Analysis a = analyze(t, key);
    CHECK(a.days_started_before_lock == e.days_started_before_lock());
    CHECK(a.early_rows == early);
    const std::string started = "Started " + std::to_string(*e.days_started_before_lock()) +
                                " days before the Test Card was locked: data from 2025-03-02 to " +
                                format_time(*e.locked_at).substr(0, 10) + " ";
    CHECK(std::any_of(a.warnings.begin(), a.warnings.end(), [&](const std::string& w) {
        return w.rfind(started, 0) == 0 && contains(w, "UTC may have been seen before the criterion was fixed.");
    }));
    CHECK(std::any_of(a.warnings.begin(), a.warnings.end(), [](const std::string& w) {
        return w == "Rows logged for times between the start and the lock, which may have been seen before the "
                    "criterion was fixed: control 30, video 30.";
    }));
    // Up to a time: only the rows before it.
    const EarlyRows first_week = early_rows(t, e, at(2025, 3, 8, 0));
    CHECK(first_week.at("control") + first_week.at("video") == 15);  // days 3 to 7 of each 20

    // Started the day it was locked: no warning, no rows.
    Tracker u = memory_tracker();
    const std::string today = u.create(home_care_draft()).key;
    u.start(today);
    CHECK(early_rows(u, u.get(today)).empty());
    const Analysis b = analyze(u, today);
    CHECK_FALSE(b.days_started_before_lock);
    CHECK(std::none_of(b.warnings.begin(), b.warnings.end(), [](const std::string& w) { return contains(w, "Started"); }));
}

TEST_CASE("no sentence calls a change in the better direction worse, for every direction and sign", "[stats][verdict][judgement]") {
    struct Case {
        double estimate, low, high;
    };
    // Intervals that give each reason in both directions: wholly above, wholly below, around zero,
    // clear of zero but below the minimum, exactly zero.
    const std::vector<Case> cases{{1.2, 0.8, 1.6},   {-1.2, -1.6, -0.8}, {0.1, -0.4, 0.6}, {-0.1, -0.6, 0.4},
                                  {0.1, 0.05, 0.15}, {-0.1, -0.15, -0.05}, {0.0, -0.5, 0.5}, {0.0, -0.01, 0.01}};
    for (const Direction direction : {Direction::higher_is_better, Direction::lower_is_better}) {
        for (const Criterion criterion : {Criterion::locked, Criterion::amended}) {
            for (const Case& c : cases) {
                Metric m;
                m.name = "M";
                m.direction = direction;
                m.minimum_effect = 0.3;
                const VerdictResult r = judge(m, effect(c.estimate, c.low, c.high), 100, {}, criterion);
                const bool higher = direction == Direction::higher_is_better;
                const bool better = higher ? c.estimate > 0 : c.estimate < 0;
                const bool worse = higher ? c.estimate < 0 : c.estimate > 0;
                INFO(r.sentence_en);
                // The change is said as it happened...
                CHECK(contains(r.sentence_en, "rose by") == (c.estimate > 0));
                CHECK(contains(r.sentence_en, "fell by") == (c.estimate < 0));
                // ...which way is better is said in the same sentence, from the same criterion...
                CHECK(contains(r.sentence_en, higher ? "higher is better" : "lower is better"));
                // (the other languages say it from the same parameters: tests/python/test_stats_coded_messages.py)
                CHECK(std::get<std::string>(*r.message.param("direction")) ==
                      (higher ? "higher_is_better" : "lower_is_better"));
                // ...and "worse" or "improvement" only where the change went that way.
                if (contains(r.sentence_en, "got worse")) CHECK(worse);
                if (contains(r.sentence_en, "an improvement")) CHECK(better);
                if (r.verdict == Verdict::supported) CHECK(better);
                if (r.reason == VerdictReason::wrong_direction) CHECK(worse);
                CHECK(r.improvement == Approx(higher ? c.estimate : -c.estimate));
                CHECK(r.criterion == criterion);
                CHECK(contains(r.sentence_en, "Exploratory") == (criterion == Criterion::amended));
            }
        }
    }
}

TEST_CASE("a relative effect from a negative reference keeps the sign of the change", "[stats][judgement]") {
    // From -10 to -9 the metric rose; -9 / -10 - 1 = -10 % would call it a fall.
    Experiment e;
    e.key = "OULU-2026-001";
    e.design = DesignKind::concurrent;
    e.arms = {Arm{1, "control", ArmRole::control, "", {}}, Arm{2, "video", ArmRole::treatment, "", {}}};
    Metric balance;
    balance.id = 1;
    balance.name = "balance";
    balance.effect_scale = EffectScale::relative;
    balance.minimum_effect = 0.05;
    e.metrics = {balance};
    ExperimentSummaries s;
    for (double v : {-10.5, -9.5, -10.2, -9.8, -10.0, -10.1, -9.9}) s["balance"]["control"].add(v);
    for (double v : {-9.5, -8.5, -9.2, -8.8, -9.0, -9.1, -8.9}) s["balance"]["video"].add(v);
    for (const Direction direction : {Direction::higher_is_better, Direction::lower_is_better}) {
        e.metrics[0].direction = direction;
        const Analysis a = analyze(e, s);
        const Estimate& effect = *a.comparisons.front().effect;
        CHECK(effect.estimate == Approx(0.1));
        CHECK(effect.ci_low < effect.estimate);
        CHECK(effect.estimate < effect.ci_high);
        CHECK(contains(a.verdict.sentence_en, "rose by 10 %"));
        CHECK(a.verdict.verdict == (direction == Direction::higher_is_better ? Verdict::supported : Verdict::refuted));
    }
}
