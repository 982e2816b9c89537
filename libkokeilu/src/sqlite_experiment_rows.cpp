// The rows of an experiment: writing every column of it and its parts, and reading them back.
#include "sqlite_experiment_rows.hpp"

#include "kokeilu/error.hpp"
#include "preregistration.hpp"
#include "sqlite_support.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace kokeilu::detail {

namespace {

constexpr const char* insert_experiment_sql = R"sql(
INSERT INTO experiments (
    uuid, key, title, summary, organisation, unit, owner,
    planned_start, planned_end, actual_start, actual_end,
    planned_cost_eur, actual_cost_eur, planned_effort_hours, actual_effort_hours, risk,
    we_believe, to_verify, and_measure, right_if, design, status, stop_reason,
    verdict, we_believed, we_observed, we_learned, therefore, decision, decided_on,
    lock_hash, locked_at_us, created_at_us, updated_at_us, revision,
    data_seen, locked_criterion, amended_verdict, judged_against)
VALUES (
    :uuid, :key, :title, :summary, :organisation, :unit, :owner,
    :planned_start, :planned_end, :actual_start, :actual_end,
    :planned_cost_eur, :actual_cost_eur, :planned_effort_hours, :actual_effort_hours, :risk,
    :we_believe, :to_verify, :and_measure, :right_if, :design, :status, :stop_reason,
    :verdict, :we_believed, :we_observed, :we_learned, :therefore, :decision, :decided_on,
    :lock_hash, :locked_at_us, :created_at_us, :updated_at_us, :revision,
    :data_seen, :locked_criterion, :amended_verdict, :judged_against)
)sql";

constexpr const char* update_experiment_sql = R"sql(
UPDATE experiments SET
    uuid = :uuid, key = :key, title = :title, summary = :summary, organisation = :organisation,
    unit = :unit, owner = :owner,
    planned_start = :planned_start, planned_end = :planned_end,
    actual_start = :actual_start, actual_end = :actual_end,
    planned_cost_eur = :planned_cost_eur, actual_cost_eur = :actual_cost_eur,
    planned_effort_hours = :planned_effort_hours, actual_effort_hours = :actual_effort_hours,
    risk = :risk,
    we_believe = :we_believe, to_verify = :to_verify, and_measure = :and_measure, right_if = :right_if,
    design = :design, status = :status, stop_reason = :stop_reason,
    verdict = :verdict, we_believed = :we_believed, we_observed = :we_observed,
    we_learned = :we_learned, therefore = :therefore, decision = :decision, decided_on = :decided_on,
    lock_hash = :lock_hash, locked_at_us = :locked_at_us,
    created_at_us = :created_at_us, updated_at_us = :updated_at_us, revision = :revision,
    data_seen = :data_seen, locked_criterion = :locked_criterion,
    amended_verdict = :amended_verdict, judged_against = :judged_against
WHERE id = :id
)sql";

void bind_text(SQLite::Statement& statement, const char* name, std::string_view value) {
    statement.bind(name, std::string(value));
}

