"""Plots with matplotlib: a metric over time, and the portfolio.

Every function draws on the ``ax`` it is given (or on a new figure) and returns the Axes, so
that plots combine into one figure and can be adjusted afterwards::

    import matplotlib.pyplot as plt
    from kokeilu import plots

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    plots.metric_over_time(tracker, "OULU-2025-001", ax=left)
    plots.verdicts_by(tracker, "organisation", ax=right)

matplotlib is an optional dependency (``pip install kokeilu[notebook]``); it is imported when
this module is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from . import portfolio
from ._core import Experiment, Metric
from ._tracker import ExperimentRef, Tracker
from .portfolio import Source

__all__ = [
    "STATUS_COLOURS",
    "VERDICT_COLOURS",
    "cost_per_experiment",
    "cost_per_supported",
    "daily_values",
    "experiments_by_status",
    "metric_over_time",
    "portfolio_figure",
    "time_to_decision",
    "verdicts_by",
    "verdicts_by_organisation",
    "verdicts_by_purpose",
]

#: One colour per status and per verdict, the same in every plot.
STATUS_COLOURS = {"draft": "#b0b7c3", "running": "#3b82c4", "stopped": "#e0a030", "concluded": "#4a4a4a"}
VERDICT_COLOURS = {"supported": "#2e8b57", "refuted": "#c0392b", "inconclusive": "#9aa0a6"}
_REFERENCE_ROLES = ("control", "before", "group")
# Legends of bar charts go to the right of the axes, where they never hide a bar.
_OUTSIDE: dict[str, Any] = {"loc": "upper left", "bbox_to_anchor": (1.01, 1.0), "fontsize": "small"}


def _axes(ax: Axes | None, size: tuple[float, float] = (8.0, 4.5)) -> Axes:
    if ax is not None:
        return ax
    _, created = plt.subplots(figsize=size, layout="constrained")
    return created


def _metric(experiment: Experiment, name: str) -> Metric:
    return experiment.metric(name) if name else experiment.primary_metric


# -- a metric over time ---------------------------------------------------------------------


def daily_values(tracker: Tracker, experiment: ExperimentRef, *, metric: str = "", freq: str = "D") -> pd.DataFrame:
    """The metric per arm and period (default a UTC day): one row per (arm, period) with ``n``
    (units or trials), ``total`` (sum of values, successes or events), ``exposure`` and ``value``
    (the mean or share; for a count metric the rate per unit of exposure).

    Unit-level and pre-aggregated rows are combined: an aggregate counts as its ``n`` units.
    """
    e = tracker.get(experiment)
    m = _metric(e, metric)
    arrays = tracker.observation_arrays(e, metric=m.name)
    unit_level = ~np.isnan(arrays.value)
    n = np.where(unit_level, 1, arrays.n).astype(np.float64)
    total = np.where(unit_level, arrays.value, arrays.sum)
    exposure = np.where(np.isnan(arrays.exposure), n, arrays.exposure)
    frame = pd.DataFrame(
        {
            "arm": pd.Categorical.from_codes(arrays.arm_codes, categories=pd.Index(arrays.arm_names)),
            "period": pd.to_datetime(arrays.at).floor("D") if freq == "D" else pd.to_datetime(arrays.at),
            "n": n,
            "total": total,
            "exposure": exposure,
        }
    )
    grouped = frame.groupby(["arm", pd.Grouper(key="period", freq=freq)], observed=True)
    result = grouped[["n", "total", "exposure"]].sum().reset_index()
    result = result[result["n"] > 0]
    denominator = result["exposure"] if m.kind.name == "count" else result["n"]
    result["value"] = result["total"] / denominator
    result["n"] = result["n"].astype(np.int64)
    tidy: pd.DataFrame = result.reset_index(drop=True)
    return tidy


def _reference(experiment: Experiment, metric: Metric, daily: pd.DataFrame) -> tuple[float | None, str]:
    """The level the effect is measured from: the metric's baseline, else the reference arm's
    (control, before, or the only group) overall level."""
    if metric.baseline is not None:
        return float(metric.baseline), "baseline"
    reference = next((a.name for a in experiment.arms if a.role.name in _REFERENCE_ROLES), None)
    rows = daily[daily["arm"] == reference]
    if reference is None or rows.empty:
        return None, ""
    denominator = rows["exposure"].sum() if metric.kind.name == "count" else rows["n"].sum()
    return float(rows["total"].sum() / denominator), f"{reference} level"


def metric_over_time(
    tracker: Tracker,
    experiment: ExperimentRef,
    *,
    metric: str = "",
    freq: str = "D",
    ax: Axes | None = None,
) -> Axes:
    """The metric per arm or period over time (daily by default), with the baseline and the band
    of the minimum worthwhile effect.

    The reference level is the metric's baseline, or when it has none the overall level of the
    control arm (before period, or only group). For a primary or secondary metric the shaded band
    runs from that level to the minimum worthwhile effect in the better direction (a change inside
    it is too small to be worth having); for a guardrail it runs to the largest acceptable
    worsening. A relative effect is taken relative to the reference level.
    """
    e = tracker.get(experiment)
    m = _metric(e, metric)
    daily = daily_values(tracker, e, metric=m.name, freq=freq)
    ax = _axes(ax)
    roles = {a.name: a.role.name for a in e.arms}
    for arm, rows in daily.groupby("arm", observed=True, sort=False):
        ax.plot(
            rows["period"],
            rows["value"],
            marker="o",
            markersize=2.5,
            linewidth=1.0,
            label=f"{arm} ({roles.get(str(arm), '')})",
        )
    level, level_name = _reference(e, m, daily)
    if level is not None:
        effect = m.minimum_effect * (abs(level) if m.effect_scale.name == "relative" else 1.0)
        better = 1.0 if m.direction.name == "higher_is_better" else -1.0
        ax.axhline(level, color="black", linestyle="--", linewidth=1.0, label=f"{level_name} {level:.4g}")
        if effect > 0:
            if m.role.name == "guardrail":
                edge, label = level - better * effect, f"acceptable worsening ({m.minimum_effect:g})"
            else:
                edge, label = level + better * effect, f"minimum worthwhile effect ({m.minimum_effect:g})"
            ax.axhspan(min(level, edge), max(level, edge), color="#f2c14e", alpha=0.25, label=label)
            ax.axhline(edge, color="#c99a1a", linestyle=":", linewidth=1.0)
    per = {"D": "day", "W": "week", "MS": "month", "ME": "month", "M": "month"}.get(freq, freq)
    ax.set_title(f"{e.key}: {m.name} per {per}")
    ax.set_ylabel(m.unit or m.name)
    ax.set_xlabel("")
    ax.legend(loc="best", fontsize="small")
    ax.tick_params(axis="x", labelrotation=30)
    return ax


# -- the portfolio --------------------------------------------------------------------------


def _stacked(counts: pd.DataFrame, colours: dict[str, str], ax: Axes, title: str, xlabel: str) -> Axes:
    labels = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in counts.index]
    left = np.zeros(len(counts))
    positions = np.arange(len(counts))
    for column in counts.columns:
        values = counts[column].to_numpy(dtype=float)
        ax.barh(positions, values, left=left, color=colours.get(str(column)), label=str(column))
        left += values
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(**_OUTSIDE)
    return ax


def experiments_by_status(
    source: Source, by: str | Sequence[str] | None = "organisation", *, ax: Axes | None = None
) -> Axes:
    """Stacked bars: how many experiments each group has in each status."""
    counts = portfolio.status_counts(source, by)
    return _stacked(counts, STATUS_COLOURS, _axes(ax), f"Experiments by status and {_by_text(by)}", "experiments")


def verdicts_by(source: Source, by: str | Sequence[str] | None = "organisation", *, ax: Axes | None = None) -> Axes:
    """Stacked bars: verdicts of the concluded experiments, per group (organisation, unit or
    purpose; an experiment of several purposes counts in each)."""
    counts = portfolio.verdict_counts(source, by)
    return _stacked(counts, VERDICT_COLOURS, _axes(ax), f"Verdicts by {_by_text(by)}", "concluded experiments")


def verdicts_by_organisation(source: Source, *, ax: Axes | None = None) -> Axes:
    """Verdicts of the concluded experiments per organisation."""
    return verdicts_by(source, "organisation", ax=ax)


def verdicts_by_purpose(source: Source, *, ax: Axes | None = None) -> Axes:
    """Verdicts of the concluded experiments per municipal purpose."""
    return verdicts_by(source, "purpose", ax=ax)


def _by_text(by: str | Sequence[str] | None) -> str:
    if by is None:
        return "portfolio"
    return by if isinstance(by, str) else " and ".join(by)


def time_to_decision(source: Source, *, ax: Axes | None = None) -> Axes:
    """Days from start to decision of each concluded experiment, coloured by verdict, with the
    median as a line."""
    table = portfolio.experiments_table(source)
    done = table[(table["status"] == "concluded") & table["days_to_decision"].notna()]
    done = done.sort_values("days_to_decision")
    ax = _axes(ax)
    positions = np.arange(len(done))
    colours = [VERDICT_COLOURS.get(str(v), "grey") for v in done["verdict"]]
    ax.barh(positions, done["days_to_decision"], color=colours)
    ax.set_yticks(positions, done["key"])
    if len(done):
        median = float(done["days_to_decision"].median())
        ax.axvline(median, color="black", linestyle="--", linewidth=1.0)
        ax.text(median, -0.6, f" median {median:.0f} d", va="bottom", fontsize="small")
    _legend(ax, VERDICT_COLOURS, sorted(set(map(str, done["verdict"]))))
    ax.set_title("Time from start to decision")
    ax.set_xlabel("days")
    return ax


def _legend(ax: Axes, colours: dict[str, str], shown: Sequence[str]) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=colours[name], label=name) for name in colours if name in shown]
    if handles:
        ax.legend(handles=handles, **_OUTSIDE)


def cost_per_experiment(source: Source, *, ax: Axes | None = None) -> Axes:
    """Cost of each experiment in euros, coloured by status (verdict when concluded); a hatched
    bar is the planned cost where no actual cost is recorded."""
    table = portfolio.experiments_table(source).dropna(subset=["cost_eur"]).sort_values("cost_eur")
    ax = _axes(ax, (8.0, max(3.0, 0.35 * len(table) + 1.0)))
    positions = np.arange(len(table))
    colours = [
        VERDICT_COLOURS[str(v)] if s == "concluded" and str(v) in VERDICT_COLOURS else STATUS_COLOURS[str(s)]
        for s, v in zip(table["status"], table["verdict"], strict=True)
    ]
    bars = ax.barh(positions, table["cost_eur"], color=colours)
    for bar, planned in zip(bars, table["cost_is_planned"], strict=True):
        if planned:
            bar.set_hatch("//")
            bar.set_alpha(0.6)
    ax.set_yticks(positions, [f"{k} ({o})" for k, o in zip(table["key"], table["organisation"], strict=True)])
    shown = {str(v) if s == "concluded" else str(s) for s, v in zip(table["status"], table["verdict"], strict=True)}
    _legend(ax, {**{k: v for k, v in STATUS_COLOURS.items() if k != "concluded"}, **VERDICT_COLOURS}, sorted(shown))
    ax.set_title("Cost per experiment (hatched: planned)")
    ax.set_xlabel("EUR")
    return ax


def cost_per_supported(
    source: Source, by: str | Sequence[str] | None = "organisation", *, ax: Axes | None = None
) -> Axes:
    """Cost per learning (concluded experiment) and per supported experiment, per group; a
    group without a supported experiment has no second bar."""
    table = portfolio.insights(source, by)
    ax = _axes(ax)
    positions = np.arange(len(table))
    height = 0.4
    labels = [" / ".join(map(str, i)) if isinstance(i, tuple) else str(i) for i in table.index]
    ax.barh(
        positions - height / 2,
        table["cost_per_learning"].fillna(0),
        height,
        color="#7f8c8d",
        label="per learning (concluded)",
    )
    ax.barh(
        positions + height / 2,
        table["cost_per_supported"].fillna(0),
        height,
        color=VERDICT_COLOURS["supported"],
        label="per supported experiment",
    )
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_title(f"Cost per learning and per supported experiment, by {_by_text(by)}")
    ax.set_xlabel("EUR")
    ax.legend(**_OUTSIDE)
    return ax


def portfolio_figure(source: Source, *, figsize: tuple[float, float] = (14.0, 12.0)) -> Figure:
    """The portfolio plots on one figure: status, verdicts by organisation and by purpose, time
    to decision, cost per experiment and cost per supported experiment."""
    table = portfolio.experiments_table(source)
    fig, grid = plt.subplots(3, 2, figsize=figsize, layout="constrained")
    experiments_by_status(table, ax=grid[0, 0])
    verdicts_by(table, "organisation", ax=grid[0, 1])
    verdicts_by(table, "purpose", ax=grid[1, 0])
    time_to_decision(table, ax=grid[1, 1])
    cost_per_experiment(table, ax=grid[2, 0])
    cost_per_supported(table, ax=grid[2, 1])
    return fig
