"""Another process holding a tracker's write lock, as a long bulk write does, until told to finish."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

PATIENCE = 120  # seconds before a step that should come is taken as never coming

# Takes the write lock, says so, holds it until told on stdin, then commits a row of its own.
_HOLDER = """
    import sqlite3, sys
    db = sqlite3.connect(sys.argv[1], isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO journal (experiment_id, at_us, author, text) VALUES (1, 0, 'holder', 'bulk write')")
    print("holding", flush=True)
    sys.stdin.readline()
    db.execute("COMMIT")
    print("released", flush=True)
"""


class Holder:
    def __init__(self, db: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_HOLDER), str(db)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "holding"

    def release(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write("go\n")
        self.process.stdin.close()
        assert self.process.stdout.readline().strip() == "released"
        self.process.stdout.close()
        assert self.process.wait(timeout=PATIENCE) == 0
