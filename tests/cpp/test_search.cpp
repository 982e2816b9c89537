// The learning library: Tracker::search over the full-text index (sqlite_search.hpp) — what it
// finds by each part of an experiment and by each facet, the index after every kind of write and
// after an import, Finnish letters and inflections, text that looks like query syntax, and a file
// of schema 11 that gets the index by migration.
#include "kokeilu/exchange.hpp"
#include "kokeilu/experiment_record.hpp"
#include "kokeilu/experiment_search.hpp"
#include "kokeilu/tracker.hpp"

#include "sqlite_search.hpp"
#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

std::vector<std::string> keys(const std::vector<Experiment>& found) {
    std::vector<std::string> out;
    for (const Experiment& e : found) out.push_back(e.key);
    return out;
}

std::vector<std::string> found_by(const Tracker& t, const std::string& text) {
    ExperimentSearch search;
    search.text = text;
    return keys(t.search(search));
}

bool finds(const Tracker& t, const std::string& text, const std::string& key) {
    const auto found = found_by(t, text);
    return std::find(found.begin(), found.end(), key) != found.end();
}

// The index holds one entry per experiment, by its id, and its key and title are the experiment's:
// read from the file beside the tracker, so what is checked is what was committed.
void check_in_step(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    std::map<std::int64_t, std::string> stored;
    std::map<std::int64_t, std::string> indexed;
    SQLite::Statement experiments(db, "SELECT id, key || '|' || title FROM experiments");
    while (experiments.executeStep())
        stored[experiments.getColumn(0).getInt64()] = experiments.getColumn(1).getString();
    SQLite::Statement entries(db, "SELECT rowid, key || '|' || title FROM experiment_search");
    while (entries.executeStep()) indexed[entries.getColumn(0).getInt64()] = entries.getColumn(1).getString();
    CHECK(indexed == stored);
}

constexpr const char* exporter_log = "0123456789abcdef0123456789abcdef";

// The experiment as a bundle carries it (without rows: the index does not read them).
IncomingExperiment exported(Tracker& t, const std::string& key) {
    const Experiment e = t.get(key);
    IncomingExperiment in;
    in.record = experiment_record(e);
    in.journal = t.journal(key);
    in.origin.organisation = e.organisation;
    in.origin.exporter = "Aino";
    in.origin.log_id = exporter_log;
    return in;
}

Outcome library_outcome() {
    Outcome outcome;
    outcome.verdict = Verdict::supported;
    outcome.decision = Decision::scale_up;
    outcome.learning = {"asiakkaat kokivat olonsa turvalliseksi", "turvallisuus pysyi ennallaan",
                        "etäkäynnit sopivat iltaan", "laajennamme koko kaupunkiin"};
    outcome.decided_on = Date(2025, 9, 15);
    return outcome;
}

}  // namespace

TEST_CASE("the search finds an experiment by every part the index covers", "[search]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    draft.title = "Etäkäynnit illalla";
    draft.summary = "Osa iltakäynneistä tehdään videolla kirjastossa.";
    draft.owner = "Aino Virtanen";
    draft.tags = {"digituki"};
    draft.purposes = {Purpose::democracy};
    draft.metrics[0].label = "Turvallisuuden tunne";
    draft.test_card.we_believe = "uskomme että asukasraati lisää luottamusta";
    const std::string key = t.create(draft).key;
    t.start(key, Date(2025, 3, 3));
    t.conclude(key, library_outcome());

    CHECK_FALSE(finds(t, "kotihoito", key));
    for (const char* text : {key.c_str(), "OULU", "etäkäynnit", "kirjastossa", "home care", "Virtanen", "digituki",
                             "democracy", "asukasraati", "sense_of_security", "turvallisuuden tunne", "wait_days",
                             "turvalliseksi", "laajennamme", "supported", "scale_up"}) {
        INFO(text);
        CHECK(finds(t, text, key));
    }
    // Every word must be there, in any part.
    CHECK(finds(t, "videolla Virtanen democracy", key));
    CHECK_FALSE(finds(t, "videolla Korhonen", key));
}

