"""HTML for notebooks: an experiment (Test Card, status, lock and amendments, metrics, arms,
outcome) and the portfolio table.

Every text that comes from the tracker (titles, Test Cards, names, reasons, notes) is escaped with
:func:`html.escape`, so whatever a user wrote is shown as text and never becomes markup. The
functions return strings; ``Experiment._repr_html_`` and the notebooks use them.
"""

from __future__ import annotations

import datetime
import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from . import portfolio
from ._core import Experiment, Metric
from ._tracker import Tracker
from .portfolio import INSIGHT_COLUMNS, Source

__all__ = ["early_start_text", "experiment_html", "portfolio_html"]

_STATUS_COLOURS = {"draft": "#6b7280", "running": "#1d6fb8", "stopped": "#b7791f", "concluded": "#374151"}
_VERDICT_COLOURS = {"supported": "#2e7d32", "refuted": "#c62828", "inconclusive": "#6b7280"}
_TEST_CARD = (
    ("we_believe", "We believe that"),
    ("to_verify", "To verify that, we will"),
    ("and_measure", "And measure"),
    ("right_if", "We are right if"),
    ("data_seen", "Had any of the data been seen already?"),
)
_LEARNING_CARD = (
    ("we_believed", "We believed that"),
    ("we_observed", "We observed"),
    ("we_learned", "From that we learned"),
    ("therefore", "Therefore, we will"),
)
_ARMS_HEADING = {"concurrent": "Arms", "before_after": "Periods", "one_sample": "Group"}
_TABLE = 'style="border-collapse:collapse;margin:0.3em 0 0.8em 0;font-size:0.92em"'
_CELL = 'style="border:1px solid #d0d4da;padding:3px 8px;text-align:left;vertical-align:top"'
_HEAD = 'style="border:1px solid #d0d4da;padding:3px 8px;text-align:left;background:#f3f4f6"'
_MUTED = 'style="color:#6b7280"'


def _e(value: Any) -> str:
    """Escaped text of any value ('' for None)."""
    return "" if value is None else html.escape(str(value), quote=True)


