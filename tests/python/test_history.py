"""The tamper-evident history: every change appends an entry in its own transaction, the entries are
RFC 9162 Merkle leaves (pymerkle is the independent reference), every write of observations is a
batch with a SHA-256 anyone can recompute, and verify() finds what was changed behind kokeilu's back.
"""

from __future__ import annotations

import datetime
import hashlib
import sqlite3
import struct
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pymerkle import InmemoryTree

import kokeilu
from kokeilu import _core

sys.path.insert(0, str(Path(__file__).parent))
from schema_support import as_schema_2  # noqa: E402

START = datetime.date(2025, 3, 3)
AT = np.datetime64("2025-03-04T09:00", "us") + np.arange(6) * np.timedelta64(1, "h")


def fields(**overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": "OULU-2025-001",
        "title": "Remote video visits in the evening",
        "organisation": "Oulu",
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
    out.update(overrides)
    return out




@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kokeilut.db"


@pytest.fixture
def tracker(db: Path) -> Iterator[kokeilu.Tracker]:
    with kokeilu.open(db) as t:
        yield t


@pytest.fixture
def running(tracker: kokeilu.Tracker) -> kokeilu.Experiment:
    e = tracker.create(**fields())
    return tracker.start(e, on=START)


def log_six(tracker: kokeilu.Tracker, e: kokeilu.Experiment, key: str | None = None) -> kokeilu.Written:
    values = np.array([4.0, 3.0, 5.0, 4.0, 2.0, 5.0])
    arms = ["control", "video"] * 3
    return tracker.log_many(e, values, arm=arms, at=AT, idempotency_key=key)


def sql(db: Path, *statements: str, parameters: tuple[Any, ...] = ()) -> None:
    """Edits the file behind kokeilu's back, as anyone with sqlite3 can."""
    con = sqlite3.connect(db)
    for statement in statements:
        con.execute(statement, parameters)
    con.commit()
    con.close()


def problems(db: Path, **options: Any) -> pd.DataFrame:
    with kokeilu.open(db) as t:
        return t.verify(**options).problems


# -- the chain and its Merkle tree --------------------------------------------------------------


def leaf_data(index: int, previous: bytes, entry: _core.HistoryEntry) -> bytes:
    """The documented leaf encoding (history_chain.hpp), written out again here."""
    at_us = _core.unix_micros(entry.at)
    kind = entry.kind.name.encode()
    uuid = entry.experiment_uuid.encode()
    return (
        b"kokeilu-history-1\n"
        + struct.pack(">Q", index)
        + previous
        + struct.pack(">q", at_us)
        + struct.pack(">I", len(kind))
        + kind
        + struct.pack(">I", len(uuid))
        + uuid
        + bytes.fromhex(entry.payload_hash)
    )


def test_every_change_appends_one_entry_of_its_kind(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**fields())
    tracker.amend(e, "", title="Video visits in the evening")
    e = tracker.start(e, on=START)
    tracker.note(e, "first week went well", author="Aino", at=datetime.datetime(2025, 3, 8, 12))
    log_six(tracker, e)
    tracker.log(e, 4.0, arm="control", at=datetime.datetime(2025, 3, 9, 9))
    tracker.amend(e, "the survey scale changed", right_if="the sense of security does not fall by 0.4")
    tracker.void(e, ids=[1], reason="entered twice", author="Aino")
    tracker.stop(e, "the pilot ended early", on=datetime.date(2025, 4, 1), author="Aino")
    kinds = tracker.history()["kind"].tolist()
    assert kinds == [
        "begin", "create", "update", "start", "note", "observations", "observations", "amend", "void", "stop", "note",
    ]
    assert tracker.verify().ok


def test_entries_are_rfc9162_leaves_and_the_checkpoint_is_pymerkles_root(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**fields())
    e = tracker.start(e, on=START)
    for i in range(4):
        log_six(tracker, e)
        tracker.note(e, f"week {i}")
    entries = tracker._core.history(None)
    reference = InmemoryTree(algorithm="sha256")
    previous = bytes(32)
    for index, entry in enumerate(entries):
        assert entry.index == index + 1
        # The payload hash is salted: SHA-256(salt || payload).
        assert hashlib.sha256(bytes.fromhex(entry.salt) + entry.payload.encode()).hexdigest() == entry.payload_hash
        data = leaf_data(index, previous, entry)
        assert hashlib.sha256(b"\x00" + data).hexdigest() == entry.leaf_hash
        reference.append_entry(data)
        previous = bytes.fromhex(entry.leaf_hash)
    checkpoint = _core.Checkpoint.parse(tracker.checkpoint())
    assert checkpoint.size == len(entries) == reference.get_size()
    assert checkpoint.root == reference.get_root().hex()
    # Every size along the way too: the tree of the first n leaves.
    for size in (1, 2, 3, 5, 7, len(entries) - 1):
        assert reference.get_root(size).hex() == _root_of(entries[:size])


def _root_of(entries: list[_core.HistoryEntry]) -> str:
    """RFC 9162's MTH over the stored leaf hashes, written out from the RFC (a third reference)."""
    leaves = [bytes.fromhex(e.leaf_hash) for e in entries]

    def mth(items: list[bytes]) -> bytes:
        if len(items) == 1:
            return items[0]
        k = 1
        while k * 2 < len(items):
            k *= 2
        return hashlib.sha256(b"\x01" + mth(items[:k]) + mth(items[k:])).digest()

    return mth(leaves).hex()


def test_a_batch_hash_is_recomputable_from_the_documented_encoding(
    tracker: kokeilu.Tracker, running: kokeilu.Experiment
) -> None:
    log_six(tracker, running)
    tracker.log_aggregate(running, n=10, sum=3, metric="missed", arm="video", at="2025-03-05", note="week 1")
    con = sqlite3.connect(tracker.path)
    history = tracker.history(running)
    for batch in history.dropna(subset=["batch"]).itertuples():
        rows = con.execute(
            "SELECT metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, subject, note FROM observations "
            "WHERE id BETWEEN ? AND ? ORDER BY id",
            (int(batch.first_observation_id), int(batch.last_observation_id)),
        ).fetchall()
        digest = hashlib.sha256(b"kokeilu-batch-1\n")
        for metric, arm, at_us, value, n, total, sum_sq, exposure, subject, note in rows:
            digest.update(struct.pack(">qqq", metric, arm, at_us))
            if n is None:
                digest.update(b"\x00" + struct.pack(">d", value + 0.0))
            else:
                digest.update(b"\x01" + struct.pack(">qd", n, total))
                digest.update(b"\x00" if sum_sq is None else b"\x01" + struct.pack(">d", sum_sq))
            digest.update(b"\x00" if exposure is None else b"\x01" + struct.pack(">d", exposure))
            for text in (subject or "", note or ""):
                digest.update(struct.pack(">I", len(text.encode())) + text.encode())
        assert digest.hexdigest() == batch.content_sha256
    con.close()


# -- idempotent writes --------------------------------------------------------------------------


def test_a_repeated_key_with_the_same_rows_writes_nothing_and_says_so(
    tracker: kokeilu.Tracker, running: kokeilu.Experiment
) -> None:
    first = log_six(tracker, running, key="survey-week-1")
    assert first == 6 and not first.repeated
    with pytest.warns(kokeilu.RepeatedWriteWarning, match="survey-week-1"):
        again = log_six(tracker, running, key="survey-week-1")
    assert again == 0 and again.repeated and again.batch == first.batch
    assert tracker.count_observations(running) == 6
    # The same key with other rows is refused, naming the key; nothing is written.
    with pytest.raises(kokeilu.InvalidArgumentError, match="survey-week-1") as error:
        tracker.log_many(running, [1.0], arm="video", at=AT[:1], idempotency_key="survey-week-1")
    assert error.value.field == "idempotency_key"
    assert tracker.count_observations(running) == 6
    assert tracker.verify().ok


@pytest.mark.parametrize("door", ["log", "log_frame", "log_aggregates", "log_aggregate"])
def test_every_door_takes_an_idempotency_key(tracker: kokeilu.Tracker, running: kokeilu.Experiment, door: str) -> None:
    def write() -> kokeilu.Written:
        if door == "log":
            return tracker.log(running, 4.0, arm="video", at=AT[0], idempotency_key="k")
        if door == "log_frame":
            frame = pd.DataFrame({"value": [4.0, 3.0], "arm": ["video", "control"], "at": AT[:2]})
            return tracker.log_frame(running, frame, idempotency_key="k")
        if door == "log_aggregates":
            frame = pd.DataFrame({"n": [10], "sum": [3], "arm": ["video"], "at": AT[:1]})
            return tracker.log_aggregates(running, frame, metric="missed", idempotency_key="k")
        return tracker.log_aggregate(running, n=10, sum=3, metric="missed", arm="video", at=AT[0], idempotency_key="k")

    rows = write()
    with pytest.warns(kokeilu.RepeatedWriteWarning):
        assert write() == 0
    assert tracker.count_observations(running) == rows


def test_two_processes_racing_with_one_key_write_once(tmp_path: Path, db: Path) -> None:
    import subprocess
    import sys

    with kokeilu.open(db) as t:
        t.start(t.create(**fields()), on=START)
    script = (
        "import sys, warnings, numpy as np, kokeilu\n"
        "warnings.simplefilter('ignore')\n"
        "with kokeilu.open(sys.argv[1], busy_timeout_ms=60000) as t:\n"
        "    w = t.log_many('OULU-2025-001', np.arange(20000.0), arm='video',"
        " at=np.datetime64('2025-03-04T09:00', 'us') + np.arange(20000), idempotency_key='import-1')\n"
        "    print(int(w), w.repeated)\n"
    )
    processes = [subprocess.Popen([sys.executable, "-c", script, str(db)], stdout=subprocess.PIPE, text=True)
                 for _ in range(3)]
    outputs = sorted(p.communicate(timeout=120)[0].split()[0] for p in processes)
    assert all(p.returncode == 0 for p in processes)
    assert outputs == ["0", "0", "20000"]
    with kokeilu.open(db) as t:
        assert t.count_observations("OULU-2025-001") == 20000
        assert t.verify().ok


def test_a_create_cell_run_again_returns_the_stored_experiment(tracker: kokeilu.Tracker) -> None:
    first = tracker.create(**fields())
    entries = len(tracker.history())
    again = tracker.create(**fields())
    assert again.uuid == first.uuid and again.revision == first.revision
    assert len(tracker.history()) == entries  # nothing written
    with pytest.raises(kokeilu.InvalidArgumentError) as error:
        tracker.create(**fields(title="Another title", metrics=[kokeilu.Metric("sense_of_security", minimum_effect=0.5)]))
    assert error.value.field == "key"
    message = str(error.value)
    assert "title (stored 'Remote video visits in the evening', given 'Another title')" in message
    assert "metrics[sense_of_security].minimum_effect" in message
    assert "metrics[missed]" in message  # left out of the second cell: named too


# -- voids and drafts ---------------------------------------------------------------------------


def test_voided_rows_leave_every_summary_and_stay_readable(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    log_six(tracker, running)
    typo = tracker.log(running, 1e300, arm="video", at=AT[0])
    rows = tracker.observations(running)
    bad_id = int(rows.loc[rows["value"] == 1e300, "id"].iloc[0])
    record = tracker.void(running, ids=[bad_id], reason="typo: 1e300 for 3", author="Aino")
    assert record.observation_ids == [bad_id] and typo.batch > 0
    after = tracker.summaries(running)["sense_of_security"]["video"]
    assert after.n == 3 and after.mean == pytest.approx(4.0)
    # The analysis as it stands (running summaries) and as it stood (a scan of the rows) agree.
    assert tracker.summaries(running, until="2030-01-01")["sense_of_security"]["video"].mean == after.mean
    assert bad_id not in tracker.observations(running)["id"].tolist()
    everything = tracker.observations(running, include_voided=True)
    assert everything.loc[everything["id"] == bad_id, "voided"].tolist() == [True]
    assert tracker.voids(running)[["observation_id", "reason", "author"]].values.tolist() == [
        [bad_id, "typo: 1e300 for 3", "Aino"]
    ]
    with pytest.raises(kokeilu.InvalidStateError, match="voided already"):
        tracker.void(running, ids=[bad_id], reason="again")
    assert tracker.verify().ok


def test_a_whole_batch_is_voided_and_a_second_void_is_refused(
    tracker: kokeilu.Tracker, running: kokeilu.Experiment
) -> None:
    kept = log_six(tracker, running)
    twice = log_six(tracker, running)
    record = tracker.void(running, batch=twice.batch, reason="the same file imported twice")
    assert len(record.observation_ids) == 6 and record.batch == twice.batch
    assert tracker.count_observations(running) == 6
    with pytest.raises(kokeilu.InvalidStateError, match="voided already"):
        tracker.void(running, batch=twice.batch, reason="again")
    with pytest.raises(kokeilu.InvalidArgumentError) as error:
        tracker.void(running, batch=kept.batch + 1000, reason="no such")
    assert error.value.field == "batch"
    with pytest.raises(kokeilu.InvalidArgumentError) as error:
        tracker.void(running, ids=[999999], reason="no such")
    assert error.value.field == "observation_ids[0]"
    with pytest.raises(kokeilu.InvalidArgumentError) as error:
        tracker.void(running, ids=[1], reason="   ")
    assert error.value.field == "reason"
    assert tracker.verify().ok


def test_only_a_draft_can_be_deleted(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    with pytest.raises(kokeilu.InvalidStateError, match="only a draft"):
        tracker.delete(running)
    draft = tracker.create(**fields(key="OULU-2025-002"))
    tracker.delete(draft)
    with pytest.raises(kokeilu.NotFoundError):
        tracker.get("OULU-2025-002")
    assert tracker.history()["kind"].tolist()[-1] == "delete"
    assert tracker.verify().ok


# -- verify against forged inputs ---------------------------------------------------------------


@pytest.fixture
def filled(db: Path) -> Path:
    with kokeilu.open(db) as t:
        e = t.start(t.create(**fields()), on=START)
        log_six(t, e)
        t.note(e, "a quiet week", author="Aino", at=datetime.datetime(2025, 3, 8, 12))
        log_six(t, e)
        t.log(e, 4.0, arm="video", at=AT[0])
        assert t.verify().ok
    return db


def test_an_entry_removed_is_found(filled: Path) -> None:
    sql(filled, "DELETE FROM history WHERE id = 5")
    found = problems(filled)
    assert "entries 5 to 5 of the history are missing" in found["problem"].tolist()


def test_two_entries_reordered_are_found(filled: Path) -> None:
    sql(filled, "UPDATE history SET id = -id WHERE id IN (5, 6)", "UPDATE history SET id = 11 - id WHERE id < 0")
    found = problems(filled)
    assert any("does not follow from the entry before it" in p for p in found["problem"])


def test_an_entry_replaced_with_a_valid_looking_one_is_found(filled: Path) -> None:
    # A forger rewrites the note with a fresh salt, its payload hash and its own leaf hash (correct
    # against the entry before it): the entry after it no longer follows.
    con = sqlite3.connect(filled)
    (index, payload, at_us, uuid) = con.execute(
        "SELECT id, payload, at_us, experiment_uuid FROM history WHERE kind = 'note'"
    ).fetchone()
    previous = con.execute("SELECT leaf_hash FROM history WHERE id = ?", (index - 1,)).fetchone()[0]
    forged = payload.replace("a quiet week", "a great week")
    salt = bytes(16)
    payload_hash = hashlib.sha256(salt + forged.encode()).digest()
    data = (b"kokeilu-history-1\n" + struct.pack(">Q", index - 1) + previous + struct.pack(">q", at_us)
            + struct.pack(">I", 4) + b"note" + struct.pack(">I", len(uuid)) + uuid.encode() + payload_hash)
    leaf = hashlib.sha256(b"\x00" + data).digest()
    con.execute("UPDATE history SET payload = ?, salt = ?, payload_hash = ?, leaf_hash = ? WHERE id = ?",
                (forged, salt, payload_hash, leaf, index))
    con.execute("UPDATE journal SET text = 'a great week'")
    con.commit()
    con.close()
    found = problems(filled)
    assert (found["field"] == f"history[{index + 1}]").any()
    assert not (found["field"] == f"history[{index}]").any()


def test_a_payload_edited_is_found(filled: Path) -> None:
    sql(filled, "UPDATE history SET payload = replace(payload, 'a quiet week', 'a great week') WHERE kind = 'note'")
    found = problems(filled)
    assert found["field"].str.endswith(".payload").any()
    assert (found["field"] == "journal.text").any()


def test_rows_updated_inserted_and_deleted_with_sqlite_are_found(filled: Path) -> None:
    sql(filled, "UPDATE observations SET value = 5.0 WHERE id = 2")
    found = problems(filled)
    assert found["problem"].str.contains("a row was edited outside kokeilu").any()
    assert (found["field"] == "batch 4").any()
    sql(filled, "UPDATE observations SET value = 3.0 WHERE id = 2")
    assert problems(filled).empty

    sql(filled, "INSERT INTO observations (metric_id, arm_id, at_us, value) VALUES (1, 1, 1741078800000000, 9.0)")
    found = problems(filled)
    inserted = found[found["row"] == 14]
    assert inserted["problem"].str.contains("in no batch").any()
    assert found["field"].str.startswith("arm_summaries[sense_of_security/control]").any()
    sql(filled, "DELETE FROM observations WHERE id = 14")
    assert problems(filled).empty

    sql(filled, "DELETE FROM observations WHERE id = 8")
    found = problems(filled)
    assert ((found["row"] == 8) & found["problem"].str.contains("deleted outside kokeilu")).any()


@pytest.mark.parametrize("recompute_lock", [False, True])
def test_the_locked_criterion_edited_in_sql_is_found(filled: Path, recompute_lock: bool) -> None:
    sql(filled, "UPDATE experiments SET right_if = 'the sense of security does not fall by more than 1 point'",
        "UPDATE metrics SET minimum_effect = 1.0 WHERE name = 'sense_of_security'")
    if recompute_lock:
        with kokeilu.open(filled) as t:
            forged = _core.preregistration_hash(t.get("OULU-2025-001"))
        sql(filled, "UPDATE experiments SET lock_hash = ?", parameters=(forged,))
    found = problems(filled)
    by_field = set(found["field"])
    assert {"test_card.right_if", "metrics[sense_of_security].minimum_effect", "lock_hash"} <= by_field
    # The quick check of show and analyze finds it too, and analyze warns.
    with kokeilu.open(filled) as t:
        assert {p.field for p in t.check("OULU-2025-001")} >= {"test_card.right_if", "lock_hash"}
        with pytest.warns(kokeilu.IntegrityWarning, match="differs from its history"):
            t.analyze("OULU-2025-001")


def test_a_running_summary_edited_is_found(filled: Path) -> None:
    sql(filled, "UPDATE arm_summaries SET mean = mean + 1 WHERE arm_id = 2 AND metric_id = 1")
    found = problems(filled)
    assert (found["field"] == "arm_summaries[sense_of_security/video].mean").any()


def test_rows_inserted_are_found_by_the_quick_check(filled: Path) -> None:
    sql(filled, "INSERT INTO observations (metric_id, arm_id, at_us, value) VALUES (1, 1, 1741078800000000, 9.0)")
    with kokeilu.open(filled) as t:
        assert [p.field for p in t.check("OULU-2025-001")] == ["observations"]


def test_a_checkpoint_proves_the_log_only_grew(filled: Path, tmp_path: Path) -> None:
    with kokeilu.open(filled) as t:
        checkpoint = t.checkpoint()
        t.note("OULU-2025-001", "the log grows")
        assert t.verify(since=checkpoint).ok
    # A history rewritten from the start, every hash recomputed consistently: only a checkpoint
    # taken before can tell.
    _rewrite_history(filled, "a quiet week", "a great week")
    with kokeilu.open(filled) as t:
        assert t.verify().ok
        assert not t.verify(since=checkpoint).ok
    other = tmp_path / "other.db"
    with kokeilu.open(other) as t:
        with pytest.raises(kokeilu.InvalidArgumentError, match="another tracker file") as error:
            t.verify(since=checkpoint)
        assert error.value.field == "checkpoint"
    with kokeilu.open(filled) as t:
        with pytest.raises(kokeilu.InvalidArgumentError) as error:
            t.verify(since="kokeilu-checkpoint/1 nonsense")
        assert error.value.field == "checkpoint"


def _rewrite_history(db: Path, old: str, new: str) -> None:
    """What a determined forger can do: rewrite every entry's hashes from the edited one on."""
    con = sqlite3.connect(db)
    con.execute("UPDATE journal SET text = replace(text, ?, ?)", (old, new))
    previous = bytes(32)
    for index, at_us, kind, uuid, payload, salt in con.execute(
        "SELECT id, at_us, kind, experiment_uuid, payload, salt FROM history ORDER BY id"
    ).fetchall():
        payload = payload.replace(old, new)
        payload_hash = hashlib.sha256(salt + payload.encode()).digest()
        data = (b"kokeilu-history-1\n" + struct.pack(">Q", index - 1) + previous + struct.pack(">q", at_us)
                + struct.pack(">I", len(kind)) + kind.encode() + struct.pack(">I", len(uuid)) + uuid.encode()
                + payload_hash)
        previous = hashlib.sha256(b"\x00" + data).digest()
        con.execute("UPDATE history SET payload = ?, payload_hash = ?, leaf_hash = ? WHERE id = ?",
                    (payload, payload_hash, previous, index))
    con.commit()
    con.close()


# -- files from before the history --------------------------------------------------------------


def test_a_file_from_before_gets_a_history_that_starts_at_migration(filled: Path) -> None:
    as_schema_2(filled)
    with kokeilu.open(filled) as t:
        result = t.verify()
        assert result.ok and result.started_at_migration and result.from_schema == 2
        kinds = t.history()["kind"].tolist()
        assert kinds == ["begin", "migrated", "note", "observations"]
        migrated = t.history().iloc[-1]
        assert migrated["rows"] == 13 and migrated["first_observation_id"] == 1
        # The migrated rows are one batch: it can be voided whole, and the file still verifies.
        t.void("OULU-2025-001", batch=int(migrated["batch"]), reason="all of it was test data")
        assert t.count_observations("OULU-2025-001") == 0
        log_six(t, "OULU-2025-001")
        assert t.verify().ok
