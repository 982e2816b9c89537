// English templates of the stats messages (see message_tables.hpp). Keep them sorted by code;
// every code also needs an entry in python/kokeilu/locale/*/LC_MESSAGES/kokeilu.po (msgctxt = code,
// msgid = this template), which tests/python/test_core_messages.py checks.
#include "messages/message_tables.hpp"

#include <array>

namespace kokeilu::detail {

namespace {

constexpr std::array<MessageTemplate, 0> templates{};

}  // namespace

std::span<const MessageTemplate> stats_message_templates() { return templates; }

}  // namespace kokeilu::detail
