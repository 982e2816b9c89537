"""Bundles between municipalities: export at each privacy level, import once, twice, newer,
conflicting, and hostile files that must change nothing."""

from __future__ import annotations

import datetime
import hashlib
import json
import shutil
import sqlite3
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kokeilu
from kokeilu import _core, bundle, display, sharing

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import call  # noqa: E402

START = datetime.date(2025, 3, 3)


def fields(organisation: str = "Oulu", key: str = "OULU-2025-001") -> dict[str, Any]:
    return {
        "key": key,
        "title": "Remote video visits in the evening",
        "organisation": organisation,
        "unit": "home care",
        "we_believe": "that part of the evening visits can be made by video",
        "to_verify": "we will replace one evening visit in three by a video visit",
        "and_measure": "the clients' sense of security on a 1-5 survey",
        "right_if": "the sense of security does not fall by more than 0.3 points",
        "purposes": ["wellbeing"],
        "arms": {"control": "control", "video": "treatment"},
        "metrics": [
            kokeilu.Metric("sense_of_security", kind="mean", minimum_effect=0.3),
            {"name": "missed", "kind": "proportion", "role": "guardrail", "minimum_effect": 0.02},
        ],
    }


def running(tracker: kokeilu.Tracker, *, weeks: int = 3, per_day: int = 2, seed: int = 7, **overrides: Any) -> Any:
    """A started experiment with unit rows every day for some weeks: at least 5 units per arm and week."""
    e = tracker.create(**{**fields(), **overrides})
    tracker.start(e, on=START)
    rng = np.random.default_rng(seed)
    days = weeks * 7
    at = np.datetime64("2025-03-03T09:00", "us") + np.repeat(np.arange(days), 2 * per_day) * np.timedelta64(1, "D")
    arms = np.tile(np.array(["control", "video"] * per_day), days)
    values = np.round(rng.normal(3.6, 0.8, size=at.size), 2) + (arms == "video") * 0.3
    tracker.log_many(e, values, arm=arms, at=at, backfill=True)
    tracker.log_many(e, (rng.random(at.size) < 0.1).astype(float), arm=arms, at=at, metric="missed", backfill=True)
    for i in range(6):
        tracker.log(e, float(i % 2), arm=("control", "video")[i % 2], metric="missed",
                    at=datetime.datetime(2025, 3, 4, 10 + i, tzinfo=datetime.timezone.utc),
                    subject=f"client-{i}", note="called twice" if i == 0 else "", backfill=True)
    return tracker.get(e)


@pytest.fixture
def oulu(tmp_path: Path) -> kokeilu.Tracker:
    return kokeilu.open(str(tmp_path / "oulu.db"))


@pytest.fixture
def kajaani(tmp_path: Path) -> kokeilu.Tracker:
    return kokeilu.open(str(tmp_path / "kajaani.db"))


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    return tmp_path / "secrets"


