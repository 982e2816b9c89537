// The lifecycle's steps, draft -> running -> concluded (or -> stopped), and the status each may be
// taken from. The Tracker checks the rule before each step; a caller that asks the user questions
// before taking a step (the command's conclude) checks first with the same rule, so the user is not
// asked for a verdict the step would then refuse.
#pragma once

namespace kokeilu {

struct Experiment;

enum class LifecycleStep {
    start,     // from draft
    stop,      // from draft or running
    conclude,  // from running
};

// Throws InvalidStateError (lifecycle.cannot_start, cannot_stop or cannot_conclude, naming the key
// and the status) when `e` cannot take `step` now.
void require_step(const Experiment& e, LifecycleStep step);

}  // namespace kokeilu
