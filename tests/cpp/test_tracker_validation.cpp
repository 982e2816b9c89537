#include "test_tracker_support.hpp"

#include "kokeilu/tracker.hpp"

#include <catch2/catch.hpp>

#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();

using Change = std::function<void(Experiment&)>;

Metric& metric_named(Experiment& e, const std::string& name) {
    for (auto& m : e.metrics)
        if (m.name == name) return m;
    throw std::logic_error("no metric " + name);
}

Experiment one_sample_draft() {
    Experiment e = home_care_draft("Ii");
    e.design = DesignKind::one_sample;
    e.arms = {Arm{0, "group", ArmRole::group, "every client", {}}};
    return e;
}

// Each bad input with the field its error must name.
const std::vector<std::pair<std::string, Change>>& bad_inputs() {
    static const std::vector<std::pair<std::string, Change>> cases = {
        {"title", [](Experiment& e) { e.title = " \t "; }},
        {"title", [](Experiment& e) { e.title = std::string(201, 'x'); }},
        {"title", [](Experiment& e) { e.title = "K\xE4rs\xE4m\xE4ki"; }},  // Latin-1
        {"title", [](Experiment& e) { e.title = std::string("a\0b", 3); }},
        {"summary", [](Experiment& e) { e.summary = std::string(64 * 1024 + 1, 's'); }},
        {"summary", [](Experiment& e) { e.summary = "\xED\xA0\x80"; }},  // a surrogate
        {"organisation", [](Experiment& e) { e.organisation = ""; }},
        {"organisation", [](Experiment& e) { e.organisation = "\xC0\xAF"; }},  // overlong
        {"unit", [](Experiment& e) { e.unit = std::string(201, 'u'); }},
        {"owner", [](Experiment& e) { e.owner = "\xF4\x90\x80\x80"; }},  // above U+10FFFF
        {"tags[0]", [](Experiment& e) { e.tags = {std::string(201, 't')}; }},
        {"risk", [](Experiment& e) { e.risk = "\x80"; }},
        {"purposes", [](Experiment& e) { e.purposes.clear(); }},
        {"planned_end", [](Experiment& e) { e.planned_end = Date(2026, 2, 28); }},
        {"planned_start", [](Experiment& e) { e.planned_start = Date(boost::date_time::not_a_date_time); }},
        {"planned_cost_eur", [](Experiment& e) { e.planned_cost_eur = -1.0; }},
        {"actual_cost_eur", [](Experiment& e) { e.actual_cost_eur = not_a_number; }},
        {"planned_effort_hours", [](Experiment& e) { e.planned_effort_hours = inf; }},
        {"actual_effort_hours", [](Experiment& e) { e.actual_effort_hours = -0.5; }},
        {"test_card.we_believe", [](Experiment& e) { e.test_card.we_believe = std::string(64 * 1024 + 1, 'b'); }},
        {"test_card.right_if", [](Experiment& e) { e.test_card.right_if = "\xFF"; }},
        // Design and arms.
        {"arms", [](Experiment& e) { e.arms.pop_back(); }},  // no treatment
        {"arms", [](Experiment& e) { e.arms.push_back(Arm{0, "control2", ArmRole::control, "", {}}); }},
        {"arms[video].role", [](Experiment& e) { e.arms[1].role = ArmRole::after; }},
        {"arms[1].name", [](Experiment& e) { e.arms[1].name = " "; }},
        {"arms[1].name", [](Experiment& e) { e.arms[1].name = "Control"; }},
        {"arms[1].name", [](Experiment& e) { e.arms[1].name = std::string(201, 'a'); }},
        {"arms[1].name", [](Experiment& e) { e.arms[1].name = "vi\x1f" "deo"; }},
        {"metrics[1].name", [](Experiment& e) { e.metrics[1].name = "missed\nmedication"; }},
        {"arms[video].description", [](Experiment& e) { e.arms[1].description = "\xC3"; }},
        {"arms", [](Experiment& e) {
             e.design = DesignKind::before_after;
             e.arms = {Arm{0, "before", ArmRole::before, "", {}}};
         }},
        {"arms[control].role", [](Experiment& e) { e.design = DesignKind::before_after; }},
        {"arms[control].role", [](Experiment& e) { e.design = DesignKind::one_sample; }},
        {"design", [](Experiment& e) { e.design = static_cast<DesignKind>(7); }},
        // Metrics.
        {"metrics", [](Experiment& e) { metric_named(e, "wait_days").role = MetricRole::primary; }},
        {"metrics", [](Experiment& e) { metric_named(e, "sense_of_security").role = MetricRole::secondary; }},
        {"metrics", [](Experiment& e) { e.metrics.clear(); }},
        {"metrics[2].name", [](Experiment& e) { e.metrics[2].name = ""; }},
        {"metrics[2].name", [](Experiment& e) { e.metrics[2].name = "Sense_Of_Security"; }},
        {"metrics[wait_days].unit", [](Experiment& e) { metric_named(e, "wait_days").unit = std::string(201, 'd'); }},
        {"metrics[wait_days].minimum_effect", [](Experiment& e) { metric_named(e, "wait_days").minimum_effect = 0.0; }},
        {"metrics[wait_days].minimum_effect", [](Experiment& e) { metric_named(e, "wait_days").minimum_effect = -2.0; }},
        {"metrics[wait_days].minimum_effect", [](Experiment& e) { metric_named(e, "wait_days").minimum_effect = not_a_number; }},
        {"metrics[missed_medication].minimum_effect",
         [](Experiment& e) { metric_named(e, "missed_medication").minimum_effect = 1.0; }},
        {"metrics[wait_days].confidence", [](Experiment& e) { metric_named(e, "wait_days").confidence = 0.5; }},
        {"metrics[wait_days].confidence", [](Experiment& e) { metric_named(e, "wait_days").confidence = 1.0; }},
        {"metrics[wait_days].confidence", [](Experiment& e) { metric_named(e, "wait_days").confidence = 95.0; }},
        {"metrics[wait_days].baseline", [](Experiment& e) { metric_named(e, "wait_days").baseline = inf; }},
        {"metrics[missed_medication].baseline", [](Experiment& e) { metric_named(e, "missed_medication").baseline = 1.2; }},
        {"metrics[calls].baseline", [](Experiment& e) { metric_named(e, "calls").baseline = -1.0; }},
        {"metrics[sense_of_security].baseline_sd",
         [](Experiment& e) { metric_named(e, "sense_of_security").baseline_sd = 0.0; }},
        {"metrics[wait_days].kind", [](Experiment& e) { metric_named(e, "wait_days").kind = static_cast<MetricKind>(9); }},
    };
    return cases;
}

}  // namespace

