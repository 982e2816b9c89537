#include "validation.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"
#include "key_generation.hpp"
#include "unicode_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <system_error>
#include <string>
#include <vector>

namespace kokeilu::detail {

namespace {

bool is_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string join_names(const std::vector<std::string_view>& names) {
    std::string out;
    for (const auto& name : names) {
        if (!out.empty()) out += ", ";
        out += name;
    }
    return out;
}

void check_date(const std::optional<Date>& date, const std::string& field) {
    if (date && date->is_special()) throw InvalidArgumentError(field, Message{"input.not_a_date"});
}

void check_amount(const std::optional<double>& amount, const std::string& field) {
    if (!amount) return;
    if (!std::isfinite(*amount)) throw InvalidArgumentError(field, Message{"input.not_finite"});
    if (*amount < 0.0) throw InvalidArgumentError(field, Message{"input.negative", {{"value", *amount}}});
}

template <class Enum>
void check_enum(Enum value, const std::string& field) {
    if (to_string(value) == "unknown")
        throw InvalidArgumentError(field, Message{"input.unknown_enum_value", {{"value", std::int64_t{static_cast<int>(value)}}}});
}

void check_test_card_texts(const TestCard& card) {
    check_long_text(card.we_believe, "test_card.we_believe");
    check_long_text(card.to_verify, "test_card.to_verify");
    check_long_text(card.and_measure, "test_card.and_measure");
    check_long_text(card.right_if, "test_card.right_if");
    check_long_text(card.data_seen, "test_card.data_seen");
}

// The planned shares of the arms: weights above 0, for the arms of a concurrent design only (the
// periods of a before/after design and a one-sample group have no allocation), and given for every
// arm or for none, since an absent share means equal shares and a mix of the two has no meaning.
void check_planned_shares(const Experiment& e) {
    const Arm* with_share = nullptr;
    for (std::size_t i = 0; i < e.arms.size(); ++i) {
        const Arm& arm = e.arms[i];
        if (!arm.share) continue;
        with_share = &arm;
        if (!std::isfinite(*arm.share) || *arm.share <= 0.0)
            throw InvalidArgumentError(arm_field(arm, i) + ".share", Message{"input.not_positive", {{"value", *arm.share}}});
        if (e.design != DesignKind::concurrent)
            throw InvalidArgumentError(arm_field(arm, i) + ".share", Message{"input.planned_share_design",
                                                                           {{"design", std::string(to_string(e.design))}}});
    }
    if (with_share == nullptr) return;
    for (std::size_t i = 0; i < e.arms.size(); ++i)
        if (!e.arms[i].share)
            throw InvalidArgumentError(arm_field(e.arms[i], i) + ".share",
                                       Message{"input.planned_share_partial", {{"arm", e.arms[i].name}}});
}

void check_arms(const Experiment& e) {
    for (std::size_t i = 0; i < e.arms.size(); ++i) {
        const Arm& arm = e.arms[i];
        const std::string index_field = "arms[" + std::to_string(i) + "]";
        check_required_name(arm.name, index_field + ".name");
        for (std::size_t j = 0; j < i; ++j)
            if (same_name(e.arms[j].name, arm.name))
                throw InvalidArgumentError(index_field + ".name", Message{"input.name_taken", {{"name", arm.name},
                                                                                      {"other", "arms[" + std::to_string(j) + "]"}}});
        check_enum(arm.role, arm_field(arm, i) + ".role");
        check_long_text(arm.description, arm_field(arm, i) + ".description");
    }

    // What each design compares decides which roles it needs.
    struct Need {
        ArmRole role;
        std::size_t min;
        std::size_t max;
    };
    std::vector<Need> needs;
    switch (e.design) {
        case DesignKind::concurrent:
            needs = {{ArmRole::control, 1, 1}, {ArmRole::treatment, 1, SIZE_MAX}};
            break;
        case DesignKind::before_after:
            needs = {{ArmRole::before, 1, 1}, {ArmRole::after, 1, 1}};
            break;
        case DesignKind::one_sample:
            needs = {{ArmRole::group, 1, 1}};
            break;
        case DesignKind::difference_in_differences:
            needs = {{ArmRole::changed_before, 1, 1},
                     {ArmRole::changed_after, 1, 1},
                     {ArmRole::comparison_before, 1, 1},
                     {ArmRole::comparison_after, 1, 1}};
            break;
        case DesignKind::interrupted_time_series:
            needs = {{ArmRole::before, 1, 1}, {ArmRole::after, 1, 1}};
            break;
        default:
            throw InvalidArgumentError("design", Message{"input.unknown_enum_value",
                                                         {{"value", std::int64_t{static_cast<int>(e.design)}}}});
    }
    const std::string design_name(to_string(e.design));
    for (std::size_t i = 0; i < e.arms.size(); ++i) {
        const bool fits = std::any_of(needs.begin(), needs.end(), [&](const Need& n) { return n.role == e.arms[i].role; });
        if (!fits) {
            std::vector<std::string_view> roles;
            for (const auto& n : needs) roles.push_back(to_string(n.role));
            throw InvalidArgumentError(arm_field(e.arms[i], i) + ".role",
                                       Message{"input.design_role_not_allowed",
                                               {{"design", design_name},
                                                {"role", std::string(to_string(e.arms[i].role))},
                                                {"roles", join_names(roles)}}});
        }
    }
    for (const auto& need : needs) {
        const auto found = static_cast<std::size_t>(
            std::count_if(e.arms.begin(), e.arms.end(), [&](const Arm& a) { return a.role == need.role; }));
        if (found < need.min || found > need.max) {
            throw InvalidArgumentError(
                "arms", Message{need.min == need.max ? "input.design_needs_exactly" : "input.design_needs_at_least",
                                {{"design", design_name},
                                 {"count", static_cast<std::int64_t>(need.min)},
                                 {"role", std::string(to_string(need.role))},
                                 {"found", static_cast<std::int64_t>(found)}}});
        }
    }
    check_planned_shares(e);
}

void check_valid_range(const Metric& m, const std::string& f) {
    if (!m.valid_min && !m.valid_max) return;
    for (const auto& [end, name] : {std::pair{m.valid_min, ".valid_min"}, std::pair{m.valid_max, ".valid_max"}})
        if (end && !std::isfinite(*end)) throw InvalidArgumentError(f + name, Message{"input.not_finite"});
    if (m.kind == MetricKind::proportion)
        throw InvalidArgumentError(f + (m.valid_min ? ".valid_min" : ".valid_max"),
                                   Message{"input.range_for_proportion"});
    if (m.valid_min && m.valid_max && !(*m.valid_min < *m.valid_max))
        throw InvalidArgumentError(f + ".valid_max", Message{"input.range_max_not_above_min",
                                                             {{"min", *m.valid_min}, {"value", *m.valid_max}}});
    if (m.kind == MetricKind::count && m.valid_max && *m.valid_max <= 0.0)
        throw InvalidArgumentError(f + ".valid_max", Message{"input.range_count_max", {{"value", *m.valid_max}}});
    if (m.baseline && ((m.valid_min && *m.baseline < *m.valid_min) || (m.valid_max && *m.baseline > *m.valid_max)))
        throw InvalidArgumentError(f + ".baseline", with_valid_range("input.baseline_outside_range", m,
                                                                     {{"value", *m.baseline}}));
}

// What the designs without a concurrent control can estimate: the difference in differences of
// means (a share is the mean of 0/1 values), and the level change of a series of period means,
// shares or rates; both on the absolute scale only.
void check_design_metric(const Experiment& e, const Metric& m, const std::string& f) {
    const bool did = e.design == DesignKind::difference_in_differences;
    if (!did && e.design != DesignKind::interrupted_time_series) return;
    const std::string design_name(to_string(e.design));
    if (did && m.kind == MetricKind::count)
        throw InvalidArgumentError(f + ".kind", Message{"input.design_metric_kind",
                                                        {{"design", design_name},
                                                         {"kind", std::string(to_string(m.kind))},
                                                         {"kinds", std::string("mean, proportion")}}});
    if (m.effect_scale != EffectScale::absolute)
        throw InvalidArgumentError(f + ".effect_scale", Message{"input.design_effect_scale", {{"design", design_name}}});
}

// A pre-period value adjusts the difference of two concurrent arms (covariate_adjusted_difference):
// of means or shares, on the absolute scale.
void check_covariate(const Experiment& e, const Metric& m, const std::string& f) {
    if (m.covariate.empty()) return;
    const std::string field = f + ".covariate";
    check_name(m.covariate, field);
    if (e.design != DesignKind::concurrent)
        throw InvalidArgumentError(field, Message{"input.covariate_design", {{"design", std::string(to_string(e.design))}}});
    if (m.kind == MetricKind::count) throw InvalidArgumentError(field, Message{"input.covariate_kind"});
    if (m.effect_scale == EffectScale::relative) throw InvalidArgumentError(field, Message{"input.covariate_relative"});
}

void check_metric(const Experiment& e, const Metric& m, std::size_t i) {
    const std::string index_field = "metrics[" + std::to_string(i) + "]";
    check_required_name(m.name, index_field + ".name");
    for (std::size_t j = 0; j < i; ++j)
        if (same_name(e.metrics[j].name, m.name))
            throw InvalidArgumentError(index_field + ".name", Message{"input.name_taken", {{"name", m.name},
                                                                                  {"other", "metrics[" + std::to_string(j) + "]"}}});
    const std::string f = metric_field(m, i);
    check_name(m.label, f + ".label");
    check_name(m.unit, f + ".unit");
    check_long_text(m.description, f + ".description");
    check_enum(m.kind, f + ".kind");
    check_enum(m.role, f + ".role");
    check_enum(m.direction, f + ".direction");
    check_enum(m.impact, f + ".impact");
    check_enum(m.effect_scale, f + ".effect_scale");

    if (!std::isfinite(m.minimum_effect) || m.minimum_effect <= 0.0)
        throw InvalidArgumentError(f + ".minimum_effect", Message{"input.not_positive", {{"value", m.minimum_effect}}});
    if (m.kind == MetricKind::proportion && m.effect_scale == EffectScale::absolute && m.minimum_effect >= 1.0)
        throw InvalidArgumentError(f + ".minimum_effect",
                                   Message{"input.share_change_too_large"});
    if (!std::isfinite(m.confidence) || m.confidence <= 0.5 || m.confidence >= 1.0)
        throw InvalidArgumentError(f + ".confidence", Message{"input.confidence_range", {{"value", m.confidence}}});

    if (m.baseline) {
        const double b = *m.baseline;
        if (!std::isfinite(b)) throw InvalidArgumentError(f + ".baseline", Message{"input.not_finite"});
        if (m.kind == MetricKind::proportion && (b < 0.0 || b > 1.0))
            throw InvalidArgumentError(f + ".baseline", Message{"input.share_baseline_range", {{"value", b}}});
        if (m.kind == MetricKind::count && b < 0.0)
            throw InvalidArgumentError(f + ".baseline", Message{"input.rate_baseline_negative", {{"value", b}}});
    }
    if (m.baseline_sd && (!std::isfinite(*m.baseline_sd) || *m.baseline_sd <= 0.0))
        throw InvalidArgumentError(f + ".baseline_sd", Message{"input.not_positive", {{"value", *m.baseline_sd}}});

    check_design_metric(e, m, f);
    // A one-sample design compares against the baseline, so a relative effect is a share of it.
    if (e.design == DesignKind::one_sample && m.effect_scale == EffectScale::relative &&
        (!m.baseline || *m.baseline == 0.0))
        throw InvalidArgumentError(f + ".baseline", Message{"input.relative_one_sample_baseline"});
    check_valid_range(m, f);
    check_covariate(e, m, f);
}

void check_metrics(const Experiment& e) {
    for (std::size_t i = 0; i < e.metrics.size(); ++i) check_metric(e, e.metrics[i], i);
    std::vector<std::string_view> primaries;
    for (const auto& m : e.metrics)
        if (m.role == MetricRole::primary) primaries.push_back(m.name);
    if (primaries.size() != 1)
        throw InvalidArgumentError("metrics", primaries.empty()
                                                  ? Message{"input.primary_missing"}
                                                  : Message{"input.primary_several",
                                                            {{"count", static_cast<std::int64_t>(primaries.size())},
                                                             {"names", join_names(primaries)}}});
    if (e.design == DesignKind::one_sample) {
        for (std::size_t i = 0; i < e.metrics.size(); ++i) {
            const Metric& m = e.metrics[i];
            if (m.role == MetricRole::primary && !m.baseline)
                throw InvalidArgumentError(metric_field(m, i) + ".baseline",
                                           Message{"input.one_sample_needs_baseline"});
        }
    }
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* const end = p + text.size();
    while (p < end) {
        const unsigned lead = *p;
        if (lead < 0x80) {
            ++p;
            continue;
        }
        std::size_t length = 0;
        std::uint32_t cp = 0;
        std::uint32_t smallest = 0;
        if ((lead & 0xE0U) == 0xC0U) {
            length = 2;
            cp = lead & 0x1FU;
            smallest = 0x80;
        } else if ((lead & 0xF0U) == 0xE0U) {
            length = 3;
            cp = lead & 0x0FU;
            smallest = 0x800;
        } else if ((lead & 0xF8U) == 0xF0U) {
            length = 4;
            cp = lead & 0x07U;
            smallest = 0x10000;
        } else {
            return false;  // a continuation byte without a lead, or 0xF8..0xFF
        }
        if (static_cast<std::size_t>(end - p) < length) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const unsigned next = p[k];
            if ((next & 0xC0U) != 0x80U) return false;
            cp = (cp << 6) | (next & 0x3FU);
        }
        if (cp < smallest || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        p += length;
    }
    return true;
}

std::string trim(std::string_view text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && is_space(text[begin])) ++begin;
    while (end > begin && is_space(text[end - 1])) --end;
    return std::string(text.substr(begin, end - begin));
}

std::string fold_case(std::string_view text) {
    std::string out(text);
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto c = static_cast<unsigned char>(out[i]);
        if (c >= 'A' && c <= 'Z') {
            out[i] = static_cast<char>(c + ('a' - 'A'));
        } else if (c == 0xC3 && i + 1 < out.size()) {
            // U+00C0..U+00DE (but U+00D7, the multiplication sign) are the upper-case Latin-1 letters;
            // their lower-case forms are 0x20 further on.
            const auto next = static_cast<unsigned char>(out[i + 1]);
            if (next >= 0x80 && next <= 0x9E && next != 0x97) out[i + 1] = static_cast<char>(next + 0x20);
            ++i;
        }
    }
    return out;
}

