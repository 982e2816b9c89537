// Uniform random indices for resampling, drawn by one fixed algorithm from xoshiro256++ words, so
// that a seed gives the same indices on every platform and standard library (private to the
// library; tests/cpp/test_stats_random_indices.cpp checks that the fast bulk path draws exactly what
// one-at-a-time drawing does).
#pragma once

#include "stats/xoshiro256.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

namespace kokeilu::stats::detail {

// Lemire's multiply-and-reject ("Fast random integer generation in an interval", 2019): the index
// is the high half of word * range, and a word is rejected when the low half falls below
// 2^32 mod range, which makes every index exactly equally likely. The threshold is computed here
// once per range, so the bootstrap's billions of draws never divide. n must be at least 1.
struct IndexRange {
    explicit IndexRange(std::uint32_t n) noexcept : range(n), threshold((0U - n) % n) {}
    std::uint32_t range;
    std::uint32_t threshold;
};

// 32-bit random words: the low, then the high half of each xoshiro256++ output, so one step serves
// two draws (all 64 bits of xoshiro256++ are of full quality). Stream s starts s jumps of 2^128
// steps after the state seeded from `seed`, so the streams never overlap.
class RandomWords {
public:
    RandomWords(std::uint64_t seed, std::size_t stream) : engine_(Xoshiro256PlusPlus::from_seed(seed)) {
        for (std::size_t s = 0; s < stream; ++s) engine_.jump();
    }
    std::uint32_t operator()() noexcept {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        const std::uint64_t word = engine_();
        spare_ = static_cast<std::uint32_t>(word >> 32U);
        has_spare_ = true;
        return static_cast<std::uint32_t>(word);
    }

    // Fills `out` with uniform indices in [0, range) drawn as repeated uniform_index calls would
    // draw them, word for word. The common case takes both halves of one output at once; when one
    // is rejected, or a half is left over, the words are taken one at a time, so the sequence stays
    // the defined one.
    void fill_indices(std::span<std::uint32_t> out, const IndexRange& range) noexcept;

private:
    Xoshiro256PlusPlus engine_;
    std::uint32_t spare_ = 0;
    bool has_spare_ = false;
};

inline void RandomWords::fill_indices(std::span<std::uint32_t> out, const IndexRange& range) noexcept {
    // Local copies of the members: stores into `out` could otherwise alias them, and the compiler
    // would reload the generator's state from memory after each one (measured: about 10% slower).
    Xoshiro256PlusPlus engine = engine_;
    bool has_spare = has_spare_;
    std::uint32_t spare = spare_;
    const std::uint64_t n = range.range;
    const auto accepted = [&range](std::uint64_t product) {
        return static_cast<std::uint32_t>(product) >= range.threshold;
    };
    const auto index = [](std::uint64_t product) { return static_cast<std::uint32_t>(product >> 32U); };
    const std::size_t count = out.size();
    std::size_t i = 0;
    while (i < count) {
        if (!has_spare && count - i >= 2) {
            const std::uint64_t word = engine();
            const std::uint64_t first = (word & 0xffffffffULL) * n;
            const std::uint64_t second = (word >> 32U) * n;
            if (accepted(first) && accepted(second)) {
                out[i] = index(first);
                out[i + 1] = index(second);
                i += 2;
                continue;
            }
            // Rare: one of the two is rejected. Keep the high half for the next draw, as
            // operator() would.
            spare = static_cast<std::uint32_t>(word >> 32U);
            has_spare = true;
            if (accepted(first)) out[i++] = index(first);
            continue;
        }
        std::uint32_t word = spare;
        if (has_spare) {
            has_spare = false;
        } else {
            const std::uint64_t output = engine();
            word = static_cast<std::uint32_t>(output);
            spare = static_cast<std::uint32_t>(output >> 32U);
            has_spare = true;
        }
        const std::uint64_t product = static_cast<std::uint64_t>(word) * n;
        if (accepted(product)) out[i++] = index(product);
    }
    engine_ = engine;
    has_spare_ = has_spare;
    spare_ = spare;
}

// One uniform index in [0, range) by the rule of IndexRange, for ranges that change with every draw
// (the permutation test's shuffle): the threshold's division is done only in the rare case that
// the low half is below range, where a rejection is possible at all.
inline std::uint32_t uniform_index(RandomWords& words, std::uint32_t range) {
    std::uint64_t product = static_cast<std::uint64_t>(words()) * range;
    auto low = static_cast<std::uint32_t>(product);
    if (low < range) {
        const std::uint32_t threshold = (0U - range) % range;
        while (low < threshold) {
            product = static_cast<std::uint64_t>(words()) * range;
            low = static_cast<std::uint32_t>(product);
        }
    }
    return static_cast<std::uint32_t>(product >> 32U);
}

}  // namespace kokeilu::stats::detail
