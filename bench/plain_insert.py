"""The peer of the whole-process `kokeilu log` row: a plain Python process that opens the tracker
file with the sqlite3 module and inserts one row in a transaction, nothing else.

    python plain_insert.py DB METRIC_ID ARM_ID VALUE

Only the standard library is imported (not bench/cases.py, which imports numpy), so the process
costs what the simplest script writing one value costs: the interpreter's start, sqlite3, one
transaction.
"""

import sqlite3
import sys
import time

path, metric_id, arm_id, value = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
# The connection settings kokeilu uses (as bench/cases.py's open_raw).
con = sqlite3.connect(path, isolation_level=None)
con.execute("PRAGMA foreign_keys = ON")
con.execute("PRAGMA journal_mode = WAL")
con.execute("PRAGMA synchronous = NORMAL")
con.execute("BEGIN IMMEDIATE")
con.execute(
    "INSERT INTO observations (metric_id, arm_id, at_us, value, exposure) VALUES (?, ?, ?, ?, NULL)",
    (metric_id, arm_id, time.time_ns() // 1000, value),
)
con.execute("COMMIT")
con.close()
