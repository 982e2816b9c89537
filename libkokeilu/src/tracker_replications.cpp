// Tracker::replications: the experiments connected to one through replication links, found by
// walking the links both ways (an experiment's own links name the ones it builds on; the indexed
// query of experiment_links.of_uuid finds those that build on it).
#include "kokeilu/tracker.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace kokeilu {

ReplicationSet Tracker::replications(std::string_view key_or_uuid) const {
    const Experiment first = get(key_or_uuid);
    std::map<std::string, Experiment> members;              // by UUID
    std::map<std::string, RelatedExperiment> related;       // by UUID, not members
    std::set<std::string> elsewhere_seen;
    ReplicationSet set;
    std::vector<std::string> queue{first.uuid};
    members.emplace(first.uuid, first);

    auto add_related = [&](const Experiment& e, LinkKind kind) {
        if (!members.contains(e.uuid)) related.try_emplace(e.uuid, RelatedExperiment{e, kind});
    };
    // Breadth first; each member is expanded once, so a cycle of links ends.
    for (std::size_t next = 0; next < queue.size(); ++next) {
        const Experiment current = members.at(queue[next]);
        for (const ExperimentLink& link : current.links) {
            if (members.contains(link.of)) continue;
            std::optional<Experiment> other = store_->find_experiment(link.of);
            if (!other) {
                if (elsewhere_seen.insert(link.of).second) set.elsewhere.push_back(link);
                continue;
            }
            if (link.kind != LinkKind::replication) {
                add_related(*other, link.kind);
                continue;
            }
            related.erase(other->uuid);
            queue.push_back(other->uuid);
            members.emplace(other->uuid, std::move(*other));
        }
        ExperimentFilter filter;
        filter.linked_to = current.uuid;
        for (Experiment& other : store_->list_experiments(filter)) {
            if (members.contains(other.uuid)) continue;
            const auto link = std::find_if(other.links.begin(), other.links.end(),
                                           [&](const ExperimentLink& l) { return l.of == current.uuid; });
            if (link == other.links.end()) continue;
            if (link->kind != LinkKind::replication) {
                add_related(other, link->kind);
                continue;
            }
            related.erase(other.uuid);
            queue.push_back(other.uuid);
            members.emplace(other.uuid, std::move(other));
        }
    }

    // A link from the set to an experiment found later as a member is not elsewhere after all.
    std::erase_if(set.elsewhere, [&](const ExperimentLink& l) { return members.contains(l.of); });
    set.replications.push_back(first);
    std::vector<Experiment> others;
    for (auto& [uuid, e] : members)
        if (uuid != first.uuid) others.push_back(std::move(e));
    std::sort(others.begin(), others.end(), [](const Experiment& a, const Experiment& b) { return a.key < b.key; });
    std::move(others.begin(), others.end(), std::back_inserter(set.replications));
    for (auto& [uuid, r] : related) set.related.push_back(std::move(r));
    std::sort(set.related.begin(), set.related.end(),
              [](const RelatedExperiment& a, const RelatedExperiment& b) { return a.experiment.key < b.experiment.key; });
    return set;
}

}  // namespace kokeilu
