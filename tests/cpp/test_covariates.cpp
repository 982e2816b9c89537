// A metric's pre-period covariate (kokeilu::Metric::covariate) and each row's pre-period value
// (Observation::covariate): the rule of the rows at every door of the core, kept in the lock only
// when set, stored and read back (schema 10), and the analysis adjusted for it.
#include "kokeilu/metric.hpp"

#include "history_payload.hpp"
#include "kokeilu/error.hpp"
#include "kokeilu/locked_criterion.hpp"
#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/stats/covariate_adjustment.hpp"
#include "kokeilu/tracker.hpp"
#include "preregistration.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr unsigned short year = 2025;
constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double infinity = std::numeric_limits<double>::infinity();

Experiment adjusted_draft() {
    Experiment e = home_care_draft();
    e.metrics[0].covariate = "security_2024";
    return e;
}

std::string code_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InvalidArgumentError& e) {
        return e.code();
    }
    return "(no InvalidArgumentError)";
}

// Row i: arm by parity, a pre-period value x and an outcome that follows it.
Observation row(int i) {
    Observation o;
    o.at = at(year, 3, 3) + boost::posix_time::minutes(i);
    o.metric = "sense_of_security";
    o.arm = i % 2 == 0 ? "control" : "video";
    const double x = 2.0 + static_cast<double>((i * 7) % 11) * 0.2;
    o.covariate = x;
    o.value = 0.8 * x + (i % 2 == 0 ? 0.0 : 0.3) + static_cast<double>((i * 5) % 7) * 0.05;
    return o;
}

std::vector<Observation> rows(int n) {
    std::vector<Observation> out;
    for (int i = 0; i < n; ++i) out.push_back(row(i));
    return out;
}

}  // namespace

TEST_CASE("a covariate names a concurrent mean or share on the absolute scale", "[covariate][validation]") {
    Tracker t = memory_tracker();
    CHECK(t.create(adjusted_draft()).metrics[0].covariate == "security_2024");
    CHECK(t.create(home_care_draft()).metrics[0].covariate.empty());

    Experiment counted = adjusted_draft();
    counted.metrics[0].kind = MetricKind::count;
    CHECK(field_of_error([&] { (void)t.create(counted); }) == "metrics[sense_of_security].covariate");
    CHECK(code_of([&] { (void)t.create(counted); }) == "input.covariate_kind");

    Experiment relative = adjusted_draft();
    relative.metrics[0].effect_scale = EffectScale::relative;
    CHECK(code_of([&] { (void)t.create(relative); }) == "input.covariate_relative");

    Experiment periods = adjusted_draft();
    periods.design = DesignKind::before_after;
    periods.arms = {Arm{0, "before", ArmRole::before, "", {}}, Arm{0, "after", ArmRole::after, "", {}}};
    CHECK(code_of([&] { (void)t.create(periods); }) == "input.covariate_design");

    Experiment hidden = adjusted_draft();
    hidden.metrics[0].covariate = "security\u200b2024";
    CHECK(field_of_error([&] { (void)t.create(hidden); }) == "metrics[sense_of_security].covariate");
}

TEST_CASE("an absent covariate leaves the lock hash, the locked criterion and the history record as they were",
          "[covariate][history]") {
    const Experiment plain = home_care_draft();
    CHECK(preregistration_hash(plain) == "985c4a9b4fd55259a4ddc1221c82dd04");
    CHECK(detail::preregistration_text(plain).find("covariate") == std::string::npos);
    CHECK(detail::experiment_record(plain).find("covariate") == std::string::npos);
    CHECK(detail::locked_criterion_text(lock_of(plain)).find("covariate") == std::string::npos);

    const Experiment adjusted = adjusted_draft();
    CHECK(preregistration_hash(adjusted) != preregistration_hash(plain));
    CHECK(detail::experiment_record(adjusted).find("metrics[sense_of_security].covariate\t13:security_2024\n") !=
          std::string::npos);
    CHECK(detail::parse_locked_criterion(detail::locked_criterion_text(lock_of(adjusted))) == lock_of(adjusted));
    Metric m;
    detail::set_field(m, "covariate", "visits_2025", "test");
    CHECK(m.covariate == "visits_2025");
}