TEST_CASE("create refuses bad input, naming the field, and writes nothing", "[tracker][validation]") {
    Tracker t = memory_tracker();
    for (const auto& [field, change] : bad_inputs()) {
        INFO("expected field " << field);
        Experiment draft = home_care_draft();
        change(draft);
        CHECK(field_of_error([&] { t.create(draft); }) == field);
        CHECK(t.experiments().empty());
    }
    CHECK(t.create(home_care_draft()).key == "OULU-2026-001");  // no number was used up
}

TEST_CASE("update refuses the same bad input and leaves the stored experiment alone", "[tracker][validation]") {
    Tracker t = memory_tracker();
    const Experiment stored = t.create(home_care_draft());
    for (const auto& [field, change] : bad_inputs()) {
        INFO("expected field " << field);
        Experiment revised = stored;
        change(revised);
        CHECK(field_of_error([&] { t.update(revised); }) == field);
        CHECK(same_experiment(t.get(stored.key), stored));
    }
}

TEST_CASE("one-sample designs need a group and a baseline", "[tracker][validation]") {
    Tracker t = memory_tracker();
    Experiment ok = one_sample_draft();
    CHECK(t.create(ok).design == DesignKind::one_sample);

    Experiment no_baseline = one_sample_draft();
    no_baseline.metrics[0].baseline.reset();
    CHECK(field_of_error([&] { t.create(no_baseline); }) == "metrics[sense_of_security].baseline");

    Experiment two_groups = one_sample_draft();
    two_groups.arms.push_back(Arm{0, "other", ArmRole::group, "", {}});
    CHECK(field_of_error([&] { t.create(two_groups); }) == "arms");

    Experiment relative_without_baseline = one_sample_draft();
    relative_without_baseline.metrics[3].effect_scale = EffectScale::relative;  // calls: no baseline
    CHECK(field_of_error([&] { t.create(relative_without_baseline); }) == "metrics[calls].baseline");
    CHECK(t.experiments().size() == 1);
}

TEST_CASE("before/after designs need exactly one period of each", "[tracker][validation]") {
    Tracker t = memory_tracker();
    Experiment e = home_care_draft("Kuusamo");
    e.design = DesignKind::before_after;
    e.arms = {Arm{0, "before", ArmRole::before, "", {}}, Arm{0, "after", ArmRole::after, "", {}}};
    CHECK(t.create(e).key == "KUUSAMO-2026-001");
    e.arms.push_back(Arm{0, "after2", ArmRole::after, "", {}});
    CHECK(field_of_error([&] { t.create(e); }) == "arms");
    CHECK(t.experiments().size() == 1);
}

TEST_CASE("text limits are in bytes, at the limit accepted", "[tracker][validation]") {
    Tracker t = memory_tracker();
    Experiment e = home_care_draft();
    e.title = std::string(200 - 2, 'a') + "ä";  // 198 + 2 bytes
    e.summary = std::string(64 * 1024, 's');
    const Experiment created = t.create(e);
    CHECK(created.title.size() == 200);
    CHECK(t.get(created.key).summary.size() == 64 * 1024);
    e.title = std::string(199, 'a') + "ä";  // 201 bytes
    CHECK(field_of_error([&] { t.create(e); }) == "title");
}

TEST_CASE("a cost or an effort of zero is a valid amount", "[validation][tracker]") {
    // Only a negative amount is refused: an experiment may cost nothing.
    Tracker t = memory_tracker();
    Experiment e = home_care_draft();
    e.planned_cost_eur = 0.0;
    e.actual_cost_eur = 0.0;
    e.planned_effort_hours = 0.0;
    e.actual_effort_hours = 0.0;
    CHECK_NOTHROW(t.create(e));
}
