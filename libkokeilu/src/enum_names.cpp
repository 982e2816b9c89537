// Text names of kokeilu's enumerations: what the store writes, the Python layer accepts and the
// command line shows. The names are part of the file format: never rename one, only add.
#include "kokeilu/design.hpp"
#include "kokeilu/error.hpp"
#include "kokeilu/experiment.hpp"
#include "kokeilu/link.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/outcome.hpp"

#include <array>
#include <string>
#include <utility>

namespace kokeilu {

namespace {

template <class Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, std::string_view>, N>;

template <class Enum, std::size_t N>
std::string_view name_of(const NameTable<Enum, N>& table, Enum value) {
    for (const auto& [v, name] : table)
        if (v == value) return name;
    return "unknown";
}

template <class Enum, std::size_t N>
Enum parse_name(const NameTable<Enum, N>& table, std::string_view text, const char* field) {
    for (const auto& [v, name] : table)
        if (name == text) return v;
    std::string choices;
    for (const auto& [v, name] : table) {
        if (!choices.empty()) choices += ", ";
        choices += name;
    }
    throw InvalidArgumentError(field, Message{"lifecycle.not_a_choice",
                                              {{"value", std::string(text.substr(0, 64))}, {"choices", choices}}});
}

constexpr NameTable<Status, 4> status_names{{{Status::draft, "draft"},
                                             {Status::running, "running"},
                                             {Status::stopped, "stopped"},
                                             {Status::concluded, "concluded"}}};
constexpr NameTable<Purpose, 3> purpose_names{
    {{Purpose::wellbeing, "wellbeing"}, {Purpose::vitality, "vitality"}, {Purpose::democracy, "democracy"}}};
constexpr NameTable<MetricKind, 3> metric_kind_names{
    {{MetricKind::mean, "mean"}, {MetricKind::proportion, "proportion"}, {MetricKind::count, "count"}}};
constexpr NameTable<MetricRole, 3> metric_role_names{
    {{MetricRole::primary, "primary"}, {MetricRole::secondary, "secondary"}, {MetricRole::guardrail, "guardrail"}}};
constexpr NameTable<Direction, 2> direction_names{
    {{Direction::higher_is_better, "higher_is_better"}, {Direction::lower_is_better, "lower_is_better"}}};
constexpr NameTable<ImpactClass, 2> impact_names{
    {{ImpactClass::customer_outcome, "customer_outcome"}, {ImpactClass::activity_output, "activity_output"}}};
constexpr NameTable<EffectScale, 2> effect_scale_names{
    {{EffectScale::absolute, "absolute"}, {EffectScale::relative, "relative"}}};
constexpr NameTable<DesignKind, 5> design_names{{{DesignKind::concurrent, "concurrent"},
                                                 {DesignKind::before_after, "before_after"},
                                                 {DesignKind::one_sample, "one_sample"},
                                                 {DesignKind::difference_in_differences, "difference_in_differences"},
                                                 {DesignKind::interrupted_time_series, "interrupted_time_series"}}};
constexpr NameTable<ArmRole, 9> arm_role_names{{{ArmRole::control, "control"},
                                                {ArmRole::treatment, "treatment"},
                                                {ArmRole::before, "before"},
                                                {ArmRole::after, "after"},
                                                {ArmRole::group, "group"},
                                                {ArmRole::changed_before, "changed_before"},
                                                {ArmRole::changed_after, "changed_after"},
                                                {ArmRole::comparison_before, "comparison_before"},
                                                {ArmRole::comparison_after, "comparison_after"}}};
constexpr NameTable<Verdict, 3> verdict_names{
    {{Verdict::supported, "supported"}, {Verdict::refuted, "refuted"}, {Verdict::inconclusive, "inconclusive"}}};
constexpr NameTable<Decision, 3> decision_names{
    {{Decision::scale_up, "scale_up"}, {Decision::adapt, "adapt"}, {Decision::stop, "stop"}}};
constexpr NameTable<LinkKind, 3> link_kind_names{
    {{LinkKind::replication, "replication"}, {LinkKind::adaptation, "adaptation"}, {LinkKind::follow_up, "follow_up"}}};
constexpr NameTable<Criterion, 2> criterion_names{{{Criterion::locked, "locked"}, {Criterion::amended, "amended"}}};

}  // namespace

std::string_view to_string(Status v) { return name_of(status_names, v); }
std::string_view to_string(Purpose v) { return name_of(purpose_names, v); }
std::string_view to_string(MetricKind v) { return name_of(metric_kind_names, v); }
std::string_view to_string(MetricRole v) { return name_of(metric_role_names, v); }
std::string_view to_string(Direction v) { return name_of(direction_names, v); }
std::string_view to_string(ImpactClass v) { return name_of(impact_names, v); }
std::string_view to_string(EffectScale v) { return name_of(effect_scale_names, v); }
std::string_view to_string(DesignKind v) { return name_of(design_names, v); }
std::string_view to_string(ArmRole v) { return name_of(arm_role_names, v); }
std::string_view to_string(Verdict v) { return name_of(verdict_names, v); }
std::string_view to_string(Decision v) { return name_of(decision_names, v); }
std::string_view to_string(Criterion v) { return name_of(criterion_names, v); }
std::string_view to_string(LinkKind v) { return name_of(link_kind_names, v); }

Status parse_status(std::string_view text) { return parse_name(status_names, text, "status"); }
Purpose parse_purpose(std::string_view text) { return parse_name(purpose_names, text, "purposes"); }
MetricKind parse_metric_kind(std::string_view text) { return parse_name(metric_kind_names, text, "kind"); }
MetricRole parse_metric_role(std::string_view text) { return parse_name(metric_role_names, text, "role"); }
Direction parse_direction(std::string_view text) { return parse_name(direction_names, text, "direction"); }
ImpactClass parse_impact_class(std::string_view text) { return parse_name(impact_names, text, "impact"); }
EffectScale parse_effect_scale(std::string_view text) { return parse_name(effect_scale_names, text, "effect_scale"); }
DesignKind parse_design_kind(std::string_view text) { return parse_name(design_names, text, "design"); }
ArmRole parse_arm_role(std::string_view text) { return parse_name(arm_role_names, text, "role"); }
Verdict parse_verdict(std::string_view text) { return parse_name(verdict_names, text, "verdict"); }
Decision parse_decision(std::string_view text) { return parse_name(decision_names, text, "decision"); }
Criterion parse_criterion(std::string_view text) { return parse_name(criterion_names, text, "judged_against"); }
LinkKind parse_link_kind(std::string_view text) { return parse_name(link_kind_names, text, "kind"); }

}  // namespace kokeilu
