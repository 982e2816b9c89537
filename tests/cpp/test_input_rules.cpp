// The one set of rules for times, values and names, as the core applies them at every door:
// log, log_many, log_columns, log_aggregate_columns (and, through them, every Python door).
#include "kokeilu/error.hpp"
#include "kokeilu/stats/summary.hpp"
#include "kokeilu/tracker.hpp"
#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

// Dates in the past whatever the clock says (the suites also run with the clock shifted).
constexpr unsigned short year = 2025;

std::string started(Tracker& t) {
    const std::string key = t.create(home_care_draft()).key;
    t.start(key, Date(year, 3, 2));
    return key;
}

Observation unit(const Time& when, const std::string& arm, double value, const std::string& metric = "") {
    Observation o;
    o.at = when;
    o.arm = arm;
    o.value = value;
    o.metric = metric;
    return o;
}

std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("times: epoch numbers only with their unit, exactly, in years 1400-9999", "[time][rules]") {
    CHECK(parse_epoch_unit("s", "at_unit") == EpochUnit::seconds);
    CHECK(parse_epoch_unit("ms", "at_unit") == EpochUnit::milliseconds);
    CHECK(parse_epoch_unit("us", "at_unit") == EpochUnit::microseconds);
    CHECK(parse_epoch_unit("ns", "at_unit") == EpochUnit::nanoseconds);
    CHECK(field_of_error([] { (void)parse_epoch_unit("days", "at_unit"); }) == "at_unit");

    // 1772400000 s is 2026-03-01T21:20:00Z; as microseconds it would be 1970.
    CHECK(format_time(from_unix_micros(epoch_to_unix_micros(std::int64_t{1772400000}, EpochUnit::seconds, "at"))) ==
          "2026-03-01T21:20:00Z");
    CHECK(epoch_to_unix_micros(std::int64_t{1500}, EpochUnit::milliseconds, "at") == 1'500'000);
    CHECK(epoch_to_unix_micros(std::int64_t{-1}, EpochUnit::nanoseconds, "at") == -1);  // floored, as numpy
    CHECK(epoch_to_unix_micros(std::int64_t{1999}, EpochUnit::nanoseconds, "at") == 1);
    CHECK(epoch_to_unix_micros(1772400000.5, EpochUnit::seconds, "at") == 1'772'400'000'500'000);
    // Out of range, overflowing the multiplication, or not a number: named by the field.
    CHECK(field_of_error([] { (void)epoch_to_unix_micros(std::int64_t{1} << 62, EpochUnit::seconds, "at[3]"); }) ==
          "at[3]");
    CHECK(field_of_error([] { (void)epoch_to_unix_micros(std::int64_t{400'000'000'000}, EpochUnit::seconds, "at"); }) ==
          "at");
    CHECK(field_of_error([] { (void)epoch_to_unix_micros(std::nan(""), EpochUnit::seconds, "at"); }) == "at");
    CHECK(field_of_error([] { (void)epoch_to_unix_micros(1e300, EpochUnit::milliseconds, "at"); }) == "at");
    CHECK(contains(unitless_epoch_problem("1772400000").english(), "at_unit"));

    CHECK(time_range_problem(earliest_unix_micros) == nullptr);
    CHECK(time_range_problem(latest_unix_micros) == nullptr);
    CHECK(time_range_problem(earliest_unix_micros - 1) != nullptr);
    CHECK(time_range_problem(latest_unix_micros + 1) != nullptr);
    CHECK(format_time(from_unix_micros(earliest_unix_micros)) == "1400-01-01T00:00:00Z");
    CHECK(format_time(from_unix_micros(latest_unix_micros)) == "9999-12-31T23:59:59.999999Z");
    CHECK(field_of_error([] { (void)from_unix_micros(latest_unix_micros + 1, "at"); }) == "at");
}

TEST_CASE("times more than a day ahead are refused unless asked for, at every door", "[tracker][rules]") {
    Tracker t = memory_tracker();
    const std::string key = started(t);
    const Time soon = now_utc() + boost::posix_time::hours(12);
    const Time later = now_utc() + boost::posix_time::hours(49);
    t.log(key, unit(soon, "control", 3.0));

    CHECK(field_of_error([&] { t.log(key, unit(later, "control", 3.0)); }) == "at");
    CHECK(contains(message_of([&] { t.log(key, unit(later, "control", 3.0)); }), "allow_future"));
    const std::vector<Observation> batch{unit(soon, "control", 3.0), unit(later, "video", 4.0)};
    CHECK(field_of_error([&] { t.log_many(key, batch); }) == "observations[1].at");

    const std::vector<std::int64_t> times{to_unix_micros(soon), to_unix_micros(later)};
    const std::vector<double> values{3.0, 4.0};
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_names = {"video"};
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "at[1]");
    CHECK(t.count_observations(key) == 1);

    LogOptions future;
    future.allow_future = true;
    t.log(key, unit(later, "control", 3.0), future);
    CHECK(t.log_many(key, batch, future).rows == 2);
    CHECK(t.log_columns(key, "", columns, future).rows == 2);
    CHECK(t.count_observations(key) == 6);
}

TEST_CASE("a column write names its columns and rows as the caller does", "[tracker][rules][batch]") {
    Tracker t = memory_tracker();
    const std::string key = started(t);
    const std::int64_t start = to_unix_micros(at(year, 3, 3));
    std::vector<std::int64_t> times{start, start + 1, start + 2, start + 3};
    std::vector<double> values{1.0, 2.0, 3.0, 4.0};
    std::vector<std::int32_t> codes{0, 1, 0, 1};
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_codes = codes;
    columns.arm_names = {"control", "video"};
    columns.names.value = "score";
    columns.names.at = "when";
    columns.names.arm = "group";

    values[3] = std::numeric_limits<double>::infinity();
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "score[3]");
    values[3] = 4.0;
    times[2] = to_unix_micros(at(year, 3, 1));  // before the start
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "when[2]");
    // The message names the time it refuses.
    CHECK(contains(message_of([&] { t.log_columns(key, "", columns); }), "2025-03-01T12:00:00Z is before"));
    times[2] = start + 2;
    columns.arm_names = {"control", "phone"};
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "group[1]");

    // One arm and one time for every row: named without a row.
    columns.arm_codes = {};
    columns.arm_names = {"phone"};
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "group");
    columns.arm_names = {"video"};
    const std::vector<std::int64_t> shared(4, to_unix_micros(at(year, 3, 1)));
    columns.at_us = shared;
    columns.names.at_given_once = true;
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "when");
    columns.at_us = times;
    columns.names.at_given_once = false;
    CHECK(t.log_columns(key, "", columns).rows == 4);
    CHECK(t.observations(key).arm_index == std::vector<std::int32_t>{1, 1, 1, 1});
}

