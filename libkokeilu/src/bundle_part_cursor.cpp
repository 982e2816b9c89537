#include "bundle_part_cursor.hpp"

#include "kokeilu/bundle_rows.hpp"
#include "kokeilu/error.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cmath>
#include <string>

namespace kokeilu::detail {

namespace {

// Well-formed UTF-8 as Python's strict decoder takes it: no overlong forms, no surrogates, nothing
// above U+10FFFF.
bool is_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80, high = 0xBF;  // the allowed range of the second byte
        if (c >= 0xC2 && c <= 0xDF) {
            length = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            length = 3;
            if (c == 0xE0) low = 0xA0;
            if (c == 0xED) high = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            length = 4;
            if (c == 0xF0) low = 0x90;
            if (c == 0xF4) high = 0x8F;
        } else {
            return false;
        }
        if (text.size() - i < length) return false;
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (second < low || second > high) return false;
        for (std::size_t k = 2; k < length; ++k)
            if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return false;
        i += length;
    }
    return true;
}

// A time as kokeilu writes it into a bundle, "2025-03-04T05:06:07.000008Z", read without the
// general ISO 8601 parser (a million rows a part); nullopt for any other form, which the parser
// then reads or refuses.
std::optional<Time> exported_time(std::string_view text) {
    constexpr std::string_view form = "dddd-dd-ddTdd:dd:dd.ddddddZ";
    if (text.size() != form.size()) return std::nullopt;
    for (std::size_t k = 0; k < form.size(); ++k) {
        const bool digit = text[k] >= '0' && text[k] <= '9';
        if (form[k] == 'd' ? !digit : text[k] != form[k]) return std::nullopt;
    }
    const auto number = [&](std::size_t from, std::size_t width) {
        int value = 0;
        for (std::size_t k = from; k < from + width; ++k) value = value * 10 + (text[k] - '0');
        return value;
    };
    using namespace std::chrono;
    const year_month_day date{year{number(0, 4)}, month{static_cast<unsigned>(number(5, 2))},
                              day{static_cast<unsigned>(number(8, 2))}};
    const int hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
    if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
    const auto at = sys_days(date) + hours(hour) + minutes(minute) + seconds(second) + microseconds(number(20, 6));
    return from_unix_micros(duration_cast<microseconds>(at.time_since_epoch()).count());
}

// One row of a part: hashes it as the format does, and gives its values by type, naming the part,
// row and column of any value that is not what the column holds.
class RowReader {
public:
    RowReader(sqlite3_stmt* statement, std::string_view part, std::int64_t row, std::size_t max_field_bytes)
        : statement_(statement), part_(part), row_(row), max_field_bytes_(max_field_bytes) {}

    // The row as one canonical JSON line (checks every value on the way).
    void canonical(std::string& out) const {
        out.clear();
        out += '[';
        const int columns = sqlite3_column_count(statement_);
        for (int i = 0; i < columns; ++i) {
            if (i > 0) out += ',';
            switch (sqlite3_column_type(statement_, i)) {
                case SQLITE_NULL: out += "null"; break;
                case SQLITE_INTEGER: out += std::to_string(sqlite3_column_int64(statement_, i)); break;
                case SQLITE_FLOAT: {
                    const double value = sqlite3_column_double(statement_, i);
                    if (!std::isfinite(value)) bad(i, "nan");
                    append_canonical_number(out, value);
                    break;
                }
                case SQLITE_TEXT: append_canonical_text(out, text_at(i)); break;
                default: bad(i, "b'...'");  // a binary value: the format has none
            }
        }
        out += "]\n";
    }

    [[nodiscard]] std::string text(int i) const {
        if (sqlite3_column_type(statement_, i) != SQLITE_TEXT) bad_type(i);
        return std::string(text_at(i));
    }
    [[nodiscard]] std::string optional_text(int i) const {
        return sqlite3_column_type(statement_, i) == SQLITE_NULL ? std::string() : text(i);
    }
    [[nodiscard]] double number(int i) const {
        const int type = sqlite3_column_type(statement_, i);
        if (type != SQLITE_FLOAT && type != SQLITE_INTEGER) bad_type(i);
        return sqlite3_column_double(statement_, i);
    }
    [[nodiscard]] std::optional<double> optional_number(int i) const {
        if (sqlite3_column_type(statement_, i) == SQLITE_NULL) return std::nullopt;
        return number(i);
    }
    [[nodiscard]] std::int64_t integer(int i) const {
        if (sqlite3_column_type(statement_, i) != SQLITE_INTEGER) bad_type(i);
        return sqlite3_column_int64(statement_, i);
    }
    [[nodiscard]] bool is_null(int i) const { return sqlite3_column_type(statement_, i) == SQLITE_NULL; }
    [[nodiscard]] Time time(int i) const {
        if (sqlite3_column_type(statement_, i) != SQLITE_TEXT) bad_type(i);
        const std::string_view at = text_at(i);
        try {
            if (const auto fast = exported_time(at)) return *fast;
            return parse_time(at, column(i));
        } catch (const InvalidArgumentError&) {
            bad(i, at);
        }
    }
    // The text without a copy, checked as text() checks it; valid until the next step.
    [[nodiscard]] std::string_view text_view(int i) const {
        if (sqlite3_column_type(statement_, i) != SQLITE_TEXT) bad_type(i);
        return text_at(i);
    }

private:
    [[nodiscard]] std::string column(int i) const { return sqlite3_column_name(statement_, i); }

