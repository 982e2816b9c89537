// The rows of a bundle's data parts as the core writes and reads them (kokeilu/bundle_rows.hpp):
// each value laid out as the format's canonical JSON (Python's json.dumps, which the other parts'
// hashes use), and the units an export writes read back as the observations that were logged.
// tests/python/test_bundle_rows.py checks the same hashes against Python's own encoder.
#include "kokeilu/bundle_rows.hpp"
#include "kokeilu/tracker.hpp"

#include "temp_dir.hpp"
#include "test_tracker_support.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

std::string number(double value) {
    std::string out;
    append_canonical_number(out, value);
    return out;
}

std::string text(std::string_view value) {
    std::string out;
    append_canonical_text(out, value);
    return out;
}

// The observations table of the format (kokeilu.bundle._SCHEMA), in a file of its own.
void make_bundle(const std::string& path) {
    SQLite::Database db(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db.exec("CREATE TABLE observations (uuid TEXT NOT NULL, position INTEGER NOT NULL, metric TEXT NOT NULL, "
            "arm TEXT NOT NULL, at TEXT NOT NULL, value REAL, n INTEGER NOT NULL, sum REAL NOT NULL, sum_sq REAL, "
            "exposure REAL, subject TEXT, note TEXT, covariate REAL, PRIMARY KEY (uuid, position))");
}

}  // namespace

TEST_CASE("a float is laid out as Python's repr lays it out", "[bundle_rows]") {
    CHECK(number(1.0) == "1.0");
    CHECK(number(-1.0) == "-1.0");
    CHECK(number(100.0) == "100.0");
    CHECK(number(0.1) == "0.1");
    CHECK(number(1.0 / 3.0) == "0.3333333333333333");
    CHECK(number(1e15) == "1000000000000000.0");
    CHECK(number(1e16) == "1e+16");
    CHECK(number(1.5e16) == "1.5e+16");
    CHECK(number(0.0001) == "0.0001");
    CHECK(number(1e-5) == "1e-05");
    CHECK(number(2.5e-7) == "2.5e-07");
    CHECK(number(1e100) == "1e+100");
    CHECK(number(5e-324) == "5e-324");
    CHECK(number(std::numeric_limits<double>::max()) == "1.7976931348623157e+308");
    CHECK(number(0.0) == "0.0");
    CHECK(number(-0.0) == "-0.0");
    CHECK(number(123456.789) == "123456.789");
}

TEST_CASE("text escapes only quotes, backslashes and control characters", "[bundle_rows]") {
    CHECK(text("plain") == "\"plain\"");
    CHECK(text("a \"b\" \\ c") == "\"a \\\"b\\\" \\\\ c\"");
    CHECK(text("t\tn\nr\rb\bf\f") == "\"t\\tn\\nr\\rb\\bf\\f\"");
    CHECK(text(std::string("\x01\x1f\x7f", 3)) == "\"\\u0001\\u001f\x7f\"");
    CHECK(text("ääkköset 😀") == "\"ääkköset 😀\"");
    CHECK(text("") == "\"\"");
}

