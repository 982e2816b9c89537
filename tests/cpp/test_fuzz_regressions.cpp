// Inputs that once made a fuzz target fail (tests/fuzz/regressions), replayed on every test run
// with the property the target checks, so that a fixed failure stays fixed without clang.
#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"
#include "../fuzz/time_property.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

namespace fs = std::filesystem;

fs::path regressions(const std::string& target) {
    return fs::path(__FILE__).parent_path().parent_path() / "fuzz" / "regressions" / target;
}

fs::path corpus(const std::string& target) {
    return fs::path(__FILE__).parent_path().parent_path() / "fuzz" / "corpus" / target;
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the time parser's fuzz corpus and regressions keep the target's property", "[fuzz][time]") {
    int replayed = 0;
    for (const fs::path& folder : {regressions("fuzz_time"), corpus("fuzz_time")}) {
        REQUIRE(fs::is_directory(folder));
        for (const auto& entry : fs::directory_iterator(folder)) {
            const std::string text = read(entry.path());
            INFO(entry.path().filename().string() << ": '" << text << "'");
            CHECK(kokeilu::fuzzing::time_property(text));
            ++replayed;
        }
    }
    CHECK(replayed > 10);
}

TEST_CASE("epoch numbers at the edges of int64_t and of the calendar", "[fuzz][time]") {
    using kokeilu::EpochUnit;
    for (const std::int64_t n : {std::int64_t{0}, std::int64_t{-1}, INT64_MIN, INT64_MAX, std::int64_t{1} << 62,
                                 std::int64_t{-17987443200}, std::int64_t{253402300799}, std::int64_t{253402300800}}) {
        std::string bytes(sizeof n, '\0');
        std::memcpy(bytes.data(), &n, sizeof n);
        INFO(n);
        CHECK(kokeilu::fuzzing::time_property(bytes));
    }
    CHECK(kokeilu::epoch_to_unix_micros(std::int64_t{-17987443200}, EpochUnit::seconds, "at") ==
          kokeilu::earliest_unix_micros);
    CHECK(kokeilu::epoch_to_unix_micros(std::int64_t{253402300799}, EpochUnit::seconds, "at") ==
          kokeilu::latest_unix_micros - 999'999);
}

TEST_CASE("a UTC offset that carries a time out of the calendar is refused", "[fuzz][time]") {
    using Catch::Matchers::Contains;
    CHECK_THROWS_WITH(kokeilu::parse_time("1400-01-01T00:30+01:00", "at"), Contains("once converted to UTC"));
    CHECK_THROWS_WITH(kokeilu::parse_time("9999-12-31T23:30-01:00", "at"), Contains("once converted to UTC"));
    CHECK(kokeilu::format_time(kokeilu::parse_time("1400-01-01T01:00+01:00", "at")) == "1400-01-01T00:00:00Z");
    CHECK(kokeilu::format_time(kokeilu::parse_time("9999-12-31T23:59:59.999999Z", "at")) ==
          "9999-12-31T23:59:59.999999Z");
}
