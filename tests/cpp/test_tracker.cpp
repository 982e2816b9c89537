#include "test_tracker_support.hpp"

#include "kokeilu/tracker.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace kokeilu;
using namespace kokeilu::testing;

TEST_CASE("create stores a draft with generated identity", "[tracker]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    draft.tags = {" video ", "evening", "video", ""};
    draft.purposes = {Purpose::vitality, Purpose::wellbeing, Purpose::vitality};
    const Experiment e = t.create(draft);

    CHECK(e.id > 0);
    CHECK(e.key == "OULU-2026-001");
    REQUIRE(e.uuid.size() == 36);
    CHECK(e.uuid.find_first_not_of("0123456789abcdef-") == std::string::npos);
    CHECK(e.status == Status::draft);
    CHECK(e.revision == 1);
    CHECK(e.tags == std::vector<std::string>{"evening", "video"});
    CHECK(e.purposes == std::vector<Purpose>{Purpose::wellbeing, Purpose::vitality});
    CHECK_FALSE(e.is_locked());
    CHECK(e.lock_hash.empty());
    for (const auto& arm : e.arms) CHECK(arm.id > 0);
    for (const auto& metric : e.metrics) CHECK(metric.id > 0);
    CHECK(e.primary_metric().name == "sense_of_security");
    CHECK(e.metric("WAIT_DAYS").name == "wait_days");
    CHECK(e.arm("Video").role == ArmRole::treatment);
    CHECK_THROWS_AS(e.metric("nope"), NotFoundError);
    CHECK_THROWS_AS(e.arm("nope"), NotFoundError);

    CHECK(same_experiment(t.get(e.key), e));
    CHECK(same_experiment(t.get(e.uuid), e));
    CHECK(t.get("oulu-2026-001").id == e.id);
    CHECK_THROWS_AS(t.get("OULU-2026-999"), NotFoundError);
    REQUIRE(t.experiments().size() == 1);
}

TEST_CASE("create ignores lifecycle fields of its argument", "[tracker]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    draft.status = Status::concluded;
    draft.actual_start = Date(2025, 3, 2);
    draft.actual_end = Date(2025, 4, 2);
    draft.stop_reason = "no";
    draft.outcome = Outcome{};
    draft.lock_hash = "abc";
    draft.locked_at = at(2025, 3, 2);
    draft.amendments = {Amendment{at(2025, 3, 3), "design", "a", "b", "why", "me"}};
    draft.arms[0].id = 99;
    const Experiment e = t.create(draft);
    CHECK(e.status == Status::draft);
    CHECK_FALSE(e.actual_start);
    CHECK_FALSE(e.actual_end);
    CHECK(e.stop_reason.empty());
    CHECK_FALSE(e.outcome);
    CHECK(e.lock_hash.empty());
    CHECK_FALSE(e.locked_at);
    CHECK(e.amendments.empty());
    CHECK(e.arms[0].id != 99);
}

TEST_CASE("keys are generated per organisation and year", "[tracker][key]") {
    Tracker t = memory_tracker();
    CHECK(t.create(home_care_draft("Oulu")).key == "OULU-2026-001");
    CHECK(t.create(home_care_draft("Oulu")).key == "OULU-2026-002");
    CHECK(t.create(home_care_draft("Kärsämäki")).key == "KARSAMAKI-2026-001");
    Experiment next_year = home_care_draft("Oulu");
    next_year.planned_start = Date(2027, 1, 10);
    next_year.planned_end.reset();
    CHECK(t.create(next_year).key == "OULU-2027-001");
    Experiment undated = home_care_draft("Ii");
    undated.planned_start.reset();
    CHECK(t.create(undated).key == "II-" + std::to_string(static_cast<int>(t.time_zone().today().year())) + "-001");
    CHECK(t.experiments().size() == 5);
}

TEST_CASE("explicit keys and UUIDs are checked and kept unique", "[tracker][key]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    draft.key = "HOIVA-VIDEO";
    draft.uuid = "1B4E28BA-2FA1-41D2-883F-0016D3CCA427";
    const Experiment e = t.create(draft);
    CHECK(e.key == "HOIVA-VIDEO");
    CHECK(e.uuid == "1b4e28ba-2fa1-41d2-883f-0016d3cca427");

    // The same key with the same content is a create repeated (a notebook cell run again): the
    // stored experiment comes back. With other content the key is in use.
    Experiment same_key = home_care_draft();
    same_key.key = "HOIVA-VIDEO";
    CHECK(t.create(same_key).uuid == e.uuid);
    same_key.title = "Another title";
    CHECK(field_of_error([&] { t.create(same_key); }) == "key");
    Experiment same_uuid = home_care_draft();
    same_uuid.uuid = e.uuid;
    CHECK(field_of_error([&] { t.create(same_uuid); }) == "uuid");
    Experiment bad_key = home_care_draft();
    bad_key.key = "HOIVA VIDEO";
    CHECK(field_of_error([&] { t.create(bad_key); }) == "key");
    Experiment bad_uuid = home_care_draft();
    bad_uuid.uuid = "not-a-uuid";
    CHECK(field_of_error([&] { t.create(bad_uuid); }) == "uuid");
    CHECK(t.experiments().size() == 1);
}

