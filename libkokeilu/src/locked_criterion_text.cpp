// The locked criterion as the store keeps it (one text, read back exactly), and the locked
// criterion of an experiment locked before the snapshot was kept, rebuilt from its amendments.
#include "preregistration.hpp"

#include "kokeilu/error.hpp"
#include "validation.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <vector>

namespace kokeilu::detail {

namespace {

constexpr std::string_view header = "kokeilu locked criterion 1\n";

// Length-prefixed, as the text the lock hash is taken over: "name 5:value\n".
void append_field(std::string& out, std::string_view name, std::string_view value) {
    out += name;
    out += ' ';
    out += std::to_string(value.size());
    out += ':';
    out += value;
    out += '\n';
}

// code: lifecycle.locked_text_<what is wrong>.
[[noreturn]] void unreadable(const char* code, std::vector<MessageParam> params = {}) {
    throw InvalidArgumentError("locked_criterion", Message{code, std::move(params)});
}

// Reads the text line by line: a bare word ("arm", "metric") or a field "name N:value".
class Reader {
public:
    explicit Reader(std::string_view text) : text_(text) {}

    [[nodiscard]] bool done() const noexcept { return pos_ == text_.size(); }

    // The next line's name, and its value when it is a field.
    std::pair<std::string_view, std::optional<std::string_view>> next() {
        const std::size_t end = text_.find_first_of(" \n", pos_);
        if (end == std::string_view::npos) unreadable("lifecycle.locked_text_cut_line");
        const std::string_view name = text_.substr(pos_, end - pos_);
        if (text_[end] == '\n') {
            pos_ = end + 1;
            return {name, std::nullopt};
        }
        const std::size_t colon = text_.find(':', end + 1);
        if (colon == std::string_view::npos)
            unreadable("lifecycle.locked_text_no_length", {{"name", std::string(name)}});
        std::size_t length = 0;
        const auto [stop, error] = std::from_chars(text_.data() + end + 1, text_.data() + colon, length);
        if (error != std::errc() || stop != text_.data() + colon)
            unreadable("lifecycle.locked_text_bad_length", {{"name", std::string(name)}});
        if (length > text_.size() - colon - 1 || text_.size() - colon - 1 - length < 1 ||
            text_[colon + 1 + length] != '\n')
            unreadable("lifecycle.locked_text_cut_field", {{"name", std::string(name)}});
        const std::string_view value = text_.substr(colon + 1, length);
        pos_ = colon + 2 + length;
        return {name, value};
    }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

std::int64_t id_of(std::string_view text) {
    std::int64_t id = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (error != std::errc() || end != text.data() + text.size() || id < 0) unreadable("lifecycle.locked_text_bad_id");
    return id;
}

// The fields of a described arm or metric ("role=control; description=..."; empty ones and the
// name are left out), in the fixed order of fields_of. A value runs up to the next "; field=" of a
// later field, so a value may itself hold "; ".
template <class Item>
void set_described(Item& item, std::string_view text, const std::string& label) {
    const FieldList order = fields_of(item);
    std::size_t pos = 0;
    for (std::size_t k = 0; k < order.size() && pos < text.size(); ++k) {
        const std::string prefix = std::string(order[k].first) + "=";
        if (text.substr(pos, prefix.size()) != prefix) continue;
        std::size_t end = text.size();
        for (std::size_t later = k + 1; later < order.size(); ++later) {
            const std::size_t at = text.find("; " + std::string(order[later].first) + "=", pos + prefix.size());
            end = std::min(end, at);
        }
        set_field(item, order[k].first, text.substr(pos + prefix.size(), end - pos - prefix.size()), label);
        pos = end == text.size() ? end : end + 2;
    }
}

// An amendment's field for an arm or metric: "metrics[wait_days].minimum_effect" names the item
// "wait_days" and the field "minimum_effect"; "metrics[wait_days]" the whole item (added or
// removed).
struct ItemField {
    std::string name;
    std::string field;  // empty: the whole item
};

std::optional<ItemField> item_field(std::string_view label, std::string_view list) {
    if (label.substr(0, list.size() + 1) != std::string(list) + "[") return std::nullopt;
    const std::string_view rest = label.substr(list.size() + 1);
    if (!rest.empty() && rest.back() == ']') return ItemField{std::string(rest.substr(0, rest.size() - 1)), {}};
    const std::size_t close = rest.rfind("].");
    if (close == std::string_view::npos) return std::nullopt;
    return ItemField{std::string(rest.substr(0, close)), std::string(rest.substr(close + 2))};
}

template <class Item>
std::optional<std::size_t> index_named(const std::vector<Item>& items, std::string_view name) {
    for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].name == name) return i;
    for (std::size_t i = 0; i < items.size(); ++i)
        if (same_name(items[i].name, name)) return i;
    return std::nullopt;
}

// Undoes one update's amendments of the arms or metrics. Within one update, a changed field names
// its item as it was before the update, an added item as it is after; so every target is found
// (in the state after the update) before anything is changed.
template <class Item>
void undo_items(std::vector<Item>& items, std::string_view list, std::span<const Amendment> batch) {
    struct Change {
        std::size_t index;
        std::string field;
        std::string old_value;
        std::string label;
    };
    std::vector<Change> changes;
    std::vector<std::size_t> added;
    std::vector<Item> removed;
    for (const Amendment& a : batch) {
        const auto target = item_field(a.field, list);
        if (!target) continue;
        if (target->field.empty()) {
            if (a.old_value == absent_text) {
                if (const auto index = index_named(items, target->name)) added.push_back(*index);
            } else if (a.new_value == absent_text) {
                Item item;
                item.name = target->name;
                set_described(item, a.old_value, a.field);
                removed.push_back(std::move(item));
            }
            continue;
        }
        std::string now = target->name;  // its name after the update
        for (const Amendment& other : batch) {
            const auto renamed = item_field(other.field, list);
            if (renamed && renamed->field == "name" && renamed->name == target->name) now = other.new_value;
        }
        if (const auto index = index_named(items, now)) changes.push_back({*index, target->field, a.old_value, a.field});
    }
    for (const Change& change : changes) set_field(items[change.index], change.field, change.old_value, change.label);
    std::sort(added.begin(), added.end());
    added.erase(std::unique(added.begin(), added.end()), added.end());
    for (auto index = added.rbegin(); index != added.rend(); ++index)
        items.erase(items.begin() + static_cast<std::ptrdiff_t>(*index));
    for (Item& item : removed) items.push_back(std::move(item));
}

void undo_batch(LockedCriterion& parts, std::span<const Amendment> batch) {
    for (const Amendment& a : batch) {
        if (a.field.rfind("test_card.", 0) == 0) {
            set_field(parts.test_card, std::string_view(a.field).substr(10), a.old_value, a.field);
        } else if (a.field == "design") {
            parts.design = parse_design_kind(a.old_value);
        }
    }
    undo_items(parts.arms, "arms", batch);
    undo_items(parts.metrics, "metrics", batch);
}

}  // namespace

