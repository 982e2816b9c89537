// Amendments that the stored observations cannot satisfy are refused, naming the rows, inside the
// save's transaction; and the time rules of a before/after design at every door.
#include "kokeilu/error.hpp"
#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/tracker.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

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

Time at(int y, int m, int d, int hour = 10) {
    using Part = unsigned short;
    return Time(Date(static_cast<Part>(y), static_cast<Part>(m), static_cast<Part>(d)), boost::posix_time::hours(hour));
}

Observation value_of(double value, const std::string& arm, const std::string& metric = "sense_of_security") {
    Observation o;
    o.at = at(2025, 3, 3);
    o.arm = arm;
    o.metric = metric;
    o.value = value;
    return o;
}

Metric& named(Experiment& e, const std::string& name) {
    return *std::find_if(e.metrics.begin(), e.metrics.end(), [&](const Metric& m) { return m.name == name; });
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no error)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string running(Tracker& t) {
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(2025, 3, 2));
    return key;
}

// The running summaries as stored against a summary of every row, metric by metric.
void require_running_equals_scan(Tracker& t, const std::string& key) {
    const Experiment e = t.get(key);
    const auto running = stats::summarise_experiment(t, e);
    const auto scanned = stats::summarise_experiment(t, e, at(2999, 1, 1));
    for (const auto& [metric, arms] : scanned)
        for (const auto& [arm, s] : arms) {
            INFO(metric + "/" + arm);
            const stats::Summary& r = running.at(metric).at(arm);
            CHECK(r.n() == s.n());
            CHECK(r.has_variance() == s.has_variance());
            if (s.n() > 0) CHECK(r.mean() == Approx(s.mean()));
        }
}

}  // namespace

TEST_CASE("a kind the stored values contradict is refused, naming the rows", "[tracker][amend][stored]") {
    Tracker t = memory_tracker();
    const std::string key = running(t);
    std::vector<Observation> rows;
    for (const double v : {2.0, 3.0, 4.0, 5.0, 6.0, 2.0, 3.0}) rows.push_back(value_of(v, "control"));
    t.log_many(key, rows);
    Experiment e = t.get(key);
    named(e, "sense_of_security").kind = MetricKind::proportion;
    named(e, "sense_of_security").minimum_effect = 0.1;
    named(e, "sense_of_security").baseline = 0.6;
    const std::string message = message_of([&] { t.update(e, "a share after all"); });
    CHECK(field_of_error([&] { t.update(e, "a share after all"); }) == "metrics[sense_of_security].kind");
    CHECK(contains(message, "cannot change from mean to proportion: 7 observations do not fit it"));
    CHECK(contains(message, "ids 1, 2, 3, 4, 5 and 2 more"));
    CHECK(contains(message, "observation 1: value a proportion metric takes 0 or 1 per unit, got 2"));
    // Nothing changed, and every analysis still works.
    const Experiment after = t.get(key);
    CHECK(after.revision == e.revision);
    CHECK(after.primary_metric().kind == MetricKind::mean);
    CHECK(after.amendments.empty());
    CHECK_NOTHROW(stats::analyze(t, key));
}

TEST_CASE("a count takes only whole numbers that are not negative", "[tracker][amend][stored]") {
    Tracker t = memory_tracker();
    const std::string key = running(t);
    t.log(key, value_of(2.5, "video", "wait_days"));
    t.log(key, value_of(3.0, "video", "wait_days"));
    Experiment e = t.get(key);
    named(e, "wait_days").kind = MetricKind::count;
    CHECK(contains(message_of([&] { t.update(e, "count"); }),
                   "1 observation does not fit it (id 1; observation 1: value a count of events is a whole number, "
                   "got 2.5)"));

    Tracker u = memory_tracker();
    const std::string other = running(u);
    u.log(other, value_of(-1.0, "video", "wait_days"));
    Experiment f = u.get(other);
    named(f, "wait_days").kind = MetricKind::count;
    CHECK(contains(message_of([&] { u.update(f, "count"); }), "a count cannot be negative"));
}

