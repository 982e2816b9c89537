// Coded messages: the English text made from a code's template and its parameters, the table of
// every code, and errors carrying their code and parameters.
#include "kokeilu/error.hpp"
#include "kokeilu/message.hpp"
#include "kokeilu/observation.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <regex>
#include <string>

using namespace kokeilu;

TEST_CASE("a message's English text fills its template's parameters", "[messages]") {
    const Message m{"input.column_length", {{"rows", std::int64_t{3}}, {"other", std::string("value")},
                                            {"other_rows", std::int64_t{2}}}};
    CHECK(m.english() == "has 3 rows; value has 2");
    REQUIRE(m.param("other") != nullptr);
    CHECK(std::get<std::string>(*m.param("other")) == "value");
    CHECK(m.param("missing") == nullptr);
}

TEST_CASE("numbers in a message are written exactly", "[messages]") {
    CHECK(message_value_text(MessageValue{0.1}) == "0.1");
    CHECK(message_value_text(MessageValue{-2.0}) == "-2");
    CHECK(message_value_text(MessageValue{std::int64_t{-7}}) == "-7");
}

TEST_CASE("a message whose code has no template keeps its code and parameters", "[messages]") {
    const Message m{"no.such_code", {{"value", 1.5}}};
    CHECK(m.english() == "no.such_code value=1.5");
    CHECK(english_template("no.such_code").empty());
}

TEST_CASE("a template's parameter the message lacks stays visible", "[messages]") {
    const Message m{"input.column_length", {{"rows", std::int64_t{3}}}};
    CHECK(m.english() == "has 3 rows; {other} has {other_rows}");
}

TEST_CASE("the table of codes is sorted, unique and well-formed", "[messages]") {
    const auto templates = message_templates();
    REQUIRE(!templates.empty());
    CHECK(std::ranges::is_sorted(templates, {}, &MessageTemplate::code));
    CHECK(std::ranges::adjacent_find(templates, {}, &MessageTemplate::code) == templates.end());
    const std::regex code_form("[a-z][a-z0-9_]*(\\.[a-z0-9_]+)+");
    for (const auto& t : templates) {
        INFO(t.code);
        CHECK(std::regex_match(std::string(t.code), code_form));
        CHECK(english_template(t.code) == t.english);
        // Braces only around parameter names: a stray one would break every front end's formatting.
        CHECK(std::ranges::count(t.english, '{') == std::ranges::count(t.english, '}'));
    }
}

TEST_CASE("an error carries its kind, code and parameters; what() is the English text", "[messages]") {
    try {
        throw InvalidArgumentError("at", Message{"input.arm_names_without_codes", {{"names", std::int64_t{2}}}});
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorCode::invalid_argument);
        CHECK(e.code() == "input.arm_names_without_codes");
        REQUIRE(e.params().size() == 1);
        CHECK(std::string(e.what()) == "at: without codes, exactly one arm name is needed for every row; got 2");
    }
}

TEST_CASE("an error without a code of its own has its kind as code and its text as parameter", "[messages]") {
    const Error e(ErrorCode::storage, "disk I/O error");
    CHECK(e.code() == "storage");
    REQUIRE(e.params().size() == 1);
    CHECK(std::get<std::string>(e.params().front().value) == "disk I/O error");
}

TEST_CASE("messages and the input problems holding them compare by code and parameters", "[messages]") {
    const Message a{"value.not_finite", {{"value", std::string("nan")}}};
    CHECK(a == Message{"value.not_finite", {{"value", std::string("nan")}}});
    CHECK_FALSE(a == Message{"value.not_finite", {{"value", std::string("inf")}}});
    CHECK_FALSE(a == Message{"value.not_finite"});
    CHECK_FALSE(a == Message{"value.other", {{"value", std::string("nan")}}});
    // A count and a number of the same size are different values.
    CHECK_FALSE(Message{"c", {{"n", std::int64_t{1}}}} == Message{"c", {{"n", 1.0}}});
    const InputProblem problem{"value", 3, a};
    CHECK(problem == InputProblem{"value", 3, a});
    CHECK_FALSE(problem == InputProblem{"value", 4, a});
    CHECK_FALSE(problem == InputProblem{"value", 3, Message{"value.not_finite"}});
}
