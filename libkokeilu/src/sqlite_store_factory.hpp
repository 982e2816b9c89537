// Between opening a tracker file (sqlite_open.cpp) and the store over it (sqlite_store.cpp).
#pragma once

#include "kokeilu/store.hpp"
#include "sqlite_busy_wait.hpp"

#include <SQLiteCpp/Database.h>

#include <memory>

namespace kokeilu::detail {

// The store over a connection that prepare_tracker has made ready. `wait` is the connection's busy
// handler (installed on it): the store keeps it for as long as the connection is open.
[[nodiscard]] std::unique_ptr<Store> make_sqlite_store(SQLite::Database db, bool read_only,
                                                       std::unique_ptr<BusyWait> wait);

}  // namespace kokeilu::detail
