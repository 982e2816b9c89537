// The Test Card: the hypothesis, written before the experiment starts, in four parts.
#pragma once

#include <string>

namespace kokeilu {

struct TestCard {
    std::string we_believe;   // "We believe that ..."
    std::string to_verify;    // "To verify that, we will ..."
    std::string and_measure;  // "And measure ..."
    std::string right_if;     // "We are right if ..."

    bool operator==(const TestCard&) const = default;
};

}  // namespace kokeilu
