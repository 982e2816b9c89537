// Follow-ups of a change that was scaled up: months after the decision, the same metric is measured
// again, to see whether the effect lasted. The schedule is the outcome's follow_up_months; each
// month is a slot, due on decided_on plus that many calendar months in the tracker's time zone. A
// follow-up is an experiment of its own, linked to the original as LinkKind::follow_up; the
// follow-ups of an original fill its slots in the order they start.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/time.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kokeilu {

// What conclude schedules for a scale-up when no months are given.
inline constexpr std::array<int, 3> default_follow_up_months{3, 6, 12};

// decided_on plus `months` calendar months, on the same day of the month or, where that month is
// shorter, on its last day: Jan 31 + 1 = Feb 28 (29 in a leap year), Feb 28 + 1 = Mar 28.
// (Boost.Date_Time's months would move an end-of-month date to the end of every later month,
// Feb 28 + 1 to Mar 31.) Throws InvalidArgumentError naming "months" outside 0..1200.
[[nodiscard]] Date add_calendar_months(const Date& day, int months);

// One scheduled follow-up of a concluded experiment.
struct FollowUpSlot {
    std::string original_key{};
    std::string original_uuid{};
    std::string organisation{};
    Date decided_on{};
    int months = 0;
    Date due{};
    std::int64_t days_overdue = 0;  // `on` minus due: negative when it is not due yet
    // The follow-up filling the slot (its key and status), when one does.
    std::string follow_up_key{};
    std::optional<Status> follow_up_status{};

    // Filled by a concluded follow-up: nothing is due any more.
    [[nodiscard]] bool done() const noexcept { return follow_up_status == Status::concluded; }
    bool operator==(const FollowUpSlot&) const = default;
};

// The slots of `original` as of the day `on`: one per scheduled month, each filled by a follow-up
// in the order of their starts (actual, else planned; one without either comes last, then by key).
// A stopped follow-up measured nothing, so it fills no slot. `follow_ups` are the experiments
// linked to it as follow-ups, in any order.
[[nodiscard]] std::vector<FollowUpSlot> follow_up_slots(const Experiment& original,
                                                        const std::vector<Experiment>& follow_ups, const Date& on);

}  // namespace kokeilu