TEST_CASE("the index follows every kind of write, in the same transaction", "[search]") {
    TempDir dir;
    const std::string path = dir.file("library.db");
    Tracker t = Tracker::open(path);
    Experiment draft = home_care_draft();
    draft.title = "Kirjaston aukiolo";
    const std::string key = t.create(draft).key;
    check_in_step(path);
    CHECK(finds(t, "kirjaston", key));

    // update
    Experiment revised = t.get(key);
    revised.title = "Uimahallin aukiolo";
    revised.tags = {"liikunta"};
    t.update(revised);
    check_in_step(path);
    CHECK_FALSE(finds(t, "kirjaston", key));
    CHECK(finds(t, "uimahallin liikunta", key));

    // start
    t.start(key, Date(2025, 3, 3));
    ExperimentSearch running;
    running.status = Status::running;
    CHECK(keys(t.search(running)) == std::vector<std::string>{key});

    // amend: a metric's label, after the start
    Experiment amended = t.get(key);
    amended.metrics[0].label = "Kävijätyytyväisyys";
    t.update(amended, "the survey was renamed", "Aino");
    check_in_step(path);
    CHECK(finds(t, "kävijätyytyväisyys", key));

    // conclude
    t.conclude(key, library_outcome());
    CHECK(finds(t, "etäkäynnit sopivat", key));
    ExperimentSearch concluded;
    concluded.status = Status::concluded;
    concluded.decision = Decision::scale_up;
    CHECK(keys(t.search(concluded)) == std::vector<std::string>{key});

    // stop, of another one
    Experiment second_draft = home_care_draft();
    second_draft.title = "Kirjastoauto kylille";
    const std::string second = t.create(second_draft).key;
    t.stop(second, "the bus was sold");
    ExperimentSearch stopped;
    stopped.status = Status::stopped;
    CHECK(keys(t.search(stopped)) == std::vector<std::string>{second});
    check_in_step(path);

    // delete
    const std::string third = t.create(home_care_draft()).key;
    CHECK(finds(t, "remote video", third));
    t.delete_draft(third);
    CHECK_FALSE(finds(t, "remote video", third));
    check_in_step(path);

    // A write that fails after its entry was written leaves the index as it was: the history's
    // entry, written after the index's, is refused here.
    Experiment bag = home_care_draft();
    bag.title = "Kirjastokassi";
    const std::string fourth = t.create(bag).key;
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("CREATE TRIGGER refuse_history BEFORE INSERT ON history BEGIN SELECT RAISE(ABORT, 'refused'); END");
    }
    Experiment renamed = t.get(fourth);
    renamed.title = "Kirjastovene saaristoon";
    CHECK_THROWS(t.update(renamed));
    CHECK_THROWS(t.create(home_care_draft()));
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("DROP TRIGGER refuse_history");
    }
    check_in_step(path);
    CHECK(found_by(t, "kirjastokassi") == std::vector<std::string>{fourth});
    CHECK(found_by(t, "kirjastovene").empty());
    CHECK(found_by(t, "remote video").empty());
}

TEST_CASE("imported experiments are in the library, and a later bundle replaces their entry", "[search]") {
    Tracker oulu = memory_tracker();
    Experiment draft = home_care_draft();
    draft.title = "Lukulähettiläät kouluissa";
    const std::string key = oulu.create(draft).key;

    TempDir dir;
    const std::string path = dir.file("kajaani.db");
    Tracker kajaani = Tracker::open(path);
    Experiment own = home_care_draft("Kajaani");
    own.title = "Lukupiiri kirjastossa";
    const std::string own_key = kajaani.create(own).key;
    REQUIRE(kajaani.import_experiments(std::vector{exported(oulu, key)})[0].action == ImportAction::added);
    check_in_step(path);

    CHECK(found_by(kajaani, "lukulähettiläät") == std::vector<std::string>{key});
    ExperimentSearch search;
    search.text = "Luku";
    CHECK(keys(kajaani.search(search)).size() == 2);
    search.provenance = Provenance::imported;
    CHECK(keys(kajaani.search(search)) == std::vector<std::string>{key});
    search.provenance = Provenance::own;
    CHECK(keys(kajaani.search(search)) == std::vector<std::string>{own_key});

    // Oulu changes its experiment and shares it again: the copy's entry says what the copy says.
    Experiment revised = oulu.get(key);
    revised.title = "Lukumummit kouluissa";
    oulu.update(revised);
    REQUIRE(kajaani.import_experiments(std::vector{exported(oulu, key)})[0].action == ImportAction::updated);
    check_in_step(path);
    CHECK(found_by(kajaani, "lukulähettiläät").empty());
    CHECK(found_by(kajaani, "lukumummit") == std::vector<std::string>{key});
}

