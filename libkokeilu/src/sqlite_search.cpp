#include "sqlite_search.hpp"

#include "sqlite_experiment_rows.hpp"
#include "unicode_text.hpp"
#include "validation.hpp"

#include <SQLiteCpp/Statement.h>

#include <array>
#include <string>
#include <utility>

namespace kokeilu::detail {

namespace {

// The weight of each column in bm25, in the order of the table's columns (migration 12): the key and the title
// say most about what an experiment is, the summary next.
constexpr const char* rank_sql =
    "bm25(experiment_search, 10.0, 6.0, 3.0, 2.0, 3.0, 1.0, 2.0, 2.0, 2.0, 1.0)";

// The verdict the team stands by (Outcome::chosen_verdict), from the stored columns.
constexpr const char* chosen_verdict_sql =
    "CASE WHEN e.judged_against = 'amended' AND e.amended_verdict IS NOT NULL "
    "THEN e.amended_verdict ELSE e.verdict END";

// The text of each column of an experiment's entry, read from its stored rows alone (the tables as
// they are from migration 9 on, so migration 12 reads any file it meets the same way).
const std::string entry_sql = std::string(R"sql(
SELECT
    e.key,
    e.title,
    e.summary,
    e.organisation || char(10) || e.unit || char(10) || e.owner,
    coalesce((SELECT group_concat(tag, char(10)) FROM experiment_tags WHERE experiment_id = e.id), ''),
    coalesce((SELECT group_concat(purpose, char(10)) FROM experiment_purposes WHERE experiment_id = e.id), ''),
    e.we_believe || char(10) || e.to_verify || char(10) || e.and_measure || char(10) || e.right_if,
    coalesce((SELECT group_concat(name || char(10) || label, char(10)) FROM metrics WHERE experiment_id = e.id), ''),
    coalesce(e.we_believed, '') || char(10) || coalesce(e.we_observed, '') || char(10) ||
        coalesce(e.we_learned, '') || char(10) || coalesce(e.therefore, ''),
    coalesce()sql") + chosen_verdict_sql + R"sql(, '') || char(10) || coalesce(e.decision, '')
FROM experiments e WHERE e.id = ?
)sql";

constexpr std::size_t entry_columns = 10;

bool separates_words(unsigned char byte) noexcept { return byte <= 0x20 || byte == 0x7F; }

}  // namespace

bool has_search_index(SQLite::Database& db) {
    return db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'experiment_search'").getInt() > 0;
}

void index_every_experiment(SQLite::Database& db) {
    std::vector<std::int64_t> ids;
    {
        SQLite::Statement q(db, "SELECT id FROM experiments ORDER BY id");
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
    }
    for (const std::int64_t id : ids) index_experiment(db, id);
}

void unindex_experiment(SQLite::Database& db, std::int64_t experiment_id) {
    SQLite::Statement remove(db, "DELETE FROM experiment_search WHERE rowid = ?");
    remove.bind(1, experiment_id);
    remove.exec();
}

void index_experiment(SQLite::Database& db, std::int64_t experiment_id) {
    std::array<std::string, entry_columns> texts;
    {
        SQLite::Statement read(db, entry_sql);
        read.bind(1, experiment_id);
        if (!read.executeStep()) return;  // no such experiment: nothing to index
        // In NFC, as the user's words are: an "ä" stored as a and a combining mark would otherwise
        // be two tokens that no typed "ä" finds.
        for (std::size_t i = 0; i < entry_columns; ++i)
            texts[i] = to_nfc(read.getColumn(static_cast<int>(i)).getString());
    }
    unindex_experiment(db, experiment_id);
    SQLite::Statement insert(db, "INSERT INTO experiment_search (rowid, key, title, summary, people, tags, purposes, "
                                 "test_card, metrics, learning, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, experiment_id);
    for (std::size_t i = 0; i < entry_columns; ++i) insert.bind(static_cast<int>(i) + 2, texts[i]);
    insert.exec();
}

std::string search_query(std::string_view text) {
    // Words are what lies between white space (any space separator, as ASCII) and control
    // characters; a NUL would end the query where FTS5 reads it, leaving a quote open.
    const std::string spaced = with_ascii_spaces(text);
    std::string query;
    std::size_t i = 0;
    while (i < spaced.size()) {
        while (i < spaced.size() && separates_words(static_cast<unsigned char>(spaced[i]))) ++i;
        const std::size_t begin = i;
        while (i < spaced.size() && !separates_words(static_cast<unsigned char>(spaced[i]))) ++i;
        if (begin == i) break;
        // Inside an FTS5 string only the quote means anything, and it is doubled. The string is
        // then split by the tokenizer like the indexed text: "OULU-2026" is the phrase "oulu 2026",
        // and a string of punctuation alone is an empty phrase, which matches nothing.
        query += query.empty() ? "\"" : " \"";
        for (const char c : to_nfc(std::string_view(spaced).substr(begin, i - begin))) {
            query += c;
            if (c == '"') query += '"';
        }
        query += "\"*";
    }
    return query;
}

std::vector<Experiment> search_experiments(SQLite::Database& db, const ExperimentSearch& search) {
    const std::string query = search_query(search.text);
    // The clauses are fixed text; only the values are bound.
    std::string sql = query.empty() ? "SELECT e.* FROM experiments e WHERE 1"
                                    : "SELECT e.* FROM experiment_search JOIN experiments e"
                                      " ON e.id = experiment_search.rowid WHERE experiment_search MATCH :query";
    if (search.purpose)
        sql += " AND EXISTS (SELECT 1 FROM experiment_purposes p WHERE p.experiment_id = e.id"
               " AND p.purpose = :purpose)";
    if (!search.unit.empty()) sql += " AND kokeilu_fold(e.unit) = :unit";
    if (!search.metric.empty())
        sql += " AND EXISTS (SELECT 1 FROM metrics m WHERE m.experiment_id = e.id AND kokeilu_fold(m.name) = :metric)";
    if (!search.organisation.empty()) sql += " AND kokeilu_fold(e.organisation) = :organisation";
    if (search.verdict) sql += std::string(" AND ") + chosen_verdict_sql + " = :verdict";
    if (search.decision) sql += " AND e.decision = :decision";
    if (search.status) sql += " AND e.status = :status";
    if (search.provenance != Provenance::both) {
        sql += search.provenance == Provenance::imported ? " AND EXISTS" : " AND NOT EXISTS";
        sql += " (SELECT 1 FROM experiment_origins o WHERE o.experiment_id = e.id)";
    }
    sql += query.empty() ? " ORDER BY e.key" : std::string(" ORDER BY ") + rank_sql + ", e.key";

    // Names are compared as they are kept (NFC, trimmed) and folded as the list's filters fold them.
    const auto name = [](const std::string& text) { return fold_case(normalize_name(text)); };
    SQLite::Statement q(db, sql);
    if (!query.empty()) q.bind(":query", query);
    if (search.purpose) q.bind(":purpose", std::string(to_string(*search.purpose)));
    if (!search.unit.empty()) q.bind(":unit", name(search.unit));
    if (!search.metric.empty()) q.bind(":metric", name(search.metric));
    if (!search.organisation.empty()) q.bind(":organisation", name(search.organisation));
    if (search.verdict) q.bind(":verdict", std::string(to_string(*search.verdict)));
    if (search.decision) q.bind(":decision", std::string(to_string(*search.decision)));
    if (search.status) q.bind(":status", std::string(to_string(*search.status)));
    std::vector<Experiment> out;
    while (q.executeStep()) out.push_back(read_full_experiment(db, q, LaterTables{}));
    return out;
}

}  // namespace kokeilu::detail
