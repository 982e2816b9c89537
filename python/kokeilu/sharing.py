"""What a tracker has learned from other municipalities: the copies it imported from whom, and
the meta-analysis of an experiment's replications (docs/sharing.md)::

    import kokeilu.sharing

    kokeilu.sharing.imports_frame(tracker)                     # one row per imported copy
    meta = kokeilu.sharing.replication_meta_analysis(tracker, "OULU-2026-005")
    kokeilu.plots.forest(meta)

pandas and the statistics are imported when a function is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ._core import Experiment
    from ._stats_meta import MetaAnalysis
    from ._tracker import Tracker
    from ._tracker_logging import ExperimentRef

__all__ = ["IMPORT_COLUMNS", "imports_frame", "privacy_level", "replication_effects", "replication_meta_analysis",
           "replications"]

#: The columns of :func:`imports_frame`.
IMPORT_COLUMNS = ("key", "title", "organisation", "exporter", "level", "imported_at", "rows")


def privacy_level(tracker: Tracker, experiment: ExperimentRef) -> str:
    """The privacy level an imported copy came at, as its rows show it: ``cards`` (no rows),
    ``aggregate`` (weekly sums only) or ``units`` (a value a row)."""
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


def replications(tracker: Tracker, experiment: ExperimentRef) -> list[Experiment]:
    """The experiment that was replicated (``experiment`` itself, or the one it replicates) and
    every experiment of the tracker linked to it as a ``replication``, the original first."""
    e = tracker.get(experiment)
    original_uuid = next((link.of for link in e.links if link.kind.name == "replication"), e.uuid)
    found = [x for x in tracker.experiments()
             if x.uuid == original_uuid or any(link.kind.name == "replication" and link.of == original_uuid
                                               for link in x.links)]
    return sorted(found, key=lambda x: (x.uuid != original_uuid, x.key))


def _effect_from_summaries(tracker: Tracker, e: Experiment) -> tuple[float, float] | None:
    """A two-arm proportion's effect (treatment minus control) and its standard error from the
    arms' summaries, by the score method the analysis uses (``stats.score_difference``); None for
    any other metric or design.

    Why: the analysis of an imported copy matches the criterion locked at start to the copy's arms
    and metrics by their ids, which are those of the exporter's file, so in a file where the copy's
    ids differ it finds the locked primary metric "removed" (docs/sharing.md, "Not yet"). Until the
    core matches them otherwise, this gives the same numbers from the copy's rows."""
    from . import stats

    metric = e.primary_metric
    roles = {arm.name: arm.role.name for arm in e.arms}
    if metric.kind.name != "proportion" or sorted(roles.values()) != ["control", "treatment"]:
        return None
    summaries = tracker.summaries(e).get(metric.name, {})
    by_role = {roles[name]: summary for name, summary in summaries.items() if name in roles}
    if set(by_role) != {"control", "treatment"}:
        return None
    treatment, control = by_role["treatment"], by_role["control"]
    result = stats.score_difference((round(treatment.mean * treatment.n), treatment.n),
                                    (round(control.mean * control.n), control.n))
    return result.estimate, result.std_error


def replication_effects(tracker: Tracker, experiment: ExperimentRef) -> pd.DataFrame:
    """Each replication's effect on the original's primary metric, from its own analysis: one row
    per replication (``key``, ``label`` — its organisation —, ``estimate``, ``std_error``), the
    original first. Replications with another primary metric (name or kind) are left out, as
    effects on different metrics are not one effect, and so are those without an effect yet (a
    copy imported at the ``cards`` level, a draft). For an imported two-arm proportion whose
    analysis cannot place its locked primary metric, the effect comes from its arms' summaries
    by the same score method (see ``_effect_from_summaries``)."""
    import math

    import pandas as pd

    found = replications(tracker, experiment)
    metric = found[0].primary_metric
    rows: list[dict[str, Any]] = []
    for e in found:
        primary = e.primary_metric
        if primary.name != metric.name or primary.kind != metric.kind or tracker.count_observations(e) == 0:
            continue
        comparisons = tracker.analyze(e).comparisons
        chosen = comparisons[comparisons["metric"] == primary.name]
        effect = (float(chosen["estimate"].iloc[0]), float(chosen["std_error"].iloc[0])) if len(chosen) else None
        if e.origin is not None and (effect is None or not math.isfinite(effect[0])):
            effect = _effect_from_summaries(tracker, e)
        if effect is not None and math.isfinite(effect[0]) and math.isfinite(effect[1]) and effect[1] > 0:
            rows.append({"key": e.key, "label": e.organisation or e.key, "estimate": effect[0], "std_error": effect[1]})
    frame: pd.DataFrame = pd.DataFrame(rows, columns=["key", "label", "estimate", "std_error"])
    if frame["label"].duplicated().any():
        frame["label"] = frame["label"] + " (" + frame["key"] + ")"
    return frame


def replication_meta_analysis(tracker: Tracker, experiment: ExperimentRef, **options: Any) -> MetaAnalysis:
    """The meta-analysis (:func:`kokeilu.stats.meta_analysis`, ``options`` passed on) of the
    experiment's replications in this tracker (:func:`replication_effects`), labelled by
    organisation. Fewer than two with an effect are refused by the meta-analysis."""
    from . import stats

    effects = replication_effects(tracker, experiment)
    return stats.meta_analysis(effects["estimate"], effects["std_error"], labels=list(effects["label"]), **options)
