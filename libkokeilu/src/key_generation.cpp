#include "key_generation.hpp"

#include "kokeilu/error.hpp"

#include <boost/uuid/random_generator.hpp>
#include <boost/uuid/uuid.hpp>
#include <boost/uuid/uuid_io.hpp>

#include <algorithm>
#include <cstdint>
#include <string>

namespace kokeilu::detail {

namespace {

bool is_hex(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool is_key_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// The ASCII spelling of a letter in a key, or nullptr to drop it.
const char* key_spelling(std::uint32_t cp) noexcept {
    if (cp >= 'A' && cp <= 'Z') {
        static const char upper[] = "A\0B\0C\0D\0E\0F\0G\0H\0I\0J\0K\0L\0M\0N\0O\0P\0Q\0R\0S\0T\0U\0V\0W\0X\0Y\0Z";
        return upper + 2 * (cp - 'A');
    }
    if (cp >= 'a' && cp <= 'z') return key_spelling(cp - ('a' - 'A'));
    if (cp >= '0' && cp <= '9') {
        static const char digits[] = "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9";
        return digits + 2 * (cp - '0');
    }
    switch (cp) {
        case 0xC4: case 0xE4:  // Ä ä
        case 0xC5: case 0xE5:  // Å å
        case 0xC1: case 0xE1:  // Á á (Sámi)
            return "A";
        case 0xD6: case 0xF6:  // Ö ö
        case 0xD5: case 0xF5:  // Õ õ
        case 0xD8: case 0xF8:  // Ø ø
            return "O";
        case 0xDC: case 0xFC:  // Ü ü
            return "U";
        case 0xC6: case 0xE6:  // Æ æ
            return "AE";
        case 0x160: case 0x161:  // Š š
            return "S";
        case 0x17D: case 0x17E:  // Ž ž
            return "Z";
        case 0x10C: case 0x10D:  // Č č (Sámi)
            return "C";
        case 0x110: case 0x111:  // Đ đ (Sámi)
            return "D";
        default:
            return nullptr;
    }
}

// Decodes the code point at text[i] and advances i; invalid bytes decode as U+FFFD, one at a time.
std::uint32_t next_code_point(std::string_view text, std::size_t& i) noexcept {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    std::uint32_t cp = lead;
    if (lead >= 0xF0) {
        length = 4;
        cp = lead & 0x07U;
    } else if (lead >= 0xE0) {
        length = 3;
        cp = lead & 0x0FU;
    } else if (lead >= 0xC0) {
        length = 2;
        cp = lead & 0x1FU;
    } else if (lead >= 0x80) {
        ++i;
        return 0xFFFD;
    }
    if (length == 1) {
        ++i;
        return cp;
    }
    if (i + length > text.size()) {
        ++i;
        return 0xFFFD;
    }
    for (std::size_t k = 1; k < length; ++k) {
        const auto next = static_cast<unsigned char>(text[i + k]);
        if ((next & 0xC0U) != 0x80U) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (next & 0x3FU);
    }
    i += length;
    return cp;
}

}  // namespace

std::string new_uuid() {
    // A generator per call: it seeds itself from the operating system, and a shared one would need
    // a lock; experiments are not created often enough for the cost to matter.
    boost::uuids::random_generator generate;
    return boost::uuids::to_string(generate());  // lower-case canonical form
}

bool is_canonical_uuid_form(std::string_view text) noexcept {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex(text[i])) return false;
    }
    return true;
}

std::string canonical_uuid(std::string_view text) {
    if (!is_canonical_uuid_form(text))
        throw InvalidArgumentError("uuid",
                                   Message{"lifecycle.not_a_uuid", {{"value", std::string(text.substr(0, 64))}}});
    std::string out(text);
    for (auto& c : out)
        if (c >= 'A' && c <= 'F') c = static_cast<char>(c + ('a' - 'A'));
    return out;
}

void check_key(std::string_view key) {
    const bool shape_ok = !key.empty() && key.size() <= 40 && key.front() != '-' && key.front() != '_' &&
                          std::all_of(key.begin(), key.end(), is_key_char);
    if (!shape_ok)
        throw InvalidArgumentError("key", Message{"lifecycle.not_a_key", {{"value", std::string(key.substr(0, 64))}}});
    if (is_canonical_uuid_form(key))
        throw InvalidArgumentError("key", Message{"lifecycle.key_like_uuid", {}});
}

std::string key_prefix(std::string_view organisation, int year) {
    constexpr std::size_t max_letters = 10;
    std::string letters;
    for (std::size_t i = 0; i < organisation.size() && letters.size() < max_letters;) {
        if (const char* spelling = key_spelling(next_code_point(organisation, i))) letters += spelling;
    }
    if (letters.size() > max_letters) letters.resize(max_letters);  // "AE" can overshoot by one
    if (letters.empty()) letters = "EXP";
    return letters + "-" + std::to_string(year) + "-";
}

}  // namespace kokeilu::detail
