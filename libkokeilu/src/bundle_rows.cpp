// The row parts' canonical encoding (Python's json.dumps of each value) and a part read whole.
#include "kokeilu/bundle_rows.hpp"

#include "bundle_part_cursor.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace kokeilu {

void append_canonical_number(std::string& out, double value) {
    if (value == 0.0) {
        out += std::signbit(value) ? "-0.0" : "0.0";
        return;
    }
    // The shortest digits that read back as the value, then laid out as Python's repr does:
    // exponent form when the decimal point is more than 16 places right or 4 left of the first
    // digit, else positional with ".0" on a whole number.
    char buffer[40];
    const auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
    std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
    if (text.front() == '-') {
        out += '-';
        text.remove_prefix(1);
    }
    const std::size_t e = text.find('e');
    std::string digits(1, text[0]);
    if (e > 1) digits.append(text.substr(2, e - 2));
    // The exponent as to_chars writes it: a sign, then at least two digits.
    int exponent = 0;
    for (std::size_t k = e + 2; k < text.size(); ++k) exponent = exponent * 10 + (text[k] - '0');
    if (text[e + 1] == '-') exponent = -exponent;
    const int point = exponent + 1;  // digits before the decimal point
    const auto size = static_cast<int>(digits.size());
    if (point <= -4 || point > 16) {
        out += digits[0];
        if (size > 1) {
            out += '.';
            out.append(digits, 1);
        }
        out += exponent < 0 ? "e-" : "e+";
        const int magnitude = std::abs(exponent);
        if (magnitude < 10) out += '0';
        out += std::to_string(magnitude);
    } else if (point <= 0) {
        out += "0.";
        out.append(static_cast<std::size_t>(-point), '0');
        out += digits;
    } else if (point < size) {
        out.append(digits, 0, static_cast<std::size_t>(point));
        out += '.';
        out.append(digits, static_cast<std::size_t>(point));
    } else {
        out += digits;
        out.append(static_cast<std::size_t>(point - size), '0');
        out += ".0";
    }
}

void append_canonical_text(std::string& out, std::string_view text) {
    static constexpr char hex_digits[] = "0123456789abcdef";
    out += '"';
    // Runs of characters that need no escape are copied whole.
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && c != '"' && c != '\\') continue;
        out.append(text.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                out += "\\u00";
                out += hex_digits[byte >> 4];
                out += hex_digits[byte & 0x0F];
        }
    }
    out.append(text.data() + run, text.size() - run);
    out += '"';
}

BundleRows read_bundle_rows(const std::string& path, std::string_view part, std::size_t max_field_bytes) {
    const detail::PartQuery& query = detail::part_query(part);
    BundleRows out;
    try {
        SQLite::Database db = detail::open_bundle(path);
        detail::PartCursor cursor(db, query, max_field_bytes);
        std::vector<Observation>* rows = nullptr;
        std::string current;
        while (cursor.has_row()) {
            if (rows == nullptr || cursor.uuid() != current) {
                current = cursor.uuid();
                rows = &out.by_experiment[current];
                out.first_row.emplace(current, cursor.row());
            }
            if (auto row = cursor.observation()) rows->push_back(std::move(*row));
            cursor.next();
        }
        out.rows = cursor.rows_read();
        out.sha256 = cursor.sha256();
    } catch (const SQLite::Exception& error) {
        detail::bundle_damaged(path, error.what());
    }
    return out;
}

}  // namespace kokeilu
