"""Links between experiments: a replication, an adaptation or a follow-up of another, by UUID, in
the record and history, checked at every door, and carried by bundles."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

import kokeilu

sys.path.insert(0, str(Path(__file__).parent))
from test_bundle import fields, running  # noqa: E402

ELSEWHERE = "0b4e28ba-2fa1-41d2-883f-0016d3cca427"


def test_link_by_experiment_key_or_uuid_is_kept_and_recorded(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        oulu = t.create(**fields())
        kajaani = t.create(**fields("Kajaani", "KAJ-2025-001"))
        linked = t.link(kajaani, "replication", oulu)
        assert linked.links == [kokeilu.ExperimentLink("replication", oulu.uuid)]
        assert linked.links[0].kind is kokeilu.LinkKind.replication
        assert t.link(kajaani, kokeilu.LinkKind.replication, oulu.key).revision == linked.revision
        assert t.link(kajaani, "adaptation", oulu.uuid.upper()).links[0].kind is kokeilu.LinkKind.adaptation
        assert t.history(kajaani)["kind"].iloc[-1] == "update"
        assert t.unlink(kajaani, oulu.key).links == []
        with pytest.raises(kokeilu.NotFoundError):
            t.unlink(kajaani, oulu.key)
        assert t.verify().ok


def test_create_takes_links_as_objects_pairs_or_mappings(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        oulu = t.create(**fields())
        for key, links in [
            ("A-1", [kokeilu.ExperimentLink("replication", oulu.uuid)]),
            ("A-2", [("replication", oulu.uuid)]),
            ("A-3", [{"kind": "replication", "of": oulu.uuid}]),
        ]:
            e = t.create(**fields("Ii", key), links=links)
            assert e.links == [kokeilu.ExperimentLink(kokeilu.LinkKind.replication, oulu.uuid)]


@pytest.mark.parametrize(
    ("links", "field", "text"),
    [
        ([("replication", "OULU-1")], "links[0].of", "UUID"),
        ([("copy", ELSEWHERE)], "links[0].kind", "copy"),
        ([("replication", ELSEWHERE), ("adaptation", ELSEWHERE)], "links[1].of", "second time"),
    ],
)
def test_a_bad_link_is_refused_naming_it(tmp_path: Path, links: list[Any], field: str, text: str) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        with pytest.raises(kokeilu.InvalidArgumentError) as error:
            t.create(**fields(), links=links)
        assert error.value.field == field
        assert text in str(error.value)
        assert t.experiments() == []


def test_an_experiment_cannot_link_to_itself(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        e = t.create(**fields())
        with pytest.raises(kokeilu.InvalidArgumentError) as error:
            t.link(e, "replication", e)
        assert error.value.field == "links[0].of"
        assert t.get(e).revision == e.revision


def test_links_travel_in_a_bundle_and_the_copy_is_read_only(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "kajaani.db")) as kajaani, kokeilu.open(str(tmp_path / "ii.db")) as ii:
        e = running(kajaani, key="KAJ-2025-001", organisation="Kajaani")
        e = kajaani.link(e, "replication", ELSEWHERE)
        kajaani.export_bundle(e, tmp_path / "b.kokeilu", secrets_dir=tmp_path / "secrets")
        ii.import_bundle(tmp_path / "b.kokeilu")
        copy = ii.get(e.uuid)
        assert copy.links == [kokeilu.ExperimentLink("replication", ELSEWHERE)]
        with pytest.raises(kokeilu.InvalidStateError):
            ii.unlink(copy, ELSEWHERE)
        # A newer state with another link replaces the copy's links.
        e = kajaani.link(e, "adaptation", ELSEWHERE)
        kajaani.export_bundle(e, tmp_path / "b2.kokeilu", secrets_dir=tmp_path / "secrets")
        assert [x.action.name for x in ii.import_bundle(tmp_path / "b2.kokeilu").experiments] == ["updated"]
        assert ii.get(e.uuid).links[0].kind is kokeilu.LinkKind.adaptation
        assert ii.verify().ok
