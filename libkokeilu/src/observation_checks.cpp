#include "observation_checks.hpp"

#include "kokeilu/error.hpp"
#include "validation.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

namespace kokeilu::detail {

namespace {

template <class Item>
std::string names_of(const std::vector<Item>& items) {
    std::string out;
    for (const auto& item : items) {
        if (!out.empty()) out += ", ";
        out += item.name;
    }
    return out;
}

// The field of row `index` of a batch ("observations[3].value"), or the bare field.
std::string row_field(std::optional<std::size_t> index, std::string_view name) {
    if (!index) return std::string(name);
    return "observations[" + std::to_string(*index) + "]." + std::string(name);
}

// A column must have one entry per row; `optional` columns may also be empty.
void check_length(std::size_t length, std::size_t rows, const std::string& column, const std::string& rows_column,
                  bool optional) {
    if (length == rows || (optional && length == 0)) return;
    throw InvalidArgumentError(column, Message{"input.column_length", {{"rows", static_cast<std::int64_t>(length)},
                                                                        {"other", rows_column},
                                                                        {"other_rows", static_cast<std::int64_t>(rows)}}});
}

// The store id of each arm name (0 when the name is not an arm), and the problem of each bad one.
struct ResolvedArms {
    std::vector<std::int64_t> ids;
    std::vector<const Arm*> arms;       // null for a name that is not an arm
    std::vector<Message> problems;  // empty for a name that resolved
    bool all = true;
};

ResolvedArms resolve_arms(const Experiment& e, const std::vector<std::string>& names) {
    ResolvedArms out;
    out.ids.reserve(names.size());
    for (const auto& name : names) {
        try {
            const Arm& arm = resolve_arm(e, name, "arm");
            out.ids.push_back(arm.id);
            out.arms.push_back(&arm);
            out.problems.emplace_back();
        } catch (const InvalidArgumentError& error) {
            out.ids.push_back(0);
            out.arms.push_back(nullptr);
            out.problems.push_back(error.message());
            out.all = false;
        }
    }
    return out;
}

// Codes index the names; empty codes mean the one name for every row.
struct ArmColumn {
    std::span<const std::int32_t> codes;
    bool given_once = false;

