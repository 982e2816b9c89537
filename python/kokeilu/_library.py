"""The learning library: every experiment of a tracker, its own and those imported from other
trackers, as one table — what ``Tracker.search``, the command's ``search`` and the portfolio
report's library section show. The search itself is the core's (``Tracker::search``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from . import _core

if TYPE_CHECKING:
    import pandas as pd

# The columns of the library, in order. ``verdict`` is the judgement the team stands by
# (``Outcome.chosen_verdict``: the amended criterion's when they chose it), the one the search's
# verdict filter reads; ``imported_from`` is the organisation a copy came from, empty for the
# tracker's own experiments.
LIBRARY_COLUMNS = (
    "key",
    "title",
    "organisation",
    "unit",
    "purposes",
    "primary_metric",
    "status",
    "verdict",
    "decision",
    "imported_from",
    "we_learned",
    "therefore",
)


def library_row(e: _core.Experiment) -> dict[str, object]:
    """One experiment as a row of the library (enumerations by their names, None when unset)."""
    outcome = e.outcome
    return {
        "key": e.key,
        "title": e.title,
        "organisation": e.organisation,
        "unit": e.unit,
        "purposes": ", ".join(p.name for p in e.purposes),
        "primary_metric": next((m.name for m in e.metrics if m.role.name == "primary"), ""),
        "status": e.status.name,
        "verdict": None if outcome is None else outcome.chosen_verdict.name,
        "decision": None if outcome is None else outcome.decision.name,
        "imported_from": "" if e.origin is None else e.origin.organisation,
        "we_learned": "" if outcome is None else outcome.learning.we_learned,
        "therefore": "" if outcome is None else outcome.learning.therefore,
    }


def library_frame(experiments: Iterable[_core.Experiment]) -> pd.DataFrame:
    """The experiments as the library's DataFrame, in the order given (a search's ranking); the same
    columns and types with no rows when there are none."""
    import pandas as pd

    frame: pd.DataFrame = pd.DataFrame([library_row(e) for e in experiments], columns=list(LIBRARY_COLUMNS))
    for column in ("key", "title", "organisation", "unit", "purposes", "primary_metric", "imported_from",
                   "we_learned", "therefore"):
        frame[column] = frame[column].astype("str")
    frame["status"] = pd.Categorical(frame["status"], categories=list(_core.Status.__members__))
    frame["verdict"] = pd.Categorical(frame["verdict"], categories=list(_core.Verdict.__members__))
    frame["decision"] = pd.Categorical(frame["decision"], categories=list(_core.Decision.__members__))
    return frame
