// The verdict: whether the experiment supported or refuted its hypothesis, judged against the
// criterion locked at the start (the primary metric's minimum worthwhile effect), with one sentence
// that a non-statistician can read aloud in a meeting: in English, and as codes and parameters from
// which a front end says it in its own language (the Python package: Finnish, Swedish, English).
//
// With the effect turned so that positive is better (the metric's direction) and [low, high] its
// interval at the metric's confidence level:
//   supported     low > 0: an improvement that chance does not explain;
//   refuted       high < minimum effect: the effect is too small to matter, or goes the wrong way;
//   inconclusive  neither yet.
// When both hold (an improvement that is real but surely smaller than worthwhile), the verdict is
// refuted: the Test Card said "we are right if" the change is worth having, and it is not.
// An activity/output metric never yields supported: at best the verdict is inconclusive and says
// that customer impact was not measured.
#pragma once

#include "kokeilu/amendment.hpp"
#include "kokeilu/message.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/outcome.hpp"
#include "kokeilu/stats/estimate.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kokeilu::stats {

enum class VerdictReason {
    improvement,               // supported: the interval excludes zero on the better side
    too_small,                 // refuted: the interval lies below the minimum worthwhile effect
    wrong_direction,           // refuted: the interval lies wholly on the worse side of zero
    undecided,                 // inconclusive: the interval still includes both outcomes
    customer_impact_unmeasured,  // inconclusive: an activity/output metric improved, which is not enough
    not_enough_data,           // inconclusive: the method could not be applied yet
    values_unusable,           // inconclusive: the stored values cannot be summarised (too large)
};

struct VerdictResult {
    // The criterion judged against: as locked at start, or as amended after it (exploratory).
    Criterion criterion = Criterion::locked;
    std::string metric{};  // the primary metric judged
    Verdict verdict = Verdict::inconclusive;
    VerdictReason reason = VerdictReason::not_enough_data;
    // The effect and its interval turned so that positive means better.
    double improvement = 0.0;
    double improvement_low = 0.0;
    double improvement_high = 0.0;
    // For inconclusive: about how many more observations (all arms together) would likely decide it,
    // assuming the estimate stays where it is: counted by the comparison's own method where judge()
    // is given a Reestimate, else with the interval narrowing as 1 / sqrt(n). Empty when
    // more data cannot decide it (an activity metric that already improved) or there is no estimate.
    std::optional<std::int64_t> additional_observations{};
    bool customer_impact_measured = true;
    // The sentence as codes and parameters, for a front end to say in its own language: `message`
    // is the judgement ("stats.verdict.<reason>", with a variant per case); `notes` the sentences
    // that follow it ("stats.verdict.customer_impact_note", "stats.verdict.amended_note"). With
    // Criterion::amended, message and notes together are said inside "stats.verdict.exploratory".
    // The judgement's parameters: metric, direction ("higher_is_better" or "lower_is_better"),
    // scale ("absolute" or "relative"), unit, estimate, low, high (the effect and its interval in
    // the metric's terms, a relative change as a fraction), confidence, minimum_effect, and where
    // the case has them additional (observations) or why (the reason there is no estimate, in
    // English; why_code and its parameters prefixed "why." when the reason has a code); and the
    // English phrases change, interval and minimum that the template names.
    Message message{};
    std::vector<Message> notes{};
    std::string sentence_en{};  // verdict_sentence_en() of the above
};

// Judges `effect`, an estimate on the scale of metric.minimum_effect: a difference in the metric's
// unit when metric.effect_scale is absolute, a relative change (treatment / control - 1, or a rate
// ratio minus 1) when it is relative; its sign must be that of the change in the metric (positive:
// the metric rose). `observations` is the number of observations behind it (all arms).
// `amendments` are the experiment's amendments; those that changed this metric or the Test Card's
// "right if" are named in the sentence of the locked criterion. With Criterion::amended the
// sentences say first that the judgement is exploratory, against a criterion changed after data had
// been seen. The sentences take the direction, the minimum effect and the wording from `metric`
// alone, as the verdict does, and say which direction is better, so that no sentence can call a
// change in the better direction worse.
// Throws InvalidArgumentError when metric.minimum_effect is not > 0, the interval is not finite or
// does not contain the estimate, or observations < 0.
[[nodiscard]] VerdictResult judge(const Metric& metric, const Estimate& effect, std::int64_t observations,
                                  std::span<const Amendment> amendments = {}, Criterion criterion = Criterion::locked);

// The estimate a comparison's own method would give with `total` observations (all arms together),
// the arms grown in proportion and showing the results they have shown so far.
using Reestimate = std::function<Estimate(std::int64_t total)>;

// judge() for a comparison whose method can be asked again: additional_observations is then the
// fewest more observations after which `reestimate`'s interval would decide the verdict (found by
// doubling, then halving, up to 2^40 more; empty when none up to that decides it), instead of the
// 1 / sqrt(n) approximation, which a method on few counts does not follow. An empty `reestimate`
// is the approximation.
[[nodiscard]] VerdictResult judge(const Metric& metric, const Estimate& effect, std::int64_t observations,
                                  std::span<const Amendment> amendments, Criterion criterion,
                                  const Reestimate& reestimate);

// The verdict while a method cannot be applied yet (NotEnoughDataError): inconclusive, saying why.
[[nodiscard]] VerdictResult judge_not_enough_data(const Metric& metric, const std::string& why,
                                                  std::span<const Amendment> amendments = {},
                                                  Criterion criterion = Criterion::locked);

// The verdict when the primary metric's stored values cannot be summarised (values too large to
// add up exactly): inconclusive until they are corrected, saying why.
// The same with the reason as a coded message (a comparison's status_message): its code and
// parameters go into the verdict's message, so a front end can say the reason in its language.
[[nodiscard]] VerdictResult judge_not_enough_data(const Metric& metric, const Message& why,
                                                  std::span<const Amendment> amendments = {},
                                                  Criterion criterion = Criterion::locked);

// The English sentence of a verdict: its message and notes, inside "stats.verdict.exploratory"
// for a judgement against the amended criterion.
[[nodiscard]] std::string verdict_sentence_en(const VerdictResult& verdict);

[[nodiscard]] VerdictResult judge_values_unusable(const Metric& metric, const std::string& why,
                                                  std::span<const Amendment> amendments = {},
                                                  Criterion criterion = Criterion::locked);

}  // namespace kokeilu::stats
