// A metric's label (kokeilu::Metric::label): what people read in sentences, tables and plots,
// kept in NFC and refused with characters that show nothing, as names are; hashed, kept in the
// locked criterion and recorded in the history only when set (experiments made before it hash and
// record as they did); and the name the verdict's sentence and the analysis' warnings say.
#include "kokeilu/metric.hpp"

#include "history_payload.hpp"
#include "kokeilu/error.hpp"
#include "kokeilu/locked_criterion.hpp"
#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/tracker.hpp"
#include "preregistration.hpp"
#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr unsigned short year = 2025;

Experiment labelled() {
    Experiment e = home_care_draft();
    e.metrics[0].label = "sense of security";
    return e;
}

void log_security(Tracker& t, const std::string& key) {
    std::vector<Observation> rows;
    for (int i = 0; i < 40; ++i) {
        Observation o;
        o.at = at(year, 3, 3) + boost::posix_time::minutes(i);
        o.metric = "sense_of_security";
        o.arm = i % 2 == 0 ? "control" : "video";
        o.value = (i % 2 == 0 ? 3.0 : 3.6) + (i % 5) * 0.2;
        rows.push_back(o);
    }
    t.log_many(key, rows);
}

}  // namespace

TEST_CASE("a label is kept in NFC and refused where a name would be", "[labels][validation]") {
    Tracker t = memory_tracker();
    Experiment e = home_care_draft();
    e.metrics[0].label = " turvallisuuden tunne ";  // trimmed
    CHECK(t.create(e).metrics[0].label == "turvallisuuden tunne");
    e.metrics[0].label = "Cafe\u0301";  // e and a combining acute accent: NFC makes one character
    CHECK(t.create(e).metrics[0].label == "Caf\u00e9");
    for (const char* bad : {"sense\u200bof security", "sense\nof security", "\u202eytiruces"}) {
        INFO(bad);
        e.metrics[0].label = bad;
        CHECK(field_of_error([&] { (void)t.create(e); }) == "metrics[sense_of_security].label");
    }
    CHECK(t.create(home_care_draft()).metrics[0].label.empty());
    CHECK(shown_name(home_care_draft().metrics[0]) == "sense_of_security");
    CHECK(shown_name(labelled().metrics[0]) == "sense of security");
}

TEST_CASE("no label leaves the lock hash, the locked criterion and the history record as they were", "[labels][history]") {
    const Experiment plain = home_care_draft();
    CHECK(preregistration_hash(plain) == "985c4a9b4fd55259a4ddc1221c82dd04");
    CHECK(detail::experiment_record(plain).find("label") == std::string::npos);
    CHECK(detail::locked_criterion_text(lock_of(plain)).find("label") == std::string::npos);

    const Experiment with_label = labelled();
    CHECK(preregistration_hash(with_label) != preregistration_hash(plain));
    CHECK(detail::experiment_record(with_label).find("metrics[sense_of_security].label\t17:sense of security\n") !=
          std::string::npos);
    CHECK(detail::parse_locked_criterion(detail::locked_criterion_text(lock_of(with_label))) == lock_of(with_label));
}

TEST_CASE("the verdict and the warnings say the label; the comparisons keep the identifier", "[labels][stats]") {
    Tracker t = memory_tracker();
    const std::string key = t.start(t.create(labelled()).key, Date(year, 3, 2)).key;
    log_security(t, key);
    const stats::Analysis a = stats::analyze(t, key);
    CHECK(a.verdict.metric == "sense_of_security");
    CHECK(a.verdict.sentence_en.find("sense of security") != std::string::npos);
    CHECK(a.verdict.sentence_en.find("sense_of_security") == std::string::npos);
    for (const Message& w : a.warning_messages)
        for (const auto& [name, value] : w.params)
            if (name == "metric") CHECK(std::get<std::string>(value) == "sense of security");
    bool compared = false;
    for (const auto& c : a.comparisons) compared = compared || c.metric == "sense_of_security";
    CHECK(compared);

    // Relabelled after the start: an amendment, not a change of the criterion; the sentence says
    // the current label.
    Experiment revised = t.get(key);
    revised.metrics[0].label = "turvallisuuden tunne";
    const Experiment amended = t.update(revised, "in Finnish", "anna");
    REQUIRE(amended.amendments.size() == 1);
    CHECK(amended.amendments[0].field == "metrics[sense_of_security].label");
    CHECK(criterion_changes(amended).empty());
    CHECK(stats::analyze(t, key).verdict.sentence_en.find("turvallisuuden tunne") != std::string::npos);
    CHECK(t.verify().ok());
}