TEST_CASE("the pre-period value is required, finite, and refused where the metric names none, at every door",
          "[covariate][input]") {
    Tracker t = memory_tracker();
    const std::string key = t.start(t.create(adjusted_draft()).key, Date(year, 3, 2)).key;
    const std::string plain = t.start(t.create(home_care_draft()).key, Date(year, 3, 2)).key;

    Observation missing = row(0);
    missing.covariate.reset();
    CHECK(field_of_error([&] { (void)t.log(key, missing); }) == "covariate");
    CHECK(code_of([&] { (void)t.log(key, missing); }) == "input.covariate_missing");
    for (const double bad : {not_a_number, infinity, -infinity}) {
        Observation o = row(0);
        o.covariate = bad;
        CHECK(code_of([&] { (void)t.log(key, o); }) == "input.value_not_finite");
    }
    CHECK(code_of([&] { (void)t.log(plain, row(0)); }) == "input.covariate_unexpected");
    Observation aggregated = row(0);
    aggregated.aggregate = Aggregate::mean(3, 9.0, 27.5);
    CHECK(field_of_error([&] { (void)t.log(key, aggregated); }) == "aggregate");
    CHECK(code_of([&] { (void)t.log(key, aggregated); }) == "input.covariate_aggregate");

    // A batch: the bad row is named, and nothing of it is written.
    std::vector<Observation> batch = rows(5);
    batch[3].covariate = not_a_number;
    CHECK(field_of_error([&] { (void)t.log_many(key, batch); }) == "observations[3].covariate");
    CHECK(t.count_observations(key) == 0);

    // Columns: the column as the caller named it.
    const std::vector<std::int64_t> times{to_unix_micros(at(year, 3, 3)), to_unix_micros(at(year, 3, 4))};
    const std::vector<double> values{3.0, 4.0};
    const std::vector<double> with_nan{2.5, not_a_number};
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_names = {"video"};
    columns.names.covariate = "security_2024";
    CHECK(field_of_error([&] { (void)t.log_columns(key, "", columns); }) == "security_2024");
    columns.covariate = with_nan;
    CHECK(field_of_error([&] { (void)t.log_columns(key, "", columns); }) == "security_2024[1]");
    CHECK(code_of([&] { (void)t.log_columns(key, "", columns); }) == "input.covariate_missing");
    CHECK(code_of([&] { (void)t.log_columns(plain, "", columns); }) == "input.covariate_unexpected");
    CHECK(t.count_observations(key) == 0);
    CHECK(t.count_observations(plain) == 0);

    const std::vector<std::int64_t> n{4};
    const std::vector<double> sum{12.0};
    const std::vector<std::int64_t> one_time{times[0]};
    AggregateColumns aggregates;
    aggregates.at_us = one_time;
    aggregates.arm_names = {"video"};
    aggregates.n = n;
    aggregates.sum = sum;
    CHECK(code_of([&] { (void)t.log_aggregate_columns(key, "", aggregates); }) == "input.covariate_aggregate");
}

TEST_CASE("rows keep their pre-period values in the file, through a void, a reopen and the batch hash",
          "[covariate][store]") {
    TempDir dir;
    const std::string path = dir.file("covariates.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        key = t.start(t.create(adjusted_draft()).key, Date(year, 3, 2)).key;
        CHECK(t.log_many(key, rows(6)).rows == 6);
        // The same rows through the column door.
        const std::vector<Observation> more = rows(8);
        std::vector<std::int64_t> times;
        std::vector<double> values;
        std::vector<double> pre;
        std::vector<std::int32_t> codes;
        for (std::size_t i = 6; i < more.size(); ++i) {
            times.push_back(to_unix_micros(more[i].at) + 1);
            values.push_back(more[i].value);
            pre.push_back(*more[i].covariate);
            codes.push_back(more[i].arm == "control" ? 0 : 1);
        }
        ObservationColumns columns;
        columns.at_us = times;
        columns.values = values;
        columns.covariate = pre;
        columns.arm_codes = codes;
        columns.arm_names = {"control", "video"};
        CHECK(t.log_columns(key, "", columns).rows == 2);
    }
    Tracker t = Tracker::open(path);
    const ObservationTable table = t.observations(key, {});
    REQUIRE(table.size() == 8);
    REQUIRE(table.covariate.size() == 8);
    for (std::size_t i = 0; i < 8; ++i) CHECK(table.covariate[i] == *row(static_cast<int>(i)).covariate);
    CHECK(t.verify().ok());

    VoidRequest request;
    request.observation_ids = {table.id[1]};
    request.reason = "typo";
    (void)t.void_observations(key, request);
    ObservationQuery everything;
    everything.include_voided = true;
    const ObservationTable with_voided = t.observations(key, everything);
    REQUIRE(with_voided.covariate.size() == 8);
    CHECK(with_voided.covariate[1] == *row(1).covariate);
    CHECK(t.verify().ok());

    // A metric without one reads back without the column.
    const std::string plain = t.start(t.create(home_care_draft()).key, Date(year, 3, 2)).key;
    Observation o = row(0);
    o.covariate.reset();
    (void)t.log(plain, o);
    CHECK(t.observations(plain, {}).covariate.empty());
}