// Binds every column of the experiments row. Identity and revision come separately because the
// store decides them (a generated key, the next revision).
void bind_experiment(SQLite::Statement& s, const Experiment& e, const std::string& uuid, const std::string& key,
                     std::int64_t revision) {
    s.bind(":uuid", uuid);
    s.bind(":key", key);
    s.bind(":title", e.title);
    s.bind(":summary", e.summary);
    s.bind(":organisation", e.organisation);
    s.bind(":unit", e.unit);
    s.bind(":owner", e.owner);
    bind_date(s, ":planned_start", e.planned_start, "planned_start");
    bind_date(s, ":planned_end", e.planned_end, "planned_end");
    bind_date(s, ":actual_start", e.actual_start, "actual_start");
    bind_date(s, ":actual_end", e.actual_end, "actual_end");
    bind_optional(s, ":planned_cost_eur", e.planned_cost_eur);
    bind_optional(s, ":actual_cost_eur", e.actual_cost_eur);
    bind_optional(s, ":planned_effort_hours", e.planned_effort_hours);
    bind_optional(s, ":actual_effort_hours", e.actual_effort_hours);
    s.bind(":risk", e.risk);
    s.bind(":we_believe", e.test_card.we_believe);
    s.bind(":to_verify", e.test_card.to_verify);
    s.bind(":and_measure", e.test_card.and_measure);
    s.bind(":right_if", e.test_card.right_if);
    s.bind(":data_seen", e.test_card.data_seen);
    bind_text(s, ":design", to_string(e.design));
    bind_text(s, ":status", to_string(e.status));
    s.bind(":stop_reason", e.stop_reason);
    if (e.outcome) {
        const Outcome& o = *e.outcome;
        bind_text(s, ":verdict", to_string(o.verdict));
        s.bind(":we_believed", o.learning.we_believed);
        s.bind(":we_observed", o.learning.we_observed);
        s.bind(":we_learned", o.learning.we_learned);
        s.bind(":therefore", o.learning.therefore);
        bind_text(s, ":decision", to_string(o.decision));
        if (o.amended_verdict) {
            bind_text(s, ":amended_verdict", to_string(*o.amended_verdict));
        } else {
            s.bind(":amended_verdict");
        }
        bind_text(s, ":judged_against", to_string(o.judged_against));
        // not-a-date is a legal decided_on ("today when concluding"): kept as NULL.
        if (o.decided_on.is_not_a_date()) {
            s.bind(":decided_on");
        } else {
            bind_date(s, ":decided_on", o.decided_on, "outcome.decided_on");
        }
    } else {
        for (const char* name : {":verdict", ":we_believed", ":we_observed", ":we_learned", ":therefore",
                                 ":decision", ":decided_on", ":amended_verdict", ":judged_against"})
            s.bind(name);
    }
    s.bind(":lock_hash", e.lock_hash);
    if (e.locked) {
        s.bind(":locked_criterion", locked_criterion_text(*e.locked));
    } else {
        s.bind(":locked_criterion");
    }
    if (e.locked_at) {
        bind_time(s, ":locked_at_us", *e.locked_at, "locked_at");
    } else {
        s.bind(":locked_at_us");
    }
    bind_time(s, ":created_at_us", e.created_at, "created_at");
    bind_time(s, ":updated_at_us", e.updated_at, "updated_at");
    s.bind(":revision", revision);
}

}  // namespace

std::int64_t insert_experiment_row(SQLite::Database& db, const Experiment& experiment, const std::string& uuid,
                                   const std::string& key, std::int64_t revision) {
    SQLite::Statement insert(db, insert_experiment_sql);
    bind_experiment(insert, experiment, uuid, key, revision);
    insert.exec();
    return db.getLastInsertRowid();
}

std::optional<ExperimentOrigin> load_origin(SQLite::Database& db, std::int64_t experiment_id) {
    SQLite::Statement q(db, "SELECT organisation, exporter, log_id, content_sha256, checkpoint, bundle_id, "
                            "privacy, imported_at_us FROM experiment_origins WHERE experiment_id = ?");
    q.bind(1, experiment_id);
    if (!q.executeStep()) return std::nullopt;
    return ExperimentOrigin{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                            q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString(),
                            q.getColumn(6).getString(), from_unix_micros(q.getColumn(7).getInt64())};
}

