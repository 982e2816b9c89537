"""Plots with matplotlib: a metric over time, effects with their intervals, the cumulative effect
with its always-valid interval, the forest plot of a meta-analysis of replications, and the
portfolio.

Every function draws on the ``ax`` it is given (or on a new figure) and returns the Axes, so
that plots combine into one figure and can be adjusted afterwards::

    import matplotlib.pyplot as plt
    from kokeilu import plots

    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
    plots.metric_over_time(tracker, "OULU-2025-001", ax=left)
    plots.verdicts_by(tracker, "organisation", ax=right)

matplotlib is an optional dependency (``pip install "kokeilu[plots]"``); it is imported when
this module is, and without it the import says how to install it.

Titles, axis labels and legends come from the gettext catalogues (keys ``plot.*``, and the
command's ``label:*`` for statuses, verdicts and roles) in the language of each function's ``lang=``
("fi", "sv" or "en"), default :func:`kokeilu.get_language`. Names the user typed are drawn as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

try:
    import matplotlib.pyplot as plt
except ModuleNotFoundError as missing:  # only matplotlib's own absence: a broken install shows as it is
    if missing.name is None or missing.name.split(".")[0] != "matplotlib":
        raise
    from ._language import messages

    raise ModuleNotFoundError(messages()("plot.needs_matplotlib"), name="matplotlib") from None
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon
from matplotlib.ticker import FuncFormatter, MaxNLocator

from . import portfolio, units
from ._periods import period_alias, period_kind, period_starts
from ._core import Experiment, Metric
from ._language import messages
from ._shown import shown_metric_name, shown_name
from ._tracker import Tracker
from ._tracker_logging import ExperimentRef
from .cli.i18n import Messages
from .portfolio import Source
from .stats import Analysis, MetaAnalysis

__all__ = [
    "STATUS_COLOURS",
    "VERDICT_COLOURS",
    "cost_per_experiment",
    "cost_per_supported",
    "cumulative_effect",
    "daily_values",
    "effects",
    "effects_side_by_side",
    "experiments_by_status",
    "forest",
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
_REFERENCE_ROLES = ("control", "before", "changed_before", "group")
# Legends go to the right of the axes, where they never hide a bar, a point or a line.
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
    """The metric per arm and period (default a UTC day): one row per (arm, period) with ``period``
    (its start), ``n`` (units or trials), ``total`` (sum of values, successes or events),
    ``exposure`` and ``value`` (the mean or share; for a count metric the rate per unit of exposure).
    ``freq`` is "day", "week" (Monday to Sunday), "month", "hour" or a pandas alias of either
    generation ("D", "W", "M", "ME", "MS", "h", "2D").

    Unit-level and pre-aggregated rows are combined: an aggregate counts as its ``n`` units.
    """
    alias = period_alias(freq)
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
            "period": period_starts(arrays.at, alias),
            "n": n,
            "total": total,
            "exposure": exposure,
        }
    )
    grouped = frame.groupby(["arm", "period"], observed=True)
    result = grouped[["n", "total", "exposure"]].sum().reset_index()
    result = result[result["n"] > 0]
    denominator = result["exposure"] if m.kind.name == "count" else result["n"]
    result["value"] = result["total"] / denominator
    result["n"] = result["n"].astype(np.int64)
    tidy: pd.DataFrame = result.reset_index(drop=True)
    return tidy


def _reference(
    msgs: Messages, experiment: Experiment, metric: Metric, daily: pd.DataFrame
) -> tuple[float | None, str]:
    """The level the effect is measured from: the metric's baseline, else the reference arm's
    (control, before, or the only group) overall level."""
    if metric.baseline is not None:
        return float(metric.baseline), msgs.text("plot.baseline")
    reference = next((a.name for a in experiment.arms if a.role.name in _REFERENCE_ROLES), None)
    rows = daily[daily["arm"] == reference]
    if reference is None or rows.empty:
        return None, ""
    denominator = rows["exposure"].sum() if metric.kind.name == "count" else rows["n"].sum()
    return float(rows["total"].sum() / denominator), msgs("plot.reference_level", arm=reference)


def _partly_outside(periods: pd.Series, alias: str, experiment: Experiment) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Whether each period (by its start) runs past the experiment's days: it began before the
    start, or ends after the end (after today while it runs). Such a period holds fewer days of
    the experiment than the others, so its value may stand apart for that reason alone."""
    spans = pd.PeriodIndex(pd.DatetimeIndex(periods), freq=alias)
    partial = np.zeros(len(spans), dtype=bool)
    if experiment.actual_start is not None:
        partial |= np.asarray(spans.start_time < pd.Timestamp(experiment.actual_start))
    last = experiment.actual_end or (
        pd.Timestamp.now(tz="UTC").date() if experiment.status.name == "running" else None
    )
    if last is not None:
        partial |= np.asarray(spans.end_time >= pd.Timestamp(last) + pd.Timedelta(days=1))
    return partial


