// Tracker::verify and Tracker::quick_check over any Store (see kokeilu/verification.hpp).
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/store.hpp"
#include "kokeilu/verification.hpp"

#include <vector>

namespace kokeilu::detail {

[[nodiscard]] VerificationReport verify_store(Store& store, const VerifyOptions& options);
[[nodiscard]] std::vector<VerificationProblem> quick_check(Store& store, const Experiment& experiment);
[[nodiscard]] Checkpoint current_checkpoint(Store& store);

}  // namespace kokeilu::detail
