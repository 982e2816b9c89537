"""Writes the seed corpus of fuzz_tracker_file: small tracker files (one with experiments,
observations, amendments and notes; an empty one; one of a newer schema), files that are not
trackers, and a tracker's write-ahead log. Run from the repository root: python tests/fuzz/make_seeds.py"""

from __future__ import annotations

import datetime
import sqlite3
import sys
import tempfile
from pathlib import Path

import kokeilu

sys.path.insert(0, str(Path(__file__).parents[1] / "reliability"))
from writer import KEY, experiment_fields, prepare  # noqa: E402

OUT = Path(__file__).parent / "corpus" / "fuzz_tracker_file"


def small(path: Path) -> bytes:
    """The file in rollback-journal mode with 512-byte pages: the same content in few bytes."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.execute("PRAGMA page_size = 512")
    db.execute("VACUUM")
    db.close()
    return path.read_bytes()


def tracker_log(scratch: Path) -> bytes:
    """The write-ahead log of a tracker whose commits are not yet in its main file (its identity page
    among them), as the target also reads the bytes as the log beside a tracker."""
    path = scratch / "logged.db"
    with kokeilu.open(path) as tracker:
        prepare(tracker)
    with kokeilu.open(path) as tracker:
        holder = sqlite3.connect(path)  # keeps the close from copying the log into the file
        holder.execute("SELECT count(*) FROM sqlite_master").fetchone()
        tracker.log(KEY, 4.0, arm="video", at=datetime.datetime(2026, 2, 1, tzinfo=datetime.timezone.utc))
    log = (scratch / "logged.db-wal").read_bytes()
    holder.close()
    return log


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        full = Path(scratch) / "full.db"
        with kokeilu.open(full) as tracker:
            prepare(tracker)
            tracker.log_many(KEY, [1.0, 2.0, 3.0, 4.0], arm=["control", "video"] * 2,
                             at=[datetime.datetime(2026, 2, d, tzinfo=datetime.timezone.utc) for d in (1, 2, 3, 4)])
            tracker.log_aggregate(KEY, n=10, sum=35.0, sum_sq=130.0, arm="video", note="survey")
            tracker.amend(KEY, "a stricter criterion", right_if="no fall of more than 0.2 points")
            tracker.note(KEY, "week one")
            tracker.create(**{**experiment_fields(), "key": "LUONNOS-001", "tags": ["a", "b"]})
        (OUT / "tracker").write_bytes(small(full))
        empty = Path(scratch) / "empty.db"
        kokeilu.open(empty).close()
        (OUT / "empty-tracker").write_bytes(small(empty))
        newer = Path(scratch) / "newer.db"
        newer.write_bytes((OUT / "empty-tracker").read_bytes())
        db = sqlite3.connect(newer)
        db.execute("PRAGMA user_version = 99")
        db.close()
        (OUT / "newer-schema").write_bytes(newer.read_bytes())
        other = Path(scratch) / "other.db"
        db = sqlite3.connect(other)
        db.execute("PRAGMA page_size = 512")
        db.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        db.execute("INSERT INTO notes (text) VALUES ('not a tracker')")
        db.commit()
        db.close()
        (OUT / "other-application").write_bytes(other.read_bytes())
        (OUT / "tracker-log").write_bytes(tracker_log(Path(scratch)))
    (OUT / "zero-bytes").write_bytes(b"")
    (OUT / "text").write_bytes(b"value,arm\n3,control\n")


if __name__ == "__main__":
    main()
