"""The replications of an experiment and their meta-analysis: the bridge between the links of
experiments (which the core follows, ``Tracker.replications`` in C++) and the meta-analysis of
:mod:`kokeilu._stats_meta`.

The core finds the set: the experiment and every experiment of the tracker (its own and imported
copies) linked to it as a replication, in either direction and transitively, with adaptations and
follow-ups beside. This module takes each one's effect on one metric as :meth:`Tracker.analyze`
gives it and decides which effects may be pooled: a concluded replication whose metric has the
same kind and effect scale as the experiment's and whose comparison has enough data. Every other
experiment is listed with the reason it is not pooled (docs/sharing.md).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from ._checks import invalid
from ._core import Experiment, Metric, Status
from ._language import messages
from ._stats_meta import MetaAnalysis, meta_analysis
from ._tracker_logging import _key

if TYPE_CHECKING:
    from ._tracker import Tracker
    from ._tracker_logging import ExperimentRef

#: The columns of :meth:`Tracker.replications`, in order.
COLUMNS = (
    "key", "uuid", "organisation", "imported", "relation", "status", "metric", "arm", "reference", "n_reference",
    "n_arm", "estimate", "std_error", "ci_low", "ci_high", "verdict", "pooled", "reason_code", "reason",
)


@dataclasses.dataclass(frozen=True)
class Replications:
    """An experiment's replications on one metric: ``frame`` (the columns of :data:`COLUMNS`, one
    row per experiment: the set first, then the adaptations and follow-ups, then links to
    experiments not held here) and the name of the ``metric``."""

    key: str
    metric: str
    frame: pd.DataFrame

    def pooled(self) -> pd.DataFrame:
        """The rows whose effects are pooled."""
        chosen: pd.DataFrame = self.frame[self.frame["pooled"]].reset_index(drop=True)
        return chosen

    def meta_analysis(self, *, method: str = "reml", alpha: float = 0.05) -> MetaAnalysis:
        """The meta-analysis of the pooled effects, labelled by organisation and key;
        InvalidArgumentError ("experiment") below two."""
        pooled = self.pooled()
        if len(pooled) < 2:
            invalid("experiment", "stats.meta.too_few_pooled", key=self.key, k=len(pooled), metric=self.metric)
        labels = [f"{org} ({key})" for org, key in zip(pooled["organisation"], pooled["key"])]
        return meta_analysis(pooled["estimate"], pooled["std_error"], labels=labels, alpha=alpha, method=method)


def _chosen_metric(experiment: Experiment, name: str | None) -> Metric:
    if name is None:
        return next(m for m in experiment.metrics if m.role.name == "primary")
    for m in experiment.metrics:
        if m.name == name:
            return m
    invalid("metric", "input.unknown_metric", name=name, known=", ".join(m.name for m in experiment.metrics))


def _row(experiment: Experiment, relation: str) -> dict[str, Any]:
    outcome = experiment.outcome
    return {
        "key": experiment.key, "uuid": experiment.uuid, "organisation": experiment.organisation,
        "imported": experiment.origin is not None, "relation": relation, "status": experiment.status.name,
        "metric": "", "arm": "", "reference": "", "n_reference": 0, "n_arm": 0,
        "estimate": math.nan, "std_error": math.nan, "ci_low": math.nan, "ci_high": math.nan,
        "verdict": "" if outcome is None else outcome.verdict.name, "pooled": False, "reason_code": "",
    }


def _effect(tracker: Tracker, experiment: Experiment, metric: Metric, row: dict[str, Any]) -> bool:
    """Fills the row with the experiment's effect on ``metric`` as analyze() gives it (the first
    comparison of the metric, the one a verdict is based on); False without enough data."""
    if experiment.status == Status.draft:
        return False
    analysis = tracker.analyze(experiment)
    rows = analysis.comparisons[analysis.comparisons["metric"] == metric.name]
    if rows.empty:
        return False
    c = rows.iloc[0]
    summaries = analysis.summaries[analysis.summaries["metric"] == metric.name].set_index("arm")["n"]
    row.update(
        metric=metric.name, arm=str(c["arm"]), reference=str(c["reference"]),
        n_reference=int(summaries.get(str(c["reference"]), 0)), n_arm=int(summaries.get(str(c["arm"]), 0)),
        estimate=float(c["estimate"]), std_error=float(c["std_error"]), ci_low=float(c["ci_low"]),
        ci_high=float(c["ci_high"]),
    )
    se = row["std_error"]
    return bool(c["status"] == "ok" and math.isfinite(row["estimate"]) and math.isfinite(se) and se > 0)


def _judge(tracker: Tracker, experiment: Experiment, relation: str, wanted: Metric) -> dict[str, Any]:
    """The row of one experiment, with the reason its effect is not pooled ("" when it is)."""
    row = _row(experiment, relation)
    metric = next((m for m in experiment.metrics if m.name == wanted.name), None)
    enough = metric is not None and _effect(tracker, experiment, metric, row)
    if relation != "replication":
        row["reason_code"] = relation
    elif metric is None:
        row["reason_code"] = "no_metric"
    elif (metric.kind, metric.effect_scale) != (wanted.kind, wanted.effect_scale):
        row["reason_code"] = "other_effect"
    elif experiment.status != Status.concluded:
        row["reason_code"] = "not_concluded"
    elif not enough:
        row["reason_code"] = "not_enough_data"
    else:
        row["pooled"] = True
    return row


def replications(tracker: Tracker, experiment: ExperimentRef, metric: str | None = None,
                 *, lang: str | None = None) -> Replications:
    """The experiment's replication set on ``metric`` (its primary metric by default), each with
    its effect and whether it is pooled; see :meth:`kokeilu.Tracker.replications`."""
    found = tracker._core.replications(_key(experiment))
    first = found.replications[0]
    wanted = _chosen_metric(first, metric)
    rows = [_judge(tracker, e, "replication", wanted) for e in found.replications]
    rows += [_judge(tracker, r.experiment, r.kind.name, wanted) for r in found.related]
    for link in found.elsewhere:
        row = {name: "" for name in COLUMNS} | {
            "uuid": link.of, "key": link.of, "imported": False, "relation": link.kind.name, "n_reference": 0,
            "n_arm": 0, "estimate": math.nan, "std_error": math.nan, "ci_low": math.nan, "ci_high": math.nan,
            "pooled": False, "reason_code": "elsewhere",
        }
        rows.append(row)
    msgs = messages(lang)
    for row in rows:
        code = row["reason_code"]
        row["reason"] = msgs(f"replications.reason.{code}", metric=wanted.name) if code else ""
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["imported"] = frame["imported"].astype(bool)
    frame["pooled"] = frame["pooled"].astype(bool)
    for column in ("n_reference", "n_arm"):
        frame[column] = frame[column].astype("int64")
    for column in ("estimate", "std_error", "ci_low", "ci_high"):
        frame[column] = frame[column].astype("float64")
    return Replications(key=first.key, metric=wanted.name, frame=frame)