std::string format_number(double value) {
    // std::to_chars without a precision gives the shortest text that reads back as the same
    // double, identically on every platform.
    char buf[64];
    const auto result = std::to_chars(buf, buf + sizeof buf, value);
    if (result.ec != std::errc()) return "?";
    return std::string(buf, result.ptr);
}


void check_text(std::string_view text, const std::string& field, std::size_t limit) {
    if (text.find('\0') != std::string_view::npos) throw InvalidArgumentError(field, Message{"input.text_nul"});
    if (!is_valid_utf8(text)) throw InvalidArgumentError(field, Message{"input.text_not_utf8"});
    if (text.size() > limit)
        throw InvalidArgumentError(field, Message{"input.text_too_long", {{"bytes", static_cast<std::int64_t>(text.size())},
                                                                          {"limit", static_cast<std::int64_t>(limit)}}});
}

void check_short_text(std::string_view text, const std::string& field) {
    check_text(text, field, short_text_limit);
    const bool has_control = std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7F;
    });
    if (has_control) throw InvalidArgumentError(field, Message{"input.text_control"});
}

void check_required_short_text(std::string_view text, const std::string& field) {
    check_short_text(text, field);
    if (trim(text).empty()) throw InvalidArgumentError(field, Message{"input.required"});
}

std::string normalize_name(std::string_view text) { return trim(with_ascii_spaces(to_nfc(text))); }

