// One experiment: a change tried in real work, with its Test Card, metrics, design, budget and
// lifecycle. A plain value type; the Tracker enforces the rules and the Store keeps it.
#pragma once

#include "kokeilu/amendment.hpp"
#include "kokeilu/design.hpp"
#include "kokeilu/link.hpp"
#include "kokeilu/locked_criterion.hpp"
#include "kokeilu/metric.hpp"
#include "kokeilu/origin.hpp"
#include "kokeilu/outcome.hpp"
#include "kokeilu/test_card.hpp"
#include "kokeilu/time.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kokeilu {

// draft -> running -> concluded; draft or running -> stopped.
enum class Status { draft, running, stopped, concluded };

// The three tasks of a Finnish municipality; every experiment serves one or more of them.
enum class Purpose { wellbeing, vitality, democracy };

struct Experiment {
    // Identity. The store assigns id; uuid (stable across databases) and key are generated on
    // create when left empty.
    std::int64_t id = 0;
    std::string uuid{};  // lower-case canonical form, e.g. "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
    std::string key{};   // short human key, e.g. "OULU-2026-003"

    std::string title{};
    std::string summary{};
    std::string organisation{};  // the municipality or body, e.g. "Oulu"
    std::string unit{};          // the team or service, e.g. "home care"
    std::string owner{};
    std::vector<std::string> tags{};  // kept sorted and unique
    std::vector<Purpose> purposes{};  // at least one; kept sorted and unique

    std::optional<Date> planned_start{};
    std::optional<Date> planned_end{};
    std::optional<Date> actual_start{};  // set by start
    std::optional<Date> actual_end{};    // set by stop or conclude

    std::optional<double> planned_cost_eur{};
    std::optional<double> actual_cost_eur{};
    std::optional<double> planned_effort_hours{};
    std::optional<double> actual_effort_hours{};
    std::string risk{};  // what could go wrong, and for whom

    TestCard test_card{};
    DesignKind design = DesignKind::concurrent;
    std::vector<Arm> arms{};        // in the order given; see ArmRole for what each design needs
    std::vector<Metric> metrics{};  // exactly one primary
    // The experiments this one replicates, adapts or follows up, in the order linked; no two the
    // same. Not part of the pre-registration: a replication may be recognised after the start.
    std::vector<ExperimentLink> links{};

    Status status = Status::draft;
    std::string stop_reason{};         // set by stop
    std::optional<Outcome> outcome{};  // set by conclude

    // The pre-registration lock: a content hash of the Test Card, design, arms and metrics, taken
    // when the experiment starts (and taken again with every amendment). Changes after that are
    // amendments, listed here oldest first; `locked` keeps the parts as they were at the start.
    std::string lock_hash{};
    std::optional<Time> locked_at{};
    std::vector<Amendment> amendments{};
    std::optional<LockedCriterion> locked{};  // set by start; never changes after

    Time created_at{};
    Time updated_at{};
    std::int64_t revision = 0;  // increases with every save; detects concurrent changes

    // Set when the experiment was imported from another tracker: a read-only copy (origin.hpp).
    // Not part of its record: the copy's record is the exporter's, field for field.
    std::optional<ExperimentOrigin> origin{};

    [[nodiscard]] bool is_locked() const noexcept { return locked_at.has_value(); }
    [[nodiscard]] bool amended_after_start() const noexcept { return !amendments.empty(); }
    // How many days the actual start lies before the day the Test Card was locked (start may be
    // dated back: teams start before they record). Empty unless it is at least one day: then the
    // data from the start to locked_at may have been seen before the criterion was fixed.
    [[nodiscard]] std::optional<int> days_started_before_lock() const;
    // The primary metric; throws InvalidArgumentError when there is none.
    [[nodiscard]] const Metric& primary_metric() const;
    // Look-ups by name; throw NotFoundError.
    [[nodiscard]] const Metric& metric(std::string_view name) const;
    [[nodiscard]] const Arm& arm(std::string_view name) const;
};

// Whether two names of arms or metrics are the same name: equal in Unicode NFC, ignoring the case
// of ASCII and Latin-1 letters ("Kontrolli" and "kontrolli"; "café" typed either way).
[[nodiscard]] bool same_name(std::string_view a, std::string_view b);

[[nodiscard]] std::string_view to_string(Status v);
[[nodiscard]] std::string_view to_string(Purpose v);
[[nodiscard]] Status parse_status(std::string_view text);
[[nodiscard]] Purpose parse_purpose(std::string_view text);

}  // namespace kokeilu
