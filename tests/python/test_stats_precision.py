"""The spread of values far from zero (1e12 plus a spread of 1) is exact to 1e-9 relative: in a
summary of an array, in the running summary the store merges write by write, in the summary a scan
of the rows makes ("as it stood at"), and after the file is closed and opened again.

The reference is Python's statistics.variance, which computes with exact fractions."""

from __future__ import annotations

import datetime
import math
import statistics
from pathlib import Path

import numpy as np
import pytest

import kokeilu
from kokeilu import stats

START = datetime.datetime(2025, 1, 14, 9, tzinfo=datetime.timezone.utc)
LATER = datetime.datetime(2099, 1, 1, tzinfo=datetime.timezone.utc)


def _far_from_zero(count: int, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    return [float(x) for x in 1e12 + rng.normal(0.0, 1.0, count)]


def _relative(have: float, want: float) -> float:
    return abs(have - want) / abs(want)


def test_a_summary_of_an_array_far_from_zero() -> None:
    values = _far_from_zero(20_000, 20261207)
    s = stats.summarize(values)
    assert _relative(s.variance, statistics.variance(values)) < 1e-9
    assert _relative(s.sd, statistics.stdev(values)) < 1e-9
    # The mean to the last digit a double holds at 1e12.
    assert abs(s.mean - statistics.fmean(values)) <= 2 * math.ulp(1e12)


@pytest.mark.parametrize("batch", [1, 7, 250])
def test_running_and_scanned_summaries_far_from_zero(tmp_path: Path, home_care_fields, batch: int) -> None:
    values = _far_from_zero(1_500, 7 + batch)
    arms = ["control" if i % 3 else "video" for i in range(len(values))]
    path = tmp_path / "kaukana.db"
    with kokeilu.open(path) as t:
        e = t.start(t.create(**home_care_fields()), on=datetime.date(2025, 1, 13))
        for first in range(0, len(values), batch):
            part = slice(first, first + batch)
            if batch == 1:
                t.log(e, values[first], arm=arms[first], at=START)
            else:
                t.log_many(e, values[part], arm=arms[part], at=START)
        running = t.summaries(e)["sense_of_security"]
        scanned = t.summaries(e, until=LATER)["sense_of_security"]
    with kokeilu.open(path) as t:
        reopened = t.summaries(e)["sense_of_security"]
        assert t.verify().ok
    for arm in ("control", "video"):
        want = statistics.variance([v for v, a in zip(values, arms) if a == arm])
        for where, summaries in (("running", running), ("scanned", scanned), ("reopened", reopened)):
            assert _relative(summaries[arm].variance, want) < 1e-9, (arm, where)
