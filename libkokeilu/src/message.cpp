#include "kokeilu/message.hpp"

#include "messages/message_tables.hpp"
#include "validation.hpp"

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace kokeilu {

namespace {

std::vector<MessageTemplate> all_templates() {
    std::vector<MessageTemplate> all;
    for (const auto area : {detail::input_message_templates(), detail::lifecycle_message_templates(),
                            detail::store_message_templates(), detail::stats_message_templates(),
                            detail::sharing_message_templates(), detail::privacy_message_templates()}) {
        all.insert(all.end(), area.begin(), area.end());
    }
    std::ranges::sort(all, {}, &MessageTemplate::code);
    // A code given twice would make its text depend on the order of the tables: refuse at once.
    const auto twice = std::ranges::adjacent_find(all, {}, &MessageTemplate::code);
    if (twice != all.end()) {
        std::string what = "message code defined twice: ";
        what += twice->code;
        throw std::logic_error(what);
    }
    return all;
}

// A parameter named "..._code" holds the code of a part of the message ("input.iso.year"): its
// text is that code's template.
std::string nested_text(const MessageValue& value) {
    const std::string code = message_value_text(value);
    const std::string_view text = english_template(code);
    return text.empty() ? code : std::string(text);
}

}  // namespace

std::span<const MessageTemplate> message_templates() {
    static const std::vector<MessageTemplate> templates = all_templates();
    return templates;
}

std::string_view english_template(std::string_view code) {
    const auto templates = message_templates();
    const auto found = std::ranges::lower_bound(templates, code, {}, &MessageTemplate::code);
    return found != templates.end() && found->code == code ? found->english : std::string_view{};
}

std::string message_value_text(const MessageValue& value) {
    if (const auto* count = std::get_if<std::int64_t>(&value)) return std::to_string(*count);
    if (const auto* number = std::get_if<double>(&value)) return detail::format_number(*number);
    return std::get<std::string>(value);
}

const MessageValue* Message::param(std::string_view name) const noexcept {
    const auto found = std::ranges::find(params, name, &MessageParam::name);
    return found == params.end() ? nullptr : &found->value;
}

std::string Message::english() const {
    const std::string_view text = english_template(code);
    if (text.empty()) {
        std::string out = code;
        for (const auto& p : params) out += " " + p.name + "=" + message_value_text(p.value);
        return out;
    }
    std::string out;
    out.reserve(text.size() + 32);
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t open = text.find('{', i);
        const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos) {
            out.append(text.substr(i));
            break;
        }
        out.append(text.substr(i, open - i));
        const std::string_view name = text.substr(open + 1, close - open - 1);
        const MessageValue* value = param(name);
        // A template naming a parameter its message lacks is a bug in the library; keep the
        // placeholder visible rather than hide it (tests check every site).
        // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + string&&.
        if (value == nullptr) {
            out += '{';
            out += name;
            out += '}';
        }
        else if (name.ends_with("_code")) out += nested_text(*value);
        else out += message_value_text(*value);
        i = close + 1;
    }
    return out;
}

}  // namespace kokeilu
