#include "key_generation.hpp"
#include "validation.hpp"

#include "kokeilu/error.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

using namespace kokeilu;
using namespace kokeilu::detail;

TEST_CASE("is_valid_utf8 accepts well-formed text", "[validation]") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("plain ASCII"));
    CHECK(is_valid_utf8("Kärsämäki, Åland, Võru"));
    CHECK(is_valid_utf8("\xE2\x82\xAC"));          // U+20AC euro sign
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));      // U+1F600
    CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));      // U+10FFFF, the last code point
    CHECK(is_valid_utf8("\xED\x9F\xBF"));          // U+D7FF, just below the surrogates
}

TEST_CASE("is_valid_utf8 rejects malformed text", "[validation]") {
    CHECK_FALSE(is_valid_utf8("\x80"));              // continuation without a lead
    CHECK_FALSE(is_valid_utf8("K\xE4rs\xE4m\xE4ki")); // Latin-1, not UTF-8
    CHECK_FALSE(is_valid_utf8("\xC3"));              // truncated
    CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
    CHECK_FALSE(is_valid_utf8("\xC3\x28"));          // bad continuation
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800, a surrogate
    CHECK_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // U+DFFF, a surrogate
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
    CHECK_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
    CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("check_text names the field and the problem", "[validation]") {
    CHECK_NOTHROW(check_short_text("Kärsämäki", "organisation"));
    CHECK_THROWS_WITH(check_short_text(std::string("a\0b", 3), "title"), "title: contains a NUL character");
    CHECK_THROWS_WITH(check_short_text("\xC0\xAF", "unit"), "unit: is not valid UTF-8");
    CHECK_NOTHROW(check_short_text(std::string(200, 'x'), "owner"));
    CHECK_THROWS_WITH(check_short_text(std::string(201, 'x'), "owner"), "owner: is too long: 201 bytes, at most 200");
    CHECK_NOTHROW(check_long_text(std::string(64 * 1024, 'x'), "summary"));
    CHECK_THROWS_AS(check_long_text(std::string(64 * 1024 + 1, 'x'), "summary"), InvalidArgumentError);
    CHECK_THROWS_WITH(check_required_short_text("  ", "title"), "title: is required");
    CHECK_THROWS_AS(check_short_text("two\nlines", "title"), InvalidArgumentError);
    CHECK_THROWS_AS(check_short_text("tab\there", "unit"), InvalidArgumentError);
    CHECK_THROWS_AS(check_short_text("\x1f" "1", "arms[0].name"), InvalidArgumentError);
    CHECK_NOTHROW(check_long_text("two\nlines\tand a tab", "summary"));
}

TEST_CASE("trim and fold_case", "[validation]") {
    CHECK(trim("  Oulu \n") == "Oulu");
    CHECK(trim(" \t ").empty());
    CHECK(fold_case("Kontrolli ÄÖÅ Ü") == "kontrolli äöå ü");
    CHECK(fold_case("×") == "×");  // U+00D7 is not a letter
    CHECK(same_name("Control", "control"));
    CHECK(same_name("ÄITIYS", "äitiys"));
    CHECK_FALSE(same_name("a", "b"));
}

TEST_CASE("format_number reads back exactly", "[validation]") {
    CHECK(format_number(0.1) == "0.1");
    CHECK(format_number(2.0) == "2");
    CHECK(format_number(1.5) == "1.5");
    for (const double v : {1.0 / 3.0, 1e-300, 6.02214076e23, -0.3, 0.95}) {
        CHECK(std::strtod(format_number(v).c_str(), nullptr) == v);
    }
}

TEST_CASE("key_prefix transliterates Finnish and Nordic letters", "[validation][key]") {
    CHECK(key_prefix("Oulu", 2026) == "OULU-2026-");
    CHECK(key_prefix("Kärsämäki", 2026) == "KARSAMAKI-2026-");
    CHECK(key_prefix("Ii", 2027) == "II-2027-");
    CHECK(key_prefix("Åbo Akademi", 2026) == "ABOAKADEMI-2026-");
    CHECK(key_prefix("Võru", 2026) == "VORU-2026-");
    CHECK(key_prefix("Über", 2026) == "UBER-2026-");
    CHECK(key_prefix("Pohjois-Pohjanmaan hyvinvointialue", 2026) == "POHJOISPOH-2026-");
    CHECK(key_prefix("Kunta 7", 2026) == "KUNTA7-2026-");
    CHECK(key_prefix("--- !!", 2026) == "EXP-2026-");
    CHECK(key_prefix("東京", 2026) == "EXP-2026-");
}

TEST_CASE("check_key accepts short keys and refuses the rest", "[validation][key]") {
    CHECK_NOTHROW(check_key("OULU-2026-001"));
    CHECK_NOTHROW(check_key("a"));
    CHECK_NOTHROW(check_key("home_care-1"));
    CHECK_NOTHROW(check_key(std::string(40, 'K')));
    for (const char* bad : {"", "-OULU", "_x", "OULU 1", "KÄRSÄ", "a/b"}) {
        INFO(bad);
        CHECK_THROWS_AS(check_key(bad), InvalidArgumentError);
    }
    CHECK_THROWS_AS(check_key(std::string(41, 'K')), InvalidArgumentError);
    CHECK_THROWS_AS(check_key("1b4e28ba-2fa1-41d2-883f-0016d3cca427"), InvalidArgumentError);
}

TEST_CASE("UUIDs are generated and checked in canonical form", "[validation][key]") {
    const std::string a = new_uuid();
    const std::string b = new_uuid();
    CHECK(a != b);
    CHECK(is_canonical_uuid_form(a));
    CHECK(canonical_uuid(a) == a);  // already lower case
    CHECK(a[14] == '4');            // version 4, random
    CHECK(canonical_uuid("1B4E28BA-2FA1-41D2-883F-0016D3CCA427") == "1b4e28ba-2fa1-41d2-883f-0016d3cca427");
    for (const char* bad : {"", "1b4e28ba2fa141d2883f0016d3cca427", "{1b4e28ba-2fa1-41d2-883f-0016d3cca427}",
                            "1b4e28ba-2fa1-41d2-883f-0016d3cca42g", "1b4e28ba-2fa1-41d2-883f-0016d3cca4270"}) {
        INFO(bad);
        CHECK_THROWS_AS(canonical_uuid(bad), InvalidArgumentError);
    }
}

TEST_CASE("unit values by metric kind", "[validation][observation]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(unit_value_problem(MetricKind::mean, -3.5) == nullptr);
    CHECK(unit_value_problem(MetricKind::mean, nan) != nullptr);
    CHECK(unit_value_problem(MetricKind::mean, inf) != nullptr);
    CHECK(unit_value_problem(MetricKind::proportion, 0.0) == nullptr);
    CHECK(unit_value_problem(MetricKind::proportion, 1.0) == nullptr);
    CHECK(unit_value_problem(MetricKind::proportion, 0.5) != nullptr);
    CHECK(unit_value_problem(MetricKind::count, 0.0) == nullptr);
    CHECK(unit_value_problem(MetricKind::count, -1.0) != nullptr);
    CHECK(exposure_problem(0.5) == nullptr);
    CHECK(exposure_problem(0.0) != nullptr);
    CHECK(exposure_problem(-inf) != nullptr);
}

TEST_CASE("aggregate rows by metric kind", "[validation][observation]") {
    const auto part = [](MetricKind kind, const Aggregate& a) -> std::string {
        Metric metric;
        metric.kind = kind;
        const auto problem = aggregate_problem(metric, a);
        return problem ? aggregate_field(problem->part) : "";
    };
    // Values 1, 2, 3: n 3, sum 6, sum_sq 14.
    CHECK(part(MetricKind::mean, Aggregate::mean(3, 6.0, 14.0)).empty());
    // All equal values: sum_sq is exactly sum^2/n, and rounding may put it a hair below.
    CHECK(part(MetricKind::mean, Aggregate::mean(3, 0.3, 0.03 - 1e-18)).empty());
    CHECK(part(MetricKind::mean, Aggregate::mean(3, 6.0, 11.0)) == "aggregate.sum_sq");
    CHECK(part(MetricKind::mean, Aggregate{3, 6.0, std::nullopt}) == "aggregate.sum_sq");
    CHECK(part(MetricKind::mean, Aggregate::mean(0, 0.0, 0.0)) == "aggregate.n");
    CHECK(part(MetricKind::mean, Aggregate::mean(2, std::nan(""), 1.0)) == "aggregate.sum");
    CHECK(part(MetricKind::proportion, Aggregate::proportion(3, 10)).empty());
    CHECK(part(MetricKind::proportion, Aggregate::proportion(11, 10)) == "aggregate.sum");
    CHECK(part(MetricKind::proportion, Aggregate{10, 2.5, std::nullopt}) == "aggregate.sum");
    CHECK(part(MetricKind::proportion, Aggregate{10, 2.0, 2.0}) == "aggregate.sum_sq");
    CHECK(part(MetricKind::count, Aggregate::events(7, 12.0)).empty());
    CHECK(part(MetricKind::count, Aggregate::events(7, -1.0)) == "aggregate.sum");
}
