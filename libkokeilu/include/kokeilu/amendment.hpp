// A change to a pre-registered (locked) field after the experiment started, kept with its reason.
#pragma once

#include "kokeilu/time.hpp"

#include <string>

namespace kokeilu {

struct Amendment {
    Time at{};                // when the change was saved (UTC)
    std::string field{};      // e.g. "test_card.right_if", "metric[wait_days].minimum_effect", "arms"
    std::string old_value{};  // the value as text, as it was locked
    std::string new_value{};
    std::string reason{};   // required, never empty
    std::string author{};

    bool operator==(const Amendment&) const = default;
};

}  // namespace kokeilu
