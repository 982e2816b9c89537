#include "sqlite_schema.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/sqlite_store.hpp"
#include "preregistration.hpp"
#include "sqlite_arm_summaries.hpp"
#include "sqlite_history.hpp"
#include "sqlite_experiment_rows.hpp"
#include "sqlite_search.hpp"
#include "sqlite_wal_identity.hpp"

#include <SQLiteCpp/Statement.h>
#include <SQLiteCpp/Transaction.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace kokeilu::detail {

namespace {

// Migration 1: the first schema.
//
// Enumerations are stored by their to_string names, dates as ISO "YYYY-MM-DD" text (which sorts
// and compares correctly as text), instants as integer UTC microseconds since the Unix epoch. A NULL
// is "not set": an unset optional, an experiment without an outcome (verdict IS NULL), a time not
// given. Tags and purposes keep the order they were given in, by position.
//
// Observations are the one table that grows to millions of rows, so it has a single index, the one
// every read uses (a metric's rows in time order; the rowid in the index breaks ties in insertion
// order), and unit-level rows leave the aggregate columns NULL. Its foreign keys are RESTRICT: an
// arm or metric with data cannot disappear. Without an index on arm_id, SQLite checks that by
// scanning the table when an arm is deleted; arms are deleted rarely (mostly while a draft has no
// data) and an index would slow every insert.
constexpr const char* schema_v1 = R"sql(
CREATE TABLE experiments (
    id                   INTEGER PRIMARY KEY,
    uuid                 TEXT NOT NULL UNIQUE,
    key                  TEXT NOT NULL COLLATE NOCASE UNIQUE,
    title                TEXT NOT NULL,
    summary              TEXT NOT NULL,
    organisation         TEXT NOT NULL,
    unit                 TEXT NOT NULL,
    owner                TEXT NOT NULL,
    planned_start        TEXT,
    planned_end          TEXT,
    actual_start         TEXT,
    actual_end           TEXT,
    planned_cost_eur     REAL,
    actual_cost_eur      REAL,
    planned_effort_hours REAL,
    actual_effort_hours  REAL,
    risk                 TEXT NOT NULL,
    we_believe           TEXT NOT NULL,
    to_verify            TEXT NOT NULL,
    and_measure          TEXT NOT NULL,
    right_if             TEXT NOT NULL,
    design               TEXT NOT NULL,
    status               TEXT NOT NULL,
    stop_reason          TEXT NOT NULL,
    verdict              TEXT,
    we_believed          TEXT,
    we_observed          TEXT,
    we_learned           TEXT,
    therefore            TEXT,
    decision             TEXT,
    decided_on           TEXT,
    lock_hash            TEXT NOT NULL,
    locked_at_us         INTEGER,
    created_at_us        INTEGER,
    updated_at_us        INTEGER,
    revision             INTEGER NOT NULL
);

CREATE TABLE experiment_tags (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    tag           TEXT NOT NULL,
    PRIMARY KEY (experiment_id, position)
) WITHOUT ROWID;

CREATE TABLE experiment_purposes (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    purpose       TEXT NOT NULL,
    PRIMARY KEY (experiment_id, position)
) WITHOUT ROWID;

CREATE TABLE arms (
    id            INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    description   TEXT NOT NULL,
    UNIQUE (experiment_id, name)
);

CREATE TABLE metrics (
    id             INTEGER PRIMARY KEY,
    experiment_id  INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL,
    description    TEXT NOT NULL,
    kind           TEXT NOT NULL,
    role           TEXT NOT NULL,
    direction      TEXT NOT NULL,
    impact         TEXT NOT NULL,
    baseline       REAL,
    baseline_sd    REAL,
    minimum_effect REAL NOT NULL,
    effect_scale   TEXT NOT NULL,
    confidence     REAL NOT NULL,
    UNIQUE (experiment_id, name)
);

CREATE TABLE amendments (
    id            INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    at_us         INTEGER,
    field         TEXT NOT NULL,
    old_value     TEXT NOT NULL,
    new_value     TEXT NOT NULL,
    reason        TEXT NOT NULL,
    author        TEXT NOT NULL
);
CREATE INDEX amendments_by_experiment ON amendments (experiment_id);

CREATE TABLE journal (
    id            INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    at_us         INTEGER,
    author        TEXT NOT NULL,
    text          TEXT NOT NULL
);
CREATE INDEX journal_by_experiment ON journal (experiment_id, at_us);

CREATE TABLE observations (
    id        INTEGER PRIMARY KEY,
    metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE RESTRICT,
    arm_id    INTEGER NOT NULL REFERENCES arms(id) ON DELETE RESTRICT,
    at_us     INTEGER NOT NULL,
    value     REAL,
    n         INTEGER,
    sum       REAL,
    sum_sq    REAL,
    exposure  REAL,
    subject   TEXT,
    note      TEXT
);
CREATE INDEX observations_by_metric_time ON observations (metric_id, at_us);
)sql";

