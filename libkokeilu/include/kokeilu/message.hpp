// A message of the core as a stable code and typed parameters. Errors, the analysis' warnings and
// the verdict carry one, so that a front end can say it in its user's language without parsing
// English: the Python package looks the code up in its gettext catalogues (fi, sv, en), and a C++
// embedder can do the same or take english().
//
// A code is lower-case words joined by dots ("value.not_finite"); once released it is never reused
// for another meaning. Its English template names each parameter in braces ("must be a finite
// number, got {value}"); message_templates() lists every code the library can produce. A parameter
// whose name ends in "_code" holds the code of a part of the message ("reason_code":
// "input.iso.year"), said in the same language as the whole.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace kokeilu {

// A parameter's value: a count or position (int64), a measured or given number (double), or a text
// (a name, a key, a date, a value as the caller wrote it, a list of names).
using MessageValue = std::variant<std::int64_t, double, std::string>;

struct MessageParam {
    std::string name{};
    MessageValue value{};

    bool operator==(const MessageParam&) const = default;
};

struct Message {
    Message() = default;
    // Implicit, so that a code alone is a message: Message{"input.required"}.
    Message(std::string message_code, std::vector<MessageParam> message_params = {})  // NOLINT(google-explicit-constructor)
        : code(std::move(message_code)), params(std::move(message_params)) {}

    std::string code{};
    std::vector<MessageParam> params{};  // in the order the template names them

    // The value of a parameter, or nullptr when the message has none of that name.
    [[nodiscard]] const MessageValue* param(std::string_view name) const noexcept;

    // The English text: the code's template with every {name} replaced by its value (a double in
    // the shortest form that reads back exactly: "0.1", "1e+300"). A code without a template gives
    // the code followed by its parameters, so nothing is ever lost.
    [[nodiscard]] std::string english() const;

    // The same code with the same parameters, in the same order (so InputProblem compares too).
    bool operator==(const Message&) const = default;
};

struct MessageTemplate {
    std::string_view code{};
    std::string_view english{};
};

// Every code the library can produce with its English template, sorted by code.
[[nodiscard]] std::span<const MessageTemplate> message_templates();

// The English template of a code, or an empty view when the library has no such code.
[[nodiscard]] std::string_view english_template(std::string_view code);

// The text of one parameter value as english() writes it.
[[nodiscard]] std::string message_value_text(const MessageValue& value);

}  // namespace kokeilu
