"""Two ways a SQLite file loses committed rows without an error, and what kokeilu does about them.

- A tracker file with two names (hard links): SQLite names the write-ahead log after the name it
  was given, so writers through the two names keep two logs, and each checkpoint copies its own
  log's pages over the other's. Seen: 400 of 800 acknowledged rows lost. kokeilu refuses to open
  such a file for writing.
- A stale "-wal" of another tracker beside a file: SQLite replays it over the file. Seen: a file
  with 3 rows showed another file's 500 rows. kokeilu reads the log before SQLite does and refuses
  it when it holds another tracker's identity.

Each hazard is first shown with plain SQLite (what happens without kokeilu's checks), then with
kokeilu, by separate processes as a user would meet it.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import kokeilu
from writer import KEY, prepare

HERE = Path(__file__).parent
AT = "2025-01-13T12:00:00Z"  # the day writer.prepare starts the experiment
sys.path.insert(0, str(HERE.parent / "python"))
from cli_support import run  # noqa: E402


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result


def _journal_rows(path: Path, *, uri: str = "") -> int | None:
    """Journal notes visible through `path` with plain SQLite; None when SQLite finds the file damaged."""
    try:
        db = sqlite3.connect(uri or f"file:{path}?mode=ro", uri=True)
        try:
            return int(db.execute("SELECT count(*) FROM journal").fetchone()[0])
        finally:
            db.close()
    except sqlite3.DatabaseError:
        return None


# Writes `count` journal notes through the given name with plain SQLite, each its own commit, then
# either ends without closing (its log stays, as after a kill) or closes (and checkpoints).
_PLAIN_WRITER = """
    import os, sqlite3, sys
    path, count, close = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "close"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA wal_autocheckpoint = 0")
    for i in range(count):
        db.execute("INSERT INTO journal (experiment_id, at_us, author, text) VALUES (1, 0, ?, ?)",
                   (path, str(i)))
    if close:
        db.close()
    else:
        os._exit(0)