TEST_CASE("the units an export writes read back as the rows logged, under the same hash", "[bundle_rows]") {
    TempDir dir;
    Tracker t = memory_tracker();
    const Experiment e = t.start(t.create(home_care_draft()).key, Date(2025, 3, 3));
    t.log(e.key, Observation{at(2025, 3, 4), "", "control", 3.5, {}, {}, "client-7", "called back", {}});
    t.log(e.key, Observation{at(2025, 3, 5), "", "video", -0.0, {}, {}, "", "", {}});
    t.log(e.key, Observation{at(2025, 3, 6), "calls", "video", 0.0, Aggregate{4, 9.0, {}}, 3.5, "", "", {}});
    const std::string path = dir.file("units.kokeilu");
    make_bundle(path);

    const std::vector<std::string> keys{e.key};
    const BundlePartWritten written = write_bundle_unit_rows(t, path, keys, std::string(32, 'k'), "prefix\0", false);
    CHECK(written.rows == 3);
    const BundleRows read = read_bundle_rows(path, "observations");
    CHECK(read.rows == 3);
    CHECK(read.sha256 == written.sha256);  // the hash made while writing is that of what a reader reads
    REQUIRE(read.by_experiment.size() == 1);
    const std::vector<Observation>& rows = read.by_experiment.at(e.uuid);
    REQUIRE(rows.size() == 3);
    CHECK(read.first_row.at(e.uuid) == 0);
    // Per metric in the experiment's order, each in time order.
    CHECK(rows[0].metric == "sense_of_security");
    CHECK(rows[0].arm == "control");
    CHECK(rows[0].at == at(2025, 3, 4));
    CHECK(rows[0].value == 3.5);
    CHECK(rows[0].subject.size() == 64);  // a pseudonym, never the subject as entered
    CHECK(rows[0].note.empty());          // notes only when asked for
    CHECK(!std::signbit(rows[1].value));  // a negative zero is written as zero
    CHECK(rows[2].metric == "calls");
    REQUIRE(rows[2].aggregate);
    CHECK(rows[2].aggregate->n == 4);
    CHECK(rows[2].aggregate->sum == 9.0);
    CHECK(rows[2].exposure == 3.5);
}

TEST_CASE("an import's source gives the rows asked for, and refuses a part not as its manifest lists it",
          "[bundle_rows]") {
    TempDir dir;
    Tracker t = memory_tracker();
    const Experiment e = t.start(t.create(home_care_draft()).key, Date(2025, 3, 3));
    for (int day = 4; day < 9; ++day)
        t.log(e.key, Observation{at(2025, 3, static_cast<unsigned short>(day)), "", "control", 1.0 * day, {}, {}, "", "", {}});
    const std::string path = dir.file("units.kokeilu");
    make_bundle(path);
    const std::vector<std::string> keys{e.key};
    const BundlePartWritten written = write_bundle_unit_rows(t, path, keys, std::string(32, 'k'), "prefix", false);
    const auto error_of = [](auto&& f) {
        try {
            f();
        } catch (const InvalidArgumentError& error) {
            return error.message().code;
        }
        return std::string("no error");
    };

    const std::vector<BundleRowSource::Part> as_listed{{"observations", written.rows, written.sha256}};
    SECTION("each experiment's rows, in order, then a whole part") {
        BundleRowSource source(path, as_listed);
        std::vector<double> values;
        source.rows_of("00000000-0000-4000-8000-000000000000", [&](const Observation&) { values.push_back(-1); });
        source.rows_of(e.uuid, [&](const Observation& o) { values.push_back(o.value); });
        CHECK(values == std::vector<double>{4, 5, 6, 7, 8});
        CHECK_NOTHROW(source.finish());
    }
    SECTION("rows of an experiment never asked for") {
        BundleRowSource source(path, as_listed);
        CHECK(error_of([&] { source.finish(); }) == "bundle.unknown_experiment");
        BundleRowSource after(path, as_listed);
        CHECK(error_of([&] { after.rows_of("ffffffff-ffff-4fff-bfff-ffffffffffff", [](const Observation&) {}); }) ==
              "bundle.unknown_experiment");
    }
    SECTION("a part with other rows or another hash than listed") {
        const std::vector<BundleRowSource::Part> more{{"observations", written.rows + 1, written.sha256}};
        BundleRowSource counted(path, more);
        CHECK(error_of([&] { counted.check_whole(); }) == "bundle.part_rows");
        const std::vector<BundleRowSource::Part> other{{"observations", written.rows, std::string(64, '0')}};
        BundleRowSource hashed(path, other);
        hashed.rows_of(e.uuid, [](const Observation&) {});
        CHECK(error_of([&] { hashed.finish(); }) == "bundle.part_hash");
    }
}
