// The statistics' messages as codes and parameters: the verdict's judgement for every reason, its
// notes, the analysis' warnings and a comparison's status, and the argument checks' errors.
#include "kokeilu/stats/analysis.hpp"
#include "kokeilu/stats/means.hpp"
#include "kokeilu/stats/summary.hpp"
#include "kokeilu/stats/verdict.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

using namespace kokeilu::stats;
using kokeilu::Amendment;
using kokeilu::Criterion;
using kokeilu::Direction;
using kokeilu::EffectScale;
using kokeilu::ImpactClass;
using kokeilu::Message;
using kokeilu::MessageValue;
using kokeilu::Metric;

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

template <class T>
T param(const Message& m, const std::string& name) {
    const MessageValue* value = m.param(name);
    REQUIRE(value != nullptr);
    REQUIRE(std::holds_alternative<T>(*value));
    return std::get<T>(*value);
}

}  // namespace

TEST_CASE("The verdict's judgement has a code per reason and case, with its numbers", "[stats][messages]") {
    const VerdictResult supported = judge(security(), effect(0.5, 0.35, 0.65), 200);
    CHECK(supported.message.code == "stats.verdict.improvement");
    CHECK(param<std::string>(supported.message, "metric") == "sense_of_security");
    CHECK(param<std::string>(supported.message, "direction") == "higher_is_better");
    CHECK(param<std::string>(supported.message, "scale") == "absolute");
    CHECK(param<std::string>(supported.message, "unit") == "points");
    CHECK(param<double>(supported.message, "estimate") == 0.5);
    CHECK(param<double>(supported.message, "low") == 0.35);
    CHECK(param<double>(supported.message, "high") == 0.65);
    CHECK(param<double>(supported.message, "confidence") == 0.95);
    CHECK(param<double>(supported.message, "minimum_effect") == 0.3);
    CHECK(supported.notes.empty());
    CHECK(supported.sentence_en == verdict_sentence_en(supported));
    CHECK(supported.sentence_en == supported.message.english());

    CHECK(judge(security(), effect(0.4, 0.1, 0.7), 200).message.code == "stats.verdict.improvement_maybe_small");
    CHECK(judge(security(), effect(0.1, 0.02, 0.18), 500).message.code == "stats.verdict.too_small");
    const VerdictResult worse = judge(security(), effect(-0.4, -0.6, -0.2), 500);
    CHECK(worse.message.code == "stats.verdict.wrong_direction");
    CHECK(param<double>(worse.message, "estimate") == -0.4);

    const VerdictResult open = judge(security(), effect(0.1, -0.2, 0.4), 100);
    REQUIRE(open.additional_observations.has_value());
    CHECK(open.message.code == "stats.verdict.undecided_more_data");
    CHECK(param<std::int64_t>(open.message, "additional") == *open.additional_observations);

    // Nearly decided: one more observation, said in the singular.
    const VerdictResult nearly = judge(security(), effect(0.15, 0.0, 0.3), 10000);
    REQUIRE(nearly.additional_observations == std::optional<std::int64_t>{1});
    CHECK(nearly.message.code == "stats.verdict.undecided_one_more");
    CHECK(nearly.sentence_en.find("about 1 more observation would") != std::string::npos);

    const VerdictResult no_count = judge(security(), effect(0.1, -0.1, 0.3), 0);
    CHECK(no_count.message.code == "stats.verdict.undecided");
    CHECK(no_count.message.param("additional") == nullptr);
}

TEST_CASE("An activity metric's verdict and its note say customer impact was not measured", "[stats][messages]") {
    Metric visits = security();
    visits.name = "visits_made";
    visits.impact = ImpactClass::activity_output;
    const VerdictResult improved = judge(visits, effect(0.5, 0.35, 0.65), 200);
    CHECK(improved.message.code == "stats.verdict.customer_impact_unmeasured");
    CHECK(improved.notes.empty());
    const VerdictResult open = judge(visits, effect(0.1, -0.1, 0.3), 0);
    CHECK(open.message.code == "stats.verdict.undecided");
    REQUIRE(open.notes.size() == 1);
    CHECK(open.notes[0].code == "stats.verdict.customer_impact_note");
    CHECK(open.sentence_en.ends_with(" Customer impact was not measured."));
}

