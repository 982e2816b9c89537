// The designs without a concurrent control as an experiment's design, through the Tracker: create,
// log (before periods with backfill), analyse, the verdict and its warnings; and what is refused.
// Every date is fixed and the tracker's zone is set explicitly.
#include "test_tracker_support.hpp"

#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/stats/design_series.hpp"
#include "kokeilu/stats/difference_in_differences.hpp"
#include "kokeilu/stats/interrupted_time_series.hpp"
#include "kokeilu/tracker.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::stats;
using namespace kokeilu::testing;

namespace {

const Date change_day(2025, 3, 3);  // a Monday

Metric security_metric() {
    Metric m;
    m.name = "sense_of_security";
    m.unit = "points (1-5)";
    m.kind = MetricKind::mean;
    m.role = MetricRole::primary;
    m.minimum_effect = 0.3;
    return m;
}

Experiment did_draft() {
    Experiment e = home_care_draft();
    e.design = DesignKind::difference_in_differences;
    e.arms = {Arm{0, "oulu-before", ArmRole::changed_before, "", {}},
              Arm{0, "oulu-after", ArmRole::changed_after, "", {}},
              Arm{0, "kemi-before", ArmRole::comparison_before, "", {}},
              Arm{0, "kemi-after", ArmRole::comparison_after, "", {}}};
    e.metrics = {security_metric()};
    return e;
}

Experiment its_draft() {
    Experiment e = home_care_draft();
    e.design = DesignKind::interrupted_time_series;
    e.arms = {Arm{0, "before", ArmRole::before, "", {}}, Arm{0, "after", ArmRole::after, "", {}}};
    e.metrics = {security_metric()};
    return e;
}

Observation unit(Time when, const std::string& arm, double value) {
    Observation o;
    o.at = when;
    o.arm = arm;
    o.value = value;
    return o;
}

bool has_code(const std::vector<Message>& messages, const std::string& code) {
    return std::any_of(messages.begin(), messages.end(), [&](const Message& m) { return m.code == code; });
}

const Message* find_code(const std::vector<Message>& messages, const std::string& code) {
    const auto found = std::find_if(messages.begin(), messages.end(), [&](const Message& m) { return m.code == code; });
    return found == messages.end() ? nullptr : &*found;
}

// A tracker in Helsinki time with the experiment created and started on change_day.
struct Started {
    Tracker tracker = memory_tracker();
    std::string key;
    explicit Started(const Experiment& draft) {
        tracker.set_time_zone("Europe/Helsinki");
        key = tracker.create(draft).key;
        tracker.start(key, change_day);
    }
};

// Values logged by day: `per_day` values a day for `days` days from `first` at 10:00 UTC, the k-th
// of a day being value(day index, k). Returns the values by day index for the test's own sums.
template <class F>
std::vector<std::vector<double>> log_days(Started& s, const std::string& arm, Date first, int days, int per_day, F value) {
    LogOptions backfill;
    backfill.backfill = true;
    std::vector<Observation> rows;
    std::vector<std::vector<double>> by_day(static_cast<std::size_t>(days));
    for (int d = 0; d < days; ++d) {
        for (int k = 0; k < per_day; ++k) {
            const double v = value(d, k);
            by_day[static_cast<std::size_t>(d)].push_back(v);
            rows.push_back(unit(Time(first + boost::gregorian::days(d), boost::posix_time::hours(10 + k)), arm, v));
        }
    }
    s.tracker.log_many(s.key, rows, backfill);
    return by_day;
}

Summary summary_of(const std::vector<std::vector<double>>& by_day) {
    Summary s;
    for (const auto& day : by_day)
        for (double v : day) s.add(v);
    return s;
}

std::vector<double> day_means(const std::vector<std::vector<double>>& by_day) {
    std::vector<double> out;
    for (const auto& day : by_day) {
        double sum = 0.0;
        for (double v : day) sum += v;
        out.push_back(sum / static_cast<double>(day.size()));
    }
    return out;
}

std::vector<double> day_numbers(Date first, int days) {
    std::vector<double> out;
    for (int d = 0; d < days; ++d) out.push_back(static_cast<double>((first - change_day).days() + d));
    return out;
}

}  // namespace

