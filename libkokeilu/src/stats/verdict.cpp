#include "kokeilu/stats/verdict.hpp"

#include "stats/checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace kokeilu::stats {

namespace {

// Three significant digits, as the English sentence writes its numbers; a front end saying the
// sentence in another language takes the numbers from the message's parameters.
std::string number(double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", x);
    return buffer;
}

// Whether the metric's effect is a difference of shares, said in percentage points: a proportion's
// values are shares whatever its unit text names (the unit says what is counted).
bool in_percentage_points(const Metric& metric) {
    return metric.kind == MetricKind::proportion && metric.effect_scale == EffectScale::absolute;
}

// An amount of the metric: "0.35 points", a proportion's "8.3 percentage points" or, on the
// relative scale, "9.8 %".
std::string amount(double x, const Metric& metric) {
    if (metric.effect_scale == EffectScale::relative) {
        return number(100.0 * x) + " %";
    }
    if (in_percentage_points(metric)) {
        return number(100.0 * x) + " percentage points";
    }
    return metric.unit.empty() ? number(x) : number(x) + " " + metric.unit;
}

void check_metric(const Metric& metric) {
    if (!(std::isfinite(metric.minimum_effect) && metric.minimum_effect > 0.0)) {
        throw InvalidArgumentError("minimum_effect",
                                   Message{"stats.verdict.minimum_effect", {{"value", metric.minimum_effect}}});
    }
    detail::check_confidence(metric.confidence, "metric.confidence");
}

// The parameters every judgement with an estimate has: the numbers as they are, and the English
// phrases its template names.
Message judgement(const char* code, const Metric& metric, const Estimate& effect) {
    const char* change_code = effect.estimate > 0.0   ? "stats.verdict.change.rose"
                              : effect.estimate < 0.0 ? "stats.verdict.change.fell"
                                                      : "stats.verdict.change.none";
    const bool relative = metric.effect_scale == EffectScale::relative;
    const std::string suffix = relative ? " %" : "";
    const double scale = relative || in_percentage_points(metric) ? 100.0 : 1.0;
    const bool higher = metric.direction == Direction::higher_is_better;
    const Message change{change_code, {{"amount", amount(std::abs(effect.estimate), metric)}}};
    const Message interval{higher ? "stats.verdict.interval.higher" : "stats.verdict.interval.lower",
                           {{"level", number(100.0 * metric.confidence)},
                            {"low", number(scale * effect.ci_low) + suffix},
                            {"high", number(scale * effect.ci_high) + suffix}}};
    return Message{code,
                   {{"metric", shown_name(metric)},
                    {"direction", std::string(higher ? "higher_is_better" : "lower_is_better")},
                    {"scale", std::string(relative ? "relative" : "absolute")},
                    {"unit", metric.unit},
                    {"kind", std::string(to_string(metric.kind))},
                    {"estimate", effect.estimate},
                    {"low", effect.ci_low},
                    {"high", effect.ci_high},
                    {"confidence", metric.confidence},
                    {"minimum_effect", metric.minimum_effect},
                    {"change", change.english()},
                    {"interval", interval.english()},
                    {"minimum", amount(metric.minimum_effect, metric)}}};
}

// The notes after the judgement: customer impact not measured; the amendments of the judged metric
// and of "we are right if" (only for the locked criterion: the sentence of the amended one says
// it is judged against it).
void add_notes(VerdictResult& r, const Metric& metric, std::span<const Amendment> amendments) {
    // An activity/output metric's judgement says customer impact was not measured where its own
    // sentence does not (customer_impact_unmeasured says it; a refutation needs no such note).
    const bool undecided = r.reason == VerdictReason::undecided || r.reason == VerdictReason::not_enough_data ||
                           r.reason == VerdictReason::values_unusable;
    if (!r.customer_impact_measured && undecided) {
        r.notes.push_back(Message{"stats.verdict.customer_impact_note", {}});
    }
    if (r.criterion == Criterion::amended) {
        return;
    }
    const auto about_metric = [&](const std::string& field) {
        for (const char* list : {"metrics[", "metric["}) {
            if (field.rfind(list + metric.name + "]", 0) == 0) {
                return true;
            }
        }
        return false;
    };
    std::string fields;
    for (const Amendment& a : amendments) {
        if (about_metric(a.field) || a.field == "test_card.right_if") {
            fields += (fields.empty() ? "" : ", ") + a.field + ": " + a.old_value + " \u2192 " + a.new_value;
        }
    }
    if (!fields.empty()) {
        r.notes.push_back(Message{"stats.verdict.amended_note", {{"changes", fields}}});
    }
}

}  // namespace

