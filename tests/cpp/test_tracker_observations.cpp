#include "test_tracker_support.hpp"

#include "kokeilu/tracker.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

Observation unit(Time when, std::string arm, double value, std::string metric = "") {
    Observation o;
    o.at = when;
    o.arm = std::move(arm);
    o.value = value;
    o.metric = std::move(metric);
    return o;
}

Observation aggregated(Time when, std::string arm, std::string metric, Aggregate aggregate) {
    Observation o = unit(when, std::move(arm), 0.0, std::move(metric));
    o.aggregate = aggregate;
    return o;
}

struct Running {
    Tracker tracker = memory_tracker();
    std::string key;
    Running() {
        key = tracker.create(home_care_draft()).key;
        tracker.start(key, Date(2025, 3, 3));
    }
};

}  // namespace

TEST_CASE("observations are refused for drafts, even with backfill", "[tracker][observations]") {
    Tracker t = memory_tracker();
    const Experiment e = t.create(home_care_draft());
    const std::string message = state_error_of([&] { t.log(e.key, unit(at(2025, 3, 4), "control", 3.0)); });
    CHECK(message.find("draft") != std::string::npos);
    CHECK(state_error_of([&] { t.log(e.key, unit(at(2025, 3, 4), "control", 3.0), LogOptions{true}); }) != "(no InvalidStateError)");
    CHECK(t.count_observations(e.key) == 0);
}

TEST_CASE("an observation made without a time is told that the time is required", "[tracker][observations]") {
    Running r;
    Observation o;  // no time given
    o.arm = "video";
    o.value = 4.0;
    try {
        r.tracker.log(r.key, o);
        FAIL("an observation without a time was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "at");
        CHECK(error.code() == "input.missing_time");
        CHECK(std::string(error.what()) == "at: missing time: every observation needs the time it was made");
    }
    // An infinite time is another mistake, said as such.
    o.at = Time(boost::posix_time::pos_infin);
    try {
        r.tracker.log(r.key, o);
        FAIL("an infinite time was accepted");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.code() == "input.not_a_time");
    }
    CHECK(r.tracker.count_observations(r.key) == 0);
}

TEST_CASE("logged observations read back by arm name", "[tracker][observations]") {
    Running r;
    Tracker& t = r.tracker;
    t.log(r.key, unit(at(2025, 3, 5), "video", 4.0));
    t.log(r.key, unit(at(2025, 3, 4), "Control", 3.0));  // arm names ignore case
    Observation with_text = unit(at(2025, 3, 6), "video", 5.0);
    with_text.subject = "asiakas-17";
    with_text.note = "Hyvä yhteys, ääni kuului hyvin.";
    t.log(r.key, with_text);
    t.log(r.key, unit(at(2025, 3, 6), "control", 1.0, "missed_medication"));

    const ObservationTable table = t.observations(r.key);
    CHECK(table.arm_names == std::vector<std::string>{"control", "video"});
    REQUIRE(table.size() == 3);  // the primary metric only
    CHECK(table.value == std::vector<double>{3.0, 4.0, 5.0});
    CHECK(table.arm_index == std::vector<std::int32_t>{0, 1, 1});
    CHECK(table.at_us[0] == to_unix_micros(at(2025, 3, 4)));
    CHECK(table.n == std::vector<std::int64_t>{0, 0, 0});
    CHECK(std::isnan(table.sum[0]));
    CHECK(table.subject.at(2) == "asiakas-17");
    CHECK(table.note.at(2) == "Hyvä yhteys, ääni kuului hyvin.");
    CHECK(table.subject.at(0).empty());

    ObservationQuery only_video;
    only_video.arms = {"video"};
    only_video.from = at(2025, 3, 6, 0);
    CHECK(t.observations(r.key, only_video).value == std::vector<double>{5.0});
    ObservationQuery guardrail;
    guardrail.metric = "missed_medication";
    CHECK(t.observations(r.key, guardrail).size() == 1);

    std::vector<std::int64_t> times;
    t.for_each_observation(r.key, {}, [&](const ObservationRow& row) { times.push_back(row.at_us); });
    CHECK(times == table.at_us);
    CHECK(t.count_observations(r.key) == 4);

    ObservationQuery unknown;
    unknown.arms = {"phone"};
    CHECK(field_of_error([&] { (void)t.observations(r.key, unknown); }) == "arms");
}