    [[nodiscard]] std::string_view text_at(int i) const {
        const auto* bytes = reinterpret_cast<const char*>(sqlite3_column_text(statement_, i));
        const std::string_view value(bytes == nullptr ? "" : bytes,
                                     static_cast<std::size_t>(sqlite3_column_bytes(statement_, i)));
        if (value.size() > max_field_bytes_)
            throw InvalidArgumentError("bundle", Message{"bundle.field_too_long",
                                                         {{"part", std::string(part_)},
                                                          {"row", row_},
                                                          {"column", column(i)},
                                                          {"limit", static_cast<std::int64_t>(max_field_bytes_)}}});
        if (!is_utf8(value)) bad(i, "text that is not UTF-8");
        return value;
    }

    [[noreturn]] void bad(int i, std::string_view value) const {
        throw InvalidArgumentError("bundle", Message{"bundle.bad_value", {{"part", std::string(part_)},
                                                                          {"row", row_},
                                                                          {"column", column(i)},
                                                                          {"value", std::string(value.substr(0, 40))}}});
    }
    [[noreturn]] void bad_type(int i) const {
        switch (sqlite3_column_type(statement_, i)) {
            case SQLITE_NULL: bad(i, "None");
            case SQLITE_INTEGER: bad(i, std::to_string(sqlite3_column_int64(statement_, i)));
            case SQLITE_FLOAT: bad(i, std::to_string(sqlite3_column_double(statement_, i)));
            case SQLITE_TEXT: bad(i, text_at(i));
            default: bad(i, "b'...'");
        }
    }

    sqlite3_stmt* statement_;
    std::string_view part_;
    std::int64_t row_;
    std::size_t max_field_bytes_;
};

Observation unit_row(const RowReader& r) {
    Observation o;
    o.metric = r.text(2);
    o.arm = r.text(3);
    o.at = r.time(4);
    if (r.is_null(5)) {
        o.aggregate = Aggregate{r.integer(6), r.number(7), r.optional_number(8)};
    } else {
        o.value = r.number(5);
    }
    o.exposure = r.optional_number(9);
    o.subject = r.optional_text(10);
    o.note = r.optional_text(11);
    o.covariate = r.optional_number(12);
    return o;
}

std::optional<Observation> cell_row(const RowReader& r) {
    if (r.integer(10) != 0) return std::nullopt;  // suppressed: its statistics are not there
    Observation o;
    o.metric = r.text(1);
    o.arm = r.text(2);
    o.at = r.time(5);
    o.aggregate = Aggregate{r.integer(6), r.number(7), r.optional_number(8)};
    o.exposure = r.optional_number(9);
    return o;
}

}  // namespace

const PartQuery& part_query(std::string_view part) {
    if (part == observations_query.name) return observations_query;
    if (part == cells_query.name) return cells_query;
    throw InvalidArgumentError("part", Message{"bundle.missing_value", {{"name", std::string(part)}}});
}

SQLite::Database open_bundle(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    db.exec("PRAGMA trusted_schema = OFF");
    db.exec("PRAGMA cell_size_check = ON");
    db.exec("PRAGMA query_only = ON");
    return db;
}

void bundle_damaged(const std::string& path, const std::string& reason) {
    throw InvalidArgumentError("bundle", Message{"bundle.damaged", {{"path", path}, {"reason", reason}}});
}

PartCursor::PartCursor(SQLite::Database& db, const PartQuery& query, std::size_t max_field_bytes)
    : query_(query), statement_(db, query.sql), max_field_bytes_(max_field_bytes) {
    step();
}

std::optional<Observation> PartCursor::observation() const {
    const RowReader reader(statement_.get(), query_.name, row_, max_field_bytes_);
    if (query_.name == observations_query.name) return unit_row(reader);
    return cell_row(reader);
}

void PartCursor::step() {
    has_row_ = statement_.step();
    if (!has_row_) return;
    const RowReader reader(statement_.get(), query_.name, row_, max_field_bytes_);
    reader.canonical(line_);
    hash_.update(line_);
    uuid_.assign(reader.text_view(0));
}

}  // namespace kokeilu::detail