void check_name(std::string_view text, const std::string& field) {
    check_short_text(text, field);
    if (const auto hidden = first_hidden_code_point(text))
        throw InvalidArgumentError(field, Message{"input.hidden_character", {{"character", code_point_name(*hidden)}}});
}

void check_required_name(std::string_view text, const std::string& field) {
    check_name(text, field);
    if (trim(text).empty()) throw InvalidArgumentError(field, Message{"input.required"});
}

void check_reason(std::string_view text, const std::string& field, ReasonFor purpose) {
    check_long_text(text, field);
    if (has_visible_character(text)) return;
    const bool blank = trim(text).empty();
    switch (purpose) {
        case ReasonFor::stop:
            throw InvalidArgumentError(field, Message{blank ? "input.reason_missing.stop" : "input.reason_invisible.stop"});
        case ReasonFor::note:
            throw InvalidArgumentError(field, Message{blank ? "input.reason_missing.note" : "input.reason_invisible.note"});
    }
    throw InvalidArgumentError(field, Message{"input.required"});
}

// A link names another experiment by its UUID, once. The other experiment need not be in this
// tracker: it may be another municipality's, not (yet) imported.
static void check_links(const Experiment& e) {
    for (std::size_t i = 0; i < e.links.size(); ++i) {
        const ExperimentLink& link = e.links[i];
        const std::string field = "links[" + std::to_string(i) + "]";
        check_enum(link.kind, field + ".kind");
        if (!is_canonical_uuid_form(link.of))
            throw InvalidArgumentError(field + ".of", Message{"lifecycle.not_a_uuid", {{"value", link.of.substr(0, 64)}}});
        if (!e.uuid.empty() && same_name(link.of, e.uuid))
            throw InvalidArgumentError(field + ".of", Message{"input.link_to_itself"});
        for (std::size_t j = 0; j < i; ++j)
            if (e.links[j].of == link.of)
                throw InvalidArgumentError(field + ".of", Message{"input.link_repeated", {{"of", link.of}}});
    }
}