std::string verdict_sentence_en(const VerdictResult& verdict) {
    std::string body = verdict.message.english();
    std::string after;
    for (const Message& note : verdict.notes) {
        // The amendments are named after the exploratory wrapper; a note on the judgement inside it.
        std::string& into = note.code == "stats.verdict.amended_note" ? after : body;
        // Appended piece by piece: GCC 12 at -O3 warns falsely (-Wrestrict) on "literal" + string&&.
        into += ' ';
        into += note.english();
    }
    if (verdict.criterion == Criterion::amended && !body.empty()) {
        if (body[0] >= 'A' && body[0] <= 'Z') {
            body[0] = static_cast<char>(body[0] - 'A' + 'a');
        }
        body = Message{"stats.verdict.exploratory", {{"sentence", body}}}.english();
    }
    return body + after;
}

namespace {

// The fewest more observations after which the method's own interval decides the verdict, the
// results staying as they are: doubling until one decides, then halving the gap.
std::optional<std::int64_t> observations_to_decide(const Metric& metric, std::int64_t observations,
                                                   const Reestimate& reestimate) {
    const auto decides = [&](std::int64_t extra) {
        try {
            return judge(metric, reestimate(observations + extra), 0).verdict != Verdict::inconclusive;
        } catch (const InvalidArgumentError&) {
            return false;  // rounding the grown arms left the method nothing to compare
        }
    };
    constexpr std::int64_t most = std::int64_t{1} << 40;
    std::int64_t undecided = 0;
    std::int64_t extra = 1;
    while (!decides(extra)) {
        if (extra >= most) {
            return std::nullopt;
        }
        undecided = extra;
        extra *= 2;
    }
    while (extra - undecided > 1) {
        const std::int64_t middle = undecided + (extra - undecided) / 2;
        (decides(middle) ? extra : undecided) = middle;
    }
    return extra;
}

}  // namespace

VerdictResult judge(const Metric& metric, const Estimate& effect, std::int64_t observations,
                    std::span<const Amendment> amendments, Criterion criterion) {
    return judge(metric, effect, observations, amendments, criterion, Reestimate{});
}

