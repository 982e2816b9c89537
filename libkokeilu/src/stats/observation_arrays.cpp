#include "kokeilu/stats/observation_arrays.hpp"

#include "kokeilu/error.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <string>

namespace kokeilu::stats {

namespace {

void check_length(std::size_t expected, std::size_t actual, const char* field) {
    if (actual != expected) {
        throw InvalidArgumentError(field,
                                   Message{"stats.observations.rows",
                                           {{"rows", static_cast<std::int64_t>(actual)},
                                            {"expected", static_cast<std::int64_t>(expected)}}});
    }
}

}  // namespace

void ObservationArrays::check_lengths() const {
    const std::size_t rows = arm_codes.size();
    check_length(rows, value.size(), "value");
    check_length(rows, n.size(), "n");
    check_length(rows, sum.size(), "sum");
    check_length(rows, sum_sq.size(), "sum_sq");
    check_length(rows, exposure.size(), "exposure");
}

void ObservationArrays::add_row_to(Summary& summary, std::size_t row, bool binary) const {
    if (n[row] == 0) {
        summary.add(value[row], exposure[row]);
        return;
    }
    const double squares = sum_sq[row];
    summary.add_aggregate(n[row], sum[row], std::isnan(squares) ? std::nullopt : std::optional<double>(squares),
                          exposure[row], binary);
}

std::vector<Summary> summarise_by_arm(const ObservationArrays& columns, std::size_t arms, bool binary) {
    columns.check_lengths();
    std::vector<Summary> out(arms);
    for (std::size_t row = 0; row < columns.arm_codes.size(); ++row) {
        const std::int32_t code = columns.arm_codes[row];
        if (code < 0 || static_cast<std::size_t>(code) >= arms) {
            throw InvalidArgumentError("arm_codes",
                                       Message{"stats.observations.no_arm_for_code",
                                               {{"row", static_cast<std::int64_t>(row)},
                                                {"code", static_cast<std::int64_t>(code)}}});
        }
        columns.add_row_to(out[static_cast<std::size_t>(code)], row, binary);
    }
    if (binary) {
        for (const Summary& s : out) (void)s.successes();  // throws unless the values were 0/1
    }
    return out;
}

CumulativeEffect cumulative_effect(std::span<const std::int64_t> period, const ObservationArrays& columns,
                                   std::int32_t treatment, std::int32_t control, bool binary, double confidence,
                                   const SequentialOptions& options) {
    columns.check_lengths();
    check_length(columns.arm_codes.size(), period.size(), "period");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CumulativeEffect out;
    Summary t;
    Summary c;
    for (std::size_t i = 0; i < period.size(); ++i) {
        if (i > 0 && period[i] < period[i - 1]) {
            throw InvalidArgumentError("period", Message{"stats.observations.period_decreasing", {}});
        }
        if (columns.arm_codes[i] == treatment) {
            columns.add_row_to(t, i, binary);
        } else if (columns.arm_codes[i] == control) {
            columns.add_row_to(c, i, binary);
        }
        if (i + 1 < period.size() && period[i + 1] == period[i]) continue;  // the period goes on
        out.period.push_back(period[i]);
        out.n_treatment.push_back(t.n());
        out.n_control.push_back(c.n());
        try {
            const Estimate e = sequential_difference(t, c, confidence, options);
            out.estimate.push_back(e.estimate);
            out.ci_low.push_back(e.ci_low);
            out.ci_high.push_back(e.ci_high);
        } catch (const NotEnoughDataError&) {
            out.estimate.push_back(nan);
            out.ci_low.push_back(nan);
            out.ci_high.push_back(nan);
        }
    }
    return out;
}

}  // namespace kokeilu::stats
