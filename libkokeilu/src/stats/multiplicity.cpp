#include "kokeilu/stats/multiplicity.hpp"

#include "stats/checks.hpp"

#include <algorithm>
#include <numeric>
#include <string>

namespace kokeilu::stats {

namespace {

// Indices of the p-values in ascending order (stable, so ties keep their input order).
std::vector<std::size_t> ascending_order(std::span<const double> p) {
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (!(p[i] >= 0.0 && p[i] <= 1.0)) {
            throw InvalidArgumentError("p_values[" + std::to_string(i) + "]",
                                       Message{"stats.p_value.range", {{"value", p[i]}}});
        }
    }
    std::vector<std::size_t> order(p.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
    return order;
}

}  // namespace

std::vector<double> holm_adjust(std::span<const double> p_values) {
    const auto order = ascending_order(p_values);
    const std::size_t m = p_values.size();
    std::vector<double> adjusted(m);
    double running_max = 0.0;
    for (std::size_t rank = 0; rank < m; ++rank) {
        const std::size_t i = order[rank];
        const double value = std::min(1.0, static_cast<double>(m - rank) * p_values[i]);
        running_max = std::max(running_max, value);
        adjusted[i] = running_max;
    }
    return adjusted;
}

std::vector<double> benjamini_hochberg_adjust(std::span<const double> p_values) {
    const auto order = ascending_order(p_values);
    const std::size_t m = p_values.size();
    std::vector<double> adjusted(m);
    double running_min = 1.0;
    for (std::size_t rank = m; rank-- > 0;) {
        const std::size_t i = order[rank];
        const double value = std::min(1.0, static_cast<double>(m) / static_cast<double>(rank + 1) * p_values[i]);
        running_min = std::min(running_min, value);
        adjusted[i] = running_min;
    }
    return adjusted;
}

}  // namespace kokeilu::stats
