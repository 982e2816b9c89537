#include "kokeilu/stats/verdict.hpp"

#include "stats/checks.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace kokeilu::stats {

namespace {

enum class Language { en, fi };

// Three significant digits, with the decimal comma in Finnish.
std::string number(double x, Language language) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", x);
    std::string text = buffer;
    if (language == Language::fi) {
        std::replace(text.begin(), text.end(), '.', ',');
        if (!text.empty() && text[0] == '-') {
            text.replace(0, 1, "\u2212");  // a real minus sign reads better in Finnish typography
        }
    }
    return text;
}

// An amount of the metric: "0.35 points" or, on the relative scale, "9.8 %".
std::string amount(double x, const Metric& metric, Language language) {
    if (metric.effect_scale == EffectScale::relative) {
        return number(100.0 * x, language) + " %";
    }
    return metric.unit.empty() ? number(x, language) : number(x, language) + " " + metric.unit;
}

// Which way is better, from the metric's direction: said in every sentence, next to the change,
// so that "rose" and "got worse" are never left to the reader to reconcile.
std::string better(const Metric& metric, Language language) {
    const bool higher = metric.direction == Direction::higher_is_better;
    if (language == Language::en) {
        return higher ? "higher is better" : "lower is better";
    }
    return higher ? "suurempi on parempi" : "pienempi on parempi";
}

// "(higher is better; 95% interval 0.35 to 0.65 points)".
std::string interval(double low, double high, const Metric& metric, Language language) {
    const double scale = metric.effect_scale == EffectScale::relative ? 100.0 : 1.0;
    const std::string suffix = metric.effect_scale == EffectScale::relative ? " %" : "";
    const std::string level = number(100.0 * metric.confidence, language);
    if (language == Language::en) {
        return better(metric, language) + "; " + level + "% interval " + number(scale * low, language) + suffix +
               " to " + number(scale * high, language) + suffix;
    }
    return better(metric, language) + "; " + level + " %:n luottamusväli " + number(scale * low, language) + suffix +
           "\u2013" + number(scale * high, language) + suffix;
}

// The change in the metric's own terms: "rose by 0.35 points" / "nousi 0,35 points".
std::string change(double estimate, const Metric& metric, Language language) {
    const std::string size = amount(std::abs(estimate), metric, language);
    if (language == Language::en) {
        if (estimate == 0.0) {
            return "did not change";
        }
        return (estimate > 0.0 ? "rose by " : "fell by ") + size;
    }
    if (estimate == 0.0) {
        return "ei muuttunut";
    }
    return (estimate > 0.0 ? "nousi " : "laski ") + size;
}

// The amendments of the judged metric and of "we are right if", named after the sentence of the
// locked criterion: the verdict is not judged against them, but a reader must know of them.
std::string amendment_note(const Metric& metric, std::span<const Amendment> amendments, Criterion criterion,
                           Language language) {
    if (criterion == Criterion::amended) {
        return {};  // the sentence itself says it is judged against the amended criterion
    }
    const auto about_metric = [&](const std::string& field) {
        // "metrics[name]..." as the Tracker records it; "metric[name]..." as older notes wrote it.
        for (const char* list : {"metrics[", "metric["}) {
            const std::string prefix = list + metric.name + "]";
            if (field.rfind(prefix, 0) == 0) {
                return true;
            }
        }
        return false;
    };
    std::string fields;
    for (const Amendment& a : amendments) {
        if (about_metric(a.field) || a.field == "test_card.right_if") {
            if (!fields.empty()) {
                fields += ", ";
            }
            fields += a.field + ": " + a.old_value + " \u2192 " + a.new_value;
        }
    }
    if (fields.empty()) {
        return {};
    }
    if (language == Language::en) {
        return " The criterion was amended after the start (" + fields +
               "); this verdict is judged against it as locked at the start.";
    }
    return " Kriteeriä muutettiin kokeilun alettua (" + fields +
           "); tämä johtopäätös on arvioitu kriteeriä vasten sellaisena kuin se lukittiin alussa.";
}

