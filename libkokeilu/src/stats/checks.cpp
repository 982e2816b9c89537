#include "stats/checks.hpp"

#include <cstdint>
#include <cstdio>

namespace kokeilu::stats::detail {

void check_confidence(double confidence, const std::string& field) {
    if (!(confidence > 0.5 && confidence < 1.0)) {
        throw InvalidArgumentError(field, Message{"stats.confidence.range", {{"value", confidence}}});
    }
}

void check_probability_open(double p, const std::string& field) {
    if (!(p > 0.0 && p < 1.0)) {
        throw InvalidArgumentError(field, Message{"stats.probability.range", {{"value", p}}});
    }
}

void check_finite(double x, const std::string& field) {
    if (!std::isfinite(x)) {
        throw InvalidArgumentError(field, Message{"stats.number.not_finite", {{"value", x}}});
    }
}

void check_all_finite(std::span<const double> values, const std::string& field) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!std::isfinite(values[i])) {
            std::string where = field;
            where += '[';
            where += std::to_string(i);
            where += ']';
            throw InvalidArgumentError(where, Message{"stats.number.not_finite", {{"value", values[i]}}});
        }
    }
}

void check_rows(std::size_t rows, std::size_t expected, const std::string& field) {
    if (rows != expected) {
        throw InvalidArgumentError(field, Message{"input.rows_expected",
                                                  {{"rows", static_cast<std::int64_t>(rows)},
                                                   {"expected", static_cast<std::int64_t>(expected)}}});
    }
}

double two_sided_z(double confidence) {
    const boost::math::normal standard;
    return boost::math::quantile(boost::math::complement(standard, (1.0 - confidence) / 2.0));
}

void complete_wald(Estimate& e) {
    const double z = two_sided_z(e.confidence);
    e.ci_low = e.estimate - z * e.std_error;
    e.ci_high = e.estimate + z * e.std_error;
    const double statistic = e.estimate / e.std_error;
    e.statistic = statistic;
    e.p_value = 2.0 * boost::math::cdf(boost::math::complement(boost::math::normal(), std::abs(statistic)));
}

std::string num(double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", x);
    return buffer;
}

}  // namespace kokeilu::stats::detail
