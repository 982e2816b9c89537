// Ordinary least squares and its covariance estimators, for the designs without a concurrent
// control (difference in differences, interrupted time series, regression adjustment). Private to
// the library: Eigen stays out of every public header, so an embedding program needs no Eigen.
#pragma once

#include "kokeilu/stats/estimate.hpp"

#include <Eigen/Dense>

#include <optional>
#include <string>

namespace kokeilu::stats::detail {

// A fitted model y = X beta + e.
struct LeastSquares {
    Eigen::MatrixXd x;        // the design, one row per observation
    Eigen::VectorXd beta;     // coefficients
    Eigen::VectorXd residuals;
    Eigen::MatrixXd xtx_inv;  // (X'X)^-1
    // The residuals are rounding alone (the values lie exactly on the model): no spread is left.
    bool exact_fit = false;
};

// Fits y on the columns of x (their names in `terms`, e.g. "intercept, time, changed", for the
// message). The columns are scaled to unit length before a column-pivoting QR decides the rank, so
// a column that is a combination of others (a constant covariate beside the intercept, a weekday
// that never occurs) is found whatever the units; then it throws
// InvalidArgumentError(field, "stats.regression.singular").
[[nodiscard]] LeastSquares fit_ols(Eigen::MatrixXd x, const Eigen::VectorXd& y, const std::string& field,
                                   const std::string& terms);

// sigma^2 (X'X)^-1 with sigma^2 = RSS / (n - k): statsmodels' OLS(...).fit() ("nonrobust").
[[nodiscard]] Eigen::MatrixXd classical_covariance(const LeastSquares& fit);

// HC2: (X'X)^-1 X' diag(e_i^2 / (1 - h_i)) X (X'X)^-1 with the leverages h_i, statsmodels'
// fit(cov_type="HC2"). Throws NotEnoughDataError(field, "stats.regression.leverage_one") when an
// observation has leverage 1 (its residual is 0 whatever its value, so it says nothing of its spread).
[[nodiscard]] Eigen::MatrixXd hc2_covariance(const LeastSquares& fit, const std::string& field);

// Newey-West (HAC with the Bartlett kernel): (X'X)^-1 S (X'X)^-1 with
//   S = sum_t u_t u_t' + sum_{l=1..L} (1 - l / (L + 1)) sum_t (u_t u_{t-l}' + u_{t-l} u_t'),
// u_t = x_t e_t, rows in time order; statsmodels' fit(cov_type="HAC", cov_kwds={"maxlags": L}),
// which by default applies no small-sample correction (use_correction=False).
[[nodiscard]] Eigen::MatrixXd newey_west_covariance(const LeastSquares& fit, Eigen::Index lags);

// The residual sum of squares.
[[nodiscard]] double residual_sum_of_squares(const LeastSquares& fit);

// The Estimate of coefficient `index` under the covariance `cov`: a z interval and p-value, or a t
// one on `df` degrees of freedom when given (statsmodels: use_t is False for a robust covariance,
// True for the classical one). Throws NotEnoughDataError(field, "stats.regression.perfect_fit")
// when the model fits every value exactly (exact_fit, or a standard error of 0).
[[nodiscard]] Estimate coefficient(const LeastSquares& fit, const Eigen::MatrixXd& cov, Eigen::Index index,
                                   double confidence, std::optional<double> df, const std::string& field);

}  // namespace kokeilu::stats::detail
