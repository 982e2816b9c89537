// Whether an effect lasted: the effect a follow-up measured against the original's, on the same
// metric. The difference of two independent estimates has the standard error
// sqrt(se_follow_up² + se_original²) (Altman & Bland 2003, "Interaction revisited: the difference
// between two estimates", BMJ 326:219); its interval is taken at the original's confidence.
//   grew     the interval of the difference lies above 0;
//   faded    it lies below 0;
//   held     neither, and the follow-up's own interval still excludes no effect on the better side;
//   unclear  neither, and the follow-up alone cannot tell its effect from none (too little data).
// Both effects are oriented so that larger is better (the metric's direction), as the verdict does.
#pragma once

#include "kokeilu/metric.hpp"
#include "kokeilu/stats/estimate.hpp"

#include <string_view>

namespace kokeilu::stats {

enum class Persistence { held, faded, grew, unclear };

struct FollowUpEffect {
    Persistence persistence = Persistence::unclear;
    double original = 0.0;   // the original's improvement (oriented)
    double follow_up = 0.0;  // the follow-up's improvement
    double follow_up_low = 0.0;  // its own interval, oriented
    double follow_up_high = 0.0;
    double difference = 0.0;  // follow_up - original
    double std_error = 0.0;
    double ci_low = 0.0;
    double ci_high = 0.0;
    double confidence = 0.95;
};

// The standard error of an estimate: its own where the method gives one, else from the width of
// its interval as if it were normal (the score and Newcombe intervals of shares give none).
[[nodiscard]] double standard_error_of(const Estimate& effect);

// Throws InvalidArgumentError naming "original" or "follow_up" for an estimate that is not finite
// or has no spread.
[[nodiscard]] FollowUpEffect compare_follow_up(const Estimate& original, const Estimate& follow_up,
                                               Direction direction);

[[nodiscard]] std::string_view to_string(Persistence v);

}  // namespace kokeilu::stats