TEST_CASE("every facet narrows the library, and the verdict is the one the team chose", "[search]") {
    Tracker t = memory_tracker();
    Experiment a = home_care_draft("Oulu");
    a.unit = "Kirjasto";
    a.purposes = {Purpose::vitality};
    const std::string a_key = t.create(a).key;
    t.start(a_key, Date(2025, 3, 3));
    t.conclude(a_key, library_outcome());

    Experiment b = home_care_draft("Kajaani");
    b.metrics[0].name = "kävijät";
    const std::string b_key = t.create(b).key;
    t.start(b_key, Date(2025, 3, 3));
    Outcome refuted = library_outcome();
    refuted.verdict = Verdict::refuted;
    refuted.decision = Decision::stop;
    t.conclude(b_key, refuted);

    const std::string c_key = t.create(home_care_draft("Oulu")).key;

    const auto search = [&](auto set) {
        ExperimentSearch s;
        set(s);
        return keys(t.search(s));
    };
    using Keys = std::vector<std::string>;
    CHECK(search([](ExperimentSearch&) {}) == Keys{b_key, a_key, c_key});  // by key: KAJAANI before OULU
    CHECK(search([](ExperimentSearch& s) { s.purpose = Purpose::vitality; }) == Keys{a_key});
    CHECK(search([](ExperimentSearch& s) { s.unit = " KIRJASTO "; }) == Keys{a_key});
    CHECK(search([](ExperimentSearch& s) { s.metric = "KÄVIJÄT"; }) == Keys{b_key});
    CHECK(search([](ExperimentSearch& s) { s.metric = "kävijä"; }).empty());  // a name, not a prefix
    CHECK(search([](ExperimentSearch& s) { s.organisation = "oulu"; }) == Keys{a_key, c_key});
    CHECK(search([](ExperimentSearch& s) { s.verdict = Verdict::supported; }) == Keys{a_key});
    CHECK(search([](ExperimentSearch& s) { s.verdict = Verdict::refuted; }) == Keys{b_key});
    CHECK(search([](ExperimentSearch& s) { s.decision = Decision::stop; }) == Keys{b_key});
    CHECK(search([](ExperimentSearch& s) { s.status = Status::draft; }) == Keys{c_key});
    CHECK(search([](ExperimentSearch& s) { s.provenance = Provenance::own; }) == Keys{b_key, a_key, c_key});
    CHECK(search([](ExperimentSearch& s) { s.provenance = Provenance::imported; }).empty());
    CHECK(search([](ExperimentSearch& s) { s.unit = "   "; }) == Keys{b_key, a_key, c_key});  // spaces: no facet
    CHECK(search([](ExperimentSearch& s) {
              s.organisation = "Oulu";
              s.status = Status::concluded;
          }) == Keys{a_key});

    // The verdict filter reads the judgement the team stands by: a locked verdict of inconclusive
    // and an amended one of supported, judged against the amended criterion, is supported.
    Experiment d = home_care_draft("Oulu");
    const std::string d_key = t.create(d).key;
    t.start(d_key, Date(2025, 3, 3));
    Experiment amended = t.get(d_key);
    amended.metrics[0].minimum_effect = 0.5;
    t.update(amended, "the board asked for a larger effect", "Aino");
    Outcome both = library_outcome();
    both.verdict = Verdict::inconclusive;
    both.amended_verdict = Verdict::supported;
    both.judged_against = Criterion::amended;
    t.conclude(d_key, both);
    CHECK(search([](ExperimentSearch& s) { s.verdict = Verdict::supported; }) == Keys{a_key, d_key});
    CHECK(search([](ExperimentSearch& s) { s.verdict = Verdict::inconclusive; }).empty());
}

