#include "kokeilu/experiment.hpp"

#include "kokeilu/error.hpp"
#include "validation.hpp"

#include <algorithm>
#include <string>

namespace kokeilu {

namespace {

// Exact match first, then as names are compared (NFC, ignoring case): names are unique that way,
// so either finds at most one.
template <class Item>
const Item* find_named(const std::vector<Item>& items, std::string_view name) {
    const auto exact = std::find_if(items.begin(), items.end(), [&](const Item& i) { return i.name == name; });
    if (exact != items.end()) return &*exact;
    const auto loose =
        std::find_if(items.begin(), items.end(), [&](const Item& i) { return same_name(i.name, name); });
    return loose != items.end() ? &*loose : nullptr;
}

}  // namespace

const Metric& Experiment::primary_metric() const {
    const auto it = std::find_if(metrics.begin(), metrics.end(), [](const Metric& m) { return m.role == MetricRole::primary; });
    if (it == metrics.end()) throw InvalidArgumentError("metrics", Message{"lifecycle.no_primary_metric", {}});
    return *it;
}

const Metric& Experiment::metric(std::string_view name) const {
    if (const Metric* m = find_named(metrics, name)) return *m;
    throw NotFoundError(Message{"lifecycle.metric_not_found", {{"name", std::string(name)}}});
}

const Arm& Experiment::arm(std::string_view name) const {
    if (const Arm* a = find_named(arms, name)) return *a;
    throw NotFoundError(Message{"lifecycle.arm_not_found", {{"name", std::string(name)}}});
}

std::optional<int> Experiment::days_started_before_lock() const {
    if (!actual_start || !locked_at || actual_start->is_special() || locked_at->is_special()) return std::nullopt;
    const auto days = (locked_at->date() - *actual_start).days();
    if (days < 1) return std::nullopt;
    return static_cast<int>(days);
}

}  // namespace kokeilu
