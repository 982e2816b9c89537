// The designs without a concurrent control against worked values from statsmodels 0.15 (the calls
// are in each case's comment). The data were drawn once with numpy's default_rng(20261214) and
// rounded to two decimals so that they can be written here exactly.
#include "kokeilu/stats/covariate_adjustment.hpp"
#include "kokeilu/stats/difference_in_differences.hpp"
#include "kokeilu/stats/interrupted_time_series.hpp"

#include "test_stats_support.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

using namespace kokeilu::stats;

namespace {

Summary summary_of(const std::vector<double>& values) {
    Summary s;
    for (double v : values) s.add(v);
    return s;
}

void check_estimate(const Estimate& e, double estimate, double se, double p, double low, double high) {
    CHECK(e.estimate == Approx(estimate).epsilon(1e-9));
    CHECK(e.std_error == Approx(se).epsilon(1e-9));
    CHECK(e.p_value == Approx(p).epsilon(1e-9));
    CHECK(e.ci_low == Approx(low).epsilon(1e-9));
    CHECK(e.ci_high == Approx(high).epsilon(1e-9));
}

const std::vector<double> its_values{
    50.66, 51.0,  51.47, 52.86, 51.61, 51.41, 52.36, 52.98, 53.61, 52.87, 54.29, 55.4,  53.87, 54.05,
    52.47, 52.53, 54.35, 55.5,  54.96, 55.55, 55.17, 56.96, 58.03, 57.64, 57.24, 56.74, 56.72, 56.87,
    61.08, 63.7,  63.74, 64.0,  65.95, 66.16, 68.42, 67.32, 68.85, 69.81, 68.81, 69.98, 71.1,  72.2};

std::vector<double> row_numbers(std::size_t n) {
    std::vector<double> t(n);
    for (std::size_t i = 0; i < n; ++i) t[i] = static_cast<double>(i);
    return t;
}

}  // namespace

TEST_CASE("Difference in differences is the HC2 interaction of OLS y ~ changed * after", "[stats][designs]") {
    // y = the four cells' values; X = [1, changed, after, changed * after];
    // sm.OLS(y, X).fit(cov_type="HC2"): params[3], bse[3], pvalues[3], conf_int()[3].
    const DidCells cells{summary_of({8.53, 10.46, 12.21, 12.06, 8.62, 11.72, 7.46}),
                         summary_of({12.65, 11.62, 11.88, 13.59, 13.25, 8.85, 11.49, 16.15, 11.49}),
                         summary_of({9.72, 7.17, 10.2, 11.52, 7.24, 5.59, 9.19, 8.91}),
                         summary_of({5.5, 12.37, 15.01, 8.67, 7.41, 15.13})};
    const Estimate e = difference_in_differences(cells);
    CHECK(e.method == "difference_in_differences_hc2");
    check_estimate(e, 0.18940476190475497, 2.0491639887332314, 0.9263561976873325, -3.8268828544288196,
                   4.2056923782383295);
    CHECK(*e.statistic == Approx(0.09243026080203699).epsilon(1e-9));
    CHECK_FALSE(e.df.has_value());
    // conf_int(alpha=0.1)[3]
    const Estimate e90 = difference_in_differences(cells, 0.90);
    CHECK(e90.ci_low == Approx(-3.1811700571814465).epsilon(1e-9));
    CHECK(e90.ci_high == Approx(3.5599795809909565).epsilon(1e-9));
}

TEST_CASE("The pre-period trend check is the OLS interaction of time and unit", "[stats][designs]") {
    // t = 1..6 for both units; sm.OLS(y, [1, t, changed, t * changed]).fit() (classical, t on 8 df).
    const std::vector<double> t{1, 2, 3, 4, 5, 6};
    const std::vector<double> changed{20.64, 20.64, 21.82, 22.24, 22.4, 23.27};
    const std::vector<double> comparison{19.42, 18.42, 19.39, 19.1, 18.58, 18.95};
    const Estimate e = pre_trend_difference(t, changed, t, comparison);
    CHECK(e.method == "pre_trend_slope_difference");
    check_estimate(e, 0.6002857142856777, 0.1257319251693965, 0.0014008127392643851, 0.3103473749178686,
                   0.8902240536534867);
    CHECK(*e.statistic == Approx(4.774330095374925).epsilon(1e-9));
    CHECK(*e.df == 8.0);
}

