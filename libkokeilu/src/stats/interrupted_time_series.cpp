#include "kokeilu/stats/interrupted_time_series.hpp"

#include "stats/checks.hpp"
#include "stats/least_squares.hpp"

#include <array>
#include <cmath>
#include <string>
#include <vector>

namespace kokeilu::stats {

namespace {

// A level and a slope on each side need at least two rows; three leave something to check them by.
constexpr std::int64_t min_rows_per_side = 3;

void check_time(std::span<const double> time, double change_time) {
    detail::check_all_finite(time, "time");
    for (std::size_t i = 1; i < time.size(); ++i) {
        if (!(time[i] > time[i - 1])) {
            std::string field = "time[";
            field += std::to_string(i);
            field += ']';
            throw InvalidArgumentError(
                field, Message{"stats.its.time_order", {{"value", time[i]}, {"previous", time[i - 1]}}});
        }
    }
    if (!std::isfinite(change_time) || time.empty() || !(change_time > time.front()) || change_time > time.back()) {
        throw InvalidArgumentError(
            "change_time", Message{"stats.its.change_outside", {{"value", change_time},
                                                                {"first", time.empty() ? 0.0 : time.front()},
                                                                {"last", time.empty() ? 0.0 : time.back()}}});
    }
}

}  // namespace

std::int64_t newey_west_default_lags(std::int64_t n) {
    if (n < 1) return 0;
    return static_cast<std::int64_t>(std::floor(4.0 * std::pow(static_cast<double>(n) / 100.0, 2.0 / 9.0)));
}

InterruptedTimeSeries interrupted_time_series(std::span<const double> time, std::span<const double> values,
                                              double change_time, std::optional<std::int64_t> lags,
                                              std::span<const std::int64_t> weekdays, double confidence) {
    detail::check_confidence(confidence);
    detail::check_rows(values.size(), time.size(), "values");
    detail::check_all_finite(values, "values");
    check_time(time, change_time);
    const bool seasonal = !weekdays.empty();
    if (seasonal) detail::check_rows(weekdays.size(), time.size(), "weekdays");

    InterruptedTimeSeries result;
    for (double t : time) (t < change_time ? result.before : result.after) += 1;
    if (result.before < min_rows_per_side) {
        throw NotEnoughDataError("time",
                                 Message{"stats.its.few_before", {{"n", result.before}, {"needed", min_rows_per_side}}});
    }
    if (result.after < min_rows_per_side) {
        throw NotEnoughDataError("time",
                                 Message{"stats.its.few_after", {{"n", result.after}, {"needed", min_rows_per_side}}});
    }
    const auto n = static_cast<std::int64_t>(time.size());
    result.lags = lags.value_or(newey_west_default_lags(n));
    if (result.lags < 0 || result.lags > n - 1) {
        throw InvalidArgumentError("lags", Message{"stats.its.lags", {{"value", result.lags}, {"max", n - 1}}});
    }

    // Weekdays present; the first present one is the reference level (no dummy of its own).
    std::array<bool, 7> present{};
    for (std::size_t i = 0; i < weekdays.size(); ++i) {
        if (weekdays[i] < 0 || weekdays[i] > 6) {
            std::string field = "weekdays[";
            field += std::to_string(i);
            field += ']';
            throw InvalidArgumentError(field, Message{"stats.its.weekday", {{"value", weekdays[i]}}});
        }
        present[static_cast<std::size_t>(weekdays[i])] = true;
    }
    std::vector<std::int64_t> dummies;
    std::string terms = "intercept, time, after, time after the change";
    bool reference_seen = false;
    for (std::int64_t d = 0; d < 7; ++d) {
        if (!present[static_cast<std::size_t>(d)]) continue;
        if (!reference_seen) {
            reference_seen = true;
            continue;
        }
        dummies.push_back(d);
        terms += ", weekday ";
        terms += std::to_string(d);
    }

    // The time column is measured from the change: b0 is then the before trend's level at t0, and
    // b2, b3 and their covariance are those of the model in t itself.
    const Eigen::Index k = 4 + static_cast<Eigen::Index>(dummies.size());
    Eigen::MatrixXd x(n, k);
    Eigen::VectorXd y(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        const auto row = static_cast<std::size_t>(i);
        const double t = time[row] - change_time;
        const double post = time[row] >= change_time ? 1.0 : 0.0;
        x(i, 0) = 1.0;
        x(i, 1) = t;
        x(i, 2) = post;
        x(i, 3) = t * post;
        for (std::size_t j = 0; j < dummies.size(); ++j) {
            x(i, 4 + static_cast<Eigen::Index>(j)) = weekdays[row] == dummies[j] ? 1.0 : 0.0;
        }
        y(i) = values[row];
    }
    const detail::LeastSquares fit = detail::fit_ols(std::move(x), y, seasonal ? "weekdays" : "time", terms);
    const Eigen::MatrixXd cov = detail::newey_west_covariance(fit, result.lags);
    result.level_change = detail::coefficient(fit, cov, 2, confidence, std::nullopt, "values");
    result.level_change.method = "segmented_regression_newey_west";
    result.slope_change = detail::coefficient(fit, cov, 3, confidence, std::nullopt, "values");
    result.slope_change.method = "segmented_regression_newey_west_slope";
    result.level_before = fit.beta(0);
    result.slope_before = fit.beta(1);
    result.weekday_seasonality = seasonal;
    const std::string caveat = "assumes the before period's level and trend would have continued without the change";
    result.level_change.notes = caveat;
    result.slope_change.notes = caveat;
    return result;
}

}  // namespace kokeilu::stats