VerdictResult judge(const Metric& metric, const Estimate& effect, std::int64_t observations,
                    std::span<const Amendment> amendments, Criterion criterion, const Reestimate& reestimate) {
    check_metric(metric);
    if (observations < 0) {
        throw InvalidArgumentError("observations", Message{"stats.count.negative", {{"value", observations}}});
    }
    if (!(std::isfinite(effect.estimate) && std::isfinite(effect.ci_low) && std::isfinite(effect.ci_high))) {
        throw InvalidArgumentError("effect", Message{"stats.effect.not_finite", {}});
    }
    if (!(effect.ci_low <= effect.estimate && effect.estimate <= effect.ci_high)) {
        throw InvalidArgumentError("effect", Message{"stats.effect.interval_misses_estimate",
                                                     {{"low", effect.ci_low},
                                                      {"high", effect.ci_high},
                                                      {"estimate", effect.estimate}}});
    }
    const bool higher = metric.direction == Direction::higher_is_better;
    VerdictResult r;
    r.criterion = criterion;
    r.metric = metric.name;
    r.improvement = higher ? effect.estimate : -effect.estimate;
    r.improvement_low = higher ? effect.ci_low : -effect.ci_high;
    r.improvement_high = higher ? effect.ci_high : -effect.ci_low;
    r.customer_impact_measured = metric.impact == ImpactClass::customer_outcome;
    const double minimum = metric.minimum_effect;

    if (r.improvement_high < minimum) {
        r.verdict = Verdict::refuted;
        r.reason = r.improvement_high < 0.0 ? VerdictReason::wrong_direction : VerdictReason::too_small;
    } else if (r.improvement_low > 0.0) {
        r.verdict = r.customer_impact_measured ? Verdict::supported : Verdict::inconclusive;
        r.reason = r.customer_impact_measured ? VerdictReason::improvement : VerdictReason::customer_impact_unmeasured;
    } else {
        r.verdict = Verdict::inconclusive;
        r.reason = VerdictReason::undecided;
    }

    if (r.verdict == Verdict::inconclusive && observations > 0 && reestimate) {
        r.additional_observations = observations_to_decide(metric, observations, reestimate);
    } else if (r.verdict == Verdict::inconclusive && observations > 0) {
        // The interval must shrink until it clears zero (then supported) or the minimum effect
        // (then refuted); whichever is farther from the estimate needs fewer observations.
        const double half_width = (r.improvement_high - r.improvement_low) / 2.0;
        double distance = minimum - r.improvement;  // to clear the minimum effect from above
        if (r.customer_impact_measured) {
            distance = std::max(distance, r.improvement);
        }
        if (distance > 0.0 && half_width > 0.0) {
            const double ratio = half_width / distance;
            const double needed = static_cast<double>(observations) * ratio * ratio;
            r.additional_observations =
                std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(needed)) - observations);
        }
    }

    switch (r.reason) {
        case VerdictReason::improvement:
            r.message = judgement(r.improvement_low < minimum ? "stats.verdict.improvement_maybe_small"
                                                              : "stats.verdict.improvement",
                                  metric, effect);
            break;
        case VerdictReason::too_small: r.message = judgement("stats.verdict.too_small", metric, effect); break;
        case VerdictReason::wrong_direction:
            r.message = judgement("stats.verdict.wrong_direction", metric, effect);
            break;
        case VerdictReason::customer_impact_unmeasured:
            r.message = judgement("stats.verdict.customer_impact_unmeasured", metric, effect);
            break;
        case VerdictReason::undecided:
        case VerdictReason::not_enough_data:
        case VerdictReason::values_unusable:  // never set by judge: it has an estimate
            if (!r.additional_observations) {
                r.message = judgement("stats.verdict.undecided", metric, effect);
            } else {
                r.message = judgement(*r.additional_observations == 1 ? "stats.verdict.undecided_one_more"
                                                                      : "stats.verdict.undecided_more_data",
                                      metric, effect);
                r.message.params.push_back({"additional", *r.additional_observations});
            }
            break;
    }
    add_notes(r, metric, amendments);
    r.sentence_en = verdict_sentence_en(r);
    return r;
}

namespace {

// A verdict without an estimate: inconclusive, the judgement `code` saying why.
VerdictResult without_estimate(const Metric& metric, const char* code, const std::string& why_en,
                               const Message* why, Criterion criterion) {
    check_metric(metric);
    VerdictResult r;
    r.criterion = criterion;
    r.metric = metric.name;
    r.verdict = Verdict::inconclusive;
    r.customer_impact_measured = metric.impact == ImpactClass::customer_outcome;
    r.message = Message{code, {{"metric", shown_name(metric)}, {"why", why_en}}};
    if (why != nullptr) {
        r.message.params.push_back({"why_code", why->code});
        for (const MessageParam& p : why->params) {
            r.message.params.push_back({"why." + p.name, p.value});
        }
    }
    return r;
}

}  // namespace

VerdictResult judge_not_enough_data(const Metric& metric, const std::string& why,
                                    std::span<const Amendment> amendments, Criterion criterion) {
    VerdictResult r = without_estimate(metric, "stats.verdict.not_enough_data", why, nullptr, criterion);
    r.reason = VerdictReason::not_enough_data;
    add_notes(r, metric, amendments);
    r.sentence_en = verdict_sentence_en(r);
    return r;
}

VerdictResult judge_not_enough_data(const Metric& metric, const Message& why, std::span<const Amendment> amendments,
                                    Criterion criterion) {
    // The English as the comparison's status says it: "not enough data: <field>: <reason>".
    std::string why_en = "not enough data: ";
    if (const MessageValue* field = why.param("field")) {
        why_en += message_value_text(*field) + ": ";
    }
    why_en += why.english();
    VerdictResult r = judge_not_enough_data(metric, why_en, amendments, criterion);
    const VerdictResult coded =
        without_estimate(metric, "stats.verdict.not_enough_data", why_en, &why, criterion);
    r.message = coded.message;
    return r;
}

VerdictResult judge_values_unusable(const Metric& metric, const std::string& why,
                                    std::span<const Amendment> amendments, Criterion criterion) {
    VerdictResult r = without_estimate(metric, "stats.verdict.values_unusable", why, nullptr, criterion);
    r.reason = VerdictReason::values_unusable;
    add_notes(r, metric, amendments);
    r.sentence_en = verdict_sentence_en(r);
    return r;
}

}  // namespace kokeilu::stats
