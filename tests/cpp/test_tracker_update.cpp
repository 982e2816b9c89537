#include "test_tracker_support.hpp"

#include "kokeilu/tracker.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

Metric& metric_named(Experiment& e, const std::string& name) {
    for (auto& m : e.metrics)
        if (m.name == name) return m;
    throw std::logic_error("no metric " + name);
}

Experiment running_experiment(Tracker& t) {
    const Experiment e = t.create(home_care_draft());
    return t.start(e.key, Date(2025, 3, 3));
}

}  // namespace

TEST_CASE("a draft changes freely, without amendments", "[tracker][update]") {
    Tracker t = memory_tracker();
    Experiment e = t.create(home_care_draft());
    e.title = "Video visits";
    e.test_card.right_if = "security rises by 0.3";
    metric_named(e, "wait_days").minimum_effect = 1.5;
    e.metrics.pop_back();
    e.arms.push_back(Arm{0, "phone", ArmRole::treatment, "phone calls", {}});
    const Experiment updated = t.update(e);
    CHECK(updated.revision == e.revision + 1);
    CHECK(updated.title == "Video visits");
    CHECK(updated.test_card.right_if == "security rises by 0.3");
    CHECK(updated.metric("wait_days").minimum_effect == 1.5);
    CHECK(updated.metrics.size() == 3);
    CHECK(updated.arm("phone").id > 0);
    CHECK(updated.amendments.empty());
    CHECK(updated.lock_hash.empty());
}

TEST_CASE("changing nothing is a no-op", "[tracker][update]") {
    Tracker t = memory_tracker();
    const Experiment e = running_experiment(t);
    Experiment same = e;
    same.tags = {"video", "evening", "video"};  // normalizes to the stored tags
    const Experiment back = t.update(same);
    CHECK(same_experiment(back, e));
    CHECK(same_experiment(t.get(e.key), e));
}

TEST_CASE("free fields change without a reason after the lock", "[tracker][update]") {
    Tracker t = memory_tracker();
    Experiment e = running_experiment(t);
    const std::string hash = e.lock_hash;
    e.title = "Evening video visits";
    e.summary = "Extended to weekends.";
    e.tags = {"weekend"};
    e.actual_cost_eur = 5400.0;
    e.actual_effort_hours = 120.0;
    e.risk = "Poor connections in the countryside.";
    e.owner = "Eero";
    e.planned_end = Date(2026, 9, 30);
    e.purposes = {Purpose::wellbeing, Purpose::democracy};
    const Experiment updated = t.update(e);
    CHECK(updated.title == "Evening video visits");
    CHECK(updated.actual_cost_eur == 5400.0);
    CHECK(updated.planned_end == Date(2026, 9, 30));
    CHECK(updated.amendments.empty());
    CHECK(updated.lock_hash == hash);
}

TEST_CASE("a locked field needs a reason and becomes an amendment", "[tracker][update][lock]") {
    Tracker t = memory_tracker();
    const Experiment running = running_experiment(t);
    Experiment e = running;
    metric_named(e, "wait_days").minimum_effect = 1.5;

    const std::string message = state_error_of([&] { t.update(e); });
    CHECK(message.find("metrics[wait_days].minimum_effect") != std::string::npos);
    CHECK(message.find("locked since " + format_date(running.locked_at->date())) != std::string::npos);
    CHECK(message.find("give a reason") != std::string::npos);
    CHECK(state_error_of([&] { t.update(e, "   "); }) != "(no InvalidStateError)");
    CHECK(same_experiment(t.get(running.key), running));

    const Experiment amended = t.update(e, "Waiting times were shorter than expected", "Aino");
    REQUIRE(amended.amendments.size() == 1);
    const Amendment& a = amended.amendments[0];
    CHECK(a.field == "metrics[wait_days].minimum_effect");
    CHECK(a.old_value == "2");
    CHECK(a.new_value == "1.5");
    CHECK(a.reason == "Waiting times were shorter than expected");
    CHECK(a.author == "Aino");
    CHECK_FALSE(a.at.is_special());
    CHECK(amended.amended_after_start());
    CHECK(amended.lock_hash != running.lock_hash);
    CHECK(amended.lock_hash == preregistration_hash(amended));
    CHECK(amended.locked_at == running.locked_at);
    CHECK(amended.metric("wait_days").minimum_effect == 1.5);
    CHECK(t.get(running.key).amendments == amended.amendments);
}

