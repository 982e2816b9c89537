// What is checked about a tracker path before SQLite opens it.
//
// SQLite opens whatever the path names: a FIFO (the open blocks until a writer comes, so `kokeilu
// list` hangs), a device, a socket. And it cannot see two facts that lose committed rows: a file
// with a second name (a hard link), whose names each get their own write-ahead log, and a "-wal"
// file beside it that belongs to another database, which it would replay over this one (see
// sqlite_wal_identity.hpp). These checks run on the path alone, before the first SQLite call.
//
// They read the file system, and the file system can change between a check and SQLite's open; they
// are there to catch mistakes (a wrong path, a file linked or copied the wrong way), not an attacker
// who can already write the folder.
#pragma once

#include <string>

namespace kokeilu::detail {

// Refuses a path that names something other than a regular file (or nothing): a folder, a FIFO, a
// device, a socket, or a symbolic link to one of them; the same for the "-wal", "-shm" and
// "-journal" files SQLite opens beside it. Refuses a non-empty file that does not start as a SQLite
// file does (SchemaError, as SQLite's own "not a database"). Throws StorageError naming the path and
// what it is; nothing has been opened.
void check_tracker_path(const std::string& path);

// Refuses, for writing, a file that has more than one name (st_nlink above 1). SQLite names the
// write-ahead log and its index after the name it was given, so writers through two names of one
// file keep two logs: each checkpoint copies its own log's pages over the other's, and committed
// rows are lost. Reading is allowed: a read-only connection writes nothing, so it cannot lose a row
// (it may miss commits still in the other name's log, as a copy of the file would).
void check_single_name(const std::string& path);

}  // namespace kokeilu::detail
