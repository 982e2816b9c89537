"""SIGKILL at random moments: a writer logs observations (one at a time and in bulk), amends the
experiment and adds notes in a loop, and is killed at a random moment, again and again. After each
kill the file passes SQLite's integrity check, every acknowledged write is in it exactly once and
whole, the write in flight is there wholly or not at all, and kokeilu still opens the file.

200 kills by default, 2,000 with KOKEILU_STRESS=1 (KOKEILU_KILLS overrides both). A new file is
started every 20 kills, so that kills also land while a file is being created and migrated and the
experiment created and started. The random seed is printed, and KOKEILU_KILL_SEED replays a run.
"""

from __future__ import annotations

import collections
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from ledger import Ledger, check

HERE = Path(__file__).parent
KILLS = int(os.environ.get("KOKEILU_KILLS", 2000 if os.environ.get("KOKEILU_STRESS") == "1" else 200))
KILLS_PER_FILE = 20


class ForkServer:
    """writer.py serve: forks writers from a process that has imported kokeilu once."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "writer.py"), "serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=HERE,
        )

    def ask(self, command: str) -> list[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().split()
        assert answer, f"the fork server stopped while answering {command!r}"
        return answer

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.close()
        self.process.wait(timeout=30)
        assert self.process.stdout is not None
        self.process.stdout.close()


def test_sigkill_at_random_moments(tmp_path: Path) -> None:
    seed = int(os.environ.get("KOKEILU_KILL_SEED", time.time_ns() % 1_000_000_007))
    print(f"kill test seed {seed} ({KILLS} kills)")
    rng = random.Random(seed)
    server = ForkServer()
    # What each kill interrupted: the op in flight, "idle" between writes, "opening" before any.
    interrupted: collections.Counter[str] = collections.Counter()
    acknowledged = 0
    try:
        ledger = Ledger()
        for kill in range(KILLS):
            file_index = kill // KILLS_PER_FILE
            db = tmp_path / f"kill-{file_index}.db"
            acks = tmp_path / f"kill-{file_index}.acks"
            if kill % KILLS_PER_FILE == 0:
                acknowledged += ledger.acknowledged
                ledger = Ledger()
            lines_before = len(acks.read_text().splitlines()) if acks.exists() else 0
            pid = server.ask(f"run {db} {acks} k {rng.randrange(1 << 30)} {kill * 1_000_000}")[1]
            # Mostly short lives, so that opening, creating and starting are hit too, with a tail
            # of longer ones in which bulk writes and amendments pile up.
            time.sleep(rng.uniform(0.0, 0.02) if rng.random() < 0.3 else rng.uniform(0.02, 0.3))
            answer = server.ask(f"kill {pid}")
            assert answer[2] == "killed", f"seed {seed}, kill {kill}: the writer exited by itself"

            lines = acks.read_text().splitlines()[lines_before:] if acks.exists() else []
            if not lines:
                interrupted["opening"] += 1
            elif lines[-1].startswith("begin"):
                interrupted[lines[-1].split()[1]] += 1
            else:
                interrupted["idle"] += 1

            ledger.read([acks])
            problems = check(db, ledger)
            assert not problems, f"seed {seed}, kill {kill} ({db.name}): " + "; ".join(problems[:10])
        acknowledged += ledger.acknowledged
    finally:
        server.close()

    print(f"kills interrupted: {dict(interrupted)}; {acknowledged} writes acknowledged")
    # The test means something only if kills landed inside writes, bulk ones included.
    in_flight = sum(n for what, n in interrupted.items() if what not in ("opening", "idle"))
    assert in_flight >= KILLS // 4, f"seed {seed}: only {in_flight} of {KILLS} kills landed inside a write"
    assert interrupted["bulk"] + interrupted["aggbulk"] > 0, f"seed {seed}: no kill landed inside a bulk write"


def test_the_checks_see_damage(tmp_path: Path) -> None:
    """The checks the kill test relies on report a lost, a duplicated and a half-written write."""
    db, acks = tmp_path / "sound.db", tmp_path / "sound.acks"
    subprocess.run([sys.executable, str(HERE / "writer.py"), "run", str(db), str(acks), "k", "7", "0", "1.5"],
                   cwd=HERE, check=True, capture_output=True)
    ledger = Ledger()
    ledger.read([acks])
    assert ledger.acknowledged > 10
    assert check(db, ledger) == []

    damages = {
        "missing": "DELETE FROM observations WHERE id = (SELECT min(id) FROM observations WHERE subject IS NOT NULL)",
        "of its": "DELETE FROM observations WHERE id = (SELECT max(id) FROM observations "
                  "WHERE n IS NULL AND subject IS NULL AND note IS NULL)",
        "rows are in the file": "INSERT INTO observations (metric_id, arm_id, at_us, value, subject) "
                                "SELECT metric_id, arm_id, at_us, value, subject FROM observations "
                                "WHERE subject IS NOT NULL LIMIT 1",
        "amend": "DELETE FROM amendments WHERE id = (SELECT max(id) FROM amendments)",
        "no writer began": "INSERT INTO journal (experiment_id, at_us, author, text) "
                           "SELECT id, 0, '', 'k-note-999999999' FROM experiments",
    }
    for expected, sql in damages.items():
        damaged = tmp_path / "damaged.db"
        shutil.copy(db, damaged)
        with sqlite3.connect(damaged) as connection:
            connection.execute(sql)
        connection.close()
        problems = check(damaged, ledger)
        assert any(expected in problem for problem in problems), (expected, problems)
