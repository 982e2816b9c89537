#include "sqlite_file_checks.hpp"

#include "kokeilu/error.hpp"

#include <sqlite3.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kokeilu::detail {

namespace {

// What a file system entry is, in words for an error message (never a link: links are followed
// first, and said as "a symbolic link to ...").
std::string kind_of(mode_t mode) {
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

// Refuses `name` (the tracker or a file SQLite keeps beside it) unless it is missing or a regular
// file. `code`: the message for a file beside the tracker (nullptr: `name` is the tracker itself).
// `follow`: whether SQLite follows a symbolic link there (it opens "-shm" with O_NOFOLLOW, so a
// link in its place fails cleanly and must stay allowed: the read-only fallback relies on that).
void check_entry(const std::string& path, const std::string& name, const char* code, bool follow) {
    struct stat link_status {};
    if (::lstat(name.c_str(), &link_status) != 0) return;  // missing (or unreadable: SQLite will say)
    struct stat status = link_status;
    const bool is_link = S_ISLNK(link_status.st_mode);
    if (is_link) {
        if (!follow) return;
        // A dangling link or a loop: SQLite's own error, explained by cannot_open_reason, is clearer.
        if (::stat(name.c_str(), &status) != 0) return;
    }
    if (S_ISREG(status.st_mode)) return;
    std::string what = kind_of(status.st_mode);
    if (is_link) what = "a symbolic link to " + what;
    // The likeliest mistake (a folder given as the tracker) has a code of its own, so that it is said
    // wholly in the user's language; the rarer kinds name themselves in English.
    if (code == nullptr && !is_link && S_ISDIR(status.st_mode))
        throw StorageError(Message{"store.path_is_folder", {{"path", path}}}, SQLITE_CANTOPEN);
    if (code == nullptr)
        throw StorageError(Message{"store.not_a_file", {{"path", path}, {"kind", what}}}, SQLITE_CANTOPEN);
    throw StorageError(Message{code, {{"path", path}, {"name", name}, {"kind", what}}}, SQLITE_CANTOPEN);
}

// The first 16 bytes of every SQLite database file (the file format's "magic header string").
constexpr std::string_view sqlite_magic{"SQLite format 3\0", 16};

void check_header(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    // O_NOFOLLOW refuses a symbolic link (already checked to lead to a regular file): read that one
    // through the link.
    const int file = fd >= 0 ? fd : ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (file < 0) return;  // unreadable: SQLite's open gives the reason
    std::array<char, 16> head{};
    ssize_t got = 0;
    do {
        got = ::pread(file, head.data(), head.size(), 0);
    } while (got < 0 && errno == EINTR);
    ::close(file);
    if (got <= 0) return;  // empty: it becomes a new tracker (or is refused as empty when read-only)
    if (std::string_view(head.data(), static_cast<std::size_t>(got)) != sqlite_magic)
        throw SchemaError(Message{"store.not_a_database", {{"path", path}}});
}

}  // namespace

void check_tracker_path(const std::string& path) {
    check_entry(path, path, nullptr, true);
    check_entry(path, path + "-wal", "store.wal_not_a_file", true);
    check_entry(path, path + "-journal", "store.journal_not_a_file", true);
    check_entry(path, path + "-shm", "store.shm_not_a_file", false);
    check_header(path);
}

void check_single_name(const std::string& path) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0 || !S_ISREG(status.st_mode) || status.st_nlink <= 1) return;
    throw StorageError(
        Message{"store.hard_links", {{"path", path}, {"names", static_cast<std::int64_t>(status.st_nlink)}}},
        SQLITE_CANTOPEN);
}

}  // namespace kokeilu::detail