TEST_CASE("A verdict without an estimate names why, with the reason's code", "[stats][messages]") {
    const VerdictResult plain = judge_not_enough_data(security(), "no comparison");
    CHECK(plain.message.code == "stats.verdict.not_enough_data");
    CHECK(param<std::string>(plain.message, "why") == "no comparison");
    CHECK(plain.message.param("why_code") == nullptr);

    Message reason{"stats.mean.too_few", {{"n", std::int64_t{1}}, {"field", std::string("treatment")}}};
    const VerdictResult coded = judge_not_enough_data(security(), reason);
    CHECK(coded.message.code == "stats.verdict.not_enough_data");
    CHECK(param<std::string>(coded.message, "why") ==
          "not enough data: treatment: needs at least 2 observations, has 1");
    CHECK(param<std::string>(coded.message, "why_code") == "stats.mean.too_few");
    CHECK(param<std::int64_t>(coded.message, "why.n") == 1);
    CHECK(param<std::string>(coded.message, "why.field") == "treatment");
    CHECK(coded.sentence_en ==
          "There is not enough data to judge sense_of_security yet (not enough data: treatment: needs at least 2 "
          "observations, has 1).");

    const VerdictResult unusable = judge_values_unusable(security(), "values too large");
    CHECK(unusable.message.code == "stats.verdict.values_unusable");
    CHECK(param<std::string>(unusable.message, "why") == "values too large");
}

TEST_CASE("The amendments and the amended criterion are notes and a wrapper of the sentence", "[stats][messages]") {
    Amendment a;
    a.field = "metrics[sense_of_security].minimum_effect";
    a.old_value = "0.3";
    a.new_value = "0.2";
    const std::vector<Amendment> amendments{a};
    const VerdictResult locked = judge(security(), effect(0.5, 0.35, 0.65), 200, amendments);
    REQUIRE(locked.notes.size() == 1);
    CHECK(locked.notes[0].code == "stats.verdict.amended_note");
    CHECK(param<std::string>(locked.notes[0], "changes") ==
          "metrics[sense_of_security].minimum_effect: 0.3 \u2192 0.2");
    const VerdictResult amended = judge(security(), effect(0.5, 0.35, 0.65), 200, amendments, Criterion::amended);
    CHECK(amended.notes.empty());
    CHECK(amended.sentence_en.starts_with("Exploratory, against the amended criterion (the criterion was changed "
                                          "after data had been seen): the experiment supported the hypothesis"));
}

TEST_CASE("A relative effect's scale is a parameter of the judgement", "[stats][messages]") {
    Metric m = security();
    m.effect_scale = EffectScale::relative;
    m.minimum_effect = 0.05;
    const VerdictResult r = judge(m, effect(0.1, 0.06, 0.14), 200);
    CHECK(param<std::string>(r.message, "scale") == "relative");
    CHECK(r.sentence_en.find("rose by 10 %") != std::string::npos);
}

TEST_CASE("The statistics' argument checks throw coded errors", "[stats][messages]") {
    try {
        (void)Summary::from_counts(3, 2);
        FAIL("no error");
    } catch (const kokeilu::InvalidArgumentError& e) {
        CHECK(e.code() == "stats.successes.range");
        CHECK(e.field() == "successes");
        CHECK(std::string(e.what()) == "successes: must be between 0 and the trials (2), got 3");
    }
    Summary one;
    one.add(1.0);
    try {
        (void)welch_difference(one, one);
        FAIL("no error");
    } catch (const NotEnoughDataError& e) {
        CHECK(e.code() == "stats.mean.too_few");
        REQUIRE(e.message().param("n") != nullptr);
        CHECK(std::get<std::int64_t>(*e.message().param("n")) == 1);
    }
}
