"""How parts of an experiment are shown to a person, the same in the command, the notebook
displays, the report and the plots."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._core import Arm, Experiment, Metric
    from ._tracker import Tracker
    from .cli.i18n import Messages


def shown_name(metric: Metric) -> str:
    """The name a person reads of a metric: its label ("valmis ensimmäisellä kerralla") when it
    has one, else its identifier. Sentences, tables and plots use it; observations name the
    metric by its identifier."""
    return metric.label or metric.name


def shown_metric_name(experiment: Experiment, name: str) -> str:
    """The name a person reads of the metric the identifier ``name`` names in ``experiment`` (as
    it is now, else as locked); ``name`` itself when no metric has it (one removed since)."""
    for metric in (*experiment.metrics, *experiment.as_locked().metrics):
        if metric.name == name:
            return shown_name(metric)
    return name


def planned_share(msgs: Messages, arms: Sequence[Arm], arm: Arm) -> str:
    """An arm's planned share as given and as a percentage of all the arms' ("2 (66,7 %)"); ''
    when the arms have no planned shares (equal shares)."""
    if arm.share is None:
        return ""
    total = sum(a.share for a in arms if a.share is not None)
    return f"{msgs.number(arm.share)} ({msgs.percent(arm.share / total)})"


def has_planned_shares(arms: Sequence[Arm]) -> bool:
    return any(a.share is not None for a in arms)


def finder(tracker: Tracker) -> Callable[[str], Experiment | None]:
    """Finds an experiment of ``tracker`` by UUID, None when the tracker does not hold it."""
    from ._core import NotFoundError

    def find(uuid: str) -> Experiment | None:
        try:
            return tracker.get(uuid)
        except NotFoundError:
            return None

    return find


def link_texts(msgs: Messages, experiment: Experiment, find: Callable[[str], Experiment | None] | None = None) -> list[str]:
    """The experiment's links as a person reads them: "replicates OULU-2025-001 (Oulu)". With
    ``find`` (see :func:`finder`) the other experiment is named by its key and organisation, or
    said to be elsewhere; without it by its UUID."""
    texts = []
    for link in experiment.links:
        other = None if find is None else find(link.of)
        if other is not None:
            named = msgs("links.known", key=other.key, organisation=other.organisation)
        else:
            named = link.of if find is None else msgs("links.unknown", uuid=link.of)
        texts.append(msgs(f"links.{link.kind.name}", other=named))
    return texts
