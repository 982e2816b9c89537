// An experiment read back from its record (kokeilu/experiment_record.hpp): how a bundle's
// experiments become experiments of the receiving tracker. Every field of the record is read by
// the same names and forms experiment_record writes; the caller checks the round trip.
#include "kokeilu/experiment_record.hpp"

#include "kokeilu/error.hpp"

#include "history_payload.hpp"
#include "preregistration.hpp"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu {

namespace {

constexpr std::string_view record_title = "kokeilu experiment 1";

std::string label_of(std::string_view name) {
    std::string label = "record.";
    label += name;
    return label;
}

[[noreturn]] void bad_field(std::string_view name, std::string_view value) {
    throw InvalidArgumentError(label_of(name),
                               Message{"bundle.record_field", {{"value", std::string(value.substr(0, 64))}}});
}

std::int64_t integer_of(std::string_view name, std::string_view text) {
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) bad_field(name, text);
    return value;
}

std::optional<double> number_of(std::string_view name, std::string_view text) {
    if (text == detail::absent_text) return std::nullopt;
    double value = 0.0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) bad_field(name, text);
    return value;
}

std::optional<Date> date_of(std::string_view name, std::string_view text) {
    if (text == detail::absent_text) return std::nullopt;
    return parse_date(text, label_of(name));
}

std::optional<Time> time_of(std::string_view name, std::string_view text) {
    if (text == detail::absent_text) return std::nullopt;
    return from_unix_micros(integer_of(name, text), label_of(name));
}

// "arms[NAME].role" -> NAME and "role"; names may hold "]." themselves, field names never do.
std::optional<std::pair<std::string, std::string>> item_field(std::string_view name, std::string_view list) {
    if (!name.starts_with(list) || name.size() <= list.size() || name[list.size()] != '[') return std::nullopt;
    const auto close = name.rfind("].");
    if (close == std::string_view::npos || close < list.size() + 1) return std::nullopt;
    return std::pair{std::string(name.substr(list.size() + 1, close - list.size() - 1)),
                     std::string(name.substr(close + 2))};
}

template <class Item>
Item& item_named(std::vector<Item>& items, const std::string& name) {
    for (Item& item : items)
        if (item.name == name) return item;
    Item& added = items.emplace_back();
    added.name = name;
    return added;
}

Outcome& outcome_of(Experiment& e) {
    if (!e.outcome) e.outcome.emplace();
    return *e.outcome;
}

Amendment& amendment_at(Experiment& e, std::string_view name, std::string_view index_text) {
    const std::int64_t index = integer_of(name, index_text);
    // Amendments come in order, each field of one before the next: index i is the last or a new one.
    if (index < 0 || static_cast<std::size_t>(index) > e.amendments.size()) bad_field(name, index_text);
    if (static_cast<std::size_t>(index) == e.amendments.size()) e.amendments.emplace_back();
    return e.amendments[static_cast<std::size_t>(index)];
}

// "3,6,12": written only when not empty; validate_outcome checks the order and range.
std::vector<int> months_of(std::string_view name, std::string_view text) {
    std::vector<int> months;
    std::size_t begin = 0;
    while (true) {
        const std::size_t comma = text.find(',', begin);
        const std::int64_t m = integer_of(name, text.substr(begin, comma == std::string_view::npos ? text.npos : comma - begin));
        if (m < 0 || m > 1000) bad_field(name, text);
        months.push_back(static_cast<int>(m));
        if (comma == std::string_view::npos) break;
        begin = comma + 1;
    }
    return months;
}

void set_outcome_field(Experiment& e, std::string_view name, std::string_view field, const std::string& value) {
    Outcome& o = outcome_of(e);
    if (field == "verdict") o.verdict = parse_verdict(value);
    else if (field == "decision") o.decision = parse_decision(value);
    else if (field == "decided_on") o.decided_on = date_of(name, value).value_or(Date{});
    else if (field == "we_believed") o.learning.we_believed = value;
    else if (field == "we_observed") o.learning.we_observed = value;
    else if (field == "we_learned") o.learning.we_learned = value;
    else if (field == "therefore") o.learning.therefore = value;
    else if (field == "amended_verdict") {
        if (value != detail::absent_text) o.amended_verdict = parse_verdict(value);
    } else if (field == "judged_against") o.judged_against = parse_criterion(value);
    else if (field == "follow_up_months") o.follow_up_months = months_of(name, value);
    else bad_field(name, value);
}

ExperimentLink& link_at(Experiment& e, std::string_view name, std::string_view index_text) {
    const std::int64_t index = integer_of(name, index_text);
    // Like amendments: each link's fields before the next one's.
    if (index < 0 || static_cast<std::size_t>(index) > e.links.size()) bad_field(name, index_text);
    if (static_cast<std::size_t>(index) == e.links.size()) e.links.emplace_back();
    return e.links[static_cast<std::size_t>(index)];
}

