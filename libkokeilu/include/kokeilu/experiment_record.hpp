// The record of an experiment's state: the text every history entry that changes an experiment
// keeps (create, update, amend, start, stop, conclude), and that verify() compares the stored
// experiment with. A bundle carries it as the experiment's canonical content, so that the
// receiver can check it against the exporter's history (docs/sharing.md).
//
// The text is a title line ("kokeilu experiment 1") and then one field a line,
//   <name> TAB <byte length>:<value>\n
// length-prefixed, so that no text inside a value can imitate another field.
#pragma once

#include "kokeilu/experiment.hpp"

#include <string>
#include <string_view>

namespace kokeilu {

[[nodiscard]] std::string experiment_record(const Experiment& experiment);

// The experiment a record describes, every field set (the store's ids 0): the inverse of
// experiment_record, so that experiment_record(experiment_from_record(text)) == text for every
// record kokeilu wrote. Throws InvalidArgumentError naming the field ("record.metrics[wait].kind")
// for anything else: a malformed line, an unknown or missing field, a value of the wrong form.
[[nodiscard]] Experiment experiment_from_record(std::string_view record);

}  // namespace kokeilu