TEST_CASE("subject and note read back only for the rows that have them", "[tracker][observations]") {
    Running r;
    Tracker& t = r.tracker;
    t.log(r.key, unit(at(2025, 3, 4), "control", 0.0));  // a stored 0.0 is a value, not a missing one
    Observation with_subject = unit(at(2025, 3, 5), "video", 2.5);
    with_subject.subject = "s-1";
    t.log(r.key, with_subject);
    Observation survey = aggregated(at(2025, 3, 6), "video", "", Aggregate::mean(3, 12.0, 50.0));
    survey.note = "kysely";
    t.log(r.key, survey);
    Observation with_both = unit(at(2025, 3, 7), "control", 4.0);
    with_both.subject = "s-2";
    with_both.note = "äänipuhelu";
    t.log(r.key, with_both);
    t.log(r.key, unit(at(2025, 3, 8), "video", 1.0));

    const ObservationTable table = t.observations(r.key);
    REQUIRE(table.size() == 5);
    CHECK(table.subject.rows == std::vector<std::int64_t>{1, 3});
    CHECK(table.subject.texts == std::vector<std::string>{"s-1", "s-2"});
    CHECK(table.note.rows == std::vector<std::int64_t>{2, 3});
    CHECK(table.note.texts == std::vector<std::string>{"kysely", "äänipuhelu"});
    const std::vector<std::string> subjects{"", "s-1", "", "s-2", ""};
    const std::vector<std::string> notes{"", "", "kysely", "äänipuhelu", ""};
    for (std::size_t i = 0; i < table.size(); ++i) {
        CHECK(table.subject.at(i) == subjects[i]);
        CHECK(table.note.at(i) == notes[i]);
    }
    CHECK(table.subject.at(99).empty());
    CHECK(table.value[0] == 0.0);
    CHECK_FALSE(std::isnan(table.value[0]));
    CHECK(std::isnan(table.value[2]));
    CHECK(table.n == std::vector<std::int64_t>{0, 0, 3, 0, 0});
    CHECK(table.sum[2] == 12.0);
    CHECK(table.sum_sq[2] == 50.0);
    CHECK(table.exposure == std::vector<double>{1.0, 1.0, 1.0, 1.0, 1.0});

    // A filtered read numbers its own rows.
    ObservationQuery control;
    control.arms = {"control"};
    const ObservationTable filtered = t.observations(r.key, control);
    CHECK(filtered.value == std::vector<double>{0.0, 4.0});
    CHECK(filtered.subject.rows == std::vector<std::int64_t>{1});
    CHECK(filtered.subject.texts == std::vector<std::string>{"s-2"});
    CHECK(filtered.note.rows == std::vector<std::int64_t>{1});
}

TEST_CASE("a read that finds nothing gives empty columns", "[tracker][observations]") {
    Running r;
    Tracker& t = r.tracker;
    const auto require_empty = [](const ObservationTable& table) {
        CHECK(table.size() == 0);
        CHECK(table.id.empty());
        CHECK(table.value.empty());
        CHECK(table.exposure.empty());
        CHECK(table.subject.rows.empty());
        CHECK(table.note.texts.empty());
        CHECK(table.arm_names == std::vector<std::string>{"control", "video"});
    };
    require_empty(t.observations(r.key));
    Observation noted = unit(at(2025, 3, 5), "video", 2.0);
    noted.note = "ei mukana";
    t.log(r.key, noted);
    ObservationQuery later;
    later.from = at(2025, 4, 2);
    require_empty(t.observations(r.key, later));
}

TEST_CASE("SparseTexts keeps only non-empty texts and finds them by row", "[observations]") {
    SparseTexts texts;
    texts.add(0, "");
    texts.add(2, "b");
    texts.add(5, "f");
    CHECK(texts.rows == std::vector<std::int64_t>{2, 5});
    CHECK(texts.at(0).empty());
    CHECK(texts.at(2) == "b");
    CHECK(texts.at(3).empty());
    CHECK(texts.at(5) == "f");
    CHECK(texts.at(6).empty());
}