TEST_CASE("ä, ö and å are letters of their own, and a word is found by its beginning", "[search]") {
    Tracker t = memory_tracker();
    Experiment access = home_care_draft();
    access.title = "Pääsy kirjastoon";
    const std::string access_key = t.create(access).key;
    Experiment other = home_care_draft();
    other.title = "Paasy ja tahti";
    other.summary = "Såg ett rådhus";
    const std::string other_key = t.create(other).key;

    CHECK(found_by(t, "pääsy") == std::vector<std::string>{access_key});
    CHECK(found_by(t, "PÄÄSY") == std::vector<std::string>{access_key});
    CHECK(found_by(t, "paasy") == std::vector<std::string>{other_key});
    CHECK(found_by(t, "tähti").empty());
    CHECK(found_by(t, "tahti") == std::vector<std::string>{other_key});
    CHECK(found_by(t, "rådhus") == std::vector<std::string>{other_key});
    CHECK(found_by(t, "radhus").empty());
    CHECK(found_by(t, "SÅG") == std::vector<std::string>{other_key});
    // Inflected forms by their stem, and the stem typed in NFD (a + combining diaeresis) as in NFC.
    CHECK(found_by(t, "kirjasto") == std::vector<std::string>{access_key});
    CHECK(found_by(t, "kirjastossa").empty());  // a longer form does not find a shorter one
    CHECK(found_by(t, "pa\xcc\x88" "a\xcc\x88" "sy") == std::vector<std::string>{access_key});

    // Text stored in NFD is found by the word typed in NFC.
    Experiment decomposed = home_care_draft();
    decomposed.title = "Ka\xcc\x88ytta\xcc\x88ja\xcc\x88kokemus";  // Käyttäjäkokemus
    const std::string decomposed_key = t.create(decomposed).key;
    CHECK(found_by(t, "käyttäjä") == std::vector<std::string>{decomposed_key});
}

TEST_CASE("a title match ranks above a match in the Learning Card", "[search]") {
    Tracker t = memory_tracker();
    Experiment deep = home_care_draft();
    deep.title = "Iltakäynnit";
    const std::string deep_key = t.create(deep).key;  // first by key
    t.start(deep_key, Date(2025, 3, 3));
    Outcome outcome = library_outcome();
    outcome.learning.we_learned = "saunavuorot eivät vaikuttaneet";
    t.conclude(deep_key, outcome);
    Experiment titled = home_care_draft();
    titled.title = "Saunavuorot senioreille";
    const std::string titled_key = t.create(titled).key;
    CHECK(found_by(t, "sauna") == std::vector<std::string>{titled_key, deep_key});
}