TEST_CASE("A difference in differences is analysed from its four arms, with the pre-trend check",
          "[design][did][tracker]") {
    Started s(did_draft());
    const Date before_first(2025, 2, 24);
    const Date after_first(2025, 3, 3);
    // Wobbles that are not linear in the day, so that every cell has a spread.
    const auto wobble = [](int d, int k) { return 0.05 * static_cast<double>((d * 7 + k * 3) % 5); };
    const auto cb = log_days(s, "oulu-before", before_first, 7, 4, [&](int d, int k) { return 3.0 + wobble(d, k); });
    const auto ca = log_days(s, "oulu-after", after_first, 7, 4, [&](int d, int k) { return 3.9 + wobble(d, k + 1); });
    const auto pb = log_days(s, "kemi-before", before_first, 7, 4, [&](int d, int k) { return 3.2 + wobble(d + 2, k); });
    const auto pa = log_days(s, "kemi-after", after_first, 7, 4, [&](int d, int k) { return 3.3 + wobble(d, k + 2); });

    const Analysis a = analyze(s.tracker, s.key);
    REQUIRE(a.comparisons.size() == 1);
    const Comparison& c = a.comparisons.front();
    CHECK(c.arm == "oulu-after");
    CHECK(c.reference == "oulu-before");
    REQUIRE(c.effect);
    const Estimate expected = difference_in_differences({summary_of(cb), summary_of(ca), summary_of(pb), summary_of(pa)});
    CHECK(c.effect->estimate == Approx(expected.estimate).epsilon(1e-12));
    CHECK(c.effect->ci_low == Approx(expected.ci_low).epsilon(1e-12));
    CHECK(c.effect->p_value == Approx(expected.p_value).epsilon(1e-9));
    CHECK(c.effect->method == "difference_in_differences_hc2");
    CHECK_FALSE(c.bayes);
    CHECK_FALSE(a.sample_ratio);
    CHECK(a.verdict.verdict == Verdict::supported);
    CHECK(has_code(a.verdict.notes, "stats.verdict.did_note"));
    CHECK(a.verdict.sentence_en.find("comparison unit") != std::string::npos);
    CHECK(has_code(a.warning_messages, "stats.warning.did_parallel_trends"));

    // The pre-trend check on the before arms' daily means, days numbered from the change's.
    REQUIRE(a.pre_trend);
    const Estimate trend = pre_trend_difference(day_numbers(before_first, 7), day_means(cb), day_numbers(before_first, 7),
                                                day_means(pb));
    CHECK(a.pre_trend->estimate == Approx(trend.estimate).margin(1e-12));
    CHECK(a.pre_trend->p_value == Approx(trend.p_value).epsilon(1e-9));
    const Message* reported = find_code(a.warning_messages, "stats.warning.did_pre_trend");
    REQUIRE(reported != nullptr);
    CHECK(reported->param("period_code") != nullptr);
    CHECK_FALSE(has_code(a.warning_messages, "stats.warning.did_pre_trends_differ"));
    // A difference in differences plans each of its four cells as twice a group of two.
    CHECK_FALSE(a.planned_per_group);  // no baseline sd: nothing to plan from
}