TEST_CASE("The interrupted time series matches statsmodels' OLS with HAC covariance", "[stats][designs]") {
    // t = 0..41, change at 28; X = [1, t, after, (t - 28) after];
    // sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": L}) for L = 3 (the default for 42 rows), 0, 7.
    const std::vector<double> t = row_numbers(its_values.size());
    const InterruptedTimeSeries r = interrupted_time_series(t, its_values, 28.0);
    CHECK(r.lags == 3);
    CHECK(r.before == 28);
    CHECK(r.after == 14);
    CHECK_FALSE(r.weekday_seasonality);
    CHECK(r.level_change.method == "segmented_regression_newey_west");
    check_estimate(r.level_change, 4.563507936507914, 0.4605828764372196, 3.838205132177304e-23, 3.660782086795102,
                   5.466233786220727);
    check_estimate(r.slope_change, 0.5092487474211622, 0.046654648100635715, 9.74240149202138e-28,
                   0.4178073174325262, 0.6006901774097982);
    CHECK(r.level_before == Approx(57.772777777777804).epsilon(1e-9));
    CHECK(r.slope_before == Approx(0.2425314723590593).epsilon(1e-9));
    // With use_correction=True statsmodels' bse[2] would be 0.484217671116641: not the default.
    CHECK(r.level_change.std_error != Approx(0.484217671116641).epsilon(1e-6));

    const InterruptedTimeSeries none = interrupted_time_series(t, its_values, 28.0, 0);
    check_estimate(none.level_change, 4.563507936507914, 0.5117403798292102, 4.764016956515176e-19,
                   3.560515222607815, 5.566500650408013);
    check_estimate(none.slope_change, 0.5092487474211622, 0.04929250181393892, 5.094051687820851e-25,
                   0.41263721915796664, 0.6058602756843577);
    const InterruptedTimeSeries seven = interrupted_time_series(t, its_values, 28.0, 7);
    check_estimate(seven.level_change, 4.563507936507914, 0.4263086887413201, 9.674028604411731e-27,
                   3.727958260278431, 5.399057612737398);
    check_estimate(seven.slope_change, 0.5092487474211622, 0.04110055661657869, 2.948913895910169e-35,
                   0.4286931367081186, 0.5898043581342058);
}

TEST_CASE("Weekday seasonality adds a dummy per weekday but the first", "[stats][designs]") {
    // Row i is weekday (i + 2) % 7 (the series starts on a Wednesday); weekends 3 lower.
    // X = [1, t, after, (t - 28) after, weekday == 1, ..., weekday == 6];
    // sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3}).
    const std::vector<double> y{50.66, 51.0,  51.47, 49.86, 48.61, 51.41, 52.36, 52.98, 53.61, 52.87, 51.29,
                                52.4,  53.87, 54.05, 52.47, 52.53, 54.35, 52.5,  51.96, 55.55, 55.17, 56.96,
                                58.03, 57.64, 54.24, 53.74, 56.72, 56.87, 61.08, 63.7,  63.74, 61.0,  62.95,
                                66.16, 68.42, 67.32, 68.85, 69.81, 65.81, 66.98, 71.1,  72.2};
    std::vector<std::int64_t> weekdays(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) weekdays[i] = static_cast<std::int64_t>((i + 2) % 7);
    const InterruptedTimeSeries r = interrupted_time_series(row_numbers(y.size()), y, 28.0, 3, weekdays);
    CHECK(r.weekday_seasonality);
    CHECK(r.level_change.estimate == Approx(4.605343421671613).epsilon(1e-9));
    CHECK(r.level_change.std_error == Approx(0.6761564839349697).epsilon(1e-9));
    CHECK(r.level_change.p_value == Approx(9.688117491715688e-12).epsilon(1e-9));
    check_estimate(r.slope_change, 0.5061416026344632, 0.04239788130002408, 7.509664160441238e-33,
                   0.4230432822656117, 0.5892399230033146);
}