TEST_CASE("full lifecycle: draft, running, concluded", "[tracker][lifecycle]") {
    Tracker t = memory_tracker();
    const Experiment created = t.create(home_care_draft());

    const Experiment running = t.start(created.key, Date(2025, 3, 3));
    CHECK(running.status == Status::running);
    CHECK(running.actual_start == Date(2025, 3, 3));
    REQUIRE(running.locked_at);
    CHECK(running.lock_hash == preregistration_hash(running));
    CHECK(running.revision == created.revision + 1);

    t.log(running.key, Observation{at(2025, 3, 4), "", "control", 3.0, {}, {}, "", "", {}});
    t.log(running.key, Observation{at(2025, 3, 5), "", "video", 4.0, {}, {}, "", "", {}});
    CHECK(t.count_observations(running.key) == 2);

    Outcome outcome;
    outcome.verdict = Verdict::supported;
    outcome.decision = Decision::scale_up;
    outcome.learning = {"video keeps clients safe", "security 4.0 vs 3.0", "clients accept video",
                        "offer video in every district"};
    const Experiment concluded = t.conclude(running.key, outcome);
    CHECK(concluded.status == Status::concluded);
    REQUIRE(concluded.outcome);
    CHECK(concluded.outcome->verdict == Verdict::supported);
    CHECK(concluded.outcome->learning == outcome.learning);
    CHECK(concluded.outcome->decided_on == t.time_zone().today());
    CHECK(concluded.actual_end == t.time_zone().today());
    CHECK(concluded.lock_hash == running.lock_hash);
    CHECK(same_experiment(t.get(created.key), concluded));
}

TEST_CASE("start defaults to today and needs the whole Test Card", "[tracker][lifecycle]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    draft.test_card.to_verify = "  ";
    draft.test_card.right_if.clear();
    const Experiment e = t.create(draft);  // a draft may be incomplete
    CHECK(field_of_error([&] { t.start(e.key); }) == "test_card.to_verify");
    CHECK(t.get(e.key).status == Status::draft);
    CHECK(t.get(e.key).revision == e.revision);

    Experiment completed = t.get(e.key);
    completed.test_card.to_verify = "offer video visits";
    completed.test_card.right_if = "security holds";
    t.update(completed);
    const Experiment running = t.start(e.key);
    CHECK(running.actual_start == t.time_zone().today());
}

TEST_CASE("stop needs a reason and writes it to the journal", "[tracker][lifecycle]") {
    Tracker t = memory_tracker();
    const Experiment e = t.create(home_care_draft());
    t.start(e.key, Date(2025, 3, 3));
    CHECK(field_of_error([&] { t.stop(e.key, "  "); }) == "reason");
    CHECK(field_of_error([&] { t.stop(e.key, "late", Date(2025, 3, 2)); }) == "on");
    CHECK(t.get(e.key).status == Status::running);
    CHECK(t.journal(e.key).empty());

    const Experiment stopped = t.stop(e.key, " Henkilöstöpula: ei hoitajia iltavuoroon ", Date(2025, 4, 2), "Aino");
    CHECK(stopped.status == Status::stopped);
    CHECK(stopped.actual_end == Date(2025, 4, 2));
    CHECK(stopped.stop_reason == "Henkilöstöpula: ei hoitajia iltavuoroon");
    const auto journal = t.journal(e.key);
    REQUIRE(journal.size() == 1);
    CHECK(journal[0].text == "Stopped: Henkilöstöpula: ei hoitajia iltavuoroon");
    CHECK(journal[0].author == "Aino");

    // A draft can be stopped too.
    const Experiment other = t.create(home_care_draft());
    CHECK(t.stop(other.key, "not needed").status == Status::stopped);
}

TEST_CASE("bad transitions name the status and the action", "[tracker][lifecycle]") {
    Tracker t = memory_tracker();
    const Experiment e = t.create(home_care_draft());
    std::string message = state_error_of([&] { t.conclude(e.key, Outcome{}); });
    CHECK(message.find("conclude") != std::string::npos);
    CHECK(message.find("draft") != std::string::npos);

    t.start(e.key, Date(2025, 3, 3));
    message = state_error_of([&] { t.start(e.key); });
    CHECK(message.find("start") != std::string::npos);
    CHECK(message.find("running") != std::string::npos);

    t.conclude(e.key, Outcome{});
    message = state_error_of([&] { t.stop(e.key, "too late"); });
    CHECK(message.find("stop") != std::string::npos);
    CHECK(message.find("concluded") != std::string::npos);
    CHECK(state_error_of([&] { t.conclude(e.key, Outcome{}); }) != "(no InvalidStateError)");

    const Experiment s = t.create(home_care_draft());
    t.stop(s.key, "cancelled");
    CHECK(state_error_of([&] { t.start(s.key); }).find("stopped") != std::string::npos);
    CHECK(state_error_of([&] { t.conclude(s.key, Outcome{}); }).find("stopped") != std::string::npos);
    CHECK_THROWS_AS(t.start("NOPE-1"), NotFoundError);
}

