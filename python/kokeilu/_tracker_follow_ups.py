"""Follow-ups of a scaled-up change: the Tracker's methods that schedule, list and compare them.

The rules live in the core (kokeilu/follow_up.hpp): conclude schedules the months, the slots and
their due dates are counted there in the tracker's time zone, and whether an effect held, faded or
grew is decided by ``_core.compare_follow_up``. This module converts arguments and makes frames.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from . import _core
from ._core import Experiment, FollowUpEffect, FollowUpSlot
from ._tracker_logging import ExperimentRef, _key

if TYPE_CHECKING:
    import pandas as pd

    from .stats import Analysis

#: The columns of :meth:`FollowUps.due` and :meth:`FollowUps.follow_ups`, in order.
SLOT_COLUMNS = (
    "original",
    "organisation",
    "decided_on",
    "months",
    "due",
    "days_overdue",
    "follow_up",
    "follow_up_status",
)

#: The catalogue keys of those columns' headings, as the command's ``due`` and the report show them.
SLOT_HEADINGS = (
    "follow_up.col_original",
    "col.organisation",
    "follow_up.col_decided",
    "follow_up.col_months",
    "follow_up.col_due",
    "follow_up.col_overdue",
    "follow_up.col_follow_up",
    "col.status",
)


def primary_effect(analysis: Analysis) -> _core.Estimate | None:
    """The effect the verdict is judged on (the primary metric's first comparison), when analysable."""
    metric = analysis.result.verdict.metric
    for comparison in analysis.result.comparisons:
        if comparison.metric == metric:
            return comparison.effect
    return None


def _compared(first: Analysis, second: Analysis) -> FollowUpEffect | None:
    """The follow-up's effect (``second``) against the original's (``first``); None when either
    cannot be analysed."""
    effect_o = primary_effect(first)
    effect_f = primary_effect(second)
    if effect_o is None or effect_f is None:
        return None
    try:
        return _core.compare_follow_up(effect_o, effect_f, first.experiment.primary_metric.direction)
    except _core.InvalidArgumentError:
        return None


def _slots_frame(slots: list[FollowUpSlot]) -> pd.DataFrame:
    import pandas as pd

    rows = [
        {
            "original": s.original_key,
            "organisation": s.organisation,
            "decided_on": s.decided_on,
            "months": s.months,
            "due": s.due,
            "days_overdue": s.days_overdue,
            "follow_up": s.follow_up_key or None,
            "follow_up_status": None if s.follow_up_status is None else s.follow_up_status.name,
        }
        for s in slots
    ]
    # Column by column, so that a missing follow-up stays None (not NaN) and dates stay dates.
    integers = ("months", "days_overdue")
    frame: pd.DataFrame = pd.DataFrame(
        {
            column: pd.Series([row[column] for row in rows], dtype="int64" if column in integers else "object")
            for column in SLOT_COLUMNS
        }
    )
    return frame


def follow_up_rows(tracker: Any, e: Experiment) -> list[dict[str, Any]]:
    """The slots of a concluded experiment (a Tracker's), each with whether its effect held, faded or
    grew and by how much; what ``kokeilu show`` and the experiment's HTML list."""
    if e.outcome is None or not e.outcome.follow_up_months:
        return []
    rows: list[dict[str, Any]] = []
    original: Analysis | None = None  # analysed once, for every slot a follow-up fills
    for row in tracker.follow_ups(e).to_dict("records"):
        found: dict[str, Any] = {str(k): v for k, v in row.items()}
        effect = None
        if found["follow_up"] is not None:
            try:
                if original is None:
                    original = tracker.analyze(e, check=False)
                effect = _compared(original, tracker.analyze(found["follow_up"], check=False))
            except _core.InvalidArgumentError:
                effect = None
        found["persistence"] = None if effect is None else effect.persistence
        found["difference"] = None if effect is None else effect.difference
        found["difference_low"] = None if effect is None else effect.ci_low
        found["difference_high"] = None if effect is None else effect.ci_high
        found["follow_up_effect"] = None if effect is None else effect.follow_up
        found["original_effect"] = None if effect is None else effect.original
        rows.append(found)
    return rows


class FollowUps:
    """The follow-up methods of :class:`kokeilu.Tracker` (documented there)."""

    _core: _core.Tracker

    if TYPE_CHECKING:  # defined by kokeilu.Tracker

        def analyze(self, experiment: ExperimentRef, *, check: bool = True) -> Analysis: ...

    def _day(self, on: datetime.date | datetime.datetime | str | None) -> datetime.date | str | None:
        # An instant is the day it is in the tracker's zone (naive: UTC, as everywhere in the API).
        if isinstance(on, datetime.datetime):
            return self._core.local_date(on)
        return on

    def follow_up(self, original: ExperimentRef, *, months: int, **fields: Any) -> Experiment:
        """Creates the draft of a follow-up of a concluded experiment, ``months`` after its decision.

        ``months`` must be one of the original's scheduled months
        (``original.outcome.follow_up_months``). The draft measures the original's primary metric
        again (same name, kind, direction and minimum effect) with its organisation, unit,
        purposes, design and arms, planned to start on the slot's due date and linked to it as a
        ``follow_up``; any field of :meth:`kokeilu.Tracker.create` given here replaces the copied
        one (a before/after ``design`` and its ``arms``, say, as there is no control group after a
        scale-up). Complete its Test Card and run it as any experiment.
        """
        from ._language import messages
        from ._tracker import apply_changes

        if isinstance(months, bool) or not isinstance(months, int):
            raise TypeError(f"months: expected a whole number, got {type(months).__name__}")
        key = _key(original)
        draft = self._core.follow_up_draft(key, months)
        if "title" not in fields:
            title = self._core.get(key).title
            draft.title = messages()("follow_up.default_title", title=title, count=months)
        apply_changes(draft, fields)
        return self._core.create(draft)

    def follow_ups(
        self, original: ExperimentRef, *, on: datetime.date | datetime.datetime | str | None = None
    ) -> pd.DataFrame:
        """The follow-up slots of a concluded experiment, one row per scheduled month.

        Columns as :meth:`due` has them; ``days_overdue`` counts from ``on`` (default: today in the
        tracker's time zone). The follow-ups linked to it fill its months in the order they start.
        """
        return _slots_frame(self._core.follow_up_slots(_key(original), self._day(on)))

    def due(
        self, on: datetime.date | datetime.datetime | str | None = None, within_days: int = 0
    ) -> pd.DataFrame:
        """The follow-ups due on or before ``on`` + ``within_days`` that no concluded follow-up fills.

        ``on`` is a day (default: today in the tracker's time zone), or an instant, taken as the
        day it is in that zone. One row per slot, by due date: ``original`` (key),
        ``organisation``, ``decided_on``, ``months``, ``due`` (``decided_on`` plus that many
        calendar months, the month's last day where it is shorter), ``days_overdue`` (negative:
        not due yet), ``follow_up`` (the key of the follow-up filling the slot, or None) and
        ``follow_up_status``.
        """
        if isinstance(within_days, bool) or not isinstance(within_days, int):
            raise TypeError(f"within_days: expected a whole number, got {type(within_days).__name__}")
        return _slots_frame(self._core.due(self._day(on), within_days))

    def follow_up_effect(self, original: ExperimentRef, follow_up: ExperimentRef) -> FollowUpEffect | None:
        """Whether the original's effect held, faded or grew at the follow-up, or None.

        Both are analysed; their primary effects (on the original's primary metric, oriented so
        that larger is better) are compared by the difference of the two estimates, with standard
        error sqrt(se_f² + se_o²), at the original's confidence (Altman & Bland 2003): ``grew``
        when its interval lies above 0, ``faded`` below 0, ``held`` when neither and the
        follow-up's own interval excludes no effect, else ``unclear``. None when either effect
        cannot be analysed (no data yet).
        """
        return _compared(self.analyze(original, check=False), self.analyze(follow_up, check=False))
