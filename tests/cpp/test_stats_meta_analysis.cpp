#include "kokeilu/stats/meta_analysis.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::stats;
using kokeilu::testing::error_field;

namespace {

std::vector<std::string> codes(const std::vector<Message>& messages) {
    std::vector<std::string> out;
    for (const Message& m : messages) out.push_back(m.code);
    return out;
}

}  // namespace

TEST_CASE("Equal estimates have no heterogeneity", "[stats][meta]") {
    const std::vector<double> y{0.4, 0.4, 0.4, 0.4, 0.4, 0.4};
    const std::vector<double> se{0.1, 0.2, 0.3, 0.15, 0.25, 0.5};
    for (TauMethod method : {TauMethod::reml, TauMethod::dersimonian_laird, TauMethod::paule_mandel}) {
        const MetaAnalysis m = meta_analysis(y, se, {0.05, method});
        CHECK(m.q == Approx(0.0).margin(1e-28));
        CHECK(m.i_squared == 0.0);
        CHECK(m.h_squared == 1.0);
        REQUIRE(m.random);
        CHECK(m.random->tau_squared == 0.0);
        CHECK(m.random->normal.estimate == Approx(0.4).epsilon(1e-14));
        // tau^2 = 0: the random-effects model is the fixed one.
        CHECK(m.random->normal.std_error == Approx(m.fixed.std_error).epsilon(1e-14));
        // q = 0 would shrink the HKSJ interval to a point; the ad hoc one keeps the usual SE.
        CHECK(m.random->hartung_knapp.ci_high - m.random->hartung_knapp.ci_low == Approx(0.0).margin(1e-12));
        CHECK(m.random->hartung_knapp_adhoc.std_error == Approx(m.fixed.std_error).epsilon(1e-14));
        CHECK(m.cautions.empty());
    }
}

TEST_CASE("Three estimates with equal variances: every tau^2 estimator gives 3", "[stats][meta]") {
    // y = 0, 2, 4 with v = 1: Q = 8 on 2 df. DL (8 - 2) / (3 - 1) = 3; PM 8 / (1 + tau^2) = 2 at 3;
    // REML with equal variances is the sample variance less v, 4 - 1 = 3.
    const std::vector<double> y{0.0, 2.0, 4.0};
    const std::vector<double> se{1.0, 1.0, 1.0};
    for (TauMethod method : {TauMethod::reml, TauMethod::dersimonian_laird, TauMethod::paule_mandel}) {
        const MetaAnalysis m = meta_analysis(y, se, {0.05, method});
        CHECK(m.fixed.estimate == Approx(2.0));
        CHECK(m.fixed.std_error == Approx(std::sqrt(1.0 / 3.0)).epsilon(1e-14));
        CHECK(m.q == Approx(8.0).epsilon(1e-14));
        CHECK(m.q_df == 2.0);
        CHECK(m.q_p_value == Approx(std::exp(-4.0)).epsilon(1e-13));  // chi-square(2) tail: e^(-Q/2)
        CHECK(m.i_squared == Approx(0.75).epsilon(1e-14));
        CHECK(m.h_squared == Approx(4.0).epsilon(1e-14));
        REQUIRE(m.random);
        const RandomEffects& r = *m.random;
        CHECK(r.tau_squared == Approx(3.0).epsilon(1e-12));
        CHECK(r.normal.estimate == Approx(2.0).epsilon(1e-14));
        CHECK(r.normal.std_error == Approx(std::sqrt(4.0 / 3.0)).epsilon(1e-12));
        // q = sum (1/4)(4 + 0 + 4) / 2 = 1: both HKSJ intervals are one, t(2) 0.975 = 4.302652729749464.
        CHECK(r.hartung_knapp_factor == Approx(1.0).epsilon(1e-12));
        CHECK(r.hartung_knapp.ci_high == Approx(2.0 + 4.302652729749464 * std::sqrt(4.0 / 3.0)).epsilon(1e-12));
        CHECK(r.hartung_knapp_adhoc.ci_low == Approx(r.hartung_knapp.ci_low).epsilon(1e-12));
        CHECK(*r.hartung_knapp.df == 2.0);
        // Prediction: t(1) 0.975 = tan(0.475 pi) = 12.706204736174698, over sqrt(3 + 4/3).
        REQUIRE(r.prediction);
        CHECK(r.prediction->high == Approx(2.0 + 12.706204736174698 * std::sqrt(3.0 + 4.0 / 3.0)).epsilon(1e-12));
        CHECK(r.weights == std::vector<double>{1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0});
        CHECK(codes(m.cautions) == std::vector<std::string>{"stats.meta.few_studies"});
        CHECK(std::get<std::int64_t>(*m.cautions[0].param("k")) == 3);
    }
}

TEST_CASE("REML reaches 0 at the boundary", "[stats][meta]") {
    // Q = 0.02 on 2 df: far less spread than the variances explain.
    const MetaAnalysis m = meta_analysis(std::vector<double>{0.0, 0.1, 0.2}, std::vector<double>{1.0, 1.0, 1.0});
    REQUIRE(m.random);
    CHECK(m.random->tau_squared == 0.0);
    // q = 0.01 < 1: HKSJ narrows below the usual interval, the ad hoc variant does not.
    CHECK(m.random->hartung_knapp.std_error < m.random->normal.std_error);
    CHECK(m.random->hartung_knapp_adhoc.std_error == Approx(m.random->normal.std_error).epsilon(1e-14));
}