void normalize_experiment(Experiment& e) {
    e.key = trim(e.key);
    e.uuid = trim(e.uuid);
    e.title = trim(e.title);
    e.organisation = normalize_name(e.organisation);
    e.unit = normalize_name(e.unit);
    e.owner = normalize_name(e.owner);
    e.test_card.data_seen = trim(e.test_card.data_seen);  // blank is "not answered"
    for (auto& arm : e.arms) arm.name = normalize_name(arm.name);
    for (auto& metric : e.metrics) {
        metric.name = normalize_name(metric.name);
        metric.label = normalize_name(metric.label);
        metric.covariate = normalize_name(metric.covariate);
        metric.unit = normalize_name(metric.unit);
    }
    for (auto& link : e.links) {
        link.of = trim(link.of);
        for (auto& c : link.of)
            if (c >= 'A' && c <= 'F') c = static_cast<char>(c + ('a' - 'A'));
    }
    for (auto& tag : e.tags) tag = normalize_name(tag);
    std::erase_if(e.tags, [](const std::string& t) { return t.empty(); });
    std::sort(e.tags.begin(), e.tags.end());
    e.tags.erase(std::unique(e.tags.begin(), e.tags.end()), e.tags.end());
    std::sort(e.purposes.begin(), e.purposes.end());
    e.purposes.erase(std::unique(e.purposes.begin(), e.purposes.end()), e.purposes.end());
}