// Migration 2: the running summary of each metric in each arm, kept in the transaction of every
// write of observations (see sqlite_arm_summaries.hpp), and built from the observations a file
// already holds (at migration 8, which added a column to them). The moments are stored in Welford's form (mean and M2, the sum of squared
// deviations), which merges without the cancellation of a sum of squares. min and max are NULL
// while the arm has no unit-level row. mean, m2, sum and exposure are NULL once the totals overflowed
// a double (finite values near 1e308 can add up to infinity): the summary is then read from the rows.
constexpr const char* schema_v2 = R"sql(
CREATE TABLE arm_summaries (
    metric_id      INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
    arm_id         INTEGER NOT NULL REFERENCES arms(id) ON DELETE CASCADE,
    n              INTEGER NOT NULL,
    mean           REAL,
    m2             REAL,
    sum            REAL,
    exposure       REAL,
    min            REAL,
    max            REAL,
    unit_rows      INTEGER NOT NULL,
    aggregate_rows INTEGER NOT NULL,
    variance_known INTEGER NOT NULL,
    PRIMARY KEY (metric_id, arm_id)
) WITHOUT ROWID;
)sql";

// Migration 3: the tamper-evident history (see kokeilu/history.hpp and sqlite_history.hpp), the
// voids, and the voided rows.
//
// history is the log: one row per entry, its id the entry's position (from 1, without gaps). A
// write of observations is an entry of kind 'observations' whose batch columns say which rows it
// wrote (ids first..last), how many, their SHA-256, and the caller's idempotency key; the batch's id
// is the entry's. experiment_id has no foreign key: the entries of a deleted draft stay. Its
// indexes are partial, so that the entry of every single `log` adds no index entry: the latest
// record of an experiment (what show and analyze check) and the idempotency keys are looked up
// directly, listing an experiment's batches reads the log.
//
// A voided row moves, whole and with its id, from observations to voided_observations: the scans
// of millions of rows read only the rows that count, with no condition added per row, and the
// voided ones stay in the file. The history itself is started (its first entries written) after
// the last migration, by sqlite_history.cpp, from the file as it then is.
constexpr const char* schema_v3 = R"sql(
CREATE TABLE history_log (
    log_id        TEXT NOT NULL,
    started_at_us INTEGER NOT NULL,
    from_schema   INTEGER NOT NULL
);

CREATE TABLE history (
    id                   INTEGER PRIMARY KEY,
    at_us                INTEGER NOT NULL,
    kind                 TEXT NOT NULL,
    experiment_id        INTEGER,
    experiment_uuid      TEXT NOT NULL,
    payload              TEXT,
    salt                 BLOB,
    payload_hash         BLOB NOT NULL,
    leaf_hash            BLOB NOT NULL,
    first_observation_id INTEGER,
    last_observation_id  INTEGER,
    rows                 INTEGER,
    content_sha256       BLOB,
    idempotency_key      TEXT
);
CREATE INDEX history_records ON history (experiment_id, id)
    WHERE kind IN ('create', 'update', 'amend', 'start', 'stop', 'conclude', 'migrated', 'delete');
