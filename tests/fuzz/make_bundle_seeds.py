"""Writes the seed corpus of fuzz_bundle: one small bundle at each privacy level.

python tests/fuzz/make_bundle_seeds.py
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path

import kokeilu

OUT = Path(__file__).parent / "corpus" / "fuzz_bundle"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, kokeilu.open(str(Path(scratch) / "t.db")) as t:
        e = t.create(
            key="OULU-2025-001", title="Video visits", organisation="Oulu", we_believe="a", to_verify="b",
            and_measure="c", right_if="d", purposes=["wellbeing"], arms={"control": "control", "video": "treatment"},
            metrics=[kokeilu.Metric("security", kind="mean", minimum_effect=0.3)],
        )
        t.start(e, on=datetime.date(2025, 3, 3))
        for i in range(12):
            t.log(e, 3.0 + i % 3, arm=("control", "video")[i % 2], subject=f"s{i}",
                  at=datetime.datetime(2025, 3, 4 + i % 6, 9, tzinfo=datetime.timezone.utc), backfill=True)
        t.note(e, "first week", author="Aino")
        for level in ("cards", "aggregate", "units"):
            t.export_bundle(e, OUT / f"{level}.kokeilu", level=level, journal=True, min_cell_size=2,
                            secrets_dir=Path(scratch) / "secrets")


if __name__ == "__main__":
    main()