TEST_CASE("the analysis of a metric with a covariate is the adjustment's, on every treatment arm", "[covariate][stats]") {
    Tracker t = memory_tracker();
    const std::string key = t.start(t.create(adjusted_draft()).key, Date(year, 3, 2)).key;

    // Too few rows: not enough data, never a failure.
    (void)t.log(key, row(0));
    stats::Analysis few = stats::analyze(t, key);
    REQUIRE_FALSE(few.comparisons.empty());
    CHECK(few.comparisons[0].metric == "sense_of_security");  // the primary comes first
    CHECK_FALSE(few.comparisons[0].effect);
    CHECK(few.comparisons[0].status.starts_with("not enough data"));
    CHECK(few.verdict.verdict == Verdict::inconclusive);

    std::vector<Observation> more = rows(60);
    more.erase(more.begin());
    (void)t.log_many(key, more);
    const stats::Analysis a = stats::analyze(t, key);
    REQUIRE_FALSE(a.comparisons.empty());
    const stats::Comparison& c = a.comparisons[0];
    CHECK(c.metric == "sense_of_security");
    REQUIRE(c.adjustment);
    CHECK(c.adjusted_for == "security_2024");
    CHECK_FALSE(c.bayes);

    std::vector<double> y_t, x_t, y_c, x_c;
    for (const Observation& o : rows(60)) {
        (o.arm == "video" ? y_t : y_c).push_back(o.value);
        (o.arm == "video" ? x_t : x_c).push_back(*o.covariate);
    }
    const stats::CovariateAdjustment direct = stats::covariate_adjusted_difference(y_t, x_t, y_c, x_c, 0.95);
    CHECK(c.effect->estimate == direct.effect.estimate);
    CHECK(c.effect->ci_low == direct.effect.ci_low);
    CHECK(c.effect->p_value == direct.effect.p_value);
    CHECK(c.adjustment->variance_reduction == direct.variance_reduction);
    CHECK(c.adjustment->variance_reduction > 0.5);  // the outcome follows the pre-period value
    // The verdict is judged on the adjusted estimate, and says what the adjustment bought.
    CHECK(a.verdict.improvement == Approx(direct.effect.estimate).epsilon(1e-12));
    REQUIRE_FALSE(a.verdict.notes.empty());
    CHECK(a.verdict.notes.back().code == "stats.verdict.covariate_note");
    CHECK(a.verdict.sentence_en.find("adjusted for the pre-period value security_2024") != std::string::npos);
}

TEST_CASE("rows without a pre-period value leave the adjusted comparison without data, saying why",
          "[covariate][stats]") {
    Tracker t = memory_tracker();
    const std::string key = t.start(t.create(home_care_draft()).key, Date(year, 3, 2)).key;
    std::vector<Observation> plain = rows(20);
    for (Observation& o : plain) o.covariate.reset();
    (void)t.log_many(key, plain);
    Experiment revised = t.get(key);
    revised.metrics[0].covariate = "security_2024";
    const Experiment amended = t.update(revised, "adjust for last year", "anna");
    const auto changes = criterion_changes(amended);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].field == "metrics[sense_of_security].covariate");

    const stats::Analysis a = stats::analyze(t, key);
    REQUIRE(a.comparisons[0].effect);  // as locked: not adjusted
    REQUIRE_FALSE(a.amended_comparisons.empty());
    CHECK(a.amended_comparisons[0].metric == "sense_of_security");
    CHECK_FALSE(a.amended_comparisons[0].effect);
    CHECK(a.amended_comparisons[0].status_message.code == "stats.covariate.missing_rows");
}

TEST_CASE("a file of schema 9 gets the covariate columns; its experiments open, verify and analyse as before",
          "[covariate][schema]") {
    TempDir dir;
    const std::string path = dir.file("v9.db");
    std::string key;
    std::string lock;
    double estimate = 0.0;
    {
        Tracker t = Tracker::open(path);
        key = t.create(home_care_draft()).key;
        lock = t.start(key, Date(year, 3, 2)).lock_hash;
        std::vector<Observation> plain = rows(30);
        for (Observation& o : plain) o.covariate.reset();
        (void)t.log_many(key, plain);
        estimate = stats::analyze(t, key).comparisons[0].effect->estimate;
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("ALTER TABLE metrics DROP COLUMN covariate");
        db.exec("ALTER TABLE observations DROP COLUMN covariate");
        db.exec("ALTER TABLE voided_observations DROP COLUMN covariate");
        db.exec("DROP TABLE experiment_origins");
        db.exec("DROP TABLE experiment_links");
        db.exec("DROP TABLE experiment_search");  // schema 12's
        db.exec("PRAGMA user_version = 9");
    }
    Tracker t = Tracker::open(path);
    const Experiment e = t.get(key);
    CHECK(e.lock_hash == lock);
    CHECK(preregistration_hash(e) == lock);
    CHECK(e.metrics[0].covariate.empty());
    CHECK(t.verify().ok());
    CHECK(stats::analyze(t, key).comparisons[0].effect->estimate == estimate);
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    CHECK(db.execAndGet("SELECT count(*) FROM pragma_table_info('observations') WHERE name = 'covariate'").getInt() == 1);
}