def metric_over_time(
    tracker: Tracker,
    experiment: ExperimentRef,
    *,
    metric: str = "",
    freq: str = "D",
    show_n: bool = False,
    ax: Axes | None = None,
    lang: str | None = None,
) -> Axes:
    """The metric per arm or period over time (daily by default), with the baseline and the band
    of the minimum worthwhile effect.

    Each point is placed at the start of its period (a week at its Monday, a month at its first
    day), as in every plot of kokeilu. A period only partly inside the experiment (begun before its
    start, or ending after its end or after today while it runs) is drawn hollow and named in the
    legend. ``show_n`` writes each point's number of units (or trials) beside it. The legend stands
    to the right of the axes, where it hides no point.

    The reference level is the metric's baseline, or when it has none the overall level of the
    control arm (before period, or only group). For a primary or secondary metric the shaded band
    runs from that level to the minimum worthwhile effect in the better direction (a change inside
    it is too small to be worth having); for a guardrail it runs to the largest acceptable
    worsening. A relative effect is taken relative to the reference level.
    """
    msgs = messages(lang)
    e = tracker.get(experiment)
    m = _metric(e, metric)
    daily = daily_values(tracker, e, metric=m.name, freq=freq)
    ax = _axes(ax)
    roles = {a.name: msgs.label(a.role) for a in e.arms}
    alias = period_alias(freq)
    any_partial = False
    for arm, rows in daily.groupby("arm", observed=True, sort=False):
        (line,) = ax.plot(
            rows["period"],
            rows["value"],
            marker="o",
            markersize=2.5,
            linewidth=1.0,
            label=f"{arm} ({roles.get(str(arm), '')})",
        )
        partial = _partly_outside(rows["period"], alias, e)
        if partial.any():
            any_partial = True
            ax.plot(
                rows["period"][partial],
                rows["value"][partial],
                linestyle="none",
                marker="o",
                markersize=6,
                markerfacecolor="white",
                markeredgecolor=line.get_color(),
                zorder=line.get_zorder() + 1,
            )
        if show_n:
            for at, value, n in zip(rows["period"], rows["value"], rows["n"]):
                ax.annotate(
                    f"n = {msgs.number(int(n))}",
                    (at, value),
                    textcoords="offset points",
                    xytext=(0, 5),
                    ha="center",
                    fontsize="x-small",
                    color=line.get_color(),
                )
    if any_partial:
        ax.plot([], [], linestyle="none", marker="o", markerfacecolor="white", markeredgecolor="grey",
                label=msgs.text("plot.partial_period"))
    level, level_name = _reference(msgs, e, m, daily)
    if level is not None:
        effect = m.minimum_effect * (abs(level) if m.effect_scale.name == "relative" else 1.0)
        better = 1.0 if m.direction.name == "higher_is_better" else -1.0
        ax.axhline(level, color="black", linestyle="--", linewidth=1.0, label=f"{level_name} {msgs.figure(level, 4)}")
        if effect > 0:
            if m.role.name == "guardrail":
                edge = level - better * effect
            else:
                edge = level + better * effect
            label = f"{_threshold_label(msgs, m)} ({msgs.number(m.minimum_effect)})"
            ax.axhspan(min(level, edge), max(level, edge), color="#f2c14e", alpha=0.25, label=label)
            ax.axhline(edge, color="#c99a1a", linestyle=":", linewidth=1.0)
    per = period_kind(period_alias(freq))
    if per is None:
        ax.set_title(msgs("plot.per_period", key=e.key, metric=shown_name(m), period=freq))
    else:
        ax.set_title(msgs(f"plot.per_{per}", key=e.key, metric=shown_name(m)))
    ax.set_ylabel(m.unit or shown_name(m))
    ax.set_xlabel("")
    ax.legend(**_OUTSIDE)
    ax.tick_params(axis="x", labelrotation=30)
    return ax


