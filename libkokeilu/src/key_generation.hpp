// Identities of experiments: the stable UUID and the short human key ("OULU-2026-003").
#pragma once

#include "kokeilu/time.hpp"

#include <string>
#include <string_view>

namespace kokeilu::detail {

// A new random (version 4) UUID in lower-case canonical form.
[[nodiscard]] std::string new_uuid();

// The canonical lower-case form of a UUID given as 8-4-4-4-12 hex digits (either case);
// throws InvalidArgumentError("uuid", ...) for anything else.
[[nodiscard]] std::string canonical_uuid(std::string_view text);
[[nodiscard]] bool is_canonical_uuid_form(std::string_view text) noexcept;

// Throws InvalidArgumentError("key", ...) unless the key is 1-40 of [A-Za-z0-9_-], starting with a
// letter or digit, and does not look like a UUID (look-ups take either, so they must not collide).
void check_key(std::string_view key);

// The prefix of a generated key: the organisation upper-cased, with Finnish and Nordic letters
// written in ASCII (Kärsämäki -> KARSAMAKI) and anything else dropped, cut to 10 characters ("EXP"
// when nothing is left), then "-<year>-". The store appends the next free number.
[[nodiscard]] std::string key_prefix(std::string_view organisation, int year);

}  // namespace kokeilu::detail
