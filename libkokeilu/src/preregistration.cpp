#include "preregistration.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/tracker.hpp"
#include "validation.hpp"

#include <boost/uuid/name_generator_sha1.hpp>
#include <boost/uuid/string_generator.hpp>
#include <boost/uuid/uuid.hpp>

#include <algorithm>
#include <charconv>
#include <functional>
#include <system_error>
#include <optional>
#include <string>
#include <vector>

namespace kokeilu {

namespace detail {

// Each pre-registered field as (name, text); the same lists serve the hash, the diff, the
// description and the snapshot of the lock, so that no field can be hashed but not reported, or
// kept but not restored. set_field below is their inverse: a field added here needs a case there
// (the round-trip test of every field catches one that is missing).
FieldList fields_of(const Metric& m) {
    const auto optional = [](const std::optional<double>& v) { return v ? format_number(*v) : std::string(absent_text); };
    return {{"name", m.name},
            {"unit", m.unit},
            {"description", m.description},
            {"kind", std::string(to_string(m.kind))},
            {"role", std::string(to_string(m.role))},
            {"direction", std::string(to_string(m.direction))},
            {"impact", std::string(to_string(m.impact))},
            {"baseline", optional(m.baseline)},
            {"baseline_sd", optional(m.baseline_sd)},
            {"minimum_effect", format_number(m.minimum_effect)},
            {"effect_scale", std::string(to_string(m.effect_scale))},
            {"confidence", format_number(m.confidence)},
            {"valid_min", optional(m.valid_min)},
            {"valid_max", optional(m.valid_max)},
            {"label", m.label},
            {"covariate", m.covariate}};
}

bool recorded_only_when_set(std::string_view name, std::string_view value) {
    return (name == "share" && value == absent_text) || ((name == "label" || name == "covariate") && value.empty());
}

bool left_out_when_absent(std::string_view name, std::string_view value) {
    return (value == absent_text && (name == "valid_min" || name == "valid_max")) || recorded_only_when_set(name, value);
}

FieldList fields_of(const Arm& a) {
    return {{"name", a.name},
            {"role", std::string(to_string(a.role))},
            {"description", a.description},
            {"share", a.share ? format_number(*a.share) : std::string(absent_text)}};
}

FieldList fields_of(const TestCard& c) {
    return {{"we_believe", c.we_believe},
            {"to_verify", c.to_verify},
            {"and_measure", c.and_measure},
            {"right_if", c.right_if},
            {"data_seen", c.data_seen}};
}

namespace {

std::vector<std::pair<const char*, std::string>> metric_fields(const Metric& m) { return fields_of(m); }
std::vector<std::pair<const char*, std::string>> arm_fields(const Arm& a) { return fields_of(a); }
std::vector<std::pair<const char*, std::string>> test_card_fields(const TestCard& c) { return fields_of(c); }

double number_of(std::string_view text, const std::string& label) {
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        throw InvalidArgumentError(label,
                                   Message{"lifecycle.not_a_number", {{"value", std::string(text.substr(0, 64))}}});
    return value;
}

std::optional<double> optional_number_of(std::string_view text, const std::string& label) {
    if (text == absent_text) return std::nullopt;
    return number_of(text, label);
}

[[noreturn]] void unknown_field(std::string_view name, const std::string& label) {
    throw InvalidArgumentError(
        label, Message{"lifecycle.not_a_preregistered_field", {{"value", std::string(name.substr(0, 64))}}});
}

}  // namespace

void set_field(Metric& m, std::string_view name, std::string_view text, const std::string& label) {
    const std::string value(text);
    if (name == "name") m.name = value;
    else if (name == "unit") m.unit = value;
    else if (name == "description") m.description = value;
    else if (name == "kind") m.kind = parse_metric_kind(text);
    else if (name == "role") m.role = parse_metric_role(text);
    else if (name == "direction") m.direction = parse_direction(text);
    else if (name == "impact") m.impact = parse_impact_class(text);
    else if (name == "baseline") m.baseline = optional_number_of(text, label);
    else if (name == "baseline_sd") m.baseline_sd = optional_number_of(text, label);
    else if (name == "minimum_effect") m.minimum_effect = number_of(text, label);
    else if (name == "effect_scale") m.effect_scale = parse_effect_scale(text);
    else if (name == "confidence") m.confidence = number_of(text, label);
    else if (name == "valid_min") m.valid_min = optional_number_of(text, label);
    else if (name == "valid_max") m.valid_max = optional_number_of(text, label);
    else if (name == "label") m.label = value;
    else if (name == "covariate") m.covariate = value;
    else unknown_field(name, label);
}

void set_field(Arm& a, std::string_view name, std::string_view text, const std::string& label) {
    if (name == "name") a.name = std::string(text);
    else if (name == "role") a.role = parse_arm_role(text);
    else if (name == "description") a.description = std::string(text);
    else if (name == "share") a.share = optional_number_of(text, label);
    else unknown_field(name, label);
}

void set_field(TestCard& c, std::string_view name, std::string_view text, const std::string& label) {
    if (name == "we_believe") c.we_believe = std::string(text);
    else if (name == "to_verify") c.to_verify = std::string(text);
    else if (name == "and_measure") c.and_measure = std::string(text);
    else if (name == "right_if") c.right_if = std::string(text);
    else if (name == "data_seen") c.data_seen = std::string(text);
    else unknown_field(name, label);
}

namespace {

// Fields that enter the hash only once they are set, so that an experiment locked before the
// field existed hashes exactly as it did then.
bool hashed_only_when_set(std::string_view name) { return name == "data_seen"; }

template <class Item>
std::string describe_fields(const Item& item, std::vector<std::pair<const char*, std::string>> (*fields)(const Item&)) {
    std::string out;
    for (const auto& [name, value] : fields(item)) {
        if (value.empty() || std::string_view(name) == "name" || left_out_when_absent(name, value)) continue;
        if (!out.empty()) out += "; ";
        out += name;
        out += '=';
        out += value;
    }
    return out;
}

// Length-prefixed, so that no text inside a field can imitate a field boundary.
void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ' ';
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += '\n';
}

// Arms and metrics in name order (ignoring case), so that reordering the list is not a change.
template <class Item>
std::vector<const Item*> in_name_order(const std::vector<Item>& items) {
    std::vector<const Item*> sorted;
    sorted.reserve(items.size());
    for (const auto& item : items) sorted.push_back(&item);
    std::stable_sort(sorted.begin(), sorted.end(), [](const Item* a, const Item* b) {
        const auto fa = fold_case(a->name);
        const auto fb = fold_case(b->name);
        return fa != fb ? fa < fb : a->name < b->name;
    });
    return sorted;
}

// Pairs the items of after with those of before: by id where after has one, then by name.
template <class Item>
std::vector<std::optional<std::size_t>> pair_items(const std::vector<Item>& before, const std::vector<Item>& after) {
    std::vector<std::optional<std::size_t>> partner(after.size());
    std::vector<bool> taken(before.size(), false);
    for (std::size_t i = 0; i < after.size(); ++i) {
        if (after[i].id == 0) continue;
        for (std::size_t j = 0; j < before.size(); ++j)
            if (!taken[j] && before[j].id == after[i].id) {
                partner[i] = j;
                taken[j] = true;
                break;
            }
    }
    for (std::size_t i = 0; i < after.size(); ++i) {
        if (partner[i] || after[i].id != 0) continue;
        for (std::size_t j = 0; j < before.size(); ++j)
            if (!taken[j] && same_name(before[j].name, after[i].name)) {
                partner[i] = j;
                taken[j] = true;
                break;
            }
    }
    return partner;
}

template <class Item>
void diff_items(const char* list, const std::vector<Item>& before, const std::vector<Item>& after,
                std::vector<std::pair<const char*, std::string>> (*fields)(const Item&), std::vector<FieldChange>& out) {
    const auto partner = pair_items(before, after);
    std::vector<bool> kept(before.size(), false);
    for (std::size_t i = 0; i < after.size(); ++i) {
        if (!partner[i]) continue;
        const Item& old_item = before[*partner[i]];
        kept[*partner[i]] = true;
        const auto old_fields = fields(old_item);
        const auto new_fields = fields(after[i]);
        const std::string label = std::string(list) + "[" + old_item.name + "].";
        for (std::size_t k = 0; k < old_fields.size(); ++k)
            if (old_fields[k].second != new_fields[k].second)
                out.push_back({label + old_fields[k].first, old_fields[k].second, new_fields[k].second});
    }
    for (std::size_t j = 0; j < before.size(); ++j)
        if (!kept[j])
            out.push_back({std::string(list) + "[" + before[j].name + "]", describe_fields(before[j], fields), absent_text});
    for (std::size_t i = 0; i < after.size(); ++i)
        if (!partner[i])
            out.push_back({std::string(list) + "[" + after[i].name + "]", absent_text, describe_fields(after[i], fields)});
}

}  // namespace

std::string describe(const Arm& arm) { return describe_fields(arm, arm_fields); }
std::string describe(const Metric& metric) { return describe_fields(metric, metric_fields); }

std::vector<FieldChange> preregistered_changes(const Experiment& before, const Experiment& after) {
    std::vector<FieldChange> out;
    const auto old_card = test_card_fields(before.test_card);
    const auto new_card = test_card_fields(after.test_card);
    for (std::size_t k = 0; k < old_card.size(); ++k)
        if (old_card[k].second != new_card[k].second)
            out.push_back({std::string("test_card.") + old_card[k].first, old_card[k].second, new_card[k].second});
    if (before.design != after.design)
        out.push_back({"design", std::string(to_string(before.design)), std::string(to_string(after.design))});
    diff_items("arms", before.arms, after.arms, arm_fields, out);
    diff_items("metrics", before.metrics, after.metrics, metric_fields, out);
    return out;
}

std::string preregistration_text(const Experiment& e) {
    std::string out = "kokeilu preregistration 1\n";
    for (const auto& [name, value] : test_card_fields(e.test_card))
        if (!value.empty() || !hashed_only_when_set(name)) append_field(out, std::string("test_card.") + name, value);
    append_field(out, "design", to_string(e.design));
    for (const Arm* arm : in_name_order(e.arms)) {
        out += "arm\n";
        for (const auto& [name, value] : arm_fields(*arm))
            if (!left_out_when_absent(name, value)) append_field(out, name, value);
    }
    for (const Metric* metric : in_name_order(e.metrics)) {
        out += "metric\n";
        for (const auto& [name, value] : metric_fields(*metric))
            if (!left_out_when_absent(name, value)) append_field(out, name, value);
    }
    return out;
}

}  // namespace detail

std::string preregistration_hash(const Experiment& experiment) {
    // A name-based UUID (RFC 4122, version 5) is SHA-1 over a namespace and the text, through
    // Boost.Uuid's public API. SHA-1 is no longer collision-resistant against a determined forger,
    // but the lock only has to show that the pre-registered parts changed, and for that 122 bits of
    // SHA-1 are ample. The namespace is fixed: changing it would change every stored hash.
    static const boost::uuids::uuid lock_namespace =
        boost::uuids::string_generator()("6b6f6b65-696c-752d-7072-657265676973");
    const boost::uuids::name_generator_sha1 generate(lock_namespace);
    const boost::uuids::uuid digest = generate(detail::preregistration_text(experiment));

    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * digest.size());
    for (const auto byte : digest) {
        out += hex[(byte >> 4) & 0x0F];
        out += hex[byte & 0x0F];
    }
    return out;
}

}  // namespace kokeilu