void write_origin(SQLite::Database& db, std::int64_t experiment_id, const ExperimentOrigin& origin) {
    SQLite::Statement q(db, "INSERT OR REPLACE INTO experiment_origins (experiment_id, organisation, exporter, log_id, "
                            "content_sha256, checkpoint, bundle_id, privacy, imported_at_us) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, experiment_id);
    q.bind(2, origin.organisation);
    q.bind(3, origin.exporter);
    q.bind(4, origin.log_id);
    q.bind(5, origin.content_sha256);
    q.bind(6, origin.checkpoint);
    q.bind(7, origin.bundle_id);
    q.bind(8, origin.privacy);
    q.bind(9, to_unix_micros(origin.imported_at));
    q.exec();
}

std::vector<JournalEntry> load_journal(SQLite::Database& db, std::int64_t experiment_id) {
    SQLite::Statement q(db, "SELECT id, at_us, author, text FROM journal WHERE experiment_id = ? ORDER BY at_us, id");
    q.bind(1, experiment_id);
    std::vector<JournalEntry> out;
    while (q.executeStep()) {
        JournalEntry entry;
        entry.id = q.getColumn(0).getInt64();
        entry.at = time_or_not_a_date(q.getColumn(1));
        entry.author = q.getColumn(2).getString();
        entry.text = q.getColumn(3).getString();
        out.push_back(std::move(entry));
    }
    return out;
}

void update_experiment_row(SQLite::Database& db, const Experiment& experiment, std::int64_t revision) {
    SQLite::Statement update(db, update_experiment_sql);
    bind_experiment(update, experiment, experiment.uuid, experiment.key, revision);
    update.bind(":id", experiment.id);
    update.exec();
}

namespace {

// Replaces the rows of one list table of the experiment: `insert` binds the experiment's id as 1
// and `bind(statement, i)` the rest of the i-th row.
template <class Bind>
void replace_list(SQLite::Database& db, std::int64_t experiment_id, const char* table, const char* insert,
                  std::size_t count, Bind bind) {
    SQLite::Statement clear(db, std::string("DELETE FROM ") + table + " WHERE experiment_id = ?");
    clear.bind(1, experiment_id);
    clear.exec();
    if (count == 0) return;
    SQLite::Statement row(db, insert);
    row.bind(1, experiment_id);
    for (std::size_t i = 0; i < count; ++i) {
        bind(row, i);
        row.exec();
        row.reset();
    }
}

}  // namespace

void write_lists(SQLite::Database& db, std::int64_t experiment_id, const Experiment& e) {
    const auto position = [](std::size_t i) { return static_cast<std::int64_t>(i); };
    replace_list(db, experiment_id, "experiment_tags",
                 "INSERT INTO experiment_tags (experiment_id, position, tag) VALUES (?, ?, ?)", e.tags.size(),
                 [&](SQLite::Statement& row, std::size_t i) {
                     row.bind(2, position(i));
                     row.bind(3, e.tags[i]);
                 });
    replace_list(db, experiment_id, "experiment_purposes",
                 "INSERT INTO experiment_purposes (experiment_id, position, purpose) VALUES (?, ?, ?)",
                 e.purposes.size(), [&](SQLite::Statement& row, std::size_t i) {
                     row.bind(2, position(i));
                     row.bind(3, std::string(to_string(e.purposes[i])));
                 });
    replace_list(db, experiment_id, "experiment_links",
                 "INSERT INTO experiment_links (experiment_id, position, kind, of_uuid) VALUES (?, ?, ?, ?)",
                 e.links.size(), [&](SQLite::Statement& row, std::size_t i) {
                     row.bind(2, position(i));
                     row.bind(3, std::string(to_string(e.links[i].kind)));
                     row.bind(4, e.links[i].of);
                 });
    static const std::vector<int> no_months;
    const std::vector<int>& months =
        e.outcome && e.outcome->follow_up_months ? *e.outcome->follow_up_months : no_months;
    replace_list(db, experiment_id, "follow_up_months",
                 "INSERT INTO follow_up_months (experiment_id, months) VALUES (?, ?)", months.size(),
                 [&](SQLite::Statement& row, std::size_t i) { row.bind(2, months[i]); });
}

void bind_arm(SQLite::Statement& s, const Arm& arm, std::size_t position) {
    s.bind(":position", static_cast<std::int64_t>(position));
    s.bind(":name", arm.name);
    bind_text(s, ":role", to_string(arm.role));
    s.bind(":description", arm.description);
    bind_optional(s, ":share", arm.share);
}

void bind_metric(SQLite::Statement& s, const Metric& m, std::size_t position) {
    s.bind(":position", static_cast<std::int64_t>(position));
    s.bind(":name", m.name);
    s.bind(":unit", m.unit);
    s.bind(":description", m.description);
    bind_text(s, ":kind", to_string(m.kind));
    bind_text(s, ":role", to_string(m.role));
    bind_text(s, ":direction", to_string(m.direction));
    bind_text(s, ":impact", to_string(m.impact));
    bind_optional(s, ":baseline", m.baseline);
    bind_optional(s, ":baseline_sd", m.baseline_sd);
    s.bind(":minimum_effect", m.minimum_effect);
    bind_text(s, ":effect_scale", to_string(m.effect_scale));
    s.bind(":confidence", m.confidence);
    bind_optional(s, ":valid_min", m.valid_min);
    bind_optional(s, ":valid_max", m.valid_max);
    s.bind(":label", m.label);
    s.bind(":covariate", m.covariate);
}

const char* const insert_arm_sql =
    "INSERT INTO arms (experiment_id, position, name, role, description, share) "
    "VALUES (:experiment_id, :position, :name, :role, :description, :share)";
const char* const update_arm_sql =
    "UPDATE arms SET position = :position, name = :name, role = :role, description = :description, "
    "share = :share WHERE id = :id";
const char* const insert_metric_sql =
    "INSERT INTO metrics (experiment_id, position, name, unit, description, kind, role, direction, impact, "
    "baseline, baseline_sd, minimum_effect, effect_scale, confidence, valid_min, valid_max, label, covariate) "
    "VALUES (:experiment_id, :position, :name, :unit, :description, :kind, :role, :direction, :impact, "
    ":baseline, :baseline_sd, :minimum_effect, :effect_scale, :confidence, :valid_min, :valid_max, :label, :covariate)";
const char* const update_metric_sql =
    "UPDATE metrics SET position = :position, name = :name, unit = :unit, description = :description, "
    "kind = :kind, role = :role, direction = :direction, impact = :impact, baseline = :baseline, "
    "baseline_sd = :baseline_sd, minimum_effect = :minimum_effect, effect_scale = :effect_scale, "
    "confidence = :confidence, valid_min = :valid_min, valid_max = :valid_max, label = :label, "
    "covariate = :covariate WHERE id = :id";

// Inserts one journal note inside the caller's transaction; returns its id.
std::int64_t insert_journal_entry(SQLite::Database& db, std::int64_t experiment_id, const JournalEntry& entry) {
    SQLite::Statement insert(db, "INSERT INTO journal (experiment_id, at_us, author, text) "
                                 "VALUES (:experiment_id, :at_us, :author, :text)");
    insert.bind(":experiment_id", experiment_id);
    bind_time(insert, ":at_us", entry.at, "at");
    insert.bind(":author", entry.author);
    insert.bind(":text", entry.text);
    insert.exec();
    return db.getLastInsertRowid();
}

void insert_amendments(SQLite::Database& db, std::int64_t experiment_id, std::span<const Amendment> amendments) {
    SQLite::Statement insert(db,
                             "INSERT INTO amendments (experiment_id, at_us, field, old_value, new_value, reason, "
                             "author) VALUES (:experiment_id, :at_us, :field, :old_value, :new_value, :reason, "
                             ":author)");
    for (const Amendment& a : amendments) {
        insert.bind(":experiment_id", experiment_id);
        bind_time(insert, ":at_us", a.at, "amendment.at");
        insert.bind(":field", a.field);
        insert.bind(":old_value", a.old_value);
        insert.bind(":new_value", a.new_value);
        insert.bind(":reason", a.reason);
        insert.bind(":author", a.author);
        insert.exec();
        insert.reset();
    }
}

// The key prefix followed by one more than the highest number already used with that prefix,
// at least three digits ("OULU-2026-" -> "OULU-2026-004"). Keys are ASCII (see check_key), so
// SQLite's NOCASE comparison is the right one.
std::string next_key(SQLite::Database& db, std::string_view prefix) {
    SQLite::Statement query(db,
                            "SELECT substr(key, length(:prefix) + 1) FROM experiments "
                            "WHERE substr(key, 1, length(:prefix)) = :prefix COLLATE NOCASE");
    query.bind(":prefix", std::string(prefix));
    std::int64_t highest = 0;
    while (query.executeStep()) {
        const std::string rest = query.getColumn(0).getString();
        if (rest.empty() || !std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        std::int64_t number = 0;
        const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), number);
        if (error == std::errc() && end == rest.data() + rest.size()) highest = std::max(highest, number);
    }
    char digits[32];
    std::snprintf(digits, sizeof digits, "%03lld", static_cast<long long>(highest + 1));
    return std::string(prefix) + digits;
}

