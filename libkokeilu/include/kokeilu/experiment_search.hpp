// A search of the learning library: every experiment of a tracker, its own and those imported from
// other trackers (origin.hpp), found by free text and narrowed by facets. Every set criterion must
// hold; an unset one matches everything.
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/outcome.hpp"

#include <optional>
#include <string>

namespace kokeilu {

// Whose experiments a search covers: the file's own, the copies imported from other trackers, or
// both.
enum class Provenance { both, own, imported };

struct ExperimentSearch {
    // Words, each matched as the start of a word (an inflected form is found by its stem:
    // "kirjasto" finds "kirjastossa"), all of them somewhere in the experiment's key, title,
    // summary, organisation, unit, owner, tags, purposes, Test Card, metric names and labels,
    // Learning Card, verdict or decision. Case is ignored; letters with and without dots or rings
    // are different letters (ä is not a). The text is only ever words: quotes, operators and
    // brackets in it are searched for, never obeyed. Empty: no condition.
    std::string text{};
    std::optional<Purpose> purpose{};
    std::string unit{};          // exact, case-insensitive
    std::string metric{};        // a metric of this name (exact, case-insensitive)
    std::string organisation{};  // exact, case-insensitive: the experiment's organisation
    std::optional<Verdict> verdict{};  // the verdict the team chose (Outcome::chosen_verdict)
    std::optional<Decision> decision{};
    std::optional<Status> status{};
    Provenance provenance = Provenance::both;
};

}  // namespace kokeilu
