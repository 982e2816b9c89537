// Records one experiment of Oulu home care in a tracker file and prints what it recorded.
//   embed [TRACKER_FILE]   (default: kokeilut.db in the current directory)
#include <kokeilu/error.hpp>
#include <kokeilu/tracker.hpp>

#include <cmath>
#include <cstdio>
#include <exception>
#include <map>
#include <random>
#include <string>

namespace {

const char* const demo_key = "OULU-EMBED-001";

kokeilu::Experiment video_visits() {
    kokeilu::Experiment e;
    e.key = demo_key;
    e.title = "Etäkäynnit iltakäynneille";
    e.summary = "Part of the evening home-care visits are made as video visits.";
    e.organisation = "Oulu";
    e.unit = "home care";
    e.owner = "Aino Kotihoito";
    e.tags = {"home-care", "video"};
    e.purposes = {kokeilu::Purpose::wellbeing};
    e.planned_start = kokeilu::Date(2025, 9, 1);
    e.planned_end = kokeilu::Date(2025, 11, 30);
    e.planned_cost_eur = 4800;
    e.planned_effort_hours = 120;
    e.risk = "Clients who cannot use the tablet could feel less safe.";
    e.test_card = {"video visits in the evening keep clients as safe as visits at home",
                   "offer video visits to half of the evening clients for three months",
                   "the client-reported sense of security on a 1-5 survey",
                   "the sense of security is not lower by 0.3 points or more"};
    e.design = kokeilu::DesignKind::concurrent;
    e.arms = {{0, "control", kokeilu::ArmRole::control, "visits at home", {}},
              {0, "video", kokeilu::ArmRole::treatment, "video visits", {}}};
    kokeilu::Metric security;
    security.name = "sense_of_security";
    security.unit = "points (1-5)";
    security.kind = kokeilu::MetricKind::mean;
    security.impact = kokeilu::ImpactClass::customer_outcome;
    security.baseline = 4.1;
    security.baseline_sd = 0.8;
    security.minimum_effect = 0.3;
    // A 1-5 survey: any other answer is refused when it is logged.
    security.valid_min = 1.0;
    security.valid_max = 5.0;
    e.metrics = {security};
    return e;
}

struct Running {
    std::int64_t n = 0;
    double mean = 0.0;
    double m2 = 0.0;
};

}  // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : kokeilu::default_tracker_path;
    try {
        auto tracker = kokeilu::Tracker::open(path);
        kokeilu::Experiment experiment;
        try {
            experiment = tracker.get(demo_key);
            std::printf("%s is already in %s; reading it back.\n", demo_key, path.c_str());
        } catch (const kokeilu::NotFoundError&) {
            experiment = tracker.create(video_visits());
            experiment = tracker.start(experiment.key, kokeilu::Date(2025, 9, 1));
            // Survey answers 1-5, seeded so every run records the same data.
            std::mt19937 rng(2026);
            std::vector<kokeilu::Observation> answers;
            for (int day = 0; day < 60; ++day) {
                for (const char* arm : {"control", "video"}) {
                    std::binomial_distribution<int> answer(4, std::string(arm) == "video" ? 0.77 : 0.78);
                    kokeilu::Observation o;
                    o.at = kokeilu::Time(kokeilu::Date(2025, 9, 1)) + boost::posix_time::hours(24 * day + 18);
                    o.arm = arm;
                    o.value = 1.0 + answer(rng);
                    answers.push_back(o);
                }
            }
            tracker.log_many(experiment.key, answers);
            tracker.note(experiment.key, "Two clients asked to return to visits at home.", "Aino");
            std::printf("Recorded %s in %s.\n", experiment.key.c_str(), path.c_str());
        }

        std::printf("\n%s  %s\n", experiment.key.c_str(), experiment.title.c_str());
        std::printf("  %s / %s, status %s, locked at start: %s\n", experiment.organisation.c_str(),
                    experiment.unit.c_str(), std::string(kokeilu::to_string(experiment.status)).c_str(),
                    experiment.lock_hash.substr(0, 12).c_str());
        std::printf("  We believe that %s.\n", experiment.test_card.we_believe.c_str());
        const auto& metric = experiment.primary_metric();
        std::printf("  Primary metric: %s (%s), minimum worthwhile effect %.2f\n", metric.name.c_str(),
                    metric.unit.c_str(), metric.minimum_effect);

        std::map<std::int64_t, Running> per_arm;
        tracker.for_each_observation(experiment.key, {}, [&](const kokeilu::ObservationRow& row) {
            auto& r = per_arm[row.arm_id];
            ++r.n;  // Welford's update: stable for any number of rows
            const double delta = row.value - r.mean;
            r.mean += delta / static_cast<double>(r.n);
            r.m2 += delta * (row.value - r.mean);
        });
        for (const auto& arm : experiment.arms) {
            const auto& r = per_arm[arm.id];
            const double sd = r.n > 1 ? std::sqrt(r.m2 / static_cast<double>(r.n - 1)) : 0.0;
            std::printf("  %-8s n = %3lld  mean = %.3f  sd = %.3f\n", arm.name.c_str(),
                        static_cast<long long>(r.n), r.mean, sd);
        }
        std::printf("  Journal notes: %zu\n", tracker.journal(experiment.key).size());
        return 0;
    } catch (const kokeilu::Error& e) {
        std::fprintf(stderr, "kokeilu: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