TEST_CASE("aggregated rows must fit the new kind too", "[tracker][amend][stored]") {
    Tracker t = memory_tracker();
    const std::string key = running(t);
    Observation mean_rows;
    mean_rows.at = at(2025, 3, 3);
    mean_rows.arm = "control";
    mean_rows.metric = "wait_days";
    mean_rows.aggregate = Aggregate{10, 30.0, 100.0};
    t.log(key, mean_rows);
    Experiment e = t.get(key);
    named(e, "wait_days").kind = MetricKind::count;
    CHECK(contains(message_of([&] { t.update(e, "count"); }), "aggregate.sum_sq is not used for a count metric"));

    // A proportion's aggregates (n trials, sum successes) fit a count, and back; the running
    // summaries follow the kind (a proportion's aggregates have a known spread, a count's not).
    Observation shares;
    shares.at = at(2025, 3, 3);
    shares.arm = "video";
    shares.metric = "missed_medication";
    shares.aggregate = Aggregate{20, 3.0, std::nullopt};
    t.log(key, shares);
    Experiment c = t.get(key);
    named(c, "missed_medication").kind = MetricKind::count;
    named(c, "missed_medication").minimum_effect = 1.0;
    t.update(c, "events, not shares");
    require_running_equals_scan(t, key);
    Experiment p = t.get(key);
    named(p, "missed_medication").kind = MetricKind::proportion;
    named(p, "missed_medication").minimum_effect = 0.02;
    t.update(p, "shares after all");
    require_running_equals_scan(t, key);
    CHECK(stats::summarise_experiment(t, t.get(key)).at("missed_medication").at("video").has_variance());

    // Exposure belongs to counts only.
    Observation calls;
    calls.at = at(2025, 3, 3);
    calls.arm = "video";
    calls.metric = "calls";
    calls.value = 3.0;
    calls.exposure = 7.0;
    t.log(key, calls);
    Experiment m = t.get(key);
    named(m, "calls").kind = MetricKind::mean;
    CHECK(contains(message_of([&] { t.update(m, "mean"); }), "exposure is used only for count metrics"));
}

TEST_CASE("a write between reading the experiment and saving the amendment is checked too", "[tracker][amend][stored]") {
    TempDir dir;
    const std::string path = dir.file("shared.db");
    Tracker amender = Tracker::open(path);
    Tracker logger = Tracker::open(path);
    const std::string key = running(amender);
    logger.log(key, value_of(1.0, "control"));

    Experiment e = amender.get(key);  // read while every value is 0 or 1
    named(e, "sense_of_security").kind = MetricKind::proportion;
    named(e, "sense_of_security").minimum_effect = 0.1;
    named(e, "sense_of_security").baseline = 0.6;
    logger.log(key, value_of(4.0, "video"));  // then another process logs a 4
    CHECK(field_of_error([&] { amender.update(e, "0/1 after all"); }) == "metrics[sense_of_security].kind");
    CHECK(amender.get(key).primary_metric().kind == MetricKind::mean);

    // And the other way round: once the kind is saved, a kept copy of the old kind cannot log a 4.
    Tracker clean = Tracker::open(dir.file("clean.db"));
    Tracker writer = Tracker::open(dir.file("clean.db"));
    const std::string k = running(clean);
    writer.log(k, value_of(1.0, "control"));  // the writer keeps its copy (kind mean)
    Experiment s = clean.get(k);
    named(s, "sense_of_security").kind = MetricKind::proportion;
    named(s, "sense_of_security").minimum_effect = 0.1;
    named(s, "sense_of_security").baseline = 0.6;
    clean.update(s, "0/1");
    CHECK(field_of_error([&] { writer.log(k, value_of(4.0, "video")); }) == "value");
}