TEST_CASE("conclude checks the outcome", "[tracker][lifecycle]") {
    Tracker t = memory_tracker();
    const Experiment e = t.create(home_care_draft());
    t.start(e.key, Date(2025, 3, 3));
    Outcome early;
    early.decided_on = Date(2025, 3, 2);
    CHECK(field_of_error([&] { t.conclude(e.key, early); }) == "outcome.decided_on");
    Outcome bad_text;
    bad_text.learning.we_observed = "\xFF";
    CHECK(field_of_error([&] { t.conclude(e.key, bad_text); }) == "outcome.learning.we_observed");
    CHECK(t.get(e.key).status == Status::running);

    Outcome dated;
    dated.decided_on = Date(2025, 9, 16);
    dated.verdict = Verdict::inconclusive;
    dated.decision = Decision::adapt;
    const Experiment concluded = t.conclude(e.key, dated);
    CHECK(concluded.outcome->decided_on == Date(2025, 9, 16));
    CHECK(concluded.actual_end == Date(2025, 9, 16));
}

TEST_CASE("an activity metric cannot support the hypothesis", "[tracker][lifecycle]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    for (auto& m : draft.metrics)
        if (m.role == MetricRole::primary) m.impact = ImpactClass::activity_output;
    const Experiment e = t.create(draft);
    t.start(e.key, Date(2025, 3, 3));
    Outcome claimed;
    claimed.verdict = Verdict::supported;
    claimed.decision = Decision::scale_up;
    CHECK(field_of_error([&] { t.conclude(e.key, claimed); }) == "outcome.verdict");
    CHECK(t.get(e.key).status == Status::running);
    claimed.verdict = Verdict::inconclusive;
    CHECK(t.conclude(e.key, claimed).status == Status::concluded);
}

TEST_CASE("Finnish text round-trips unchanged", "[tracker]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft("Kärsämäki");
    draft.title = "Etäkäynnit iltaisin – turvallisuuden tunne";
    draft.summary = "Äiti, öljy, Åland, €, ja 😀.\nToinen rivi.";
    draft.unit = "kotihoito";
    draft.tags = {"ikäihmiset", "etähoito"};
    draft.test_card.we_believe = "etäkäynti riittää iltaisin";
    draft.arms[1].name = "etäkäynti";
    draft.metrics[0].unit = "pistettä (1–5)";
    const Experiment e = t.create(draft);
    const Experiment back = t.get(e.key);
    CHECK(back.title == draft.title);
    CHECK(back.summary == draft.summary);
    CHECK(back.organisation == "Kärsämäki");
    CHECK(back.tags == std::vector<std::string>{"etähoito", "ikäihmiset"});
    CHECK(back.test_card.we_believe == draft.test_card.we_believe);
    CHECK(back.arm("ETÄKÄYNTI").name == "etäkäynti");
    CHECK(back.metrics[0].unit == "pistettä (1–5)");

    const JournalEntry note = t.note(e.key, "Asiakas kertoi: \"tuntuu turvalliselta\"", "Päivi", at(2025, 3, 6));
    CHECK(note.id > 0);
    const auto journal = t.journal(e.key);
    REQUIRE(journal.size() == 1);
    CHECK(journal[0].text == "Asiakas kertoi: \"tuntuu turvalliselta\"");
    CHECK(journal[0].author == "Päivi");
    CHECK(journal[0].at == at(2025, 3, 6));
    CHECK(field_of_error([&] { t.note(e.key, " "); }) == "text");
    CHECK(field_of_error([&] { t.note(e.key, "x", std::string(201, 'a')); }) == "author");
    CHECK(t.journal(e.key).size() == 1);
}

TEST_CASE("Experiment look-ups without a store", "[tracker][experiment]") {
    Experiment e;
    CHECK_THROWS_AS(e.primary_metric(), InvalidArgumentError);
    e = home_care_draft();
    e.metrics[0].role = MetricRole::secondary;
    CHECK_THROWS_AS(e.primary_metric(), InvalidArgumentError);
    e.metrics[2].role = MetricRole::primary;
    CHECK(e.primary_metric().name == "wait_days");
    CHECK(&e.metric("wait_days") == &e.metrics[2]);
    CHECK(&e.metric("Wait_Days") == &e.metrics[2]);
    CHECK(&e.arm("CONTROL") == &e.arms[0]);
    CHECK_THROWS_WITH(e.arm("phone"), "arm not found: phone");
}