CREATE UNIQUE INDEX history_idempotency_keys ON history (experiment_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE voids (
    id            INTEGER PRIMARY KEY,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE RESTRICT,
    history_id    INTEGER NOT NULL,
    at_us         INTEGER NOT NULL,
    batch_id      INTEGER NOT NULL,
    reason        TEXT NOT NULL,
    author        TEXT NOT NULL
);
CREATE INDEX voids_by_experiment ON voids (experiment_id);

CREATE TABLE voided_observations (
    id        INTEGER PRIMARY KEY,
    void_id   INTEGER NOT NULL REFERENCES voids(id) ON DELETE RESTRICT,
    metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE RESTRICT,
    arm_id    INTEGER NOT NULL REFERENCES arms(id) ON DELETE RESTRICT,
    at_us     INTEGER NOT NULL,
    value     REAL,
    n         INTEGER,
    sum       REAL,
    sum_sq    REAL,
    exposure  REAL,
    subject   TEXT,
    note      TEXT
);
CREATE INDEX voided_observations_by_void ON voided_observations (void_id);
CREATE INDEX voided_observations_by_metric_time ON voided_observations (metric_id, at_us);
)sql";

// Migration 4: the locked criterion. locked_criterion keeps the pre-registered parts as they were
// at the start (see locked_criterion.hpp), in the text of detail::locked_criterion_text; an
// experiment locked before this version gets the snapshot rebuilt from its amendments, once, here.
// data_seen is the Test Card's answer to "has any of the data been seen already?" ('' when not
// answered). amended_verdict and judged_against belong to the outcome: the verdict against a
// criterion amended after the start, and which of the two judgements the team chose ('locked' or
// 'amended'; NULL, read as 'locked', for experiments concluded before).
constexpr const char* schema_v4 = R"sql(
ALTER TABLE experiments ADD COLUMN data_seen TEXT NOT NULL DEFAULT '';
ALTER TABLE experiments ADD COLUMN locked_criterion TEXT;
ALTER TABLE experiments ADD COLUMN amended_verdict TEXT;
ALTER TABLE experiments ADD COLUMN judged_against TEXT;
)sql";

void keep_locked_criteria(SQLite::Database& db) {
    std::vector<std::pair<std::int64_t, std::string>> snapshots;
    {
        const LaterTables tables = LaterTables::of(db);
        SQLite::Statement locked(db, "SELECT * FROM experiments WHERE locked_at_us IS NOT NULL ORDER BY id");
        while (locked.executeStep()) {
            const Experiment e = read_full_experiment(db, locked, tables);
            if (e.locked) snapshots.emplace_back(e.id, locked_criterion_text(*e.locked));
        }
    }
    SQLite::Statement write(db, "UPDATE experiments SET locked_criterion = ? WHERE id = ?");
    for (const auto& [id, text] : snapshots) {
        write.bind(1, text);
        write.bind(2, id);
        write.exec();
        write.reset();
    }
}

bool has_history(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'history'").getInt() > 0;
}

bool has_locked_criterion(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM pragma_table_info('experiments') WHERE name = 'locked_criterion'")
               .getInt() > 0;
}

// Migration 6: the file's identity (see sqlite_wal_identity.hpp), one row made once, when the file
// becomes a tracker or reaches this version, and never changed; marks counts the writes that wrote
// its page into the write-ahead log again. A table of its own, so that its page holds nothing else
// and is recognised in a log by its shape alone.
constexpr const char* schema_v6 = R"sql(
CREATE TABLE file_identity (
    id    TEXT NOT NULL,
    marks INTEGER NOT NULL
);
)sql";