TEST_CASE("text that looks like query syntax is searched for, never obeyed or refused", "[search]") {
    Tracker t = memory_tracker();
    Experiment draft = home_care_draft();
    draft.title = "AND OR NOT NEAR kirjasto \"lainaus\" (sulut) * - ^";
    const std::string key = t.create(draft).key;
    t.create(home_care_draft());

    const std::vector<std::string> hostile = {
        "\"", "\"\"", "\"\"\"", "AND (", "NEAR(", "NEAR(a b, 2)", "*", "-", "-kirjasto", "^", "^kirjasto", "(", ")",
        "a OR b", "title:kirjasto", "{title summary}: x", "kirjasto NOT", "NOT kirjasto", "+", ":", "'", "''", ";",
        "'); DROP TABLE experiments; --", "\\", "\\\"", "a\"b", "\"kirjasto", "kirjasto\"", "*kirjasto*", "kir*sto",
        "AND", "OR", "NOT", "NEAR", "near/3", "\t\n\r", std::string("a\0b", 3), std::string(1, '\0'), "\x7f",
        "\xc2\xa0", "\xe2\x80\x8b", "🙂", "kirjasto\"*", "\"\"*\"", "col:", "{", "}", ",", ".", "<>", "%", "_",
        "$1", "?"};
    for (const std::string& text : hostile) {
        INFO(text);
        CHECK_NOTHROW((void)found_by(t, text));
        CHECK_NOTHROW((void)detail::search_query(text));
    }
    // The words in them are searched as words: an operator's word is a word of the title.
    CHECK(finds(t, "AND", key));
    CHECK(found_by(t, "NEAR(") == std::vector<std::string>{key});
    CHECK(found_by(t, "\"lainaus\"") == std::vector<std::string>{key});
    CHECK(found_by(t, "(sulut)") == std::vector<std::string>{key});
    CHECK(found_by(t, "NOT kirjasto") == std::vector<std::string>{key});  // both words, not "without"
    CHECK(found_by(t, "title:kirjasto").empty());  // "title" is no word of the experiment
    // Punctuation alone holds no word: it finds nothing, and all experiments are not "found".
    CHECK(found_by(t, "\"").empty());
    CHECK(found_by(t, "*").empty());
    // White space alone is no text.
    CHECK(found_by(t, " \t ").size() == 2);
    // Only what is not text at all is refused, naming the field.
    CHECK(field_of_error([&] { (void)found_by(t, "\xff\xfe"); }) == "text");

    // A random mixture of the characters FTS5 gives a meaning never raises.
    const std::string alphabet = "\"*()-^:{}+ ANDORNEAR,kirjasto\\'";
    std::uint32_t state = 12345;
    for (int round = 0; round < 500; ++round) {
        std::string text;
        for (int i = 0; i < 12; ++i) {
            state = state * 1664525u + 1013904223u;
            text += alphabet[(state >> 16) % alphabet.size()];
        }
        INFO(text);
        CHECK_NOTHROW((void)found_by(t, text));
    }
}

TEST_CASE("the query quotes every word", "[search]") {
    CHECK(detail::search_query("") == "");
    CHECK(detail::search_query("  \t") == "");
    CHECK(detail::search_query("kirjasto") == "\"kirjasto\"*");
    CHECK(detail::search_query("a\"b  c") == "\"a\"\"b\"* \"c\"*");
    CHECK(detail::search_query(std::string("a\0b", 3)) == "\"a\"* \"b\"*");
    CHECK(detail::search_query("a\xc2\xa0" "b") == "\"a\"* \"b\"*");  // a no-break space separates
}

TEST_CASE("a file of schema 11 gets an index that finds its experiments", "[search][migration]") {
    TempDir dir;
    const std::string path = dir.file("old.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        Experiment draft = home_care_draft();
        draft.title = "Kirjastojen yhteiskokoelma";
        key = t.create(draft).key;
        t.start(key, Date(2025, 3, 3));
        t.conclude(key, library_outcome());
    }
    {
        // The file as schema 11 left it: no index, and no table of links (schema 13's).
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("DROP TABLE experiment_search");
        db.exec("DROP TABLE experiment_links");
        db.exec("PRAGMA user_version = 11");
        REQUIRE_FALSE(detail::has_search_index(db));
    }
    Tracker t = Tracker::open(path);
    CHECK(found_by(t, "kirjastojen") == std::vector<std::string>{key});
    CHECK(found_by(t, "laajennamme") == std::vector<std::string>{key});
    check_in_step(path);
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
    CHECK(detail::has_search_index(db));
    CHECK(db.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'experiment_links'").getInt() == 1);
}

TEST_CASE("a file of a later version that lacks the index gets it, its version kept", "[search][migration]") {
    TempDir dir;
    const std::string path = dir.file("later.db");
    std::string key;
    {
        Tracker t = Tracker::open(path);
        key = t.create(home_care_draft()).key;
    }
    {
        SQLite::Database db(path, SQLite::OPEN_READWRITE);
        db.exec("DROP TABLE experiment_search");
    }
    Tracker t = Tracker::open(path);
    CHECK(found_by(t, "remote") == std::vector<std::string>{key});
    SQLite::Database db(path, SQLite::OPEN_READONLY);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_schema_version);
}
