"""Checks a tracker file against the acknowledgement files of the writers (see writer.py).

The file must pass SQLite's own integrity and foreign key checks; every acknowledged write must be
in it exactly once and whole; a write that was in flight when its writer died must be there whole
or not at all (and must stay decided that way at every later check); nothing may be there that no
writer began.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import kokeilu

from writer import KEY


@dataclass
class Write:
    op: str
    id: int
    rows: int
    tag: str
    acknowledged: bool = False


@dataclass
class Ledger:
    """What the writers began and acknowledged, and how each unacknowledged write was decided."""

    writes: dict[int, Write] = field(default_factory=dict)
    decided: dict[int, bool] = field(default_factory=dict)  # id -> present, for writes in flight

    def read(self, ack_files: Iterable[Path]) -> None:
        for path in ack_files:
            if not path.exists():
                continue
            for line in path.read_text().splitlines():
                words = line.split()
                # A writer killed inside os.write could leave a torn last line; it is no
                # acknowledgement, and its "begin" (a whole line, written earlier) still counts.
                if len(words) != 5 or words[0] not in ("begin", "ok"):
                    continue
                kind, op, number, rows, tag = words
                write = self.writes.setdefault(int(number), Write(op, int(number), int(rows), tag))
                if kind == "ok":
                    write.acknowledged = True

    @property
    def acknowledged(self) -> int:
        return sum(w.acknowledged for w in self.writes.values())


def _found(db: sqlite3.Connection) -> tuple[dict[int, tuple[str, int]], list[str]]:
    """Every write kokeilu's writers can have made, as id -> (op, rows found), and anomalies."""
    found: dict[int, tuple[str, int]] = {}
    problems: list[str] = []

    def add(op: str, number: int, rows: int) -> None:
        if number in found:
            problems.append(f"id {number} found as both {found[number][0]} and {op}")
        found[number] = (op, rows)

    for subject, count in db.execute(
        "SELECT subject, count(*) FROM observations WHERE subject IS NOT NULL GROUP BY subject"
    ):
        add("single", int(subject.rpartition("-")[2]), count)
    for note, count in db.execute("SELECT note, count(*) FROM observations WHERE note IS NOT NULL GROUP BY note"):
        add("agg", int(note.rpartition("-")[2]), count)
    for value, count in db.execute(
        "SELECT value, count(*) FROM observations WHERE n IS NULL AND subject IS NULL AND note IS NULL "
        "GROUP BY value"
    ):
        add("bulk", int(value), count)
    for total, count, low, high in db.execute(
        "SELECT sum, count(*), min(n), max(n) FROM observations WHERE n IS NOT NULL AND note IS NULL GROUP BY sum"
    ):
        if (low, high) != (1, count):
            problems.append(f"aggbulk {int(total)}: n runs {low}..{high} over {count} rows")
        add("aggbulk", int(total), count)
    for reason, count in db.execute("SELECT reason, count(*) FROM amendments GROUP BY reason"):
        add("amend", int(reason.rpartition("-")[2]), count)
    for text, count in db.execute("SELECT text, count(*) FROM journal GROUP BY text"):
        add("note", int(text.rpartition("-")[2]), count)
    return found, problems


def _running_summary_problems(db: sqlite3.Connection) -> list[str]:
    """The running summaries the store keeps must match the committed rows, write for write."""
    expected = {
        (metric, arm): (n, total)
        for metric, arm, n, total in db.execute(
            "SELECT metric_id, arm_id, sum(coalesce(n, 1)), sum(coalesce(sum, value)) FROM observations "
            "GROUP BY metric_id, arm_id"
        )
    }
    kept = {(metric, arm): (n, mean) for metric, arm, n, mean in db.execute(
        "SELECT metric_id, arm_id, n, mean FROM arm_summaries")}
    if kept.keys() != expected.keys():
        return [f"running summaries for {sorted(kept)}, rows for {sorted(expected)}"]
    problems = []
    for ids, (n, total) in expected.items():
        kept_n, kept_mean = kept[ids]
        mean = total / n if n else 0.0
        if kept_n != n or not math.isclose(kept_mean, mean, rel_tol=1e-9, abs_tol=1e-9):
            problems.append(f"running summary {ids}: n {kept_n}, mean {kept_mean}; the rows: n {n}, mean {mean}")
    return problems


def check(path: Path, ledger: Ledger) -> list[str]:
    """Every problem with the file, as sentences; an empty list when it is sound."""
    problems: list[str] = []
    db = sqlite3.connect(path)
    try:
        integrity = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            return [f"integrity_check: {integrity[:5]}"]
        foreign = db.execute("PRAGMA foreign_key_check").fetchall()
        if foreign:
            problems.append(f"foreign_key_check: {foreign[:5]}")
        # The schema is created in one transaction: all of its tables are there, or none is.
        tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        experiments = db.execute("SELECT count(*) FROM experiments").fetchone()[0] if tables else 0
        if experiments == 0:
            # Killed before the experiment was committed: then nothing else can be there either.
            if any(w.acknowledged for w in ledger.writes.values()):
                problems.append("no experiment, but writes were acknowledged")
            found: dict[int, tuple[str, int]] = {}
            total_rows = None
        else:
            found, anomalies = _found(db)
            problems += anomalies
            total_rows = db.execute("SELECT count(*) FROM observations").fetchone()[0]
            problems += _running_summary_problems(db)
    except sqlite3.DatabaseError as error:
        # A table missing: killed while the schema was being created, which must not be visible.
        return [f"the file cannot be read by SQLite: {error}"]
    finally:
        db.close()

    for number, (op, rows) in found.items():
        write = ledger.writes.get(number)
        if write is None:
            problems.append(f"{op} {number} is in the file but no writer began it")
        elif write.op != op:
            problems.append(f"{write.op} {number} was found as a {op}")
        elif rows != write.rows:
            problems.append(f"{op} {number}: {rows} of its {write.rows} rows are in the file")
    for number, write in ledger.writes.items():
        present = number in found
        if write.acknowledged and not present:
            problems.append(f"acknowledged {write.op} {number} ({write.rows} rows) is missing")
        if not write.acknowledged:
            before = ledger.decided.setdefault(number, present)
            if before != present:
                problems.append(f"unacknowledged {write.op} {number} was {'there' if before else 'absent'} "
                                f"at an earlier check and is {'there' if present else 'absent'} now")

    # The file still opens as a tracker and agrees with what SQLite sees.
    with kokeilu.open(path) as tracker:
        if total_rows is None:
            return problems
        counted = tracker.count_observations(KEY)
        if counted != total_rows:
            problems.append(f"kokeilu counts {counted} observations, SQLite {total_rows}")
    return problems
