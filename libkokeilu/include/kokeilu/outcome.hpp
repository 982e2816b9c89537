// The outcome of a concluded experiment: the verdict, the Learning Card and the decision.
#pragma once

#include "kokeilu/time.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu {

enum class Verdict { supported, refuted, inconclusive };
enum class Decision { scale_up, adapt, stop };  // adapt: adapt and run again

// The success criterion a verdict is judged against: as it was locked when the experiment started,
// or as amended after that (an exploratory judgement: the criterion changed after data was seen).
enum class Criterion { locked, amended };

// The record after the experiment, in four parts.
struct LearningCard {
    std::string we_believed{};  // "We believed that ..."
    std::string we_observed{};  // "We observed ..."
    std::string we_learned{};   // "From that we learned ..."
    std::string therefore{};    // "Therefore, we will ..."

    bool operator==(const LearningCard&) const = default;
};

struct Outcome {
    Verdict verdict = Verdict::inconclusive;  // against the criterion locked at start
    LearningCard learning{};
    Decision decision = Decision::adapt;
    Date decided_on{};  // not-a-date means "today" when concluding
    // Against the criterion as amended after the start: only for an experiment whose success
    // criterion was amended (see criterion_changes), and then the second, exploratory judgement.
    std::optional<Verdict> amended_verdict{};
    // Which of the two judgements the team stands by; amended needs amended_verdict.
    Criterion judged_against = Criterion::locked;
    // The months after decided_on at which to measure again whether the change lasted
    // (kokeilu/follow_up.hpp): increasing, each 1 to 120. When concluding, nullopt is the default
    // for the decision ({3, 6, 12} for scale_up, none for the others); a concluded experiment keeps
    // nullopt for "none", so an empty list given to conclude is stored as nullopt.
    std::optional<std::vector<int>> follow_up_months{};

    // The verdict of the judgement the team chose.
    [[nodiscard]] Verdict chosen_verdict() const noexcept {
        return judged_against == Criterion::amended && amended_verdict ? *amended_verdict : verdict;
    }

    bool operator==(const Outcome&) const = default;
};

[[nodiscard]] std::string_view to_string(Verdict v);
[[nodiscard]] std::string_view to_string(Decision v);
[[nodiscard]] std::string_view to_string(Criterion v);
[[nodiscard]] Verdict parse_verdict(std::string_view text);
[[nodiscard]] Decision parse_decision(std::string_view text);
[[nodiscard]] Criterion parse_criterion(std::string_view text);

}  // namespace kokeilu
