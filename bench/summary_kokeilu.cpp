// kokeilu's side of "summary of an experiment": opens the tracker file read-only and summarises
// every metric in every arm with stats::summarise_experiment. MODE "scan" summarises the data as
// it stood at a time after every row (a streaming pass over every row, as any `until` does);
// "running" the data as it stands (the running summaries the store keeps with every write, as
// `analyze` uses). Prints the time of each repetition, the rows summarised, each arm's count, mean
// and variance, and the growth of the peak resident set (VmHWM) over the summaries, as one JSON
// object.
//
//   summary_kokeilu DB KEY REPS [scan|running]
#include <kokeilu/stats/analysis.hpp>
#include <kokeilu/tracker.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <optional>
#include <string>

namespace {

// The peak resident set of this process image (VmHWM). Not getrusage: its ru_maxrss also counts
// the memory of the parent that forked this process before the exec.
long peak_rss_kib() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const std::string mode = argc == 5 ? argv[4] : "scan";
    if ((argc != 4 && argc != 5) || (mode != "scan" && mode != "running")) {
        std::fprintf(stderr, "usage: summary_kokeilu DB KEY REPS [scan|running]\n");
        return 2;
    }
    // Later than any row: a summary "as it stood then" that must read every row.
    const std::optional<kokeilu::Time> until =
        mode == "scan" ? std::optional(kokeilu::Time(kokeilu::Date(2999, 1, 1))) : std::nullopt;
    try {
        kokeilu::SqliteOptions options;
        options.read_only = true;
        const kokeilu::Tracker tracker = kokeilu::Tracker::open(argv[1], options);
        const kokeilu::Experiment experiment = tracker.get(argv[2]);
        const int reps = std::atoi(argv[3]);
        const long rss_before = peak_rss_kib();
        std::printf("{\"seconds\": [");
        kokeilu::stats::ExperimentSummaries summaries;
        for (int r = 0; r < reps; ++r) {
            const auto began = std::chrono::steady_clock::now();
            summaries = kokeilu::stats::summarise_experiment(tracker, experiment, until);
            const std::chrono::duration<double> took = std::chrono::steady_clock::now() - began;
            std::printf("%s%.9f", r ? ", " : "", took.count());
        }
        std::int64_t rows = 0;
        std::printf("], \"arms\": {");
        bool first = true;
        for (const auto& [metric, arms] : summaries) {
            for (const auto& [arm, s] : arms) {
                rows += s.n();
                std::printf("%s\"%s/%s\": [%lld, %.17g, %.17g]", first ? "" : ", ", metric.c_str(), arm.c_str(),
                            static_cast<long long>(s.n()), s.n() ? s.mean() : 0.0,
                            s.has_variance() ? s.variance() : 0.0);
                first = false;
            }
        }
        std::printf("}, \"rows\": %lld, \"rss_before_kib\": %ld, \"rss_after_kib\": %ld, \"peak_rss_kib\": %ld}\n",
                    static_cast<long long>(rows), rss_before, peak_rss_kib(), peak_rss_kib());
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "summary_kokeilu: %s\n", error.what());
        return 1;
    }
}
