#include "stats/checks.hpp"

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

double two_sided_z(double confidence) {
    const boost::math::normal standard;
    return boost::math::quantile(boost::math::complement(standard, (1.0 - confidence) / 2.0));
}

std::string num(double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", x);
    return buffer;
}

}  // namespace kokeilu::stats::detail
