"""Portfolio insights: what a set of experiments has taught, where, and at what cost.

Everything here is computed from the experiments listing (no observations are read), so it is
fast on any tracker. A *source* is a :class:`kokeilu.Tracker`, a list of experiments, or a table
from :func:`experiments_table`.

Definitions, for every group (``by=``: ``"organisation"``, ``"unit"``, ``"purpose"``, a list of
them, or None for the whole portfolio):

* a *learning* is a concluded experiment: its verdict, Learning Card and decision are recorded;
  each concluded experiment is also one *decision* (scale up, adapt, or stop), made on its
  ``decided_on`` date;
* ``win_rate`` is the share of supported among the concluded (NaN when none is concluded);
* ``decisions_per_month`` divides a group's decisions by the number of calendar months from the
  portfolio's first decision month to its last (the same span for every group, so that groups
  compare);
* ``median_days_to_decision`` is the median of days from the actual start to the decision;
* cost and effort are the actual figures, or the planned ones when the actual are not recorded
  (``cost_is_planned`` in the table says which); a missing figure is left out of the sums.
  ``cost_per_learning`` is the cost of the concluded experiments divided by their number and
  ``cost_per_supported`` the same cost divided by the number supported: what it cost to find one
  change that works (NaN when none was supported);
* ``customer_outcome_share`` is the share of experiments whose primary metric is a customer
  outcome rather than an activity count ("not how many rocks we dump").

An experiment that serves several purposes counts once in each purpose's group.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ._core import Decision, Experiment, Status, Verdict
from ._language import messages
from ._tracker import Tracker

__all__ = [
    "GROUPINGS",
    "INSIGHT_COLUMNS",
    "Portfolio",
    "decisions_per_month",
    "experiments_table",
    "insights",
    "status_counts",
    "summary",
    "verdict_counts",
]

#: Source of a portfolio: a tracker, experiments, or a table from experiments_table().
Source = Tracker | Iterable[Experiment] | pd.DataFrame
#: The columns that ``by=`` may name.
GROUPINGS = ("organisation", "unit", "purpose")

STATUSES = list(Status.__members__)
VERDICTS = list(Verdict.__members__)
DECISIONS = list(Decision.__members__)

#: The columns of insights(), in order.
INSIGHT_COLUMNS = (
    "experiments",
    *STATUSES,
    *VERDICTS,
    "win_rate",
    "decisions_per_month",
    "median_days_to_decision",
    "cost_eur",
    "cost_per_learning",
    "cost_per_supported",
    "effort_hours",
    "effort_per_learning",
    "effort_per_supported",
    "customer_outcome_share",
)

_TABLE_COLUMNS = (
    "key",
    "title",
    "organisation",
    "unit",
    "purpose",
    "status",
    "design",
    "primary_metric",
    "primary_impact",
    "customer_outcome",
    "verdict",
    "decision",
    "actual_start",
    "decided_on",
    "days_to_decision",
    "cost_eur",
    "cost_is_planned",
    "effort_hours",
    "effort_is_planned",
)


def _figure(actual: float | None, planned: float | None) -> tuple[float, bool]:
    if actual is not None:
        return float(actual), False
    if planned is not None:
        return float(planned), True
    return float("nan"), False


def _row(e: Experiment) -> dict[str, Any]:
    primary = next((m for m in e.metrics if m.role.name == "primary"), None)
    outcome = e.outcome
    decided_on = None if outcome is None else outcome.decided_on
    days = (
        float((decided_on - e.actual_start).days)
        if decided_on is not None and e.actual_start is not None
        else float("nan")
    )
    cost, cost_planned = _figure(e.actual_cost_eur, e.planned_cost_eur)
    effort, effort_planned = _figure(e.actual_effort_hours, e.planned_effort_hours)
    return {
        "key": e.key,
        "title": e.title,
        "organisation": e.organisation,
        "unit": e.unit,
        "purpose": [p.name for p in e.purposes],
        "status": e.status.name,
        "design": e.design.name,
        "primary_metric": "" if primary is None else primary.name,
        "primary_impact": "" if primary is None else primary.impact.name,
        "customer_outcome": primary is not None and primary.impact.name == "customer_outcome",
        "verdict": None if outcome is None else outcome.verdict.name,
        "decision": None if outcome is None else outcome.decision.name,
        "actual_start": e.actual_start,
        "decided_on": decided_on,
        "days_to_decision": days,
        "cost_eur": cost,
        "cost_is_planned": cost_planned,
        "effort_hours": effort,
        "effort_is_planned": effort_planned,
    }


def experiments_table(source: Source) -> pd.DataFrame:
    """One row per experiment with what the portfolio insights need.

    Columns: key, title, organisation, unit, purpose (a list of purpose names), status, design,
    primary_metric, primary_impact, customer_outcome (bool), verdict, decision, actual_start,
    decided_on (datetime64), days_to_decision, cost_eur, cost_is_planned, effort_hours,
    effort_is_planned. A table given as the source is returned as it is (checked, not copied).
    """
    if isinstance(source, pd.DataFrame):
        missing = [c for c in _TABLE_COLUMNS if c not in source.columns]
        if missing:
            raise ValueError(
                f"source: the table lacks the columns {', '.join(missing)}; build it with "
                "kokeilu.portfolio.experiments_table(tracker)"
            )
        given: pd.DataFrame = source
        return given
    experiments = source.experiments() if isinstance(source, Tracker) else list(source)
    for i, e in enumerate(experiments):
        if not isinstance(e, Experiment):
            raise TypeError(f"source[{i}]: expected an Experiment, got {type(e).__name__}")
    table: pd.DataFrame = pd.DataFrame([_row(e) for e in experiments], columns=list(_TABLE_COLUMNS))
    table["status"] = pd.Categorical(table["status"], categories=STATUSES)
    table["verdict"] = pd.Categorical(table["verdict"], categories=VERDICTS)
    table["decision"] = pd.Categorical(table["decision"], categories=DECISIONS)
    for column in ("actual_start", "decided_on"):
        table[column] = pd.to_datetime(table[column]).astype("datetime64[s]")
    for column in ("days_to_decision", "cost_eur", "effort_hours"):
        table[column] = table[column].astype("float64")
    for column in ("customer_outcome", "cost_is_planned", "effort_is_planned"):
        table[column] = table[column].astype("bool")
    return table


def _group_names(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    names = [by] if isinstance(by, str) else list(by)
    for name in names:
        if name not in GROUPINGS:
            raise ValueError(f"by: unknown grouping {name!r}; choose from {', '.join(GROUPINGS)} or None")
    if len(set(names)) != len(names):
        raise ValueError(f"by: {names!r} names a grouping twice")
    return names


def _grouped(table: pd.DataFrame, by: str | Sequence[str] | None) -> tuple[pd.DataFrame, list[str]]:
    """The table with one row per (experiment, group) and the grouping columns."""
    names = _group_names(by)
    if "purpose" in names:
        table = table.explode("purpose")
        table = table[table["purpose"].notna()]
    if not names:
        table = table.assign(portfolio="all")
        names = ["portfolio"]
    return table, names


def _month_span(decided: pd.Series) -> int:
    """Calendar months from the first to the last decision month, inclusive (0 when none)."""
    dates = decided.dropna()
    if dates.empty:
        return 0
    first, last = dates.min(), dates.max()
    span: int = (last.year - first.year) * 12 + (last.month - first.month) + 1
    return span


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    ratio: pd.Series = numerator.astype("float64") / denominator.where(denominator > 0)
    return ratio


def insights(source: Source, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """The portfolio's insights, one row per group (see the module's definitions).

    ``by`` is ``"organisation"``, ``"unit"``, ``"purpose"``, a list of them (e.g.
    ``["organisation", "unit"]``), or None for one row named ``all``.
    """
    table = experiments_table(source)
    span = _month_span(table["decided_on"])
    rows, names = _grouped(table, by)
    concluded = rows["status"] == "concluded"
    work = pd.DataFrame(
        {
            **{name: rows[name] for name in names},
            "experiments": 1,
            **{s: (rows["status"] == s).astype(int) for s in STATUSES},
            **{v: (concluded & (rows["verdict"] == v)).astype(int) for v in VERDICTS},
            "concluded_cost": rows["cost_eur"].where(concluded, 0.0).fillna(0.0),
            "concluded_effort": rows["effort_hours"].where(concluded, 0.0).fillna(0.0),
            "customer": rows["customer_outcome"].astype(int),
            "cost_eur": rows["cost_eur"],
            "effort_hours": rows["effort_hours"],
        }
    )
    grouped = work.groupby(names, observed=True, sort=True)
    sums = grouped.sum(numeric_only=True, min_count=0)
    result = pd.DataFrame(index=sums.index)
    result["experiments"] = sums["experiments"].astype(int)
    for column in (*STATUSES, *VERDICTS):
        result[column] = sums[column].astype(int)
    result["win_rate"] = _ratio(sums["supported"], sums["concluded"])
    result["decisions_per_month"] = sums["concluded"] / span if span else np.nan
    days = rows.loc[concluded, [*names, "days_to_decision"]]
    result["median_days_to_decision"] = days.groupby(names, observed=True)["days_to_decision"].median()
    result["cost_eur"] = grouped["cost_eur"].sum(min_count=1)
    result["cost_per_learning"] = _ratio(sums["concluded_cost"], sums["concluded"])
    result["cost_per_supported"] = _ratio(sums["concluded_cost"], sums["supported"])
    result["effort_hours"] = grouped["effort_hours"].sum(min_count=1)
    result["effort_per_learning"] = _ratio(sums["concluded_effort"], sums["concluded"])
    result["effort_per_supported"] = _ratio(sums["concluded_effort"], sums["supported"])
    result["customer_outcome_share"] = _ratio(sums["customer"], sums["experiments"])
    ordered: pd.DataFrame = result[list(INSIGHT_COLUMNS)]
    return ordered


def summary(source: Source, by: str | Sequence[str] = "organisation") -> pd.DataFrame:
    """The overall table: :func:`insights` by ``by`` (default organisation) and a last row
    ``all`` for the whole portfolio (an experiment of several purposes counts once there)."""
    table = experiments_table(source)
    groups = insights(table, by)
    total = insights(table, None)
    if isinstance(groups.index, pd.MultiIndex):
        total.index = pd.MultiIndex.from_tuples([("all",) * groups.index.nlevels], names=groups.index.names)
    else:
        total.index = pd.Index(["all"], name=groups.index.name)
    return pd.concat([groups, total])


def decisions_per_month(source: Source, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Decisions made in each calendar month, by kind (scale_up, adapt, stop) and in total.

    Indexed by month (a monthly Period) over the portfolio's decision span, months without a
    decision included as zeros; with ``by``, indexed by the group and the month.
    """
    table = experiments_table(source)
    decided = table[table["status"] == "concluded"].dropna(subset=["decided_on"])
    names = _group_names(by)
    columns = [*DECISIONS, "total"]
    if decided.empty:
        index = pd.PeriodIndex([], freq="M", name="month")
        empty: pd.DataFrame = pd.DataFrame(0, index=index, columns=columns)
        if names:
            empty.index = pd.MultiIndex.from_arrays([[]] * (len(names) + 1), names=[*names, "month"])
        return empty
    months = pd.period_range(decided["decided_on"].min(), decided["decided_on"].max(), freq="M", name="month")
    rows, group_names = _grouped(decided, by)
    rows = rows.assign(month=rows["decided_on"].dt.to_period("M"))
    counts = pd.crosstab([rows[name] for name in group_names] + [rows["month"]], rows["decision"].astype(str)).reindex(
        columns=DECISIONS, fill_value=0
    )
    if not names:
        counts = counts.droplevel(0).reindex(months, fill_value=0)
        counts.index.name = "month"
    else:
        groups = counts.index.droplevel(-1).unique()
        full = pd.MultiIndex.from_tuples(
            [(*(g if isinstance(g, tuple) else (g,)), m) for g in groups for m in months],
            names=[*group_names, "month"],
        )
        counts = counts.reindex(full, fill_value=0)
    counts.columns.name = None
    counts["total"] = counts[DECISIONS].sum(axis=1)
    whole: pd.DataFrame = counts.astype(int)
    return whole


