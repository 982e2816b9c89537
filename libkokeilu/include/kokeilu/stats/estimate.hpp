// The result of one comparison: an effect estimate with its interval and p-value, and the name of
// the method that produced it, so that a report can say how every number was obtained.
#pragma once

#include "kokeilu/error.hpp"

#include <optional>
#include <string>
#include <utility>

namespace kokeilu::stats {

struct Estimate {
    double estimate = 0.0;  // the effect (difference, relative lift, rate ratio, ...) on its own scale
    double ci_low = 0.0;    // confidence interval at `confidence`
    double ci_high = 0.0;
    double p_value = 1.0;  // two-sided, against "no effect" (or against the target)
    double confidence = 0.95;
    double std_error = 0.0;             // of the estimate, where the method has one (else 0)
    std::optional<double> statistic{};  // t, z, chi-square ... where the method has one
    std::optional<double> df{};         // degrees of freedom of a t statistic
    std::string method{};               // e.g. "welch_t", "newcombe_wilson"
    std::string notes{};                // caveats in plain words; empty when there are none
};

// Raised when the data cannot support the method at all: an empty arm, one observation where a
// spread is needed, zero variance, all successes where an odds ratio is needed. It is an
// InvalidArgumentError (field() names the arm or input), so callers that do not care about the
// difference still get one clear error; the analysis turns it into a "not enough data" status.
class NotEnoughDataError : public InvalidArgumentError {
public:
    NotEnoughDataError(const std::string& field, Message problem) : InvalidArgumentError(field, std::move(problem)) {}
};

}  // namespace kokeilu::stats
