// Names that cannot deceive (NFC, no invisible or direction-changing characters), reasons that
// say something, and a metric's valid range: in the core, at every door.
#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "kokeilu/tracker.hpp"
#include "preregistration.hpp"
#include "test_tracker_support.hpp"
#include "unicode_text.hpp"
#include "validation.hpp"

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr unsigned short year = 2025;

Observation unit(const Time& when, const std::string& arm, double value, const std::string& metric = "") {
    Observation o;
    o.at = when;
    o.arm = arm;
    o.value = value;
    o.metric = metric;
    return o;
}

Experiment survey_draft() {
    Experiment e = home_care_draft();
    e.metrics[0].valid_min = 1.0;
    e.metrics[0].valid_max = 5.0;
    return e;
}

}  // namespace

TEST_CASE("unicode_text: NFC, visible characters, hidden code points", "[unicode][names]") {
    using namespace kokeilu::detail;
    CHECK(to_nfc("cafe\u0301") == "caf\u00e9");
    CHECK(to_nfc("plain") == "plain");
    CHECK(to_nfc("\xff") == "\xff");  // malformed: left for the UTF-8 check to name
    CHECK(with_ascii_spaces("a\u00a0b\u2003c") == "a b c");
    for (const char* hidden : {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202a", "\u202b",
                               "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200e",
                               "\u200f", "\u061c", "\u3164", "\u2028", "\u0085", "\ufe0f"}) {
        INFO(hidden);
        CHECK(first_hidden_code_point(std::string("con") + hidden + "trol").has_value());
        CHECK_FALSE(has_visible_character(hidden));
    }
    CHECK(*first_hidden_code_point("a\u200bb") == U'\u200b');
    CHECK(code_point_name(U'\u200b') == "U+200B");
    CHECK_FALSE(first_hidden_code_point("Kotihoito \u00e4\u00f6 \U0001F3E0 e\u0301").has_value());
    CHECK_FALSE(has_visible_character(" \u00a0\u200b\u3000\t"));
    CHECK(has_visible_character("\u00a0.\u200b"));
    CHECK(has_visible_character("\u00e4"));
}

TEST_CASE("names are kept in NFC and refused when they hold what shows nothing", "[tracker][names]") {
    Tracker t = memory_tracker();
    Experiment e = home_care_draft();
    e.arms[1].name = "con\u200btrol";
    CHECK(field_of_error([&] { t.create(e); }) == "arms[1].name");
    e = home_care_draft();
    e.metrics[2].name = "wait\u202edays";
    CHECK(field_of_error([&] { t.create(e); }) == "metrics[2].name");
    e = home_care_draft();
    e.tags = {"video\u2066"};
    CHECK(field_of_error([&] { t.create(e); }) == "tags[0]");
    e = home_care_draft();
    e.organisation = "Oulu\u00ad";
    CHECK(field_of_error([&] { t.create(e); }) == "organisation");

    // The same name typed two ways is one name.
    e = home_care_draft();
    e.arms[0].name = "caf\u00e9";
    e.arms[1].name = "cafe\u0301";
    CHECK(field_of_error([&] { t.create(e); }) == "arms[1].name");
    CHECK(same_name("CAFE\u0301", "caf\u00e9"));
    CHECK(same_name("\u00c4iti", "a\u0308iti"));
    CHECK_FALSE(same_name("cafe", "caf\u00e9"));

    e = home_care_draft();
    e.arms[1].name = "vide\u0301o";
    e.tags = {"kotihoito\u00a0", "ilta\u2003hoito"};
    const Experiment stored = t.create(e);
    CHECK(stored.arms[1].name == "vid\u00e9o");
    CHECK(stored.tags == std::vector<std::string>{"ilta hoito", "kotihoito"});
    t.start(stored.key, Date(year, 3, 2));
    t.log(stored.key, unit(at(year, 3, 3), "VIDE\u0301O", 3.0));  // found as typed, in NFD
    const ObservationTable table = t.observations(stored.key);
    REQUIRE(table.size() == 1);
    CHECK(table.arm_names[static_cast<std::size_t>(table.arm_index[0])] == "vid\u00e9o");
}

TEST_CASE("a name stored before NFC keeps its spelling through an update", "[tracker][names]") {
    // A name saved as NFD by an earlier version (here: straight into the store) is the same name
    // to the lock; updating something else must not turn it into an amendment.
    // The store is kept beside the tracker that owns it: the Tracker offers no way around its rules.
    std::unique_ptr<Store> owned = open_sqlite_store(":memory:");
    Store& store = *owned;
    Tracker t(std::move(owned));
    Experiment draft = home_care_draft();
    const Experiment created = t.create(draft);
    Experiment e = t.get(created.key);
    e.arms[1].name = "vide\u0301o";
    store.save_experiment(e, {}, std::nullopt, HistoryKind::update);
    t.start(created.key, Date(year, 3, 2));
    Experiment running = t.get(created.key);
    REQUIRE(running.arms[1].name == "vide\u0301o");
    running.title = "A new title";
    const Experiment updated = t.update(running);
    CHECK(updated.amendments.empty());
    CHECK(updated.arms[1].name == "vide\u0301o");
    CHECK(updated.lock_hash == running.lock_hash);
}

TEST_CASE("a reason must hold a visible character", "[tracker][names][reasons]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(home_care_draft()).key;
    CHECK(field_of_error([&] { t.note(key, "\u200b\u00a0"); }) == "text");
    CHECK(field_of_error([&] { t.stop(key, "\u2060 \u3000"); }) == "reason");
    t.start(key, Date(year, 3, 2));
    Experiment e = t.get(key);
    e.test_card.right_if = "a stricter criterion";
    CHECK(state_error_of([&] { t.update(e, "\u200b"); }).find("give a reason") != std::string::npos);
    CHECK(t.get(key).amendments.empty());
    CHECK(t.journal(key).empty());
    t.note(key, "\u00a0ok");
    CHECK(t.journal(key).size() == 1);
}

