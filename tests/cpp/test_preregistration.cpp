#include "preregistration.hpp"
#include "test_tracker_support.hpp"

#include "kokeilu/tracker.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

using namespace kokeilu;
using kokeilu::testing::home_care_draft;

TEST_CASE("preregistration_hash is deterministic hex", "[preregistration]") {
    const Experiment e = home_care_draft();
    const std::string hash = preregistration_hash(e);
    CHECK(hash.size() == 32);
    CHECK(hash.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(preregistration_hash(home_care_draft()) == hash);
}

TEST_CASE("preregistration_hash ignores ids, order and fields outside the lock", "[preregistration]") {
    const Experiment e = home_care_draft();
    const std::string hash = preregistration_hash(e);

    Experiment with_ids = e;
    with_ids.id = 42;
    for (std::size_t i = 0; i < with_ids.arms.size(); ++i) with_ids.arms[i].id = static_cast<std::int64_t>(10 + i);
    for (std::size_t i = 0; i < with_ids.metrics.size(); ++i) with_ids.metrics[i].id = static_cast<std::int64_t>(20 + i);
    CHECK(preregistration_hash(with_ids) == hash);

    Experiment reordered = e;
    std::swap(reordered.arms[0], reordered.arms[1]);
    std::swap(reordered.metrics[0], reordered.metrics[3]);
    CHECK(preregistration_hash(reordered) == hash);

    Experiment free_fields = e;
    free_fields.title = "Another title";
    free_fields.tags = {"other"};
    free_fields.planned_cost_eur = 1.0;
    free_fields.owner = "Eero";
    CHECK(preregistration_hash(free_fields) == hash);
}

TEST_CASE("preregistration_hash changes with every pre-registered field", "[preregistration]") {
    const std::vector<std::pair<std::string, std::function<void(Experiment&)>>> changes = {
        {"we_believe", [](Experiment& e) { e.test_card.we_believe += "."; }},
        {"to_verify", [](Experiment& e) { e.test_card.to_verify += "."; }},
        {"and_measure", [](Experiment& e) { e.test_card.and_measure += "."; }},
        {"right_if", [](Experiment& e) { e.test_card.right_if += "."; }},
        {"design", [](Experiment& e) { e.design = DesignKind::before_after; }},
        {"arm name", [](Experiment& e) { e.arms[1].name = "video2"; }},
        {"arm role", [](Experiment& e) { e.arms[1].role = ArmRole::after; }},
        {"arm description", [](Experiment& e) { e.arms[1].description = "x"; }},
        {"arm share", [](Experiment& e) { e.arms[1].share = 2.0; }},
        {"arm added", [](Experiment& e) { e.arms.push_back(Arm{0, "phone", ArmRole::treatment, "", {}}); }},
        {"metric name", [](Experiment& e) { e.metrics[0].name = "security"; }},
        {"metric label", [](Experiment& e) { e.metrics[0].label = "sense of security"; }},
        {"metric unit", [](Experiment& e) { e.metrics[0].unit = "points"; }},
        {"metric description", [](Experiment& e) { e.metrics[0].description = "survey"; }},
        {"metric kind", [](Experiment& e) { e.metrics[0].kind = MetricKind::count; }},
        {"metric role", [](Experiment& e) { e.metrics[0].role = MetricRole::secondary; }},
        {"metric direction", [](Experiment& e) { e.metrics[0].direction = Direction::lower_is_better; }},
        {"metric impact", [](Experiment& e) { e.metrics[0].impact = ImpactClass::activity_output; }},
        {"metric baseline", [](Experiment& e) { e.metrics[0].baseline = 3.6000000000000001 + 1e-15; }},
        {"metric baseline removed", [](Experiment& e) { e.metrics[0].baseline.reset(); }},
        {"metric baseline_sd", [](Experiment& e) { e.metrics[0].baseline_sd = 1.0; }},
        {"metric minimum_effect", [](Experiment& e) { e.metrics[0].minimum_effect = 0.25; }},
        {"metric effect_scale", [](Experiment& e) { e.metrics[0].effect_scale = EffectScale::relative; }},
        {"metric confidence", [](Experiment& e) { e.metrics[0].confidence = 0.9; }},
        {"metric removed", [](Experiment& e) { e.metrics.pop_back(); }},
    };
    const Experiment base = home_care_draft();
    std::set<std::string> seen{preregistration_hash(base)};
    for (const auto& [name, change] : changes) {
        INFO(name);
        Experiment changed = base;
        change(changed);
        const auto [it, inserted] = seen.insert(preregistration_hash(changed));
        CHECK(inserted);
    }
}

TEST_CASE("the canonical text cannot be forged by field contents", "[preregistration]") {
    Experiment a = home_care_draft();
    Experiment b = a;
    a.test_card.we_believe = "x";
    a.test_card.to_verify = "y";
    b.test_card.we_believe = "x\ntest_card.to_verify 1:y";
    b.test_card.to_verify = "";
    CHECK(preregistration_hash(a) != preregistration_hash(b));
}

TEST_CASE("preregistered_changes lists changed fields with readable values", "[preregistration]") {
    const Experiment before = home_care_draft();
    Experiment after = before;
    after.test_card.right_if = "the sense of security rises";
    after.metrics[2].minimum_effect = 1.5;
    after.metrics[0].baseline.reset();
    after.metrics.erase(after.metrics.begin() + 3);  // calls
    Metric visits;
    visits.name = "visits";
    visits.kind = MetricKind::count;
    visits.role = MetricRole::secondary;
    visits.minimum_effect = 1.0;
    after.metrics.push_back(visits);
    after.arms[1].description = "video on Mondays";
    after.title = "not pre-registered";

    const auto changes = detail::preregistered_changes(before, after);
    using detail::FieldChange;
    const std::vector<FieldChange> expected = {
        {"test_card.right_if", before.test_card.right_if, "the sense of security rises"},
        {"arms[video].description", "video visits for part of the evenings", "video on Mondays"},
        {"metrics[sense_of_security].baseline", "3.6", "(none)"},
        {"metrics[wait_days].minimum_effect", "2", "1.5"},
        {"metrics[calls]", detail::describe(before.metrics[3]), "(none)"},
        {"metrics[visits]", "(none)", detail::describe(visits)},
    };
    CHECK(changes == expected);
    CHECK(detail::describe(visits).find("kind=count") != std::string::npos);
    CHECK(detail::preregistered_changes(before, before).empty());
}

TEST_CASE("preregistered_changes pairs by id before name", "[preregistration]") {
    Experiment before = home_care_draft();
    before.arms[0].id = 1;
    before.arms[1].id = 2;
    Experiment after = before;
    after.arms[1].name = "etävierailu";  // renamed, same id
    const auto changes = detail::preregistered_changes(before, after);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0] == detail::FieldChange{"arms[video].name", "video", "etävierailu"});
}
