// Voiding (voiding.hpp): a whole batch voided as one range, and every refusal of a void that would
// take the wrong rows: another experiment's batch or row, a row named twice, a batch or a row voided
// before, and a void whose own record was deleted behind kokeilu's back. A refused void writes nothing.
#include "kokeilu/tracker.hpp"

#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

Experiment started(Tracker& t, const std::string& key) {
    Experiment draft = home_care_draft();
    draft.key = key;
    draft.planned_start = Date(2025, 3, 1);
    draft.planned_end = Date(2025, 8, 31);
    return t.start(t.create(draft).key, Date(2025, 3, 3));
}

// Three rows of the experiment's first metric, on 4, 5 and 6 March 2025, all in the first arm.
WriteResult three_rows(Tracker& t, const Experiment& e) {
    // The columns are views: the data they see outlives the call.
    static const std::vector<std::int64_t> times{to_unix_micros(at(2025, 3, 4)), to_unix_micros(at(2025, 3, 5)),
                                                 to_unix_micros(at(2025, 3, 6))};
    static const std::vector<double> values{4.0, 5.0, 6.0};
    static const std::vector<std::int32_t> codes{1, 1, 1};
    return t.log_columns(e.key, "", control_video_columns(times, values, codes));
}

// The code and field of the error that f throws, as "kind code field"; the kind tells an argument's
// refusal from a state's.
std::string refusal_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const InvalidArgumentError& e) {
        return "argument " + e.code() + " " + e.field();
    } catch (const InvalidStateError& e) {
        return "state " + e.code();
    }
    return "(no refusal)";
}

}  // namespace

TEST_CASE("a batch is voided whole, and only once", "[voiding][tracker]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t, "OULU-2025-001");
    const WriteResult first = three_rows(t, e);
    const WriteResult second = three_rows(t, e);
    REQUIRE(first.rows == 3);
    REQUIRE(second.rows == 3);

    const VoidRecord v = t.void_observations(e.key, {{}, second.batch, "loaded twice", "Aino"});
    CHECK(v.batch == second.batch);
    CHECK(v.observation_ids == std::vector<std::int64_t>{4, 5, 6});
    CHECK(t.count_observations(e.key) == 3);
    const auto summaries = t.arm_summaries(t.get(e.key));
    REQUIRE(summaries[0].summary);
    CHECK(summaries[0].summary->n() == 3);

    CHECK(refusal_of([&] { t.void_observations(e.key, {{}, second.batch, "again", ""}); }) ==
          "state store.batch_voided_on");
    // A row of that batch, named alone, was voided with it.
    CHECK(refusal_of([&] { t.void_observations(e.key, {{5}, 0, "again", ""}); }) ==
          "state store.observation_voided_on");
    CHECK(t.count_observations(e.key) == 3);
    CHECK(t.verify().ok());
}

TEST_CASE("a void names only this experiment's batches and rows, each once", "[voiding][tracker]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t, "OULU-2025-001");
    const Experiment other = started(t, "OULU-2025-002");
    const WriteResult mine = three_rows(t, e);        // rows 1 to 3
    const WriteResult theirs = three_rows(t, other);  // rows 4 to 6
    t.void_observations(other.key, {{6}, 0, "typo", ""});

    CHECK(refusal_of([&] { t.void_observations(e.key, {{}, theirs.batch, "wrong", ""}); }) ==
          "argument store.not_a_batch_of batch");
    CHECK(refusal_of([&] { t.void_observations(e.key, {{}, theirs.batch + 100, "unknown", ""}); }) ==
          "argument store.not_a_batch_of batch");
    CHECK(refusal_of([&] { t.void_observations(e.key, {{1, 4}, 0, "wrong", ""}); }) ==
          "argument store.not_an_observation_of observation_ids[1]");
    // Another experiment's voided row is not this experiment's either: no word about its void.
    CHECK(refusal_of([&] { t.void_observations(e.key, {{6}, 0, "wrong", ""}); }) ==
          "argument store.not_an_observation_of observation_ids[0]");
    CHECK(refusal_of([&] { t.void_observations(e.key, {{1, 2, 1}, 0, "twice", ""}); }) ==
          "argument store.id_given_twice observation_ids[2]");
    CHECK(refusal_of([&] { t.void_observations(e.key, {{999}, 0, "unknown", ""}); }) ==
          "argument store.not_an_observation_of observation_ids[0]");

    CHECK(t.count_observations(e.key) == 3);
    CHECK(t.count_observations(other.key) == 2);
    const VoidRecord v = t.void_observations(e.key, {{3, 1}, 0, "typos", ""});
    CHECK(v.observation_ids == std::vector<std::int64_t>{1, 3});  // ascending, whatever the order given
    CHECK(v.batch == 0);
    CHECK(mine.batch != theirs.batch);
}

TEST_CASE("a void whose record was deleted behind kokeilu's back is still refused, by its id", "[voiding][sqlite]") {
    testing::TempDir dir;
    const std::string path = dir.file("t.db");
    std::int64_t batch = 0;
    {
        Tracker t = Tracker::open(path);
        const Experiment e = started(t, "OULU-2025-001");
        batch = three_rows(t, e).batch;
        t.void_observations(e.key, {{}, batch, "loaded twice", ""});
        t.void_observations(e.key, {{}, three_rows(t, e).batch, "loaded twice", ""});
    }
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("PRAGMA foreign_keys = OFF");
        raw.exec("DELETE FROM voids WHERE id = 1");
    }
    Tracker t = Tracker::open(path);
    CHECK(refusal_of([&] { t.void_observations("OULU-2025-001", {{}, batch, "again", ""}); }) ==
          "state store.batch_voided_by");
    CHECK(refusal_of([&] { t.void_observations("OULU-2025-001", {{2}, 0, "again", ""}); }) ==
          "state store.observation_voided_by");
    CHECK(refusal_of([&] { t.void_observations("OULU-2025-001", {{5}, 0, "again", ""}); }) ==
          "state store.observation_voided_on");
    CHECK(!t.verify().ok());  // the deletion shows
}

TEST_CASE("columns written again under the same idempotency key are a repeat, not a second batch",
          "[voiding][tracker]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t, "OULU-2025-001");
    static const std::vector<std::int64_t> times{to_unix_micros(at(2025, 3, 4)), to_unix_micros(at(2025, 3, 5))};
    static const std::vector<double> values{4.0, 5.0};
    static const std::vector<std::int32_t> codes{0, 1};
    const ObservationColumns c = control_video_columns(times, values, codes);
    LogOptions keyed;
    keyed.idempotency_key = "week-1";
    const WriteResult first = t.log_columns(e.key, "", c, keyed);
    const WriteResult again = t.log_columns(e.key, "", c, keyed);
    CHECK(first.rows == 2);
    CHECK(again.repeated);
    CHECK(again.rows == 0);
    CHECK(again.batch == first.batch);
    CHECK(t.count_observations(e.key) == 2);
}

TEST_CASE("the time zone is refused once experiments have started, naming them", "[tracker][sqlite]") {
    Tracker t = memory_tracker();
    started(t, "OULU-2025-001");
    started(t, "OULU-2025-002");
    CHECK(refusal_of([&] { t.set_time_zone("Europe/Stockholm"); }) == "state store.time_zone_after_start");
    try {
        t.set_time_zone("Europe/Stockholm");
    } catch (const InvalidStateError& error) {
        CHECK(std::string(error.what()).find("OULU-2025-001, OULU-2025-002") != std::string::npos);
    }
    CHECK(t.time_zone().name() == "Europe/Helsinki");
}
