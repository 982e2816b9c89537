// Follow-ups of a scaled-up change (kokeilu/follow_up.hpp): the schedule conclude sets, its place in
// the record and the file, the due dates by calendar month in the tracker's zone, what is due, the
// slots filled in start order, and whether an effect held, faded or grew
// (kokeilu/stats/follow_up_effect.hpp).
#include "kokeilu/experiment_record.hpp"
#include "kokeilu/follow_up.hpp"
#include "kokeilu/stats/follow_up_effect.hpp"
#include "kokeilu/time_zone.hpp"
#include "kokeilu/tracker.hpp"

#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <boost/date_time/gregorian/gregorian.hpp>

#include <optional>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

Experiment concluded(Tracker& t, Decision decision, Date decided_on,
                     std::optional<std::vector<int>> months = std::nullopt, const std::string& organisation = "Oulu") {
    Experiment draft = home_care_draft(organisation);
    draft.planned_start = Date(2025, 1, 1);
    const Experiment e = t.create(draft);
    t.start(e.key, Date(2025, 1, 1));
    Outcome outcome;
    outcome.verdict = Verdict::supported;
    outcome.decision = decision;
    outcome.decided_on = decided_on;
    outcome.follow_up_months = std::move(months);
    return t.conclude(e.key, outcome);
}

Experiment follow_up(Tracker& t, const Experiment& original, int months) {
    Experiment draft = t.follow_up_draft(original.key, months);
    draft.title = "Evening video visits, followed up";
    draft.test_card = {"the clients still feel as safe", "ask the same clients again", "sense of security",
                       "it has not fallen"};
    return t.create(draft);
}

}  // namespace

TEST_CASE("a follow-up is due the same day months later, or on the last day of a shorter month", "[follow_up]") {
    CHECK(add_calendar_months(Date(2027, 1, 31), 1) == Date(2027, 2, 28));
    CHECK(add_calendar_months(Date(2028, 1, 31), 1) == Date(2028, 2, 29));  // a leap year
    CHECK(add_calendar_months(Date(2026, 8, 31), 6) == Date(2027, 2, 28));
    CHECK(add_calendar_months(Date(2027, 8, 31), 6) == Date(2028, 2, 29));
    CHECK(add_calendar_months(Date(2028, 2, 29), 12) == Date(2029, 2, 28));
    CHECK(add_calendar_months(Date(2028, 2, 29), 1) == Date(2028, 3, 29));
    CHECK(add_calendar_months(Date(2026, 12, 31), 3) == Date(2027, 3, 31));  // across the year
    CHECK(add_calendar_months(Date(2026, 12, 31), 2) == Date(2027, 2, 28));
    CHECK(add_calendar_months(Date(2026, 12, 31), 12) == Date(2027, 12, 31));
    CHECK(add_calendar_months(Date(2026, 11, 30), 3) == Date(2027, 2, 28));
    // The end of February is not the end of every later month, as Boost's month arithmetic has it.
    CHECK(add_calendar_months(Date(2027, 2, 28), 1) == Date(2027, 3, 28));
    CHECK(Date(2027, 2, 28) + boost::gregorian::months(1) == Date(2027, 3, 31));
    CHECK(field_of_error([] { (void)add_calendar_months(Date(2027, 1, 1), -1); }) == "months");
}