void validate_experiment(const Experiment& e) {
    check_required_short_text(e.title, "title");
    check_long_text(e.summary, "summary");
    check_required_name(e.organisation, "organisation");
    check_name(e.unit, "unit");
    check_name(e.owner, "owner");
    for (std::size_t i = 0; i < e.tags.size(); ++i) check_name(e.tags[i], "tags[" + std::to_string(i) + "]");
    if (e.purposes.empty())
        throw InvalidArgumentError("purposes", Message{"input.purpose_required"});
    for (const auto p : e.purposes) check_enum(p, "purposes");
    check_long_text(e.risk, "risk");
    check_long_text(e.stop_reason, "stop_reason");

    check_date(e.planned_start, "planned_start");
    check_date(e.planned_end, "planned_end");
    check_date(e.actual_start, "actual_start");
    check_date(e.actual_end, "actual_end");
    if (e.planned_start && e.planned_end && *e.planned_end < *e.planned_start)
        throw InvalidArgumentError("planned_end", Message{"input.end_before_start.planned",
                                                          {{"end", format_date(*e.planned_end)},
                                                           {"start", format_date(*e.planned_start)}}});
    if (e.actual_start && e.actual_end && *e.actual_end < *e.actual_start)
        throw InvalidArgumentError("actual_end", Message{"input.end_before_start.actual",
                                                         {{"end", format_date(*e.actual_end)},
                                                          {"start", format_date(*e.actual_start)}}});

    check_amount(e.planned_cost_eur, "planned_cost_eur");
    check_amount(e.actual_cost_eur, "actual_cost_eur");
    check_amount(e.planned_effort_hours, "planned_effort_hours");
    check_amount(e.actual_effort_hours, "actual_effort_hours");

    check_test_card_texts(e.test_card);
    check_arms(e);
    check_metrics(e);
    check_links(e);
}

