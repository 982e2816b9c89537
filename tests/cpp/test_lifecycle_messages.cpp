// The lifecycle's and the store's refusals carry a code and typed parameters (message.hpp), so a
// front end can say them in its own language; what() stays the English text the code's template
// gives.
#include "kokeilu/error.hpp"
#include "kokeilu/message.hpp"
#include "kokeilu/sqlite_store.hpp"

#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

using namespace kokeilu;
using kokeilu::testing::home_care_draft;
using kokeilu::testing::memory_tracker;
using kokeilu::testing::TempDir;

namespace {

std::string text_param(const Error& e, const char* name) {
    const MessageValue* value = e.message().param(name);
    REQUIRE(value != nullptr);
    REQUIRE(std::holds_alternative<std::string>(*value));
    return std::get<std::string>(*value);
}

}  // namespace

TEST_CASE("lifecycle messages: a missing experiment is not found by its code and key", "[messages][lifecycle]") {
    Tracker tracker = memory_tracker();
    try {
        (void)tracker.get("OULU-2026-999");
        FAIL("found");
    } catch (const NotFoundError& e) {
        CHECK(e.code() == "lifecycle.experiment_not_found");
        CHECK(text_param(e, "key") == "OULU-2026-999");
        CHECK(std::string(e.what()) == "experiment not found: OULU-2026-999");
    }
}

TEST_CASE("lifecycle messages: a refused transition names the experiment and its status", "[messages][lifecycle]") {
    Tracker tracker = memory_tracker();
    const Experiment e = tracker.create(home_care_draft());
    (void)tracker.start(e.key, Date(2026, 3, 2));
    try {
        (void)tracker.start(e.key);
        FAIL("started twice");
    } catch (const InvalidStateError& error) {
        CHECK(error.code() == "lifecycle.cannot_start");
        CHECK(text_param(error, "key") == e.key);
        CHECK(text_param(error, "status") == "running");
        CHECK(std::string(error.what()) == "cannot start " + e.key + ": its status is running; only a draft can be started");
    }
    try {
        tracker.delete_draft(e.key);
        FAIL("deleted a running experiment");
    } catch (const InvalidStateError& error) {
        CHECK(error.code() == "lifecycle.delete_not_draft");
        CHECK(error.params().size() == 2);
    }
}

TEST_CASE("lifecycle messages: a stale copy gives both revisions as counts", "[messages][lifecycle]") {
    Tracker tracker = memory_tracker();
    Experiment stale = tracker.create(home_care_draft());
    Experiment fresh = stale;
    fresh.title = "Video visits";
    (void)tracker.update(fresh);
    stale.title = "Evening video visits";
    try {
        (void)tracker.update(stale);
        FAIL("a stale copy was saved");
    } catch (const InvalidStateError& error) {
        CHECK(error.code() == "lifecycle.changed_since_read");
        const MessageValue* revision = error.message().param("revision");
        const MessageValue* stored = error.message().param("stored_revision");
        REQUIRE(revision != nullptr);
        REQUIRE(stored != nullptr);
        CHECK(std::get<std::int64_t>(*revision) + 1 == std::get<std::int64_t>(*stored));
    }
}

TEST_CASE("lifecycle messages: a bad argument keeps its field beside its code", "[messages][lifecycle]") {
    Tracker tracker = memory_tracker();
    Experiment draft = home_care_draft();
    draft.key = "not a key!";
    try {
        (void)tracker.create(draft);
        FAIL("created");
    } catch (const InvalidArgumentError& error) {
        CHECK(error.field() == "key");
        CHECK(error.code() == "lifecycle.not_a_key");
        CHECK(text_param(error, "value") == "not a key!");
    }
}

TEST_CASE("store messages: files that cannot be opened are refused by code and path", "[messages][store]") {
    TempDir dir;
    const std::string missing = dir.file("missing.db");
    try {
        (void)open_sqlite_store(missing, {.read_only = true});
        FAIL("opened");
    } catch (const NotFoundError& e) {
        CHECK(e.code() == "store.file_not_found");
        CHECK(text_param(e, "path") == missing);
    }
    const std::string folder = dir.file("kansio.db");
    std::filesystem::create_directory(folder);
    try {
        (void)open_sqlite_store(folder);
        FAIL("opened");
    } catch (const StorageError& e) {
        CHECK(e.code() == "store.path_is_folder");
        CHECK(std::string(e.what()) ==
              "opening '" + folder + "': it is a folder, not a file; a tracker is a regular file");
    }
    const std::string text = dir.file("notes.db");
    std::ofstream(text) << "these are not the rows you are looking for\n";
    try {
        (void)open_sqlite_store(text);
        FAIL("opened");
    } catch (const SchemaError& e) {
        CHECK(e.code() == "store.not_a_database");
        CHECK(std::string(e.what()) ==
              "'" + text + "' is not a kokeilu tracker: it is not a SQLite database; it was left unchanged");
    }
}

TEST_CASE("store messages: every code the lifecycle and the store use has a template", "[messages][store]") {
    for (const char* code : {"lifecycle.experiment_not_found", "lifecycle.cannot_start", "lifecycle.tracker_closed",
                             "store.sqlite_failed", "store.locked", "store.read_only", "store.wal_of_other_tracker",
                             "store.batch_voided_on", "store.observation_voided_by"}) {
        INFO(code);
        CHECK(!english_template(code).empty());
    }
}
