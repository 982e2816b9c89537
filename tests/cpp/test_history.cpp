// The history (history.hpp, verification.hpp, voiding.hpp): the RFC 9162 Merkle tree against the
// reference vectors of RFC 6962's implementations, checkpoints, one entry per change, batches and
// idempotency keys, voids, and verification against files edited behind kokeilu's back.
#include "kokeilu/tracker.hpp"

#include "history_chain.hpp"
#include "sqlite_schema.hpp"
#include "sha256.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

Experiment started(Tracker& t, const std::string& key = "OULU-2025-001") {
    Experiment draft = home_care_draft();
    draft.key = key;
    draft.planned_start = Date(2025, 3, 1);
    draft.planned_end = Date(2025, 8, 31);
    return t.start(t.create(draft).key, Date(2025, 3, 3));
}

bool has_problem(const VerificationReport& report, const std::string& field) {
    return std::any_of(report.problems.begin(), report.problems.end(),
                       [&](const VerificationProblem& p) { return p.field == field; });
}

}  // namespace

TEST_CASE("the Merkle tree hash is RFC 9162's: the reference vectors of RFC 6962", "[history]") {
    // Leaves and roots of the certificate-transparency reference implementation's tests.
    const std::vector<std::string> leaves{"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                          "606162636465666768696a6b6c6d6e6f"};
    const std::vector<std::string> roots{"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                                         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                                         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                                         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                                         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                                         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                                         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
    detail::MerkleTreeHash tree;
    CHECK(detail::to_hex(tree.root()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    for (std::size_t i = 0; i < leaves.size(); ++i) {
        tree.add(detail::leaf_hash(detail::from_hex(leaves[i], "leaf")));
        CHECK(tree.size() == static_cast<std::int64_t>(i + 1));
        CHECK(detail::to_hex(tree.root()) == roots[i]);
    }
}

TEST_CASE("a checkpoint is one line that reads back, and anything else is refused", "[history]") {
    const Checkpoint c{"0123456789abcdef0123456789abcdef", 42, std::string(32, '\x7f')};
    CHECK(Checkpoint::parse(c.to_text()) == c);
    CHECK(Checkpoint::parse("  " + c.to_text() + "\n") == c);
    for (const std::string& bad : {std::string(), std::string("kokeilu-checkpoint/1"), c.to_text() + " extra",
                                  "kokeilu-checkpoint/2 0123456789abcdef0123456789abcdef 42 " + std::string(64, '7'),
                                  "kokeilu-checkpoint/1 0123456789abcdef0123456789abcdef -1 " + std::string(64, '7'),
                                  "kokeilu-checkpoint/1 0123456789ABCDEF0123456789abcdef 42 " + std::string(64, '7'),
                                  "kokeilu-checkpoint/1 0123456789abcdef0123456789abcdef 42 " + std::string(64, 'g')})
        CHECK(field_of_error([&] { (void)Checkpoint::parse(bad); }) == "checkpoint");
}

TEST_CASE("every change appends one entry, and the chain verifies", "[history][tracker]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    t.note(e.key, "the first week", "Aino", at(2025, 3, 7));
    const std::vector<std::int64_t> times{to_unix_micros(at(2025, 3, 4)), to_unix_micros(at(2025, 3, 5)),
                                          to_unix_micros(at(2025, 3, 6))};
    const std::vector<double> values{4.0, 3.0, 5.0};
    const std::vector<std::int32_t> codes{0, 1, 1};
    const WriteResult first = t.log_columns(e.key, "", control_video_columns(times, values, codes));
    CHECK(first.rows == 3);
    CHECK_FALSE(first.repeated);
    std::vector<HistoryKind> kinds;
    for (const HistoryEntry& entry : t.history()) kinds.push_back(entry.kind);
    CHECK(kinds == std::vector<HistoryKind>{HistoryKind::begin, HistoryKind::create, HistoryKind::start,
                                            HistoryKind::note, HistoryKind::observations});
    const HistoryEntry batch = t.history(e.key).back();
    REQUIRE(batch.batch);
    CHECK(batch.batch->id == first.batch);
    CHECK(batch.batch->rows == 3);
    CHECK(batch.batch->last_observation_id - batch.batch->first_observation_id == 2);
    const VerificationReport report = t.verify();
    CHECK(report.ok());
    CHECK(report.checkpoint == t.checkpoint());
    CHECK(report.checkpoint.size == 5);
    CHECK(report.log.from_schema == 0);
}

TEST_CASE("a repeated idempotency key writes nothing, other content with it is refused", "[history][tracker]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    const std::vector<Observation> rows{{at(2025, 3, 4), "", "control", 4.0, {}, {}, "", "", {}},
                                        {at(2025, 3, 4), "", "video", 3.0, {}, {}, "", "", {}}};
    LogOptions keyed;
    keyed.idempotency_key = "survey-week-1";
    const WriteResult first = t.log_many(e.key, rows, keyed);
    const WriteResult again = t.log_many(e.key, rows, keyed);
    CHECK(again == WriteResult{0, first.batch, true});
    CHECK(t.count_observations(e.key) == 2);
    std::vector<Observation> other = rows;
    other[1].value = 5.0;
    CHECK(field_of_error([&] { t.log_many(e.key, other, keyed); }) == "idempotency_key");
    keyed.idempotency_key = " padded ";
    CHECK(field_of_error([&] { t.log_many(e.key, other, keyed); }) == "idempotency_key");
    CHECK(t.count_observations(e.key) == 2);
    CHECK(t.verify().ok());
}

TEST_CASE("a void takes rows out of the running summaries as if they had never been written", "[history][tracker]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    const std::vector<std::int64_t> times{to_unix_micros(at(2025, 3, 4)), to_unix_micros(at(2025, 3, 5)),
                                          to_unix_micros(at(2025, 3, 6))};
    const std::vector<double> values{4.0, 1e300, 5.0};
    const std::vector<std::int32_t> codes{1, 1, 1};
    const WriteResult written = t.log_columns(e.key, "", control_video_columns(times, values, codes));
    REQUIRE(written.rows == 3);  // ids 1 to 3: the second is the typo
    const VoidRecord v = t.void_observations(e.key, {{2}, 0, "typo", "Aino"});
    CHECK(v.observation_ids == std::vector<std::int64_t>{2});
    const auto summaries = t.arm_summaries(t.get(e.key));
    REQUIRE(summaries.size() == 1);
    REQUIRE(summaries[0].summary);
    CHECK(summaries[0].summary->n() == 2);
    CHECK(summaries[0].summary->mean() == Approx(4.5));
    CHECK(summaries[0].summary->max() == 5.0);
    CHECK(state_error_of([&] { t.void_observations(e.key, {{2}, 0, "again", ""}); }) != "(no InvalidStateError)");
    CHECK(field_of_error([&] { t.void_observations(e.key, {{}, 0, "nothing named", ""}); }) == "observation_ids");
    CHECK(field_of_error([&] { t.void_observations(e.key, {{1}, written.batch, "both", ""}); }) == "observation_ids");
    CHECK(field_of_error([&] { t.void_observations(e.key, {{1}, 0, " ", ""}); }) == "reason");
    ObservationQuery all;
    all.include_voided = true;
    const ObservationTable table = t.observations(e.key, all);
    CHECK(table.voided == std::vector<std::uint8_t>{0, 1, 0});
    CHECK(t.observations(e.key).size() == 2);
    CHECK(t.verify().ok());
}

TEST_CASE("verify finds rows and the locked criterion edited behind kokeilu's back", "[history][sqlite]") {
    testing::TempDir dir;
    const std::string path = dir.file("t.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        key = started(t).key;
        const std::vector<std::int64_t> times{to_unix_micros(at(2025, 3, 4)), to_unix_micros(at(2025, 3, 5)),
                                              to_unix_micros(at(2025, 3, 6))};
        const std::vector<double> values{4.0, 3.0, 5.0};
        const std::vector<std::int32_t> codes{0, 1, 1};
        (void)t.log_columns(key, "", control_video_columns(times, values, codes));
        REQUIRE(t.verify().ok());
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("UPDATE observations SET value = 3.5 WHERE id = 2");
        db.exec("UPDATE experiments SET right_if = 'anything goes'");
    }
    Tracker t = Tracker::open(path);
    const VerificationReport report = t.verify();
    CHECK_FALSE(report.ok());
    CHECK(has_problem(report, "test_card.right_if"));
    CHECK(has_problem(report, "lock_hash"));
    CHECK(std::any_of(report.problems.begin(), report.problems.end(), [](const VerificationProblem& p) {
        return p.field.starts_with("batch ") && p.problem.find("edited") != std::string::npos;
    }));
    const auto quick = t.quick_check(key);
    CHECK(std::any_of(quick.begin(), quick.end(), [](const VerificationProblem& p) { return p.field == "lock_hash"; }));
}

TEST_CASE("only a draft can be deleted, and its entries stay", "[history][tracker]") {
    Tracker t = memory_tracker();
    const Experiment e = started(t);
    CHECK(state_error_of([&] { t.delete_draft(e.key); }) != "(no InvalidStateError)");
    Experiment draft = home_care_draft();
    draft.key = "OULU-2025-002";
    const Experiment stored = t.create(draft);
    t.delete_draft(stored.key);
    CHECK_THROWS_AS(t.get(stored.key), NotFoundError);
    CHECK(t.history().back().kind == HistoryKind::delete_draft);
    CHECK(t.history().back().experiment_uuid == stored.uuid);
    CHECK(t.verify().ok());
}

TEST_CASE("a file written at schema 2 gets a history that begins at its migration", "[history][schema]") {
    testing::TempDir dir;
    const std::string path = dir.file("v2.db");
    {
        // The schema as kokeilu of version 2 wrote it, with an experiment, a note and rows in it.
        SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        db.exec(detail::sqlite_migrations()[0].sql);
        db.exec(detail::sqlite_migrations()[1].sql);
        db.exec("PRAGMA application_id = " + std::to_string(sqlite_application_id));
        db.exec("PRAGMA user_version = 2");
        db.exec("INSERT INTO experiments VALUES (1, '00000000-0000-4000-8000-000000000001', 'OULU-2025-001', 't', "
                "'s', 'Oulu', '', '', NULL, NULL, '2025-03-02', NULL, NULL, NULL, NULL, NULL, 'low', 'a', 'b', 'c', "
                "'d', 'concurrent', 'running', '', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'x', NULL, NULL, NULL, 1)");
        db.exec("INSERT INTO arms VALUES (1, 1, 0, 'control', 'control', ''), (2, 1, 1, 'video', 'treatment', '')");
        db.exec("INSERT INTO metrics VALUES (1, 1, 0, 'score', '', '', 'mean', 'primary', 'higher_is_better', "
                "'customer_outcome', NULL, NULL, 0.3, 'absolute', 0.95)");
        db.exec("INSERT INTO journal (experiment_id, at_us, author, text) VALUES (1, 5, 'Aino', 'begun')");
        db.exec("INSERT INTO observations (metric_id, arm_id, at_us, value) VALUES (1, 1, 10, 3.0), (1, 1, 20, 4.0), "
                "(1, 2, 30, 5.0)");
        db.exec("INSERT INTO arm_summaries VALUES (1, 1, 2, 3.5, 0.5, 7.0, 2.0, 3.0, 4.0, 2, 0, 1), "
                "(1, 2, 1, 5.0, 0.0, 5.0, 1.0, 5.0, 5.0, 1, 0, 1)");
    }
    Tracker t = Tracker::open(path);
    std::vector<HistoryKind> kinds;
    for (const HistoryEntry& entry : t.history()) kinds.push_back(entry.kind);
    CHECK(kinds == std::vector<HistoryKind>{HistoryKind::begin, HistoryKind::migrated, HistoryKind::note,
                                            HistoryKind::observations});
    CHECK(t.history_log().from_schema == 2);
    const auto batch = t.history().back().batch;
    REQUIRE(batch);
    CHECK(batch->migrated);
    CHECK(batch->rows == 3);
    const VerificationReport report = t.verify();
    CHECK(report.ok());
    CHECK(report.log.from_schema == 2);
    // The history goes on from there: a write after the migration is a batch of its own.
    Observation o;
    o.at = at(2025, 3, 4);
    o.arm = "video";
    o.value = 4.0;
    CHECK(t.log("OULU-2025-001", o).rows == 1);
    CHECK(t.verify().ok());
    // A second open finds the history begun and adds nothing.
    Tracker again = Tracker::open(path);
    CHECK(again.history().size() == 5);
}

TEST_CASE("an entry's leaf commits to everything it records", "[history]") {
    // Sealing and verifying share leaf_data and payload_hash, so a field left out of them would
    // still verify: each field must change the bytes hashed.
    const std::string uuid = "0190f7a2-7c4e-7000-8000-000000000001";
    const std::string previous(32, 'a');
    const std::string payload = detail::payload_hash("salt-one", "{\"value\":1}");
    const std::string leaf = detail::leaf_data(4, previous, 1'700'000'000'000'000, HistoryKind::observations, uuid, payload);
    CHECK(leaf != detail::leaf_data(5, previous, 1'700'000'000'000'000, HistoryKind::observations, uuid, payload));
    CHECK(leaf != detail::leaf_data(4, std::string(32, 'b'), 1'700'000'000'000'000, HistoryKind::observations, uuid,
                                    payload));
    CHECK(leaf != detail::leaf_data(4, previous, 1'700'000'000'000'001, HistoryKind::observations, uuid, payload));
    CHECK(leaf != detail::leaf_data(4, previous, 1'700'000'000'000'000, HistoryKind::note, uuid, payload));
    CHECK(payload != detail::payload_hash("salt-two", "{\"value\":1}"));
    CHECK(payload != detail::payload_hash("salt-one", "{\"value\":2}"));
}
