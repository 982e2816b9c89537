// English templates of the privacy messages of sharing (see message_tables.hpp): the privacy level
// of an export, the smallest cell it may publish, the organisation's secret of pseudonyms and the
// ledger of what each recipient received. The rules themselves are in python/kokeilu/_privacy.py.
// Keep them sorted by code; every code also needs an entry in python/kokeilu/locale/*/LC_MESSAGES/
// kokeilu.po (msgctxt = core:code, msgid = this template), which tests/python/test_core_messages.py checks.
#include "messages/message_tables.hpp"

#include <array>

namespace kokeilu::detail {

namespace {

constexpr std::array templates = {
    MessageTemplate{"privacy.cell_twice",
                    "the cell of metric '{metric}', arm '{arm}' and period '{period}' is given twice"},
    MessageTemplate{"privacy.ledger_entry",
                    "is not an entry of the sharing ledger: '{name}' is missing or of the wrong type"},
    MessageTemplate{"privacy.min_cell_size",
                    "must be a whole number of at least 2 (the fewest units a published cell may hold), got {value}"},
    MessageTemplate{"privacy.secret_length",
                    "must be {expected} bytes, got {got}"},
    MessageTemplate{"privacy.secret_malformed",
                    "is not an organisation secret of kokeilu (one line: kokeilu-secret/1 and 64 hexadecimal digits); it was left as it is, as a new secret would change every pseudonym"},
    MessageTemplate{"privacy.secret_not_file",
                    "is not a regular file; an organisation's secret is a file of its own, not a link, a folder or a device"},
    MessageTemplate{"privacy.secret_owner",
                    "belongs to another user; an organisation's secret must belong to the user who exports"},
    MessageTemplate{"privacy.secret_unsafe",
                    "other users can read or change it (permissions {mode}); allow its owner only (chmod {wanted}) rather than replace it, as a new secret would change every pseudonym"},
    MessageTemplate{"privacy.unknown_level",
                    "unknown privacy level '{value}'; choose cards, aggregate or units"},
};

}  // namespace

std::span<const MessageTemplate> privacy_message_templates() { return templates; }

}  // namespace kokeilu::detail
