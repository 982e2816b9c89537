// Meta-analysis of replications: the same experiment and metric run in several municipalities,
// each giving an effect estimate with its standard error, pooled into one effect with random
// effects for the differences between municipalities (docs/sharing.md, "Meta-analysis of
// replications", gives the formulas and what was checked against metafor and statsmodels).
#pragma once

#include "kokeilu/message.hpp"
#include "kokeilu/stats/estimate.hpp"
#include "kokeilu/stats/proportions.hpp"  // Interval

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace kokeilu::stats {

// The estimator of the between-municipality variance tau^2.
enum class TauMethod {
    reml,               // restricted maximum likelihood, by Fisher scoring (metafor's default)
    dersimonian_laird,  // the method of moments on Cochran's Q (statsmodels method_re="chi2")
    paule_mandel,       // generalised Q equal to its expectation k - 1 (statsmodels method_re="iterated")
};

struct MetaOptions {
    double alpha = 0.05;  // every interval is at 1 - alpha
    TauMethod method = TauMethod::reml;
};

// The random-effects part, present from three replications on.
struct RandomEffects {
    double tau_squared = 0.0;                  // between-municipality variance (>= 0)
    std::optional<double> tau_squared_se{};    // REML only: sqrt(2 / tr(P P)), as metafor
    int iterations = 0;                        // Fisher scoring steps (REML), else 0
    std::vector<double> weights{};             // 1 / (v_i + tau^2), as shares summing to 1
    Estimate normal{};                         // the usual interval: estimate +- z * SE
    Estimate hartung_knapp{};                  // HKSJ: SE * sqrt(q), t(k - 1); may be narrower
    Estimate hartung_knapp_adhoc{};            // SE * sqrt(max(1, q)), t(k - 1): never narrower
    double hartung_knapp_factor = 1.0;         // q = sum w*_i (y_i - mu)^2 / (k - 1)
    std::optional<Interval> prediction{};      // mu +- t(k - 2) sqrt(tau^2 + SE^2), k >= 3
};

struct MetaAnalysis {
    std::size_t k = 0;
    double alpha = 0.05;
    TauMethod method = TauMethod::reml;
    Estimate fixed{};                // inverse-variance pooled estimate with its z interval
    std::vector<double> fixed_weights{};  // 1 / v_i, as shares summing to 1
    double q = 0.0;                  // Cochran's Q about the fixed-effect estimate
    double q_df = 0.0;               // k - 1
    double q_p_value = 1.0;          // chi-square(k - 1) upper tail
    double i_squared = 0.0;          // max(0, (Q - df) / Q), a share (0..1)
    double h_squared = 1.0;          // max(1, Q / df)
    std::optional<RandomEffects> random{};  // absent with two replications: no claim is made
    std::vector<Message> cautions{};  // stats.meta.few_studies below five, stats.meta.fixed_only at two
};

// Pools k >= 2 estimates with their standard errors (each finite and > 0). Throws
// InvalidArgumentError naming the field: "estimates" (fewer than two), "standard_errors" (another
// length), "estimates[i]" (not finite), "standard_errors[i]" (not finite or not > 0), "alpha"; and
// an InvalidArgumentError coded stats.meta.not_converged if the Fisher scoring of REML does not
// settle in 1000 steps.
[[nodiscard]] MetaAnalysis meta_analysis(std::span<const double> estimates, std::span<const double> standard_errors,
                                         MetaOptions options = {});

// The text name of a method: "reml", "dl", "pm".
[[nodiscard]] const char* to_string(TauMethod method);

}  // namespace kokeilu::stats
