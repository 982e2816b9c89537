// English templates of the store messages (see message_tables.hpp). Keep them sorted by code;
// every code also needs an entry in python/kokeilu/locale/*/LC_MESSAGES/kokeilu.po (msgctxt = code,
// msgid = this template), which tests/python/test_core_messages.py checks.
#include "messages/message_tables.hpp"

#include <array>

namespace kokeilu::detail {

namespace {

constexpr std::array templates = {
    MessageTemplate{"store.arm_code_not_in",
                    "id {id} (arm code {arm_code}) is not an arm of experiment {key}"},
    MessageTemplate{"store.arm_code_out_of_range",
                    "code {code} (row {row}) does not name an arm (there are {arms} arm names)"},
    MessageTemplate{"store.arm_has_observations",
                    "arm '{name}' has observations and cannot be removed"},
    MessageTemplate{"store.arm_id_not_own",
                    "arm '{name}' has id {id}, which is not one of this experiment's arms"},
    MessageTemplate{"store.arm_names_twice",
                    "two arms of the experiment have the same name"},
    MessageTemplate{"store.batch_voided",
                    "batch {batch} of {key} has no counted rows left: it was voided already"},
    MessageTemplate{"store.batch_voided_by",
                    "batch {batch} of {key} has no counted rows left: it was voided already (void {void_id})"},
    MessageTemplate{"store.batch_voided_on",
                    "batch {batch} of {key} has no counted rows left: it was voided already on {voided_on} (void "
                    "{void_id}: {reason})"},
    MessageTemplate{"store.cannot_open",
                    "opening '{path}': {sqlite_message} ({reason})"},
    MessageTemplate{"store.changed_by_someone_else",
                    "experiment {key} was changed by someone else (stored revision {stored_revision}, this copy has "
                    "revision {revision}); get it again and redo the change"},
    MessageTemplate{"store.column_length",
                    "has {entries} entries, but at_us has {rows}"},
    MessageTemplate{"store.empty_read_only",
                    "'{path}' is not a kokeilu tracker yet: it is empty, and a read-only open does not create one"},
    MessageTemplate{"store.experiment_id_not_found",
                    "experiment not found: id {id}"},
    MessageTemplate{"store.file_not_found",
                    "tracker file not found: {path}"},
    MessageTemplate{"store.hard_links",
                    "'{path}' has {names} names (hard links), and writing it is refused: SQLite keeps a write-ahead "
                    "log per name, so writes through two names lose each other's rows. Give the tracker one name: "
                    "copy it (cp '{path}' new.db) and use the copy, or remove the other link. It can still be "
                    "opened read-only"},
    MessageTemplate{"store.id_given_twice",
                    "{id} is given twice"},
    MessageTemplate{"store.idempotency_key_reused",
                    "'{value}' was already used for batch {batch} ({rows} rows, {at}) with other content; nothing "
                    "was written (a new write needs a new key)"},
    MessageTemplate{"store.identity_in_use",
                    "'{value}' is already in use by another experiment"},
    MessageTemplate{"store.ids_not_consecutive",
                    "the observations did not get consecutive ids ({first_id} to {last_id} for {rows} rows); "
                    "nothing was written"},
    MessageTemplate{"store.in_memory_read_only",
                    "an in-memory tracker is always new and cannot be read-only"},
    MessageTemplate{"store.in_use",
                    "already in use by another experiment"},
    MessageTemplate{"store.journal_not_a_file",
                    "opening '{path}': its rollback journal '{name}' is {kind}, not a file; SQLite would open it as "
                    "part of the tracker. Move it away"},
    MessageTemplate{"store.kind_change_misfit",
                    "cannot change from {from} to {to}: 1 observation does not fit it (id {ids}; observation "
                    "{first}: {problem})"},
    MessageTemplate{"store.kind_change_misfits",
                    "cannot change from {from} to {to}: {count} observations do not fit it (ids {ids}; observation "
                    "{first}: {problem})"},
    MessageTemplate{"store.locked",
                    "{operation}: {sqlite_message}"},
    MessageTemplate{"store.metric_has_observations",
                    "metric '{name}' has observations and cannot be removed"},
    MessageTemplate{"store.metric_id_not_own",
                    "metric '{name}' has id {id}, which is not one of this experiment's metrics"},
    MessageTemplate{"store.metric_names_twice",
                    "two metrics of the experiment have the same name"},
    MessageTemplate{"store.metric_not_in",
                    "id {id} is not a metric of experiment {key}"},
    MessageTemplate{"store.missed_migration_read_only",
                    "'{path}' has the older schema version {version} without all of its migrations and must be "
                    "upgraded; open it once without read_only"},
    MessageTemplate{"store.negative_option",
                    "must not be negative"},
    MessageTemplate{"store.newer_schema",
                    "'{path}' was written by a newer kokeilu (schema version {version}; this version knows up to "
                    "{known}); upgrade kokeilu to open it. The file was left unchanged"},
    MessageTemplate{"store.no_observations_in_status",
                    "experiment {key} is {status}; no observations can be recorded"},
    MessageTemplate{"store.not_a_batch_of",
                    "{batch} is not a batch of {key}"},
    MessageTemplate{"store.not_a_calendar_date",
                    "is not a calendar date"},
    MessageTemplate{"store.not_a_database",
                    "'{path}' is not a kokeilu tracker: it is not a SQLite database; it was left unchanged"},
    MessageTemplate{"store.not_a_file",
                    "opening '{path}': it is {kind}, not a file; a tracker is a regular file"},
    MessageTemplate{"store.not_a_valid_time",
                    "is not a valid time"},
    MessageTemplate{"store.not_an_observation_of",
                    "{id} is not an observation of {key}"},
    MessageTemplate{"store.not_stored_yet",
                    "the experiment has not been stored yet"},
    MessageTemplate{"store.observation_voided_by",
                    "observation {id} of {key} was voided already (void {void_id})"},
    MessageTemplate{"store.observation_voided_on",
                    "observation {id} of {key} was voided already on {voided_on} (void {void_id}: {reason})"},
    MessageTemplate{"store.observations_only_in_status",
                    "experiment {key} is {status}; observations can be recorded only when it is {allowed}"},
    MessageTemplate{"store.older_schema_read_only",
                    "'{path}' has the older schema version {version} and must be upgraded; open it once without "
                    "read_only"},
    MessageTemplate{"store.other_application",
                    "'{path}' is not a kokeilu tracker: it is a SQLite database of another application "
                    "(application_id {application_id}, {schema_objects} schema objects); it was left unchanged"},
    MessageTemplate{"store.path_is_folder",
                    "opening '{path}': it is a folder, not a file; a tracker is a regular file"},
    MessageTemplate{"store.path_with_nul",
                    "contains a NUL character"},
    MessageTemplate{"store.read_only",
                    "the tracker file was opened read-only"},
    MessageTemplate{"store.removal_has_observation",
                    "cannot be removed: it has 1 observation (id {ids})"},
    MessageTemplate{"store.removal_has_observations",
                    "cannot be removed: it has {count} observations (ids {ids})"},
    MessageTemplate{"store.row_arm_not_in",
                    "id {id} (row {row}) is not an arm of experiment {key}"},
    MessageTemplate{"store.row_metric_not_in",
                    "id {id} (row {row}) is not a metric of experiment {key}"},
    MessageTemplate{"store.shm_not_a_file",
                    "opening '{path}': its shared-memory index '{name}' is {kind}, not a file; SQLite would open it "
                    "as part of the tracker. Move it away"},
    MessageTemplate{"store.sqlite_failed",
                    "{operation}: {sqlite_message}"},
    MessageTemplate{"store.stale_revision",
                    "experiment {key} was changed (revision {revision}, now {stored_revision})"},
    MessageTemplate{"store.time_zone_after_start",
                    "cannot change the time zone: experiments have started ({keys}), and their days were counted in "
                    "the zone they started in"},
    MessageTemplate{"store.unreadable_value",
                    "{operation}: a stored value cannot be read ({problem})"},
    MessageTemplate{"store.wal_not_a_file",
                    "opening '{path}': its write-ahead log '{name}' is {kind}, not a file; SQLite would open it as "
                    "part of the tracker. Move it away"},
    MessageTemplate{"store.wal_of_empty_database",
                    "opening '{path}': its write-ahead log '{path}-wal' belongs to another database ('{path}' is "
                    "empty); SQLite would replay it over this file and show that file's data. Both files were left "
                    "unchanged. If '{path}' is the tracker you want, move '{path}-wal' (and '{path}-shm') away and "
                    "open it again; if the rows you need are in the other file, put the log back beside it"},
    MessageTemplate{"store.wal_of_other_database",
                    "opening '{path}': its write-ahead log '{path}-wal' belongs to another SQLite database; SQLite "
                    "would replay it over this file and show that file's data. Both files were left unchanged. If "
                    "'{path}' is the tracker you want, move '{path}-wal' (and '{path}-shm') away and open it again; "
                    "if the rows you need are in the other file, put the log back beside it"},
    MessageTemplate{"store.wal_of_other_tracker",
                    "opening '{path}': its write-ahead log '{path}-wal' belongs to another tracker file (file "
                    "identity {identity}, this file's is {own_identity}); SQLite would replay it over this file and "
                    "show that file's data. Both files were left unchanged. If '{path}' is the tracker you want, "
                    "move '{path}-wal' (and '{path}-shm') away and open it again; if the rows you need are in the "
                    "other file, put the log back beside it"},
};

}  // namespace

std::span<const MessageTemplate> store_message_templates() { return templates; }

}  // namespace kokeilu::detail
