#include "kokeilu/follow_up.hpp"

#include "kokeilu/error.hpp"
#include "kokeilu/link.hpp"

#include <algorithm>
#include <tuple>

namespace kokeilu {

Date add_calendar_months(const Date& day, int months) {
    if (months < 0 || months > 1200)
        throw InvalidArgumentError("months", Message{"input.follow_up_month_range", {{"value", static_cast<std::int64_t>(months)}}});
    if (day.is_special()) throw InvalidArgumentError("decided_on", Message{"input.not_a_date"});
    const auto ymd = day.year_month_day();
    const int zero_based = static_cast<int>(ymd.month) - 1 + months;
    const int year = static_cast<int>(ymd.year) + zero_based / 12;
    const int month = zero_based % 12 + 1;
    const int last = boost::gregorian::gregorian_calendar::end_of_month_day(static_cast<unsigned short>(year),
                                                                            static_cast<unsigned short>(month));
    // Day by day, not by Boost's month iterator, which keeps an end-of-month date at the end of later months.
    return Date(static_cast<unsigned short>(year), static_cast<unsigned short>(month),
                static_cast<unsigned short>(std::min(static_cast<int>(ymd.day), last)));
}

namespace {

// When a follow-up starts, for ordering: actual, else planned, else never (last).
std::tuple<bool, Date, std::string> start_order(const Experiment& e) {
    if (e.actual_start) return {false, *e.actual_start, e.key};
    if (e.planned_start) return {false, *e.planned_start, e.key};
    return {true, Date(boost::gregorian::not_a_date_time), e.key};
}

}  // namespace

std::vector<FollowUpSlot> follow_up_slots(const Experiment& original, const std::vector<Experiment>& follow_ups,
                                          const Date& on) {
    std::vector<FollowUpSlot> slots;
    if (!original.outcome || !original.outcome->follow_up_months || original.outcome->decided_on.is_special())
        return slots;
    std::vector<const Experiment*> filling;
    for (const Experiment& f : follow_ups) {
        if (f.status == Status::stopped) continue;
        const bool linked = std::any_of(f.links.begin(), f.links.end(), [&](const ExperimentLink& link) {
            return link.kind == LinkKind::follow_up && link.of == original.uuid;
        });
        if (linked) filling.push_back(&f);
    }
    std::stable_sort(filling.begin(), filling.end(), [](const Experiment* a, const Experiment* b) {
        const auto ka = start_order(*a);
        const auto kb = start_order(*b);
        // not-a-date compares as unordered in Boost; the flag decides first, and equal flags with no date compare by key.
        if (std::get<0>(ka) != std::get<0>(kb)) return !std::get<0>(ka);
        if (!std::get<0>(ka) && std::get<1>(ka) != std::get<1>(kb)) return std::get<1>(ka) < std::get<1>(kb);
        return std::get<2>(ka) < std::get<2>(kb);
    });
    const Outcome& o = *original.outcome;
    for (std::size_t i = 0; i < o.follow_up_months->size(); ++i) {
        FollowUpSlot slot;
        slot.original_key = original.key;
        slot.original_uuid = original.uuid;
        slot.organisation = original.organisation;
        slot.decided_on = o.decided_on;
        slot.months = (*o.follow_up_months)[i];
        slot.due = add_calendar_months(o.decided_on, slot.months);
        slot.days_overdue = on.is_special() ? 0 : (on - slot.due).days();
        if (i < filling.size()) {
            slot.follow_up_key = filling[i]->key;
            slot.follow_up_status = filling[i]->status;
        }
        slots.push_back(std::move(slot));
    }
    return slots;
}

}  // namespace kokeilu