def status_counts(source: Source, by: str | Sequence[str] | None = "organisation") -> pd.DataFrame:
    """Experiments by status (columns draft, running, stopped, concluded), one row per group."""
    rows, names = _grouped(experiments_table(source), by)
    counts = pd.crosstab([rows[n] for n in names], rows["status"].astype(str))
    counts = counts.reindex(columns=STATUSES, fill_value=0)
    counts.columns.name = "status"
    whole: pd.DataFrame = counts.astype(int)
    return whole


def verdict_counts(source: Source, by: str | Sequence[str] | None = "organisation") -> pd.DataFrame:
    """Concluded experiments by verdict (supported, refuted, inconclusive), one row per group;
    groups without a concluded experiment are left out."""
    table = experiments_table(source)
    table = table[table["status"] == "concluded"]
    rows, names = _grouped(table, by)
    if rows.empty:
        nothing: pd.DataFrame = pd.DataFrame(columns=pd.Index(VERDICTS, name="verdict"), dtype=int)
        return nothing
    counts = pd.crosstab([rows[n] for n in names], rows["verdict"].astype(str))
    counts = counts.reindex(columns=VERDICTS, fill_value=0)
    counts.columns.name = "verdict"
    whole: pd.DataFrame = counts.astype(int)
    return whole


