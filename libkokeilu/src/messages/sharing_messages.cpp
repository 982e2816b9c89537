// The English templates of sharing: bundles of experiments exchanged between trackers, and what
// their readers refuse.
#include "message_tables.hpp"

#include <array>

namespace kokeilu::detail {

namespace {

constexpr std::array templates{
    MessageTemplate{"bundle.bad_value",
                    "{part} row {row}: {column} is not valid ({value})"},
    MessageTemplate{"bundle.checkpoint",
                    "the exporter's checkpoint is not a kokeilu checkpoint line"},
    MessageTemplate{"bundle.checkpoint_mismatch",
                    "the exporter's leaves do not give its checkpoint: the history in the bundle was changed"},
    MessageTemplate{"bundle.damaged",
                    "{path} is damaged or truncated: {reason}"},
    MessageTemplate{"bundle.duplicate_experiment",
                    "the experiment {uuid} is in the bundle twice"},
    MessageTemplate{"bundle.field_too_long",
                    "{part} row {row}: {column} is longer than {limit} bytes"},
    MessageTemplate{"bundle.history_not_extended",
                    "{organisation}'s history in this bundle does not continue the one seen before (entry {size}): it was rewritten"},
    MessageTemplate{"bundle.history_rewritten",
                    "{key} came with amendments or notes that do not continue those imported before; it was not replaced"},
    MessageTemplate{"bundle.imported_read_only",
                    "{key} was imported from {organisation}: it is changed in the tracker it came from"},
    MessageTemplate{"bundle.key_in_use",
                    "the key {key} is another experiment's here; the experiment was not imported"},
    MessageTemplate{"bundle.lock_hash_mismatch",
                    "is not the hash of what the experiment pre-registered: the record was changed"},
    MessageTemplate{"bundle.missing_value",
                    "the manifest lacks {name}"},
    MessageTemplate{"bundle.newer_format",
                    "{path} is a bundle of format version {version}; this version of kokeilu reads up to {supported}"},
    MessageTemplate{"bundle.no_experiments",
                    "name at least one experiment to share"},
    MessageTemplate{"bundle.no_outcome",
                    "a concluded experiment needs its outcome"},
    MessageTemplate{"bundle.not_a_bundle",
                    "{path} is not a kokeilu bundle"},
    MessageTemplate{"bundle.not_locked",
                    "an experiment in status {status} must have been started and locked"},
    MessageTemplate{"bundle.not_verified",
                    "{key} differs from its history ({field}: {problem}); an experiment is shared only as its history records it"},
    MessageTemplate{"bundle.older_revision",
                    "{key} came at revision {revision}, older than the {stored_revision} imported before; it was left as it is"},
    MessageTemplate{"bundle.other_source",
                    "{key} was imported from {organisation} before and now comes from {other}; it was not replaced"},
    MessageTemplate{"bundle.own_experiment",
                    "{key} is this tracker's own experiment; it was left as it is"},
    MessageTemplate{"bundle.own_experiment_changed",
                    "{key} is this tracker's own experiment and the bundle has it otherwise; it was not replaced"},
    MessageTemplate{"bundle.part_hash",
                    "the part {part} does not match its SHA-256: the bundle was changed after it was written"},
    MessageTemplate{"bundle.part_rows",
                    "the part {part} has {found} rows where its manifest says {expected}"},
    MessageTemplate{"bundle.record_field",
                    "is not a field of an experiment's record, or not of its form ({value})"},
    MessageTemplate{"bundle.record_form",
                    "is not the record of an experiment as kokeilu writes it"},
    MessageTemplate{"bundle.record_mismatch",
                    "{part} row {row}: {column} does not match the experiment's record"},
    MessageTemplate{"bundle.record_not_in_history",
                    "{key}'s record is not in its history (erased or never recorded); it cannot be shared"},
    MessageTemplate{"bundle.record_not_in_log",
                    "{key}'s record is not the one the exporter's history holds at entry {entry}: it was changed"},
    MessageTemplate{"bundle.record_not_kept",
                    "{key} would not be stored exactly as its record says; nothing was imported"},
    MessageTemplate{"bundle.rows_of_draft",
                    "a draft has no observations"},
    MessageTemplate{"bundle.unexpected_table",
                    "{path} holds {name}, which a kokeilu bundle does not"},
    MessageTemplate{"bundle.unknown_experiment",
                    "{part} row {row}: names the experiment {uuid}, which the bundle does not hold"},
};

}  // namespace

std::span<const MessageTemplate> sharing_message_templates() { return templates; }

}  // namespace kokeilu::detail
