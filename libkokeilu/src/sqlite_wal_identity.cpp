#include "sqlite_wal_identity.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "key_generation.hpp"
#include "sqlite_support.hpp"

#include <array>
#include <filesystem>
#include <cstdint>
#include <fstream>
#include <optional>
#include <string_view>

namespace kokeilu::detail {

namespace {

using Bytes = std::string_view;

constexpr std::size_t wal_header_size = 32;
constexpr std::size_t frame_header_size = 24;

std::uint32_t big_endian_32(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

std::uint32_t little_endian_32(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return (std::uint32_t{b[3]} << 24) | (std::uint32_t{b[2]} << 16) | (std::uint32_t{b[1]} << 8) | b[0];
}

unsigned big_endian_16(const char* p) {
    const auto* b = reinterpret_cast<const unsigned char*>(p);
    return (unsigned{b[0]} << 8) | b[1];
}

// The WAL checksum: the input as 32-bit words in the writer's byte order (told by the magic
// number), summed in pairs, continuing from the previous frame's values.
struct Checksum {
    std::uint32_t s0 = 0;
    std::uint32_t s1 = 0;
    bool big_endian = true;

    void add(const char* data, std::size_t size) {
        for (std::size_t i = 0; i + 8 <= size; i += 8) {
            const std::uint32_t x0 = big_endian ? big_endian_32(data + i) : little_endian_32(data + i);
            const std::uint32_t x1 = big_endian ? big_endian_32(data + i + 4) : little_endian_32(data + i + 4);
            s0 += x0 + s1;
            s1 += x1 + s0;
        }
    }
    [[nodiscard]] bool matches(const char* stored) const {
        return big_endian_32(stored) == s0 && big_endian_32(stored + 4) == s1;
    }
};

// Reads the log frame by frame as SQLite's recovery would accept it: frames with the header's
// salts and an unbroken checksum chain. visit(page, content, commit) is called for each; it returns
// false to stop. Frames after the last commit frame are not replayed by SQLite: visit is told which
// frames commit, so that it can act only on committed evidence. Reads at most max_bytes of the log.
template <class Visit>
void read_frames(std::istream& in, std::size_t max_bytes, Visit visit) {
    std::array<char, wal_header_size> header{};
    if (!in.read(header.data(), header.size())) return;
    const std::uint32_t magic = big_endian_32(header.data());
    if (magic != 0x377f0682 && magic != 0x377f0683) return;
    if (big_endian_32(header.data() + 4) != 3007000) return;
    const std::uint32_t page_size = big_endian_32(header.data() + 8);
    if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0) return;
    Checksum sum;
    sum.big_endian = (magic & 1) != 0;
    sum.add(header.data(), 24);
    if (!sum.matches(header.data() + 24)) return;
    const std::string_view salts(header.data() + 16, 8);

    std::string frame(frame_header_size + page_size, '\0');
    for (std::size_t read = wal_header_size; read + frame.size() <= max_bytes; read += frame.size()) {
        if (!in.read(frame.data(), static_cast<std::streamsize>(frame.size()))) return;
        const char* frame_header = frame.data();
        if (std::string_view(frame_header + 8, 8) != salts) return;
        const std::uint32_t page = big_endian_32(frame_header);
        if (page == 0) return;
        sum.add(frame_header, 8);
        sum.add(frame_header + frame_header_size, page_size);
        if (!sum.matches(frame_header + 16)) return;
        const bool commit = big_endian_32(frame_header + 4) != 0;
        if (!visit(page, Bytes(frame_header + frame_header_size, page_size), commit)) return;
    }
}

// A SQLite varint (1-9 bytes, big-endian, 7 bits a byte, all 8 of the ninth).
std::optional<std::uint64_t> read_varint(Bytes data, std::size_t& at) {
    std::uint64_t value = 0;
    for (int i = 0; i < 9; ++i) {
        if (at >= data.size()) return std::nullopt;
        const auto byte = static_cast<unsigned char>(data[at++]);
        if (i == 8) return (value << 8) | byte;
        value = (value << 7) | (byte & 0x7f);
        if ((byte & 0x80) == 0) return value;
    }
    return value;
}

constexpr std::size_t identity_size = 16 + 32;  // the prefix and 32 hex digits

// The identity held by a page, when it is the identity table's page: a table leaf with one cell
// whose record is (id TEXT of identity_size bytes starting with the prefix, marks INTEGER). Any
// other page gives nothing: user data cannot take that shape.
std::optional<std::string> identity_in(Bytes page) {
    if (page.size() < 12 || static_cast<unsigned char>(page[0]) != 0x0d || big_endian_16(page.data() + 3) != 1)
        return std::nullopt;
    std::size_t at = big_endian_16(page.data() + 8);
    const auto payload_size = read_varint(page, at);
    const auto rowid = read_varint(page, at);
    if (!payload_size || !rowid || *payload_size > page.size() - at) return std::nullopt;
    const Bytes record = page.substr(at, *payload_size);
    std::size_t in_record = 0;
    const auto header_size = read_varint(record, in_record);
    const auto id_type = read_varint(record, in_record);
    const auto marks_type = read_varint(record, in_record);
    if (!header_size || !id_type || !marks_type || in_record != *header_size) return std::nullopt;
    const bool integer = (*marks_type >= 1 && *marks_type <= 6) || *marks_type == 8 || *marks_type == 9;
    if (*id_type != 13 + 2 * identity_size || !integer || identity_size > record.size() - in_record)
        return std::nullopt;
    const Bytes id = record.substr(*header_size, identity_size);
    if (!id.starts_with(file_identity_prefix)) return std::nullopt;
    return std::string(id);
}

// What the main file says without its log.
struct MainAlone {
    bool is_tracker = false;
    std::optional<std::string> identity;  // schema 6 on
};

std::optional<MainAlone> read_main_alone(const std::string& path) {
    sqlite3* db = nullptr;
    MainAlone main;
    bool read = false;
    const std::string uri = immutable_uri(path);
    if (sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr) ==
        SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            main.is_tracker = sqlite3_column_int(statement, 0) == sqlite_application_id;
            read = true;
        }
        sqlite3_finalize(statement);
        statement = nullptr;
        // No such table before schema 6: the prepare fails and there is no identity to compare.
        if (read && sqlite3_prepare_v2(db, "SELECT id FROM file_identity", -1, &statement, nullptr) == SQLITE_OK) {
            const int step = sqlite3_step(statement);
            if (step == SQLITE_ROW && sqlite3_column_type(statement, 0) == SQLITE_TEXT) {
                const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
                main.identity = std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(statement, 0)));
            } else if (step != SQLITE_DONE) {
                read = false;  // a page changing under the read: the log is in use, not stale
            }
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    if (!read) return std::nullopt;
    return main;
}

