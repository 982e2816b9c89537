// The payloads of history entries: what each change recorded, as text that a person can read and
// verify() can parse. Every payload is a title line and then one field a line,
//   <name> TAB <byte length>:<value>\n
// length-prefixed, so that no text inside a value can imitate another field (names hold no control
// characters).
//
// experiment_record is THE record of an experiment's state: every entry that changes an experiment
// (create, update, amend, start, stop, conclude, delete, and the migration's start of the history)
// stores it, built here from the experiment alone, and verify() compares the stored experiment
// with the last one recorded, field by field. A field added to the model is added here, once (a
// field of the Test Card, an arm or a metric is added to its list in preregistration.cpp and comes
// along by itself).
#pragma once

#include "kokeilu/experiment.hpp"
#include "kokeilu/history.hpp"
#include "kokeilu/journal.hpp"
#include "kokeilu/voiding.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kokeilu::detail {

[[nodiscard]] std::string experiment_record(const Experiment& experiment);
[[nodiscard]] std::string note_record(const JournalEntry& note);
[[nodiscard]] std::string batch_record(const Batch& batch);
[[nodiscard]] std::string void_record(const VoidRecord& record);
[[nodiscard]] std::string begin_record(const HistoryLog& log);

using RecordFields = std::vector<std::pair<std::string, std::string>>;

// The title line and the fields of a payload; empty when it is not one kokeilu wrote.
struct ParsedRecord {
    std::string title;
    RecordFields fields;
    [[nodiscard]] std::optional<std::string> get(std::string_view name) const;
};
[[nodiscard]] std::optional<ParsedRecord> parse_record(std::string_view payload);

}  // namespace kokeilu::detail
