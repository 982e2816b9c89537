// Checks of caller input shared by the Tracker's operations. Each check throws
// InvalidArgumentError naming the field at fault; none of them writes anything, so the Tracker runs
// them all before it touches the store.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/message.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/observation.hpp"
#include "kokeilu/outcome.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu::detail {

// Names, units, tags and other one-line fields.
inline constexpr std::size_t short_text_limit = 200;
// Free text: summaries, Test and Learning Card parts, descriptions, notes.
inline constexpr std::size_t long_text_limit = 64 * 1024;

// True when text is well-formed UTF-8: no stray continuation bytes, no truncated sequences, no
// overlong encodings, no UTF-16 surrogates and nothing above U+10FFFF.
[[nodiscard]] bool is_valid_utf8(std::string_view text) noexcept;

// Without leading and trailing ASCII white space.
[[nodiscard]] std::string trim(std::string_view text);

// A case-folded copy for comparing names: ASCII letters and the Latin-1 letters (Ä, Ö, Å, ...)
// lower-cased. Names are what people type, and "Control" and "control" must not be two arms.
[[nodiscard]] std::string fold_case(std::string_view text);
// (kokeilu::same_name, in experiment.hpp, compares names: in NFC, ignoring case as fold_case does.)

// The shortest decimal text that reads back as exactly the same double ("0.1", "1e+300", "inf").
[[nodiscard]] std::string format_number(double value);

// Throws InvalidArgumentError(field, ...) when text has a NUL, is not valid UTF-8 or is longer
// than limit bytes.
void check_text(std::string_view text, const std::string& field, std::size_t limit);
// One-line fields also refuse control characters (line breaks, tabs, U+0000-U+001F, U+007F):
// they are shown in lists and keys, and the store may use a control character as a marker.
void check_short_text(std::string_view text, const std::string& field);
inline void check_long_text(std::string_view text, const std::string& field) {
    check_text(text, field, long_text_limit);
}
// check_short_text, and also non-empty after trimming.
void check_required_short_text(std::string_view text, const std::string& field);

// A name (of an arm, a metric, a tag, the organisation, a unit, the owner) as it is kept: in
// Unicode NFC, every space separator an ASCII space, trimmed. Two names that look the same are
// then the same bytes, so that "café" typed either way is one arm.
[[nodiscard]] std::string normalize_name(std::string_view text);
// check_short_text, and refuses a character that shows nothing or changes the direction of the
// text around it (see first_hidden_code_point): "con\u200btrol" beside "control" would be two
// arms that look like one.
void check_name(std::string_view text, const std::string& field);
// check_name, and also non-empty.
void check_required_name(std::string_view text, const std::string& field);
// What a reason is for, which says what is missing when it is: "say why the experiment stops".
enum class ReasonFor { stop, note };
// A reason that must be given (a stop's, a journal note): valid long text that holds at least one
// visible character; zero-width and no-break spaces alone count as empty.
void check_reason(std::string_view text, const std::string& field, ReasonFor purpose);

// Trims the one-line fields, and keeps tags and purposes sorted and unique (empty tags dropped).
void normalize_experiment(Experiment& experiment);

// Everything that holds for any stored experiment, draft or not: texts, dates, money, purposes,
// design and arms, metrics. The Test Card may still be incomplete (see require_complete_test_card).
void validate_experiment(const Experiment& experiment);

// All four parts of the Test Card; the first missing one is reported as "test_card.<part>".
void require_complete_test_card(const TestCard& card);

// The texts of the Learning Card and a valid decision date (not-a-date is allowed: it means today).
void validate_outcome(const Outcome& outcome);

// Throws InvalidStateError for an experiment imported from another tracker: a read-only copy,
// changed only where it came from (kokeilu/origin.hpp).
void require_own(const Experiment& experiment);

// "metrics[wait_days]" for a named metric, "metrics[2]" when the name is still empty.
[[nodiscard]] std::string metric_field(const Metric& metric, std::size_t index);
[[nodiscard]] std::string arm_field(const Arm& arm, std::size_t index);

// The message `code` about a metric's valid range: the code gets the range's shape (".between",
// ".at_least", ".at_most") and the parameters its ends ("min", "max"), so each language can word
// the range whole. The metric must have a valid range.
[[nodiscard]] Message with_valid_range(std::string_view code, const Metric& metric, std::vector<MessageParam> params);

// Problems of observed values for a metric kind. Each returns nullptr when the value is fine, else
// the code of the problem (its message takes the value as "value"), so that checking a million rows
// allocates nothing.
[[nodiscard]] const char* unit_value_problem(MetricKind kind, double value) noexcept;
[[nodiscard]] const char* exposure_problem(double exposure) noexcept;

// A problem with an aggregate row: which part of it and why.
enum class AggregatePart { n, sum, sum_sq };
struct AggregateProblem {
    AggregatePart part = AggregatePart::n;
    Message problem;
};
// "aggregate.n", "aggregate.sum", "aggregate.sum_sq": the part as a field of an Observation.
[[nodiscard]] const char* aggregate_field(AggregatePart part) noexcept;
// The checks of a row of n units with this sum (and sum of squares) for the metric: its kind's
// rules, and the mean and spread that values in its valid range can give.
[[nodiscard]] std::optional<AggregateProblem> aggregate_problem(const Metric& metric, const Aggregate& aggregate);
// The rules of the kind alone, without the metric's valid range.
[[nodiscard]] std::optional<AggregateProblem> aggregate_kind_problem(MetricKind kind, const Aggregate& aggregate);

// Whether an observation already stored fits a metric kind it did not have when it was logged:
// the rules of logging (a unit value, an aggregate, exposure only for a count), and for a count
// whole numbers too (a mean may hold averages, 2.5 visits, which are not counts of events).
// `aggregate` is null for a unit-level row. Returns which field is wrong and why, or nothing.
struct StoredRowProblem {
    const char* part;  // "value", "exposure", "aggregate.sum", ...
    Message problem;
};
[[nodiscard]] std::optional<StoredRowProblem> stored_row_problem(MetricKind kind, double value, const Aggregate* aggregate,
                                                                 bool has_exposure);

}  // namespace kokeilu::detail
