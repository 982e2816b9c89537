#include "history_chain.hpp"

#include "kokeilu/error.hpp"

#include <array>
#include <charconv>

namespace kokeilu {

namespace {

constexpr std::array<std::string_view, 13> kind_names{
    "begin", "create", "update", "amend", "start", "stop", "conclude", "note", "observations", "void", "delete",
    "migrated", "imported"};

constexpr std::string_view checkpoint_prefix = "kokeilu-checkpoint/1";

[[noreturn]] void bad() {
    throw InvalidArgumentError("checkpoint",
                               Message{"lifecycle.not_a_checkpoint", {{"prefix", std::string(checkpoint_prefix)}}});
}

}  // namespace

std::string_view to_string(HistoryKind kind) { return kind_names.at(static_cast<std::size_t>(kind)); }

HistoryKind parse_history_kind(std::string_view text) {
    for (std::size_t i = 0; i < kind_names.size(); ++i)
        if (kind_names[i] == text) return static_cast<HistoryKind>(i);
    throw InvalidArgumentError("kind", Message{"lifecycle.not_a_history_kind", {{"value", std::string(text)}}});
}

std::string Checkpoint::to_text() const {
    return std::string(checkpoint_prefix) + " " + log_id + " " + std::to_string(size) + " " + detail::to_hex(root);
}

Checkpoint Checkpoint::parse(std::string_view text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.remove_suffix(1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    std::vector<std::string_view> words;
    while (!text.empty()) {
        const auto space = text.find(' ');
        words.push_back(text.substr(0, space));
        if (space == std::string_view::npos) break;
        text.remove_prefix(space + 1);
        while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    }
    if (words.size() != 4 || words[0] != checkpoint_prefix || words[1].size() != 32 || words[3].size() != 64) bad();
    Checkpoint out;
    out.log_id = std::string(words[1]);
    for (const char c : out.log_id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) bad();
    const auto [end, error] = std::from_chars(words[2].data(), words[2].data() + words[2].size(), out.size);
    if (error != std::errc() || end != words[2].data() + words[2].size() || out.size < 0) bad();
    try {
        out.root = detail::from_hex(words[3], "checkpoint");
    } catch (const InvalidArgumentError&) {
        bad();
    }
    return out;
}

namespace detail {

namespace {

constexpr std::string_view leaf_prefix = "kokeilu-history-1\n";

void append_text(std::string& out, std::string_view text) {
    append_u32(out, static_cast<std::uint32_t>(text.size()));
    out += text;
}

}  // namespace

namespace {

// The hashes of one entry are taken one after the other on one thread: one context, kept, saves
// an allocation per hash on the path of every single `log`.
Sha256& entry_hash() {
    thread_local Sha256 hash;
    return hash;
}

}  // namespace

std::string payload_hash(std::string_view salt, std::string_view payload) {
    Sha256& hash = entry_hash();
    hash.update(salt);
    hash.update(payload);
    return std::string(as_bytes(hash.finish()));
}

std::string leaf_data(std::int64_t leaf_index, std::string_view previous_leaf_hash, std::int64_t at_us,
                      HistoryKind kind, std::string_view experiment_uuid, std::string_view payload_hash) {
    std::string out;
    out.reserve(leaf_prefix.size() + 8 + 32 + 8 + 4 + 12 + 4 + 36 + 32);
    out += leaf_prefix;
    append_u64(out, static_cast<std::uint64_t>(leaf_index));
    out += previous_leaf_hash;
    append_u64(out, static_cast<std::uint64_t>(at_us));
    append_text(out, to_string(kind));
    append_text(out, experiment_uuid);
    out += payload_hash;
    return out;
}

std::string leaf_hash(std::string_view leaf_data) {
    Sha256& hash = entry_hash();
    hash.update("\x00", 1);
    hash.update(leaf_data);
    return std::string(as_bytes(hash.finish()));
}

std::string node_hash(std::string_view left, std::string_view right) {
    Sha256& hash = entry_hash();
    hash.update("\x01", 1);
    hash.update(left);
    hash.update(right);
    return std::string(as_bytes(hash.finish()));
}

HistoryEntry seal(const EntryDraft& draft, Time at, ChainHead& head) {
    HistoryEntry entry;
    entry.index = head.size + 1;
    entry.at = at;
    entry.kind = draft.kind;
    entry.experiment_id = draft.experiment_id;
    entry.experiment_uuid = draft.experiment_uuid;
    entry.payload = draft.payload;
    entry.salt = random_bytes(history_salt_bytes);
    entry.payload_hash = payload_hash(entry.salt, draft.payload);
    entry.leaf_hash = leaf_hash(leaf_data(head.size, head.leaf_hash, to_unix_micros(at), draft.kind,
                                          draft.experiment_uuid, entry.payload_hash));
    head.size = entry.index;
    head.leaf_hash = entry.leaf_hash;
    return entry;
}

void MerkleTreeHash::add(std::string_view leaf) {
    perfect_.emplace_back(1, std::string(leaf));
    ++size_;
    // Two perfect subtrees of the same size become one of twice the size: the stack holds the
    // binary digits of the size, largest subtree first.
    while (perfect_.size() >= 2 && perfect_[perfect_.size() - 2].first == perfect_.back().first) {
        auto right = std::move(perfect_.back());
        perfect_.pop_back();
        auto& left = perfect_.back();
        left.second = node_hash(left.second, right.second);
        left.first *= 2;
    }
}

std::string MerkleTreeHash::root() const {
    if (perfect_.empty()) return std::string(as_bytes(sha256("")));
    // MTH(D[n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two below n: the
    // subtrees are folded from the smallest (rightmost) up.
    std::string root = perfect_.back().second;
    for (std::size_t i = perfect_.size() - 1; i-- > 0;) root = node_hash(perfect_[i].second, root);
    return root;
}

}  // namespace detail

}  // namespace kokeilu