TEST_CASE("each changed locked field is recorded with old and new text", "[tracker][update][lock]") {
    Tracker t = memory_tracker();
    const Experiment running = running_experiment(t);
    Experiment e = running;
    e.test_card.right_if = "the sense of security rises by 0.2";
    e.arms[1].name = "etäkäynti";  // same id: a rename
    e.metrics.erase(e.metrics.begin() + 3);  // calls
    Metric visits;
    visits.name = "visits";
    visits.kind = MetricKind::count;
    visits.role = MetricRole::secondary;
    visits.minimum_effect = 1.0;
    e.metrics.push_back(visits);
    e.title = "Also a free change";

    const Experiment amended = t.update(e, "Plan revised with the clients' council");
    REQUIRE(amended.amendments.size() == 4);
    CHECK(amended.amendments[0].field == "test_card.right_if");
    CHECK(amended.amendments[0].old_value == running.test_card.right_if);
    CHECK(amended.amendments[0].new_value == "the sense of security rises by 0.2");
    CHECK(amended.amendments[1].field == "arms[video].name");
    CHECK(amended.amendments[1].new_value == "etäkäynti");
    CHECK(amended.amendments[2].field == "metrics[calls]");
    CHECK(amended.amendments[2].new_value == "(none)");
    CHECK(amended.amendments[3].field == "metrics[visits]");
    CHECK(amended.amendments[3].old_value == "(none)");
    CHECK(amended.amendments[3].new_value.find("kind=count") != std::string::npos);
    CHECK(amended.arm("etäkäynti").id == running.arm("video").id);
    CHECK(amended.title == "Also a free change");

    // Amendments accumulate, oldest first.
    Experiment again = amended;
    metric_named(again, "sense_of_security").confidence = 0.9;
    const Experiment twice = t.update(again, "Smaller sample than planned");
    REQUIRE(twice.amendments.size() == 5);
    CHECK(twice.amendments[4].field == "metrics[sense_of_security].confidence");
    CHECK(twice.amendments[4].old_value == "0.95");
    CHECK(twice.amendments[4].new_value == "0.9");
    CHECK(twice.lock_hash != amended.lock_hash);
}

TEST_CASE("a metric given again by name keeps its id and observations", "[tracker][update][lock]") {
    Tracker t = memory_tracker();
    const Experiment running = running_experiment(t);
    t.log(running.key, Observation{at(2025, 3, 4), "wait_days", "control", 4.0, {}, {}, "", "", {}});
    Experiment e = running;
    for (auto& m : e.metrics) m.id = 0;  // e.g. rebuilt from a form
    metric_named(e, "wait_days").unit = "calendar days";
    const Experiment amended = t.update(e, "Unit named precisely");
    REQUIRE(amended.amendments.size() == 1);
    CHECK(amended.amendments[0].field == "metrics[wait_days].unit");
    CHECK(amended.metric("wait_days").id == running.metric("wait_days").id);
    CHECK(t.count_observations(running.key) == 1);
}

TEST_CASE("a locked Test Card cannot be emptied", "[tracker][update][lock]") {
    Tracker t = memory_tracker();
    const Experiment running = running_experiment(t);
    Experiment e = running;
    e.test_card.we_believe.clear();
    CHECK(field_of_error([&] { t.update(e, "reason"); }) == "test_card.we_believe");
    CHECK(same_experiment(t.get(running.key), running));
}