TEST_CASE("Regression adjustment is ANCOVA with HC2 and reports the variance it removed", "[stats][designs]") {
    // y = [yt, yc], treated = [1 x 10, 0 x 12], x = [xt, xc];
    // adjusted: sm.OLS(y, [1, treated, x]).fit(cov_type="HC2"); unadjusted: sm.OLS(y, [1, treated]).fit(cov_type="HC2");
    // variance reduction 1 - bse_adjusted[1]^2 / bse_unadjusted[1]^2.
    const std::vector<double> yt{29.5, 30.99, 36.34, 23.77, 26.81, 30.63, 25.54, 35.86, 28.93, 37.58};
    const std::vector<double> xt{27.16, 27.57, 39.13, 21.15, 22.31, 29.08, 26.36, 33.3, 28.14, 33.78};
    const std::vector<double> yc{31.79, 32.55, 23.97, 30.81, 22.75, 23.04, 37.18, 24.78, 31.67, 29.97, 30.67, 26.75};
    const std::vector<double> xc{33.88, 33.92, 25.1, 32.76, 21.21, 23.25, 39.19, 23.9, 33.94, 32.39, 31.37, 32.5};
    const CovariateAdjustment r = covariate_adjusted_difference(yt, xt, yc, xc);
    CHECK(r.effect.method == "ancova_hc2");
    check_estimate(r.effect, 2.935318578591274, 0.781257424929774, 0.0001718443373305181, 1.404082163074412,
                   4.466554994108137);
    CHECK(r.unadjusted.method == "difference_hc2");
    check_estimate(r.unadjusted, 1.7674999999999939, 1.9796660869087404, 0.3719496445361593, -2.112574231756478,
                   5.647574231756465);
    CHECK(r.slope == Approx(0.7857924718568698).epsilon(1e-9));
    CHECK(r.variance_reduction == Approx(0.8442584728556488).epsilon(1e-9));

    // A covariate far from 0 is not taken for a copy of the intercept: shifting it changes nothing.
    std::vector<double> xt_far = xt, xc_far = xc;
    for (double& x : xt_far) x += 1e6;
    for (double& x : xc_far) x += 1e6;
    const CovariateAdjustment far = covariate_adjusted_difference(yt, xt_far, yc, xc_far);
    CHECK(far.effect.estimate == Approx(2.935318578591274).epsilon(1e-8));
    CHECK(far.effect.std_error == Approx(0.781257424929774).epsilon(1e-8));
}

TEST_CASE("Difference in differences names a cell that cannot give a spread", "[stats][designs]") {
    using kokeilu::testing::error_field;
    const Summary two = summary_of({1.0, 2.0});
    const Summary one = summary_of({1.0});
    CHECK(error_field([&] { (void)difference_in_differences({two, one, two, two}); }) == "changed_after");
    CHECK(error_field([&] { (void)difference_in_differences({two, two, two, Summary::from_moments(5, 1.0, 0.0)}, 1.0); }) ==
          "confidence");
    const Summary flat = summary_of({3.0, 3.0});
    CHECK_THROWS_AS(difference_in_differences({flat, flat, flat, flat}), NotEnoughDataError);
    CHECK(kokeilu::testing::contains(kokeilu::testing::not_enough_data_message([&] {
                                         (void)difference_in_differences({flat, flat, flat, flat});
                                     }),
                                     "every cell has zero variance"));
}

TEST_CASE("The pre-period check needs three times per unit", "[stats][designs]") {
    using kokeilu::testing::error_field;
    const std::vector<double> t3{1, 2, 3}, y3{1.0, 2.0, 2.5}, t_repeated{1, 1, 2, 2}, y4{1.0, 1.1, 1.3, 1.2};
    CHECK(error_field([&] { (void)pre_trend_difference(t3, y3, t_repeated, y4); }) == "comparison_time");
    CHECK_THROWS_AS(pre_trend_difference(t3, y3, t_repeated, y4), NotEnoughDataError);
    CHECK(error_field([&] { (void)pre_trend_difference(t3, y4, t3, y3); }) == "changed_values");
    const std::vector<double> nan_values{1.0, std::numeric_limits<double>::quiet_NaN(), 2.0};
    CHECK(error_field([&] { (void)pre_trend_difference(t3, y3, t3, nan_values); }) == "comparison_values[1]");
    // Values exactly on two lines leave no spread for an interval.
    const std::vector<double> line{2.0, 4.0, 6.0};
    CHECK(error_field([&] { (void)pre_trend_difference(t3, line, t3, t3); }) == "changed_values");
}