// Checked before writing, so that the caller learns which identity clashes; the UNIQUE
// constraints stay as the last line of defence.
void check_identity_free(SQLite::Database& db, const std::string& key, const std::string& uuid,
                         std::int64_t own_id) {
    SQLite::Statement by_key(db, "SELECT 1 FROM experiments WHERE key = ? AND id <> ?");
    by_key.bind(1, key);
    by_key.bind(2, own_id);
    if (by_key.executeStep())
        throw InvalidArgumentError("key", Message{"store.identity_in_use", {{"value", key}}});
    SQLite::Statement by_uuid(db, "SELECT 1 FROM experiments WHERE uuid = ? AND id <> ?");
    by_uuid.bind(1, uuid);
    by_uuid.bind(2, own_id);
    if (by_uuid.executeStep())
        throw InvalidArgumentError("uuid", Message{"store.identity_in_use", {{"value", uuid}}});
}

namespace {

Experiment read_experiment_row(const SQLite::Statement& q) {
    Experiment e;
    e.id = q.getColumn("id").getInt64();
    e.uuid = q.getColumn("uuid").getString();
    e.key = q.getColumn("key").getString();
    e.title = q.getColumn("title").getString();
    e.summary = q.getColumn("summary").getString();
    e.organisation = q.getColumn("organisation").getString();
    e.unit = q.getColumn("unit").getString();
    e.owner = q.getColumn("owner").getString();
    e.planned_start = optional_date(q.getColumn("planned_start"), "planned_start");
    e.planned_end = optional_date(q.getColumn("planned_end"), "planned_end");
    e.actual_start = optional_date(q.getColumn("actual_start"), "actual_start");
    e.actual_end = optional_date(q.getColumn("actual_end"), "actual_end");
    e.planned_cost_eur = optional_real(q.getColumn("planned_cost_eur"));
    e.actual_cost_eur = optional_real(q.getColumn("actual_cost_eur"));
    e.planned_effort_hours = optional_real(q.getColumn("planned_effort_hours"));
    e.actual_effort_hours = optional_real(q.getColumn("actual_effort_hours"));
    e.risk = q.getColumn("risk").getString();
    e.test_card.we_believe = q.getColumn("we_believe").getString();
    e.test_card.to_verify = q.getColumn("to_verify").getString();
    e.test_card.and_measure = q.getColumn("and_measure").getString();
    e.test_card.right_if = q.getColumn("right_if").getString();
    e.test_card.data_seen = q.getColumn("data_seen").getString();
    e.design = parse_design_kind(q.getColumn("design").getString());
    e.status = parse_status(q.getColumn("status").getString());
    e.stop_reason = q.getColumn("stop_reason").getString();
    if (!q.getColumn("verdict").isNull()) {
        Outcome o;
        o.verdict = parse_verdict(q.getColumn("verdict").getString());
        o.learning.we_believed = q.getColumn("we_believed").getString();
        o.learning.we_observed = q.getColumn("we_observed").getString();
        o.learning.we_learned = q.getColumn("we_learned").getString();
        o.learning.therefore = q.getColumn("therefore").getString();
        o.decision = parse_decision(q.getColumn("decision").getString());
        if (auto decided = optional_date(q.getColumn("decided_on"), "outcome.decided_on")) o.decided_on = *decided;
        if (!q.getColumn("amended_verdict").isNull())
            o.amended_verdict = parse_verdict(q.getColumn("amended_verdict").getString());
        if (!q.getColumn("judged_against").isNull()) o.judged_against = parse_criterion(q.getColumn("judged_against").getString());
        e.outcome = std::move(o);
    }
    e.lock_hash = q.getColumn("lock_hash").getString();
    if (!q.getColumn("locked_at_us").isNull()) e.locked_at = time_or_not_a_date(q.getColumn("locked_at_us"));
    if (!q.getColumn("locked_criterion").isNull())
        e.locked = parse_locked_criterion(q.getColumn("locked_criterion").getString());
    e.created_at = time_or_not_a_date(q.getColumn("created_at_us"));
    e.updated_at = time_or_not_a_date(q.getColumn("updated_at_us"));
    e.revision = q.getColumn("revision").getInt64();
    return e;
}

// The index of a statement's column by name, or -1 when the table has no such column.
int column_index(const SQLite::Statement& statement, std::string_view name) {
    for (int i = 0; i < statement.getColumnCount(); ++i)
        if (std::string_view(statement.getColumnName(i)) == name) return i;
    return -1;
}

void load_children(SQLite::Database& db, Experiment& e, const LaterTables& tables) {
    SQLite::Statement tags(db, "SELECT tag FROM experiment_tags WHERE experiment_id = ? ORDER BY position");
    tags.bind(1, e.id);
    while (tags.executeStep()) e.tags.push_back(tags.getColumn(0).getString());

    SQLite::Statement purposes(db,
                               "SELECT purpose FROM experiment_purposes WHERE experiment_id = ? ORDER BY position");
    purposes.bind(1, e.id);
    while (purposes.executeStep()) e.purposes.push_back(parse_purpose(purposes.getColumn(0).getString()));

    if (tables.links) {
        SQLite::Statement links(db,
                                "SELECT kind, of_uuid FROM experiment_links WHERE experiment_id = ? ORDER BY position");
        links.bind(1, e.id);
        while (links.executeStep())
            e.links.push_back({parse_link_kind(links.getColumn(0).getString()), links.getColumn(1).getString()});
    }

    if (e.outcome && tables.follow_ups) {
        SQLite::Statement months(db, "SELECT months FROM follow_up_months WHERE experiment_id = ? ORDER BY months");
        months.bind(1, e.id);
        std::vector<int> scheduled;
        while (months.executeStep()) scheduled.push_back(months.getColumn(0).getInt());
        if (!scheduled.empty()) e.outcome->follow_up_months = std::move(scheduled);
    }

    // Every column, and the planned share, the label and the covariate only where the file has them: migration 4
    // reads the experiments of a file from before migration 8, which adds them.
    SQLite::Statement arms(db, "SELECT * FROM arms WHERE experiment_id = ? ORDER BY position");
    const int share_column = column_index(arms, "share");
    arms.bind(1, e.id);
    while (arms.executeStep()) {
        Arm arm;
        arm.id = arms.getColumn("id").getInt64();
        arm.name = arms.getColumn("name").getString();
        arm.role = parse_arm_role(arms.getColumn("role").getString());
        arm.description = arms.getColumn("description").getString();
        if (share_column >= 0) arm.share = optional_real(arms.getColumn(share_column));
        e.arms.push_back(std::move(arm));
    }

    SQLite::Statement metrics(db, "SELECT * FROM metrics WHERE experiment_id = ? ORDER BY position");
    const int label_column = column_index(metrics, "label");
    const int covariate_column = column_index(metrics, "covariate");
    metrics.bind(1, e.id);
    while (metrics.executeStep()) {
        Metric m;
        m.id = metrics.getColumn("id").getInt64();
        m.name = metrics.getColumn("name").getString();
        m.unit = metrics.getColumn("unit").getString();
        m.description = metrics.getColumn("description").getString();
        m.kind = parse_metric_kind(metrics.getColumn("kind").getString());
        m.role = parse_metric_role(metrics.getColumn("role").getString());
        m.direction = parse_direction(metrics.getColumn("direction").getString());
        m.impact = parse_impact_class(metrics.getColumn("impact").getString());
        m.baseline = optional_real(metrics.getColumn("baseline"));
        m.baseline_sd = optional_real(metrics.getColumn("baseline_sd"));
        m.minimum_effect = metrics.getColumn("minimum_effect").getDouble();
        m.effect_scale = parse_effect_scale(metrics.getColumn("effect_scale").getString());
        m.confidence = metrics.getColumn("confidence").getDouble();
        m.valid_min = optional_real(metrics.getColumn("valid_min"));
        m.valid_max = optional_real(metrics.getColumn("valid_max"));
        if (label_column >= 0) m.label = metrics.getColumn(label_column).getString();
        if (covariate_column >= 0) m.covariate = metrics.getColumn(covariate_column).getString();
        e.metrics.push_back(std::move(m));
    }
}

}  // namespace

