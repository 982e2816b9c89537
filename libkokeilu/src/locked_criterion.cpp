#include "kokeilu/locked_criterion.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/experiment.hpp"
#include "preregistration.hpp"
#include "validation.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace kokeilu {

namespace {

template <class Item>
const Item* with_id(const std::vector<Item>& items, std::int64_t id) {
    if (id == 0) return nullptr;
    const auto found = std::find_if(items.begin(), items.end(), [&](const Item& item) { return item.id == id; });
    return found == items.end() ? nullptr : &*found;
}

// The locked items under their current names (matched by id). One that no longer exists keeps its
// locked name, with " (removed)" added until no current item has it, so that nothing recorded
// under a current name is ever taken for it.
template <class Item>
std::vector<Item> renamed_as_current(const std::vector<Item>& locked, const std::vector<Item>& current) {
    std::vector<Item> out;
    out.reserve(locked.size());
    for (const Item& item : locked) {
        Item copy = item;
        if (const Item* now = with_id(current, item.id)) {
            copy.name = now->name;
        } else {
            const auto taken = [&](const std::string& name) {
                return std::any_of(current.begin(), current.end(),
                                   [&](const Item& c) { return kokeilu::same_name(c.name, name); });
            };
            while (taken(copy.name)) copy.name += " (removed)";
        }
        out.push_back(std::move(copy));
    }
    return out;
}

// Each locked item under the id its item has now in `undone` (the current items with every
// amendment undone, so under their names as locked); 0 for one removed since.
template <class Item>
void take_ids_by_locked_name(std::vector<Item>& locked, const std::vector<Item>& undone) {
    for (Item& item : locked) {
        const auto same = std::find_if(undone.begin(), undone.end(), [&](const Item& u) { return u.name == item.name; });
        item.id = same == undone.end() ? 0 : same->id;
    }
}

// The locked criterion with the ids its arms and metrics have in this file. A copy imported from
// another tracker keeps the snapshot as its exporter locked it, under the exporter's ids: its record,
// which the exporter's history proves, holds them, so they are never rewritten. Here the copy's
// arms and metrics have ids of this file; they are found by their names as locked, which the
// amendments' renames lead back to.
LockedCriterion locked_here(const Experiment& experiment) {
    LockedCriterion locked = *experiment.locked;
    if (!experiment.origin) return locked;
    const LockedCriterion undone = detail::locked_from_amendments(experiment);
    take_ids_by_locked_name(locked.arms, undone.arms);
    take_ids_by_locked_name(locked.metrics, undone.metrics);
    return locked;
}

std::string arms_text(const std::vector<Arm>& arms) {
    std::string out;
    for (const Arm& arm : arms) {
        if (!out.empty()) out += ", ";
        out += arm.name + ":" + std::string(to_string(arm.role));
        if (arm.share) {
            out += ":";
            out += detail::format_number(*arm.share);
        }
    }
    return out;
}

bool same_arms(const std::vector<Arm>& locked, const std::vector<Arm>& current) {
    if (locked.size() != current.size()) return false;
    return std::all_of(locked.begin(), locked.end(), [&](const Arm& arm) {
        const Arm* now = with_id(current, arm.id);
        return now != nullptr && now->role == arm.role && now->share == arm.share;
    });
}

const Metric* primary_of(const std::vector<Metric>& metrics) {
    const auto found =
        std::find_if(metrics.begin(), metrics.end(), [](const Metric& m) { return m.role == MetricRole::primary; });
    return found == metrics.end() ? nullptr : &*found;
}

std::string optional_text(const std::optional<double>& value) {
    return value ? detail::format_number(*value) : std::string("(none)");
}

}  // namespace

const Metric& LockedCriterion::primary_metric() const {
    if (const Metric* primary = primary_of(metrics)) return *primary;
    throw InvalidArgumentError("locked.metrics", Message{"lifecycle.locked_no_primary_metric", {}});
}

LockedCriterion lock_of(const Experiment& experiment) {
    return {experiment.test_card, experiment.design, experiment.arms, experiment.metrics};
}

Experiment as_locked(const Experiment& experiment) {
    if (!experiment.locked) return experiment;
    const LockedCriterion locked = locked_here(experiment);
    Experiment view = experiment;
    view.test_card = locked.test_card;
    view.design = locked.design;
    view.arms = renamed_as_current(locked.arms, experiment.arms);
    view.metrics = renamed_as_current(locked.metrics, experiment.metrics);
    // A label is only what people read: the current one, as the current name.
    for (Metric& metric : view.metrics)
        if (const Metric* now = with_id(experiment.metrics, metric.id)) metric.label = now->label;
    for (const Metric& added : experiment.metrics) {
        if (with_id(locked.metrics, added.id) != nullptr) continue;
        Metric reported = added;
        if (reported.role == MetricRole::primary) reported.role = MetricRole::secondary;
        view.metrics.push_back(std::move(reported));
    }
    return view;
}

std::vector<CriterionChange> criterion_changes(const Experiment& experiment) {
    std::vector<CriterionChange> out;
    if (!experiment.locked) return out;
    const LockedCriterion locked = locked_here(experiment);
    if (locked.design != experiment.design)
        out.push_back({"design", std::string(to_string(locked.design)), std::string(to_string(experiment.design))});
    if (!same_arms(locked.arms, experiment.arms))
        out.push_back({"arms", arms_text(renamed_as_current(locked.arms, experiment.arms)), arms_text(experiment.arms)});

    const Metric* was = primary_of(locked.metrics);
    const Metric* now = primary_of(experiment.metrics);
    if (was == nullptr || now == nullptr) return out;  // not a valid experiment; nothing to compare
    if (was->id == 0 || was->id != now->id) {
        const std::vector<Metric> named = renamed_as_current(std::vector<Metric>{*was}, experiment.metrics);
        out.push_back({"primary_metric", named.front().name, now->name});
        return out;
    }
    const std::string field = "metrics[" + now->name + "].";
    const auto compare = [&](const char* name, const std::string& before, const std::string& after) {
        if (before != after) out.push_back({field + name, before, after});
    };
    compare("kind", std::string(to_string(was->kind)), std::string(to_string(now->kind)));
    compare("direction", std::string(to_string(was->direction)), std::string(to_string(now->direction)));
    compare("impact", std::string(to_string(was->impact)), std::string(to_string(now->impact)));
    compare("minimum_effect", detail::format_number(was->minimum_effect), detail::format_number(now->minimum_effect));
    compare("effect_scale", std::string(to_string(was->effect_scale)), std::string(to_string(now->effect_scale)));
    compare("confidence", detail::format_number(was->confidence), detail::format_number(now->confidence));
    // The pre-period value the comparison is adjusted for changes the estimate the verdict is judged on.
    compare("covariate", was->covariate, now->covariate);
    // The baseline is what a one-sample design compares with (elsewhere it only plans the sample).
    if (locked.design == DesignKind::one_sample || experiment.design == DesignKind::one_sample)
        compare("baseline", optional_text(was->baseline), optional_text(now->baseline));
    return out;
}

}  // namespace kokeilu