void require_complete_test_card(const TestCard& card) {
    check_test_card_texts(card);
    const std::pair<const std::string*, const char*> parts[] = {{&card.we_believe, "test_card.we_believe"},
                                                                {&card.to_verify, "test_card.to_verify"},
                                                                {&card.and_measure, "test_card.and_measure"},
                                                                {&card.right_if, "test_card.right_if"}};
    for (const auto& [text, field] : parts)
        if (trim(*text).empty())
            throw InvalidArgumentError(field, Message{"input.test_card_part_required"});
}

void validate_outcome(const Outcome& outcome) {
    check_enum(outcome.verdict, "outcome.verdict");
    check_enum(outcome.decision, "outcome.decision");
    check_enum(outcome.judged_against, "outcome.judged_against");
    if (outcome.amended_verdict) check_enum(*outcome.amended_verdict, "outcome.amended_verdict");
    check_long_text(outcome.learning.we_believed, "outcome.learning.we_believed");
    check_long_text(outcome.learning.we_observed, "outcome.learning.we_observed");
    check_long_text(outcome.learning.we_learned, "outcome.learning.we_learned");
    check_long_text(outcome.learning.therefore, "outcome.learning.therefore");
    if (outcome.decided_on.is_infinity() || outcome.decided_on.is_neg_infinity())
        throw InvalidArgumentError("outcome.decided_on", Message{"input.not_a_date"});
    if (outcome.follow_up_months) {
        const std::vector<int>& months = *outcome.follow_up_months;
        for (std::size_t i = 0; i < months.size(); ++i) {
            const std::string field = "outcome.follow_up_months[" + std::to_string(i) + "]";
            if (months[i] < 1 || months[i] > 120)
                throw InvalidArgumentError(field, Message{"input.follow_up_month_range",
                                                          {{"value", static_cast<std::int64_t>(months[i])}}});
            if (i > 0 && months[i] <= months[i - 1])
                throw InvalidArgumentError(field, Message{"input.follow_up_months_order",
                                                          {{"value", static_cast<std::int64_t>(months[i])},
                                                           {"previous", static_cast<std::int64_t>(months[i - 1])}}});
        }
    }
}