TEST_CASE("concluding with scale up schedules follow-ups at 3, 6 and 12 months unless told otherwise",
          "[follow_up]") {
    Tracker t = memory_tracker();
    const Experiment scaled = concluded(t, Decision::scale_up, Date(2026, 1, 31));
    REQUIRE(scaled.outcome->follow_up_months);
    CHECK(*scaled.outcome->follow_up_months == std::vector<int>{3, 6, 12});
    CHECK(concluded(t, Decision::adapt, Date(2026, 1, 31)).outcome->follow_up_months == std::nullopt);
    CHECK(concluded(t, Decision::stop, Date(2026, 1, 31)).outcome->follow_up_months == std::nullopt);
    CHECK(*concluded(t, Decision::adapt, Date(2026, 1, 31), std::vector<int>{2, 24}).outcome->follow_up_months ==
          std::vector<int>{2, 24});
    // An empty schedule is none, kept as none.
    const Experiment none = concluded(t, Decision::scale_up, Date(2026, 1, 31), std::vector<int>{});
    CHECK(none.outcome->follow_up_months == std::nullopt);
    CHECK(t.follow_up_slots(none.key, Date(2030, 1, 1)).empty());
    CHECK(t.get(scaled.key).outcome == scaled.outcome);
    CHECK(t.verify().ok());

    for (const auto& [months, field] : std::vector<std::pair<std::vector<int>, std::string>>{
             {{3, 0}, "outcome.follow_up_months[1]"},
             {{121}, "outcome.follow_up_months[0]"},
             {{6, 3}, "outcome.follow_up_months[1]"},
             {{3, 6, 6}, "outcome.follow_up_months[2]"}}) {
        Experiment e = t.create(home_care_draft());
        t.start(e.key, Date(2025, 1, 1));
        Outcome outcome;
        outcome.decision = Decision::scale_up;
        outcome.decided_on = Date(2026, 1, 31);
        outcome.follow_up_months = months;
        CHECK(field_of_error([&] { t.conclude(e.key, outcome); }) == field);
    }
}

TEST_CASE("the schedule is in the record only when set, and reads back", "[follow_up]") {
    Tracker t = memory_tracker();
    const Experiment scaled = concluded(t, Decision::scale_up, Date(2026, 1, 31));
    const std::string record = experiment_record(scaled);
    CHECK(record.find("outcome.follow_up_months\t6:3,6,12\n") != std::string::npos);
    CHECK(experiment_from_record(record).outcome == scaled.outcome);
    CHECK(experiment_record(experiment_from_record(record)) == record);
    const Experiment adapted = concluded(t, Decision::adapt, Date(2026, 1, 31));
    CHECK(experiment_record(adapted).find("follow_up_months") == std::string::npos);
}

TEST_CASE("what is due, and the slots follow-ups fill in the order they start", "[follow_up]") {
    Tracker t = memory_tracker();
    const Experiment original = concluded(t, Decision::scale_up, Date(2026, 8, 31));
    CHECK(t.due(Date(2026, 11, 29)).empty());
    std::vector<FollowUpSlot> due = t.due(Date(2026, 11, 29), 1);
    REQUIRE(due.size() == 1);
    CHECK(due[0].months == 3);
    CHECK(due[0].due == Date(2026, 11, 30));
    CHECK(due[0].days_overdue == -1);
    due = t.due(Date(2027, 3, 1));
    REQUIRE(due.size() == 2);
    CHECK(due[1].due == Date(2027, 2, 28));
    CHECK(due[1].days_overdue == 1);
    CHECK(due[0].follow_up_key.empty());
    CHECK(field_of_error([&] { (void)t.due(Date(2027, 3, 1), -1); }) == "within_days");

    // A follow-up at 6 months made first but planned later fills the second slot; the one at 3 the first.
    const Experiment six = follow_up(t, original, 6);
    const Experiment three = follow_up(t, original, 3);
    CHECK(three.planned_start == Date(2026, 11, 30));
    CHECK(three.links == std::vector<ExperimentLink>{{LinkKind::follow_up, original.uuid}});
    CHECK(three.primary_metric().name == "sense_of_security");
    CHECK(three.metrics.size() == 1);
    CHECK(three.organisation == original.organisation);
    std::vector<FollowUpSlot> slots = t.follow_up_slots(original.key, Date(2027, 3, 1));
    REQUIRE(slots.size() == 3);
    CHECK(slots[0].follow_up_key == three.key);
    CHECK(slots[1].follow_up_key == six.key);
    CHECK(slots[2].follow_up_key.empty());
    CHECK(slots[0].follow_up_status == Status::draft);
    CHECK(t.due(Date(2027, 3, 1)).size() == 2);  // drafts fill, but only a concluded one is done

    t.start(three.key, Date(2026, 12, 1));
    Outcome outcome;
    outcome.decision = Decision::adapt;
    outcome.decided_on = Date(2027, 2, 1);
    t.conclude(three.key, outcome);
    due = t.due(Date(2027, 3, 1));
    REQUIRE(due.size() == 1);
    CHECK(due[0].months == 6);
    CHECK(due[0].follow_up_key == six.key);

    CHECK(field_of_error([&] { (void)t.follow_up_draft(original.key, 5); }) == "months");
    CHECK(!state_error_of([&] { (void)t.follow_up_draft(six.key, 3); }).empty());
}

