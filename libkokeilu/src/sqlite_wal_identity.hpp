// The file identity: telling a tracker's own write-ahead log from a stale one of another file.
//
// SQLite replays any valid "-wal" file it finds beside a database: nothing in the log names the
// file it was written for. A log left behind by a killed process, beside a file that was then
// replaced (a backup restored, another tracker copied over it), is replayed onto the new file and
// shows the other file's rows. So every tracker (schema 6 on) keeps a random identity in the table
// file_identity, and its writes put a copy of that page into each log they start (IdentityMarks).
// Before SQLite opens the file, check_wal_belongs() reads the log itself (the WAL format is
// documented: https://www.sqlite.org/fileformat2.html#walformat) and compares every identity page
// in its committed frames, and the file header of every page-1 frame, with the main file read alone
// (SQLite's immutable=1, which does not look at the log).
//
// What this cannot see: a log of another tracker that holds no identity page (a log written by
// another program, or whose only commits came in the moment after a checkpoint and before the
// writer's next write), a log of a copy of this same tracker (same identity), and files at a schema
// before 6. docs/bad-input.md lists these.
#pragma once

#include <sqlite3.h>

#include <string>

namespace kokeilu::detail {

// The text kept in file_identity.id: a fixed prefix, which lets a page of the log be recognised
// as the identity page, then 32 random hex digits.
inline constexpr const char* file_identity_prefix = "kokeilu-file-id:";
[[nodiscard]] std::string new_file_identity();

// The statement that writes the identity page into the log again (the counter makes it a change:
// SQLite writes no page for an UPDATE that leaves the row as it was).
inline constexpr const char* mark_identity_sql = "UPDATE file_identity SET marks = marks + 1";

// Throws StorageError, leaving the main file and the log untouched, when the committed frames of
// path's "-wal" file hold an identity page or a database header that is not the main file's.
// Returns quietly when there is no log, nothing to compare, or the main file cannot be read alone
// (while another connection copies the log into it): those cases are SQLite's to handle.
void check_wal_belongs(const std::string& path);

// When a write must write the identity page into the log. A log starts again from its beginning
// (SQLite's "restart", with new salts) at the first commit after a checkpoint copied every frame;
// from then on, the old frames, identity page included, no longer count. So a write marks when it
// may be the first of a new log: the connection's first write, a write after another connection
// committed (it may have started the log), after one of this connection's checkpoints copied the
// whole log, and after a commit that is seen to have started it (the log got shorter). A single
// `log` in a run of them marks about once per thousand pages of log.
class IdentityMarks {
public:
    // Inside the write's transaction, before its first statement. full_checkpoints: how many
    // checkpoints of this connection have copied every frame so far.
    [[nodiscard]] bool due(sqlite3* db, long full_checkpoints) const;
    // Right after the write committed. restarts: how many commits of this connection were seen to
    // start the log anew, this one included.
    void committed(sqlite3* db, bool marked, long full_checkpoints, long restarts);
    // A write that failed: the next one marks (its transaction was rolled back, mark and all).
    void failed() noexcept { known_ = false; }

private:
    bool known_ = false;  // false: the next write marks
    unsigned int data_version_ = 0;
    long full_checkpoints_ = 0;
    long restarts_ = 0;
};

}  // namespace kokeilu::detail
