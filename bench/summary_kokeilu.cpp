// kokeilu's side of "summary of an experiment": opens the tracker file read-only and summarises
// every metric in every arm with stats::summarise_experiment, the one streaming pass the analysis
// uses. Prints the time of each repetition, the rows seen, each arm's count, mean and variance,
// and the growth of the peak resident set (VmHWM) over the summaries, as one JSON object.
//
//   summary_kokeilu DB KEY REPS
#include <kokeilu/stats/analysis.hpp>
#include <kokeilu/tracker.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
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
    if (argc != 4) {
        std::fprintf(stderr, "usage: summary_kokeilu DB KEY REPS\n");
        return 2;
    }
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
            summaries = kokeilu::stats::summarise_experiment(tracker, experiment);
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