TEST_CASE("observations before the start need backfill", "[tracker][observations]") {
    Running r;
    Tracker& t = r.tracker;
    // The start day is a Helsinki day (UTC+2 in March): it begins at 22:00 UTC the day before.
    CHECK_NOTHROW(t.log(r.key, unit(at(2025, 3, 2, 22), "control", 3.0)));  // the start's midnight
    CHECK(field_of_error([&] { t.log(r.key, unit(at(2025, 3, 2, 22) - boost::posix_time::microseconds(1), "control", 3.0)); }) == "at");
    CHECK(t.count_observations(r.key) == 1);
    t.log(r.key, unit(at(2025, 2, 2), "control", 3.0), LogOptions{true});
    CHECK(t.count_observations(r.key) == 2);
}

TEST_CASE("stopped and concluded experiments take only backfill", "[tracker][observations]") {
    Running r;
    Tracker& t = r.tracker;
    t.stop(r.key, "no staff");
    CHECK(state_error_of([&] { t.log(r.key, unit(at(2025, 3, 4), "control", 3.0)); }).find("stopped") != std::string::npos);
    t.log(r.key, unit(at(2025, 3, 4), "control", 3.0), LogOptions{true});

    Running c;
    c.tracker.conclude(c.key, Outcome{});
    CHECK(state_error_of([&] { c.tracker.log(c.key, unit(at(2025, 3, 4), "video", 3.0)); }) != "(no InvalidStateError)");
    c.tracker.log(c.key, unit(at(2025, 3, 4), "video", 3.0), LogOptions{true});
    CHECK(t.count_observations(r.key) == 1);
    CHECK(c.tracker.count_observations(c.key) == 1);
}

TEST_CASE("unknown or missing arms and metrics are named", "[tracker][observations]") {
    Running r;
    Tracker& t = r.tracker;
    try {
        t.log(r.key, unit(at(2025, 3, 4), "phone", 3.0));
        FAIL("no error for an unknown arm");
    } catch (const InvalidArgumentError& e) {
        CHECK(e.field() == "arm");
        CHECK(std::string(e.what()).find("known: control, video") != std::string::npos);
    }
    CHECK(field_of_error([&] { t.log(r.key, unit(at(2025, 3, 4), "", 3.0)); }) == "arm");
    CHECK(field_of_error([&] { t.log(r.key, unit(at(2025, 3, 4), "video", 3.0, "speed")); }) == "metric");
    CHECK(field_of_error([&] { t.log(r.key, unit(Time(boost::date_time::not_a_date_time), "video", 3.0)); }) == "at");
    CHECK_THROWS_AS(t.log("NOPE-2026-001", unit(at(2025, 3, 4), "video", 3.0)), NotFoundError);
    CHECK(t.count_observations(r.key) == 0);

    // With a single arm, the arm may be left out.
    Tracker single = memory_tracker();
    Experiment one = home_care_draft("Ii");
    one.design = DesignKind::one_sample;
    one.arms = {Arm{0, "group", ArmRole::group, "", {}}};
    const std::string key = single.create(one).key;
    single.start(key, Date(2025, 3, 3));
    single.log(key, unit(at(2025, 3, 4), "", 4.0));
    CHECK(single.observations(key).arm_index == std::vector<std::int32_t>{0});
}

TEST_CASE("unit values are checked by metric kind", "[tracker][observations]") {
    Running r;
    Tracker& t = r.tracker;
    const Time when = at(2025, 3, 4);
    CHECK(field_of_error([&] { t.log(r.key, unit(when, "video", not_a_number)); }) == "value");
    CHECK(field_of_error([&] { t.log(r.key, unit(when, "video", inf)); }) == "value");
    CHECK(field_of_error([&] { t.log(r.key, unit(when, "video", 0.5, "missed_medication")); }) == "value");
    CHECK(field_of_error([&] { t.log(r.key, unit(when, "video", -1.0, "calls")); }) == "value");
    Observation bad_exposure = unit(when, "video", 2.0, "calls");
    bad_exposure.exposure = 0.0;
    CHECK(field_of_error([&] { t.log(r.key, bad_exposure); }) == "exposure");
    Observation exposure_on_mean = unit(when, "video", 2.0);
    exposure_on_mean.exposure = 1.0;
    CHECK(field_of_error([&] { t.log(r.key, exposure_on_mean); }) == "exposure");
    Observation long_subject = unit(when, "video", 2.0);
    long_subject.subject = std::string(201, 's');
    CHECK(field_of_error([&] { t.log(r.key, long_subject); }) == "subject");
    Observation bad_note = unit(when, "video", 2.0);
    bad_note.note = "\xC3\x28";
    CHECK(field_of_error([&] { t.log(r.key, bad_note); }) == "note");
    CHECK(t.count_observations(r.key) == 0);

    t.log(r.key, unit(when, "video", 0.0, "missed_medication"));
    t.log(r.key, unit(when, "video", 1.0, "missed_medication"));
    Observation calls = unit(when, "video", 3.0, "calls");
    calls.exposure = 2.5;
    t.log(r.key, calls);
    t.log(r.key, unit(when, "video", -2.5, "wait_days"));  // a mean metric may be negative
    CHECK(t.count_observations(r.key) == 4);
    ObservationQuery q;
    q.metric = "calls";
    CHECK(t.observations(r.key, q).exposure == std::vector<double>{2.5});
}