# -- effects and their intervals ------------------------------------------------------------

_MWE_COLOUR = "#c99a1a"
_GUARDRAIL_COLOUR = "#c0392b"
_POINT_COLOUR = "#1f4e79"


def _better(metric: Metric) -> float:
    """+1 when a higher value is better, -1 when lower is."""
    return 1.0 if metric.direction.name == "higher_is_better" else -1.0


def _threshold(metric: Metric) -> float:
    """On the raw scale of the effect: the minimum worthwhile effect in the better direction, or
    for a guardrail the largest acceptable worsening (in the worse direction)."""
    sign = -1.0 if metric.role.name == "guardrail" else 1.0
    return sign * _better(metric) * metric.minimum_effect


def _threshold_label(msgs: Messages, metric: Metric) -> str:
    return msgs.text("plot.acceptable_worsening" if metric.role.name == "guardrail" else "plot.minimum_effect")


def _in_percentage_points(metric: Metric) -> bool:
    """Whether the metric's effect is a difference of shares, drawn in percentage points as the
    sentences say it."""
    return metric.effect_scale.name == "absolute" and units.metric_unit(metric) == "share"


def _effect_axis(msgs: Messages, metric: Metric) -> str:
    """"points (higher is better)": the effect's unit and which way is better."""
    if metric.effect_scale.name == "relative":
        unit = msgs.text("plot.relative_change")
    elif _in_percentage_points(metric):
        unit = units.unit_name(msgs.lang, "percentage_points")
    else:
        unit = metric.unit or metric.name
    return msgs("plot.higher_better" if _better(metric) > 0 else "plot.lower_better", unit=unit)


def _analysis(source: Tracker | Analysis, experiment: ExperimentRef | None) -> Analysis:
    if isinstance(source, Analysis):
        return source
    if experiment is None:
        raise TypeError("experiment: required when the source is a Tracker")
    return source.analyze(experiment)


def _draw_intervals(
    msgs: Messages,
    ax: Axes,
    rows: pd.DataFrame,
    labels: Sequence[str],
    colours: Sequence[str],
) -> np.ndarray:
    """Horizontal intervals (``ci_low``..``ci_high``) with the estimate as a dot, one row each,
    top to bottom; returns the y positions."""
    positions = np.arange(len(rows), dtype=float)
    interval = msgs.text("plot.interval")
    ax.hlines(positions, rows["ci_low"], rows["ci_high"], colors=list(colours), linewidth=2.2, label=interval)
    ax.scatter(rows["estimate"], positions, color=list(colours), zorder=3, s=28, label=msgs.text("plot.estimate"))
    ax.set_yticks(positions, list(labels))
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)
    ax.axvline(0.0, color="black", linewidth=1.0, label=msgs.text("plot.no_effect"))
    if not len(rows):
        ax.text(0.5, 0.5, msgs.text("plot.no_data"), transform=ax.transAxes, ha="center", va="center")
    return positions