TEST_CASE("a column's first problem is the one a single log of that row names", "[tracker][rules][batch]") {
    Tracker t = memory_tracker();
    const std::string key = started(t);
    // Rows with two problems each: the time is checked first, then the arm, the value, the exposure.
    const Time early = at(year, 3, 1);
    CHECK(field_of_error([&] { t.log(key, unit(early, "phone", std::nan(""))); }) == "at");
    const std::vector<std::int64_t> times{to_unix_micros(early)};
    const std::vector<double> values{std::nan("")};
    const std::vector<std::int32_t> codes{0};
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_codes = codes;
    columns.arm_names = {"phone"};
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "at[0]");
    CHECK(field_of_error([&] { t.log(key, unit(at(year, 3, 3), "phone", std::nan(""))); }) == "arm");
    const std::vector<std::int64_t> in_time{to_unix_micros(at(year, 3, 3))};
    columns.at_us = in_time;
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "arm[0]");
}

TEST_CASE("check_columns lists every problem with its row, and how many there are", "[tracker][rules][batch]") {
    Tracker t = memory_tracker();
    const std::string key = started(t);
    const std::int64_t start = to_unix_micros(at(year, 3, 3));
    std::vector<std::int64_t> times(30, start);
    std::vector<double> values(30, 0.5);  // a proportion takes 0 or 1
    values[0] = 1.0;
    times[1] = to_unix_micros(at(year, 3, 1));
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_names = {"control"};
    const InputProblems found = t.check_columns(key, "missed_medication", columns, {}, 5);
    CHECK(found.total == 30);  // row 1: time and value; rows 2-29: value
    REQUIRE(found.listed.size() == 5);
    CHECK(found.listed[0].field() == "at[1]");
    CHECK(found.listed[1].field() == "value[1]");
    CHECK(found.listed[2].field() == "value[2]");
    CHECK(found.listed[2].problem.code == "input.proportion_value");
    CHECK(contains(found.listed[2].problem.english(), "0 or 1"));
    CHECK(t.count_observations(key) == 0);
    values.assign(30, 1.0);
    times[1] = start;
    CHECK(t.check_columns(key, "missed_medication", columns).total == 0);
    // What concerns the whole call throws, as the write would.
    CHECK(field_of_error([&] { (void)t.check_columns(key, "nope", columns); }) == "metric");
}

