#include "kokeilu/stats/bayes.hpp"

#include "test_stats_support.hpp"

#include <boost/math/special_functions/beta.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace kokeilu::stats;
using kokeilu::Direction;

namespace {
Summary summarise(const std::vector<double>& values) {
    Summary s;
    for (double x : values) {
        s.add(x);
    }
    return s;
}
const Summary treatment = summarise({5.1, 4.9, 5.6, 5.8, 6.0, 5.2, 4.7, 5.5});
const Summary control = summarise({4.8, 4.6, 5.0, 5.3, 4.4, 4.9, 5.1});

// P(p_t > p_c) for Beta posteriors with whole-number parameters, by Evan Miller's exact finite
// sum ("Formulas for Bayesian A/B Testing", 2015): an independent check of the quadrature.
double log_beta(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

double miller_exact(double at, double bt, double ac, double bc) {
    double p_treatment_higher = 0.0;
    for (int i = 0; i < static_cast<int>(at); ++i) {
        const double di = static_cast<double>(i);
        // In logs throughout: beta() itself underflows for 10^5 trials.
        p_treatment_higher += std::exp(log_beta(ac + di, bc + bt) - std::log(bt + di) - log_beta(1.0 + di, bt) -
                                       log_beta(ac, bc));
    }
    return p_treatment_higher;
}
}  // namespace

TEST_CASE("Normal-model Bayesian comparison matches gbstats", "[stats][bayes]") {
    // gbstats EffectBayesianABTest(difference_type="absolute"), flat prior
    const BayesResult a = bayes_normal(treatment, control);
    CHECK(a.posterior_mean == Approx(0.47857142857142865).epsilon(1e-12));
    CHECK(a.posterior_sd == Approx(0.19635279923827204).epsilon(1e-9));
    CHECK(a.chance_to_win == Approx(0.9926013796200143).epsilon(1e-9));
    CHECK(a.risk_control == Approx(0.47904852070713144).epsilon(1e-9));
    CHECK(a.risk_treatment == Approx(0.0004770921357027448).epsilon(1e-8));
    CHECK(a.ci_low == Approx(0.09372701380079163).epsilon(1e-9));
    CHECK(a.ci_high == Approx(0.8634158433420656).epsilon(1e-9));

    // difference_type="relative"
    const BayesResult r = bayes_normal(treatment, control, EffectKind::relative);
    CHECK(r.posterior_mean == Approx(0.09824046920821115).epsilon(1e-9));
    CHECK(r.chance_to_win == Approx(0.990753955943348).epsilon(1e-9));
    CHECK(r.risk_control == Approx(0.09837005249709829).epsilon(1e-9));
    CHECK(r.risk_treatment == Approx(0.0001295832888871388).epsilon(1e-8));

    // inverse=True (lower is better) with a proper prior N(0.1, 0.04) on the absolute effect
    const BayesResult p = bayes_normal(treatment, control, EffectKind::absolute, Direction::lower_is_better,
                                       GaussianPrior{0.1, 0.04, true});
    CHECK(p.posterior_mean == Approx(0.29276899761853786).epsilon(1e-9));
    CHECK(p.chance_to_win == Approx(0.01833116656212186).epsilon(1e-9));
    CHECK(p.risk_control == Approx(0.0009329144478535713).epsilon(1e-8));
    CHECK(p.risk_treatment == Approx(0.29370191206639146).epsilon(1e-9));
    CHECK(p.ci_low == Approx(0.018150450208450353).epsilon(1e-9));
}

TEST_CASE("Beta-binomial chance to win by quadrature equals the exact sum", "[stats][bayes]") {
    // Uniform priors: Beta(1 + s, 1 + f).
    const BayesResult small = bayes_beta_binomial({15, 40}, {8, 42});
    CHECK(small.chance_to_win == Approx(miller_exact(16, 26, 9, 35)).epsilon(1e-10));
    // scipy.integrate.quad of the same integrands: 0.9667635815159626, loss 0.0012755680850513019
    CHECK(small.chance_to_win == Approx(0.9667635815159626).epsilon(1e-9));
    CHECK(small.risk_treatment == Approx(0.0012755680850513019).epsilon(1e-7));
    CHECK(small.risk_control - small.risk_treatment == Approx(16.0 / 42 - 9.0 / 44).epsilon(1e-9));

    const BayesResult large = bayes_beta_binomial({120, 500}, {95, 500});
    CHECK(large.chance_to_win == Approx(miller_exact(121, 381, 96, 406)).epsilon(1e-9));
    CHECK(large.risk_treatment == Approx(0.0002713836644455192).epsilon(1e-7));

    // Symmetric arms: a coin flip, and lower-is-better swaps the two sides.
    const BayesResult tie = bayes_beta_binomial({0, 5}, {0, 5});
    CHECK(tie.chance_to_win == Approx(0.5).epsilon(1e-10));
    CHECK(tie.risk_treatment == Approx(0.06593406593406591).epsilon(1e-8));
    const BayesResult lower = bayes_beta_binomial({15, 40}, {8, 42}, Direction::lower_is_better);
    CHECK(lower.chance_to_win == Approx(1.0 - small.chance_to_win).epsilon(1e-12));
    CHECK(lower.risk_treatment == Approx(small.risk_control).epsilon(1e-12));
}

TEST_CASE("Beta-binomial stays exact and quick for event-stream sizes", "[stats][bayes]") {
    // 10^5 trials per arm, as a digital service's event stream gives in days. The adaptive rule
    // once split down to its maximum depth here and ran for minutes.
    const BayesResult stream = bayes_beta_binomial({30300, 100000}, {30000, 100000});
    CHECK(stream.chance_to_win == Approx(miller_exact(30301, 69701, 30001, 70001)).epsilon(1e-8));
    const BayesResult huge = bayes_beta_binomial({310000, 1000000}, {300000, 1000000});
    CHECK(huge.chance_to_win > 0.999999);
    CHECK(huge.chance_to_win <= 1.0);
    CHECK(huge.risk_treatment >= 0.0);
    CHECK(huge.risk_treatment < 1e-9);
}

TEST_CASE("Bayesian comparisons refuse degenerate input", "[stats][bayes]") {
    CHECK_THROWS_AS(bayes_beta_binomial({0, 0}, {1, 3}), NotEnoughDataError);
    CHECK_THROWS_AS(bayes_normal(summarise({1.0}), control), NotEnoughDataError);
    CHECK_THROWS_AS(bayes_normal(treatment, control, EffectKind::absolute, Direction::higher_is_better,
                                 GaussianPrior{0.0, 0.0, true}),
                    kokeilu::InvalidArgumentError);
    // All successes is a valid posterior for the beta-binomial model.
    const BayesResult all = bayes_beta_binomial({10, 10}, {5, 10});
    CHECK(all.chance_to_win > 0.9);
    CHECK(all.chance_to_win <= 1.0);
}

TEST_CASE("Bayesian priors and counts that cannot be name their field", "[stats][bayes]") {
    using kokeilu::testing::error_field;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(error_field([] {
              (void)bayes_beta_binomial({3, 10}, {4, 10}, Direction::higher_is_better, {0.0, 1.0});
          }) == "prior.alpha");
    CHECK(error_field([&] {
              (void)bayes_beta_binomial({3, 10}, {4, 10}, Direction::higher_is_better, {nan, 1.0});
          }) == "prior.alpha");
    CHECK(error_field([] {
              (void)bayes_beta_binomial({3, 10}, {4, 10}, Direction::higher_is_better, {1.0, -2.0});
          }) == "prior.beta");
    CHECK(error_field([&] {
              (void)bayes_beta_binomial({3, 10}, {4, 10}, Direction::higher_is_better, {1.0, inf});
          }) == "prior.beta");
    CHECK(error_field([] { (void)bayes_beta_binomial({11, 10}, {4, 10}); }) == "treatment.successes");
    CHECK(error_field([] { (void)bayes_beta_binomial({3, 10}, {-1, 10}); }) == "control.successes");
    CHECK(error_field([] { (void)bayes_beta_binomial({0, -3}, {4, 10}); }) == "treatment.successes");
    CHECK(error_field([] { (void)bayes_beta_binomial({3, 10}, {0, 0}); }) == "control");
    CHECK(error_field([] {
              (void)bayes_beta_binomial({3, 10}, {4, 10}, Direction::higher_is_better, {}, 1.0);
          }) == "confidence");

    const auto proper = [&](double mean, double variance) {
        return error_field([&] {
            (void)bayes_normal(treatment, control, EffectKind::absolute, Direction::higher_is_better,
                               GaussianPrior{mean, variance, true});
        });
    };
    CHECK(proper(0.0, nan) == "prior.variance");
    CHECK(proper(0.0, inf) == "prior.variance");
    CHECK(proper(0.0, -1.0) == "prior.variance");
    CHECK(proper(nan, 1.0) == "prior.mean");
    CHECK(proper(0.0, 1.0) == "(no InvalidArgumentError)");
    // An improper (flat) prior ignores its numbers.
    CHECK(error_field([&] {
              (void)bayes_normal(treatment, control, EffectKind::absolute, Direction::higher_is_better,
                                 GaussianPrior{nan, -1.0, false});
          }) == "(no InvalidArgumentError)");
}

TEST_CASE("A proper prior pulls the posterior towards its mean and narrows it", "[stats][bayes]") {
    const BayesResult flat = bayes_normal(treatment, control);
    const BayesResult sceptical = bayes_normal(treatment, control, EffectKind::absolute, Direction::higher_is_better,
                                               GaussianPrior{0.0, 0.01, true});
    CHECK(sceptical.posterior_mean > 0.0);
    CHECK(sceptical.posterior_mean < flat.posterior_mean);
    CHECK(sceptical.posterior_sd < flat.posterior_sd);
    CHECK(sceptical.chance_to_win < flat.chance_to_win);
    // Precision-weighted: (estimate / v + 0 / 0.01) / (1 / v + 1 / 0.01) with v the data's variance.
    const double v = flat.posterior_sd * flat.posterior_sd;
    CHECK(sceptical.posterior_mean == Approx((flat.posterior_mean / v) / (1.0 / v + 100.0)).epsilon(1e-12));
}

TEST_CASE("Lower is better turns the beta-binomial chance and risks around", "[stats][bayes]") {
    // Missed medication: fewer is better.
    const BayesResult higher = bayes_beta_binomial({3, 100}, {9, 100});
    const BayesResult lower = bayes_beta_binomial({3, 100}, {9, 100}, Direction::lower_is_better);
    CHECK(lower.chance_to_win == Approx(1.0 - higher.chance_to_win).epsilon(1e-12));
    CHECK(lower.chance_to_win > 0.9);
    CHECK(lower.risk_treatment == higher.risk_control);
    CHECK(lower.risk_control == higher.risk_treatment);
    CHECK(lower.posterior_mean == higher.posterior_mean);
}

TEST_CASE("The beta-binomial posterior's spread is that of the two beta posteriors", "[stats][bayes]") {
    // scipy: sqrt(beta(31, 71).var() + beta(21, 81).var()), the uniform prior plus 30/100 and 20/100.
    CHECK(bayes_beta_binomial({30, 100}, {20, 100}).posterior_sd == Approx(0.06034271526718147).epsilon(1e-12));
}

// The gamma-Poisson references below are scipy's: scipy.integrate.quad over scipy.stats.gamma
// posteriors (shape 0.5 + events, scale 1 / exposure) of P(L_t > L_c) = E_t[F_c(L_t)], of the
// expected losses E[max(L_c - L_t, 0)] and E[max(L_t - L_c, 0)] (and of 1 - L_t / L_c on the
// relative scale) as nested integrals, relative tolerance 1e-10 (tests/python/test_stats_rates_bayes.py
// checks the same against Monte Carlo draws).
TEST_CASE("Gamma-Poisson chance and risks of a rate difference match numerical integration", "[stats][bayes]") {
    // 3, 5, 4 events over 1 each against 7, 9, 8 over 2 each: the same rate, 4 per unit.
    const BayesResult same = bayes_gamma_poisson({12, 3}, {24, 6});
    CHECK(same.method == "bayes_gamma_poisson_absolute");
    CHECK(same.chance_to_win == Approx(0.5079439855217316).epsilon(1e-9));
    CHECK(same.risk_treatment == Approx(0.5274444719961937).epsilon(1e-8));
    CHECK(same.risk_control == Approx(0.6107778053295132).epsilon(1e-8));
    CHECK(same.posterior_mean == Approx(12.5 / 3.0 - 24.5 / 6.0).epsilon(1e-12));
    CHECK(same.posterior_sd == Approx(std::sqrt(12.5 / 9.0 + 24.5 / 36.0)).epsilon(1e-12));

    const BayesResult higher = bayes_gamma_poisson({30, 100}, {15, 120});
    CHECK(higher.chance_to_win == Approx(0.9979051907191901).epsilon(1e-9));
    CHECK(higher.risk_treatment == Approx(3.7913091170223736e-05).epsilon(1e-7));
    CHECK(higher.risk_control == Approx(0.1758712464245039).epsilon(1e-8));

    const BayesResult lower = bayes_gamma_poisson({4, 52.5}, {9, 61.0});
    CHECK(lower.chance_to_win == Approx(0.13075037294537747).epsilon(1e-9));
    CHECK(lower.risk_treatment == Approx(0.07444902717201735).epsilon(1e-8));
    CHECK(lower.risk_control == Approx(0.0044256079682521085).epsilon(1e-8));
}

TEST_CASE("Gamma-Poisson posterior of the rate ratio matches numerical integration", "[stats][bayes]") {
    const BayesResult same = bayes_gamma_poisson({12, 3}, {24, 6}, EffectKind::relative);
    CHECK(same.method == "bayes_gamma_poisson_relative");
    CHECK(same.chance_to_win == Approx(0.5079439855217316).epsilon(1e-9));
    // E[L_t] E[1 / L_c] - 1 = (12.5 / 3) (6 / 23.5) - 1
    CHECK(same.posterior_mean == Approx(0.0638297872340241).epsilon(1e-9));
    CHECK(same.risk_treatment == Approx(0.1137281198935697).epsilon(1e-8));
    CHECK(same.risk_control == Approx(0.17755790712760403).epsilon(1e-8));
    CHECK(same.ci_low < same.posterior_mean);
    CHECK(same.ci_high > same.posterior_mean);

    const BayesResult higher = bayes_gamma_poisson({30, 100}, {15, 120}, EffectKind::relative);
    CHECK(higher.posterior_mean == Approx(1.5241379310344296).epsilon(1e-9));
    CHECK(higher.risk_treatment == Approx(0.00016929390755965394).epsilon(1e-7));
    CHECK(higher.risk_control == Approx(1.5243072249419916).epsilon(1e-8));
}

TEST_CASE("Gamma-Poisson: lower is better turns chance and risks around; bad input names its field",
          "[stats][bayes]") {
    using kokeilu::testing::error_field;
    const BayesResult up = bayes_gamma_poisson({30, 100}, {15, 120});
    const BayesResult down =
        bayes_gamma_poisson({30, 100}, {15, 120}, EffectKind::absolute, Direction::lower_is_better);
    CHECK(down.chance_to_win == Approx(1.0 - up.chance_to_win).epsilon(1e-9));
    CHECK(down.risk_treatment == Approx(up.risk_control).epsilon(1e-12));
    CHECK(down.risk_control == Approx(up.risk_treatment).epsilon(1e-12));
    CHECK(down.posterior_mean == up.posterior_mean);

    // The rate is per unit of exposure whatever the unit: days or weeks give the same chance.
    const BayesResult weeks = bayes_gamma_poisson({30, 100.0 / 7.0}, {15, 120.0 / 7.0});
    CHECK(weeks.chance_to_win == Approx(up.chance_to_win).epsilon(1e-12));

    CHECK_THROWS_AS(bayes_gamma_poisson({3, 10}, {1, 10}, EffectKind::relative), NotEnoughDataError);
    CHECK(error_field([] { (void)bayes_gamma_poisson({3.5, 10}, {1, 10}); }) == "treatment.events");
    CHECK(error_field([] { (void)bayes_gamma_poisson({3, 10}, {1, 0}); }) == "control.exposure");
    CHECK(error_field([] {
              (void)bayes_gamma_poisson({3, 10}, {4, 10}, EffectKind::absolute, Direction::higher_is_better,
                                        {0.0, 0.0});
          }) == "prior.shape");
    CHECK(error_field([] {
              (void)bayes_gamma_poisson({3, 10}, {4, 10}, EffectKind::absolute, Direction::higher_is_better,
                                        {1.0, -1.0});
          }) == "prior.rate");
    // No events at all is still a posterior (each arm's rate near 0).
    const BayesResult none = bayes_gamma_poisson({0, 10}, {0, 10});
    CHECK(none.chance_to_win == Approx(0.5).epsilon(1e-12));
}
