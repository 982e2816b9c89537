"""Tampering of every kind, each made with sqlite3 behind kokeilu's back, and `kokeilu verify`
catching every one (exit code 1, the difference named); a clean copy verifies (exit code 0).
"""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import kokeilu
from kokeilu import _core

KEY = "OULU-2025-001"


def verify(db: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOKEILU")}
    return subprocess.run([sys.executable, "-m", "kokeilu", "--db", str(db), "--lang", "en", "verify", *options],
                          capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="module")
def original(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("tamper") / "original.db"
    with kokeilu.open(db) as t:
        e = t.create(
            key=KEY, title="Remote video visits", organisation="Oulu", unit="home care", purposes=["wellbeing"],
            we_believe="video visits keep clients feeling safe", to_verify="we offer video visits",
            and_measure="the sense of security", right_if="it does not fall by more than 0.3 points",
            arms={"control": "control", "video": "treatment"},
            metrics=[kokeilu.Metric("sense_of_security", kind="mean", minimum_effect=0.3)],
        )
        t.start(e, on=datetime.date(2025, 3, 3))
        at = np.datetime64("2025-03-04T09:00", "us") + np.arange(40) * np.timedelta64(1, "h")
        for week in range(3):
            t.log_many(KEY, (np.arange(40) % 5 + 1.0), arm=["control", "video"] * 20, at=at + week * 168 * 3600 * 10**6)
        t.note(KEY, "the first weeks went well", author="Aino", at=datetime.datetime(2025, 3, 20, 12))
        t.void(KEY, ids=[3], reason="entered twice", author="Aino")
    assert verify(db).returncode == 0
    return db


def rewrite_entry(con: sqlite3.Connection, index: int, payload: str) -> None:
    """A valid-looking replacement: a fresh salt, its payload hash and a leaf correct against the
    entry before it."""
    at_us, kind, uuid = con.execute("SELECT at_us, kind, experiment_uuid FROM history WHERE id = ?", (index,)).fetchone()
    previous = con.execute("SELECT leaf_hash FROM history WHERE id = ?", (index - 1,)).fetchone()[0]
    salt = os.urandom(16)
    payload_hash = hashlib.sha256(salt + payload.encode()).digest()
    data = (b"kokeilu-history-1\n" + struct.pack(">Q", index - 1) + previous + struct.pack(">q", at_us)
            + struct.pack(">I", len(kind)) + kind.encode() + struct.pack(">I", len(uuid)) + uuid.encode() + payload_hash)
    con.execute("UPDATE history SET payload = ?, salt = ?, payload_hash = ?, leaf_hash = ? WHERE id = ?",
                (payload, salt, payload_hash, hashlib.sha256(b"\x00" + data).digest(), index))


def replace_note(con: sqlite3.Connection) -> None:
    index, payload = con.execute("SELECT id, payload FROM history WHERE kind = 'note'").fetchone()
    rewrite_entry(con, index, payload.replace("went well", "went awry"))
    con.execute("UPDATE journal SET text = replace(text, 'went well', 'went awry')")


def recompute_lock(con: sqlite3.Connection, path: Path) -> None:
    con.commit()
    with kokeilu.open(path) as t:
        forged = _core.preregistration_hash(t.get(KEY))
    con.execute("UPDATE experiments SET lock_hash = ?", (forged,))


TAMPERING: dict[str, Callable[[sqlite3.Connection, Path], None]] = {
    "entry removed": lambda con, _: con.execute("DELETE FROM history WHERE id = 4"),
    "two entries reordered": lambda con, _: con.executescript(
        "UPDATE history SET id = -id WHERE id IN (4, 5); UPDATE history SET id = 9 - id WHERE id < 0;"),
    "entry replaced with a valid-looking one": lambda con, _: replace_note(con),
    "payload edited": lambda con, _: con.execute(
        "UPDATE history SET payload = replace(payload, 'entered twice', 'typo') WHERE kind = 'void'"),
    "row updated": lambda con, _: con.execute("UPDATE observations SET value = 7 WHERE id = 50"),
    "row inserted": lambda con, _: con.execute(
        "INSERT INTO observations (metric_id, arm_id, at_us, value) VALUES (1, 1, 1741078800000000, 5)"),
    "row deleted": lambda con, _: con.execute("DELETE FROM observations WHERE id = 50"),
    "voided row restored": lambda con, _: con.executescript(
        "INSERT INTO observations (id, metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, subject, note, "
        "covariate) SELECT id, metric_id, arm_id, at_us, value, n, sum, sum_sq, exposure, subject, note, covariate "
        "FROM voided_observations; DELETE FROM voided_observations;"),
    "right_if edited": lambda con, _: con.execute("UPDATE experiments SET right_if = 'anything goes'"),
    "right_if edited, lock hash recomputed": lambda con, path: (
        con.execute("UPDATE experiments SET right_if = 'anything goes'"), recompute_lock(con, path)),
    "minimum_effect edited": lambda con, _: con.execute("UPDATE metrics SET minimum_effect = 1.0"),
    "minimum_effect edited, lock hash recomputed": lambda con, path: (
        con.execute("UPDATE metrics SET minimum_effect = 1.0"), recompute_lock(con, path)),
    "running summary edited": lambda con, _: con.execute("UPDATE arm_summaries SET mean = mean + 0.5 WHERE arm_id = 2"),
    "journal note edited": lambda con, _: con.execute("UPDATE journal SET text = 'nothing happened'"),
    "amendment removed from the record": lambda con, _: con.execute("UPDATE experiments SET title = 'Another title'"),
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_verify_catches_each_kind_of_tampering(original: Path, tmp_path: Path, kind: str) -> None:
    db = tmp_path / "tampered.db"
    shutil.copy(original, db)
    con = sqlite3.connect(db)
    TAMPERING[kind](con, db)
    con.commit()
    con.close()
    result = verify(db)
    assert result.returncode == 1, (kind, result.stdout, result.stderr)
    assert "differs from its history" in result.stderr


def test_a_checkpoint_of_another_file_is_refused_and_a_rewritten_log_fails_since(
    original: Path, tmp_path: Path
) -> None:
    checkpoint = verify(original, "--checkpoint").stdout.strip()
    assert checkpoint.startswith("kokeilu-checkpoint/1 ")
    other = tmp_path / "other.db"
    kokeilu.open(other).close()
    refused = verify(other, "--since", checkpoint)
    assert refused.returncode == 1 and "another tracker file" in refused.stderr

    grown = tmp_path / "grown.db"
    shutil.copy(original, grown)
    with kokeilu.open(grown) as t:
        t.note(KEY, "the log grows")
    assert verify(grown, "--since", checkpoint).returncode == 0

    # Every hash recomputed from the start: the chain verifies, the checkpoint taken before does not.
    con = sqlite3.connect(grown)
    con.execute("UPDATE journal SET text = replace(text, 'went well', 'went awry')")
    previous = bytes(32)
    rows = con.execute("SELECT id, at_us, kind, experiment_uuid, payload, salt FROM history ORDER BY id").fetchall()
    for index, at_us, kind, uuid, payload, salt in rows:
        payload = payload.replace("went well", "went awry")
        payload_hash = hashlib.sha256(salt + payload.encode()).digest()
        data = (b"kokeilu-history-1\n" + struct.pack(">Q", index - 1) + previous + struct.pack(">q", at_us)
                + struct.pack(">I", len(kind)) + kind.encode() + struct.pack(">I", len(uuid)) + uuid.encode()
                + payload_hash)
        previous = hashlib.sha256(b"\x00" + data).digest()
        con.execute("UPDATE history SET payload = ?, payload_hash = ?, leaf_hash = ? WHERE id = ?",
                    (payload, payload_hash, previous, index))
    con.commit()
    con.close()
    assert verify(grown).returncode == 0
    rewritten = verify(grown, "--since", checkpoint)
    assert rewritten.returncode == 1 and "rewritten" in rewritten.stderr
