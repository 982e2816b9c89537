// xoshiro256++ 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators", ACM
// TOMS 2021; reference code https://prng.di.unimi.it/xoshiro256plusplus.c) and SplitMix64, the
// generator its authors recommend for turning one 64-bit seed into its 256-bit state.
//
// Why not Boost.Random: Boost 1.74 has no xoshiro, and its mt19937_64 is slower per output, which
// counts in a bootstrap of 10^9 draws (bench/micro.cpp times the resampling loop). xoshiro256++
// has a period of 2^256 - 1, its authors report that it passes BigCrush and PractRand, and all 64
// output bits are usable (unlike xoshiro256+'s low bits).
// Its jump() advances 2^128 steps, which gives every resampling stream its own non-overlapping
// sequence from one seed. tests/cpp/test_stats_xoshiro256.cpp checks both generators against
// published output of the reference implementations.
#pragma once

#include <array>
#include <cstdint>
#include <limits>

namespace kokeilu::stats::detail {

// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators", 2014), as in
// https://prng.di.unimi.it/splitmix64.c.
class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t seed) noexcept : x_(seed) {}

    std::uint64_t operator()() noexcept {
        std::uint64_t z = (x_ += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31U);
    }

private:
    std::uint64_t x_;
};

// Satisfies std::uniform_random_bit_generator.
class Xoshiro256PlusPlus {
public:
    using result_type = std::uint64_t;
    using State = std::array<std::uint64_t, 4>;

    // The state must not be all zero (the one state the generator never leaves); from_seed never
    // produces it, because SplitMix64's output is a bijection of its counter and four consecutive
    // outputs cannot all be zero.
    explicit Xoshiro256PlusPlus(const State& state) noexcept : s_(state) {}

    // The state from four consecutive SplitMix64 outputs, as the authors recommend.
    [[nodiscard]] static Xoshiro256PlusPlus from_seed(std::uint64_t seed) noexcept {
        SplitMix64 mix(seed);
        const std::uint64_t a = mix();
        const std::uint64_t b = mix();
        const std::uint64_t c = mix();
        const std::uint64_t d = mix();
        return Xoshiro256PlusPlus(State{a, b, c, d});
    }

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept { return std::numeric_limits<result_type>::max(); }

    result_type operator()() noexcept {
        const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
        const std::uint64_t t = s_[1] << 17U;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

    // Advances the state as 2^128 calls of operator() would.
    void jump() noexcept {
        static constexpr std::array<std::uint64_t, 4> polynomial{0x180ec6d33cfd0abaULL, 0xd5a61266f0c9392cULL,
                                                                 0xa9582618e03fc9aaULL, 0x39abdc4529b1661cULL};
        State jumped{};
        for (const std::uint64_t word : polynomial) {
            for (unsigned bit = 0; bit < 64; ++bit) {
                if ((word >> bit) & 1U) {
                    for (std::size_t i = 0; i < jumped.size(); ++i) jumped[i] ^= s_[i];
                }
                (*this)();
            }
        }
        s_ = jumped;
    }

    [[nodiscard]] const State& state() const noexcept { return s_; }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, unsigned k) noexcept { return (x << k) | (x >> (64U - k)); }

    State s_;
};

}  // namespace kokeilu::stats::detail
