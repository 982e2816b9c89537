// The outcome of a concluded experiment: the verdict, the Learning Card and the decision.
#pragma once

#include "kokeilu/time.hpp"

#include <string>
#include <string_view>

namespace kokeilu {

enum class Verdict { supported, refuted, inconclusive };
enum class Decision { scale_up, adapt, stop };  // adapt: adapt and run again

// The record after the experiment, in four parts.
struct LearningCard {
    std::string we_believed;   // "We believed that ..."
    std::string we_observed;   // "We observed ..."
    std::string we_learned;    // "From that we learned ..."
    std::string therefore;     // "Therefore, we will ..."

    bool operator==(const LearningCard&) const = default;
};

struct Outcome {
    Verdict verdict = Verdict::inconclusive;
    LearningCard learning;
    Decision decision = Decision::adapt;
    Date decided_on;  // not-a-date means "today" when concluding

    bool operator==(const Outcome&) const = default;
};

[[nodiscard]] std::string_view to_string(Verdict v);
[[nodiscard]] std::string_view to_string(Decision v);
[[nodiscard]] Verdict parse_verdict(std::string_view text);
[[nodiscard]] Decision parse_decision(std::string_view text);

}  // namespace kokeilu