TEST_CASE("due dates are the tracker's calendar days across summer time", "[follow_up]") {
    Tracker t = memory_tracker();
    t.set_time_zone("Europe/Helsinki");
    const TimeZone& helsinki = t.time_zone();
    // Decided on the last Sunday of March (clocks forward) and of October (clocks back).
    const Experiment spring = concluded(t, Decision::scale_up, Date(2026, 3, 29), std::vector<int>{3});
    const Experiment autumn = concluded(t, Decision::scale_up, Date(2027, 10, 31), std::vector<int>{4});
    CHECK(t.follow_up_slots(spring.key, Date(2026, 1, 1))[0].due == Date(2026, 6, 29));
    CHECK(t.follow_up_slots(autumn.key, Date(2026, 1, 1))[0].due == Date(2028, 2, 29));
    // 00:30 local on the due day is that day although UTC still has the day before (21:30 UTC in
    // summer, 22:30 in winter); 23:30 local the day before is not yet due.
    const auto local_day = [&](const char* text) {
        return helsinki.date_of(helsinki.from_local(parse_time(text, "at")));
    };
    CHECK(local_day("2026-06-28T23:30:00") == Date(2026, 6, 28));
    CHECK(t.due(local_day("2026-06-28T23:30:00")).empty());
    CHECK(t.due(local_day("2026-06-29T00:30:00")).size() == 1);
    CHECK(local_day("2028-02-29T00:30:00") == Date(2028, 2, 29));
    CHECK(t.due(local_day("2028-02-28T23:30:00")).size() == 1);  // only spring's
    CHECK(t.due(local_day("2028-02-29T00:30:00")).size() == 2);
}

TEST_CASE("an effect held, faded, grew, or cannot be told", "[follow_up]") {
    using stats::Persistence;
    const auto effect = [](double estimate, double se) {
        stats::Estimate e;
        e.estimate = estimate;
        e.std_error = se;
        e.ci_low = estimate - 1.959963984540054 * se;
        e.ci_high = estimate + 1.959963984540054 * se;
        return e;
    };
    // Values worked by hand: difference 0.1, se sqrt(0.05² + 0.05²) = 0.0707107, interval ±0.1385904.
    const stats::FollowUpEffect held = stats::compare_follow_up(effect(0.5, 0.05), effect(0.6, 0.05),
                                                                Direction::higher_is_better);
    CHECK(held.persistence == Persistence::held);
    CHECK(held.difference == Approx(0.1));
    CHECK(held.std_error == Approx(0.0707106781));
    CHECK(held.ci_low == Approx(0.1 - 0.1385903824));
    CHECK(stats::compare_follow_up(effect(0.5, 0.05), effect(0.8, 0.05), Direction::higher_is_better).persistence ==
          Persistence::grew);
    CHECK(stats::compare_follow_up(effect(0.5, 0.05), effect(0.2, 0.05), Direction::higher_is_better).persistence ==
          Persistence::faded);
    CHECK(stats::compare_follow_up(effect(0.5, 0.2), effect(0.3, 0.3), Direction::higher_is_better).persistence ==
          Persistence::unclear);
    // Lower is better: an effect of -0.5 that became -0.2 faded.
    const stats::FollowUpEffect lower = stats::compare_follow_up(effect(-0.5, 0.05), effect(-0.2, 0.05),
                                                                 Direction::lower_is_better);
    CHECK(lower.persistence == Persistence::faded);
    CHECK(lower.difference == Approx(-0.3));
    // An interval without a standard error gives its own, by its width.
    stats::Estimate no_se = effect(0.6, 0.05);
    no_se.std_error = 0.0;
    CHECK(stats::standard_error_of(no_se) == Approx(0.05));
    CHECK(field_of_error([&] { (void)stats::compare_follow_up(effect(0.5, 0.0), effect(0.6, 0.05),
                                                              Direction::higher_is_better); }) == "original");
}
