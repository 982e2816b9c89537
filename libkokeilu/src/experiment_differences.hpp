// A create repeated with a key that is already stored (a notebook cell run again, two processes
// creating at once): the same content gives the stored experiment back, other content is refused
// with the fields that differ.
#pragma once

#include "kokeilu/experiment.hpp"

namespace kokeilu::detail {

// Returns `stored` when `given` (a validated, normalised draft with the same key) has the content
// stored, every field create takes; else throws InvalidArgumentError("key", ...) naming each field
// that differs, with the stored and the given value.
[[nodiscard]] Experiment repeated_create(Experiment stored, const Experiment& given);

}  // namespace kokeilu::detail
