#include "kokeilu/stats/covariate_adjustment.hpp"

#include "stats/checks.hpp"
#include "stats/least_squares.hpp"

#include <cstdint>
#include <string>

namespace kokeilu::stats {

namespace {

void check_arm(std::span<const double> outcome, std::span<const double> pre, const std::string& arm) {
    detail::check_rows(pre.size(), outcome.size(), arm + "_pre");
    detail::check_all_finite(outcome, arm);
    detail::check_all_finite(pre, arm + "_pre");
    if (outcome.size() < 2) {
        const auto n = static_cast<std::int64_t>(outcome.size());
        throw NotEnoughDataError(arm, Message{"stats.mean.too_few", {{"n", n}}});
    }
}

}  // namespace

CovariateAdjustment covariate_adjusted_difference(std::span<const double> treatment,
                                                  std::span<const double> treatment_pre,
                                                  std::span<const double> control,
                                                  std::span<const double> control_pre, double confidence) {
    detail::check_confidence(confidence);
    check_arm(treatment, treatment_pre, "treatment");
    check_arm(control, control_pre, "control");
    const auto n_t = static_cast<Eigen::Index>(treatment.size());
    const auto n = n_t + static_cast<Eigen::Index>(control.size());

    // The covariate is centred on its mean: the effect and the slope are the same, and a covariate
    // far from 0 (a count of 1e6 plus its variation) is not mistaken for a copy of the intercept.
    double centre = 0.0;
    for (double x : treatment_pre) centre += x;
    for (double x : control_pre) centre += x;
    centre /= static_cast<double>(n);

    Eigen::MatrixXd adjusted(n, 3);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const bool treated = i < n_t;
        const auto j = static_cast<std::size_t>(treated ? i : i - n_t);
        adjusted.row(i) << 1.0, treated ? 1.0 : 0.0, (treated ? treatment_pre[j] : control_pre[j]) - centre;
        y(i) = treated ? treatment[j] : control[j];
    }
    const Eigen::MatrixXd plain = adjusted.leftCols(2);

    // The unadjusted difference first: an arm without spread is said as such, before the covariate.
    const detail::LeastSquares plain_fit = detail::fit_ols(plain, y, "treatment", "intercept, treated");
    CovariateAdjustment result;
    result.unadjusted =
        detail::coefficient(plain_fit, detail::hc2_covariance(plain_fit, "treatment"), 1, confidence, std::nullopt,
                            "treatment");
    result.unadjusted.method = "difference_hc2";

    const detail::LeastSquares fit =
        detail::fit_ols(adjusted, y, "treatment_pre", "intercept, treated, pre-period value");
    result.effect =
        detail::coefficient(fit, detail::hc2_covariance(fit, "treatment_pre"), 1, confidence, std::nullopt, "treatment");
    result.effect.method = "ancova_hc2";
    result.slope = fit.beta(2);
    const double adjusted_se = result.effect.std_error;
    const double plain_se = result.unadjusted.std_error;
    result.variance_reduction = 1.0 - (adjusted_se * adjusted_se) / (plain_se * plain_se);
    return result;
}

}  // namespace kokeilu::stats