def effects(
    source: Tracker | Analysis,
    experiment: ExperimentRef | None = None,
    *,
    metrics: Sequence[str] | None = None,
    scaled: bool | None = None,
    ax: Axes | None = None,
    lang: str | None = None,
) -> Axes:
    """One experiment's effects with their intervals, against zero and the minimum worthwhile
    effect: one row per metric and compared arm (or period, or the only group against its
    baseline).

    ``source`` is a tracker (with ``experiment``) or an :class:`kokeilu.Analysis`. ``metrics``
    picks the metrics (default all). With one metric the effect is drawn on its own scale (the
    difference, or the relative change), with the minimum worthwhile effect as a dotted line (for a
    guardrail: the largest acceptable worsening). With several, or with ``scaled=True``, each
    effect is divided by its metric's minimum worthwhile effect and turned so that right is
    better: 0 is no effect, 1 the minimum worthwhile effect and -1 a guardrail's acceptable
    worsening, so metrics of different units share one axis.

    Comparisons without enough data are left out (named in the title's count).
    """
    msgs = messages(lang)
    analysis = _analysis(source, experiment)
    e = analysis.experiment
    table = analysis.comparisons
    if metrics is not None:
        unknown = [m for m in metrics if m not in {x.name for x in e.metrics}]
        if unknown:
            known = ", ".join(x.name for x in e.metrics)
            raise ValueError(f"metrics: unknown {', '.join(unknown)}; known: {known}")
        table = table[table["metric"].isin(list(metrics))]
    shown = table[(table["status"] == "ok") & table["estimate"].notna()].reset_index(drop=True)
    names = list(dict.fromkeys(shown["metric"])) or list(dict.fromkeys(table["metric"]))
    if scaled is None:
        scaled = len(names) > 1
    ax = _axes(ax, (8.0, max(2.4, 0.55 * len(shown) + 1.6)))
    by_name = {m.name: m for m in e.metrics}
    rows = shown.copy()
    if scaled:
        factor = np.array([_better(by_name[n]) / by_name[n].minimum_effect for n in rows["metric"]])
        low, high = rows["ci_low"] * factor, rows["ci_high"] * factor
        rows["estimate"] = rows["estimate"] * factor
        rows["ci_low"], rows["ci_high"] = np.minimum(low, high), np.maximum(low, high)
    colours = [_GUARDRAIL_COLOUR if r == "guardrail" else _POINT_COLOUR for r in rows["role"]]
    labels = []
    for r in rows.itertuples(index=False):
        vs = msgs("plot.vs", arm=r.arm, reference=r.reference)
        role = msgs.text(f"label:MetricRole:{r.role}")
        labels.append(f"{shown_metric_name(e, r.metric)} ({role})\n{vs}" if len(names) > 1 else vs)
    positions = _draw_intervals(msgs, ax, rows, labels, colours)
    if scaled:
        ax.axvline(1.0, color=_MWE_COLOUR, linestyle=":", linewidth=1.5, label=msgs.text("plot.minimum_effect"))
        if (rows["role"] == "guardrail").any():
            worse = msgs.text("plot.acceptable_worsening")
            ax.axvline(-1.0, color=_GUARDRAIL_COLOUR, linestyle=":", linewidth=1.5, label=worse)
        ax.set_xlabel(msgs.text("plot.scaled_axis"))
    elif names:
        metric = by_name[names[0]]
        colour = _GUARDRAIL_COLOUR if metric.role.name == "guardrail" else _MWE_COLOUR
        threshold = _threshold_label(msgs, metric)
        ax.axvline(_threshold(metric), color=colour, linestyle=":", linewidth=1.5, label=threshold)
        ax.set_xlabel(_effect_axis(msgs, metric))
        formatter = _effect_formatter(msgs, metric)
        if formatter is not None:
            ax.xaxis.set_major_formatter(formatter)
    left_out = len(table) - len(shown)
    subject = shown_metric_name(e, names[0]) if len(names) == 1 else msgs.text("plot.effects")
    levels: list[float] = list(rows["confidence"].dropna().unique()) if "confidence" in rows else []
    if len(levels) == 1:
        title = msgs("plot.effects_title", key=e.key, subject=subject, confidence=msgs.percent(float(levels[0])))
    else:
        title = msgs("plot.effects_title_mixed", key=e.key, subject=subject)
    if left_out:
        title += " " + msgs.text("plot.left_out", left_out).format(count=msgs.number(left_out))
    ax.set_title(title)
    if len(positions):
        ax.legend(**_OUTSIDE)
    return ax


def _percent_formatter(msgs: Messages) -> FuncFormatter:
    """Ticks of a relative effect as per cents written in the language (12,5 % in Finnish)."""
    return FuncFormatter(lambda value, _: msgs.percent(float(value)))


def _effect_formatter(msgs: Messages, metric: Metric) -> FuncFormatter | None:
    """Ticks of the metric's effect as the sentences write it: a relative change in per cent, a
    difference of shares in percentage points (0.05 is 5); None for the metric's own unit."""
    if metric.effect_scale.name == "relative":
        return _percent_formatter(msgs)
    if _in_percentage_points(metric):
        return FuncFormatter(lambda value, _: msgs.figure(100.0 * float(value)))
    return None