def _badge(text: str, colour: str) -> str:
    return (
        f'<span style="background:{colour};color:white;border-radius:0.6em;padding:1px 8px;'
        f'font-size:0.85em;font-weight:600">{_e(text)}</span>'
    )


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], *, escaped: bool = False) -> str:
    """A table; cells are escaped unless ``escaped`` says they already are."""
    head = "".join(f"<th {_HEAD}>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td {_CELL}>{cell if escaped else _e(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table {_TABLE}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _card(parts: Sequence[tuple[str, str]], source: Any) -> str:
    def empty(name: str) -> str:
        return "<em>(not answered)</em>" if name == "data_seen" else "<em>(empty)</em>"

    rows = "".join(
        f"<tr><th {_HEAD}>{_e(label)}{'' if label.endswith('?') else ' …'}</th>"
        f"<td {_CELL}>{_e(getattr(source, name)) or empty(name)}</td></tr>"
        for name, label in parts
    )
    return f"<table {_TABLE}><tbody>{rows}</tbody></table>"


def early_start_text(experiment: Experiment) -> str:
    """"Started N days before the Test Card was locked: ..." for an experiment whose start is dated
    at least a day before its lock, else ''."""
    days = experiment.days_started_before_lock
    if days is None or experiment.actual_start is None:
        return ""
    return (
        f"Started {days} day{'' if days == 1 else 's'} before the Test Card was locked: data from "
        f"{_date(experiment.actual_start)} to {_time(experiment.locked_at)} may have been seen before the "
        "criterion was fixed."
    )


def _number(value: float | None, digits: int = 4) -> str:
    if value is None or math.isnan(value):
        return "–"
    return f"{value:.{digits}g}"


def _money(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    return f"{value:,.0f}".replace(",", "\u202f") + " €"


def _hours(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    return f"{value:,.0f}".replace(",", "\u202f") + " h"


def _date(value: datetime.date | None) -> str:
    return "–" if value is None else value.isoformat()


def _time(value: datetime.datetime | None) -> str:
    if value is None:
        return "–"
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _effect(metric: Metric) -> str:
    if metric.effect_scale.name == "relative":
        return f"{metric.minimum_effect * 100:.3g} % (relative)"
    return f"{metric.minimum_effect:g}" + (f" {metric.unit}" if metric.unit else "")


def _valid_range(metric: Metric) -> str:
    """"1–5", "≥ 0", "≤ 100", or "–" when the metric has no valid range."""
    low, high = metric.valid_min, metric.valid_max
    if low is not None and high is not None:
        return f"{_number(low)}–{_number(high)}"
    if low is not None:
        return f"≥ {_number(low)}"
    if high is not None:
        return f"≤ {_number(high)}"
    return "–"


def _metric_rows(experiment: Experiment) -> list[list[str]]:
    rows = []
    for m in experiment.metrics:
        impact = _e(m.impact.name.replace("_", " "))
        if m.impact.name == "activity_output":
            impact = (
                f'<span style="color:#b7791f" title="an activity count is not a customer outcome">⚠ {impact}</span>'
            )
        effect_label = "largest acceptable worsening" if m.role.name == "guardrail" else "minimum worthwhile effect"
        rows.append(
            [
                f"<strong>{_e(m.name)}</strong>"
                + (f"<br><span {_MUTED}>{_e(m.description)}</span>" if m.description else ""),
                _e(m.role.name),
                _e(m.kind.name),
                _e(m.unit),
                _e(m.direction.name.replace("_", " ")),
                impact,
                _e(_number(m.baseline)) + (f" (sd {_e(_number(m.baseline_sd))})" if m.baseline_sd is not None else ""),
                f'<span title="{_e(effect_label)}">{_e(_effect(m))}</span>',
                _e(f"{m.confidence:.0%}"),
                _e(_valid_range(m)),
            ]
        )
    return rows


def _lock(experiment: Experiment) -> str:
    if not experiment.is_locked:
        return (
            f"<p {_MUTED}>Not locked yet: the Test Card, design, arms and metrics can change freely until "
            "the experiment starts.</p>"
        )
    text = (
        f"<p>🔒 Locked at start, {_e(_time(experiment.locked_at))} "
        f'<code title="{_e(experiment.lock_hash)}">{_e(experiment.lock_hash[:12])}</code>. '
    )
    early = early_start_text(experiment)
    warning = f'<p style="color:#b7791f">⚠ {_e(early)}</p>' if early else ""
    if not experiment.amendments:
        return text + "No amendments since.</p>" + warning
    count = len(experiment.amendments)
    text += f"<strong>Amended after start</strong> ({count} change{'' if count == 1 else 's'}):</p>" + warning
    rows = [[_time(a.at), a.field, a.old_value, a.new_value, a.reason, a.author] for a in experiment.amendments]
    text += _table(["when", "field", "locked value", "new value", "reason", "author"], rows)
    changes = experiment.criterion_changes
    if changes:
        text += (
            "<p>The success criterion itself was amended: the verdict is judged against the criterion as "
            "locked, and a second, <em>exploratory</em> judgement against the amended one (the criterion was "
            "changed after data had been seen).</p>"
            + _table(
                ["criterion", "locked", "amended"], [[c.field, c.locked_value, c.amended_value] for c in changes]
            )
        )
    return text


def _outcome(experiment: Experiment) -> str:
    outcome = experiment.outcome
    if outcome is None:
        if experiment.status.name == "stopped":
            return f'<h4 style="margin:0.6em 0 0.2em 0">Stopped</h4><p>{_e(experiment.stop_reason)}</p>'
        return ""
    verdict = outcome.verdict.name
    judgements = ""
    if outcome.amended_verdict is not None:
        amended = outcome.amended_verdict.name
        chosen = outcome.judged_against.name
        judgements = (
            f"<p>Against the criterion locked at start: {_badge(verdict, _VERDICT_COLOURS.get(verdict, '#6b7280'))}"
            f" · against the amended criterion (exploratory): "
            f"{_badge(amended, _VERDICT_COLOURS.get(amended, '#6b7280'))} · "
            f"the team chose the <strong>{_e(chosen)}</strong> criterion.</p>"
        )
    return (
        f'<h4 style="margin:0.6em 0 0.2em 0">Outcome {_badge(verdict, _VERDICT_COLOURS.get(verdict, "#6b7280"))} '
        f"decision: <strong>{_e(outcome.decision.name.replace('_', ' '))}</strong>, "
        f"decided on {_e(_date(outcome.decided_on))}</h4>" + judgements + _card(_LEARNING_CARD, outcome.learning)
    )


def _tracker_part(experiment: Experiment, tracker: Tracker | None, notes: int) -> str:
    if tracker is None:
        return ""
    count = tracker.count_observations(experiment)
    text = f"<p>{count:,} observations over all metrics.</p>".replace(",", "\u202f")
    journal = tracker.journal(experiment)
    if journal and notes > 0:
        shown = journal[-notes:]
        rows = [[_time(j.at), j.author, j.text] for j in shown]
        more = f" (latest {len(shown)} of {len(journal)})" if len(journal) > len(shown) else ""
        text += f'<h4 style="margin:0.6em 0 0.2em 0">Journal{_e(more)}</h4>' + _table(["when", "author", "note"], rows)
    return text


def experiment_html(experiment: Experiment, tracker: Tracker | None = None, *, notes: int = 5) -> str:
    """An experiment as HTML: status, organisation, dates and budget, the Test Card, the lock and
    its amendments, metrics, arms, and the outcome with its Learning Card (or the stop reason).

    With ``tracker`` the number of observations and the latest ``notes`` journal notes are added.
    """
    if not isinstance(experiment, Experiment):
        raise TypeError(f"experiment: expected an Experiment, got {type(experiment).__name__}")
    e = experiment
    status = e.status.name
    purposes = ", ".join(p.name for p in e.purposes)
    facts = [
        ("organisation", f"{_e(e.organisation)} · {_e(e.unit)}" if e.unit else _e(e.organisation)),
        ("owner", _e(e.owner)),
        ("purposes", _e(purposes)),
        ("tags", _e(", ".join(e.tags))),
        ("design", _e(e.design.name.replace("_", "/"))),
        ("planned", f"{_e(_date(e.planned_start))} – {_e(_date(e.planned_end))}"),
        ("actual", f"{_e(_date(e.actual_start))} – {_e(_date(e.actual_end))}"),
        ("cost", f"planned {_e(_money(e.planned_cost_eur))}, actual {_e(_money(e.actual_cost_eur))}"),
        ("effort", f"planned {_e(_hours(e.planned_effort_hours))}, actual {_e(_hours(e.actual_effort_hours))}"),
    ]
    if e.risk:
        facts.append(("risk", _e(e.risk)))
    fact_rows = "".join(f"<tr><th {_HEAD}>{_e(k)}</th><td {_CELL}>{v}</td></tr>" for k, v in facts if v)
    arms = _table(["arm", "role", "description"], [[a.name, a.role.name, a.description] for a in e.arms])
    parts = [
        '<div class="kokeilu-experiment" style="font-family:sans-serif;max-width:72em">',
        f'<h3 style="margin:0.2em 0">{_e(e.key)} · {_e(e.title)} '
        f"{_badge(status, _STATUS_COLOURS.get(status, '#6b7280'))}</h3>",
        f"<p {_MUTED}>{_e(e.summary)}</p>" if e.summary else "",
        f"<table {_TABLE}><tbody>{fact_rows}</tbody></table>",
        '<h4 style="margin:0.6em 0 0.2em 0">Test Card</h4>',
        _card(_TEST_CARD, e.test_card),
        _lock(e),
        '<h4 style="margin:0.6em 0 0.2em 0">Metrics</h4>',
        _table(
            ["metric", "role", "kind", "unit", "direction", "impact", "baseline", "minimum effect", "confidence",
             "valid range"],
            _metric_rows(e),
            escaped=True,
        ),
        f'<h4 style="margin:0.6em 0 0.2em 0">{_ARMS_HEADING.get(e.design.name, "Arms")}</h4>',
        arms,
        _outcome(e),
        _tracker_part(e, tracker, notes),
        "</div>",
    ]
    return "".join(parts)


def _format(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if column in ("win_rate", "customer_outcome_share"):
        return f"{value:.0%}"
    if column.startswith("cost"):
        return _money(float(value))
    if column.startswith("effort"):
        return _hours(float(value))
    if column == "decisions_per_month":
        return f"{value:.2f}"
    if column == "median_days_to_decision":
        return f"{value:.0f} d"
    if isinstance(value, float) and value.is_integer():
        return f"{value:.0f}"
    return str(value)


def portfolio_html(
    source: Source,
    by: str | Sequence[str] = "organisation",
    *,
    columns: Sequence[str] | None = None,
    title: str = "Portfolio",
) -> str:
    """The portfolio table as HTML: :func:`kokeilu.portfolio.summary` by ``by`` with its ``all``
    row, or a table of insights given as it is (a DataFrame whose columns are insight columns).

    ``columns`` picks and orders the columns shown (default: all of them).
    """
    if isinstance(source, pd.DataFrame) and set(source.columns) <= set(INSIGHT_COLUMNS):
        table = source
    else:
        table = portfolio.summary(source, by)
    shown = list(table.columns) if columns is None else list(columns)
    unknown = [c for c in shown if c not in table.columns]
    if unknown:
        raise ValueError(f"columns: unknown {', '.join(unknown)}; known: {', '.join(table.columns)}")
    names = [str(n or "") for n in table.index.names]
    header = [*names, *(str(c).replace("_", " ") for c in shown)]
    rows = []
    for index, record in zip(table.index, table[shown].itertuples(index=False), strict=True):
        keys = index if isinstance(index, tuple) else (index,)
        cells = [f"<strong>{_e(k)}</strong>" if k == "all" else _e(k) for k in keys]
        cells += [_e(_format(c, v)) for c, v in zip(shown, record, strict=True)]
        rows.append(cells)
    return (
        '<div class="kokeilu-portfolio" style="font-family:sans-serif">'
        f'<h3 style="margin:0.2em 0">{_e(title)}</h3>'
        + _table(header, rows, escaped=True)
        + f"<p {_MUTED}>win rate: share supported among concluded; cost and effort per learning: per "
        "concluded experiment; customer outcome share: primary metric is a customer outcome.</p></div>"
    )