std::string locked_criterion_text(const LockedCriterion& locked) {
    std::string out(header);
    for (const auto& [name, value] : fields_of(locked.test_card)) append_field(out, std::string("test_card.") + name, value);
    append_field(out, "design", to_string(locked.design));
    for (const Arm& arm : locked.arms) {
        out += "arm\n";
        append_field(out, "id", std::to_string(arm.id));
        for (const auto& [name, value] : fields_of(arm))
            if (!recorded_only_when_set(name, value)) append_field(out, name, value);
    }
    for (const Metric& metric : locked.metrics) {
        out += "metric\n";
        append_field(out, "id", std::to_string(metric.id));
        for (const auto& [name, value] : fields_of(metric))
            if (!recorded_only_when_set(name, value)) append_field(out, name, value);
    }
    return out;
}

LockedCriterion parse_locked_criterion(std::string_view text) {
    if (text.substr(0, header.size()) != header)
        unreadable("lifecycle.locked_text_header", {{"header", std::string(header.substr(0, 24))}});
    LockedCriterion locked;
    Reader reader(text.substr(header.size()));
    enum class Part { card, arm, metric } part = Part::card;
    while (!reader.done()) {
        const auto [name, value] = reader.next();
        if (!value) {
            if (name == "arm") {
                locked.arms.emplace_back();
                part = Part::arm;
            } else if (name == "metric") {
                locked.metrics.emplace_back();
                part = Part::metric;
            } else {
                unreadable("lifecycle.locked_text_unknown_part", {{"name", std::string(name.substr(0, 64))}});
            }
            continue;
        }
        const std::string label = "locked_criterion." + std::string(name);
        if (part == Part::card) {
            if (name == "design") {
                locked.design = parse_design_kind(*value);
            } else if (name.rfind("test_card.", 0) == 0) {
                set_field(locked.test_card, name.substr(10), *value, label);
            } else {
                unreadable("lifecycle.locked_text_unknown_field", {{"name", std::string(name.substr(0, 64))}});
            }
        } else if (part == Part::arm) {
            if (name == "id") locked.arms.back().id = id_of(*value);
            else set_field(locked.arms.back(), name, *value, label);
        } else {
            if (name == "id") locked.metrics.back().id = id_of(*value);
            else set_field(locked.metrics.back(), name, *value, label);
        }
    }
    return locked;
}

LockedCriterion locked_from_amendments(const Experiment& experiment) {
    LockedCriterion parts = lock_of(experiment);
    const std::span<const Amendment> all(experiment.amendments);
    // One update's amendments share their time; they are undone together, newest update first.
    std::size_t end = all.size();
    while (end > 0) {
        std::size_t begin = end - 1;
        while (begin > 0 && all[begin - 1].at == all[end - 1].at) --begin;
        undo_batch(parts, all.subspan(begin, end - begin));
        end = begin;
    }
    return parts;
}

}  // namespace kokeilu::detail