std::string metric_field(const Metric& metric, std::size_t index) {
    return "metrics[" + (metric.name.empty() ? std::to_string(index) : metric.name) + "]";
}

std::string arm_field(const Arm& arm, std::size_t index) {
    return "arms[" + (arm.name.empty() ? std::to_string(index) : arm.name) + "]";
}

const char* unit_value_problem(MetricKind kind, double value) noexcept {
    if (!std::isfinite(value)) return "input.value_not_finite";
    switch (kind) {
        case MetricKind::proportion:
            if (value != 0.0 && value != 1.0) return "input.proportion_value";
            break;
        case MetricKind::count:
            if (value < 0.0) return "input.count_value_negative";
            break;
        case MetricKind::mean:
            break;
    }
    return nullptr;
}

const char* exposure_problem(double exposure) noexcept {
    if (!std::isfinite(exposure) || exposure <= 0.0) return "input.not_positive";
    return nullptr;
}

Message with_valid_range(std::string_view code, const Metric& m, std::vector<MessageParam> params) {
    const char* shape = m.valid_min && m.valid_max ? ".between" : m.valid_min ? ".at_least" : ".at_most";
    if (m.valid_min) params.push_back({"min", *m.valid_min});
    if (m.valid_max) params.push_back({"max", *m.valid_max});
    return Message{std::string(code) + shape, std::move(params)};
}

const char* aggregate_field(AggregatePart part) noexcept {
    switch (part) {
        case AggregatePart::n: return "aggregate.n";
        case AggregatePart::sum: return "aggregate.sum";
        case AggregatePart::sum_sq: return "aggregate.sum_sq";
    }
    return "aggregate";
}

namespace {

// What values in the metric's valid range allow of a row of n units: its mean within the range,
// and for a mean metric with both ends, a sum of squares no larger than such values can give
// (every x in [a, b] has (x - a)(b - x) >= 0, so x^2 <= (a + b) x - a b, summed over the row).
std::optional<AggregateProblem> aggregate_range_problem(const Metric& m, const Aggregate& a) {
    if (!m.valid_min && !m.valid_max) return std::nullopt;
    const auto n = static_cast<double>(a.n);
    const double mean = a.sum / n;
    const double tolerance = 1e-9 * std::max(1.0, std::fabs(mean));
    if ((m.valid_min && mean < *m.valid_min - tolerance) || (m.valid_max && mean > *m.valid_max + tolerance))
        return AggregateProblem{AggregatePart::sum, with_valid_range("input.aggregate_mean_outside_range", m,
                                                                     {{"mean", mean}, {"metric", m.name}})};
    if (m.kind == MetricKind::mean && a.sum_sq && m.valid_min && m.valid_max) {
        const double lo = *m.valid_min;
        const double hi = *m.valid_max;
        const double most = (lo + hi) * a.sum - n * lo * hi;
        const double slack = 1e-9 * std::max({1.0, std::fabs(*a.sum_sq), std::fabs(most)});
        if (*a.sum_sq > most + slack)
            return AggregateProblem{AggregatePart::sum_sq,
                                    Message{"input.aggregate_sum_sq_above_range",
                                            {{"metric", m.name}, {"min", lo}, {"max", hi}}}};
    }
    return std::nullopt;
}

}  // namespace

