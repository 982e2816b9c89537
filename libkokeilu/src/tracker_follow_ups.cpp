// Follow-ups of concluded experiments (kokeilu/follow_up.hpp): their slots, what is due, and the
// draft of a follow-up. Every date is a calendar date of the tracker's zone, so a run near local
// midnight or across a change of summer time counts the day its people see.
#include "kokeilu/error.hpp"
#include "kokeilu/follow_up.hpp"
#include "kokeilu/link.hpp"
#include "kokeilu/tracker.hpp"

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

namespace kokeilu {

namespace {

std::vector<Experiment> follow_ups_of(const std::vector<Experiment>& all, const Experiment& original) {
    std::vector<Experiment> found;
    for (const Experiment& e : all)
        if (std::any_of(e.links.begin(), e.links.end(), [&](const ExperimentLink& link) {
                return link.kind == LinkKind::follow_up && link.of == original.uuid;
            }))
            found.push_back(e);
    return found;
}

std::string months_text(const std::vector<int>& months) {
    std::string text;
    for (const int m : months) {
        if (!text.empty()) text += ", ";
        text += std::to_string(m);
    }
    return text;
}

}  // namespace

std::vector<FollowUpSlot> Tracker::follow_up_slots(std::string_view original, std::optional<Date> on) const {
    const Experiment e = get(original);
    if (!e.outcome || !e.outcome->follow_up_months) return {};
    return kokeilu::follow_up_slots(e, follow_ups_of(experiments(), e), on.value_or(zone_.today()));
}

std::vector<FollowUpSlot> Tracker::due(std::optional<Date> on, int within_days) const {
    if (on && on->is_special()) throw InvalidArgumentError("on", Message{"input.not_a_date"});
    if (within_days < 0 || within_days > 36600)
        throw InvalidArgumentError("within_days", Message{"input.within_days_range", {{"value", static_cast<std::int64_t>(within_days)}}});
    const Date day = on.value_or(zone_.today());
    const Date until = day + boost::gregorian::days(within_days);
    const std::vector<Experiment> all = experiments();
    std::vector<FollowUpSlot> due;
    for (const Experiment& e : all) {
        if (e.status != Status::concluded || !e.outcome || !e.outcome->follow_up_months) continue;
        for (FollowUpSlot& slot : kokeilu::follow_up_slots(e, follow_ups_of(all, e), day))
            if (slot.due <= until && !slot.done()) due.push_back(std::move(slot));
    }
    std::sort(due.begin(), due.end(), [](const FollowUpSlot& a, const FollowUpSlot& b) {
        return std::tie(a.due, a.original_key, a.months) < std::tie(b.due, b.original_key, b.months);
    });
    return due;
}

Experiment Tracker::follow_up_draft(std::string_view original, int months) const {
    const Experiment e = get(original);
    if (e.status != Status::concluded || !e.outcome)
        throw InvalidStateError(Message{"lifecycle.follow_up_of_unconcluded",
                                        {{"key", e.key}, {"status", std::string(to_string(e.status))}}});
    const std::vector<int> scheduled = e.outcome->follow_up_months.value_or(std::vector<int>{});
    if (std::find(scheduled.begin(), scheduled.end(), months) == scheduled.end())
        throw InvalidArgumentError("months", Message{"lifecycle.follow_up_not_scheduled",
                                                     {{"key", e.key},
                                                      {"months", static_cast<std::int64_t>(months)},
                                                      {"scheduled", months_text(scheduled)}}});
    Experiment draft;
    draft.organisation = e.organisation;
    draft.unit = e.unit;
    draft.owner = e.owner;
    draft.purposes = e.purposes;
    draft.tags = e.tags;
    draft.design = e.design;
    for (Arm arm : e.arms) {
        arm.id = 0;
        draft.arms.push_back(std::move(arm));
    }
    Metric primary = e.primary_metric();
    primary.id = 0;
    draft.metrics.push_back(std::move(primary));
    draft.planned_start = add_calendar_months(e.outcome->decided_on, months);
    draft.links.push_back(ExperimentLink{LinkKind::follow_up, e.uuid});
    return draft;
}

}  // namespace kokeilu
