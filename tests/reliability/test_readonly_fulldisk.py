"""A tracker on a read-only file, in a read-only folder, and on a full disk: every write gives a
clear StorageError (and the kokeilu command a one-line message), the file still opens for
reading, and nothing that was written before is lost.

The read-only cases use permissions for an ordinary user. Root ignores permissions, so as root
the file is made immutable (chattr +i) and the folder is a small tmpfs remounted read-only; the
full disk is always a small tmpfs, so it needs root (the C++ fault-injection test covers a full
disk everywhere, through a VFS that reports SQLITE_FULL).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import kokeilu
from writer import KEY, prepare

IS_ROOT = os.geteuid() == 0


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


def _integrity(path: Path) -> str:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    return str(verdict)


def _fill(path: Path, rows: int = 300) -> None:
    """A tracker with a started experiment and `rows` observations, closed (checkpointed)."""
    with kokeilu.open(path) as tracker:
        prepare(tracker)
        tracker.log_many(KEY, np.linspace(1.0, 5.0, rows), arm="control")
        tracker.note(KEY, "written before the file became read-only")


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kokeilu", "--db", str(db), "--lang", "en", *args],
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs, unmounted at the end; skipped where mounting is not allowed."""
    mount = tmp_path / "mnt"
    mount.mkdir()
    if not IS_ROOT or not _run("mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mount)):
        pytest.skip("mounting a tmpfs needs root (and a system that allows it)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def read_only_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "kokeilut.db"
    _fill(path)
    if IS_ROOT:
        if not _run("chattr", "+i", str(path)):
            pytest.skip("root ignores permissions, and this file system has no immutable attribute")
    else:
        path.chmod(0o444)
    try:
        yield path
    finally:
        if IS_ROOT:
            _run("chattr", "-i", str(path))
        path.chmod(0o644)


@pytest.fixture
def read_only_folder(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    if IS_ROOT:
        folder = request.getfixturevalue("tmpfs")
        path = folder / "kokeilut.db"
        _fill(path)
        assert _run("mount", "-o", "remount,ro", str(folder))
        yield path
        assert _run("mount", "-o", "remount,rw", str(folder))
    else:
        folder = tmp_path / "folder"
        folder.mkdir()
        path = folder / "kokeilut.db"
        _fill(path)
        folder.chmod(0o555)
        try:
            yield path
        finally:
            folder.chmod(0o755)


def _check_readable(path: Path, rows: int = 300) -> None:
    with kokeilu.open(path, read_only=True) as tracker:
        assert tracker.count_observations(KEY) == rows
        assert tracker.get(KEY).status == kokeilu.Status.running
        assert [n.text for n in tracker.journal(KEY)][-1] == "written before the file became read-only"
        with pytest.raises(kokeilu.StorageError, match="read-only"):
            tracker.log(KEY, 3.0, arm="control")


def test_read_only_file(read_only_file: Path) -> None:
    # Opened for writing, the file opens (SQLite falls back to reading), and each write fails.
    with kokeilu.open(read_only_file) as tracker:
        with pytest.raises(kokeilu.StorageError, match="readonly") as error:
            tracker.log(KEY, 3.0, arm="control")
        assert error.value.sqlite_code == 8  # SQLITE_READONLY
        with pytest.raises(kokeilu.StorageError, match="readonly"):
            tracker.log_many(KEY, np.ones(100), arm="video")
        with pytest.raises(kokeilu.StorageError, match="readonly"):
            tracker.amend(KEY, "a reason", right_if="something else")
        assert tracker.count_observations(KEY) == 300
    _check_readable(read_only_file)
    assert _integrity(read_only_file) == "ok"


def test_read_only_file_from_the_command(read_only_file: Path) -> None:
    result = _cli(read_only_file, "log", KEY, "4", "--arm", "video")
    assert result.returncode != 0
    assert "readonly" in result.stderr and "Traceback" not in result.stderr
    shown = _cli(read_only_file, "show", KEY)
    assert shown.returncode == 0, shown.stderr
    assert KEY in shown.stdout


def test_read_only_folder(read_only_folder: Path) -> None:
    # A WAL file needs its "-shm" index beside it; it cannot be made here. Opening for writing
    # says what is wrong and what to do; opening read-only works.
    with pytest.raises(kokeilu.StorageError, match="cannot be written; open it read-only"):
        kokeilu.open(read_only_folder)
    _check_readable(read_only_folder)
    assert sorted(p.name for p in read_only_folder.parent.iterdir()) == ["kokeilut.db"]


def test_read_only_folder_after_the_fact(read_only_folder: Path) -> None:
    """Nothing was lost: the folder made writable again gives the same file, which takes writes."""
    folder = read_only_folder.parent
    if IS_ROOT:
        assert _run("mount", "-o", "remount,rw", str(folder))
    else:
        folder.chmod(0o755)
    assert _integrity(read_only_folder) == "ok"
    with kokeilu.open(read_only_folder) as tracker:
        tracker.log(KEY, 4.0, arm="video")
        assert tracker.count_observations(KEY) == 301
    if IS_ROOT:
        assert _run("mount", "-o", "remount,ro", str(folder))
    else:
        folder.chmod(0o555)


def test_full_disk(tmpfs: Path) -> None:
    path = tmpfs / "kokeilut.db"
    acknowledged = 0
    with kokeilu.open(path) as tracker:
        prepare(tracker)
        rng = np.random.default_rng(8)
        with pytest.raises(kokeilu.StorageError) as error:
            for _ in range(10_000):
                rows = int(rng.integers(1, 2000))
                tracker.log_many(KEY, rng.uniform(1, 5, rows), arm="control")
                acknowledged += rows
        assert "full" in str(error.value)
        assert error.value.sqlite_code == 13  # SQLITE_FULL
        assert acknowledged > 0
        # Nothing half written, nothing lost, and the tracker still reads and refuses clearly.
        assert tracker.count_observations(KEY) == acknowledged
        with pytest.raises(kokeilu.StorageError, match="full"):
            tracker.log_many(KEY, np.ones(5000), arm="video")
        assert tracker.count_observations(KEY) == acknowledged

    # The command says so in one line. The write-ahead log keeps the room of the writes that failed
    # (SQLite reuses it for the next one), so a small write may still fit: the command imports more
    # rows than the whole disk holds.
    rows = tmpfs.parent / "rows.csv"
    rows.write_text("value,arm\n" + "4.5,video\n" * 60_000)
    result = _cli(path, "import", KEY, str(rows))
    assert result.returncode != 0 and "full" in result.stderr and "Traceback" not in result.stderr

    with kokeilu.open(path, read_only=True) as reader:
        assert reader.count_observations(KEY) == acknowledged
    assert _integrity(path) == "ok"

    # Space again: the same file takes writes.
    assert _run("mount", "-o", "remount,size=8m", str(tmpfs))
    with kokeilu.open(path) as tracker:
        tracker.log_many(KEY, np.ones(5000), arm="video")
        assert tracker.count_observations(KEY) == acknowledged + 5000
    assert _integrity(path) == "ok"
