"""What a tracker has received from other municipalities: the copies it imported, from whom and
at which privacy level (docs/sharing.md)::

    import kokeilu.sharing

    kokeilu.sharing.imports_frame(tracker)                     # one row per imported copy

An experiment's replications and their meta-analysis are the tracker's own
(:meth:`kokeilu.Tracker.replications`, :meth:`kokeilu.Tracker.meta_analysis`).
pandas is imported when a function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import _core

if TYPE_CHECKING:
    import pandas as pd

    from ._tracker import Tracker
    from ._tracker_logging import ExperimentRef

__all__ = ["IMPORT_COLUMNS", "imports_frame", "privacy_level"]

#: The columns of :func:`imports_frame`.
IMPORT_COLUMNS = ("key", "title", "organisation", "exporter", "level", "imported_at", "rows")


def privacy_level(tracker: Tracker, experiment: ExperimentRef) -> str:
    """The privacy level an imported copy came at: ``cards`` (no rows), ``aggregate`` (weekly sums
    only) or ``units`` (a value a row), as its bundle said (``Experiment.origin.privacy``); for a
    copy brought through a door that did not say, as its rows show it."""
    copy = experiment if isinstance(experiment, _core.Experiment) else tracker.get(experiment)
    origin = copy.origin
    if origin is not None and origin.privacy:
        return origin.privacy
    rows = tracker.count_observations(experiment)
    if rows == 0:
        return "cards"
    values = tracker.observations(experiment)["value"]
    return "aggregate" if values.isna().all() else "units"


def imports_frame(tracker: Tracker) -> pd.DataFrame:
    """One row per copy imported from another tracker, oldest import first: its key and title, the
    organisation and person who exported it, the privacy level, when it was imported (UTC) and its
    rows (units, or weekly cells at the aggregate level)."""
    import pandas as pd

    rows: list[dict[str, Any]] = []
    for e in tracker.experiments():
        origin = e.origin
        if origin is None:
            continue
        rows.append({
            "key": e.key, "title": e.title, "organisation": origin.organisation, "exporter": origin.exporter,
            "level": privacy_level(tracker, e), "imported_at": pd.Timestamp(origin.imported_at),
            "rows": tracker.count_observations(e),
        })
    frame = pd.DataFrame(rows, columns=list(IMPORT_COLUMNS))
    ordered: pd.DataFrame = frame.sort_values(["imported_at", "key"], kind="stable").reset_index(drop=True)
    return ordered
