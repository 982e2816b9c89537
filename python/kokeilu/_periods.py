"""The periods by which the plots and the cumulative effect group observations: one set of names
for every function and every pandas version ("day", "week", "month", "hour", or a pandas alias of
either generation: "D", "W", "M", "ME", "MS", "h", "H", with a multiple such as "2D").

A period is shown by its start: a day by its date, a week (Monday to Sunday, as ISO 8601 counts
weeks) by its Monday, a month by its first day. pandas itself labels resampled weeks and months
by their end ("W", "ME") but periods by their start; kokeilu uses the start everywhere.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ._checks import invalid

# Names of the same period in the two generations of pandas aliases (pandas 2.2 renamed the
# resampling "M" to "ME", while periods kept "M") and in words.
_CANONICAL = {
    "day": "D", "d": "D", "D": "D",
    "week": "W", "w": "W", "W": "W", "W-SUN": "W",
    "month": "M", "m": "M", "M": "M", "ME": "M", "MS": "M",
    "hour": "h", "h": "h", "H": "h",
}
_MULTIPLE = re.compile(r"^\s*(\d*)\s*([A-Za-z-]+)\s*$")
_NAMES = "day, week, month, hour (D, W, M, h; ME and MS are months too)"


def period_alias(freq: Any, field: str = "freq") -> str:
    """The pandas period alias of ``freq`` ("2D", "W", "M"); refuses what is no period of time."""
    match = _MULTIPLE.match(freq) if isinstance(freq, str) else None
    alias = None
    if match:
        multiple, name = match.groups()
        base = _CANONICAL.get(name)
        if base is not None and multiple != "0":
            alias = f"{multiple if multiple not in ('', '1') else ''}{base}"
    if alias is None:
        invalid(field, "input.unknown_period", value=repr(freq), known=_NAMES)
    return alias


def period_kind(alias: str) -> str | None:
    """"day", "week" or "month" for a period of exactly one of those, else None."""
    return {"D": "day", "W": "week", "M": "month"}.get(alias)


def period_starts(times: Any, alias: str) -> pd.DatetimeIndex:
    """The start of the period each time (UTC, numpy datetime64) falls in."""
    starts: pd.DatetimeIndex = pd.PeriodIndex(pd.DatetimeIndex(times), freq=alias).to_timestamp(how="start")
    return starts