std::string short_identity(const std::string& identity) {
    return identity.substr(std::string_view(file_identity_prefix).size(), 12) + "…";
}

[[noreturn]] void refuse(Message whose) { throw StorageError(std::move(whose), SQLITE_CANTOPEN); }

// How much of a log is read. A log of this tracker has its identity page among the frames of the
// first commits after each restart, and a stale log is the one a killed writer left, so evidence
// comes early; a log kept long by a reader can grow to gigabytes, and reading all of it at every
// open would cost more than the rare case it could still catch.
constexpr std::size_t max_log_bytes = std::size_t{64} << 20;

}  // namespace

std::string new_file_identity() {
    std::string hex;
    for (const char c : new_uuid())
        if (c != '-') hex += c;
    return file_identity_prefix + hex;
}

void check_wal_belongs(const std::string& path) {
    std::ifstream log(path + "-wal", std::ios::binary);
    if (!log) return;
    std::error_code error;
    const auto main_size = std::filesystem::file_size(path, error);
    // A main file that is empty (or missing) has no frames of its own in any log: SQLite would
    // delete this log without a word. A tracker's first commit always writes the main file's
    // header before any frame goes to a log.
    const bool main_empty = error || main_size == 0;
    std::optional<MainAlone> main;
    if (!main_empty) {
        main = read_main_alone(path);
        if (!main || !main->is_tracker) return;  // not a tracker, or being written: the open decides
    }

    // Evidence counts once a commit frame follows it: frames after the last commit are not replayed.
    std::optional<Message> foreign;  // the refusal, once the log is known to be another file's
    bool own = false;
    read_frames(log, max_log_bytes, [&](std::uint32_t page, Bytes content, bool commit) {
        if (main_empty) {
            foreign = Message{"store.wal_of_empty_database", {{"path", path}}};
        } else if (page == 1) {
            if (big_endian_32(content.data() + 68) != static_cast<std::uint32_t>(sqlite_application_id))
                foreign = Message{"store.wal_of_other_database", {{"path", path}}};
        } else if (auto identity = main->identity ? identity_in(content) : std::nullopt) {
            if (*identity == *main->identity) {
                own = true;
            } else {
                foreign = Message{"store.wal_of_other_tracker", {{"path", path},
                                                                  {"identity", short_identity(*identity)},
                                                                  {"own_identity", short_identity(*main->identity)}}};
            }
        }
        if (!commit) return true;
        if (foreign) refuse(std::move(*foreign));
        return !own;  // a committed identity page of this file: the log is this file's own
    });
}

bool IdentityMarks::due(sqlite3* db, long full_checkpoints) const {
    if (!known_ || full_checkpoints != full_checkpoints_) return true;
    unsigned int version = 0;
    return sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &version) != SQLITE_OK ||
           version != data_version_;
}

void IdentityMarks::committed(sqlite3* db, bool marked, long full_checkpoints, long restarts) {
    // A commit that started the log anew without the mark leaves a log without identity: the next
    // write marks. (One that marked put the page into the new log: every frame of a commit is
    // written after the restart.)
    const bool restarted = restarts != restarts_;
    restarts_ = restarts;
    full_checkpoints_ = full_checkpoints;
    known_ = (marked || !restarted) &&
             sqlite3_file_control(db, "main", SQLITE_FCNTL_DATA_VERSION, &data_version_) == SQLITE_OK;
}

}  // namespace kokeilu::detail
