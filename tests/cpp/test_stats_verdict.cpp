#include "kokeilu/stats/verdict.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <limits>
#include <string>
#include <variant>
#include <vector>

using namespace kokeilu::stats;
using kokeilu::Amendment;
using kokeilu::Direction;
using kokeilu::ImpactClass;
using kokeilu::Metric;
using kokeilu::Verdict;

namespace {
Metric security() {
    Metric m;
    m.name = "sense_of_security";
    m.unit = "points";
    m.direction = Direction::higher_is_better;
    m.minimum_effect = 0.3;
    return m;
}
Estimate effect(double estimate, double low, double high) {
    Estimate e;
    e.estimate = estimate;
    e.ci_low = low;
    e.ci_high = high;
    return e;
}
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("Supported when the interval clears zero in the hoped direction", "[stats][verdict]") {
    const VerdictResult r = judge(security(), effect(0.5, 0.35, 0.65), 200);
    CHECK(r.verdict == Verdict::supported);
    CHECK(r.reason == VerdictReason::improvement);
    CHECK_FALSE(r.additional_observations.has_value());
    CHECK(contains(r.sentence_en, "The experiment supported the hypothesis: sense_of_security rose by 0.5 points"));
    CHECK(contains(r.sentence_en, "(higher is better; 95% interval 0.35 to 0.65)"));
    CHECK(r.message.code == "stats.verdict.improvement");
    // Above zero but possibly below the minimum effect: still supported, and said so.
    const VerdictResult partly = judge(security(), effect(0.4, 0.1, 0.7), 200);
    CHECK(partly.verdict == Verdict::supported);
    CHECK(contains(partly.sentence_en, "may be smaller than the minimum worthwhile effect of 0.3 points"));
}

TEST_CASE("Refuted when the interval excludes the minimum worthwhile effect", "[stats][verdict]") {
    const VerdictResult small = judge(security(), effect(0.1, 0.02, 0.18), 500);
    CHECK(small.verdict == Verdict::refuted);
    CHECK(small.reason == VerdictReason::too_small);
    CHECK(small.message.code == "stats.verdict.too_small");
    const VerdictResult worse = judge(security(), effect(-0.4, -0.6, -0.2), 500);
    CHECK(worse.verdict == Verdict::refuted);
    CHECK(worse.reason == VerdictReason::wrong_direction);
    CHECK(contains(worse.sentence_en, "got worse"));
    CHECK(worse.message.code == "stats.verdict.wrong_direction");
}

TEST_CASE("Lower-is-better metrics are turned before judging", "[stats][verdict]") {
    Metric wait = security();
    wait.name = "waiting_days";
    wait.unit = "days";
    wait.direction = Direction::lower_is_better;
    wait.minimum_effect = 2.0;
    const VerdictResult r = judge(wait, effect(-3.0, -4.5, -1.5), 120);
    CHECK(r.verdict == Verdict::supported);
    CHECK(r.improvement == 3.0);
    CHECK(r.improvement_low == 1.5);
    CHECK(contains(r.sentence_en, "waiting_days fell by 3 days"));
    CHECK(r.message.english() == r.sentence_en);
    CHECK(judge(wait, effect(1.0, 0.2, 1.8), 120).verdict == Verdict::refuted);
}

TEST_CASE("Inconclusive says how many more observations would likely decide", "[stats][verdict]") {
    // Improvement 0.2 with half-width 0.3: refuting needs the half-width below 0.1 (0.3 - 0.2),
    // supporting below 0.2; the nearer is supporting, at 100 * (0.3 / 0.2)^2 = 225 observations.
    const VerdictResult r = judge(security(), effect(0.2, -0.1, 0.5), 100);
    CHECK(r.verdict == Verdict::inconclusive);
    CHECK(r.reason == VerdictReason::undecided);
    REQUIRE(r.additional_observations.has_value());
    CHECK(*r.additional_observations == 125);
    CHECK(contains(r.sentence_en, "about 125 more observations would likely decide it."));
    CHECK(r.message.code == "stats.verdict.undecided_more_data");
}

TEST_CASE("An activity metric never supports the hypothesis", "[stats][verdict]") {
    Metric visits = security();
    visits.name = "visits_made";
    visits.unit = "visits";
    visits.impact = ImpactClass::activity_output;
    const VerdictResult r = judge(visits, effect(5.0, 3.0, 7.0), 300);
    CHECK(r.verdict == Verdict::inconclusive);
    CHECK(r.reason == VerdictReason::customer_impact_unmeasured);
    CHECK_FALSE(r.customer_impact_measured);
    CHECK_FALSE(r.additional_observations.has_value());  // more data cannot make it supported
    CHECK(contains(r.sentence_en, "Customer impact was not measured"));
    CHECK(r.message.code == "stats.verdict.customer_impact_unmeasured");
    CHECK(judge(visits, effect(-1.0, -2.0, -0.5), 300).verdict == Verdict::refuted);
}

TEST_CASE("Relative effects, amendments and degenerate input", "[stats][verdict]") {
    Metric m = security();
    m.effect_scale = kokeilu::EffectScale::relative;
    m.minimum_effect = 0.10;
    const std::vector<Amendment> amendments{
        {{}, "metric[sense_of_security].minimum_effect", "0.2", "0.1", "budget cut", "anna"},
        {{}, "test_card.we_believe", "a", "b", "typo", "anna"}};
    const VerdictResult r = judge(m, effect(0.15, 0.12, 0.18), 400, amendments);
    CHECK(r.verdict == Verdict::supported);
    CHECK(contains(r.sentence_en, "rose by 15 %"));
    CHECK(contains(r.sentence_en, "amended after the start (metric[sense_of_security].minimum_effect: 0.2 \u2192 0.1)"));
    REQUIRE(r.notes.size() == 1);
    CHECK(r.notes[0].code == "stats.verdict.amended_note");
    CHECK_FALSE(contains(r.sentence_en, "we_believe"));

    const VerdictResult none = judge_not_enough_data(security(), "the control arm has 1 observation");
    CHECK(none.verdict == Verdict::inconclusive);
    CHECK(none.reason == VerdictReason::not_enough_data);
    CHECK(contains(none.sentence_en, "not enough data"));

    Metric zero = security();
    zero.minimum_effect = 0.0;
    CHECK_THROWS_AS(judge(zero, effect(0.1, 0.0, 0.2), 10), kokeilu::InvalidArgumentError);
    CHECK_THROWS_AS(judge(security(), effect(0.5, 0.6, 0.7), 10), kokeilu::InvalidArgumentError);
}

TEST_CASE("Criteria and effects that cannot be judged name their field", "[stats][verdict]") {
    using kokeilu::testing::error_field;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    Metric no_minimum = security();
    no_minimum.minimum_effect = nan;
    CHECK(error_field([&] { (void)judge(no_minimum, effect(0.1, 0.0, 0.2), 10); }) == "minimum_effect");
    CHECK(error_field([&] { (void)judge_not_enough_data(no_minimum, "no data"); }) == "minimum_effect");
    Metric certain = security();
    certain.confidence = 1.0;
    CHECK(error_field([&] { (void)judge(certain, effect(0.1, 0.0, 0.2), 10); }) == "metric.confidence");
    CHECK(error_field([] { (void)judge(security(), effect(0.1, 0.0, 0.2), -1); }) == "observations");
    CHECK(error_field([&] { (void)judge(security(), effect(nan, 0.0, 0.2), 10); }) == "effect");
    CHECK(error_field([&] {
              (void)judge(security(), effect(0.1, -std::numeric_limits<double>::infinity(), 0.2), 10);
          }) == "effect");
    CHECK(error_field([&] { (void)judge(security(), effect(0.1, 0.0, nan), 10); }) == "effect");
    CHECK(error_field([] { (void)judge(security(), effect(0.3, 0.0, 0.2), 10); }) == "effect");  // above the interval
}

TEST_CASE("A change of exactly zero is said so", "[stats][verdict]") {
    const VerdictResult r = judge(security(), effect(0.0, -0.4, 0.4), 80);
    CHECK(r.verdict == Verdict::inconclusive);
    CHECK(contains(r.sentence_en, "sense_of_security did not change (higher is better; 95% interval -0.4 to 0.4)"));
    const kokeilu::MessageValue* estimate = r.message.param("estimate");
    REQUIRE(estimate != nullptr);
    CHECK(std::get<double>(*estimate) == 0.0);  // each language says "did not change" from it
}

TEST_CASE("A metric without a unit shows none",
          "[stats][verdict]") {
    Metric score = security();
    score.unit.clear();
    const VerdictResult r = judge(score, effect(-0.45, -0.62, -0.28), 300);
    CHECK(r.reason == VerdictReason::wrong_direction);
    CHECK(contains(r.sentence_en,
                   "it fell by 0.45 (higher is better; 95% interval -0.62 to -0.28), instead of improving by at least "
                   "0.3."));
    const kokeilu::MessageValue* unit = r.message.param("unit");
    REQUIRE(unit != nullptr);
    CHECK(std::get<std::string>(*unit).empty());
}

TEST_CASE("Every amendment of the criterion is named, and only those", "[stats][verdict]") {
    const std::vector<Amendment> amendments{
        {{}, "metric[sense_of_security].minimum_effect", "0.5", "0.3", "too ambitious", "anna"},
        {{}, "metric[missed_medication].minimum_effect", "0.02", "0.05", "another metric", "anna"},
        {{}, "test_card.right_if", "falls by 0.5", "falls by 0.3", "the same change in words", "anna"}};
    const VerdictResult r = judge(security(), effect(0.5, 0.35, 0.65), 200, amendments);
    CHECK(contains(r.sentence_en,
                   "(metric[sense_of_security].minimum_effect: 0.5 \u2192 0.3, "
                   "test_card.right_if: falls by 0.5 \u2192 falls by 0.3); this verdict is judged against it as "
                   "locked at the start."));
    CHECK_FALSE(contains(r.sentence_en, "missed_medication"));
    const VerdictResult none = judge_not_enough_data(security(), "no data yet", amendments);
    REQUIRE(none.notes.size() == 1);
    CHECK(none.notes[0].code == "stats.verdict.amended_note");
    CHECK(contains(none.sentence_en, "The criterion was amended after the start (metric[sense_of_security]"));
}

TEST_CASE("Without observations, or when more cannot decide, no number of observations is promised",
          "[stats][verdict]") {
    const VerdictResult unknown_n = judge(security(), effect(0.2, -0.1, 0.5), 0);
    CHECK(unknown_n.verdict == Verdict::inconclusive);
    CHECK_FALSE(unknown_n.additional_observations.has_value());
    CHECK(contains(unknown_n.sentence_en, "less than the minimum worthwhile effect of 0.3 points."));
    CHECK_FALSE(contains(unknown_n.sentence_en, "more observations"));

    // An activity metric already above the minimum but not clear of zero: more data could only
    // make it "improved, customer impact unmeasured", never supported.
    Metric visits = security();
    visits.name = "visits_made";
    visits.unit = "visits";
    visits.impact = ImpactClass::activity_output;
    const VerdictResult activity = judge(visits, effect(0.5, -0.1, 1.1), 150);
    CHECK(activity.verdict == Verdict::inconclusive);
    CHECK(activity.reason == VerdictReason::undecided);
    CHECK_FALSE(activity.additional_observations.has_value());
    CHECK(contains(activity.sentence_en, "not yet conclusive"));
    CHECK(contains(activity.sentence_en, ". Customer impact was not measured."));
    REQUIRE(activity.notes.size() == 1);
    CHECK(activity.notes[0].code == "stats.verdict.customer_impact_note");

    const VerdictResult no_data = judge_not_enough_data(visits, "no observations");
    CHECK_FALSE(no_data.customer_impact_measured);
    CHECK(contains(no_data.sentence_en,
                   "There is not enough data to judge visits_made yet (no observations). "
                   "Customer impact was not measured."));
    REQUIRE(no_data.notes.size() == 1);
    CHECK(no_data.notes[0].code == "stats.verdict.customer_impact_note");
}

TEST_CASE("An interval that ends at zero has not cleared it", "[stats][verdict]") {
    // The boundary of "supported": an improvement whose interval reaches down to exactly zero is
    // not yet shown, in either direction of the metric.
    const VerdictResult at_zero = judge(security(), effect(0.4, 0.0, 0.8), 200);
    CHECK(at_zero.verdict == Verdict::inconclusive);
    CHECK(at_zero.reason == VerdictReason::undecided);
    const VerdictResult just_above = judge(security(), effect(0.4, 1e-12, 0.8), 200);
    CHECK(just_above.verdict == Verdict::supported);

    Metric wait = security();
    wait.direction = Direction::lower_is_better;
    const VerdictResult falling_to_zero = judge(wait, effect(-0.4, -0.8, 0.0), 200);
    CHECK(falling_to_zero.verdict == Verdict::inconclusive);
    CHECK(falling_to_zero.reason == VerdictReason::undecided);
    CHECK(judge(wait, effect(-0.4, -0.8, -1e-12), 200).verdict == Verdict::supported);
}

TEST_CASE("The verdict's boundaries: an interval that reaches the minimum or zero exactly", "[stats][verdict]") {
    // These pin each comparison of judge() at its boundary (tests/mutation/cpp_mutants.toml).
    // An interval that reaches the minimum worthwhile effect exactly has not excluded it.
    const VerdictResult at_minimum = judge(security(), effect(0.1, -0.1, 0.3), 200);
    CHECK(at_minimum.verdict == Verdict::inconclusive);
    // Refuted by an interval that ends at zero: too small, not shown to be worse.
    const VerdictResult to_zero = judge(security(), effect(-0.1, -0.2, 0.0), 200);
    CHECK(to_zero.verdict == Verdict::refuted);
    CHECK(to_zero.reason == VerdictReason::too_small);
    // Supported with the low end exactly at the minimum: nothing "may be smaller" than it.
    const VerdictResult low_at_minimum = judge(security(), effect(0.5, 0.3, 0.7), 200);
    CHECK(low_at_minimum.verdict == Verdict::supported);
    CHECK_FALSE(contains(low_at_minimum.sentence_en, "may be smaller"));
    // An estimate at an end of its interval is judged, not refused.
    CHECK(judge(security(), effect(0.2, 0.2, 0.6), 200).verdict == Verdict::supported);
    CHECK(judge(security(), effect(0.5, 0.5, 0.5), 200).verdict == Verdict::supported);
    // An interval exactly as wide as deciding allows still asks for at least one more observation.
    const VerdictResult exactly = judge(security(), effect(0.4, 0.0, 0.8), 200);
    REQUIRE(exactly.additional_observations.has_value());
    CHECK(*exactly.additional_observations == 1);
}
