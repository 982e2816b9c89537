"""A one-row write while another process holds the write lock (as a bulk write of millions of rows
does for seconds): it waits, says so on the terminal after a moment, and lands once the other write
has finished, instead of failing with "database is locked".

The other process here holds the lock until the test has seen the notice, then commits: the test
asserts what happens and never how long anything took.
"""

from __future__ import annotations

import queue
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

import kokeilu
from lock_holder import PATIENCE, Holder
from writer import KEY, prepare

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "python"))
from cli_support import child_env  # noqa: E402

AT = "2025-01-13T12:00:00Z"  # the day writer.prepare starts the experiment

def _lines(stream: IO[str]) -> queue.Queue[str | None]:
    """The lines of a child's stream, read by a thread (None at the end)."""
    lines: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    return lines


def _tracker(tmp_path: Path) -> Path:
    db = tmp_path / "kokeilut.db"
    with kokeilu.open(db) as tracker:
        prepare(tracker)
    return db


def _rows(db: Path) -> int:
    with kokeilu.open(db, read_only=True) as tracker:
        return tracker.count_observations(KEY)


def _journal_texts(db: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT text FROM journal ORDER BY id")]
    finally:
        connection.close()


def _waiting_log(db: Path, lang: str, expected_notice: str) -> None:
    holder = Holder(db)
    with subprocess.Popen(
        [sys.executable, "-m", "kokeilu", "--lang", lang, "log", KEY, "4", "--arm", "video", "--at", AT],
        env=child_env(db), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8",
    ) as command:
        assert command.stderr is not None and command.stdout is not None
        err = _lines(command.stderr)
        seen: list[str] = []
        while True:
            line = err.get(timeout=PATIENCE)
            assert line is not None, f"the command ended before it said it waits: {seen}"
            seen.append(line)
            if expected_notice in line:
                break
        assert command.poll() is None  # still waiting, not failed
        holder.release()
        assert command.wait(timeout=PATIENCE) == 0, (seen, command.stdout.read())
        while (line := err.get(timeout=PATIENCE)) is not None:
            seen.append(line)
    assert "locked" not in "".join(seen)


def test_a_log_waits_for_another_processs_write_and_lands(tmp_path: Path) -> None:
    db = _tracker(tmp_path)
    _waiting_log(db, "en", "Waiting for another write to")
    _waiting_log(db, "fi", "Odotetaan, että toinen kirjoitus")
    assert _rows(db) == 2
    # The other process's write landed too, before this one.
    assert _journal_texts(db).count("bulk write") == 2


def test_with_no_wait_allowed_the_log_fails_as_locked_and_writes_nothing(tmp_path: Path) -> None:
    db = _tracker(tmp_path)
    holder = Holder(db)
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kokeilu", "--lang", "en", "--wait", "0", "log", KEY, "4", "--arm", "video",
             "--at", AT],
            env=child_env(db), stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=PATIENCE,
            check=False,
        )
        assert result.returncode == 1, result
        assert "database is locked" in result.stderr
        assert "Waiting" not in result.stderr
        bad = subprocess.run(
            [sys.executable, "-m", "kokeilu", "--lang", "en", "log", KEY, "4", "--arm", "video"],
            env=child_env(db, {"KOKEILU_WAIT": "soon"}), stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=PATIENCE, check=False,
        )
        assert bad.returncode == 1 and "KOKEILU_WAIT must be a number of seconds" in bad.stderr, bad
    finally:
        holder.release()
    assert _rows(db) == 0


def test_the_python_api_calls_back_while_it_waits(tmp_path: Path) -> None:
    db = _tracker(tmp_path)
    holder = Holder(db)
    notices: list[str] = []

    def on_wait() -> None:
        notices.append("waiting")
        holder.release()  # the other write finishes while this one waits

    with kokeilu.open(db, on_wait=on_wait) as tracker:
        tracker.log(KEY, 4.0, arm="video", at=AT)
    assert notices == ["waiting"]
    assert _rows(db) == 1