def effects_side_by_side(
    source: Tracker | Sequence[Analysis],
    experiments: Sequence[ExperimentRef] | None = None,
    *,
    ax: Axes | None = None,
    lang: str | None = None,
) -> Axes:
    """The primary effect of many experiments side by side, each in its minimum worthwhile
    effects and turned so that right is better (0: no effect, 1: the minimum worthwhile effect),
    coloured by the verdict of the analysis.

    ``source`` is a tracker or a list of :class:`kokeilu.Analysis`. With a tracker, ``experiments``
    picks them (default every started experiment); experiments without enough data for the
    comparison are left out.
    """
    msgs = messages(lang)
    if isinstance(source, Tracker):
        chosen = (
            [source.get(x) for x in experiments]
            if experiments is not None
            else [x for x in source.experiments() if x.actual_start is not None]
        )
        analyses = []
        for x in chosen:
            try:
                analyses.append(source.analyze(x))
            except ValueError:  # InvalidArgumentError: the experiment cannot be analysed yet
                continue
    else:
        analyses = list(source)
    records = []
    for a in analyses:
        primary = a.experiment.primary_metric
        rows = a.comparisons[(a.comparisons["metric"] == primary.name) & (a.comparisons["status"] == "ok")]
        rows = rows[rows["estimate"].notna()]
        if rows.empty:
            continue
        row = rows.iloc[0]
        factor = _better(primary) / primary.minimum_effect
        low, high = sorted((float(row["ci_low"]) * factor, float(row["ci_high"]) * factor))
        records.append(
            {
                "label": f"{a.key}: {shown_name(primary)}",
                "estimate": float(row["estimate"]) * factor,
                "ci_low": low,
                "ci_high": high,
                "verdict": a.verdict.verdict,
            }
        )
    frame = pd.DataFrame(records, columns=["label", "estimate", "ci_low", "ci_high", "verdict"])
    ax = _axes(ax, (8.0, max(2.4, 0.42 * len(frame) + 1.6)))
    colours = [VERDICT_COLOURS.get(str(v), "grey") for v in frame["verdict"]]
    _draw_intervals(msgs, ax, frame, list(frame["label"]), colours)
    ax.axvline(1.0, color=_MWE_COLOUR, linestyle=":", linewidth=1.5, label=msgs.text("plot.minimum_effect"))
    ax.set_xlabel(msgs.text("plot.primary_scaled_axis"))
    ax.set_title(msgs.text("plot.side_by_side_title"))
    _legend(msgs, ax, VERDICT_COLOURS, sorted(set(map(str, frame["verdict"]))))
    return ax


