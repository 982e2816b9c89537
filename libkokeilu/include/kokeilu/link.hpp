// How one experiment builds on another: a replication of it elsewhere, an adaptation of it, or a
// follow-up of it after its change was scaled up. Links name the other experiment by its UUID, so
// that they keep their meaning in every tracker a bundle reaches, also before (or without) the
// other experiment arriving there.
#pragma once

#include <string>
#include <string_view>

namespace kokeilu {

enum class LinkKind {
    replication,  // the same change, tried again (usually elsewhere), measured on the same metric
    adaptation,   // a changed version of it, so not pooled with it as a replication
    follow_up,    // the same metric measured again months after the change was scaled up
};

struct ExperimentLink {
    LinkKind kind = LinkKind::replication;
    std::string of{};  // the UUID of the experiment this one builds on, lower-case canonical form

    bool operator==(const ExperimentLink&) const = default;
};

[[nodiscard]] std::string_view to_string(LinkKind v);
[[nodiscard]] LinkKind parse_link_kind(std::string_view text);

}  // namespace kokeilu