def test_an_aggregate_bundle_gives_the_receiver_the_same_verdict_and_effect(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    e = running(oulu)
    path = tmp_path / "oulu.kokeilu"
    summary = oulu.export_bundle(e, path, secrets_dir=secrets)
    assert summary.privacy == "aggregate" and summary.suppressed_cells == 0
    read = bundle.read_bundle(path)
    assert read.bundle_id == summary.bundle_id
    assert read.manifest["organisation"] == "Oulu" and read.checkpoint == oulu.checkpoint()
    assert not read.observations and read.cells

    result = kajaani.import_bundle(path)
    assert [x.action.name for x in result.experiments] == ["added"]
    copy = kajaani.get(e.uuid)
    assert copy.origin is not None and copy.origin.organisation == "Oulu"
    assert _core.experiment_record(copy) == _core.experiment_record(oulu.get(e))
    home, away = oulu.analyze(e), kajaani.analyze(copy)
    assert len(home.comparisons) == 2
    for column in ("estimate", "ci_low", "ci_high", "p_value"):
        np.testing.assert_allclose(away.comparisons[column], home.comparisons[column], rtol=1e-12, atol=1e-12)
    assert away.verdict.verdict == home.verdict.verdict
    assert kajaani.verify().ok


def test_a_units_bundle_pseudonymises_subjects_and_leaves_notes_out_unless_asked(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    e = running(oulu, weeks=1)
    path = tmp_path / "units.kokeilu"
    oulu.export_bundle(e, path, level="units", secrets_dir=secrets)
    read = bundle.read_bundle(path)
    subjects = [row["subject"] for row in read.observations if row["subject"]]
    assert subjects and all(len(s) == 64 and not s.startswith("client") for s in subjects)
    assert not any(row["note"] for row in read.observations)
    assert read.manifest["pseudonym_key_id"]

    kajaani.import_bundle(path)
    assert kajaani.count_observations(e.uuid) == oulu.count_observations(e)
    mine = oulu.observations(e, metric="missed")
    theirs = kajaani.observations(e.uuid, metric="missed")
    assert list(theirs["value"]) == list(mine["value"])
    assert set(theirs["subject"]) - {""} == set(subjects)

    with_notes = tmp_path / "notes.kokeilu"
    oulu.export_bundle(e, with_notes, level="units", notes=True, secrets_dir=secrets)
    assert [row["note"] for row in bundle.read_bundle(with_notes).observations if row["note"]] == ["called twice"]


def test_pseudonyms_are_stable_within_an_organisation_and_differ_across_organisations(
    tmp_path: Path, secrets: Path
) -> None:
    def pseudonyms(organisation: str, name: str) -> list[str]:
        with kokeilu.open(str(tmp_path / f"{name}.db")) as t:
            e = running(t, weeks=1, organisation=organisation, key=f"{name.upper()}-2025-001")
            path = tmp_path / f"{name}.kokeilu"
            t.export_bundle(e, path, level="units", secrets_dir=secrets)
            rows = bundle.read_bundle(path).observations
            return [row["subject"] for row in rows if row["subject"]]

    first, again, other = pseudonyms("Oulu", "a"), pseudonyms("Oulu", "b"), pseudonyms("Kajaani", "c")
    assert first == again
    assert not set(first) & set(other)


def test_a_cards_bundle_carries_no_data(oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path) -> None:
    e = running(oulu, weeks=1)
    oulu.conclude(e, "supported", decision="scale_up", we_believed="a", we_observed="b", we_learned="c",
                  therefore="d")
    path = tmp_path / "cards.kokeilu"
    oulu.export_bundle(e, path, level="cards", journal=True)
    read = bundle.read_bundle(path)
    assert not read.observations and not read.cells
    assert read.experiments[0]["verdict"] == "supported"
    kajaani.import_bundle(path)
    assert kajaani.get(e.uuid).outcome.verdict.name == "supported"
    assert kajaani.count_observations(e.uuid) == 0


def _as_schema(file: Path, version: int, origin_column: str) -> None:
    """The tracker file as an earlier schema left it: its origins without the column that
    ``version + 1`` added."""
    with sqlite3.connect(file) as connection:
        connection.execute(f"ALTER TABLE experiment_origins DROP COLUMN {origin_column}")
        connection.execute(f"PRAGMA user_version = {version}")
    connection.close()


def test_a_copy_keeps_the_privacy_level_its_bundle_said(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    # Started, with no rows yet: its rows cannot tell the level a units bundle brought it at.
    quiet = oulu.create(**fields(key="OULU-2025-002"))
    oulu.start(quiet, on=START)
    busy = running(oulu, weeks=1)
    oulu.export_bundle(quiet, tmp_path / "units.kokeilu", level="units", secrets_dir=secrets)
    oulu.export_bundle(busy, tmp_path / "aggregate.kokeilu", level="aggregate")
    for name in ("units", "aggregate"):
        kajaani.import_bundle(tmp_path / f"{name}.kokeilu")
    levels = {e.key: (e.origin.privacy, sharing.privacy_level(kajaani, e)) for e in kajaani.experiments()}
    assert levels == {quiet.key: ("units", "units"), busy.key: ("aggregate", "aggregate")}
    assert list(sharing.imports_frame(kajaani)["level"]) == ["units", "aggregate"]


def test_a_copy_imported_before_its_level_was_kept_gets_it_from_its_rows(
    oulu: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    e = running(oulu, weeks=1)
    cards = oulu.create(**fields(key="OULU-2025-002"))
    for level, path in (("units", tmp_path / "units.kokeilu"), ("cards", tmp_path / "cards.kokeilu")):
        oulu.export_bundle(e if level == "units" else cards, path, level=level, secrets_dir=secrets)
    aggregate = tmp_path / "aggregate.kokeilu"
    with kokeilu.open(tmp_path / "ii.db") as ii:
        other = running(ii, weeks=1, key="II-2025-001", organisation="Ii")
        ii.export_bundle(other, aggregate, level="aggregate")
    file = tmp_path / "schema15.db"
    with kokeilu.open(file) as kajaani:
        for path in (tmp_path / "units.kokeilu", tmp_path / "cards.kokeilu", aggregate):
            kajaani.import_bundle(path)
    _as_schema(file, 15, "privacy")  # origins without the level
    with kokeilu.open(file) as kajaani:
        levels = {x.key: x.origin.privacy for x in kajaani.experiments()}
        assert levels == {e.key: "units", cards.key: "cards", other.key: "aggregate"}
        assert kajaani.verify().ok


def test_importing_twice_changes_nothing_and_a_newer_state_replaces_the_copy(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    e = running(oulu, weeks=1)
    oulu.note(e, "first week done", author="Aino")
    path = tmp_path / "b.kokeilu"
    oulu.export_bundle(e, path, level="units", journal=True, secrets_dir=secrets)
    first = kajaani.import_bundle(path)
    assert first.changed
    size = len(kajaani.history())
    again = kajaani.import_bundle(path)
    assert not again.changed and [x.action.name for x in again.experiments] == ["unchanged"]
    assert len(kajaani.history()) == size

    oulu.log(e, 4.5, arm="video", at=datetime.datetime(2025, 3, 12, 9, tzinfo=datetime.timezone.utc))
    oulu.export_bundle(e, path, level="units", journal=True, secrets_dir=secrets)
    newer = kajaani.import_bundle(path)
    assert [x.action.name for x in newer.experiments] == ["updated"]
    assert kajaani.count_observations(e.uuid) == oulu.count_observations(e)
    assert len(kajaani.journal(e.uuid)) == 1
    assert kajaani.verify().ok

    # The copy is read-only here.
    with pytest.raises(kokeilu.InvalidStateError):
        kajaani.log(e.uuid, 3.0, arm="video", at=datetime.datetime(2025, 3, 12, 9, tzinfo=datetime.timezone.utc))
    # Its own experiment, come back, is left as it is.
    home = oulu.import_bundle(path)
    assert [x.action.name for x in home.experiments] == ["unchanged"]
    assert home.experiments[0].reason.code == "bundle.own_experiment"


def test_the_same_bundle_again_is_told_by_its_id_without_reading_its_rows(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    e = running(oulu, weeks=1)
    path = tmp_path / "b.kokeilu"
    oulu.export_bundle(e, path, level="units", secrets_dir=secrets)
    kajaani.import_bundle(path)
    copy = kajaani.get(e.uuid)
    assert copy.origin is not None and copy.origin.bundle_id == bundle.read_bundle(path).bundle_id
    # A row changed behind the manifest's back: the copy imported from this bundle is not read
    # again, so nothing is written and nothing is said to change ...
    _rewrite(path, "UPDATE observations SET value = value + 1 WHERE position = 3")
    size = len(kajaani.history())
    again = kajaani.import_bundle(path)
    assert [x.action.name for x in again.experiments] == ["unchanged"] and not again.changed
    assert len(kajaani.history()) == size and kajaani.verify().ok
    # ... while a tracker that has not imported it reads the rows, and refuses the change.
    with kokeilu.open(tmp_path / "ii.db") as ii:
        with pytest.raises(kokeilu.InvalidArgumentError) as caught:
            ii.import_bundle(path)
        assert caught.value.code == "bundle.part_hash" and ii.experiments() == []


def test_a_copy_imported_before_its_bundle_id_was_kept_is_compared_by_content(
    oulu: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    e = running(oulu, weeks=1)
    path = tmp_path / "b.kokeilu"
    oulu.export_bundle(e, path, level="units", secrets_dir=secrets)
    file = tmp_path / "schema14.db"
    with kokeilu.open(file) as kajaani:
        kajaani.import_bundle(path)
    _as_schema(file, 14, "bundle_id")  # origins without the bundle's id
    with kokeilu.open(file) as kajaani:
        copy = kajaani.get(e.uuid)
        assert copy.origin is not None and copy.origin.bundle_id == ""
        again = kajaani.import_bundle(path)
        assert [x.action.name for x in again.experiments] == ["unchanged"]
        assert kajaani.verify().ok


def _rewrite(path: Path, sql: str, *params: Any, rehash: bool = False) -> None:
    """Edits a bundle behind kokeilu's back; with rehash, also makes every hash match again."""
    with sqlite3.connect(path) as connection:
        connection.execute(sql, params)
        if rehash:
            parts = []
            for name, (columns, order) in bundle.PARTS.items():
                rows = connection.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY {order}").fetchall()
                count, digest = bundle._part_digest(rows)
                connection.execute("UPDATE parts SET rows = ?, sha256 = ? WHERE name = ?", (count, digest, name))
                parts.append((name, count, digest))
            connection.execute("UPDATE manifest SET value = ? WHERE name = 'parts_sha256'", (bundle._parts_digest(parts),))
    connection.close()


@pytest.fixture
def exported(oulu: kokeilu.Tracker, tmp_path: Path, secrets: Path) -> Path:
    e = running(oulu, weeks=1)
    path = tmp_path / "exported.kokeilu"
    oulu.export_bundle(e, path, level="units", secrets_dir=secrets)
    return path


def _refused(kajaani: kokeilu.Tracker, path: Path) -> kokeilu.InvalidArgumentError:
    before = len(kajaani.history())
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        kajaani.import_bundle(path)
    assert len(kajaani.history()) == before and kajaani.experiments() == []
    return caught.value


def test_a_truncated_bundle_is_refused(kajaani: kokeilu.Tracker, exported: Path) -> None:
    data = exported.read_bytes()
    exported.write_bytes(data[: len(data) // 2])
    assert _refused(kajaani, exported).code in ("bundle.damaged", "bundle.not_a_bundle")


def test_a_changed_value_breaks_its_part_hash(kajaani: kokeilu.Tracker, exported: Path) -> None:
    _rewrite(exported, "UPDATE observations SET value = value + 1 WHERE position = 3")
    error = _refused(kajaani, exported)
    assert error.code == "bundle.part_hash" and error.params["part"] == "observations"


def test_a_rehashed_change_to_the_locked_criterion_is_refused_by_the_lock(kajaani: kokeilu.Tracker, exported: Path) -> None:
    with sqlite3.connect(exported) as connection:
        record = connection.execute("SELECT record FROM experiments").fetchone()[0]
    connection.close()
    changed = record.replace("does not fall by more than 0.3", "does not fall by more than 0.9")
    assert changed != record
    _rewrite(exported, "UPDATE experiments SET record = ?, record_sha256 = ?", changed,
             hashlib.sha256(changed.encode()).hexdigest(), rehash=True)
    assert _refused(kajaani, exported).code == "bundle.record_not_in_log"
    # The core refuses it too, by the lock, whatever door brings it.
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        kajaani._core.import_experiments(
            [_core.IncomingExperiment(changed, organisation="Oulu", log_id="0" * 32)]
        )
    assert caught.value.field == "experiments[0].record.lock_hash"
    assert kajaani.experiments() == []


def test_a_row_naming_an_unknown_arm_is_refused_with_its_field(kajaani: kokeilu.Tracker, exported: Path) -> None:
    _rewrite(exported, "UPDATE observations SET arm = '../../etc/passwd' WHERE position = 2", rehash=True)
    error = _refused(kajaani, exported)
    assert error.field == "experiments[0].observations[2].arm"


def test_a_bad_row_of_a_later_experiment_undoes_the_rows_written_before_it(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    # The import writes each experiment's rows as it reads them, in the order of their UUIDs: the
    # rows of the first are in the file, inside the transaction, when a row of the second fails.
    first = running(oulu, weeks=1)
    second = running(oulu, weeks=1, key="OULU-2025-002", seed=8)
    last = max(first.uuid, second.uuid)
    path = tmp_path / "two.kokeilu"
    oulu.export_bundle([first, second], path, level="units", secrets_dir=secrets)
    _rewrite(path, "UPDATE observations SET arm = 'nobody' WHERE uuid = ? AND position = 20", last, rehash=True)
    error = _refused(kajaani, path)
    index = [e["uuid"] for e in bundle.read_bundle(path).experiments].index(last)
    assert error.field == f"experiments[{index}].observations[20].arm" and kajaani.verify().ok


@pytest.mark.parametrize("uuid", ["00000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff"])
def test_rows_of_an_experiment_the_bundle_does_not_hold_are_refused(
    kajaani: kokeilu.Tracker, exported: Path, uuid: str
) -> None:
    # Before and after the bundle's experiment in the order the rows are read.
    _rewrite(exported, "UPDATE observations SET uuid = ? WHERE position = 2", uuid, rehash=True)
    error = _refused(kajaani, exported)
    assert error.code == "bundle.unknown_experiment"
    assert error.params["uuid"] == uuid and error.params["part"] == "observations"


def test_the_same_content_in_another_bundle_changes_nothing(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    # Exported twice, the same experiment makes two bundles (each its own id): the second is read,
    # written and found to be what was imported before, and nothing of it stays.
    e = running(oulu, weeks=1)
    paths = [tmp_path / "a.kokeilu", tmp_path / "b.kokeilu"]
    for path in paths:
        oulu.export_bundle(e, path, level="units", secrets_dir=secrets)
    assert bundle.read_bundle(paths[0]).bundle_id != bundle.read_bundle(paths[1]).bundle_id
    kajaani.import_bundle(paths[0])
    size, rows = len(kajaani.history()), kajaani.count_observations(e.uuid)
    again = kajaani.import_bundle(paths[1])
    assert [(x.action.name, x.rows) for x in again.experiments] == [("unchanged", 0)] and not again.changed
    assert len(kajaani.history()) == size and kajaani.count_observations(e.uuid) == rows
    # verify() recomputes the running summaries from the rows: the undone write left none behind.
    assert kajaani.verify().ok


def test_an_oversized_field_is_refused_before_it_is_held(kajaani: kokeilu.Tracker, exported: Path) -> None:
    _rewrite(exported, "UPDATE observations SET note = ? WHERE position = 1", "x" * (bundle.MAX_FIELD_BYTES + 1),
             rehash=True)
    assert _refused(kajaani, exported).code == "bundle.field_too_long"


def test_foreign_and_doctored_files_are_not_bundles(kajaani: kokeilu.Tracker, oulu: kokeilu.Tracker, exported: Path,
                                                    tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert _refused(kajaani, text).code == "bundle.not_a_bundle"
    assert _refused(kajaani, Path(oulu.path)).code in ("bundle.not_a_bundle", "bundle.unexpected_table")
    trigger = tmp_path / "trigger.kokeilu"
    shutil.copy(exported, trigger)
    with sqlite3.connect(trigger) as connection:
        connection.execute("CREATE TRIGGER t AFTER INSERT ON manifest BEGIN SELECT 1; END")
    connection.close()
    assert _refused(kajaani, trigger).code == "bundle.unexpected_table"
    newer = tmp_path / "newer.kokeilu"
    shutil.copy(exported, newer)
    _rewrite(newer, "UPDATE manifest SET value = '2' WHERE name = 'format_version'")
    assert _refused(kajaani, newer).code == "bundle.newer_format"


def test_small_cells_are_suppressed_and_the_bundle_says_so(oulu: kokeilu.Tracker, tmp_path: Path, secrets: Path) -> None:
    e = running(oulu, weeks=2)
    # A lone row in a third week: a cell of one unit.
    oulu.log(e, 5.0, arm="video", at=datetime.datetime(2025, 3, 18, 9, tzinfo=datetime.timezone.utc))
    path = tmp_path / "small.kokeilu"
    summary = oulu.export_bundle(e, path, secrets_dir=secrets, recipient="Kajaani")
    assert summary.suppressed_cells >= 1
    read = bundle.read_bundle(path)
    assert read.manifest["suppressed_cells"] == str(summary.suppressed_cells)
    blank = [c for c in read.cells if c["suppressed"]]
    assert blank and all(c["n"] is None and c["sum"] is None for c in blank)
    ledger = list(secrets.glob("*.ledger"))
    assert len(ledger) == 1 and all(json.loads(line)["recipient"] == "Kajaani" for line in ledger[0].read_text().splitlines())


def test_the_command_exports_imports_and_shows(oulu: kokeilu.Tracker, tmp_path: Path, secrets: Path) -> None:
    e = running(oulu, weeks=1)
    oulu.close()
    out = tmp_path / "cmd.kokeilu"
    env = {"KOKEILU_SECRETS_DIR": str(secrets)}
    exported = call(["share", "export", e.key, "-o", str(out), "--level", "units"], db=tmp_path / "oulu.db", env=env)
    assert exported.code == 0, exported
    shown = call(["share", "show", str(out), "--json"])
    assert shown.code == 0 and json.loads(shown.out)["experiments"][0]["key"] == e.key
    assert call(["init"], db=tmp_path / "other.db").code == 0
    first = call(["share", "import", str(out)], db=tmp_path / "other.db")
    assert first.code == 0 and e.key in first.out
    again = call(["share", "import", str(out), "--json"], db=tmp_path / "other.db")
    assert json.loads(again.out)["changed"] is False
    broken = tmp_path / "broken.kokeilu"
    broken.write_bytes(out.read_bytes()[:4096])
    failed = call(["share", "import", str(broken)], db=tmp_path / "other.db")
    assert failed.code != 0 and "Traceback" not in failed.err


def test_a_rehashed_change_to_any_field_is_caught_by_the_exporters_leaf(kajaani: kokeilu.Tracker, exported: Path) -> None:
    with sqlite3.connect(exported) as connection:
        record, title = connection.execute("SELECT record, title FROM experiments").fetchone()
    connection.close()
    forged = title.replace("evening", "morning")
    changed = record.replace(f"title\t{len(title.encode())}:{title}", f"title\t{len(forged.encode())}:{forged}")
    assert changed != record
    _rewrite(exported, "UPDATE experiments SET record = ?, record_sha256 = ?, title = ?", changed,
             hashlib.sha256(changed.encode()).hexdigest(), forged, rehash=True)
    assert _refused(kajaani, exported).code == "bundle.record_not_in_log"


def _forge_history(path: Path) -> None:
    """Replaces the exporter's first leaf and makes the checkpoint, and every hash, fit again: a
    history rewritten at its start, as a forger who controls the file would present it."""
    with sqlite3.connect(path) as connection:
        leaves = [bytes.fromhex(h) for (h,) in connection.execute("SELECT leaf_hash FROM leaves ORDER BY position")]
        leaves[0] = hashlib.sha256(b"another beginning").digest()
        connection.execute("UPDATE leaves SET leaf_hash = ? WHERE position = 1", (leaves[0].hex(),))
        (checkpoint,) = connection.execute("SELECT value FROM manifest WHERE name = 'checkpoint'").fetchone()
        words = checkpoint.split()
        words[3] = bundle.merkle_root(leaves).hex()
        connection.execute("UPDATE manifest SET value = ? WHERE name = 'checkpoint'", (" ".join(words),))
    connection.close()
    _rewrite(path, "SELECT 1", rehash=True)


def test_a_later_bundle_must_extend_the_history_seen_before(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    e = running(oulu, weeks=1)
    first = tmp_path / "first.kokeilu"
    oulu.export_bundle(e, first, level="units", secrets_dir=secrets)
    kajaani.import_bundle(first)
    assert kajaani.get(e.uuid).origin.checkpoint == bundle.read_bundle(first).checkpoint

    oulu.log(e, 4.5, arm="video", at=datetime.datetime(2025, 3, 12, 9, tzinfo=datetime.timezone.utc))
    later = tmp_path / "later.kokeilu"
    oulu.export_bundle(e, later, level="units", secrets_dir=secrets)
    forged = tmp_path / "forged.kokeilu"
    shutil.copy(later, forged)
    _forge_history(forged)
    before = len(kajaani.history())
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        kajaani.import_bundle(forged)
    assert caught.value.code == "bundle.history_not_extended"
    assert len(kajaani.history()) == before
    # The honest later bundle extends it.
    assert [x.action.name for x in kajaani.import_bundle(later).experiments] == ["updated"]


def test_a_copy_shows_where_it_came_from(oulu: kokeilu.Tracker, tmp_path: Path, secrets: Path) -> None:
    e = running(oulu, weeks=1)
    path = tmp_path / "show.kokeilu"
    oulu.export_bundle(e, path, level="cards", exporter="Aino")
    oulu.close()
    db = tmp_path / "kuusamo.db"
    assert call(["init"], db=db).code == 0
    assert call(["share", "import", str(path)], db=db).code == 0
    shown = call(["show", e.key, "--lang", "fi"], db=db)
    assert shown.code == 0 and "Tuotu" in shown.out and "organisaatiolta Oulu (Aino)" in shown.out
    with kokeilu.open(str(db)) as kuusamo:
        html = display.experiment_html(kuusamo.get(e.key), lang="en")
    assert "Imported" in html and "from Oulu (Aino)" in html


def test_a_metric_adjusted_for_a_covariate_has_no_cells_at_the_aggregate_level(
    oulu: kokeilu.Tracker, kajaani: kokeilu.Tracker, tmp_path: Path, secrets: Path
) -> None:
    metrics = [kokeilu.Metric("sense_of_security", kind="mean", minimum_effect=0.3, covariate="security_2024"),
               {"name": "missed", "kind": "proportion", "role": "guardrail", "minimum_effect": 0.02}]
    e = oulu.create(**{**fields(), "metrics": metrics})
    oulu.start(e, on=START)
    at = np.datetime64("2025-03-04T09:00", "us") + np.arange(20) * np.timedelta64(6, "h")
    arms = np.array(["control", "video"] * 10)
    oulu.log_many(e, np.linspace(3, 4, 20), arm=arms, at=at, covariate=np.linspace(2.5, 3.5, 20), backfill=True)
    oulu.log_many(e, np.zeros(20), arm=arms, at=at, metric="missed", backfill=True)
    path = tmp_path / "covariate.kokeilu"
    oulu.export_bundle(e, path, secrets_dir=secrets, min_cell_size=2)
    assert {c["metric"] for c in bundle.read_bundle(path).cells} == {"missed"}
    assert [x.action.name for x in kajaani.import_bundle(path).experiments] == ["added"]
