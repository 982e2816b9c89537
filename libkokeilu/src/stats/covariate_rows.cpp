#include "kokeilu/stats/covariate_rows.hpp"

#include "kokeilu/locked_criterion.hpp"
#include "kokeilu/stats/estimate.hpp"

#include <cmath>
#include <set>

namespace kokeilu::stats {

CovariateRows covariate_rows(const Tracker& tracker, const Experiment& experiment, std::optional<Time> until) {
    CovariateRows out;
    std::set<std::string> names;
    for (const Metric& m : experiment.metrics)
        if (!m.covariate.empty()) names.insert(m.name);
    for (const Metric& m : as_locked(experiment).metrics)
        if (!m.covariate.empty()) names.insert(m.name);
    if (names.empty()) return out;

    std::map<std::int64_t, std::string> arm_names;
    for (const Arm& a : experiment.arms) arm_names[a.id] = a.name;
    for (const std::string& name : names) {
        auto& arms = out.metrics[name];
        for (const Arm& a : experiment.arms) arms[a.name];
        ObservationQuery query;
        query.metric = name;
        query.to = until;
        tracker.for_each_observation(experiment.key, query, [&](const ObservationRow& row) {
            const auto arm = arm_names.find(row.arm_id);
            if (arm == arm_names.end())
                throw NotFoundError(Message{"stats.not_found.arm", {{"arm", std::int64_t{row.arm_id}}}});
            CovariateArmRows& rows = arms[arm->second];
            if (row.is_aggregate || !std::isfinite(row.covariate) || !std::isfinite(row.value)) {
                ++rows.without;
                return;
            }
            rows.outcome.push_back(row.value);
            rows.pre.push_back(row.covariate);
        });
    }
    return out;
}

CovariateAdjustment adjusted_comparison(const Metric& metric, const CovariateRows& rows, const std::string& arm,
                                        const std::string& reference, double confidence) {
    static const CovariateArmRows none;
    const auto found = rows.metrics.find(metric.name);
    const auto arm_rows = [&](const std::string& name) -> const CovariateArmRows& {
        if (found == rows.metrics.end()) return none;
        const auto a = found->second.find(name);
        return a == found->second.end() ? none : a->second;
    };
    const CovariateArmRows& treated = arm_rows(arm);
    const CovariateArmRows& control = arm_rows(reference);
    // Rows without a pre-period value would be dropped from the fit silently, and the subjects
    // left need not be like the ones randomised: said instead, so that the reader can mend them.
    for (const auto& [rows_of, name] : {std::pair{&treated, &arm}, std::pair{&control, &reference}}) {
        if (rows_of->without > 0)
            throw NotEnoughDataError(*name, Message{"stats.covariate.missing_rows",
                                                    {{"rows", rows_of->without}, {"covariate", metric.covariate}}});
    }
    try {
        return covariate_adjusted_difference(treated.outcome, treated.pre, control.outcome, control.pre, confidence);
    } catch (const NotEnoughDataError&) {
        throw;
    } catch (const InvalidArgumentError& e) {
        // Pre-period values that are all equal, or that tell the arms apart exactly: these data
        // cannot give an adjusted comparison, which is not a fault of the call.
        throw NotEnoughDataError(e.field(), e.message());
    }
}

}  // namespace kokeilu::stats
