#include "kokeilu/stats/design_series.hpp"

#include "kokeilu/error.hpp"

#include <cmath>

namespace kokeilu::stats {

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0); }

}  // namespace

std::string_view to_string(SeriesPeriod period) { return period == SeriesPeriod::week ? "week" : "day"; }

std::string period_code(SeriesPeriod period) {
    return period == SeriesPeriod::week ? "stats.period.week" : "stats.period.day";
}

SeriesPeriod parse_series_period(std::string_view text, const std::string& field) {
    if (text == "day") return SeriesPeriod::day;
    if (text == "week") return SeriesPeriod::week;
    throw InvalidArgumentError(field, Message{"input.unknown_period", {{"value", std::string(text)}, {"known", "day, week"}}});
}

SeriesBuilder::SeriesBuilder(const TimeZone& zone, Date change, SeriesPeriod period, bool rate)
    : zone_(&zone), change_(change), period_(period), rate_(rate) {}

void SeriesBuilder::add(const ObservationRow& row) {
    const Date day = zone_->date_of(row.at_us);
    const std::int64_t days = (day - change_).days();
    const std::int64_t key = period_ == SeriesPeriod::week ? floor_div(days, 7) : days;
    Sums& sums = periods_[key];
    sums.n += row.n;
    sums.sum += row.sum;
    sums.exposure += row.exposure;
    sums.weekday = (day.day_of_week().as_number() + 6) % 7;  // boost counts from Sunday
}

PeriodSeries SeriesBuilder::series() const {
    PeriodSeries out;
    for (const auto& [key, sums] : periods_) {
        const double denominator = rate_ ? sums.exposure : static_cast<double>(sums.n);
        if (!(denominator > 0.0)) continue;  // a period of exposure 0 has no rate
        out.period.push_back(static_cast<double>(key));
        out.value.push_back(sums.sum / denominator);
        out.n.push_back(sums.n);
        if (period_ == SeriesPeriod::day) out.weekday.push_back(sums.weekday);
    }
    return out;
}

DesignSeries design_series(const Tracker& tracker, const Experiment& experiment, SeriesPeriod period,
                           std::optional<Time> until) {
    DesignSeries out;
    out.period = period;
    // A plain before/after comparison needs no periods: its analysis is not charged a scan.
    const bool by_period = experiment.design == DesignKind::difference_in_differences ||
                           experiment.design == DesignKind::interrupted_time_series;
    if (!by_period || !experiment.actual_start) {
        return out;
    }
    std::map<std::int64_t, std::string> arm_names;
    for (const Arm& a : experiment.arms) {
        arm_names[a.id] = a.name;
    }
    for (const Metric& m : experiment.metrics) {
        std::map<std::int64_t, SeriesBuilder> builders;
        for (const Arm& a : experiment.arms) {
            builders.emplace(a.id, SeriesBuilder(tracker.time_zone(), *experiment.actual_start, period,
                                                 m.kind == MetricKind::count));
        }
        ObservationQuery query;
        query.metric = m.name;
        query.to = until;
        tracker.for_each_observation(experiment.key, query, [&](const ObservationRow& row) {
            const auto found = builders.find(row.arm_id);
            if (found != builders.end()) found->second.add(row);
        });
        auto& arms = out.metrics[m.name];
        for (const Arm& a : experiment.arms) {
            arms[a.name] = builders.at(a.id).series();
        }
    }
    return out;
}

}  // namespace kokeilu::stats