void make_file_identity(SQLite::Database& db) {
    SQLite::Statement insert(db, "INSERT INTO file_identity (id, marks) VALUES (?, 0)");
    insert.bind(1, new_file_identity());
    insert.exec();
}

// Migration 5: a metric's valid range (a 1-5 survey), part of its pre-registered definition. NULL
// is "no bound", which every metric written before has.
constexpr const char* schema_v5 = R"sql(
ALTER TABLE metrics ADD COLUMN valid_min REAL;
ALTER TABLE metrics ADD COLUMN valid_max REAL;
)sql";

bool has_valid_range(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM pragma_table_info('metrics') WHERE name = 'valid_min'").getInt() > 0;
}

// Migration 7: the tracker's settings, one row a setting. time_zone is the IANA zone in which the
// tracker's calendar days are read (see kokeilu/time_zone.hpp). A file made before it gets
// Europe/Helsinki like a new one: its users meant Finnish days, and the windows of its experiments
// only widen by the two or three hours between Finnish and UTC midnight at their start.
constexpr const char* schema_v7 = R"sql(
CREATE TABLE tracker_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO tracker_settings (name, value) VALUES ('time_zone', 'Europe/Helsinki');
)sql";

bool has_tracker_settings(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'tracker_settings'").getInt() > 0;
}

// Migration 8: the part of each running summary's mean that a double cannot hold (see
// kokeilu/stats/summary.hpp), so that values far from zero (1e12 plus a spread of 1) keep their
// spread exact as batches are merged. The summaries a file holds are made again from its rows: those
// kept before were merged without it. This migration also makes the summaries of a file that comes
// from before migration 2, whose table it creates empty.
constexpr const char* schema_v8 = R"sql(
ALTER TABLE arm_summaries ADD COLUMN mean_low REAL;
)sql";

bool has_mean_low(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM pragma_table_info('arm_summaries') WHERE name = 'mean_low'")
               .getInt() > 0;
}

// Migration 9: an arm's planned share of the units (see kokeilu::Arm::share) and a metric's label
// (what people read, see kokeilu::Metric::label), both part of the pre-registered definition. NULL
// is "equal shares" and '' "no label", which every arm and metric written before has.
constexpr const char* schema_v9 = R"sql(
ALTER TABLE arms ADD COLUMN share REAL;
ALTER TABLE metrics ADD COLUMN label TEXT NOT NULL DEFAULT '';
)sql";

// Both columns come in one migration, so the share tells for both.
bool has_planned_shares(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM pragma_table_info('arms') WHERE name = 'share'").getInt() > 0;
}

// Migration 10: a metric's pre-period covariate (kokeilu::Metric::covariate, part of its
// pre-registered definition; '' is none, as every metric written before has) and each row's
// pre-period value (kokeilu::Observation::covariate; NULL: none), kept when a row is voided.
constexpr const char* schema_v10 = R"sql(
ALTER TABLE metrics ADD COLUMN covariate TEXT NOT NULL DEFAULT '';
ALTER TABLE observations ADD COLUMN covariate REAL;
ALTER TABLE voided_observations ADD COLUMN covariate REAL;
)sql";

// The three columns come in one migration, so the metrics' tells for all.
bool has_covariates(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM pragma_table_info('metrics') WHERE name = 'covariate'").getInt() > 0;
}

// Migration 11: experiments imported from other trackers (kokeilu/exchange.hpp). An imported
// experiment keeps its exporter's record field for field; where it came from is kept beside it.
// The history's index of the entries that record an experiment takes the new kind "imported".
constexpr const char* schema_v11 = R"sql(
CREATE TABLE IF NOT EXISTS experiment_origins (
    experiment_id  INTEGER PRIMARY KEY REFERENCES experiments(id) ON DELETE RESTRICT,
    organisation   TEXT NOT NULL,
    exporter       TEXT NOT NULL,
    log_id         TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,
    checkpoint     TEXT NOT NULL,
    imported_at_us INTEGER NOT NULL
);
DROP INDEX IF EXISTS history_records;
CREATE INDEX history_records ON history (experiment_id, id)
    WHERE kind IN ('create', 'update', 'amend', 'start', 'stop', 'conclude', 'migrated', 'delete', 'imported');
)sql";

