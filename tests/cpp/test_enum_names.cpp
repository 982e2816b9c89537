#include "kokeilu/design.hpp"
#include "kokeilu/error.hpp"
#include "kokeilu/experiment.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/outcome.hpp"

#include <catch2/catch.hpp>

using namespace kokeilu;

TEST_CASE("every enumeration round-trips through its name", "[enums]") {
    for (auto v : {Status::draft, Status::running, Status::stopped, Status::concluded})
        CHECK(parse_status(to_string(v)) == v);
    for (auto v : {Purpose::wellbeing, Purpose::vitality, Purpose::democracy}) CHECK(parse_purpose(to_string(v)) == v);
    for (auto v : {MetricKind::mean, MetricKind::proportion, MetricKind::count})
        CHECK(parse_metric_kind(to_string(v)) == v);
    for (auto v : {MetricRole::primary, MetricRole::secondary, MetricRole::guardrail})
        CHECK(parse_metric_role(to_string(v)) == v);
    for (auto v : {Direction::higher_is_better, Direction::lower_is_better}) CHECK(parse_direction(to_string(v)) == v);
    for (auto v : {ImpactClass::customer_outcome, ImpactClass::activity_output})
        CHECK(parse_impact_class(to_string(v)) == v);
    for (auto v : {EffectScale::absolute, EffectScale::relative}) CHECK(parse_effect_scale(to_string(v)) == v);
    for (auto v : {DesignKind::concurrent, DesignKind::before_after, DesignKind::one_sample})
        CHECK(parse_design_kind(to_string(v)) == v);
    for (auto v : {ArmRole::control, ArmRole::treatment, ArmRole::before, ArmRole::after, ArmRole::group})
        CHECK(parse_arm_role(to_string(v)) == v);
    for (auto v : {Verdict::supported, Verdict::refuted, Verdict::inconclusive}) CHECK(parse_verdict(to_string(v)) == v);
    for (auto v : {Decision::scale_up, Decision::adapt, Decision::stop}) CHECK(parse_decision(to_string(v)) == v);
}

TEST_CASE("an unknown name lists the choices", "[enums]") {
    try {
        (void)parse_metric_kind("median");
        FAIL("no error");
    } catch (const InvalidArgumentError& e) {
        CHECK(e.field() == "kind");
        CHECK(std::string(e.what()) == "kind: 'median' is not one of mean, proportion, count");
    }
    CHECK_THROWS_AS(parse_status("Running"), InvalidArgumentError);
}
