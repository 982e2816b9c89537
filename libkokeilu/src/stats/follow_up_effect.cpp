#include "kokeilu/stats/follow_up_effect.hpp"

#include "kokeilu/error.hpp"

#include <boost/math/distributions/normal.hpp>

#include <cmath>

namespace kokeilu::stats {

namespace {

double z_of(double confidence) {
    const boost::math::normal normal;
    return boost::math::quantile(boost::math::complement(normal, (1.0 - confidence) / 2.0));
}

void check(const Estimate& e, const char* field) {
    if (!(std::isfinite(e.estimate) && std::isfinite(e.ci_low) && std::isfinite(e.ci_high) &&
          std::isfinite(e.std_error) && e.confidence > 0.0 && e.confidence < 1.0))
        throw InvalidArgumentError(field, Message{"stats.effect.not_finite", {}});
}

}  // namespace

double standard_error_of(const Estimate& effect) {
    if (effect.std_error > 0.0) return effect.std_error;
    return (effect.ci_high - effect.ci_low) / (2.0 * z_of(effect.confidence));
}

FollowUpEffect compare_follow_up(const Estimate& original, const Estimate& follow_up, Direction direction) {
    check(original, "original");
    check(follow_up, "follow_up");
    const double se_original = standard_error_of(original);
    const double se_follow_up = standard_error_of(follow_up);
    if (!(se_original > 0.0)) throw NotEnoughDataError("original", Message{"stats.follow_up_no_spread", {}});
    if (!(se_follow_up > 0.0)) throw NotEnoughDataError("follow_up", Message{"stats.follow_up_no_spread", {}});
    const bool higher = direction == Direction::higher_is_better;
    FollowUpEffect r;
    r.confidence = original.confidence;
    r.original = higher ? original.estimate : -original.estimate;
    r.follow_up = higher ? follow_up.estimate : -follow_up.estimate;
    r.follow_up_low = higher ? follow_up.ci_low : -follow_up.ci_high;
    r.follow_up_high = higher ? follow_up.ci_high : -follow_up.ci_low;
    r.difference = r.follow_up - r.original;
    r.std_error = std::sqrt(se_follow_up * se_follow_up + se_original * se_original);
    const double half = z_of(r.confidence) * r.std_error;
    r.ci_low = r.difference - half;
    r.ci_high = r.difference + half;
    if (r.ci_low > 0.0) r.persistence = Persistence::grew;
    else if (r.ci_high < 0.0) r.persistence = Persistence::faded;
    else if (r.follow_up_low > 0.0) r.persistence = Persistence::held;
    else r.persistence = Persistence::unclear;
    return r;
}

std::string_view to_string(Persistence v) {
    switch (v) {
        case Persistence::held: return "held";
        case Persistence::faded: return "faded";
        case Persistence::grew: return "grew";
        case Persistence::unclear: return "unclear";
    }
    return "unclear";
}

}  // namespace kokeilu::stats
