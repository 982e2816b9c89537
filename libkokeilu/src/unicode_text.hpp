// Unicode for names and reasons, through utf8proc: names are compared in one normal form (NFC),
// and a name or a reason must be made of characters a reader can see. Every function expects
// well-formed UTF-8 (check_text refuses anything else first); given malformed text, they leave
// it as it is and do not throw, so that the UTF-8 check can name the problem.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kokeilu::detail {

[[nodiscard]] bool is_ascii(std::string_view text) noexcept;

// Unicode Normalization Form C: "café" typed with a combining accent (NFD) becomes the same bytes
// as "café" typed with the precomposed letter. ASCII text is returned as it is.
[[nodiscard]] std::string to_nfc(std::string_view text);

// Every space separator (U+00A0 NO-BREAK SPACE, U+2003 EM SPACE, ...) as the ASCII space, so that
// two names cannot differ by a space that looks the same.
[[nodiscard]] std::string with_ascii_spaces(std::string_view text);

// The first code point a name must not hold, or nothing: one that shows nothing or changes how
// the text around it is shown. That is every control (Cc) and format character (Cf: zero-width
// spaces and joiners, the bidirectional controls U+200E/F, U+202A-202E, U+2066-2069, U+061C, the
// byte-order mark, the soft hyphen), the line and paragraph separators, and the other default
// ignorable code points (e.g. the Hangul filler U+3164, variation selectors).
[[nodiscard]] std::optional<char32_t> first_hidden_code_point(std::string_view text) noexcept;

// True when text holds at least one character that a reader sees: a letter, digit, punctuation
// mark or symbol. White space of any kind, zero-width and format characters alone are not.
[[nodiscard]] bool has_visible_character(std::string_view text) noexcept;

// "U+200B".
[[nodiscard]] std::string code_point_name(char32_t code_point);

}  // namespace kokeilu::detail
