// Tracker::replications (kokeilu/replications.hpp): the experiments linked to one as replications,
// in either direction and transitively, with adaptations and follow-ups beside and links to
// experiments not held here apart.
#include "kokeilu/tracker.hpp"

#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

constexpr const char* elsewhere = "0b4e28ba-2fa1-41d2-883f-0016d3cca427";

std::vector<std::string> keys(const std::vector<Experiment>& experiments) {
    std::vector<std::string> out;
    for (const Experiment& e : experiments) out.push_back(e.key);
    return out;
}

std::vector<std::string> related(const ReplicationSet& set) {
    std::vector<std::string> out;
    for (const RelatedExperiment& r : set.related) out.push_back(r.experiment.key + ":" + std::string(to_string(r.kind)));
    return out;
}

}  // namespace

TEST_CASE("the replication set is found both ways and transitively, with adaptations and follow-ups beside",
          "[replications]") {
    Tracker t = memory_tracker();
    const Experiment a = t.create(home_care_draft("Oulu"));
    const Experiment b = t.create(home_care_draft("Kajaani"));
    const Experiment c = t.create(home_care_draft("Kuusamo"));
    const Experiment d = t.create(home_care_draft("Ii"));
    const Experiment f = t.create(home_care_draft("Kemi"));
    const Experiment lone = t.create(home_care_draft("Raahe"));
    t.link(b.key, LinkKind::replication, a.key);  // B replicates A
    t.link(c.key, LinkKind::replication, b.key);  // C replicates B: A, B, C
    t.link(d.key, LinkKind::adaptation, a.key);   // D adapts A: beside
    t.link(c.key, LinkKind::follow_up, f.key);    // C follows F up: beside
    t.link(b.key, LinkKind::replication, elsewhere);

    for (const Experiment& asked : {a, b, c}) {
        const ReplicationSet set = t.replications(asked.uuid);
        REQUIRE(set.replications.size() == 3);
        CHECK(set.replications.front().key == asked.key);
        std::vector<std::string> found = keys(set.replications);
        std::sort(found.begin(), found.end());
        std::vector<std::string> expected{a.key, b.key, c.key};
        std::sort(expected.begin(), expected.end());
        CHECK(found == expected);
        std::vector<std::string> beside{d.key + ":adaptation", f.key + ":follow_up"};
        std::sort(beside.begin(), beside.end());
        CHECK(related(set) == beside);
        REQUIRE(set.elsewhere.size() == 1);
        CHECK(set.elsewhere[0] == ExperimentLink{LinkKind::replication, elsewhere});
    }

    // The listing filter behind the backward step: every kind of link to the UUID.
    ExperimentFilter linked;
    linked.linked_to = a.uuid;
    std::vector<std::string> to_a = keys(t.experiments(linked));
    std::vector<std::string> expected_to_a{b.key, d.key};
    std::sort(to_a.begin(), to_a.end());
    std::sort(expected_to_a.begin(), expected_to_a.end());
    CHECK(to_a == expected_to_a);

    // An adaptation's own set is itself, with what it adapts beside.
    const ReplicationSet of_d = t.replications(d.key);
    CHECK(keys(of_d.replications) == std::vector<std::string>{d.key});
    CHECK(related(of_d) == std::vector<std::string>{a.key + ":adaptation"});

    const ReplicationSet alone = t.replications(lone.key);
    CHECK(keys(alone.replications) == std::vector<std::string>{lone.key});
    CHECK(alone.related.empty());
    CHECK(alone.elsewhere.empty());
    CHECK_THROWS_AS(t.replications("NOPE-1"), NotFoundError);
}

TEST_CASE("a cycle of replication links ends, and each experiment is in the set once", "[replications]") {
    Tracker t = memory_tracker();
    const Experiment a = t.create(home_care_draft("Oulu"));
    const Experiment b = t.create(home_care_draft("Kajaani"));
    const Experiment c = t.create(home_care_draft("Kuusamo"));
    t.link(b.key, LinkKind::replication, a.key);
    t.link(c.key, LinkKind::replication, b.key);
    t.link(a.key, LinkKind::replication, c.key);
    const ReplicationSet set = t.replications(b.key);
    CHECK(set.replications.size() == 3);
    CHECK(set.related.empty());
    CHECK(set.elsewhere.empty());
}
