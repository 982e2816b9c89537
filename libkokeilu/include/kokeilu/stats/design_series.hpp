// The observations of a design split at its start, one value per period, in the tracker's time
// zone: what the pre-trend check of a difference in differences and the interrupted time series
// fit. A period is a local day, or seven local days counted from the day of the change (so that no
// week holds both sides of it); periods are numbered from the change's, which is 0, and the
// periods before it are negative.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/observation.hpp"
#include "kokeilu/time.hpp"
#include "kokeilu/time_zone.hpp"
#include "kokeilu/tracker.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu::stats {

enum class SeriesPeriod { day, week };

[[nodiscard]] std::string_view to_string(SeriesPeriod period);
// The message code that names the period in a sentence ("stats.period.day", "stats.period.week").
[[nodiscard]] std::string period_code(SeriesPeriod period);
// "day" or "week"; else InvalidArgumentError naming `field` ("input.unknown_series_period").
[[nodiscard]] SeriesPeriod parse_series_period(std::string_view text, const std::string& field = "period");

// One arm's periods in order, each with its value: the mean of its values (a share for a
// proportion), or its events per unit of exposure for a count.
struct PeriodSeries {
    std::vector<double> period{};       // ascending; 0 is the period of the change
    std::vector<double> value{};
    std::vector<std::int64_t> weekday{};  // day periods: the day's weekday, 0 = Monday .. 6 = Sunday
    std::vector<std::int64_t> n{};        // observations in the period (an aggregated row counts its n)
};

// By metric name, then arm name; an arm without rows has an empty series.
struct DesignSeries {
    SeriesPeriod period = SeriesPeriod::day;
    std::map<std::string, std::map<std::string, PeriodSeries>> metrics{};
};

// Adds rows to per-period sums and gives the series: the one rule of periods, for the tracker's
// scan and for a caller with rows of its own. `change` is the local date of the change (the
// experiment's actual start).
class SeriesBuilder {
public:
    SeriesBuilder(const TimeZone& zone, Date change, SeriesPeriod period, bool rate);
    void add(const ObservationRow& row);
    [[nodiscard]] PeriodSeries series() const;

private:
    struct Sums {
        std::int64_t n = 0;
        double sum = 0.0;
        double exposure = 0.0;
        std::int64_t weekday = 0;
    };
    const TimeZone* zone_;
    Date change_;
    SeriesPeriod period_;
    bool rate_;
    std::map<std::int64_t, Sums> periods_;
};

// The series of every metric and arm of a difference in differences or an interrupted time
// series, read in one scan per metric (rows before `until` only, when given). Empty for other
// designs (a plain before/after is split at its start too, but compares no periods) and before the
// experiment has started.
[[nodiscard]] DesignSeries design_series(const Tracker& tracker, const Experiment& experiment,
                                         SeriesPeriod period = SeriesPeriod::day,
                                         std::optional<Time> until = std::nullopt);

}  // namespace kokeilu::stats