"""


def test_two_names_lose_rows_with_plain_sqlite_and_kokeilu_refuses_to_write_them(tmp_path: Path) -> None:
    tracker = tmp_path / "kokeilut.db"
    with kokeilu.open(tracker) as t:
        prepare(t)
    before = _journal_rows(tracker)
    assert before is not None
    other = tmp_path / "toinen.db"
    os.link(tracker, other)

    # Plain SQLite, on a copy with its own second name: 400 rows through each name, every one
    # committed, and no name shows all 800.
    plain = tmp_path / "plain.db"
    shutil.copy(tracker, plain)
    plain_other = tmp_path / "plain-other.db"
    os.link(plain, plain_other)
    _python(_PLAIN_WRITER, str(plain), "400", "kill")
    _python(_PLAIN_WRITER, str(plain_other), "400", "close")
    seen = [_journal_rows(plain), _journal_rows(plain_other)]
    assert all(rows is None or rows < before + 800 for rows in seen), seen

    # kokeilu: neither name opens for writing, from the API or the command, so no write is
    # acknowledged that could be lost; the message says why and how to fix it.
    tracker_bytes = tracker.read_bytes()
    for name in (tracker, other):
        with pytest.raises(kokeilu.StorageError, match=r"has 2 names \(hard links\), and writing it is refused"):
            kokeilu.open(name)
        result = run(["--lang", "en", "log", KEY, "4", "--arm", "video", "--at", AT], db=name)
        assert result.code == 1, result
        assert "has 2 names (hard links)" in result.err
        assert "copy it" in result.err and "remove the other link" in result.err
        finnish = run(["--lang", "fi", "log", KEY, "4", "--arm", "video", "--at", AT], db=name)
        assert "kovaa linkkiä" in finnish.err, finnish
    # Reading is allowed (it writes nothing).
    with kokeilu.open(other, read_only=True) as reader:
        assert reader.get(KEY).key == KEY
    assert run(["--lang", "en", "show", KEY], db=other).code == 0
    assert tracker.read_bytes() == tracker_bytes

    # The fix the message gives: a copy is a file of its own.
    copy = tmp_path / "kopio.db"
    shutil.copy(other, copy)
    assert run(["--lang", "en", "log", KEY, "4", "--arm", "video", "--at", AT], db=copy).code == 0


# A kokeilu writer killed after its writes: its log stays beside the file, holding the commits.
_KILLED_TRACKER = """
    import os, sys
    import numpy as np
    import kokeilu
    sys.path.insert(0, sys.argv[3])
    from writer import KEY, prepare
    with_identity = sys.argv[4] == "kokeilu"
    tracker = kokeilu.open(sys.argv[1])
    prepare(tracker)
    rows = int(sys.argv[2])
    times = np.datetime64("2025-01-13T12:00") + np.arange(rows) * np.timedelta64(1, "s")
    tracker.log_many(KEY, np.full(rows, 2.0), arm=["control", "video"] * (rows // 2), at=times)
    if not with_identity:
        # The last writes made by another program: plain SQLite, after a checkpoint that started
        # the log again, so that the log holds none of kokeilu's pages.
        tracker.close()
        import sqlite3
        db = sqlite3.connect(sys.argv[1], isolation_level=None)
        db.execute("PRAGMA wal_autocheckpoint = 0")
        db.execute("INSERT INTO journal (experiment_id, at_us, author, text) VALUES (1, 0, 'sqlite3', 'x')")
    os._exit(0)
"""


def _stale_log_beside(tmp_path: Path, *, writer: str) -> tuple[Path, bytes, bytes]:
    own = tmp_path / "oma.db"
    with kokeilu.open(own) as t:
        prepare(t)
        t.log_many(KEY, [4.0, 5.0, 3.0], arm=["control", "video", "video"], at=["2025-01-13T12:00:00Z"] * 3)
    other = tmp_path / "toinen.db"
    _python(_KILLED_TRACKER, str(other), "500", str(HERE), writer)
    assert (other.parent / "toinen.db-wal").stat().st_size > 0
    # The other tracker's log left beside this file (a file moved or restored over the other one).
    shutil.move(other.parent / "toinen.db-wal", tmp_path / "oma.db-wal")
    return own, own.read_bytes(), (tmp_path / "oma.db-wal").read_bytes()


def test_another_trackers_log_is_replayed_by_plain_sqlite_and_refused_by_kokeilu(tmp_path: Path) -> None:
    own, main_bytes, log_bytes = _stale_log_beside(tmp_path, writer="kokeilu")

    # Plain SQLite, on a copy of both: the file shows the other tracker's 500 rows, its own 3 gone.
    copy = tmp_path / "kopio.db"
    shutil.copy(own, copy)
    shutil.copy(tmp_path / "oma.db-wal", tmp_path / "kopio.db-wal")
    db = sqlite3.connect(copy)
    try:
        assert db.execute("SELECT count(*) FROM observations").fetchone()[0] == 500
    finally:
        db.close()

    for read_only in (False, True):
        with pytest.raises(kokeilu.StorageError, match="belongs to another tracker file") as caught:
            kokeilu.open(own, read_only=read_only)
        assert "Both files were left unchanged" in str(caught.value)
    result = run(["--lang", "en", "list"], db=own)
    assert result.code == 1 and "belongs to another tracker file" in result.err, result
    assert "kuuluu toiseen seurantatiedostoon" in run(["--lang", "fi", "list"], db=own).err
    assert own.read_bytes() == main_bytes
    assert (tmp_path / "oma.db-wal").read_bytes() == log_bytes

    # Moved away as the message says, the file is itself again.
    shutil.move(tmp_path / "oma.db-wal", tmp_path / "stale-wal")
    (tmp_path / "oma.db-shm").unlink(missing_ok=True)
    with kokeilu.open(own) as tracker:
        assert tracker.count_observations(KEY) == 3


def test_a_log_that_holds_no_identity_page_cannot_be_told_apart(tmp_path: Path) -> None:
    """The documented limit (docs/bad-input.md): a log whose commits were all made by another
    program after the log started again holds no page kokeilu can recognise, and is replayed."""
    own, _, _ = _stale_log_beside(tmp_path, writer="sqlite3")
    with kokeilu.open(own, read_only=True) as tracker:
        # The other program's note, replayed from the other file's log into this one.
        assert "x" in [entry.text for entry in tracker.journal(KEY)]
