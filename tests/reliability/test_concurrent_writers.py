"""Four processes write to one tracker file at once: two shell loops of the `kokeilu log` command
and two Python writers (writer.py: single rows, bulk log_many and log_aggregates, amendments,
notes), for KOKEILU_CONCURRENCY_SECONDS (default 20). Meanwhile this process reads the file
through kokeilu, read-only, again and again.

No "database is locked" (or any other) error reaches a writer; at the end every acknowledged
write is in the file exactly once; and every snapshot the reader saw was consistent: the counts
never went down, and no bulk write was ever half visible.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import kokeilu
from ledger import Ledger, check
from writer import KEY, prepare

HERE = Path(__file__).parent
SECONDS = float(os.environ.get("KOKEILU_CONCURRENCY_SECONDS", "20"))

# A `kokeilu log` loop that keeps the writer.py acknowledgement format: "begin" before the
# command, "ok" after it succeeded; a failing command stops the loop with its message.
_CLI_LOOP = r"""
set -u
db=$1 acks=$2 tag=$3 base=$4 seconds=$5
i=$base
end=$((SECONDS + seconds))
while [ "$SECONDS" -lt "$end" ]; do
  i=$((i + 1))
  arm=control; [ $((i % 2)) -eq 0 ] && arm=video
  echo "begin single $i 1 $tag" >> "$acks"
  if ! out=$($KOKEILU --db "$db" --lang en log KESTO-001 4 --arm "$arm" --subject "$tag-$i" 2>&1); then
    echo "kokeilu log failed: $out" >&2
    exit 1
  fi
  echo "ok single $i 1 $tag" >> "$acks"
done
"""


def _snapshot(tracker: kokeilu.Tracker) -> tuple[int, dict[float, int], dict[float, int]]:
    """One read of the primary metric: row count, and the rows of each bulk write by its id."""
    frame = tracker.observations(KEY)
    unit = frame[(frame["n"] == 0) & (frame["subject"] == "") & (frame["note"] == "")]
    aggregated = frame[(frame["n"] > 0) & (frame["note"] == "")]
    return (
        len(frame),
        collections.Counter(unit["value"].to_numpy(dtype=np.float64).tolist()),
        collections.Counter(aggregated["sum"].to_numpy(dtype=np.float64).tolist()),
    )


def test_four_writers_and_a_reader(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with kokeilu.open(db) as tracker:
        prepare(tracker)

    # The installed `kokeilu` command beside this interpreter, as a user runs it.
    script = Path(sys.executable).with_name("kokeilu")
    command = str(script) if script.exists() else f"{sys.executable} -m kokeilu"
    env = {**os.environ, "KOKEILU": command, "KOKEILU_DB": str(db)}
    acks = {tag: tmp_path / f"{tag}.acks" for tag in ("p1", "p2", "c1", "c2")}
    processes = {
        tag: subprocess.Popen(
            [sys.executable, str(HERE / "writer.py"), "run", str(db), str(acks[tag]), tag, str(seed),
             str(base), str(SECONDS)],
            cwd=HERE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for tag, seed, base in (("p1", 1, 1_000_000_000), ("p2", 2, 2_000_000_000))
    }
    for tag, base in (("c1", 3_000_000_000), ("c2", 4_000_000_000)):
        processes[tag] = subprocess.Popen(
            ["bash", "-c", _CLI_LOOP, "cli-loop", str(db), str(acks[tag]), tag, str(base), str(round(SECONDS))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )

    # The reader: one kokeilu read of all rows at a time; each must be a consistent snapshot.
    snapshots = 0
    problems: list[str] = []
    last_count = 0
    seen_bulk: set[float] = set()
    with kokeilu.open(db, read_only=True) as reader:
        while any(p.poll() is None for p in processes.values()):
            count, bulk, aggregated = _snapshot(reader)
            snapshots += 1
            if count < last_count:
                problems.append(f"snapshot {snapshots}: {count} rows after {last_count}")
            last_count = count
            # The sizes of the bulk writes, from the writers' "begin" lines: a bulk write is begun
            # (and its line written) before any of its rows can be seen.
            ledger = Ledger()
            ledger.read(acks.values())
            for groups, op in ((bulk, "bulk"), (aggregated, "aggbulk")):
                for number, rows in groups.items():
                    write = ledger.writes.get(int(number))
                    if write is None or write.op != op or write.rows != rows:
                        expected = "an unknown write" if write is None else f"{write.rows} rows"
                        problems.append(f"snapshot {snapshots}: {op} {int(number)} shows {rows} rows, "
                                        f"expected {expected}")
                    seen_bulk.add(number)
            time.sleep(0.05)

    outputs = {tag: p.communicate() for tag, p in processes.items()}
    for tag, process in processes.items():
        out, err = outputs[tag]
        assert "locked" not in (out + err).lower(), f"{tag} saw a locking error: {err[-2000:]}"
        assert process.returncode == 0, f"{tag} failed: {err[-2000:]}"
    assert not problems, "; ".join(problems[:10])

    ledger = Ledger()
    ledger.read(acks.values())
    unfinished = [w for w in ledger.writes.values() if not w.acknowledged]
    assert not unfinished, f"writes begun but never acknowledged: {unfinished[:5]}"
    final = check(db, ledger)
    assert not final, "; ".join(final[:10])

    # Every writer got its writes in while the others were writing.
    by_tag = collections.Counter(w.tag for w in ledger.writes.values())
    assert all(by_tag[tag] > 0 for tag in acks), by_tag
    assert snapshots >= 10 and seen_bulk, (snapshots, len(seen_bulk))
    print(f"{sum(by_tag.values())} writes {dict(by_tag)}; {snapshots} snapshots read, {len(seen_bulk)} bulk "
          f"writes seen whole")