bool has_experiment_origins(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'experiment_origins'").getInt() > 0;
}

// Migration 12: the learning library's full-text index of every experiment (sqlite_search.hpp),
// filled here for the experiments the file already holds and kept from then on by every write that
// changes one. IF NOT EXISTS: a file whose version was set back by hand may still have it.
//
// The tokenizer is unicode61 with remove_diacritics 0:
// - unicode61 splits at everything that is not a letter or a digit in any script and folds case
//   in the whole of Unicode (Ä to ä, Å to å), so Finnish and Swedish words are words, and a key
//   such as OULU-2026-004 is three words that a phrase of them finds.
// - remove_diacritics 0, because in Finnish and Swedish ä, ö and å are letters of their own, not
//   a and o with marks: "pääsy" (access) and "paasy" are different words, and so are "tähti" and
//   "tahti", "såg" and "sag". The default (1) would make each pair one word.
// - No stemmer: SQLite has none for Finnish or Swedish (porter is English), and a Finnish word has
//   dozens of inflected forms. Instead every word searched is a prefix (detail::search_query): the stem
//   typed finds its inflections ("kirjasto" finds "kirjastossa", "kirjastoon") and compounds that
//   begin with it ("kirjastopalvelu"); a form whose stem itself changes ("käsi", "käden") is not
//   found by the other.
// The table keeps its own copy of the text (not contentless): experiments are few, and an entry is
// then deleted and rewritten by rowid with nothing else to keep in step. Its columns are the parts
// of an experiment, so that bm25 can weigh a word in the title above one in the Learning Card.
constexpr const char* schema_v12 = R"sql(
CREATE VIRTUAL TABLE IF NOT EXISTS experiment_search USING fts5(
    key, title, summary, people, tags, purposes, test_card, metrics, learning, outcome,
    tokenize = "unicode61 remove_diacritics 0"
);
)sql";

// Migration 13: links between experiments (kokeilu/link.hpp): a replication, an adaptation or a
// follow-up of another experiment, named by its UUID, which need not be in this file.
constexpr const char* schema_v13 = R"sql(
CREATE TABLE IF NOT EXISTS experiment_links (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    position      INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('replication', 'adaptation', 'follow_up')),
    of_uuid       TEXT NOT NULL,
    PRIMARY KEY (experiment_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS experiment_links_of ON experiment_links (of_uuid);
)sql";

bool has_experiment_links(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'experiment_links'").getInt() > 0;
}

// Migration 14: the months after a concluded experiment's decision at which it is followed up
// (Outcome::follow_up_months, kokeilu/follow_up.hpp), a row per month; none for every experiment
// concluded before.
constexpr const char* schema_v14 = R"sql(
CREATE TABLE IF NOT EXISTS follow_up_months (
    experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
    months        INTEGER NOT NULL CHECK (months BETWEEN 1 AND 120),
    PRIMARY KEY (experiment_id, months)
) WITHOUT ROWID;
)sql";

bool has_follow_up_months(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'follow_up_months'").getInt() > 0;
}

// Migration 15: the bundle each imported copy came from last (ExperimentOrigin::bundle_id), so that
// the same bundle imported again is told from its manifest, without reading its rows; empty for
// the copies imported before.
// The column is added only where it is missing: a file whose version was set back to an earlier
// one by hand (tests make old files so) may have the table of this version already.
constexpr const char* schema_v15 = "";

bool has_origin_bundle_id(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM pragma_table_info('experiment_origins') WHERE name = 'bundle_id'")
               .getInt() > 0;
}

void add_origin_bundle_id(SQLite::Database& db) {
    if (!has_origin_bundle_id(db))
        db.exec("ALTER TABLE experiment_origins ADD COLUMN bundle_id TEXT NOT NULL DEFAULT ''");
}