def _settled_limits(ax: Axes, frame: pd.DataFrame, threshold: float) -> None:
    """Vertical limits that show the later three quarters of the periods, zero and the threshold:
    the first days' intervals are very wide and would flatten everything after them (they run
    off the axes instead)."""
    later = frame.iloc[len(frame) // 4 :]
    values = np.concatenate([later["ci_low"].to_numpy(float), later["ci_high"].to_numpy(float), [0.0, threshold]])
    values = values[np.isfinite(values)]
    low, high = float(values.min()), float(values.max())
    pad = 0.08 * (high - low) if high > low else 1.0
    ax.set_ylim(low - pad, high + pad)


def _clear_of_zero_from(frame: pd.DataFrame) -> int | None:
    """The first row from which the interval stays on one side of zero up to the last row (the
    side of the last row), or None when the last interval includes zero: an interval that left
    zero and came back has not excluded it from that date."""
    above = (frame["ci_low"] > 0).to_numpy()
    below = (frame["ci_high"] < 0).to_numpy()
    if len(frame) == 0 or not (above[-1] or below[-1]):
        return None
    clear = above if above[-1] else below
    not_clear = np.flatnonzero(~clear)
    return 0 if len(not_clear) == 0 else int(not_clear[-1]) + 1


def cumulative_effect(
    tracker: Tracker,
    experiment: ExperimentRef,
    *,
    metric: str = "",
    arm: str = "",
    freq: str = "D",
    ax: Axes | None = None,
    lang: str | None = None,
) -> Axes:
    """The effect as the data accumulated (period by period), with its always-valid interval:
    what looking at the experiment every day shows. The interval stays valid however often it is
    looked at, so it may be watched daily; zero and the minimum worthwhile effect are drawn as
    lines. Concurrent and before/after designs (see :meth:`kokeilu.Tracker.cumulative_effect`).
    """
    msgs = messages(lang)
    e = tracker.get(experiment)
    m = _metric(e, metric)
    frame = tracker.cumulative_effect(e, metric=m.name, arm=arm, freq=freq)
    ax = _axes(ax)
    at = pd.DatetimeIndex(frame["at"]).tz_convert("UTC").tz_localize(None)
    ax.fill_between(
        at, frame["ci_low"], frame["ci_high"], color="#9ecae1", alpha=0.6, label=msgs.text("plot.always_valid")
    )
    ax.plot(at, frame["estimate"], color=_POINT_COLOUR, linewidth=1.5, label=msgs.text("plot.estimate"))
    ax.axhline(0.0, color="black", linewidth=1.0, label=msgs.text("plot.no_effect"))
    colour = _GUARDRAIL_COLOUR if m.role.name == "guardrail" else _MWE_COLOUR
    ax.axhline(_threshold(m), color=colour, linestyle=":", linewidth=1.5, label=_threshold_label(msgs, m))
    settled = _clear_of_zero_from(frame)
    if settled is not None:
        first = pd.Timestamp(frame["at"].iloc[settled]).tz_convert("UTC").tz_localize(None)
        label = msgs("plot.excludes_zero", date=msgs.date(first.date()))
        ax.axvline(first, color="grey", linestyle="--", linewidth=1.0, label=label)
    ax.set_ylabel(_effect_axis(msgs, m))
    formatter = _effect_formatter(msgs, m)
    if formatter is not None:
        ax.yaxis.set_major_formatter(formatter)
    _settled_limits(ax, frame, _threshold(m))
    ax.set_title(msgs("plot.cumulative_title", key=e.key, metric=shown_name(m)))
    ax.legend(**_OUTSIDE)
    ax.tick_params(axis="x", labelrotation=30)
    return ax


# -- the portfolio --------------------------------------------------------------------------


def _group_labels(msgs: Messages, index: pd.Index) -> list[str]:
    """Bar labels of groups: names as typed, purposes in the language, "a / b" for several."""
    grouping = [str(n or "") for n in index.names]

    def one(name: str, value: object) -> str:
        if name == "purpose":
            return msgs.text(f"label:Purpose:{value}")
        # The whole portfolio's only row (insights by None, an index named "portfolio").
        return msgs.text("html.all") if name == "portfolio" and value == "all" else str(value)

    return [
        " / ".join(one(n, v) for n, v in zip(grouping, i if isinstance(i, tuple) else (i,), strict=True))
        for i in index
    ]


def _stacked(
    msgs: Messages, counts: pd.DataFrame, colours: dict[str, str], ax: Axes, title: str, xlabel: str, kind: str
) -> Axes:
    labels = _group_labels(msgs, counts.index)
    left = np.zeros(len(counts))
    positions = np.arange(len(counts))
    for column in counts.columns:
        values = counts[column].to_numpy(dtype=float)
        name = msgs.text(f"label:{kind}:{column}")
        ax.barh(positions, values, left=left, color=colours.get(str(column)), label=name)
        left += values
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(**_OUTSIDE)
    return ax


def experiments_by_status(
    source: Source, by: str | Sequence[str] | None = "organisation", *, ax: Axes | None = None, lang: str | None = None
) -> Axes:
    """Stacked bars: how many experiments each group has in each status."""
    msgs = messages(lang)
    counts = portfolio.status_counts(source, by)
    title = msgs("plot.by_status_title", by=_by_text(msgs, by))
    return _stacked(msgs, counts, STATUS_COLOURS, _axes(ax), title, msgs.text("plot.experiments"), "Status")


def verdicts_by(
    source: Source, by: str | Sequence[str] | None = "organisation", *, ax: Axes | None = None, lang: str | None = None
) -> Axes:
    """Stacked bars: verdicts of the concluded experiments, per group (organisation, unit or
    purpose; an experiment of several purposes counts in each)."""
    msgs = messages(lang)
    counts = portfolio.verdict_counts(source, by)
    title = msgs("plot.verdicts_title", by=_by_text(msgs, by))
    return _stacked(msgs, counts, VERDICT_COLOURS, _axes(ax), title, msgs.text("plot.concluded_experiments"), "Verdict")


def verdicts_by_organisation(source: Source, *, ax: Axes | None = None, lang: str | None = None) -> Axes:
    """Verdicts of the concluded experiments per organisation."""
    return verdicts_by(source, "organisation", ax=ax, lang=lang)


def verdicts_by_purpose(source: Source, *, ax: Axes | None = None, lang: str | None = None) -> Axes:
    """Verdicts of the concluded experiments per municipal purpose."""
    return verdicts_by(source, "purpose", ax=ax, lang=lang)


def _by_text(msgs: Messages, by: str | Sequence[str] | None) -> str:
    """The grouping as named in titles: "organisation", "organisation / purpose"."""
    names = ["portfolio"] if by is None else [by] if isinstance(by, str) else list(by)
    # The groupings are named as the portfolio table's columns are (html.column.organisation ...).
    keys = ["plot.by.portfolio" if name == "portfolio" else f"html.column.{name}" for name in names]
    return " / ".join(msgs.text(key) for key in keys)


def time_to_decision(source: Source, *, ax: Axes | None = None, lang: str | None = None) -> Axes:
    """Days from start to decision of each concluded experiment, coloured by verdict, with the
    median as a line."""
    msgs = messages(lang)
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
        text = " " + msgs("plot.median_days", days=msgs.number(round(median)))
        ax.text(median, -0.6, text, va="bottom", fontsize="small")
    _legend(msgs, ax, VERDICT_COLOURS, sorted(set(map(str, done["verdict"]))))
    ax.set_title(msgs.text("plot.time_to_decision_title"))
    ax.set_xlabel(msgs.text("plot.days"))
    return ax


def _legend(msgs: Messages, ax: Axes, colours: dict[str, str], shown: Sequence[str]) -> None:
    """A legend of statuses and verdicts (by their names in ``colours``), named in the language."""
    from matplotlib.patches import Patch

    def label(name: str) -> str:
        return msgs.text(f"label:Verdict:{name}" if name in VERDICT_COLOURS else f"label:Status:{name}")

    handles = [Patch(color=colours[name], label=label(name)) for name in colours if name in shown]
    if handles:
        ax.legend(handles=handles, **_OUTSIDE)


def cost_per_experiment(source: Source, *, ax: Axes | None = None, lang: str | None = None) -> Axes:
    """Cost of each experiment in euros, coloured by status (verdict when concluded); a hatched
    bar is the planned cost where no actual cost is recorded."""
    msgs = messages(lang)
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
    legend = {**{k: v for k, v in STATUS_COLOURS.items() if k != "concluded"}, **VERDICT_COLOURS}
    _legend(msgs, ax, legend, sorted(shown))
    ax.set_title(msgs.text("plot.cost_title"))
    ax.set_xlabel("EUR")
    return ax


def cost_per_supported(
    source: Source, by: str | Sequence[str] | None = "organisation", *, ax: Axes | None = None, lang: str | None = None
) -> Axes:
    """Cost per learning (concluded experiment) and per supported experiment, per group; a
    group without a supported experiment has no second bar."""
    msgs = messages(lang)
    table = portfolio.insights(source, by)
    ax = _axes(ax)
    positions = np.arange(len(table))
    height = 0.4
    labels = _group_labels(msgs, table.index)
    ax.barh(
        positions - height / 2,
        table["cost_per_learning"].fillna(0),
        height,
        color="#7f8c8d",
        label=msgs.text("plot.per_learning"),
    )
    ax.barh(
        positions + height / 2,
        table["cost_per_supported"].fillna(0),
        height,
        color=VERDICT_COLOURS["supported"],
        label=msgs.text("plot.per_supported"),
    )
    ax.set_yticks(positions, labels)
    ax.invert_yaxis()
    ax.set_title(msgs("plot.cost_per_supported_title", by=_by_text(msgs, by)))
    ax.set_xlabel("EUR")
    ax.legend(**_OUTSIDE)
    return ax


def portfolio_figure(
    source: Source, *, figsize: tuple[float, float] = (14.0, 12.0), lang: str | None = None
) -> Figure:
    """The portfolio plots on one figure: status, verdicts by organisation and by purpose, time
    to decision, cost per experiment and cost per supported experiment."""
    lang = messages(lang).lang  # checked once, before anything is drawn
    table = portfolio.experiments_table(source)
    fig, grid = plt.subplots(3, 2, figsize=figsize, layout="constrained")
    experiments_by_status(table, ax=grid[0, 0], lang=lang)
    verdicts_by(table, "organisation", ax=grid[0, 1], lang=lang)
    verdicts_by(table, "purpose", ax=grid[1, 0], lang=lang)
    time_to_decision(table, ax=grid[1, 1], lang=lang)
    cost_per_experiment(table, ax=grid[2, 0], lang=lang)
    cost_per_supported(table, ax=grid[2, 1], lang=lang)
    return fig


# -- a meta-analysis of replications ----------------------------------------------------------

_FIXED_COLOUR = "#7f8c8d"
_PREDICTION_COLOUR = "#9ecae1"


def _diamond(ax: Axes, low: float, estimate: float, high: float, y: float, colour: str, label: str) -> None:
    half = 0.3
    ax.add_patch(Polygon([(low, y), (estimate, y - half), (high, y), (estimate, y + half)], closed=True,
                         facecolor=colour, edgecolor=colour, label=label))


def forest(meta: MetaAnalysis, *, ax: Axes | None = None, lang: str | None = None) -> Axes:
    """The forest plot of a meta-analysis (:func:`kokeilu.stats.meta_analysis`): each
    municipality's estimate as a square whose area is its share of the weight (the random-effects
    weights, or the fixed ones with two municipalities) with its interval at 1 − alpha, then the
    fixed-effect and random-effects (HKSJ, never narrower than the usual interval) results as
    diamonds spanning their intervals, and the prediction interval for a new municipality as a
    band under them, when there is one."""
    msgs = messages(lang)
    frame = meta.frame()
    studies = frame[frame["row"] == "study"].reset_index(drop=True)
    pooled = [row for row in ("fixed", "random") if (frame["row"] == row).any()]
    has_prediction = bool((frame["row"] == "prediction").any())
    rows = len(studies) + 1 + len(pooled) + int(has_prediction)
    ax = _axes(ax, (8.0, max(3.0, 0.42 * rows + 1.6)))
    positions = np.arange(len(studies), dtype=float)
    weights = (studies["weight_random"] if meta.random_weights is not None else studies["weight_fixed"]).to_numpy()
    ax.hlines(positions, studies["ci_low"], studies["ci_high"], colors=_POINT_COLOUR, linewidth=1.4,
              label=msgs.text("plot.interval"))
    ax.scatter(studies["estimate"], positions, marker="s", s=np.maximum(300.0 * weights / weights.max(), 8.0),
               color=_POINT_COLOUR, zorder=3, label=msgs.text("plot.meta.study"))
    ticks = list(positions)
    labels = [str(label) for label in studies["label"]]
    y = float(len(studies))  # one empty row between the municipalities and the pooled results
    for row, colour in (("fixed", _FIXED_COLOUR), ("random", _MWE_COLOUR)):
        if row not in pooled:
            continue
        y += 1.0
        r = frame[frame["row"] == row].iloc[0]
        _diamond(ax, float(r["ci_low"]), float(r["estimate"]), float(r["ci_high"]), y, colour,
                 msgs.text(f"plot.meta.{row}"))
        ticks.append(y)
        labels.append(msgs.text(f"plot.meta.{row}"))
    if has_prediction:
        y += 1.0
        r = frame[frame["row"] == "prediction"].iloc[0]
        ax.hlines([y], [float(r["ci_low"])], [float(r["ci_high"])], colors=_PREDICTION_COLOUR, linewidth=6.0,
                  label=msgs.text("plot.meta.prediction"))
        ticks.append(y)
        labels.append(msgs.text("plot.meta.prediction"))
    ax.axvline(0.0, color="black", linewidth=1.0, label=msgs.text("plot.no_effect"))
    ax.set_yticks(ticks, labels)
    ax.set_ylim(y + 0.7, -0.7)
    ax.set_xlabel(msgs.text("plot.meta.axis"))
    ax.set_title(msgs("plot.meta.title", count=msgs.number(meta.k), confidence=msgs.percent(1.0 - meta.alpha)))
    ax.autoscale_view(scalex=True, scaley=False)
    ax.legend(**_OUTSIDE)
    return ax
