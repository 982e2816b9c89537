#include "kokeilu/stats/summary.hpp"

#include "stats/checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

namespace kokeilu::stats {

using detail::num;

namespace {

// a + b for counts, refused before it overflows (a signed overflow is undefined behaviour).
std::int64_t add_counts(std::int64_t a, std::int64_t b) {
    std::int64_t total = 0;
    if (__builtin_add_overflow(a, b, &total)) {
        throw InvalidArgumentError("n",
                                   Message{"stats.count.overflow",
                                           {{"added", static_cast<std::int64_t>(b)},
                                            {"count", static_cast<std::int64_t>(a)}}});
    }
    return total;
}

}  // namespace

Summary Summary::unusable(std::string why) {
    Summary s;
    s.unusable_ = std::move(why);
    return s;
}

bool Summary::too_large() const noexcept {
    return !(std::isfinite(shift_) && std::isfinite(mean_) && std::isfinite(m2_) && std::isfinite(sum_) && std::isfinite(exposure_));
}

std::string Summary::problem() const {
    if (!unusable_.empty()) {
        return unusable_;
    }
    if (too_large()) {
        return std::string(too_large_problem) + ": their sum or spread passes about 1.8e308, the largest number a "
                                                "double holds";
    }
    return {};
}

Summary Summary::from_moments(std::int64_t n, double mean, double sd) {
    if (n < 0) {
        throw InvalidArgumentError("n", Message{"stats.count.negative", {{"value", static_cast<std::int64_t>(n)}}});
    }
    detail::check_finite(mean, "mean");
    if (!(std::isfinite(sd) && sd >= 0.0)) {
        throw InvalidArgumentError("sd", Message{"stats.number.negative", {{"value", sd}}});
    }
    Summary s;
    if (n == 0) {
        return s;
    }
    const auto nd = static_cast<double>(n);
    s.n_ = n;
    s.shift_ = mean;
    s.m2_ = n >= 2 ? sd * sd * (nd - 1.0) : 0.0;
    s.sum_ = mean * nd;
    s.exposure_ = nd;
    s.aggregate_rows_ = 1;
    return s;
}

Summary Summary::from_counts(std::int64_t successes, std::int64_t trials) {
    if (trials < 0) {
        throw InvalidArgumentError("trials",
                                   Message{"stats.count.negative", {{"value", static_cast<std::int64_t>(trials)}}});
    }
    if (successes < 0 || successes > trials) {
        throw InvalidArgumentError("successes",
                                   Message{"stats.successes.range",
                                           {{"trials", static_cast<std::int64_t>(trials)},
                                            {"successes", static_cast<std::int64_t>(successes)}}});
    }
    Summary s;
    s.add_aggregate(trials, static_cast<double>(successes), std::nullopt, static_cast<double>(trials), true);
    return s;
}

void Summary::add(double value, double exposure) {
    if (!std::isfinite(value)) {
        throw InvalidArgumentError("value", Message{"stats.number.not_finite", {{"value", value}}});
    }
    if (!(std::isfinite(exposure) && exposure >= 0.0)) {
        throw InvalidArgumentError("exposure", Message{"stats.number.negative", {{"value", exposure}}});
    }
    if (n_ == 0) {
        shift_ = value;
    }
    n_ = add_counts(n_, 1);
    const double shifted = value - shift_;
    const double delta = shifted - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (shifted - mean_);
    sum_ += value;
    exposure_ += exposure;
    if (unit_rows_ == 0) {
        min_ = value;
        max_ = value;
    } else {
        min_ = std::min(min_, value);
        max_ = std::max(max_, value);
    }
    ++unit_rows_;
}

void Summary::add_aggregate(std::int64_t n, double sum, std::optional<double> sum_sq, double exposure, bool binary) {
    if (n < 0) {
        throw InvalidArgumentError("n", Message{"stats.count.negative", {{"value", static_cast<std::int64_t>(n)}}});
    }
    detail::check_finite(sum, "sum");
    if (sum_sq && !(std::isfinite(*sum_sq) && *sum_sq >= 0.0)) {
        throw InvalidArgumentError("sum_sq", Message{"stats.number.negative", {{"value", *sum_sq}}});
    }
    if (!(std::isfinite(exposure) && exposure >= 0.0)) {
        throw InvalidArgumentError("exposure", Message{"stats.number.negative", {{"value", exposure}}});
    }
    if (binary && (sum < 0.0 || sum > static_cast<double>(n) || sum != std::floor(sum))) {
        throw InvalidArgumentError("sum",
                                   Message{"stats.summary.successes_not_whole",
                                           {{"n", static_cast<std::int64_t>(n)},
                                            {"value", sum}}});
    }
    if (n > 0) {
        (void)add_counts(n_, n);  // refused before anything of the row is added
    }
    ++aggregate_rows_;
    exposure_ += exposure;
    if (n == 0) {
        return;
    }
    std::optional<double> squares = sum_sq;
    if (!squares && binary) {
        squares = sum;  // 0/1 values: each square equals the value
    }
    const auto nd = static_cast<double>(n);
    const double mean = sum / nd;
    double m2 = 0.0;
    if (squares) {
        // Rounding can leave a tiny negative remainder when all values are equal.
        m2 = std::max(0.0, *squares - sum * mean);
    } else {
        variance_known_ = false;
    }
    merge_moments(n, mean, 0.0, m2);
    sum_ += sum;
}

void Summary::add(const ObservationRow& row, bool binary) {
    if (!row.is_aggregate) {
        add(row.value, row.exposure);
        return;
    }
    std::optional<double> squares;
    if (!std::isnan(row.sum_sq)) {
        squares = row.sum_sq;
    }
    add_aggregate(row.n, row.sum, squares, row.exposure, binary);
}

void Summary::merge_moments(std::int64_t n, double shift, double shifted_mean, double m2) {
    const std::int64_t total_n = add_counts(n_, n);
    if (n_ == 0) {
        n_ = n;
        shift_ = shift;
        mean_ = shifted_mean;
        m2_ = m2;
        return;
    }
    const auto na = static_cast<double>(n_);
    const auto nb = static_cast<double>(n);
    const double total = na + nb;
    // The shifts first: two close shifts differ exactly (Sterbenz), so the digits of the means
    // below the shifts' last digit survive.
    const double delta = (shift - shift_) + (shifted_mean - mean_);
    mean_ += delta * nb / total;
    m2_ += m2 + delta * delta * na * nb / total;
    n_ = total_n;
}

void Summary::merge(const Summary& other) {
    // Every count first, so that an overflow leaves this summary as it was.
    (void)add_counts(n_, other.n_);
    const std::int64_t unit_rows = add_counts(unit_rows_, other.unit_rows_);
    const std::int64_t aggregate_rows = add_counts(aggregate_rows_, other.aggregate_rows_);
    if (unusable_.empty() && !other.unusable_.empty()) {
        unusable_ = other.unusable_;
    }
    if (other.unit_rows_ > 0) {
        if (unit_rows_ == 0) {
            min_ = other.min_;
            max_ = other.max_;
        } else {
            min_ = std::min(min_, other.min_);
            max_ = std::max(max_, other.max_);
        }
    }
    if (other.n_ > 0) {
        merge_moments(other.n_, other.shift_, other.mean_, other.m2_);
    }
    sum_ += other.sum_;
    exposure_ += other.exposure_;
    unit_rows_ = unit_rows;
    aggregate_rows_ = aggregate_rows;
    variance_known_ = variance_known_ && other.variance_known_;
}

Summary::State Summary::state() const noexcept {
    // Knuth's two-sum: mean + mean_low is exactly shift + shifted mean.
    const double mean = shift_ + mean_;
    const double shift_part = mean - mean_;
    const double mean_part = mean - shift_part;
    const double mean_low = (shift_ - shift_part) + (mean_ - mean_part);
    return {n_, mean, std::isfinite(mean_low) ? mean_low : 0.0, m2_, sum_, exposure_, min_, max_,
            unit_rows_, aggregate_rows_, variance_known_};
}

Summary Summary::from_state(const State& state) {
    // Every stored summary passes here: the messages are built only for a state that fails.
    if (state.n < 0) {
        throw InvalidArgumentError("n",
                                   Message{"stats.count.negative", {{"value", static_cast<std::int64_t>(state.n)}}});
    }
    if (state.unit_rows < 0 || state.unit_rows > state.n) {
        throw InvalidArgumentError("unit_rows",
                                   Message{"stats.summary.unit_rows",
                                           {{"n", static_cast<std::int64_t>(state.n)},
                                            {"value", static_cast<std::int64_t>(state.unit_rows)}}});
    }
    if (state.aggregate_rows < 0) {
        throw InvalidArgumentError("aggregate_rows",
                                   Message{"stats.count.negative",
                                           {{"value", static_cast<std::int64_t>(state.aggregate_rows)}}});
    }
    detail::check_finite(state.mean, "mean");
    detail::check_finite(state.mean_low, "mean_low");
    detail::check_finite(state.sum, "sum");
    if (!(std::isfinite(state.m2) && state.m2 >= 0.0)) {
        throw InvalidArgumentError("m2", Message{"stats.number.negative", {{"value", state.m2}}});
    }
    if (!(std::isfinite(state.exposure) && state.exposure >= 0.0)) {
        throw InvalidArgumentError("exposure", Message{"stats.number.negative", {{"value", state.exposure}}});
    }
    if (state.unit_rows > 0) {
        detail::check_finite(state.min, "min");
        detail::check_finite(state.max, "max");
        if (state.min > state.max) {
            throw InvalidArgumentError("min",
                                       Message{"stats.summary.min_above_max",
                                               {{"max", state.max},
                                                {"min", state.min}}});
        }
    }
    Summary s;
    s.n_ = state.n;
    s.shift_ = state.mean;
    s.mean_ = state.mean_low;
    s.m2_ = state.m2;
    s.sum_ = state.sum;
    s.exposure_ = state.exposure;
    s.min_ = state.unit_rows > 0 ? state.min : 0.0;
    s.max_ = state.unit_rows > 0 ? state.max : 0.0;
    s.unit_rows_ = state.unit_rows;
    s.aggregate_rows_ = state.aggregate_rows;
    s.variance_known_ = state.variance_known;
    return s;
}

double Summary::mean() const {
    if (n_ == 0) {
        throw NotEnoughDataError("n", Message{"stats.summary.no_mean", {}});
    }
    return shift_ + mean_;
}

double Summary::variance() const {
    if (n_ < 2) {
        throw NotEnoughDataError("n", Message{"stats.summary.spread_too_few", {{"n", static_cast<std::int64_t>(n_)}}});
    }
    if (!variance_known_) {
        throw NotEnoughDataError("sum_sq", Message{"stats.summary.spread_unknown", {}});
    }
    return m2_ / static_cast<double>(n_ - 1);
}

double Summary::sd() const { return std::sqrt(variance()); }

double Summary::se() const { return std::sqrt(variance() / static_cast<double>(n_)); }

std::optional<double> Summary::min() const noexcept {
    if (unit_rows_ == 0) {
        return std::nullopt;
    }
    return min_;
}

std::optional<double> Summary::max() const noexcept {
    if (unit_rows_ == 0) {
        return std::nullopt;
    }
    return max_;
}

std::int64_t Summary::successes() const {
    const double rounded = std::round(sum_);
    // 2^63 and above cannot be an int64_t; converting such a double would be undefined behaviour.
    if (!(rounded < 9223372036854775808.0)) {
        throw InvalidArgumentError("successes", Message{"stats.summary.sum_too_large", {{"sum", sum_}}});
    }
    if (std::abs(sum_ - rounded) > 1e-9 * std::max(1.0, rounded) || rounded < 0.0 ||
        rounded > static_cast<double>(n_)) {
        throw InvalidArgumentError("successes",
                                   Message{"stats.summary.not_binary_sum",
                                           {{"sum", sum_},
                                            {"n", static_cast<std::int64_t>(n_)}}});
    }
    if (unit_rows_ > 0 && (min_ < 0.0 || max_ > 1.0 || !(min_ == 0.0 || min_ == 1.0) || !(max_ == 0.0 || max_ == 1.0))) {
        throw InvalidArgumentError("value", Message{"stats.summary.not_binary_values", {{"min", min_}, {"max", max_}}});
    }
    return static_cast<std::int64_t>(rounded);
}

}  // namespace kokeilu::stats