// The sentence of a judgement against the amended criterion says so first.
std::string exploratory(const std::string& sentence, Criterion criterion, Language language) {
    if (criterion == Criterion::locked || sentence.empty()) {
        return sentence;
    }
    std::string rest = sentence;
    if (rest[0] >= 'A' && rest[0] <= 'Z') {
        rest[0] = static_cast<char>(rest[0] - 'A' + 'a');
    }
    if (language == Language::en) {
        return "Exploratory, against the amended criterion (the criterion was changed after data had been seen): " +
               rest;
    }
    return "Suuntaa antava arvio muutettua kriteeriä vasten (kriteeriä muutettiin, kun aineistoa oli jo nähty): " +
           rest;
}

void check_metric(const Metric& metric) {
    if (!(std::isfinite(metric.minimum_effect) && metric.minimum_effect > 0.0)) {
        throw InvalidArgumentError("minimum_effect", "must be a number > 0 (the smallest improvement worth having), got " +
                                                         detail::num(metric.minimum_effect));
    }
    detail::check_confidence(metric.confidence, "metric.confidence");
}

}  // namespace

VerdictResult judge(const Metric& metric, const Estimate& effect, std::int64_t observations,
                    std::span<const Amendment> amendments, Criterion criterion) {
    check_metric(metric);
    if (observations < 0) {
        throw InvalidArgumentError("observations", "must not be negative, got " + std::to_string(observations));
    }
    if (!(std::isfinite(effect.estimate) && std::isfinite(effect.ci_low) && std::isfinite(effect.ci_high))) {
        throw InvalidArgumentError("effect", "the estimate and its interval must be finite numbers");
    }
    if (!(effect.ci_low <= effect.estimate && effect.estimate <= effect.ci_high)) {
        throw InvalidArgumentError("effect", "the interval " + detail::num(effect.ci_low) + " to " +
                                                 detail::num(effect.ci_high) + " does not contain the estimate " +
                                                 detail::num(effect.estimate));
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

    if (r.verdict == Verdict::inconclusive && observations > 0) {
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

    const std::string name = metric.name;
    const std::string shown_en = interval(effect.ci_low, effect.ci_high, metric, Language::en);
    const std::string shown_fi = interval(effect.ci_low, effect.ci_high, metric, Language::fi);
    const std::string minimum_en = amount(minimum, metric, Language::en);
    const std::string minimum_fi = amount(minimum, metric, Language::fi);
    const std::string change_en = change(effect.estimate, metric, Language::en);
    const std::string change_fi = change(effect.estimate, metric, Language::fi);
    switch (r.reason) {
        case VerdictReason::improvement:
            r.sentence_en = "The experiment supported the hypothesis: " + name + " " + change_en + " (" + shown_en +
                            "), an improvement that chance does not explain";
            r.sentence_fi = "Kokeilu tuki hypoteesia: " + name + " " + change_fi + " (" + shown_fi +
                            "), eikä parannus selity sattumalla";
            if (r.improvement_low < minimum) {
                r.sentence_en += ", though it may be smaller than the minimum worthwhile effect of " + minimum_en;
                r.sentence_fi += ", mutta se voi jäädä alle pienimmän tavoitellun vaikutuksen (" + minimum_fi + ")";
            }
            r.sentence_en += ".";
            r.sentence_fi += ".";
            break;
        case VerdictReason::too_small:
            r.sentence_en = "The experiment refuted the hypothesis: " + name + " " + change_en + " (" + shown_en +
                            "), less than the minimum worthwhile effect of " + minimum_en + ".";
            r.sentence_fi = "Kokeilu kumosi hypoteesin: " + name + " " + change_fi + " (" + shown_fi +
                            "), mikä jää alle pienimmän tavoitellun vaikutuksen (" + minimum_fi + ").";
            break;
        case VerdictReason::wrong_direction:
            r.sentence_en = "The experiment refuted the hypothesis: " + name + " got worse, it " + change_en + " (" +
                            shown_en + "), instead of improving by at least " + minimum_en + ".";
            r.sentence_fi = "Kokeilu kumosi hypoteesin: " + name + " heikkeni, se " + change_fi + " (" + shown_fi +
                            "), vaikka tavoitteena oli parantaa sitä vähintään " + minimum_fi + ".";
            break;
        case VerdictReason::customer_impact_unmeasured:
            r.sentence_en = "Customer impact was not measured: " + name + " is an activity or output measure, so " +
                            "its change (it " + change_en + ", " + shown_en +
                            ") cannot support the hypothesis by itself.";
            r.sentence_fi = "Asiakasvaikuttavuutta ei mitattu: " + name + " mittaa toimintaa tai suoritteita, " +
                            "joten sen muutos (" + change_fi + ", " + shown_fi +
                            ") ei yksinään voi tukea hypoteesia.";
            break;
        case VerdictReason::undecided:
        case VerdictReason::not_enough_data:
        case VerdictReason::values_unusable:  // never set by judge: it has an estimate
            r.sentence_en = "The result is not yet conclusive: " + name + " " + change_en + " (" + shown_en +
                            "), which may still mean no effect or less than the minimum worthwhile effect of " +
                            minimum_en;
            r.sentence_fi = "Tulos ei ole vielä ratkaiseva: " + name + " " + change_fi + " (" + shown_fi +
                            "), mikä voi vielä tarkoittaa, ettei vaikutusta ole tai että se jää alle pienimmän " +
                            "tavoitellun vaikutuksen (" + minimum_fi + ")";
            if (r.additional_observations) {
                r.sentence_en += "; about " + std::to_string(*r.additional_observations) +
                                 " more observations would likely decide it.";
                r.sentence_fi += "; noin " + std::to_string(*r.additional_observations) +
                                 " havaintoa lisää todennäköisesti ratkaisisi asian.";
            } else {
                r.sentence_en += ".";
                r.sentence_fi += ".";
            }
            if (!r.customer_impact_measured) {
                r.sentence_en += " Customer impact was not measured.";
                r.sentence_fi += " Asiakasvaikuttavuutta ei mitattu.";
            }
            break;
    }
    r.sentence_en = exploratory(r.sentence_en, criterion, Language::en) +
                    amendment_note(metric, amendments, criterion, Language::en);
    r.sentence_fi = exploratory(r.sentence_fi, criterion, Language::fi) +
                    amendment_note(metric, amendments, criterion, Language::fi);
    return r;
}

VerdictResult judge_not_enough_data(const Metric& metric, const std::string& why,
                                    std::span<const Amendment> amendments, Criterion criterion) {
    check_metric(metric);
    VerdictResult r;
    r.criterion = criterion;
    r.metric = metric.name;
    r.verdict = Verdict::inconclusive;
    r.reason = VerdictReason::not_enough_data;
    r.customer_impact_measured = metric.impact == ImpactClass::customer_outcome;
    r.sentence_en = "There is not enough data to judge " + metric.name + " yet (" + why + ").";
    r.sentence_fi = "Mittarista " + metric.name + " ei ole vielä tarpeeksi havaintoja johtopäätöksiin.";
    if (!r.customer_impact_measured) {
        r.sentence_en += " Customer impact was not measured.";
        r.sentence_fi += " Asiakasvaikuttavuutta ei mitattu.";
    }
    r.sentence_en = exploratory(r.sentence_en, criterion, Language::en) +
                    amendment_note(metric, amendments, criterion, Language::en);
    r.sentence_fi = exploratory(r.sentence_fi, criterion, Language::fi) +
                    amendment_note(metric, amendments, criterion, Language::fi);
    return r;
}

VerdictResult judge_values_unusable(const Metric& metric, const std::string& why,
                                    std::span<const Amendment> amendments, Criterion criterion) {
    check_metric(metric);
    VerdictResult r;
    r.criterion = criterion;
    r.metric = metric.name;
    r.verdict = Verdict::inconclusive;
    r.reason = VerdictReason::values_unusable;
    r.customer_impact_measured = metric.impact == ImpactClass::customer_outcome;
    r.sentence_en = "The stored values of " + metric.name + " cannot be judged (" + why +
                    "); correct the values that are wrong.";
    r.sentence_fi = "Mittarin " + metric.name +
                    " tallennettuja arvoja ei voi arvioida, koska niitä ei voi laskea tarkasti yhteen. "
                    "Korjaa virheelliset arvot.";
    if (!r.customer_impact_measured) {
        r.sentence_en += " Customer impact was not measured.";
        r.sentence_fi += " Asiakasvaikuttavuutta ei mitattu.";
    }
    r.sentence_en = exploratory(r.sentence_en, criterion, Language::en) +
                    amendment_note(metric, amendments, criterion, Language::en);
    r.sentence_fi = exploratory(r.sentence_fi, criterion, Language::fi) +
                    amendment_note(metric, amendments, criterion, Language::fi);
    return r;
}

}  // namespace kokeilu::stats
