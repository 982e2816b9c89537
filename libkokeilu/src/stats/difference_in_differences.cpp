#include "kokeilu/stats/difference_in_differences.hpp"

#include "stats/checks.hpp"
#include "stats/least_squares.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace kokeilu::stats {

namespace {

// s_g^2 / n_g of one cell, after checking it can give one.
double variance_of_mean(const Summary& cell, const std::string& field) {
    if (cell.n() < 2) {
        throw NotEnoughDataError(field, Message{"stats.mean.too_few", {{"n", static_cast<std::int64_t>(cell.n())}}});
    }
    if (!cell.has_variance()) {
        throw NotEnoughDataError(field, Message{"stats.mean.spread_unknown", {}});
    }
    return cell.variance() / static_cast<double>(cell.n());
}

constexpr std::size_t min_pre_periods = 3;

std::size_t distinct_times(std::span<const double> time) {
    std::vector<double> sorted(time.begin(), time.end());
    std::sort(sorted.begin(), sorted.end());
    return static_cast<std::size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
}

void check_series(std::span<const double> time, std::span<const double> values, const std::string& unit) {
    detail::check_rows(values.size(), time.size(), unit + "_values");
    detail::check_all_finite(time, unit + "_time");
    detail::check_all_finite(values, unit + "_values");
    const std::size_t count = distinct_times(time);
    if (count < min_pre_periods) {
        const auto needed = static_cast<std::int64_t>(min_pre_periods);
        throw NotEnoughDataError(unit + "_time", Message{"stats.did.few_pre_periods",
                                                         {{"count", static_cast<std::int64_t>(count)}, {"needed", needed}}});
    }
}

}  // namespace

Estimate difference_in_differences(const DidCells& cells, double confidence) {
    detail::check_confidence(confidence);
    const double variance = variance_of_mean(cells.changed_before, "changed_before") +
                            variance_of_mean(cells.changed_after, "changed_after") +
                            variance_of_mean(cells.comparison_before, "comparison_before") +
                            variance_of_mean(cells.comparison_after, "comparison_after");
    if (!(variance > 0.0)) {
        throw NotEnoughDataError("changed_before", Message{"stats.did.zero_variance", {}});
    }
    Estimate e;
    e.confidence = confidence;
    e.method = "difference_in_differences_hc2";
    e.estimate = (cells.changed_after.mean() - cells.changed_before.mean()) -
                 (cells.comparison_after.mean() - cells.comparison_before.mean());
    e.std_error = std::sqrt(variance);
    detail::complete_wald(e);
    e.notes = "assumes both units would have moved alike without the change (parallel trends)";
    return e;
}

Estimate pre_trend_difference(std::span<const double> changed_time, std::span<const double> changed_values,
                              std::span<const double> comparison_time, std::span<const double> comparison_values,
                              double confidence) {
    detail::check_confidence(confidence);
    check_series(changed_time, changed_values, "changed");
    check_series(comparison_time, comparison_values, "comparison");
    const auto n_changed = static_cast<Eigen::Index>(changed_time.size());
    const auto n = n_changed + static_cast<Eigen::Index>(comparison_time.size());

    // Time is centred on its mean for the conditioning of the fit; the difference of slopes is the same.
    double centre = 0.0;
    for (double t : changed_time) centre += t;
    for (double t : comparison_time) centre += t;
    centre /= static_cast<double>(n);

    Eigen::MatrixXd x(n, 4);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const bool changed = i < n_changed;
        const auto j = static_cast<std::size_t>(changed ? i : i - n_changed);
        const double t = (changed ? changed_time[j] : comparison_time[j]) - centre;
        const double g = changed ? 1.0 : 0.0;
        x.row(i) << 1.0, t, g, t * g;
        y(i) = changed ? changed_values[j] : comparison_values[j];
    }
    const detail::LeastSquares fit =
        detail::fit_ols(std::move(x), y, "changed_time", "intercept, time, changed, time x changed");
    const double df = static_cast<double>(n - 4);
    Estimate e = detail::coefficient(fit, detail::classical_covariance(fit), 3, confidence, df, "changed_values");
    e.method = "pre_trend_slope_difference";
    return e;
}

}  // namespace kokeilu::stats