TEST_CASE("aggregate columns: named fields, counts refused before they overflow, notes", "[tracker][rules]") {
    Tracker t = memory_tracker();
    const std::string key = started(t);
    const std::int64_t start = to_unix_micros(at(year, 3, 3));
    const std::int64_t big = std::int64_t{1} << 62;
    std::vector<std::int64_t> times{start, start};
    std::vector<std::int64_t> n{big, big};
    std::vector<double> sum{0.0, 0.0};
    std::vector<double> sum_sq{0.0, 0.0};
    AggregateColumns columns;
    columns.at_us = times;
    columns.arm_names = {"control"};
    columns.n = n;
    columns.sum = sum;
    columns.sum_sq = sum_sq;
    columns.notes = {"first", "second"};
    CHECK(field_of_error([&] { t.log_aggregate_columns(key, "", columns); }) == "n[1]");
    CHECK(contains(message_of([&] { t.log_aggregate_columns(key, "", columns); }), "largest count"));

    n = {4, 0};
    CHECK(field_of_error([&] { t.log_aggregate_columns(key, "", columns); }) == "n[1]");
    n = {4, 4};
    sum_sq[1] = 1.0;  // below sum^2 / n
    sum = {12.0, 12.0};
    sum_sq[0] = 40.0;
    CHECK(field_of_error([&] { t.log_aggregate_columns(key, "", columns); }) == "sum_sq[1]");
    columns.names.one_row = true;  // a caller that gave one row by its fields
    CHECK(field_of_error([&] { t.log_aggregate_columns(key, "", columns); }) == "sum_sq");
    columns.names.one_row = false;
    sum_sq[1] = 40.0;
    CHECK(t.log_aggregate_columns(key, "", columns).rows == 2);
    const ObservationTable table = t.observations(key);
    REQUIRE(table.size() == 2);
    CHECK(table.note.at(0) == "first");
    CHECK(table.note.at(1) == "second");

    // Over several writes: the running summary refuses the total before adding it.
    const std::vector<std::int64_t> one_time{start};
    const std::vector<double> zero{0.0};
    std::vector<std::int64_t> one_n{big};
    AggregateColumns single;
    single.at_us = one_time;
    single.arm_names = {"video"};
    single.n = one_n;
    single.sum = zero;
    single.sum_sq = zero;
    CHECK(t.log_aggregate_columns(key, "", single).rows == 1);
    // 2^62 + 2^62 = 2^63, one past the largest int64_t: refused, naming the problem.
    const std::string overflow = message_of([&] { t.log_aggregate_columns(key, "", single); });
    CHECK(contains(overflow, "would pass 9223372036854775807"));
    one_n[0] = big - 1;
    CHECK(t.log_aggregate_columns(key, "", single).rows == 1);
    CHECK(t.arm_summaries(t.get(key)).size() == 2);
    CHECK(t.count_observations(key) == 4);
}

TEST_CASE("Summary refuses a count that would overflow before adding it", "[stats][summary][rules]") {
    const std::int64_t big = std::int64_t{1} << 62;
    stats::Summary s;
    s.add_aggregate(big, 0.0, 0.0);
    s.add_aggregate(big - 1, 0.0, 0.0);
    const auto before = s.state();
    CHECK_THROWS_AS(s.add_aggregate(2, 0.0, 0.0), InvalidArgumentError);
    CHECK(s.state().n == before.n);
    CHECK(s.state().aggregate_rows == before.aggregate_rows);
    stats::Summary other;
    other.add_aggregate(2, 0.0, 0.0);
    CHECK(field_of_error([&] { s.merge(other); }) == "n");
    CHECK(s.n() == before.n);
    // A sum of successes past 2^63 cannot be a count.
    stats::Summary shares;
    shares.add_aggregate(std::numeric_limits<std::int64_t>::max(), 9.3e18, std::nullopt, 1.0, false);
    CHECK_THROWS_AS((void)shares.successes(), InvalidArgumentError);
}

TEST_CASE("Summary: sums past the largest double make it too large, not an error", "[stats][summary][rules]") {
    stats::Summary s;
    s.add(1e308);
    CHECK_FALSE(s.too_large());
    s.add(-1e308);
    CHECK(s.too_large());
    CHECK(s.problem().starts_with("values too large to summarise exactly"));
    stats::Summary squares;
    squares.add(1e200);
    squares.add(-1e200);
    CHECK(squares.too_large());
    CHECK(stats::Summary().problem().empty());
    CHECK(stats::Summary::unusable("bad rows").problem() == "bad rows");
}