TEST_CASE("identity and lifecycle fields cannot be changed by update", "[tracker][update]") {
    Tracker t = memory_tracker();
    const Experiment running = running_experiment(t);
    const std::vector<std::pair<std::string, std::function<void(Experiment&)>>> cases = {
        {"id", [](Experiment& e) { e.id += 1; }},
        {"key", [](Experiment& e) { e.key = "OTHER-1"; }},
        {"status", [](Experiment& e) { e.status = Status::concluded; }},
        {"actual_start", [](Experiment& e) { e.actual_start = Date(2025, 1, 2); }},
        {"actual_end", [](Experiment& e) { e.actual_end = Date(2025, 5, 2); }},
        {"stop_reason", [](Experiment& e) { e.stop_reason = "x"; }},
        {"outcome", [](Experiment& e) { e.outcome = Outcome{}; }},
        {"lock_hash", [](Experiment& e) { e.lock_hash = "0"; }},
        {"locked_at", [](Experiment& e) { e.locked_at.reset(); }},
        {"amendments", [](Experiment& e) { e.amendments.push_back(Amendment{}); }},
        {"created_at", [](Experiment& e) { e.created_at = at(2020, 1, 1); }},
    };
    for (const auto& [field, change] : cases) {
        INFO(field);
        Experiment e = running;
        change(e);
        CHECK(field_of_error([&] { t.update(e, "reason"); }) == field);
    }
    Experiment other_uuid = running;
    other_uuid.uuid = "1b4e28ba-2fa1-41d2-883f-0016d3cca427";
    CHECK_THROWS_AS(t.update(other_uuid), NotFoundError);
    CHECK(same_experiment(t.get(running.key), running));
}

TEST_CASE("a refused amendment leaves everything as it was", "[tracker][update][lock]") {
    Tracker t = memory_tracker();
    const Experiment running = running_experiment(t);
    Observation call;
    call.at = at(2025, 3, 4);
    call.metric = "calls";
    call.arm = "video";
    call.value = 2.0;
    t.log(running.key, call);
    Experiment e = running;
    e.metrics.pop_back();  // calls, which has an observation: the store refuses to delete it
    e.title = "Changed together with the removal";
    CHECK(field_of_error([&] { t.update(e, "calls are not needed"); }) == "metrics[calls]");
    const Experiment after = t.get(running.key);
    CHECK(same_experiment(after, running));
    CHECK(after.amendments.empty());
    CHECK(t.count_observations(running.key) == 1);
}

TEST_CASE("a stale revision is refused", "[tracker][update]") {
    Tracker t = memory_tracker();
    const Experiment first = t.create(home_care_draft());
    Experiment a = first;
    Experiment b = first;
    a.title = "A's title";
    b.title = "B's title";
    t.update(a);
    CHECK(state_error_of([&] { t.update(b); }).find("revision") != std::string::npos);
    // Also when the copy is stale because the experiment has started since.
    Experiment c = t.get(first.key);
    t.start(first.key, Date(2025, 3, 3));
    c.summary = "edited on an old copy";
    CHECK(state_error_of([&] { t.update(c); }).find("revision") != std::string::npos);
    CHECK(t.get(first.key).title == "A's title");
}

TEST_CASE("a concluded experiment takes cost edits but no amendments", "[tracker][update][lock]") {
    Tracker t = memory_tracker();
    const Experiment running = running_experiment(t);
    const Experiment concluded = t.conclude(running.key, Outcome{});
    Experiment e = concluded;
    e.actual_cost_eur = 8100.0;
    e.actual_effort_hours = 260.0;
    e.summary = "Final costs added.";
    const Experiment edited = t.update(e);
    CHECK(edited.actual_cost_eur == 8100.0);
    CHECK(edited.summary == "Final costs added.");

    Experiment late = edited;
    metric_named(late, "sense_of_security").minimum_effect = 0.1;
    CHECK(state_error_of([&] { t.update(late, "hindsight"); }).find("concluded") != std::string::npos);
    CHECK(same_experiment(t.get(running.key), edited));
}