TEST_CASE("removing an arm or a metric with observations names its rows", "[tracker][amend][stored]") {
    Tracker t = memory_tracker();
    const std::string key = running(t);
    t.log(key, value_of(3.0, "video"));
    t.log(key, value_of(4.0, "video"));
    Experiment e = t.get(key);
    e.arms.pop_back();
    e.arms.push_back(Arm{0, "phone", ArmRole::treatment, "", {}});
    CHECK(field_of_error([&] { t.update(e, "phone instead"); }) == "arms[video]");
    CHECK(contains(message_of([&] { t.update(e, "phone instead"); }), "cannot be removed: it has 2 observations (ids 1, 2)"));
    CHECK(t.get(key).arms.size() == 2);
}

TEST_CASE("a before/after design keeps each value in its own period, at every door", "[tracker][observations][periods]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    draft.design = DesignKind::before_after;
    draft.arms = {Arm{0, "before", ArmRole::before, "", {}}, Arm{0, "after", ArmRole::after, "", {}}};
    const std::string key = t.create(draft).key;
    t.start(key, Date(2025, 3, 2));  // a Helsinki day: from 2025-03-01T22:00:00Z
    const LogOptions backfill{true};

    // A before value on or after the start: refused without backfill, and with it.
    Observation before_late = value_of(3.0, "before");
    before_late.at = at(2025, 3, 2, 0);
    for (const LogOptions& options : {LogOptions{}, backfill}) {
        CHECK(field_of_error([&] { t.log(key, before_late, options); }) == "at");
        CHECK(contains(message_of([&] { t.log(key, before_late, options); }),
                       "2025-03-02T00:00:00Z is on or after the actual start of " + key +
                           " (2025-03-02), but the arm 'before' is the period before it"));
    }
    // An after value before the start (21:00 UTC is 23:00 in Helsinki, the day before the start):
    // refused with backfill too.
    Observation after_early = value_of(3.0, "after");
    after_early.at = at(2025, 3, 1, 21);
    CHECK(field_of_error([&] { t.log(key, after_early, backfill); }) == "at");
    CHECK(contains(message_of([&] { t.log(key, after_early, backfill); }), "but the arm 'after' is the period after it"));
    CHECK(field_of_error([&] { t.log(key, after_early); }) == "at");  // and before the start without backfill

    // log_many names the row; the good rows of the batch are not written either.
    Observation before_ok = value_of(3.0, "before");
    before_ok.at = at(2025, 3, 1, 21);
    Observation after_ok = value_of(4.0, "after");
    after_ok.at = at(2025, 3, 2, 0);
    const std::vector<Observation> batch{before_ok, after_ok, before_late};
    CHECK(field_of_error([&] { t.log_many(key, batch, backfill); }) == "observations[2].at");
    CHECK(contains(message_of([&] { t.log_many(key, batch, backfill); }), "the arm 'before'"));

    // Aggregates go the same way.
    Observation aggregate = before_late;
    aggregate.aggregate = Aggregate{5, 15.0, 50.0};
    const std::vector<Observation> aggregates{before_ok, aggregate};
    CHECK(field_of_error([&] { t.log_many(key, aggregates, backfill); }) == "observations[1].at");

    // Columns name the row as at[i].
    const std::vector<std::int64_t> times{to_unix_micros(at(2025, 3, 1)), to_unix_micros(at(2025, 3, 5))};
    const std::vector<double> values{3.0, 4.0};
    std::vector<std::int32_t> codes{0, 0};
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_codes = codes;
    columns.arm_names = {"before", "after"};
    CHECK(field_of_error([&] { t.log_columns(key, "", columns, backfill); }) == "at[1]");
    CHECK(contains(message_of([&] { t.log_columns(key, "", columns, backfill); }), "but the arm 'before'"));
    CHECK(t.count_observations(key) == 0);

    // Each value in its own period is taken: a before value with backfill, an after value without.
    codes[1] = 1;
    CHECK(t.log_columns(key, "", columns, backfill).rows == 2);
    CHECK(t.log_many(key, std::vector<Observation>{before_ok}, backfill).rows == 1);
    t.log(key, after_ok);
    CHECK(t.count_observations(key) == 4);
}
