#include "experiment_differences.hpp"

#include "kokeilu/error.hpp"
#include "preregistration.hpp"
#include "validation.hpp"

#include <string>
#include <vector>

namespace kokeilu::detail {

namespace {

std::string text_of(const std::optional<double>& value) { return value ? format_number(*value) : absent_text; }
std::string text_of(const std::optional<Date>& value) { return value ? format_date(*value) : absent_text; }

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

std::string link_names(const std::vector<ExperimentLink>& links) {
    std::string out;
    for (const ExperimentLink& link : links) {
        if (!out.empty()) out += ", ";
        out += to_string(link.kind);
        out += ' ';
        out += link.of;
    }
    return out;
}

std::vector<std::string> purpose_names(const std::vector<Purpose>& purposes) {
    std::vector<std::string> out;
    for (const Purpose p : purposes) out.emplace_back(to_string(p));
    return out;
}

}  // namespace

Experiment repeated_create(Experiment stored, const Experiment& given) {
    // Keys are looked up ignoring case: the same key spelled otherwise is no repeat, but a clash.
    if (stored.key != given.key)
        throw InvalidArgumentError("key",
                                   Message{"lifecycle.key_in_use_as", {{"key", given.key}, {"stored", stored.key}}});
    std::vector<FieldChange> changes;
    const auto compare = [&](const char* field, const std::string& old_value, const std::string& new_value) {
        if (old_value != new_value) changes.push_back({field, old_value, new_value});
    };
    if (!given.uuid.empty()) compare("uuid", stored.uuid, given.uuid);
    compare("title", stored.title, given.title);
    compare("summary", stored.summary, given.summary);
    compare("organisation", stored.organisation, given.organisation);
    compare("unit", stored.unit, given.unit);
    compare("owner", stored.owner, given.owner);
    compare("tags", joined(stored.tags), joined(given.tags));
    compare("purposes", joined(purpose_names(stored.purposes)), joined(purpose_names(given.purposes)));
    compare("planned_start", text_of(stored.planned_start), text_of(given.planned_start));
    compare("planned_end", text_of(stored.planned_end), text_of(given.planned_end));
    compare("planned_cost_eur", text_of(stored.planned_cost_eur), text_of(given.planned_cost_eur));
    compare("actual_cost_eur", text_of(stored.actual_cost_eur), text_of(given.actual_cost_eur));
    compare("planned_effort_hours", text_of(stored.planned_effort_hours), text_of(given.planned_effort_hours));
    compare("actual_effort_hours", text_of(stored.actual_effort_hours), text_of(given.actual_effort_hours));
    compare("risk", stored.risk, given.risk);
    compare("links", link_names(stored.links), link_names(given.links));
    // The Test Card, design, arms and metrics: the fields an amendment names.
    for (auto& change : preregistered_changes(stored, given)) changes.push_back(std::move(change));
    if (changes.empty()) return stored;

    std::string differences;
    for (const FieldChange& c : changes) {
        if (!differences.empty()) differences += "; ";
        differences += c.field + " (stored '" + c.old_value + "', given '" + c.new_value + "')";
    }
    throw InvalidArgumentError(
        "key", Message{"lifecycle.key_other_content", {{"key", stored.key}, {"differences", differences}}});
}

}  // namespace kokeilu::detail