// Migration 16: the privacy level each imported copy came at (ExperimentOrigin::privacy), as its
// bundle's manifest says; for the copies imported before, as their rows show it: none, only
// aggregates (the weekly cells), or a value a row.
constexpr const char* schema_v16 = "";

bool has_origin_privacy(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM pragma_table_info('experiment_origins') WHERE name = 'privacy'")
               .getInt() > 0;
}

void add_origin_privacy(SQLite::Database& db) {
    if (!has_origin_privacy(db))
        db.exec("ALTER TABLE experiment_origins ADD COLUMN privacy TEXT NOT NULL DEFAULT ''");
    db.exec(R"sql(
UPDATE experiment_origins SET privacy = CASE
    WHEN NOT EXISTS (SELECT 1 FROM observations o JOIN metrics m ON o.metric_id = m.id
                     WHERE m.experiment_id = experiment_origins.experiment_id) THEN 'cards'
    WHEN EXISTS (SELECT 1 FROM observations o JOIN metrics m ON o.metric_id = m.id
                 WHERE m.experiment_id = experiment_origins.experiment_id AND o.value IS NOT NULL) THEN 'units'
    ELSE 'aggregate' END
WHERE privacy = ''
)sql");
}

// Migration 17: the index of observations by metric and time carries the arm too, so that counting
// a time range's rows by arm (the rows logged between the start and the lock, which every analysis
// of an experiment started before its lock counts) reads the index alone, not every row's record.
constexpr const char* schema_v17 = R"sql(
DROP INDEX IF EXISTS observations_by_metric_time;
CREATE INDEX IF NOT EXISTS observations_by_metric_time_arm ON observations (metric_id, at_us, arm_id);
)sql";

bool has_observations_by_metric_time_arm(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'observations_by_metric_time_arm'").getInt() > 0;
}

// The versions of one release are numbered ahead by the part of it that adds them, and the parts
// may land in another order: a migration below the file's version whose change the file lacks
// (made by a build that had the later migrations but not this one) is applied too, see applied.
constexpr std::array<SqliteMigration, 17> migrations{{
    {1, schema_v1},
    // The summaries are made at 8, with the columns of today's summaries.
    {2, schema_v2},
    {3, schema_v3, nullptr, has_history},
    // 5 before 4: migration 4 reads every experiment with the current code, which reads the valid
    // range that 5 adds (for a file at 4, 5 still runs by its version).
    {5, schema_v5, nullptr, has_valid_range},
    {4, schema_v4, keep_locked_criteria, has_locked_criterion},
    {6, schema_v6, make_file_identity},
    {7, schema_v7, nullptr, has_tracker_settings},
    {8, schema_v8, rebuild_arm_summaries, has_mean_low},
    {9, schema_v9, nullptr, has_planned_shares},
    {10, schema_v10, nullptr, has_covariates},
    {11, schema_v11, nullptr, has_experiment_origins},
    {12, schema_v12, index_every_experiment, has_search_index},
    {13, schema_v13, nullptr, has_experiment_links},
    {14, schema_v14, nullptr, has_follow_up_months},
    {15, schema_v15, add_origin_bundle_id, has_origin_bundle_id},
    {16, schema_v16, add_origin_privacy, has_origin_privacy},
    {17, schema_v17, nullptr, has_observations_by_metric_time_arm},
}};

static_assert(migrations.back().version == sqlite_schema_version,
              "the last migration must produce the schema version this library writes");

int pragma_int(SQLite::Database& db, const char* pragma) {
    return db.execAndGet(std::string("PRAGMA ") + pragma).getInt();
}

std::string hex(int value) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08X", static_cast<unsigned>(value));
    return buffer;
}

