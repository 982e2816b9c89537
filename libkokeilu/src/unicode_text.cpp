#include "unicode_text.hpp"

#include <utf8proc.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace kokeilu::detail {

namespace {

// Calls visit(code point, its bytes) for each code point; a malformed byte is passed on as the
// code point -1 with that one byte.
template <class Visit>
void for_each_code_point(std::string_view text, Visit visit) {
    const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
    auto left = static_cast<utf8proc_ssize_t>(text.size());
    while (left > 0) {
        utf8proc_int32_t code_point = -1;
        utf8proc_ssize_t length = utf8proc_iterate(p, left, &code_point);
        if (length <= 0) {
            code_point = -1;
            length = 1;
        }
        if (!visit(code_point, std::string_view(reinterpret_cast<const char*>(p), static_cast<std::size_t>(length))))
            return;
        p += length;
        left -= length;
    }
}

bool is_hidden(utf8proc_int32_t code_point) noexcept {
    const utf8proc_property_t* property = utf8proc_get_property(code_point);
    switch (property->category) {
        case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_ZL:
        case UTF8PROC_CATEGORY_ZP:
            return true;
        default:
            return property->ignorable != 0;
    }
}

bool is_visible(utf8proc_int32_t code_point) noexcept {
    const utf8proc_property_t* property = utf8proc_get_property(code_point);
    if (property->ignorable != 0 || code_point == 0x2800) return false;  // U+2800 BRAILLE PATTERN BLANK
    switch (property->category) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
        case UTF8PROC_CATEGORY_PC:
        case UTF8PROC_CATEGORY_PD:
        case UTF8PROC_CATEGORY_PS:
        case UTF8PROC_CATEGORY_PE:
        case UTF8PROC_CATEGORY_PI:
        case UTF8PROC_CATEGORY_PF:
        case UTF8PROC_CATEGORY_PO:
        case UTF8PROC_CATEGORY_SM:
        case UTF8PROC_CATEGORY_SC:
        case UTF8PROC_CATEGORY_SK:
        case UTF8PROC_CATEGORY_SO:
        case UTF8PROC_CATEGORY_CO:  // private use: a font shows something
            return true;
        default:
            return false;
    }
}

}  // namespace

bool is_ascii(std::string_view text) noexcept {
    for (const char c : text)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    return true;
}

std::string to_nfc(std::string_view text) {
    if (is_ascii(text)) return std::string(text);
    utf8proc_uint8_t* mapped = nullptr;
    const utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                                 static_cast<utf8proc_ssize_t>(text.size()), &mapped,
                                                 static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    const std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owned(mapped, &std::free);
    if (length < 0) return std::string(text);  // malformed: check_text reports it
    return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
}

std::string with_ascii_spaces(std::string_view text) {
    if (is_ascii(text)) return std::string(text);
    std::string out;
    out.reserve(text.size());
    for_each_code_point(text, [&](utf8proc_int32_t code_point, std::string_view bytes) {
        if (code_point > 0x7F && utf8proc_category(code_point) == UTF8PROC_CATEGORY_ZS)
            out += ' ';
        else
            out += bytes;
        return true;
    });
    return out;
}

std::optional<char32_t> first_hidden_code_point(std::string_view text) noexcept {
    std::optional<char32_t> found;
    for_each_code_point(text, [&](utf8proc_int32_t code_point, std::string_view) {
        if (code_point >= 0 && is_hidden(code_point)) {
            found = static_cast<char32_t>(code_point);
            return false;
        }
        return true;
    });
    return found;
}

bool has_visible_character(std::string_view text) noexcept {
    bool found = false;
    for_each_code_point(text, [&](utf8proc_int32_t code_point, std::string_view) {
        found = code_point >= 0 && is_visible(code_point);
        return !found;
    });
    return found;
}

std::string code_point_name(char32_t code_point) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(code_point));
    return buffer;
}

}  // namespace kokeilu::detail
