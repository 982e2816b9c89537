// Shared checks for the statistics tests: which field an error names, and why data was not enough.
#pragma once

#include "kokeilu/error.hpp"
#include "kokeilu/stats/estimate.hpp"

#include <string>

namespace kokeilu::testing {

// The field named by the InvalidArgumentError (or NotEnoughDataError, which is one) that f
// throws; a marker no field has when it throws none.
template <class F>
std::string error_field(F f) {
    try {
        f();
    } catch (const InvalidArgumentError& e) {
        return e.field();
    }
    return "(no InvalidArgumentError)";
}

// The message of the NotEnoughDataError that f throws; a marker when it throws none.
template <class F>
std::string not_enough_data_message(F f) {
    try {
        f();
    } catch (const stats::NotEnoughDataError& e) {
        return e.what();
    }
    return "(no NotEnoughDataError)";
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace kokeilu::testing