std::vector<Amendment> load_amendments(SQLite::Database& db, std::int64_t experiment_id) {
    std::vector<Amendment> out;
    SQLite::Statement q(db,
                        "SELECT at_us, field, old_value, new_value, reason, author FROM amendments "
                        "WHERE experiment_id = ? ORDER BY id");
    q.bind(1, experiment_id);
    while (q.executeStep()) {
        Amendment a;
        a.at = time_or_not_a_date(q.getColumn(0));
        a.field = q.getColumn(1).getString();
        a.old_value = q.getColumn(2).getString();
        a.new_value = q.getColumn(3).getString();
        a.reason = q.getColumn(4).getString();
        a.author = q.getColumn(5).getString();
        out.push_back(std::move(a));
    }
    return out;
}

LaterTables LaterTables::of(SQLite::Database& db) {
    // The origins as load_origin reads them: with the bundle's id of migration 15 and the privacy
    // level of migration 16.
    const bool origins =
        db.execAndGet("SELECT count(*) FROM pragma_table_info('experiment_origins') WHERE name = 'privacy'").getInt() > 0;
    return {origins, db.tableExists("experiment_links"), db.tableExists("follow_up_months")};
}

Experiment read_full_experiment(SQLite::Database& db, const SQLite::Statement& row, const LaterTables& tables) {
    Experiment e = read_experiment_row(row);
    load_children(db, e, tables);
    e.amendments = load_amendments(db, e.id);
    // Locked before the snapshot was kept (or the column was emptied behind kokeilu's back): the
    // locked criterion is the current one with every amendment undone.
    if (e.is_locked() && !e.locked) e.locked = locked_from_amendments(e);
    if (tables.origins) e.origin = load_origin(db, e.id);
    return e;
}

}  // namespace kokeilu::detail