class Portfolio:
    """A portfolio of experiments for notebooks: shown as the portfolio table (``_repr_html_``),
    with the insights at hand::

        kokeilu.portfolio.Portfolio(tracker)                 # the table by organisation
        kokeilu.portfolio.Portfolio(tracker, by="purpose")   # by municipal purpose

    The experiments are read once, when the portfolio is made: it is a snapshot, and it stays
    usable after the tracker is closed.
    """

    def __init__(self, source: Source, by: str | Sequence[str] = "organisation") -> None:
        """Reads the experiments of ``source`` (a tracker, experiments or a table from
        :func:`experiments_table`); ``by`` groups the table that is shown."""
        _group_names(by)
        self._table = experiments_table(source)
        self._by = by

    @property
    def table(self) -> pd.DataFrame:
        """One row per experiment (see :func:`experiments_table`)."""
        return self._table

    @property
    def by(self) -> str | Sequence[str]:
        """The grouping of the table that is shown."""
        return self._by

    def summary(self) -> pd.DataFrame:
        """The insights by :attr:`by` with a last row ``all`` (see :func:`summary`)."""
        return summary(self._table, self._by)

    def insights(self, by: str | Sequence[str] | None = None) -> pd.DataFrame:
        """The insights by ``by`` (see :func:`insights`)."""
        return insights(self._table, by)

    def decisions_per_month(self, by: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Decisions per calendar month (see :func:`decisions_per_month`)."""
        return decisions_per_month(self._table, by)

    def status_counts(self, by: str | Sequence[str] | None = "organisation") -> pd.DataFrame:
        """Experiments by status per group (see :func:`status_counts`)."""
        return status_counts(self._table, by)

    def verdict_counts(self, by: str | Sequence[str] | None = "organisation") -> pd.DataFrame:
        """Concluded experiments by verdict per group (see :func:`verdict_counts`)."""
        return verdict_counts(self._table, by)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return self.text()

    def text(self, *, lang: str | None = None) -> str:
        """The portfolio in one line (what ``repr`` shows): how many experiments in each status,
        in ``lang`` ("fi", "sv" or "en", default :func:`kokeilu.get_language`)."""
        msgs = messages(lang)
        counts = self._table["status"].value_counts()
        parts = ", ".join(
            f"{msgs.number(int(counts.get(s, 0)))} {msgs.text(f'label:Status:{s}')}"
            for s in STATUSES
            if counts.get(s, 0)
        )
        count = len(self._table)
        whole = msgs.text("html.portfolio_repr", count).format(count=msgs.number(count))
        return f"<kokeilu {whole} ({parts or msgs.text('html.none')})>"

    def _repr_html_(self) -> str:
        # display imports this module, so it is imported here, when the portfolio is shown.
        from .display import portfolio_html

        return portfolio_html(self._table, self._by)

    def html(self, *, lang: str | None = None) -> str:
        """The portfolio table as HTML (what ``_repr_html_`` shows, in the current language), in
        ``lang`` ("fi", "sv" or "en", default :func:`kokeilu.get_language`)."""
        from .display import portfolio_html

        return portfolio_html(self._table, self._by, lang=lang)