TEST_CASE("BCG vaccine trials match metafor", "[stats][meta]") {
    // metafor 3.8-1: escalc(measure="RR", ...) of dat.bcg; rma(method="REML", control=list(
    // threshold=1e-13, maxiter=1000)), the same with test="knha", predict() of the first.
    const std::vector<double> y{-0.88931133392020545, -1.5853886572014306, -1.3480731482996933, -1.4415511900213054,
                                -0.21754732221129558, -0.78611558581886398, -1.6208982235983918, 0.011952333523840508,
                                -0.4694176487381494,  -1.3713448034727844,  -0.33935882833839059, 0.44591340057137874,
                                -0.017313948216879815};
    const std::vector<double> se{0.57060035489295069, 0.44111350171825825, 0.64449046957109102, 0.14145681992130169,
                                 0.2262966463950159,  0.083100050877895126, 0.47224701965424321, 0.062941077984236413,
                                 0.23755885684025541, 0.27023100046632126, 0.11141011610962319, 0.72972998102048181,
                                 0.26721650339001574};
    const MetaAnalysis m = meta_analysis(y, se);
    REQUIRE(m.random);
    const RandomEffects& r = *m.random;
    CHECK(r.tau_squared == Approx(0.31324325813648085).epsilon(1e-10));
    CHECK(*r.tau_squared_se == Approx(0.16642575283697086).epsilon(1e-10));
    CHECK(r.normal.estimate == Approx(-0.71453234215813943).epsilon(1e-10));
    CHECK(r.normal.std_error == Approx(0.17978151610520574).epsilon(1e-10));
    CHECK(r.normal.ci_low == Approx(-1.06689763881035038).epsilon(1e-10));
    CHECK(r.normal.p_value == Approx(7.054258101641646e-05).epsilon(1e-8));
    CHECK(m.q == Approx(152.23300808237328852).epsilon(1e-10));
    CHECK(r.hartung_knapp.std_error == Approx(0.1807917440928478725).epsilon(1e-10));
    CHECK(r.hartung_knapp.ci_low == Approx(-1.1084437136855509465).epsilon(1e-10));
    CHECK(r.hartung_knapp.ci_high == Approx(-0.3206209706307280305).epsilon(1e-10));
    CHECK(r.hartung_knapp.p_value == Approx(0.0019200150960572916).epsilon(1e-8));
    CHECK(m.cautions.empty());
}

TEST_CASE("Two replications give the fixed effect only", "[stats][meta]") {
    // y = 1, 3 with SE 1: mu 2, SE sqrt(1/2), Q = 2 on 1 df, I^2 = 1/2, H^2 = 2.
    const MetaAnalysis m = meta_analysis(std::vector<double>{1.0, 3.0}, std::vector<double>{1.0, 1.0});
    CHECK(m.k == 2);
    CHECK(m.fixed.estimate == Approx(2.0));
    CHECK(m.fixed.std_error == Approx(std::sqrt(0.5)).epsilon(1e-14));
    CHECK(m.fixed.ci_low == Approx(2.0 - 1.959963984540054 * std::sqrt(0.5)).epsilon(1e-13));
    CHECK(m.q == Approx(2.0));
    CHECK(m.i_squared == Approx(0.5));
    CHECK(m.h_squared == Approx(2.0));
    CHECK(m.fixed_weights == std::vector<double>{0.5, 0.5});
    CHECK_FALSE(m.random.has_value());
    CHECK(codes(m.cautions) == std::vector<std::string>{"stats.meta.few_studies", "stats.meta.fixed_only"});
}

TEST_CASE("Five replications carry no caution", "[stats][meta]") {
    const MetaAnalysis m = meta_analysis(std::vector<double>{0.1, 0.3, 0.2, 0.5, 0.4},
                                         std::vector<double>{0.1, 0.1, 0.2, 0.2, 0.3});
    CHECK(m.cautions.empty());
    REQUIRE(m.random);
    CHECK(m.random->prediction.has_value());
}

TEST_CASE("Meta-analysis refuses bad input, naming the field", "[stats][meta]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> y{0.1, 0.2, 0.3};
    const auto field = [](std::vector<double> yy, std::vector<double> ss, double alpha = 0.05) {
        return error_field([&] { (void)meta_analysis(yy, ss, {alpha, TauMethod::reml}); });
    };
    CHECK(field(y, {0.1, 0.1, nan}) == "standard_errors[2]");
    CHECK(field(y, {0.1, 0.1, inf}) == "standard_errors[2]");
    CHECK(field(y, {0.1, 0.1, -0.1}) == "standard_errors[2]");
    CHECK(field(y, {0.1, 0.1, 0.0}) == "standard_errors[2]");
    CHECK(field(y, {1e-200, 0.1, 0.1}) == "standard_errors[0]");  // its square is 0
    CHECK(field({0.1, nan, 0.3}, {0.1, 0.1, 0.1}) == "estimates[1]");
    CHECK(field({0.1, 0.2, -inf}, {0.1, 0.1, 0.1}) == "estimates[2]");
    CHECK(field({0.1}, {0.1}) == "estimates");
    CHECK(field({}, {}) == "estimates");
    CHECK(field(y, {0.1, 0.1}) == "standard_errors");
    CHECK(field(y, {0.1, 0.1, 0.1}, 0.0) == "alpha");
    CHECK(field(y, {0.1, 0.1, 0.1}, 1.0) == "alpha");
    try {
        (void)meta_analysis(std::vector<double>{0.1}, std::vector<double>{0.1});
        FAIL("no error");
    } catch (const InvalidArgumentError& e) {
        CHECK(e.code() == "stats.meta.too_few");
        CHECK(std::string(e.what()) == "estimates: a meta-analysis needs at least 2 replications, got 1");
    }
}

TEST_CASE("Methods have text names", "[stats][meta]") {
    CHECK(std::string(to_string(TauMethod::reml)) == "reml");
    CHECK(std::string(to_string(TauMethod::dersimonian_laird)) == "dl");
    CHECK(std::string(to_string(TauMethod::paule_mandel)) == "pm");
}