TEST_CASE("Pre-period trends that differ are a warning; too few periods leave them unchecked",
          "[design][did][tracker]") {
    Started s(did_draft());
    const Date before_first(2025, 2, 24);
    const Date after_first(2025, 3, 3);
    // Wobbles whose daily means are not a line either (d and k are never negative here).
    const auto noise = [](int d, int k) { return 0.01 * static_cast<double>((d * d + k) % 4); };
    // The changed unit climbs by 0.2 a day before the change, the comparison stays flat.
    log_days(s, "oulu-before", before_first, 7, 3, [&](int d, int k) { return 2.0 + 0.2 * d + noise(d, k); });
    log_days(s, "oulu-after", after_first, 3, 3, [&](int d, int k) { return 3.8 + noise(d, k); });
    log_days(s, "kemi-before", before_first, 7, 3, [&](int d, int k) { return 3.0 + noise(d + 1, k); });
    log_days(s, "kemi-after", after_first, 3, 3, [&](int d, int k) { return 3.0 + noise(d + 2, k); });
    const Analysis a = analyze(s.tracker, s.key);
    REQUIRE(a.pre_trend);
    CHECK(a.pre_trend->estimate == Approx(0.2).margin(0.01));
    CHECK(has_code(a.warning_messages, "stats.warning.did_pre_trends_differ"));

    Started few(did_draft());
    log_days(few, "oulu-before", Date(2025, 3, 1), 2, 3, [&](int d, int k) { return 3.0 + noise(d, k); });
    log_days(few, "oulu-after", after_first, 2, 3, [&](int d, int k) { return 3.5 + noise(d, k); });
    log_days(few, "kemi-before", Date(2025, 3, 1), 2, 3, [&](int d, int k) { return 3.0 + noise(d + 1, k); });
    log_days(few, "kemi-after", after_first, 2, 3, [&](int d, int k) { return 3.1 + noise(d, k); });
    const Analysis b = analyze(few.tracker, few.key);
    CHECK_FALSE(b.pre_trend);
    const Message* unchecked = find_code(b.warning_messages, "stats.warning.did_pre_trend_unchecked");
    REQUIRE(unchecked != nullptr);
    CHECK(std::get<std::int64_t>(*unchecked->param("periods")) == 2);
    CHECK(b.comparisons.front().effect);  // the estimate itself needs no periods
}

TEST_CASE("Periods are local days of the tracker's zone, counted from the change's", "[design][series]") {
    Started s(did_draft());
    LogOptions backfill;
    backfill.backfill = true;
    // 22:30 UTC on 20 February is 00:30 on 21 February in Helsinki: ten days before the change.
    s.tracker.log(s.key, unit(Time(Date(2025, 2, 20), boost::posix_time::hours(22) + boost::posix_time::minutes(30)),
                              "oulu-before", 3.0),
                  backfill);
    s.tracker.log(s.key, unit(Time(Date(2025, 2, 20), boost::posix_time::hours(12)), "oulu-before", 4.0), backfill);
    const Experiment e = s.tracker.get(s.key);
    const DesignSeries days = design_series(s.tracker, e);
    const PeriodSeries& series = days.metrics.at("sense_of_security").at("oulu-before");
    REQUIRE(series.period == std::vector<double>{-11.0, -10.0});
    CHECK(series.value == std::vector<double>{4.0, 3.0});
    CHECK(series.weekday == std::vector<std::int64_t>{3, 4});  // Thursday, Friday
    const DesignSeries weeks = design_series(s.tracker, e, SeriesPeriod::week);
    const PeriodSeries& weekly = weeks.metrics.at("sense_of_security").at("oulu-before");
    CHECK(weekly.period == std::vector<double>{-2.0});  // days -14..-8
    CHECK(weekly.value == std::vector<double>{3.5});
    CHECK(weekly.weekday.empty());

    // A plain before/after compares no periods: its analysis reads no series.
    Experiment plain = its_draft();
    plain.design = DesignKind::before_after;
    Started before_after(plain);
    before_after.tracker.log(before_after.key, unit(at(2025, 2, 20), "before", 3.0), backfill);
    CHECK(design_series(before_after.tracker, before_after.tracker.get(before_after.key)).metrics.empty());
    CHECK_FALSE(design_series(s.tracker, e).metrics.empty());
}

