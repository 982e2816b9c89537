"""atheris target: the CSV import (kokeilu import). Any bytes as a CSV file must be refused with a
report (Rejected, or UserError for an unreadable file) or be imported whole in one transaction:
the row count grows by exactly the number of rows checked, or not at all. Never another exception.

python tests/fuzz/fuzz_csv_import.py [libFuzzer options] [corpus dirs]
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import atheris
import numpy  # noqa: F401 - imported before instrumenting: only kokeilu's own code is instrumented
import pandas  # noqa: F401

with atheris.instrument_imports(include=["kokeilu"]):
    import kokeilu
    from kokeilu.cli import csv_import
    from kokeilu.cli.i18n import Messages
    from kokeilu.cli.values import UserError

sys.path.insert(0, str(Path(__file__).parents[1] / "reliability"))
from writer import KEY, prepare  # noqa: E402

MESSAGES = Messages("en")
SCRATCH = Path(tempfile.mkdtemp(prefix="kokeilu-fuzz-csv-"))
CSV = SCRATCH / "rows.csv"
TRACKER = kokeilu.open(":memory:")
prepare(TRACKER)


def test_one_input(data: bytes) -> None:
    CSV.write_bytes(data)
    for backfill in (False, True):
        experiment = TRACKER.get(KEY)
        before = TRACKER.count_observations(KEY)
        importer = csv_import.Importer(MESSAGES, experiment, metric="", backfill=backfill)
        try:
            checked = importer.check(str(CSV))
        except (csv_import.Rejected, UserError):
            assert TRACKER.count_observations(KEY) == before
            continue
        try:
            written = csv_import.write(TRACKER, KEY, checked, backfill=backfill, msgs=MESSAGES)
        except csv_import.Rejected:
            assert TRACKER.count_observations(KEY) == before
            continue
        assert written == len(checked.frame)
        assert TRACKER.count_observations(KEY) == before + written


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    try:
        atheris.Fuzz()
    finally:
        for path in SCRATCH.iterdir():
            path.unlink()
        os.rmdir(SCRATCH)


if __name__ == "__main__":
    main()