void set_link_field(ExperimentLink& link, std::string_view name, std::string_view field, const std::string& value) {
    if (field == "kind") link.kind = parse_link_kind(value);
    else if (field == "of") link.of = value;
    else bad_field(name, value);
}

void set_amendment_field(Amendment& a, std::string_view name, std::string_view field, const std::string& value) {
    if (field == "at") a.at = time_of(name, value).value_or(Time{});
    else if (field == "field") a.field = value;
    else if (field == "old_value") a.old_value = value;
    else if (field == "new_value") a.new_value = value;
    else if (field == "reason") a.reason = value;
    else if (field == "author") a.author = value;
    else bad_field(name, value);
}

// One field of the record; false when the name is not one of the experiment's own fields.
bool set_plain_field(Experiment& e, std::string_view name, const std::string& value) {
    if (name == "uuid") e.uuid = value;
    else if (name == "key") e.key = value;
    else if (name == "title") e.title = value;
    else if (name == "summary") e.summary = value;
    else if (name == "organisation") e.organisation = value;
    else if (name == "unit") e.unit = value;
    else if (name == "owner") e.owner = value;
    else if (name == "planned_start") e.planned_start = date_of(name, value);
    else if (name == "planned_end") e.planned_end = date_of(name, value);
    else if (name == "actual_start") e.actual_start = date_of(name, value);
    else if (name == "actual_end") e.actual_end = date_of(name, value);
    else if (name == "planned_cost_eur") e.planned_cost_eur = number_of(name, value);
    else if (name == "actual_cost_eur") e.actual_cost_eur = number_of(name, value);
    else if (name == "planned_effort_hours") e.planned_effort_hours = number_of(name, value);
    else if (name == "actual_effort_hours") e.actual_effort_hours = number_of(name, value);
    else if (name == "risk") e.risk = value;
    else if (name == "design") e.design = parse_design_kind(value);
    else if (name == "status") e.status = parse_status(value);
    else if (name == "stop_reason") e.stop_reason = value;
    else if (name == "lock_hash") e.lock_hash = value;
    else if (name == "locked_at") e.locked_at = time_of(name, value);
    else if (name == "locked_criterion") {
        if (value != detail::absent_text) e.locked = detail::parse_locked_criterion(value);
    } else if (name == "created_at") e.created_at = time_of(name, value).value_or(Time{});
    else if (name == "updated_at") e.updated_at = time_of(name, value).value_or(Time{});
    else if (name == "revision") e.revision = integer_of(name, value);
    else return false;
    return true;
}

void set_field(Experiment& e, const std::string& name, const std::string& value) {
    if (set_plain_field(e, name, value)) return;
    if (name.starts_with("tags[")) {
        e.tags.push_back(value);
    } else if (name.starts_with("purposes[")) {
        e.purposes.push_back(parse_purpose(value));
    } else if (name.starts_with("test_card.")) {
        detail::set_field(e.test_card, std::string_view(name).substr(10), value, label_of(name));
    } else if (const auto arm = item_field(name, "arms")) {
        detail::set_field(item_named(e.arms, arm->first), arm->second, value, label_of(name));
    } else if (const auto metric = item_field(name, "metrics")) {
        detail::set_field(item_named(e.metrics, metric->first), metric->second, value, label_of(name));
    } else if (name.starts_with("outcome.")) {
        set_outcome_field(e, name, std::string_view(name).substr(8), value);
    } else if (name.starts_with("links[")) {
        const auto close = name.find("].");
        if (close == std::string::npos) bad_field(name, value);
        ExperimentLink& link = link_at(e, name, std::string_view(name).substr(6, close - 6));
        set_link_field(link, name, std::string_view(name).substr(close + 2), value);
    } else if (name.starts_with("amendments[")) {
        const auto close = name.find("].");
        if (close == std::string::npos) bad_field(name, value);
        Amendment& a = amendment_at(e, name, std::string_view(name).substr(11, close - 11));
        set_amendment_field(a, name, std::string_view(name).substr(close + 2), value);
    } else {
        bad_field(name, value);
    }
}

}  // namespace

Experiment experiment_from_record(std::string_view record) {
    const auto parsed = detail::parse_record(record);
    if (!parsed || parsed->title != record_title)
        throw InvalidArgumentError("record", Message{"bundle.record_form", {}});
    Experiment e;
    for (const auto& [name, value] : parsed->fields) {
        try {
            set_field(e, name, value);
        } catch (const Error& error) {
            // Enumerations' parsers name the field as a caller writes it ("status"): the record's
            // name says where it is.
            throw InvalidArgumentError(label_of(name), error.message());
        }
    }
    return e;
}

}  // namespace kokeilu