TEST_CASE("An interrupted time series fits the before and after arms as one daily series", "[design][its][tracker]") {
    Started s(its_draft());
    const Date before_first(2025, 2, 3);  // 28 days before the change
    const auto weekday_effect = [](int day_number) {
        const int weekday = ((day_number % 7) + 7) % 7;  // day 0 is a Monday
        return weekday >= 5 ? -0.3 : 0.05 * weekday;
    };
    const auto value = [&](int day_number, int k, double level) {
        // A wobble that is no function of the weekday, with a non-negative remainder on both sides.
        const int wobble = ((day_number * day_number * 3 + k * 2) % 5 + 5) % 5;
        return level + 0.01 * day_number + weekday_effect(day_number) + 0.02 * static_cast<double>(wobble);
    };
    const auto before = log_days(s, "before", before_first, 28, 3, [&](int d, int k) { return value(d - 28, k, 3.0); });
    const auto after = log_days(s, "after", change_day, 14, 3, [&](int d, int k) { return value(d, k, 3.6); });

    const Analysis a = analyze(s.tracker, s.key);
    REQUIRE(a.comparisons.size() == 1);
    const Comparison& c = a.comparisons.front();
    CHECK(c.arm == "after");
    CHECK(c.reference == "before");
    REQUIRE(c.effect);
    std::vector<double> time = day_numbers(before_first, 28);
    const std::vector<double> later = day_numbers(change_day, 14);
    time.insert(time.end(), later.begin(), later.end());
    std::vector<double> means = day_means(before);
    const std::vector<double> after_means = day_means(after);
    means.insert(means.end(), after_means.begin(), after_means.end());
    std::vector<std::int64_t> weekdays;
    for (double t : time) weekdays.push_back(((static_cast<std::int64_t>(t) % 7) + 7) % 7);
    const InterruptedTimeSeries expected = interrupted_time_series(time, means, 0.0, std::nullopt, weekdays);
    CHECK(c.effect->estimate == Approx(expected.level_change.estimate).epsilon(1e-9));
    CHECK(c.effect->std_error == Approx(expected.level_change.std_error).epsilon(1e-9));
    CHECK(c.effect->estimate == Approx(0.6).margin(0.1));
    REQUIRE(a.time_series);
    CHECK(a.time_series->weekday_seasonality);
    CHECK(a.time_series->slope_change.estimate == Approx(expected.slope_change.estimate).margin(1e-9));
    CHECK(a.time_series->before == 28);
    CHECK(a.time_series->after == 14);

    CHECK(has_code(a.verdict.notes, "stats.verdict.its_note"));
    CHECK(has_code(a.warning_messages, "stats.warning.its_trend_assumed"));
    CHECK(has_code(a.warning_messages, "stats.warning.its_weekday_seasonality"));
    CHECK(has_code(a.warning_messages, "stats.warning.its_slope_change"));
    CHECK(has_code(a.warning_messages, "stats.warning.its_no_plan"));
    CHECK_FALSE(a.planned_per_group);
    CHECK_FALSE(a.verdict.additional_observations);  // periods, not observations, would decide it
}

TEST_CASE("An interrupted time series with too few periods is not enough data, never a failure",
          "[design][its][tracker]") {
    Started s(its_draft());
    log_days(s, "before", Date(2025, 2, 24), 7, 2, [](int d, int k) { return 3.0 + 0.1 * ((d + k) % 3); });
    log_days(s, "after", change_day, 7, 2, [](int d, int k) { return 3.4 + 0.1 * ((d + k) % 3); });
    const Analysis a = analyze(s.tracker, s.key);
    const Comparison& c = a.comparisons.front();
    CHECK_FALSE(c.effect);
    CHECK(c.status_message.code == "stats.its.few_periods");
    CHECK(std::get<std::int64_t>(*c.status_message.param("before")) == 7);
    CHECK(std::get<std::int64_t>(*c.status_message.param("minimum_before")) == 8);
    CHECK(std::get<std::int64_t>(*c.status_message.param("minimum_after")) == 3);
    CHECK(a.verdict.reason == VerdictReason::not_enough_data);
    CHECK(a.verdict.sentence_en.find("interrupted time series needs") != std::string::npos);
    CHECK_FALSE(a.time_series);
    CHECK(has_code(a.warning_messages, "stats.warning.its_trend_assumed"));

    // By weeks (seven days from the change's): one week before, one after.
    AnalysisOptions weekly;
    weekly.period = SeriesPeriod::week;
    const Analysis w = analyze(s.tracker, s.key, weekly);
    CHECK(w.comparisons.front().status_message.code == "stats.its.few_periods");
    CHECK(std::get<std::int64_t>(*w.comparisons.front().status_message.param("minimum_before")) == 8);
    CHECK_FALSE(has_code(w.warning_messages, "stats.warning.its_weekday_seasonality"));

    // Nothing logged at all.
    Started empty(its_draft());
    CHECK(analyze(empty.tracker, empty.key).verdict.reason == VerdictReason::not_enough_data);
}

