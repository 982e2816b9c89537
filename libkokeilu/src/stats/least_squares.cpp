#include "stats/least_squares.hpp"

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>

namespace kokeilu::stats::detail {

namespace {

// A column whose scaled pivot falls below this, relative to the largest, is taken as a combination
// of the others. Far above rounding (1e-16) and far below any design a municipality's data gives.
constexpr double rank_threshold = 1e-10;
constexpr double exact_fit_tolerance = 64.0 * std::numeric_limits<double>::epsilon();

}  // namespace

LeastSquares fit_ols(Eigen::MatrixXd x, const Eigen::VectorXd& y, const std::string& field, const std::string& terms) {
    const Eigen::Index k = x.cols();
    const Message singular{"stats.regression.singular", {{"terms", terms}}};
    Eigen::VectorXd scale = x.colwise().norm().transpose();
    for (Eigen::Index j = 0; j < k; ++j) {
        if (!(scale(j) > 0.0)) throw InvalidArgumentError(field, singular);
    }
    const Eigen::MatrixXd scaled = x * scale.cwiseInverse().asDiagonal();
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(scaled);
    qr.setThreshold(rank_threshold);
    if (qr.rank() < k) throw InvalidArgumentError(field, singular);

    // (Xs'Xs)^-1 = P R^-1 R^-T P' from the decomposition, without forming X'X.
    const Eigen::MatrixXd r = qr.matrixR().topLeftCorner(k, k).triangularView<Eigen::Upper>();
    const Eigen::MatrixXd r_inv =
        r.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(k, k));
    const Eigen::MatrixXd p = qr.colsPermutation();
    const Eigen::MatrixXd scaled_inv = p * (r_inv * r_inv.transpose()) * p.transpose();

    LeastSquares fit;
    const Eigen::VectorXd scaled_beta = qr.solve(y);
    fit.beta = scale.cwiseInverse().asDiagonal() * scaled_beta;
    fit.xtx_inv = scale.cwiseInverse().asDiagonal() * scaled_inv * scale.cwiseInverse().asDiagonal();
    fit.residuals = y - x * fit.beta;
    // Residuals within a few dozen roundings of the values are no spread: values exactly on a line
    // leave residuals of about 1e-16 of their size, not 0.
    fit.exact_fit = fit.residuals.norm() <= exact_fit_tolerance * y.norm();
    fit.x = std::move(x);
    return fit;
}

Eigen::MatrixXd classical_covariance(const LeastSquares& fit) {
    const auto n = static_cast<double>(fit.x.rows());
    const auto k = static_cast<double>(fit.x.cols());
    return residual_sum_of_squares(fit) / (n - k) * fit.xtx_inv;
}

Eigen::MatrixXd hc2_covariance(const LeastSquares& fit, const std::string& field) {
    const Eigen::Index n = fit.x.rows();
    Eigen::VectorXd weights(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const double h = fit.x.row(i) * fit.xtx_inv * fit.x.row(i).transpose();
        // Leverage 1 up to rounding: the fitted value is the observation itself.
        if (!(1.0 - h > 1e-10)) throw NotEnoughDataError(field, Message{"stats.regression.leverage_one", {}});
        weights(i) = fit.residuals(i) * fit.residuals(i) / (1.0 - h);
    }
    const Eigen::MatrixXd meat = fit.x.transpose() * weights.asDiagonal() * fit.x;
    return fit.xtx_inv * meat * fit.xtx_inv;
}

Eigen::MatrixXd newey_west_covariance(const LeastSquares& fit, Eigen::Index lags) {
    const Eigen::MatrixXd u = fit.residuals.asDiagonal() * fit.x;
    const Eigen::Index n = u.rows();
    Eigen::MatrixXd s = u.transpose() * u;
    for (Eigen::Index lag = 1; lag <= lags && lag < n; ++lag) {
        const double weight = 1.0 - static_cast<double>(lag) / static_cast<double>(lags + 1);
        const Eigen::MatrixXd cross = u.bottomRows(n - lag).transpose() * u.topRows(n - lag);
        s += weight * (cross + cross.transpose());
    }
    return fit.xtx_inv * s * fit.xtx_inv;
}

double residual_sum_of_squares(const LeastSquares& fit) { return fit.residuals.squaredNorm(); }

Estimate coefficient(const LeastSquares& fit, const Eigen::MatrixXd& cov, Eigen::Index index, double confidence,
                     std::optional<double> df, const std::string& field) {
    const double variance = cov(index, index);
    if (fit.exact_fit || !(variance > 0.0)) {
        throw NotEnoughDataError(field, Message{"stats.regression.perfect_fit", {}});
    }
    Estimate e;
    e.confidence = confidence;
    e.estimate = fit.beta(index);
    e.std_error = std::sqrt(variance);
    const double statistic = e.estimate / e.std_error;
    e.statistic = statistic;
    const double tail = (1.0 - confidence) / 2.0;
    double q = 0.0;
    if (df) {
        const boost::math::students_t dist(*df);
        q = boost::math::quantile(boost::math::complement(dist, tail));
        e.p_value = 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(statistic)));
        e.df = df;
    } else {
        const boost::math::normal dist;
        q = boost::math::quantile(boost::math::complement(dist, tail));
        e.p_value = 2.0 * boost::math::cdf(boost::math::complement(dist, std::abs(statistic)));
    }
    e.ci_low = e.estimate - q * e.std_error;
    e.ci_high = e.estimate + q * e.std_error;
    return e;
}

}  // namespace kokeilu::stats::detail
