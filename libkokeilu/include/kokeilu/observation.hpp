// Observations: the measured values of a metric, in an arm, at a time. Either one unit's value
// (a survey answer, a 0/1 outcome, a count of events), or a pre-aggregated row that summarises many
// units, so that a survey summary can be recorded without its raw data.
#pragma once

#include "kokeilu/message.hpp"
#include "kokeilu/time.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu {

// A pre-aggregated row. Which fields mean what depends on the metric kind:
//   mean:       n units, sum of values, sum of squared values
//   proportion: n trials, sum = successes (sum_sq unused)
//   count:      n units, sum = events, exposure on the Observation (sum_sq unused: counts are
//               compared as events per unit of exposure)
struct Aggregate {
    std::int64_t n = 0;
    double sum = 0.0;
    std::optional<double> sum_sq{};

    static Aggregate mean(std::int64_t n, double sum, double sum_sq) { return {n, sum, sum_sq}; }
    static Aggregate proportion(std::int64_t successes, std::int64_t trials) {
        return {trials, static_cast<double>(successes), std::nullopt};
    }
    static Aggregate events(std::int64_t units, double events) { return {units, events, std::nullopt}; }

    bool operator==(const Aggregate&) const = default;
};

struct Observation {
    Time at{};             // UTC
    std::string metric{};  // metric name; empty means the primary metric
    std::string arm{};     // arm name; may be empty only when the experiment has exactly one arm
    double value = 0.0;    // a unit's value; ignored when aggregate is set
    std::optional<Aggregate> aggregate{};
    std::optional<double> exposure{};  // count metrics: time or population at risk (default 1)
    std::string subject{};             // optional pseudonymous subject key
    std::string note{};
    // The subject's value before the experiment, for a metric that names one (Metric::covariate):
    // required there, refused elsewhere and on an aggregated row.
    std::optional<double> covariate{};

    bool operator==(const Observation&) const = default;
};

// The names the caller knows the columns by. Every error about a row names the column and the row
// as the caller wrote them ("at[3]", "score[3]" for a frame whose value column is "score"), so a
// front end passes its own names here instead of rewording the core's errors.
struct ColumnNames {
    std::string at = "at";
    std::string value = "value";
    std::string arm = "arm";
    std::string exposure = "exposure";
    std::string n = "n";
    std::string sum = "sum";
    std::string sum_sq = "sum_sq";
    std::string note = "note";
    std::string covariate = "covariate";
    // The caller gave one time for every row: a problem with it names the column without a row.
    // (One arm for every row is said by leaving arm_codes empty.)
    bool at_given_once = false;
    // The caller gave one row, by its fields: problems name the fields alone ("n", not "n[0]").
    bool one_row = false;
};

// Many unit-level observations of one metric as columns, for bulk logging without per-row objects.
// arm_codes[i] indexes arm_names, or arm_codes is empty and arm_names holds the one arm of every
// row; exposure is empty or as long as the other columns.
struct ObservationColumns {
    std::span<const std::int64_t> at_us{};  // UTC microseconds since the Unix epoch
    std::span<const double> values{};
    std::span<const std::int32_t> arm_codes{};
    std::vector<std::string> arm_names{};
    std::span<const double> exposure{};
    // Each row's pre-period value: given (one per row) exactly when the metric names one.
    std::span<const double> covariate{};
    ColumnNames names{};
};

// Many pre-aggregated rows of one metric as columns (see Aggregate for what n and sum mean by
// kind). sum_sq and exposure are empty (not given) or as long as the other columns, with NaN
// where a row does not give one.
struct AggregateColumns {
    std::span<const std::int64_t> at_us{};
    std::span<const std::int32_t> arm_codes{};
    std::vector<std::string> arm_names{};
    std::span<const std::int64_t> n{};
    std::span<const double> sum{};
    std::span<const double> sum_sq{};
    std::span<const double> exposure{};
    std::vector<std::string> notes{};  // empty, or one per row ("" for none)
    ColumnNames names{};
};

