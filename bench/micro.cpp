// Google Benchmark micro-benchmarks of the C++ hot loops behind the headline numbers: the streaming
// summary's per-row update, the bootstrap's resampling loop, and the beta-binomial integration.
#include <kokeilu/stats/bayes.hpp>
#include <kokeilu/stats/resampling.hpp>
#include <kokeilu/stats/summary.hpp>

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

namespace {

std::vector<double> normal_values(std::size_t n, double mean, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::normal_distribution<double> normal(mean, 1.0);
    std::vector<double> out(n);
    for (double& x : out) x = normal(engine);
    return out;
}

void summary_add(benchmark::State& state) {
    const auto values = normal_values(static_cast<std::size_t>(state.range(0)), 4.0, 1);
    for (auto _ : state) {
        kokeilu::stats::Summary s;
        for (const double x : values) s.add(x);
        benchmark::DoNotOptimize(s.m2());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(summary_add)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void summary_add_row(benchmark::State& state) {
    const auto values = normal_values(static_cast<std::size_t>(state.range(0)), 4.0, 2);
    kokeilu::ObservationRow row;
    for (auto _ : state) {
        kokeilu::stats::Summary s;
        for (const double x : values) {
            row.value = x;
            row.sum = x;
            row.sum_sq = x * x;
            s.add(row);
        }
        benchmark::DoNotOptimize(s.m2());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(summary_add_row)->Arg(1 << 20)->Unit(benchmark::kMillisecond);

void bootstrap(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    const auto treatment = normal_values(n, 4.1, 3);
    const auto control = normal_values(n, 4.0, 4);
    kokeilu::stats::ResamplingOptions options;
    options.resamples = 1000;
    options.threads = static_cast<unsigned>(state.range(1));
    for (auto _ : state) {
        benchmark::DoNotOptimize(kokeilu::stats::bootstrap_difference(treatment, control, 0.95, options));
    }
    state.SetItemsProcessed(state.iterations() * options.resamples * state.range(0) * 2);
}
BENCHMARK(bootstrap)->Args({10000, 1})->Args({10000, 2})->UseRealTime()->Unit(benchmark::kMillisecond);

void beta_binomial(benchmark::State& state) {
    for (auto _ : state) {
        benchmark::DoNotOptimize(kokeilu::stats::bayes_beta_binomial({5200, 10000}, {5000, 10000}));
    }
}
BENCHMARK(beta_binomial)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
