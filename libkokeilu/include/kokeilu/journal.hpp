// Journal notes: what happened during an experiment, in the words of the people running it.
#pragma once

#include "kokeilu/time.hpp"

#include <cstdint>
#include <string>

namespace kokeilu {

struct JournalEntry {
    std::int64_t id = 0;  // assigned by the store
    Time at{};            // UTC
    std::string author{};
    std::string text{};

    bool operator==(const JournalEntry&) const = default;
};

}  // namespace kokeilu
