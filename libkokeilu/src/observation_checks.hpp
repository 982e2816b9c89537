// The one set of rules every observation meets, whichever door it comes in by (Tracker::log,
// log_many, log_columns, log_aggregate_columns; in Python log, log_many, log_frame,
// log_aggregates and the CSV import, which all end here). Each rule is written once, here:
//
//   time    years 1400-9999; not before the actual start (unless backfill); not more than a day
//           after now (unless allow_future); in a before/after design, a "before" value timed
//           before the start and an "after" value from the start on, backfill or not (a value of
//           the other period is in the wrong arm, whenever it arrived)
//   arm     a name of the experiment's arms (may be left out when it has one)
//   value   finite; 0 or 1 for a proportion; not negative for a count; in the metric's valid range
//   row     an aggregated row's n, sum and sum_sq as its kind and range allow; counts that add up
//           past the largest 64-bit integer are refused before they are added
//   exposure  count metrics only, finite and above 0
//   covariate the subject's pre-period value: finite, on every unit-level row of a metric that
//           names one (Metric::covariate) and on no other row; such a metric takes no aggregates
//
// A problem names the field as the caller wrote it: "at", "observations[3].value", "score[3]".
// The checks of a million rows allocate nothing and build a message only for a row at fault.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/observation.hpp"
#include "kokeilu/store.hpp"
#include "kokeilu/tracker.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kokeilu::detail {

// Where the problems of a check go: thrown at once as InvalidArgumentError (a write: limit 0), or
// collected, the first `limit` with their text and the rest counted (a front end's report).
class ProblemSink {
public:
    explicit ProblemSink(std::size_t limit = 0) : limit_(limit) {}

    [[nodiscard]] bool throws() const noexcept { return limit_ == 0; }
    // Reports a problem; make() builds its message, only when it is wanted.
    template <class Make>
    void report(const std::string& column, std::optional<std::size_t> row, Make make) {
        ++problems_.total;
        if (throws() || problems_.listed.size() < limit_) add(column, row, make());
    }
    [[nodiscard]] bool empty() const noexcept { return problems_.total == 0; }
    [[nodiscard]] InputProblems take() { return std::move(problems_); }
    // The caller gave one row by its fields: problems name the fields without a row.
    void name_rows(bool yes) noexcept { name_rows_ = yes; }

private:
    void add(const std::string& column, std::optional<std::size_t> row, Message problem);

    std::size_t limit_;
    bool name_rows_ = true;
    InputProblems problems_;
};

// The times a write takes.
struct TimeWindow {
    std::int64_t earliest = earliest_unix_micros;
    std::int64_t latest = latest_unix_micros;
    std::optional<Date> start;           // set when earliest is the actual start (no backfill)
    std::optional<std::int64_t> now_us;  // set when latest is a day after now (no allow_future)
    std::optional<std::int64_t> period_split_us;  // designs split at the start: the actual start

    [[nodiscard]] bool contains(std::int64_t at_us) const noexcept { return at_us >= earliest && at_us <= latest; }
    // Whether a value of an arm with this role is timed in the other period.
    [[nodiscard]] bool wrong_period(ArmRole role, std::int64_t at_us) const noexcept {
        if (!period_split_us) return false;
        const std::optional<bool> before = is_before_change(role);
        if (!before) return false;
        return *before ? at_us >= *period_split_us : at_us < *period_split_us;
    }
};
// The window opens at the start of the actual start's day in the tracker's zone: a 01:00 Helsinki
// observation on the start day is inside it.
[[nodiscard]] TimeWindow time_window(const Experiment& e, const LogOptions& options, const TimeZone& zone,
                                     std::int64_t now_us);
// Why a time outside the window is refused.
[[nodiscard]] Message time_problem(const Experiment& e, const TimeWindow& window, std::int64_t at_us);
// Why a time in the other period than its arm's is refused (see TimeWindow::wrong_period).
[[nodiscard]] Message period_problem(const Experiment& e, const Arm& arm, std::int64_t at_us);

// The unit-level values a metric takes. Unset ends are the largest finite doubles, so that one
// pair of comparisons also refuses NaN and the infinities.
struct ValueRule {
    double lowest = 0.0;
    double highest = 0.0;
    bool binary = false;

    [[nodiscard]] bool accepts(double v) const noexcept {
        return v >= lowest && v <= highest && (!binary || v == 0.0 || v == 1.0);
    }
};
[[nodiscard]] ValueRule value_rule(const Metric& metric) noexcept;
// Why a value the rule does not accept is refused ("must be a finite number, got inf").
[[nodiscard]] Message value_problem(const Metric& metric, double value);

// The metric an observation names (empty: the primary), and the arm (empty: the only one).
const Metric& resolve_metric(const Experiment& e, std::string_view name, const std::string& field);
const Arm& resolve_arm(const Experiment& e, std::string_view name, const std::string& field);

// Running totals of n per metric and arm within one write, refused before they overflow.
class CountTotals {
public:
    // False (nothing added) when the total would pass the largest 64-bit integer.
    bool add(std::int64_t metric_id, std::int64_t arm_id, std::int64_t n) noexcept;

private:
    std::map<std::pair<std::int64_t, std::int64_t>, std::int64_t> totals_;
};
[[nodiscard]] Message count_overflow_problem(std::string_view arm, std::int64_t n);

// One observation as a record with store ids; the first problem is thrown, naming the field of row
// `index` of a batch ("observations[3].value") or, without an index, the bare field ("value").
[[nodiscard]] ObservationRecord check_observation(const Experiment& e, const Observation& o, const TimeWindow& window,
                                                  std::optional<std::size_t> index, CountTotals& totals);

// Unit-level columns: every row checked, problems to the sink. Returns the store id of each
// entry of arm_names (0 for a name that is not an arm).
[[nodiscard]] std::vector<std::int64_t> check_unit_columns(const Experiment& e, const Metric& metric,
                                                           const ObservationColumns& columns,
                                                           const TimeWindow& window, ProblemSink& sink);
// Aggregated columns: every row checked, problems to the sink; the records of the rows.
[[nodiscard]] std::vector<ObservationRecord> check_aggregate_columns(const Experiment& e, const Metric& metric,
                                                                     const AggregateColumns& columns,
                                                                     const TimeWindow& window, ProblemSink& sink);

}  // namespace kokeilu::detail
