// Links between experiments (kokeilu/link.hpp): a replication, an adaptation or a follow-up of
// another experiment, kept in the experiment's record and history, checked like every field, and
// carried to the trackers that import the experiment.
#include "kokeilu/exchange.hpp"
#include "kokeilu/experiment_record.hpp"
#include "kokeilu/tracker.hpp"

#include "test_tracker_support.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace kokeilu;
using namespace kokeilu::testing;

namespace {

// Kuusamo's experiment elsewhere, never imported here.
constexpr const char* elsewhere = "0b4e28ba-2fa1-41d2-883f-0016d3cca427";

std::string field_of_refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const InvalidArgumentError& error) {
        return error.field();
    }
    return "(accepted)";
}

}  // namespace

TEST_CASE("an experiment links to another by key or UUID, and the link is in its record and history",
          "[links]") {
    Tracker t = memory_tracker();
    const Experiment oulu = t.create(home_care_draft());
    const Experiment kajaani = t.create(home_care_draft("Kajaani"));
    CHECK(experiment_record(kajaani).find("links[") == std::string::npos);  // none: the record as before

    const Experiment linked = t.link(kajaani.key, LinkKind::replication, oulu.key);
    REQUIRE(linked.links.size() == 1);
    CHECK(linked.links[0] == ExperimentLink{LinkKind::replication, oulu.uuid});
    CHECK(linked.revision == kajaani.revision + 1);
    CHECK(t.get(kajaani.key).links == linked.links);
    CHECK(t.history(kajaani.key).back().kind == HistoryKind::update);
    CHECK(t.verify().ok());

    // A UUID of an experiment this tracker does not hold, in capitals: kept in canonical form.
    std::string upper = elsewhere;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const Experiment both = t.link(kajaani.key, LinkKind::adaptation, upper);
    REQUIRE(both.links.size() == 2);
    CHECK(both.links[1] == ExperimentLink{LinkKind::adaptation, elsewhere});

    // The record names each link and reads back as it was written.
    const std::string record = experiment_record(both);
    CHECK(record.find("links[1].of\t36:" + std::string(elsewhere)) != std::string::npos);
    CHECK(experiment_from_record(record).links == both.links);
    CHECK(experiment_record(experiment_from_record(record)) == record);
}

TEST_CASE("linking again changes nothing, another kind changes the kind, unlink removes", "[links]") {
    Tracker t = memory_tracker();
    const Experiment oulu = t.create(home_care_draft());
    const Experiment kajaani = t.create(home_care_draft("Kajaani"));
    const Experiment once = t.link(kajaani.key, LinkKind::replication, oulu.uuid);
    const Experiment again = t.link(kajaani.key, LinkKind::replication, oulu.key);
    CHECK(again.revision == once.revision);
    const Experiment adapted = t.link(kajaani.key, LinkKind::adaptation, oulu.key);
    REQUIRE(adapted.links.size() == 1);
    CHECK(adapted.links[0].kind == LinkKind::adaptation);
    const Experiment unlinked = t.unlink(kajaani.key, oulu.key);
    CHECK(unlinked.links.empty());
    CHECK_THROWS_AS(t.unlink(kajaani.key, oulu.key), NotFoundError);
    CHECK(t.verify().ok());
}

TEST_CASE("a bad link is refused, naming it, and nothing is written", "[links]") {
    Tracker t = memory_tracker();
    const Experiment oulu = t.create(home_care_draft());
    const Experiment kajaani = t.create(home_care_draft("Kajaani"));
    CHECK_THROWS_AS(t.link(kajaani.key, LinkKind::replication, "NO-SUCH-KEY"), NotFoundError);
    CHECK(field_of_refusal([&] { (void)t.link(kajaani.key, LinkKind::replication, kajaani.key); }) == "links[0].of");

    Experiment bad = t.get(kajaani.key);
    bad.links = {{LinkKind::replication, "not-a-uuid"}};
    CHECK(field_of_refusal([&] { (void)t.update(bad); }) == "links[0].of");
    bad.links = {{LinkKind::replication, oulu.uuid}, {LinkKind::adaptation, oulu.uuid}};
    CHECK(field_of_refusal([&] { (void)t.update(bad); }) == "links[1].of");
    bad.links = {{static_cast<LinkKind>(7), oulu.uuid}};
    CHECK(field_of_refusal([&] { (void)t.update(bad); }) == "links[0].kind");
    CHECK(t.get(kajaani.key).revision == kajaani.revision);
    CHECK(t.get(kajaani.key).links.empty());

    // A create with links is checked the same way, and a repeated create with other links differs.
    Experiment draft = home_care_draft("Ii");
    draft.links = {{LinkKind::replication, "x"}};
    CHECK(field_of_refusal([&] { (void)t.create(draft); }) == "links[0].of");
    draft.key = "II-1";
    draft.links = {{LinkKind::replication, oulu.uuid}};
    const Experiment ii = t.create(draft);
    CHECK(ii.links == draft.links);
    CHECK(t.create(draft).revision == ii.revision);
    draft.links = {{LinkKind::adaptation, oulu.uuid}};
    CHECK(field_of_refusal([&] { (void)t.create(draft); }) == "key");
}

TEST_CASE("links are not pre-registered: a running or concluded experiment is linked without an amendment",
          "[links]") {
    Tracker t = memory_tracker();
    const Experiment oulu = t.create(home_care_draft());
    const Experiment kajaani = t.start(t.create(home_care_draft("Kajaani")).key, Date(2025, 3, 3));
    const Experiment linked = t.link(kajaani.key, LinkKind::replication, oulu.key);
    CHECK(linked.amendments.empty());
    CHECK(linked.lock_hash == kajaani.lock_hash);
    Outcome outcome;
    outcome.decided_on = Date(2025, 9, 1);
    (void)t.conclude(kajaani.key, outcome);
    CHECK(t.unlink(kajaani.key, oulu.uuid).links.empty());
    CHECK(t.link(kajaani.key, LinkKind::follow_up, elsewhere).links.size() == 1);
    CHECK(t.verify().ok());
}

TEST_CASE("links travel with an imported experiment, and a copy's links are changed only where it came from",
          "[links][exchange]") {
    Tracker kajaani = memory_tracker();
    const Experiment oulu_there = kajaani.create(home_care_draft());
    const Experiment replication = kajaani.link(kajaani.create(home_care_draft("Kajaani")).key,
                                                LinkKind::replication, oulu_there.uuid);
    IncomingExperiment in;
    in.record = experiment_record(replication);
    in.origin.organisation = "Kajaani";
    in.origin.exporter = "Aino";
    in.origin.log_id = "0123456789abcdef0123456789abcdef";

    Tracker ii = memory_tracker();
    const auto result = ii.import_experiments(std::vector{in});
    REQUIRE(result.size() == 1);
    CHECK(result[0].action == ImportAction::added);
    const Experiment copy = ii.get(replication.uuid);
    CHECK(copy.links == replication.links);
    CHECK(ii.verify().ok());
    CHECK_THROWS_AS(ii.unlink(copy.key, oulu_there.uuid), InvalidStateError);
    CHECK_THROWS_AS(ii.link(copy.key, LinkKind::adaptation, elsewhere), InvalidStateError);
}