    [[nodiscard]] std::int32_t at(std::size_t row) const noexcept { return codes.empty() ? 0 : codes[row]; }
};

ArmColumn arm_column(std::span<const std::int32_t> codes, const std::vector<std::string>& names, std::size_t rows,
                     const ColumnNames& column_names) {
    ArmColumn column{codes, codes.empty()};
    if (codes.empty()) {
        if (names.size() != 1 && rows > 0)
            throw InvalidArgumentError(column_names.arm, Message{"input.arm_names_without_codes",
                                                                 {{"names", static_cast<std::int64_t>(names.size())}}});
    } else {
        check_length(codes.size(), rows, column_names.arm, column_names.value, false);
    }
    return column;
}

// The problem of row `row`'s arm code, reported to the sink; false when the code is bad.
bool check_arm_code(const ArmColumn& arms, const ResolvedArms& resolved, std::size_t row, const std::string& column,
                    ProblemSink& sink) {
    const std::int32_t code = arms.at(row);
    if (code < 0 || static_cast<std::size_t>(code) >= resolved.ids.size()) {
        sink.report(column, row, [&] {
            return Message{"input.arm_code_out_of_range",
                           {{"code", std::int64_t{code}}, {"names", static_cast<std::int64_t>(resolved.ids.size())}}};
        });
        return false;
    }
    if (resolved.ids[static_cast<std::size_t>(code)] == 0) {
        // One arm for every row: reported once, for the column (report_shared_arm).
        if (!arms.given_once)
            sink.report(column, row, [&] { return resolved.problems[static_cast<std::size_t>(code)]; });
        return false;
    }
    return true;
}

// The problems of what the caller gave once for every row, named without a row and reported
// before the rows': the one time, the one arm.
void report_shared(const Experiment& e, std::span<const std::int64_t> at_us, const ColumnNames& names,
                   const ArmColumn& arms, const ResolvedArms& resolved, const TimeWindow& window, ProblemSink& sink) {
    if (names.at_given_once && !at_us.empty() && !window.contains(at_us[0]))
        sink.report(names.at, std::nullopt, [&] { return time_problem(e, window, at_us[0]); });
    if (arms.given_once && !resolved.all && !at_us.empty())
        sink.report(names.arm, std::nullopt, [&] { return resolved.problems.front(); });
}

Message exposure_text(double exposure) { return Message{exposure_problem(exposure), {{"value", exposure}}}; }

// The metric and the pre-period value it names, for the messages of the covariate rule.
Message covariate_message(const char* code, const Metric& metric) {
    return Message{code, {{"metric", metric.name}, {"covariate", metric.covariate}}};
}

// A column of pre-period values is given exactly when the metric names one (checked before the rows).
void check_covariate_column(const Metric& metric, std::span<const double> covariate, std::size_t rows,
                            const ColumnNames& names) {
    if (metric.covariate.empty()) {
        if (!covariate.empty()) throw InvalidArgumentError(names.covariate, covariate_message("input.covariate_unexpected", metric));
    } else if (covariate.empty() && rows > 0) {
        throw InvalidArgumentError(names.covariate, covariate_message("input.covariate_missing", metric));
    }
}

// A row's pre-period value in a column: NaN is a missing value (as pandas marks one), the
// infinities are not numbers.
Message covariate_value_problem(const Metric& metric, double x) {
    if (std::isnan(x)) return covariate_message("input.covariate_missing", metric);
    return Message{"input.value_not_finite", {{"value", x}}};
}

}  // namespace

void ProblemSink::add(const std::string& column, std::optional<std::size_t> row, Message problem) {
    InputProblem found{column, name_rows_ ? row : std::nullopt, std::move(problem)};
    if (throws()) throw InvalidArgumentError(found.field(), found.problem);
    problems_.listed.push_back(std::move(found));
}

TimeWindow time_window(const Experiment& e, const LogOptions& options, const TimeZone& zone, std::int64_t now_us) {
    TimeWindow window;
    if (!options.backfill && e.actual_start) {
        window.earliest = std::max(window.earliest, zone.start_of_day(*e.actual_start));
        window.start = e.actual_start;
    }
    if (!options.allow_future) {
        window.latest = std::min(window.latest, now_us + future_tolerance_micros);
        window.now_us = now_us;
    }
    if (splits_at_start(e.design) && e.actual_start)
        window.period_split_us = std::max(earliest_unix_micros, zone.start_of_day(*e.actual_start));
    return window;
}

Message period_problem(const Experiment& e, const Arm& arm, std::int64_t at_us) {
    return Message{is_before_change(arm.role).value_or(false) ? "input.period.before_arm_after_start" : "input.period.after_arm_before_start",
                   {{"at", format_time(from_unix_micros(at_us))},
                    {"key", e.key},
                    {"start", format_date(*e.actual_start)},
                    {"arm", arm.name}}};
}

Message time_problem(const Experiment& e, const TimeWindow& window, std::int64_t at_us) {
    if (const char* problem = time_range_problem(at_us)) return Message{problem};
    if (window.start && at_us < window.earliest)
        return Message{"input.time_before_start",
                       {{"at", format_time(from_unix_micros(at_us))}, {"key", e.key}, {"start", format_date(*window.start)}}};
    if (window.now_us && at_us > window.latest)
        return Message{"input.time_in_future",
                       {{"at", format_time(from_unix_micros(at_us))}, {"now", format_time(from_unix_micros(*window.now_us))}}};
    return Message{"input.time_outside_window"};
}

ValueRule value_rule(const Metric& m) noexcept {
    ValueRule rule{-DBL_MAX, DBL_MAX, m.kind == MetricKind::proportion};
    if (m.kind == MetricKind::count) rule.lowest = 0.0;
    if (m.valid_min) rule.lowest = std::max(rule.lowest, *m.valid_min);
    if (m.valid_max) rule.highest = std::min(rule.highest, *m.valid_max);
    return rule;
}

Message value_problem(const Metric& m, double value) {
    if (const char* problem = unit_value_problem(m.kind, value)) return Message{problem, {{"value", value}}};
    return with_valid_range("input.value_outside_range", m, {{"metric", m.name}, {"value", value}});
}

const Metric& resolve_metric(const Experiment& e, std::string_view name, const std::string& field) {
    if (name.empty()) return e.primary_metric();
    try {
        return e.metric(name);
    } catch (const NotFoundError&) {
        throw InvalidArgumentError(field, Message{"input.unknown_metric", {{"name", std::string(name)}, {"known", names_of(e.metrics)}}});
    }
}

const Arm& resolve_arm(const Experiment& e, std::string_view name, const std::string& field) {
    if (name.empty()) {
        if (e.arms.size() == 1) return e.arms.front();
        throw InvalidArgumentError(field, Message{"input.arm_required", {{"key", e.key},
                                                                         {"count", static_cast<std::int64_t>(e.arms.size())},
                                                                         {"names", names_of(e.arms)}}});
    }
    try {
        return e.arm(name);
    } catch (const NotFoundError&) {
        throw InvalidArgumentError(field, Message{"input.unknown_arm", {{"name", std::string(name)}, {"known", names_of(e.arms)}}});
    }
}

bool CountTotals::add(std::int64_t metric_id, std::int64_t arm_id, std::int64_t n) noexcept {
    std::int64_t& total = totals_[{metric_id, arm_id}];
    std::int64_t sum = 0;
    if (__builtin_add_overflow(total, n, &sum)) return false;
    total = sum;
    return true;
}

Message count_overflow_problem(std::string_view arm, std::int64_t n) {
    return Message{"input.count_overflow", {{"n", n}, {"arm", std::string(arm)}}};
}

ObservationRecord check_observation(const Experiment& e, const Observation& o, const TimeWindow& window,
                                    std::optional<std::size_t> index, CountTotals& totals) {
    // An Observation made without a time has the default, not_a_date_time: the time was left
    // out, which is another mistake than an infinite time.
    if (o.at.is_not_a_date_time()) throw InvalidArgumentError(row_field(index, "at"), Message{"input.missing_time"});
    if (o.at.is_special()) throw InvalidArgumentError(row_field(index, "at"), Message{"input.not_a_time"});
    ObservationRecord record;
    record.at_us = to_unix_micros(o.at);
    if (!window.contains(record.at_us))
        throw InvalidArgumentError(row_field(index, "at"), time_problem(e, window, record.at_us));
    const Metric& metric = resolve_metric(e, o.metric, row_field(index, "metric"));
    const Arm& arm = resolve_arm(e, o.arm, row_field(index, "arm"));
    record.metric_id = metric.id;
    record.arm_id = arm.id;
    if (window.wrong_period(arm.role, record.at_us))
        throw InvalidArgumentError(row_field(index, "at"), period_problem(e, arm, record.at_us));
    if (o.aggregate) {
        if (const auto problem = aggregate_problem(metric, *o.aggregate))
            throw InvalidArgumentError(row_field(index, aggregate_field(problem->part)), problem->problem);
        if (!totals.add(metric.id, arm.id, o.aggregate->n))
            throw InvalidArgumentError(row_field(index, "aggregate.n"), count_overflow_problem(arm.name, o.aggregate->n));
        record.aggregate = o.aggregate;
        record.value = 0.0;  // not used for an aggregate row
    } else {
        if (!value_rule(metric).accepts(o.value))
            throw InvalidArgumentError(row_field(index, "value"), value_problem(metric, o.value));
        record.value = o.value;
    }
    if (o.exposure) {
        if (metric.kind != MetricKind::count)
            throw InvalidArgumentError(row_field(index, "exposure"), Message{"input.exposure_only_counts"});
        if (exposure_problem(*o.exposure)) throw InvalidArgumentError(row_field(index, "exposure"), exposure_text(*o.exposure));
        record.exposure = o.exposure;
    }
    // The pre-period value: on every unit-level row of a metric that names one, on no other row.
    if (o.aggregate && !metric.covariate.empty())
        throw InvalidArgumentError(row_field(index, "aggregate"), covariate_message("input.covariate_aggregate", metric));
    if (metric.covariate.empty() || o.aggregate) {
        if (o.covariate)
            throw InvalidArgumentError(row_field(index, "covariate"), covariate_message("input.covariate_unexpected", metric));
    } else if (!o.covariate) {
        throw InvalidArgumentError(row_field(index, "covariate"), covariate_message("input.covariate_missing", metric));
    } else if (!std::isfinite(*o.covariate)) {
        throw InvalidArgumentError(row_field(index, "covariate"), Message{"input.value_not_finite", {{"value", *o.covariate}}});
    }
    record.covariate = o.covariate;
    check_short_text(o.subject, row_field(index, "subject"));
    check_long_text(o.note, row_field(index, "note"));
    record.subject = o.subject;
    record.note = o.note;
    return record;
}

std::vector<std::int64_t> check_unit_columns(const Experiment& e, const Metric& metric, const ObservationColumns& c,
                                             const TimeWindow& window, ProblemSink& sink) {
    const ColumnNames& names = c.names;
    sink.name_rows(!names.one_row);
    const std::size_t rows = c.values.size();
    check_length(c.at_us.size(), rows, names.at, names.value, false);
    const ArmColumn arms = arm_column(c.arm_codes, c.arm_names, rows, names);
    check_length(c.exposure.size(), rows, names.exposure, names.value, true);
    if (!c.exposure.empty() && metric.kind != MetricKind::count)
        throw InvalidArgumentError(names.exposure, Message{"input.exposure_only_counts"});
    check_length(c.covariate.size(), rows, names.covariate, names.value, true);
    check_covariate_column(metric, c.covariate, rows, names);
    const ResolvedArms resolved = resolve_arms(e, c.arm_names);

    report_shared(e, c.at_us, names, arms, resolved, window, sink);

    const ValueRule rule = value_rule(metric);
    // Every row's checks in this order, so that the first problem named is the one a single log of
    // that row would name: time, arm, value, exposure.
    const auto check_row = [&](std::size_t i) {
        const std::int64_t at = c.at_us[i];
        if (!names.at_given_once && !window.contains(at))
            sink.report(names.at, i, [&] { return time_problem(e, window, at); });
        if (check_arm_code(arms, resolved, i, names.arm, sink)) {
            const Arm& arm = *resolved.arms[static_cast<std::size_t>(arms.at(i))];
            if (window.wrong_period(arm.role, at)) sink.report(names.at, i, [&] { return period_problem(e, arm, at); });
        }
        const double v = c.values[i];
        if (!rule.accepts(v)) sink.report(names.value, i, [&] { return value_problem(metric, v); });
        if (!c.exposure.empty() && exposure_problem(c.exposure[i]))
            sink.report(names.exposure, i, [&] { return exposure_text(c.exposure[i]); });
        if (!c.covariate.empty() && !std::isfinite(c.covariate[i]))
            sink.report(names.covariate, i, [&] { return covariate_value_problem(metric, c.covariate[i]); });
    };

    // The common case, every row fine, runs over blocks without a branch per row; a block with a
    // problem is checked again row by row to name it.
    const auto arm_count = static_cast<std::uint32_t>(resolved.all ? resolved.ids.size() : 0);
    const bool has_exposure = !c.exposure.empty();
    constexpr std::size_t block = 4096;
    for (std::size_t begin = 0; begin < rows; begin += block) {
        const std::size_t end = std::min(rows, begin + block);
        unsigned bad = 0;
        for (std::size_t i = begin; i < end; ++i) {
            const double v = c.values[i];
            const std::int64_t at = c.at_us[i];
            const auto code = static_cast<std::uint32_t>(arms.at(i));
            bad |= static_cast<unsigned>(!(v >= rule.lowest && v <= rule.highest)) |
                   static_cast<unsigned>(rule.binary & (v != 0.0) & (v != 1.0)) |
                   static_cast<unsigned>(at < window.earliest) | static_cast<unsigned>(at > window.latest) |
                   static_cast<unsigned>(code >= arm_count);
        }
        if (has_exposure)
            for (std::size_t i = begin; i < end; ++i) {
                const double x = c.exposure[i];
                bad |= static_cast<unsigned>(!(x > 0.0 && x <= DBL_MAX));
            }
        if (!c.covariate.empty())
            for (std::size_t i = begin; i < end; ++i) {
                const double x = c.covariate[i];
                bad |= static_cast<unsigned>(!(x >= -DBL_MAX && x <= DBL_MAX));
            }
        if (window.period_split_us && !bad)
            for (std::size_t i = begin; i < end; ++i)
                bad |= static_cast<unsigned>(window.wrong_period(resolved.arms[static_cast<std::size_t>(arms.at(i))]->role,
                                                                 c.at_us[i]));
        if (!bad) continue;
        for (std::size_t i = begin; i < end; ++i) check_row(i);
    }
    return resolved.ids;
}

std::vector<ObservationRecord> check_aggregate_columns(const Experiment& e, const Metric& metric,
                                                       const AggregateColumns& c, const TimeWindow& window,
                                                       ProblemSink& sink) {
    const ColumnNames& names = c.names;
    sink.name_rows(!names.one_row);
    const std::size_t rows = c.n.size();
    check_length(c.at_us.size(), rows, names.at, names.n, false);
    const ArmColumn arms = arm_column(c.arm_codes, c.arm_names, rows, names);
    check_length(c.sum.size(), rows, names.sum, names.n, false);
    check_length(c.sum_sq.size(), rows, names.sum_sq, names.n, true);
    check_length(c.exposure.size(), rows, names.exposure, names.n, true);
    check_length(c.notes.size(), rows, names.note, names.n, true);
    const ResolvedArms resolved = resolve_arms(e, c.arm_names);
    const std::string* part_names[] = {&names.n, &names.sum, &names.sum_sq};
    // An aggregate holds no subject, so it cannot carry a subject's pre-period value.
    if (!metric.covariate.empty() && rows > 0)
        throw InvalidArgumentError(names.n, covariate_message("input.covariate_aggregate", metric));
    report_shared(e, c.at_us, names, arms, resolved, window, sink);

    std::vector<ObservationRecord> records;
    records.reserve(rows);
    CountTotals totals;
    for (std::size_t i = 0; i < rows; ++i) {
        ObservationRecord record;
        record.metric_id = metric.id;
        record.at_us = c.at_us[i];
        if (!names.at_given_once && !window.contains(record.at_us))
            sink.report(names.at, i, [&] { return time_problem(e, window, record.at_us); });
        const bool arm_ok = check_arm_code(arms, resolved, i, names.arm, sink);
        if (arm_ok) {
            const Arm& arm = *resolved.arms[static_cast<std::size_t>(arms.at(i))];
            record.arm_id = arm.id;
            if (window.wrong_period(arm.role, record.at_us))
                sink.report(names.at, i, [&] { return period_problem(e, arm, record.at_us); });
        }
        // NaN marks "not given" in the optional columns, as pandas does.
        const bool has_sum_sq = !c.sum_sq.empty() && !std::isnan(c.sum_sq[i]);
        const Aggregate aggregate{c.n[i], c.sum[i], has_sum_sq ? std::optional<double>(c.sum_sq[i]) : std::nullopt};
        if (const auto problem = aggregate_problem(metric, aggregate)) {
            sink.report(*part_names[static_cast<int>(problem->part)], i, [&] { return problem->problem; });
        } else if (arm_ok && !totals.add(metric.id, record.arm_id, aggregate.n)) {
            sink.report(names.n, i, [&] {
                return count_overflow_problem(c.arm_names[static_cast<std::size_t>(arms.at(i))], aggregate.n);
            });
        }
        if (!c.exposure.empty() && !std::isnan(c.exposure[i])) {
            const double x = c.exposure[i];
            if (metric.kind != MetricKind::count)
                sink.report(names.exposure, i, [] { return Message{"input.exposure_only_counts"}; });
            else if (exposure_problem(x))
                sink.report(names.exposure, i, [&] { return exposure_text(x); });
            record.exposure = x;
        }
        if (!c.notes.empty()) {
            try {
                check_long_text(c.notes[i], names.note);
            } catch (const InvalidArgumentError& error) {
                sink.report(names.note, i, [&] { return error.message(); });
            }
            record.note = c.notes[i];
        }
        record.aggregate = aggregate;
        records.push_back(std::move(record));
    }
    return records;
}

}  // namespace kokeilu::detail