TEST_CASE("The interrupted time series refuses what cannot be fitted, naming the field", "[stats][designs]") {
    using kokeilu::testing::error_field;
    std::vector<double> t(20), y(20);
    for (std::size_t i = 0; i < t.size(); ++i) {
        t[i] = static_cast<double>(i);
        y[i] = 3.0 + 0.1 * t[i] + (i % 3 == 0 ? 0.4 : -0.2) + (i >= 10 ? 1.0 : 0.0);
    }
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, 0.0); }) == "change_time");
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, 19.5); }) == "change_time");
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, std::numeric_limits<double>::quiet_NaN()); }) ==
          "change_time");
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, 2.0); }) == "time");
    CHECK_THROWS_AS(interrupted_time_series(t, y, 18.0), NotEnoughDataError);
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, 10.0, 20); }) == "lags");
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, 10.0, -1); }) == "lags");
    const std::vector<std::int64_t> bad_day(20, 7);
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, 10.0, std::nullopt, bad_day); }) == "weekdays[0]");
    const std::vector<std::int64_t> short_days(5, 1);
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, 10.0, std::nullopt, short_days); }) == "weekdays");
    // A "weekday" that is 1 exactly after the change duplicates the after column.
    std::vector<std::int64_t> after_only(20, 0);
    for (std::size_t i = 10; i < 20; ++i) after_only[i] = 1;
    CHECK(error_field([&] { (void)interrupted_time_series(t, y, 10.0, std::nullopt, after_only); }) == "weekdays");
    std::vector<double> back = t;
    back[7] = 6.0;
    CHECK(error_field([&] { (void)interrupted_time_series(back, y, 10.0); }) == "time[7]");
    CHECK(error_field([&] { (void)interrupted_time_series(t, std::span<const double>(y).first(19), 10.0); }) == "values");
    CHECK(newey_west_default_lags(0) == 0);
    CHECK(newey_west_default_lags(27) == 2);
    CHECK(newey_west_default_lags(28) == 3);
    CHECK(newey_west_default_lags(99) == 3);
    CHECK(newey_west_default_lags(100) == 4);
    CHECK(newey_west_default_lags(273) == 5);
}

TEST_CASE("Regression adjustment refuses a covariate that cannot adjust", "[stats][designs]") {
    using kokeilu::testing::error_field;
    const std::vector<double> yt{5.0, 6.5, 7.0, 5.5}, yc{4.0, 4.5, 5.5, 5.0};
    const std::vector<double> constant(4, 2.0);
    CHECK(error_field([&] { (void)covariate_adjusted_difference(yt, constant, yc, constant); }) == "treatment_pre");
    // A covariate that is the treatment indicator itself.
    const std::vector<double> ones(4, 1.0), zeros(4, 0.0);
    CHECK(error_field([&] { (void)covariate_adjusted_difference(yt, ones, yc, zeros); }) == "treatment_pre");
    const std::vector<double> one{3.0};
    CHECK_THROWS_AS(covariate_adjusted_difference(yt, yt, one, one), NotEnoughDataError);
    CHECK(error_field([&] { (void)covariate_adjusted_difference(yt, yt, one, one); }) == "control");
    CHECK(error_field([&] { (void)covariate_adjusted_difference(yt, std::span<const double>(yt).first(3), yc, yc); }) ==
          "treatment_pre");
    // An outcome that the covariate gives exactly leaves no spread.
    CHECK_THROWS_AS(covariate_adjusted_difference(yt, yt, yc, yc), NotEnoughDataError);
}
