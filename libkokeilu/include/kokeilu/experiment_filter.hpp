// Which experiments to list. Every set criterion must hold; an unset one matches everything.
#pragma once

#include "kokeilu/experiment.hpp"

#include <optional>
#include <string>

namespace kokeilu {

struct ExperimentFilter {
    std::optional<Status> status{};
    std::string organisation{};  // exact, case-insensitive
    std::string unit{};          // exact, case-insensitive
    std::string tag{};           // has this tag
    std::optional<Purpose> purpose{};
    // Experiments whose period (actual dates where known, else planned) overlaps [from, to].
    std::optional<Date> from{};
    std::optional<Date> to{};
    // Substring, case-insensitive, of the title, summary or any part of the Test Card.
    std::string text{};
    // Experiments with a link (of any kind) to this UUID, lower-case canonical form.
    std::string linked_to{};
};

}  // namespace kokeilu
