#include "kokeilu/bundle_rows.hpp"

#include "kokeilu/error.hpp"
#include "sha256.hpp"
#include "sqlite_support.hpp"

#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>

namespace kokeilu {

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

// The columns of each part, in the order of the format (and of kokeilu.bundle.PARTS).
struct PartQuery {
    std::string_view name;
    const char* sql;
};

// Bytewise order of the UUID whatever collation a hostile file declares: the order in which an
// import asks for each experiment's rows.
constexpr PartQuery observations_query{
    "observations",
    "SELECT uuid, position, metric, arm, at, value, n, sum, sum_sq, exposure, subject, note, covariate "
    "FROM observations ORDER BY uuid COLLATE BINARY, position"};
constexpr PartQuery cells_query{
    "cells",
    "SELECT uuid, metric, arm, period_start, period_end, first_at, n, sum, sum_sq, exposure, suppressed "
    "FROM cells ORDER BY uuid COLLATE BINARY, metric, arm, period_start"};

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

[[noreturn]] void damaged(const std::string& path, const std::string& reason) {
    throw InvalidArgumentError("bundle", Message{"bundle.damaged", {{"path", path}, {"reason", reason}}});
}

SQLite::Database open_bundle(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY | SQLITE_OPEN_NOMUTEX);
    db.exec("PRAGMA trusted_schema = OFF");
    db.exec("PRAGMA cell_size_check = ON");
    db.exec("PRAGMA query_only = ON");
    return db;
}

// One part read in its order: every row hashed (and its values checked) as it is stepped to, so
// that the part's hash covers the rows given out and the rows passed over alike.
class PartCursor {
public:
    PartCursor(SQLite::Database& db, const PartQuery& query, std::size_t max_field_bytes)
        : query_(query), statement_(db, query.sql), max_field_bytes_(max_field_bytes) {
        step();
    }

    [[nodiscard]] bool has_row() const noexcept { return has_row_; }
    [[nodiscard]] const std::string& uuid() const noexcept { return uuid_; }
    [[nodiscard]] std::int64_t row() const noexcept { return row_; }  // the current row's index
    [[nodiscard]] std::int64_t rows_read() const noexcept { return has_row_ ? row_ + 1 : row_; }

    // The current row as an observation: none for a suppressed cell.
    [[nodiscard]] std::optional<Observation> observation() const {
        const RowReader reader(statement_.get(), query_.name, row_, max_field_bytes_);
        if (query_.name == observations_query.name) return unit_row(reader);
        return cell_row(reader);
    }

    void next() {
        ++row_;
        step();
    }
    void drain() {
        while (has_row_) next();
    }
    // Of the rows read: call once every row is (the hash is finished then).
    [[nodiscard]] const std::string& sha256() {
        if (sha256_.empty()) sha256_ = detail::to_hex(hash_.finish());
        return sha256_;
    }
    [[nodiscard]] std::string_view name() const noexcept { return query_.name; }

private:
    void step() {
        has_row_ = statement_.step();
        if (!has_row_) return;
        const RowReader reader(statement_.get(), query_.name, row_, max_field_bytes_);
        reader.canonical(line_);
        hash_.update(line_);
        uuid_.assign(reader.text_view(0));
    }

    const PartQuery& query_;
    detail::RawStatement statement_;
    std::size_t max_field_bytes_;
    detail::Sha256 hash_;
    std::string sha256_;
    std::string line_;
    std::string uuid_;
    std::int64_t row_ = 0;
    bool has_row_ = false;
};

const PartQuery& part_query(std::string_view part) {
    if (part == observations_query.name) return observations_query;
    if (part == cells_query.name) return cells_query;
    throw InvalidArgumentError("part", Message{"bundle.missing_value", {{"name", std::string(part)}}});
}

[[noreturn]] void unknown_experiment(const PartCursor& cursor) {
    throw InvalidArgumentError("bundle", Message{"bundle.unknown_experiment", {{"part", std::string(cursor.name())},
                                                                               {"row", cursor.row()},
                                                                               {"uuid", cursor.uuid().substr(0, 40)}}});
}

}  // namespace

struct BundleRowSource::State {
    struct ExpectedPart {
        std::unique_ptr<PartCursor> cursor;
        std::int64_t rows = 0;
        std::string sha256;
    };
    std::string path;
    SQLite::Database db;
    std::vector<ExpectedPart> parts;
    // Set when the source itself refused a row: that error, not a hash it left unfinished, is
    // what check_whole() leaves standing.
    bool refused = false;

    // Reads through f, SQLite's errors (a page the bundle's damage made unreadable) told as the
    // import's.
    template <class F>
    decltype(auto) reading(F&& f) {
        try {
            return f();
        } catch (const SQLite::Exception& error) {
            refused = true;
            damaged(path, error.what());
        } catch (const InvalidArgumentError&) {
            refused = true;
            throw;
        }
    }
    // Each part read to its end, compared with what the manifest lists.
    void compare() {
        for (ExpectedPart& part : parts) {
            reading([&] { part.cursor->drain(); });
            const std::int64_t found = part.cursor->rows_read();
            if (found != part.rows)
                throw InvalidArgumentError("bundle", Message{"bundle.part_rows", {{"part", std::string(part.cursor->name())},
                                                                                  {"found", found},
                                                                                  {"expected", part.rows}}});
            if (part.cursor->sha256() != part.sha256)
                throw InvalidArgumentError("bundle",
                                           Message{"bundle.part_hash", {{"part", std::string(part.cursor->name())}}});
        }
    }
};

BundleRowSource::BundleRowSource(const std::string& path, std::span<const Part> parts, std::size_t max_field_bytes) {
    try {
        state_ = std::make_unique<State>(State{path, open_bundle(path), {}});
        for (const Part& part : parts)
            state_->parts.push_back(
                {std::make_unique<PartCursor>(state_->db, part_query(part.name), max_field_bytes), part.rows, part.sha256});
    } catch (const SQLite::Exception& error) {
        damaged(path, error.what());
    }
}

BundleRowSource::~BundleRowSource() = default;

void BundleRowSource::rows_of(std::string_view uuid, const std::function<void(const Observation&)>& visit) {
    for (State::ExpectedPart& part : state_->parts) {
        PartCursor& cursor = *part.cursor;
        // Rows before the experiment's are of one the import does not hold.
        if (cursor.has_row() && cursor.uuid() < uuid) state_->reading([&] { unknown_experiment(cursor); });
        while (cursor.has_row() && cursor.uuid() == uuid) {
            std::optional<Observation> row = state_->reading([&] {
                std::optional<Observation> read = cursor.observation();
                cursor.next();
                return read;
            });
            if (row) visit(*row);
        }
    }
}

void BundleRowSource::finish() {
    for (const State::ExpectedPart& part : state_->parts)
        if (part.cursor->has_row()) state_->reading([&] { unknown_experiment(*part.cursor); });
    state_->compare();
}

void BundleRowSource::check_whole() {
    if (!state_->refused) state_->compare();
}

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
    const PartQuery& query = part_query(part);
    BundleRows out;
    try {
        SQLite::Database db = open_bundle(path);
        PartCursor cursor(db, query, max_field_bytes);
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
        damaged(path, error.what());
    }
    return out;
}

}  // namespace kokeilu
