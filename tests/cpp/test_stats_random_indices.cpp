// Random indices for resampling: the bulk path (both halves of a generator output at once) must
// draw exactly the indices that one-at-a-time drawing does, also when words are rejected and when
// a call starts or ends in the middle of an output.
#include "stats/random_indices.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

using namespace kokeilu::stats::detail;

namespace {

// Indices drawn one at a time.
std::vector<std::uint32_t> one_at_a_time(std::uint64_t seed, std::uint32_t range, std::size_t count) {
    RandomWords words(seed, 0);
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < count; ++i) out.push_back(uniform_index(words, range));
    return out;
}

// The same number of indices by fill_indices, in calls of the given sizes, repeated.
std::vector<std::uint32_t> in_blocks(std::uint64_t seed, std::uint32_t range, std::size_t count,
                                     const std::vector<std::size_t>& sizes) {
    RandomWords words(seed, 0);
    const IndexRange bounds(range);
    std::vector<std::uint32_t> out(count);
    std::size_t done = 0;
    for (std::size_t call = 0; done < count; ++call) {
        const std::size_t size = std::min(sizes[call % sizes.size()], count - done);
        words.fill_indices(std::span<std::uint32_t>(out.data() + done, size), bounds);
        done += size;
    }
    return out;
}

}  // namespace

TEST_CASE("fill_indices draws what one-at-a-time drawing draws", "[stats][random]") {
    // From no rejections worth speaking of (60, 100,000) to about a third and a half of all words
    // rejected (3,000,000,000 and 2^31 + 1), where the slow path runs all the time.
    const std::uint32_t range = GENERATE(1U, 2U, 60U, 100000U, 3000000000U, 2147483649U, 4294967295U);
    // Odd sizes leave half an output over between calls; 512 is the bootstrap's block.
    const std::vector<std::size_t> sizes = GENERATE(std::vector<std::size_t>{512},
                                                    std::vector<std::size_t>{1, 7, 8, 9, 3, 64, 13});
    const std::size_t count = 20000;
    const auto expected = one_at_a_time(99, range, count);
    CHECK(in_blocks(99, range, count, sizes) == expected);
    CHECK(std::all_of(expected.begin(), expected.end(), [&](std::uint32_t index) { return index < range; }));
}

TEST_CASE("indices are uniform also where most words are rejected", "[stats][random]") {
    // 3,000,000,000 rejects 2^32 mod 3e9 = 1,294,967,296 of the 2^32 words; a wrong rejection rule
    // would make some sixths of the range more likely. Chi-square with 5 degrees of freedom; 35.9
    // is its 1 - 10^-6 quantile.
    const std::uint32_t range = 3000000000U;
    const std::size_t count = 60000;
    const auto indices = in_blocks(7, range, count, {512});
    std::array<double, 6> counts{};
    for (const std::uint32_t index : indices) counts[index / (range / 6)] += 1.0;
    double chi_square = 0.0;
    for (const double observed : counts) {
        const double expected = static_cast<double>(count) / 6.0;
        chi_square += (observed - expected) * (observed - expected) / expected;
    }
    CHECK(chi_square < 35.9);
}

TEST_CASE("stream s of a seed starts s jumps further", "[stats][random]") {
    Xoshiro256PlusPlus jumped = Xoshiro256PlusPlus::from_seed(20260101);
    jumped.jump();
    jumped.jump();
    const std::uint64_t word = jumped();
    RandomWords stream(20260101, 2);
    CHECK(stream() == static_cast<std::uint32_t>(word));
    CHECK(stream() == static_cast<std::uint32_t>(word >> 32U));
}