TEST_CASE("aggregate rows are checked and read back", "[tracker][observations]") {
    Running r;
    Tracker& t = r.tracker;
    const Time when = at(2025, 3, 11);
    // Survey summary, values 3, 4, 5: n 3, sum 12, sum_sq 50.
    t.log(r.key, aggregated(when, "video", "", Aggregate::mean(3, 12.0, 50.0)));
    t.log(r.key, aggregated(when, "control", "missed_medication", Aggregate::proportion(2, 40)));
    t.log(r.key, aggregated(when, "control", "calls", Aggregate::events(10, 14.0)));

    CHECK(field_of_error([&] { t.log(r.key, aggregated(when, "video", "", Aggregate{3, 12.0, std::nullopt})); }) ==
          "aggregate.sum_sq");
    CHECK(field_of_error([&] { t.log(r.key, aggregated(when, "video", "", Aggregate::mean(3, 12.0, 47.0))); }) ==
          "aggregate.sum_sq");
    CHECK(field_of_error([&] { t.log(r.key, aggregated(when, "video", "", Aggregate::mean(0, 0.0, 0.0))); }) ==
          "aggregate.n");
    CHECK(field_of_error([&] { t.log(r.key, aggregated(when, "video", "", Aggregate::mean(3, inf, 50.0))); }) ==
          "aggregate.sum");
    CHECK(field_of_error([&] {
              t.log(r.key, aggregated(when, "video", "missed_medication", Aggregate::proportion(41, 40)));
          }) == "aggregate.sum");
    CHECK(field_of_error([&] {
              t.log(r.key, aggregated(when, "video", "missed_medication", Aggregate{40, 2.5, std::nullopt}));
          }) == "aggregate.sum");
    CHECK(field_of_error([&] { t.log(r.key, aggregated(when, "video", "calls", Aggregate::events(3, -1.0))); }) ==
          "aggregate.sum");
    CHECK(t.count_observations(r.key) == 3);

    const ObservationTable table = t.observations(r.key);
    REQUIRE(table.size() == 1);
    CHECK(std::isnan(table.value[0]));
    CHECK(table.n[0] == 3);
    CHECK(table.sum[0] == 12.0);
    CHECK(table.sum_sq[0] == 50.0);
    ObservationQuery q;
    q.metric = "missed_medication";
    const ObservationTable shares = t.observations(r.key, q);
    REQUIRE(shares.size() == 1);
    CHECK(shares.n[0] == 40);
    CHECK(shares.sum[0] == 2.0);
}

TEST_CASE("log_many writes all rows or none", "[tracker][observations][batch]") {
    Running r;
    Tracker& t = r.tracker;
    std::vector<Observation> batch = {unit(at(2025, 3, 4), "control", 3.0), unit(at(2025, 3, 4), "video", 4.0),
                                      unit(at(2025, 3, 5), "video", not_a_number), unit(at(2025, 3, 5), "control", 2.0)};
    CHECK(field_of_error([&] { t.log_many(r.key, batch); }) == "observations[2].value");
    CHECK(t.count_observations(r.key) == 0);
    batch[2].value = 5.0;
    batch[3].arm = "phone";
    CHECK(field_of_error([&] { t.log_many(r.key, batch); }) == "observations[3].arm");
    batch[3].arm = "control";
    batch[1].at = at(2025, 2, 2);
    CHECK(field_of_error([&] { t.log_many(r.key, batch); }) == "observations[1].at");
    CHECK(t.count_observations(r.key) == 0);
    batch[1].at = at(2025, 3, 4);
    CHECK(t.log_many(r.key, batch).rows == 4);
    CHECK(t.count_observations(r.key) == 4);
    CHECK(t.log_many(r.key, {}).rows == 0);
}