// One problem of one row (or of a whole column, when row is empty), as the core reports it when
// asked for every problem instead of the first (Tracker::check_columns). field() is what an
// InvalidArgumentError for it would name: "value[3]".
struct InputProblem {
    std::string column{};
    std::optional<std::size_t> row{};
    Message problem{};  // problem.english() is its English text

    [[nodiscard]] std::string field() const {
        return row ? column + "[" + std::to_string(*row) + "]" : column;
    }
    bool operator==(const InputProblem&) const = default;
};

struct InputProblems {
    std::vector<InputProblem> listed{};  // the first ones, in row order
    std::size_t total = 0;               // all of them, listed or not
};

// What to read back. An empty metric means the primary metric; empty arms means every arm.
struct ObservationQuery {
    std::string metric{};
    std::vector<std::string> arms{};
    std::optional<Time> from{};  // inclusive
    std::optional<Time> to{};    // exclusive
    // Stream only what a summary needs: the arm, the value or aggregate and the exposure. The row's
    // id and time are 0 and its subject and note empty; reading fewer columns makes a scan of
    // millions of rows markedly faster. The rows still come in time order.
    bool summary_only = false;
    // Read the voided rows too, marked as such (ObservationTable::voided); never with summary_only.
    bool include_voided = false;
};

// One stored observation as the store streams it, in time order. Pointers into the store's
// buffers are valid only during the callback.
struct ObservationRow {
    std::int64_t id = 0;
    std::int64_t at_us = 0;
    std::int64_t arm_id = 0;
    double value = 0.0;  // unit-level value (NaN for aggregated rows)
    bool is_aggregate = false;
    std::int64_t n = 1;   // 1 for a unit-level row
    double sum = 0.0;     // value for a unit-level row
    double sum_sq = 0.0;  // value * value for a unit-level row (NaN when not known)
    double exposure = 1.0;
    std::string_view subject{};
    std::string_view note{};
    bool voided = false;  // set only by a scan that includes the voided rows
    // The subject's pre-period value (NaN when the row has none); read only by a full scan.
    double covariate = std::numeric_limits<double>::quiet_NaN();
};

// A text column that most rows leave empty (subject, note): only the rows that have a text are
// kept, so that reading a million rows without one makes no string per row, and the columns cross
// to Python as the few texts there are rather than one object per row.
struct SparseTexts {
    std::vector<std::int64_t> rows{};  // ascending row numbers of the table
    std::vector<std::string> texts{};  // texts[k] belongs to row rows[k]; never empty

    // The text of `row`, empty when it has none.
    [[nodiscard]] std::string_view at(std::size_t row) const noexcept {
        const auto wanted = static_cast<std::int64_t>(row);
        const auto found = std::lower_bound(rows.begin(), rows.end(), wanted);
        if (found == rows.end() || *found != wanted) return {};
        return texts[static_cast<std::size_t>(found - rows.begin())];
    }
    // Rows must be added in ascending order; an empty text is not stored.
    void add(std::size_t row, std::string_view text) {
        if (text.empty()) return;
        rows.push_back(static_cast<std::int64_t>(row));
        texts.emplace_back(text);
    }
    bool operator==(const SparseTexts&) const = default;
};

// Observations read back as columns, in time order; arm_index[i] indexes arm_names.
// Aggregate columns hold NaN (n: 0) on unit-level rows; subject and note hold only the rows that
// have one (SparseTexts::at gives any row's, empty when absent).
struct ObservationTable {
    std::vector<std::string> arm_names{};
    std::vector<std::int64_t> id{};
    std::vector<std::int64_t> at_us{};
    std::vector<std::int32_t> arm_index{};
    std::vector<double> value{};
    std::vector<std::int64_t> n{};
    std::vector<double> sum{};
    std::vector<double> sum_sq{};
    std::vector<double> exposure{};
    SparseTexts subject{};
    SparseTexts note{};
    std::vector<double> covariate{};     // NaN where a row has no pre-period value
    std::vector<std::uint8_t> voided{};  // 1 for a voided row; filled only when the query included them

    [[nodiscard]] std::size_t size() const noexcept { return at_us.size(); }
};

}  // namespace kokeilu
