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
        throw InvalidArgumentError("observed",
                                   Message{"stats.srm.too_few_arms",
                                           {{"arms", static_cast<std::int64_t>(observed.size())}}});
    }
    if (!expected_shares.empty() && expected_shares.size() != observed.size()) {
        throw InvalidArgumentError("expected_shares",
                                   Message{"stats.srm.shares",
                                           {{"arms", static_cast<std::int64_t>(observed.size())},
                                            {"shares", static_cast<std::int64_t>(expected_shares.size())}}});
    }
    double total = 0.0;
    for (std::size_t i = 0; i < observed.size(); ++i) {
        if (observed[i] < 0) {
            throw InvalidArgumentError("observed[" + std::to_string(i) + "]",
                                       Message{"stats.count.negative_plain", {}});
        }
        total += static_cast<double>(observed[i]);
    }
    if (total == 0.0) {
        throw NotEnoughDataError("observed", Message{"stats.srm.no_units", {}});
    }
    std::vector<double> shares(observed.size(), 1.0);
    if (!expected_shares.empty()) {
        for (std::size_t i = 0; i < shares.size(); ++i) {
            if (!(std::isfinite(expected_shares[i]) && expected_shares[i] > 0.0)) {
                throw InvalidArgumentError("expected_shares[" + std::to_string(i) + "]",
                                           Message{"stats.number.not_positive", {{"value", expected_shares[i]}}});
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
