// The replications of an experiment: the set whose effects on one metric may be pooled in a
// meta-analysis (docs/sharing.md, "Replications and their meta-analysis").
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/link.hpp"

#include <vector>

namespace kokeilu {

// An experiment linked to a member of a replication set in another way than as a replication.
struct RelatedExperiment {
    Experiment experiment{};
    LinkKind kind = LinkKind::adaptation;  // adaptation or follow_up, in whichever direction it was linked
};

// The experiment, and every experiment of the tracker (its own and imported copies) connected to it
// through replication links, in either direction and transitively: B replicates A and C replicates
// B make A, B and C one set, whichever of them is asked about. An adaptation or a follow-up is a
// changed or later experiment, not the same one tried again: listed beside, never in the set.
struct ReplicationSet {
    std::vector<Experiment> replications{};   // the experiment asked about first, then the others by key
    std::vector<RelatedExperiment> related{};  // adaptations and follow-ups of or by any of them, by key
    // Links from the set to experiments this tracker does not hold (not imported, or elsewhere), in
    // the order met; their effects are not known here.
    std::vector<ExperimentLink> elsewhere{};
};

}  // namespace kokeilu
