// The Test Card: the hypothesis, written before the experiment starts, in four parts.
#pragma once

#include <string>

namespace kokeilu {

struct TestCard {
    std::string we_believe{};   // "We believe that ..."
    std::string to_verify{};    // "To verify that, we will ..."
    std::string and_measure{};  // "And measure ..."
    std::string right_if{};     // "We are right if ..."
    // "Has any of the data been seen already?", answered in the team's words when the card is
    // written ("no", "yes: the January figures"). Empty means not answered; it is optional, and
    // part of the lock (and of its hash) only once answered, so older experiments hash as before.
    std::string data_seen{};

    bool operator==(const TestCard&) const = default;
};

}  // namespace kokeilu