TEST_CASE("log_columns checks every row before writing", "[tracker][observations][batch]") {
    Running r;
    Tracker& t = r.tracker;
    constexpr std::size_t rows = 100;
    std::vector<std::int64_t> times(rows);
    std::vector<double> values(rows);
    std::vector<std::int32_t> codes(rows);
    const std::int64_t start = to_unix_micros(at(2025, 3, 4));
    for (std::size_t i = 0; i < rows; ++i) {
        times[i] = start + static_cast<std::int64_t>(i) * 60'000'000;
        values[i] = 1.0 + static_cast<double>(i % 5);
        codes[i] = static_cast<std::int32_t>(i % 2);
    }
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_codes = codes;
    columns.arm_names = {"control", "video"};

    values[17] = not_a_number;
    CHECK(field_of_error([&] { t.log_columns(r.key, "", columns); }) == "value[17]");
    values[17] = 3.0;
    codes[42] = 2;
    CHECK(field_of_error([&] { t.log_columns(r.key, "", columns); }) == "arm[42]");
    codes[42] = 0;
    times[5] = to_unix_micros(at(2025, 3, 2));
    CHECK(field_of_error([&] { t.log_columns(r.key, "", columns); }) == "at[5]");
    times[5] = start;
    columns.arm_names = {"control", "phone"};
    CHECK(field_of_error([&] { t.log_columns(r.key, "", columns); }) == "arm[1]");  // the first row of the unknown name
    columns.arm_names = {"control", "video"};
    columns.values = std::span<const double>(values).first(rows - 1);
    CHECK(field_of_error([&] { t.log_columns(r.key, "", columns); }) == "at");  // not as long as value
    columns.values = values;
    CHECK(field_of_error([&] { t.log_columns(r.key, "nope", columns); }) == "metric");
    const std::vector<double> exposure(rows, 1.0);
    columns.exposure = exposure;
    CHECK(field_of_error([&] { t.log_columns(r.key, "", columns); }) == "exposure");  // not a count metric
    columns.exposure = {};
    CHECK(t.count_observations(r.key) == 0);

    CHECK(t.log_columns(r.key, "", columns).rows == rows);
    CHECK(t.count_observations(r.key) == static_cast<std::int64_t>(rows));
    const ObservationTable table = t.observations(r.key);
    REQUIRE(table.size() == rows);
    CHECK(table.value[17] == 3.0);
    CHECK(table.arm_index[17] == 1);

    // Proportion columns: 0 and 1 only.
    std::vector<double> shares(rows, 1.0);
    shares[60] = 0.5;
    columns.values = shares;
    CHECK(field_of_error([&] { t.log_columns(r.key, "missed_medication", columns); }) == "value[60]");
    shares[60] = 0.0;
    CHECK(t.log_columns(r.key, "missed_medication", columns).rows == rows);

    // Count columns with exposure.
    std::vector<double> exposures(rows, 7.0);
    exposures[99] = -1.0;
    columns.values = values;
    columns.exposure = exposures;
    CHECK(field_of_error([&] { t.log_columns(r.key, "calls", columns); }) == "exposure[99]");
    exposures[99] = 7.0;
    CHECK(t.log_columns(r.key, "calls", columns).rows == rows);
    CHECK(t.count_observations(r.key) == static_cast<std::int64_t>(3 * rows));
}

TEST_CASE("log_columns refuses drafts and honours backfill", "[tracker][observations][batch]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    const std::vector<std::int64_t> times{to_unix_micros(at(2025, 2, 2))};
    const std::vector<double> values{3.0};
    const std::vector<std::int32_t> codes{0};
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_codes = codes;
    columns.arm_names = {"control"};
    CHECK(state_error_of([&] { t.log_columns(key, "", columns); }).find("draft") != std::string::npos);
    t.start(key, Date(2025, 3, 3));
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "at[0]");
    CHECK(t.log_columns(key, "", columns, LogOptions{true}).rows == 1);
}
