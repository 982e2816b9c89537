// English templates of the input messages (see message_tables.hpp). Keep them sorted by code;
// every code also needs an entry in python/kokeilu/locale/*/LC_MESSAGES/kokeilu.po (msgctxt = code,
// msgid = this template), which tests/python/test_core_messages.py checks.
#include "messages/message_tables.hpp"

#include <array>

namespace kokeilu::detail {

namespace {

constexpr std::array templates = {
    MessageTemplate{"input.arm_names_without_codes",
                    "without codes, exactly one arm name is needed for every row; got {names}"},
    MessageTemplate{"input.column_length", "has {rows} rows; {other} has {other_rows}"},
};

}  // namespace

std::span<const MessageTemplate> input_message_templates() { return templates; }

}  // namespace kokeilu::detail