TEST_CASE("a valid range is checked when the metric is defined", "[tracker][range]") {
    Tracker t = memory_tracker();
    Experiment e = survey_draft();
    e.metrics[0].valid_min = 5.0;
    e.metrics[0].valid_max = 1.0;
    CHECK(field_of_error([&] { t.create(e); }) == "metrics[sense_of_security].valid_max");
    e = survey_draft();
    e.metrics[0].valid_max = std::numeric_limits<double>::infinity();
    CHECK(field_of_error([&] { t.create(e); }) == "metrics[sense_of_security].valid_max");
    e = survey_draft();
    e.metrics[0].baseline = 6.0;
    CHECK(field_of_error([&] { t.create(e); }) == "metrics[sense_of_security].baseline");
    e = survey_draft();
    e.metrics[1].valid_max = 1.0;  // a proportion
    CHECK(field_of_error([&] { t.create(e); }) == "metrics[missed_medication].valid_max");
    e = survey_draft();
    e.metrics[3].valid_max = -1.0;  // a count
    CHECK(field_of_error([&] { t.create(e); }) == "metrics[calls].valid_max");
    const Experiment stored = t.create(survey_draft());
    CHECK(stored.metrics[0].valid_min == 1.0);
    CHECK(stored.metrics[0].valid_max == 5.0);
}

TEST_CASE("values outside a metric's valid range are refused at every door", "[tracker][range]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(survey_draft()).key;
    t.start(key, Date(year, 3, 2));
    const Time when = at(year, 3, 3);
    t.log(key, unit(when, "control", 1.0));
    t.log(key, unit(when, "control", 5.0));
    CHECK(field_of_error([&] { t.log(key, unit(when, "control", 5.5)); }) == "value");
    CHECK(field_of_error([&] { t.log(key, unit(when, "control", 0.0)); }) == "value");
    const std::vector<Observation> batch{unit(when, "video", 3.0), unit(when, "video", 7.0)};
    CHECK(field_of_error([&] { t.log_many(key, batch); }) == "observations[1].value");

    const std::vector<std::int64_t> times(3, to_unix_micros(when));
    const std::vector<double> values{2.0, 3.0, -1.0};
    ObservationColumns columns;
    columns.at_us = times;
    columns.values = values;
    columns.arm_names = {"video"};
    CHECK(field_of_error([&] { t.log_columns(key, "", columns); }) == "value[2]");

    // Aggregated rows: the mean in the range, and a spread that values in the range can give.
    Observation row;
    row.at = when;
    row.arm = "video";
    row.aggregate = Aggregate::mean(2, 12.0, 72.0);  // mean 6
    CHECK(field_of_error([&] { t.log(key, row); }) == "aggregate.sum");
    row.aggregate = Aggregate::mean(2, 6.0, 26.0);  // 1 and 5: the widest spread there is
    t.log(key, row);
    row.aggregate = Aggregate::mean(2, 6.0, 30.0);  // wider than 1-5 allows
    CHECK(field_of_error([&] { t.log(key, row); }) == "aggregate.sum_sq");
    CHECK(t.count_observations(key) == 3);
}

TEST_CASE("a valid range is amended with a reason, and only to one the stored data keeps", "[tracker][range]") {
    Tracker t = memory_tracker();
    const std::string key = t.create(survey_draft()).key;
    const Experiment running = t.start(key, Date(year, 3, 2));
    t.log(key, unit(at(year, 3, 3), "control", 5.0));
    Experiment e = t.get(key);
    e.metrics[0].valid_max = 4.0;
    CHECK(field_of_error([&] { t.update(e, "a shorter scale"); }) == "metrics[sense_of_security].valid_max");
    e.metrics[0].valid_max = 7.0;
    CHECK(state_error_of([&] { t.update(e); }).find("give a reason") != std::string::npos);
    const Experiment amended = t.update(e, "the survey got two more steps");
    REQUIRE(amended.amendments.size() == 1);
    CHECK(amended.amendments[0].field == "metrics[sense_of_security].valid_max");
    CHECK(amended.amendments[0].old_value == "5");
    CHECK(amended.amendments[0].new_value == "7");
    CHECK(amended.lock_hash != running.lock_hash);
}

TEST_CASE("the lock hash takes a valid range in only when one is set", "[preregistration][range]") {
    // Experiments locked before valid ranges existed hash exactly as they did: the hashed text of a
    // metric without a range is the text it always was.
    const Experiment plain = home_care_draft();
    const std::string text = detail::preregistration_text(plain);
    CHECK(text.find("valid_min") == std::string::npos);
    CHECK(text.find("valid_max") == std::string::npos);
    // The text of the first version, field by field, for the primary metric.
    CHECK(text.find("metric\nname 17:sense_of_security\nunit 12:points (1-5)\ndescription 0:\nkind 4:mean\n"
                    "role 7:primary\ndirection 16:higher_is_better\nimpact 16:customer_outcome\nbaseline 3:3.6\n"
                    "baseline_sd 3:0.9\nminimum_effect 3:0.3\neffect_scale 8:absolute\nconfidence 4:0.95\n") !=
          std::string::npos);
    Experiment ranged = home_care_draft();
    ranged.metrics[0].valid_max = 5.0;
    CHECK(preregistration_hash(ranged) != preregistration_hash(plain));
    CHECK(detail::preregistration_text(ranged).find("confidence 4:0.95\nvalid_max 1:5\n") != std::string::npos);
}