// Refuses, before anything is written, every file that is not a kokeilu tracker this version can
// use. Returns true when the file is new (empty) and is to become a tracker.
bool check_file(const SqliteFileState& state, const std::string& path, bool read_only) {
    if (state.application_id != sqlite_application_id) {
        if (state.application_id != 0 || state.schema_objects > 0 || state.user_version != 0) {
            throw SchemaError(Message{"store.other_application",
                                      {{"path", path},
                                       {"application_id", hex(state.application_id)},
                                       {"schema_objects", static_cast<std::int64_t>(state.schema_objects)}}});
        }
        if (read_only) {
            throw SchemaError(Message{"store.empty_read_only", {{"path", path}}});
        }
        return true;
    }
    if (state.user_version > sqlite_schema_version) {
        throw SchemaError(Message{"store.newer_schema", {{"path", path},
                                                         {"version", static_cast<std::int64_t>(state.user_version)},
                                                         {"known", static_cast<std::int64_t>(sqlite_schema_version)}}});
    }
    if (read_only && state.user_version < sqlite_schema_version) {
        throw SchemaError(Message{"store.older_schema_read_only",
                                  {{"path", path}, {"version", static_cast<std::int64_t>(state.user_version)}}});
    }
    return false;
}

// True when a migration at or below `version` is missing from a file of that version (see
// SqliteMigration::applied).
bool missed_migration(SQLite::Database& db, int version) {
    return std::any_of(migrations.begin(), migrations.end(), [&](const SqliteMigration& m) {
        return m.version <= version && m.applied != nullptr && !m.applied(db);
    });
}

void migrate(SQLite::Database& db) {
    for (const SqliteMigration& migration : migrations) {
        // IMMEDIATE, and the version read again inside: when two processes open a new file at
        // once, the second waits for the first and then finds nothing left to do.
        SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
        const int current = pragma_int(db, "user_version");
        const bool behind = current < migration.version;
        if (!behind && (migration.applied == nullptr || migration.applied(db))) {
            transaction.commit();
            continue;
        }
        db.exec(migration.sql);
        if (migration.fill) migration.fill(db);
        // PRAGMAs take no bound parameters; both values are compile-time constants. A migration
        // made up for leaves the version where it is.
        db.exec("PRAGMA application_id = " + std::to_string(sqlite_application_id));
        if (behind) db.exec("PRAGMA user_version = " + std::to_string(migration.version));
        transaction.commit();
    }
}

}  // namespace

std::span<const SqliteMigration> sqlite_migrations() noexcept { return migrations; }

SqliteFileState inspect_sqlite_file(SQLite::Database& db) {
    SqliteFileState state;
    state.application_id = pragma_int(db, "application_id");
    state.user_version = pragma_int(db, "user_version");
    state.schema_objects = db.execAndGet("SELECT count(*) FROM sqlite_master").getInt();
    return state;
}

void prepare_tracker(SQLite::Database& db, const std::string& path, bool read_only) {
    // Closing the last connection to a WAL file normally checkpoints it into the main file. Until
    // the file is known to be ours, it must not be written at all, not even that way.
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    const SqliteFileState state = inspect_sqlite_file(db);
    const bool is_new = check_file(state, path, read_only);
    const bool missed = !is_new && missed_migration(db, state.user_version);
    sqlite3_db_config(db.getHandle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);

    // foreign_keys is per connection and has no effect inside a transaction: set it first.
    db.exec("PRAGMA foreign_keys = ON");
    if (read_only) {
        if (missed)
            throw SchemaError(Message{"store.missed_migration_read_only",
                                      {{"path", path}, {"version", static_cast<std::int64_t>(state.user_version)}}});
        return;
    }
    // WAL lets readers (a notebook) work while a writer (the kokeilu command) logs; NORMAL is
    // durable across application crashes in WAL mode and much faster than FULL.
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    if (is_new || missed || state.user_version < sqlite_schema_version) migrate(db);
    // After every migration, so that the history's first record of each experiment is read with
    // the current schema.
    start_history(db, is_new ? 0 : state.user_version);
}

}  // namespace kokeilu::detail
