#include "kokeilu/stats/srm.hpp"

#include "stats/checks.hpp"

#include <boost/math/distributions/chi_squared.hpp>

#include <string>
#include <vector>

namespace kokeilu::stats {

SrmResult sample_ratio_mismatch(std::span<const std::int64_t> observed, std::span<const double> expected_shares,
                                double threshold) {
    detail::check_probability_open(threshold, "threshold");
    if (observed.size() < 2) {
        throw InvalidArgumentError("observed", "a sample-ratio check needs at least 2 arms, got " +
                                                   std::to_string(observed.size()));
    }
    if (!expected_shares.empty() && expected_shares.size() != observed.size()) {
        throw InvalidArgumentError("expected_shares", "must have one share per arm (" +
                                                          std::to_string(observed.size()) + "), got " +
                                                          std::to_string(expected_shares.size()));
    }
    double total = 0.0;
    for (std::size_t i = 0; i < observed.size(); ++i) {
        if (observed[i] < 0) {
            throw InvalidArgumentError("observed[" + std::to_string(i) + "]", "must not be negative");
        }
        total += static_cast<double>(observed[i]);
    }
    if (total == 0.0) {
        throw NotEnoughDataError("observed", "no units in any arm");
    }
    std::vector<double> shares(observed.size(), 1.0);
    if (!expected_shares.empty()) {
        for (std::size_t i = 0; i < shares.size(); ++i) {
            if (!(std::isfinite(expected_shares[i]) && expected_shares[i] > 0.0)) {
                throw InvalidArgumentError("expected_shares[" + std::to_string(i) + "]",
                                           "must be a finite number > 0, got " + detail::num(expected_shares[i]));
            }
            shares[i] = expected_shares[i];
        }
    }
    double weight = 0.0;
    for (double s : shares) {
        weight += s;
    }
    SrmResult r;
    for (std::size_t i = 0; i < observed.size(); ++i) {
        const double expected = total * shares[i] / weight;
        const double diff = static_cast<double>(observed[i]) - expected;
        r.statistic += diff * diff / expected;
    }
    r.df = static_cast<double>(observed.size() - 1);
    const boost::math::chi_squared dist(r.df);
    r.p_value = boost::math::cdf(boost::math::complement(dist, r.statistic));
    r.mismatch = r.p_value < threshold;
    return r;
}

}  // namespace kokeilu::stats
