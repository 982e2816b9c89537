"""A writer that logs observations (one at a time and in bulk), amends an experiment and adds
journal notes in a loop, and writes a line to an acknowledgement file around every write.

Before each write it appends ``begin <op> <id> <rows> <tag>``; once the call has returned (the write is
committed) it appends ``ok <op> <id> <rows> <tag>``. The lines go out with os.write on an O_APPEND file,
so a SIGKILL right after the call returns cannot lose them: what the file says was acknowledged,
was. A ``begin`` without its ``ok`` is the one write in flight when the process died; it must be
in the file wholly or not at all.

How each write can be found again in the tracker file (see ledger.py):
  single     one unit-level row, subject "<tag>-<id>"
  agg        one pre-aggregated row, note "<tag>-agg-<id>"
  bulk       log_many of <rows> unit-level rows whose value is <id> (ids are unique, and no other
             write logs such a value), no subject, no note
  aggbulk    log_aggregates of <rows> rows whose sum is <id> and n runs 1..<rows>, no note
  amend      one amendment whose reason is "<tag>-amend-<id>"
  note       one journal note whose text is "<tag>-note-<id>"

Run modes:
  python writer.py run DB ACKFILE TAG SEED ID_BASE [SECONDS]
      write until SECONDS have passed (default: forever)
  python writer.py serve
      a fork server for the kill test: kokeilu is imported once and each writer is forked from
      this process, so that hundreds of writers can be started (and killed) in a minute.
      Commands on stdin, one a line: "run DB ACKFILE TAG SEED ID_BASE" -> "pid N";
      "kill N" -> SIGKILL, reap, "dead N"; "quit".
"""

from __future__ import annotations

import datetime
import os
import random
import signal
import sys
import time
from typing import Any

import numpy as np
import pandas as pd

import kokeilu

KEY = "KESTO-001"
ARMS = ("control", "video")
PRIMARY = "sense_of_security"


def experiment_fields() -> dict[str, Any]:
    return {
        "key": KEY,
        "title": "Remote video visits in the evening",
        "organisation": "Oulu",
        "unit": "home care",
        "owner": "Aino Kemppainen",
        "we_believe": "that part of the evening visits can be made by video",
        "to_verify": "we will replace one evening visit in three by a video visit",
        "and_measure": "the clients' sense of security on a 1-5 survey",
        "right_if": "the sense of security does not fall by more than 0.3 points",
        "purposes": ["wellbeing"],
        "design": "concurrent",
        "arms": {"control": "control", "video": "treatment"},
        "metrics": [{"name": PRIMARY, "kind": "mean", "minimum_effect": 0.3}],
        "planned_start": datetime.date(2025, 1, 13),
    }


def prepare(tracker: kokeilu.Tracker) -> None:
    """Creates and starts the experiment unless an earlier writer got that far."""
    try:
        experiment = tracker.get(KEY)
    except kokeilu.NotFoundError:
        try:
            experiment = tracker.create(**experiment_fields())
        except kokeilu.InvalidArgumentError:
            # Another writer created it in between (the key is taken).
            experiment = tracker.get(KEY)
    if experiment.status == kokeilu.Status.draft:
        try:
            tracker.start(KEY, on=datetime.date(2025, 1, 13))
        except kokeilu.InvalidStateError:
            pass  # another writer started it in between


class Acks:
    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, line: str) -> None:
        os.write(self.fd, (line + "\n").encode())


def amend(tracker: kokeilu.Tracker, reason: str, number: int) -> None:
    """Changes one locked field, so that the save records exactly one amendment. Another writer
    may save the experiment between this one's read and write; the store then refuses the stale
    copy (nothing written) and the change is made again on a fresh one, as a user would."""
    for _ in range(100):
        try:
            tracker.amend(KEY, reason, right_if=f"the sense of security holds ({number})")
            return
        except kokeilu.InvalidStateError as error:
            if "changed by someone else" not in str(error):
                raise
    raise RuntimeError(f"{reason}: the experiment kept changing under this writer")


def write_loop(db: str, ack_path: str, tag: str, seed: int, id_base: int, seconds: float | None) -> int:
    rng = random.Random(seed)
    acks = Acks(ack_path)
    deadline = None if seconds is None else time.monotonic() + seconds
    next_id = id_base
    written = 0
    with kokeilu.open(db) as tracker:
        prepare(tracker)
        while deadline is None or time.monotonic() < deadline:
            next_id += 1
            op = rng.choices(("single", "agg", "bulk", "aggbulk", "amend", "note"), (30, 10, 25, 10, 15, 10))[0]
            rows = rng.randint(1, 400) if op in ("bulk", "aggbulk") else 1
            acks.write(f"begin {op} {next_id} {rows} {tag}")
            arm = rng.choice(ARMS)
            if op == "single":
                tracker.log(KEY, rng.uniform(1, 5), arm=arm, subject=f"{tag}-{next_id}")
            elif op == "agg":
                tracker.log_aggregate(KEY, n=10, sum=35.0, sum_sq=130.0, arm=arm, note=f"{tag}-agg-{next_id}")
            elif op == "bulk":
                arms = np.array([rng.choice(ARMS) for _ in range(rows)])
                tracker.log_many(KEY, np.full(rows, float(next_id)), arm=arms)
            elif op == "aggbulk":
                frame = pd.DataFrame(
                    {
                        "n": np.arange(1, rows + 1, dtype=np.int64),
                        "sum": np.full(rows, float(next_id)),
                        "sum_sq": np.full(rows, float(next_id) ** 2),
                        "arm": [rng.choice(ARMS) for _ in range(rows)],
                    }
                )
                tracker.log_aggregates(KEY, frame)
            elif op == "amend":
                amend(tracker, f"{tag}-amend-{next_id}", next_id)
            else:
                tracker.note(KEY, f"{tag}-note-{next_id}")
            acks.write(f"ok {op} {next_id} {rows} {tag}")
            written += 1
    return written


def serve() -> None:
    children: set[int] = set()
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        if words[0] == "run":
            db, ack_path, tag, seed, id_base = words[1:6]
            pid = os.fork()
            if pid == 0:
                # The child: its own SQLite connection, opened after the fork; it never returns.
                code = 1
                try:
                    write_loop(db, ack_path, tag, int(seed), int(id_base), None)
                    code = 0
                except BaseException as error:  # noqa: BLE001 - reported to the test, then exit
                    sys.stderr.write(f"writer {tag} failed: {type(error).__name__}: {error}\n")
                finally:
                    os._exit(code)
            children.add(pid)
            print(f"pid {pid}", flush=True)
        elif words[0] == "kill":
            pid = int(words[1])
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _, status = os.waitpid(pid, 0)
            children.discard(pid)
            # A writer that exited by itself (status not "killed") has failed: the test says so.
            killed = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
            print(f"dead {pid} {'killed' if killed else 'exited'}", flush=True)
        elif words[0] == "quit":
            break
    for pid in children:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def main(argv: list[str]) -> int:
    if argv[:1] == ["serve"]:
        serve()
        return 0
    if argv[:1] == ["run"] and len(argv) in (6, 7):
        db, ack_path, tag, seed, id_base = argv[1:6]
        seconds = float(argv[6]) if len(argv) == 7 else None
        written = write_loop(db, ack_path, tag, int(seed), int(id_base), seconds)
        print(written, flush=True)
        return 0
    sys.stderr.write(__doc__ or "")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
