// Inputs that once made a fuzz target fail (tests/fuzz/regressions), replayed on every test run
// with the property the target checks, so that a fixed failure stays fixed without clang.
#include "kokeilu/error.hpp"
#include "kokeilu/time.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

namespace fs = std::filesystem;

fs::path regressions(const std::string& target) {
    return fs::path(__FILE__).parent_path().parent_path() / "fuzz" / "regressions" / target;
}

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("the time parser's fuzz regressions parse or fail with an InvalidArgumentError", "[fuzz][time]") {
    const fs::path folder = regressions("fuzz_time");
    REQUIRE(fs::is_directory(folder));
    int replayed = 0;
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string text = read(entry.path());
        INFO(entry.path().filename().string() << ": '" << text << "'");
        try {
            const kokeilu::Time t = kokeilu::parse_time(text, "at");
            CHECK(kokeilu::parse_time(kokeilu::format_time(t), "at") == t);
        } catch (const kokeilu::InvalidArgumentError& error) {
            CHECK(error.field() == "at");
        }
        ++replayed;
    }
    CHECK(replayed > 0);
}

TEST_CASE("a UTC offset that carries a time out of the calendar is refused", "[fuzz][time]") {
    using Catch::Matchers::Contains;
    CHECK_THROWS_WITH(kokeilu::parse_time("1400-01-01T00:30+01:00", "at"), Contains("once converted to UTC"));
    CHECK_THROWS_WITH(kokeilu::parse_time("9999-12-31T23:30-01:00", "at"), Contains("once converted to UTC"));
    CHECK(kokeilu::format_time(kokeilu::parse_time("1400-01-01T01:00+01:00", "at")) == "1400-01-01T00:00:00Z");
    CHECK(kokeilu::format_time(kokeilu::parse_time("9999-12-31T23:59:59.999999Z", "at")) ==
          "9999-12-31T23:59:59.999999Z");
}