std::optional<AggregateProblem> aggregate_kind_problem(MetricKind kind, const Aggregate& a) {
    if (a.n < 1) return AggregateProblem{AggregatePart::n, Message{"input.aggregate_n_below_one"}};
    if (!std::isfinite(a.sum)) return AggregateProblem{AggregatePart::sum, Message{"input.not_finite"}};
    const auto n = static_cast<double>(a.n);
    switch (kind) {
        case MetricKind::mean: {
            if (!a.sum_sq) return AggregateProblem{AggregatePart::sum_sq, Message{"input.aggregate_sum_sq_required"}};
            if (!std::isfinite(*a.sum_sq)) return AggregateProblem{AggregatePart::sum_sq, Message{"input.not_finite"}};
            // sum_sq - sum^2/n is n times the variance, never negative; allow for rounding in the
            // caller's own summing.
            const double floor = a.sum * a.sum / n;
            const double tolerance = 1e-9 * std::max({1.0, std::fabs(*a.sum_sq), floor});
            if (*a.sum_sq < floor - tolerance)
                return AggregateProblem{AggregatePart::sum_sq, Message{"input.aggregate_sum_sq_too_small"}};
            break;
        }
        case MetricKind::proportion:
            if (a.sum_sq) return AggregateProblem{AggregatePart::sum_sq, Message{"input.aggregate_sum_sq_unused.proportion"}};
            if (a.sum < 0.0 || a.sum > n) return AggregateProblem{AggregatePart::sum, Message{"input.successes_range"}};
            if (a.sum != std::floor(a.sum)) return AggregateProblem{AggregatePart::sum, Message{"input.successes_whole"}};
            break;
        case MetricKind::count:
            if (a.sum_sq) return AggregateProblem{AggregatePart::sum_sq, Message{"input.aggregate_sum_sq_unused.count"}};
            if (a.sum < 0.0) return AggregateProblem{AggregatePart::sum, Message{"input.events_negative"}};
            break;
    }
    return std::nullopt;
}

std::optional<AggregateProblem> aggregate_problem(const Metric& m, const Aggregate& a) {
    if (auto problem = aggregate_kind_problem(m.kind, a)) return problem;
    return aggregate_range_problem(m, a);
}

std::optional<StoredRowProblem> stored_row_problem(MetricKind kind, double value, const Aggregate* aggregate,
                                                   bool has_exposure) {
    if (has_exposure && kind != MetricKind::count) return StoredRowProblem{"exposure", Message{"input.exposure_only_counts"}};
    if (aggregate != nullptr) {
        if (auto problem = aggregate_kind_problem(kind, *aggregate))
            return StoredRowProblem{aggregate_field(problem->part), std::move(problem->problem)};
        if (kind == MetricKind::count && aggregate->sum != std::floor(aggregate->sum))
            return StoredRowProblem{"aggregate.sum", Message{"input.events_whole"}};
        return std::nullopt;
    }
    if (const char* problem = unit_value_problem(kind, value)) return StoredRowProblem{"value", Message{problem, {{"value", value}}}};
    if (kind == MetricKind::count && value != std::floor(value))
        return StoredRowProblem{"value", Message{"input.events_whole"}};
    return std::nullopt;
}

void require_own(const Experiment& experiment) {
    if (experiment.origin)
        throw InvalidStateError(Message{"bundle.imported_read_only",
                                        {{"key", experiment.key}, {"organisation", experiment.origin->organisation}}});
}

}  // namespace kokeilu::detail

namespace kokeilu {

bool same_name(std::string_view a, std::string_view b) {
    using detail::fold_case;
    if (fold_case(a) == fold_case(b)) return true;
    // Names are kept in NFC; a name stored before that, or looked up as typed, may not be.
    if (detail::is_ascii(a) && detail::is_ascii(b)) return false;
    return fold_case(detail::to_nfc(a)) == fold_case(detail::to_nfc(b));
}

}  // namespace kokeilu