TEST_CASE("Eight periods before the change and three after are enough for a time series", "[design][its][tracker]") {
    const auto value = [](int d, int k) { return 3.0 + 0.01 * d + 0.1 * ((d * 3 + k) % 4); };
    Started enough(its_draft());
    log_days(enough, "before", change_day - boost::gregorian::days(8), 8, 2, value);
    log_days(enough, "after", change_day, 3, 2, [&](int d, int k) { return 0.5 + value(d + 8, k); });
    const Analysis a = analyze(enough.tracker, enough.key);
    REQUIRE(a.comparisons.front().effect);
    REQUIRE(a.time_series);
    CHECK(a.time_series->before == 8);
    CHECK(a.time_series->after == 3);

    // One period fewer on either side is not.
    Started short_before(its_draft());
    log_days(short_before, "before", change_day - boost::gregorian::days(7), 7, 2, value);
    log_days(short_before, "after", change_day, 3, 2, value);
    CHECK(analyze(short_before.tracker, short_before.key).comparisons.front().status_message.code ==
          "stats.its.few_periods");
    Started short_after(its_draft());
    log_days(short_after, "before", change_day - boost::gregorian::days(8), 8, 2, value);
    log_days(short_after, "after", change_day, 2, 2, value);
    const Analysis b = analyze(short_after.tracker, short_after.key);
    CHECK(b.comparisons.front().status_message.code == "stats.its.few_periods");
    CHECK(b.verdict.reason == VerdictReason::not_enough_data);
}

TEST_CASE("The designs refuse roles, arms, shares and metrics they cannot compare", "[design][validation]") {
    Tracker t = memory_tracker();
    Experiment wrong_roles = did_draft();
    wrong_roles.arms[0].role = ArmRole::before;
    CHECK(field_of_error([&] { (void)t.create(wrong_roles); }) == "arms[oulu-before].role");

    Experiment missing = did_draft();
    missing.arms.pop_back();
    CHECK(field_of_error([&] { (void)t.create(missing); }) == "arms");

    Experiment twice = did_draft();
    twice.arms[3].role = ArmRole::comparison_before;
    CHECK(field_of_error([&] { (void)t.create(twice); }) == "arms");

    Experiment shares = did_draft();
    for (Arm& a : shares.arms) a.share = 1.0;
    CHECK(field_of_error([&] { (void)t.create(shares); }) == "arms[oulu-before].share");

    Experiment counts = did_draft();
    counts.metrics.front().kind = MetricKind::count;
    try {
        (void)t.create(counts);
        FAIL("a count metric was accepted");
    } catch (const InvalidArgumentError& e) {
        CHECK(e.field() == "metrics[sense_of_security].kind");
        CHECK(e.code() == "input.design_metric_kind");
    }
    Experiment relative = its_draft();
    relative.metrics.front().effect_scale = EffectScale::relative;
    relative.metrics.front().baseline = 3.5;
    CHECK(field_of_error([&] { (void)t.create(relative); }) == "metrics[sense_of_security].effect_scale");

    Experiment its_roles = its_draft();
    its_roles.arms[1].role = ArmRole::treatment;
    CHECK(field_of_error([&] { (void)t.create(its_roles); }) == "arms[after].role");

    // A time series takes counts, as events per unit of exposure in each period.
    Experiment its_counts = its_draft();
    its_counts.metrics.front().kind = MetricKind::count;
    CHECK_NOTHROW((void)t.create(its_counts));

    // Each arm's values belong to its side of the change.
    Started s(did_draft());
    LogOptions backfill;
    backfill.backfill = true;
    CHECK(field_of_error([&] { s.tracker.log(s.key, unit(at(2025, 3, 4), "oulu-before", 3.0), backfill); }) == "at");
    CHECK(field_of_error([&] { s.tracker.log(s.key, unit(at(2025, 3, 1), "kemi-after", 3.0), backfill); }) == "at");
}

TEST_CASE("The new designs and roles have names in the file", "[design][enum]") {
    for (auto v : {DesignKind::difference_in_differences, DesignKind::interrupted_time_series})
        CHECK(parse_design_kind(to_string(v)) == v);
    for (auto v : {ArmRole::changed_before, ArmRole::changed_after, ArmRole::comparison_before, ArmRole::comparison_after})
        CHECK(parse_arm_role(to_string(v)) == v);
    CHECK(to_string(DesignKind::difference_in_differences) == "difference_in_differences");
    CHECK(to_string(ArmRole::comparison_after) == "comparison_after");
}
