"""HTML for notebooks: an experiment (Test Card, status, lock and amendments, metrics, arms,
outcome) and the portfolio table.

Every text that comes from the tracker (titles, Test Cards, names, reasons, notes) is escaped with
:func:`html.escape`, so whatever a user wrote is shown as text and never becomes markup. The
functions return strings; ``Experiment._repr_html_`` and the notebooks use them. Their words come
from the gettext catalogues (keys ``html.*``, and the command's ``label:*`` for the names of
statuses, verdicts and roles) in the language chosen by ``lang=`` or :func:`kokeilu.set_language`;
numbers, per cents and dates are written as that language writes them (:mod:`kokeilu.cli.locale_formats`).
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from . import portfolio, units
from ._core import Experiment, Metric
from ._language import messages
from ._shown import finder, has_planned_shares, link_texts, planned_share, shown_name
from ._tracker import Tracker
from .cli.i18n import Messages, english_texts
from .portfolio import INSIGHT_COLUMNS, Source

__all__ = ["early_start_text", "experiment_html", "portfolio_html"]

_STATUS_COLOURS = {"draft": "#6b7280", "running": "#1d6fb8", "stopped": "#b7791f", "concluded": "#374151"}
_VERDICT_COLOURS = {"supported": "#2e7d32", "refuted": "#c62828", "inconclusive": "#6b7280"}
_TEST_CARD = ("we_believe", "to_verify", "and_measure", "right_if", "data_seen")
_LEARNING_CARD = ("we_believed", "we_observed", "we_learned", "therefore")
_ARMS_HEADING = {
    "concurrent": "html.arms",
    "before_after": "html.periods",
    "one_sample": "html.group",
    "difference_in_differences": "html.arms",
    "interrupted_time_series": "html.periods",
}
_FACTS = ("organisation", "origin", "links", "owner", "purposes", "tags", "design", "planned", "actual", "cost", "effort", "risk")
_METRIC_COLUMNS = (
    "metric", "role", "kind", "unit", "direction", "impact", "baseline", "minimum_effect", "confidence", "valid_range"
)
_TABLE = 'style="border-collapse:collapse;margin:0.3em 0 0.8em 0;font-size:0.92em"'
_CELL = 'style="border:1px solid #d0d4da;padding:3px 8px;text-align:left;vertical-align:top"'
_HEAD = 'style="border:1px solid #d0d4da;padding:3px 8px;text-align:left;background:#f3f4f6"'
_MUTED = 'style="color:#6b7280"'
_H4 = 'style="margin:0.6em 0 0.2em 0"'


def _e(value: Any) -> str:
    """Escaped text of any value ('' for None)."""
    return "" if value is None else html.escape(str(value), quote=True)


def _h(msgs: Messages, key: str, number: int = 2, /, **parts: str) -> str:
    """A catalogue text as HTML (in its form for ``number`` when counted): the translation is
    escaped, then ``parts`` (HTML already) are put in its placeholders, so markup such as a badge
    can sit inside a translated sentence."""
    return _e(msgs.text(key, number)).format(**parts)


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


def _columns(msgs: Messages, *names: str) -> list[str]:
    return [msgs.text(f"html.column.{name}") for name in names]


def _card(msgs: Messages, card: str, names: Sequence[str], source: Any) -> str:
    def empty(name: str) -> str:
        return f"<em>{_e(msgs.text('html.not_answered' if name == 'data_seen' else 'html.empty'))}</em>"

    rows = []
    for name in names:
        label = msgs.text(f"html.{card}.{name}")
        rows.append(
            f"<tr><th {_HEAD}>{_e(label)}{'' if label.endswith('?') else ' …'}</th>"
            f"<td {_CELL}>{_e(getattr(source, name)) or empty(name)}</td></tr>"
        )
    return f"<table {_TABLE}><tbody>{''.join(rows)}</tbody></table>"


def early_start_text(experiment: Experiment, *, lang: str | None = None) -> str:
    """"Started N days before the Test Card was locked: ..." for an experiment whose start is dated
    at least a day before its lock, else ''."""
    days = experiment.days_started_before_lock
    if days is None or experiment.actual_start is None:
        return ""
    msgs = messages(lang)
    return msgs(
        "show.early_start", days=days, start=msgs.date(experiment.actual_start), locked=msgs.time(experiment.locked_at)
    )


def _number(msgs: Messages, value: float | None, digits: int = 4) -> str:
    return msgs.figure(value, digits)


def _amount(msgs: Messages, value: float | None, unit: str) -> str:
    """Whole euros or hours with the language's grouping: 12 000 € in Finnish, 12,000 € in English."""
    if value is None or math.isnan(value):
        return "–"
    return f"{msgs.number(round(value))} {unit}"


def _effect(msgs: Messages, metric: Metric) -> str:
    if metric.effect_scale.name == "relative":
        return msgs("html.relative", value=msgs.percent(metric.minimum_effect))
    return msgs.quantity(metric.minimum_effect, None, metric, difference=True)


def _valid_range(msgs: Messages, metric: Metric) -> str:
    """"1–5", "≥ 0", "≤ 100", or "–" when the metric has no valid range."""
    low, high = metric.valid_min, metric.valid_max
    if low is not None and high is not None:
        return msgs.span(_number(msgs, low), _number(msgs, high))
    if low is not None:
        return f"≥ {_number(msgs, low)}"
    if high is not None:
        return f"≤ {_number(msgs, high)}"
    return "–"


def _metric_rows(msgs: Messages, experiment: Experiment) -> list[list[str]]:
    rows = []
    for m in experiment.metrics:
        impact = _e(msgs.label(m.impact))
        if m.impact.name == "activity_output":
            title = _e(msgs.text("html.activity_title"))
            impact = f'<span style="color:#b7791f" title="{title}">⚠ {impact}</span>'
        effect_label = msgs.text("html.largest_worsening" if m.role.name == "guardrail" else "html.minimum_effect")
        baseline = _number(msgs, m.baseline)
        if m.baseline_sd is not None:
            baseline = msgs("html.baseline_sd", baseline=baseline, sd=_number(msgs, m.baseline_sd))
        rows.append(
            [
                # The label people read, and the identifier observations name the metric by.
                f"<strong>{_e(shown_name(m))}</strong>"
                + (f" <code>{_e(m.name)}</code>" if m.label else "")
                + (f"<br><span {_MUTED}>{_e(m.description)}</span>" if m.description else ""),
                _e(msgs.label(m.role)),
                _e(msgs.label(m.kind)),
                _e(units.unit_name(msgs.lang, m.unit)),
                _e(msgs.label(m.direction)),
                impact,
                _e(baseline),
                f'<span title="{_e(effect_label)}">{_e(_effect(msgs, m))}</span>',
                _e(msgs.percent(m.confidence)),
                _e(_valid_range(msgs, m)),
            ]
        )
    return rows


def _lock(msgs: Messages, experiment: Experiment) -> str:
    if not experiment.is_locked:
        return f"<p {_MUTED}>{_h(msgs, 'html.not_locked')}</p>"
    code = f'<code title="{_e(experiment.lock_hash)}">{_e(experiment.lock_hash[:12])}</code>'
    text = "<p>🔒 " + _h(msgs, "html.locked", time=_e(msgs.time(experiment.locked_at)), hash=code) + " "
    early = early_start_text(experiment, lang=msgs.lang)
    warning = f'<p style="color:#b7791f">⚠ {_e(early)}</p>' if early else ""
    if not experiment.amendments:
        return text + _h(msgs, "html.no_amendments") + "</p>" + warning
    count = len(experiment.amendments)
    text += (
        f"<strong>{_h(msgs, 'html.amended_after_start')}</strong> "
        + _h(msgs, "html.changes", count, count=_e(msgs.number(count)))
        + "</p>"
        + warning
    )
    rows = [[msgs.time(a.at), a.field, a.old_value, a.new_value, a.reason, a.author] for a in experiment.amendments]
    text += _table(_columns(msgs, "when", "field", "locked_value", "new_value", "reason", "author"), rows)
    changes = experiment.criterion_changes
    if changes:
        text += f"<p>{_h(msgs, 'html.criterion_amended')}</p>" + _table(
            _columns(msgs, "criterion", "locked", "amended"),
            [[c.field, c.locked_value, c.amended_value] for c in changes],
        )
    return text


def _verdict_badge(msgs: Messages, verdict: Any) -> str:
    return _badge(msgs.label(verdict), _VERDICT_COLOURS.get(verdict.name, "#6b7280"))


def _outcome(msgs: Messages, experiment: Experiment) -> str:
    outcome = experiment.outcome
    if outcome is None:
        if experiment.status.name == "stopped":
            return f"<h4 {_H4}>{_h(msgs, 'html.stopped')}</h4><p>{_e(experiment.stop_reason)}</p>"
        return ""
    judgements = ""
    if outcome.amended_verdict is not None:
        judgements = "<p>" + _h(
            msgs,
            "html.judgements",
            locked=_verdict_badge(msgs, outcome.verdict),
            amended=_verdict_badge(msgs, outcome.amended_verdict),
            chosen=f"<strong>{_e(msgs.label(outcome.judged_against))}</strong>",
        ) + "</p>"
    heading = _h(
        msgs,
        "html.outcome",
        verdict=_verdict_badge(msgs, outcome.verdict),
        decision=f"<strong>{_e(msgs.label(outcome.decision))}</strong>",
        date=_e(msgs.date(outcome.decided_on)),
    )
    return f"<h4 {_H4}>{heading}</h4>" + judgements + _card(msgs, "learning_card", _LEARNING_CARD, outcome.learning)


def _tracker_part(msgs: Messages, experiment: Experiment, tracker: Tracker | None, notes: int) -> str:
    if tracker is None:
        return ""
    count = tracker.count_observations(experiment)
    text = f"<p>{_h(msgs, 'html.observations', count, count=_e(msgs.number(count)))}</p>"
    journal = tracker.journal(experiment)
    if journal and notes > 0:
        shown = journal[-notes:]
        rows = [[msgs.time(j.at), j.author, j.text] for j in shown]
        more = ""
        if len(journal) > len(shown):
            more = " " + _h(msgs, "html.latest", shown=_e(msgs.number(len(shown))), total=_e(msgs.number(len(journal))))
        text += f"<h4 {_H4}>{_h(msgs, 'html.journal')}{more}</h4>"
        text += _table(_columns(msgs, "when", "author", "note"), rows)
    return text


def _follow_ups(msgs: Messages, experiment: Experiment, tracker: Tracker | None) -> str:
    """The scheduled follow-ups and what became of the effect at each (kokeilu/follow_up.hpp)."""
    from ._tracker_follow_ups import follow_up_rows

    rows = [] if tracker is None else follow_up_rows(tracker, experiment)
    if not rows:
        return ""
    body = []
    for row in rows:
        status = row["follow_up_status"]
        difference = "–" if row["difference"] is None else (
            f"{_number(msgs, row['difference'])} ({_number(msgs, row['difference_low'])} – "
            f"{_number(msgs, row['difference_high'])})"
        )
        persistence = row["persistence"]
        body.append([
            msgs.number(row["months"]),
            msgs.date(row["due"]),
            row["follow_up"] or "–",
            "–" if status is None else msgs.enum_label("Status", status),
            difference,
            "–" if persistence is None else msgs.text(f"follow_up.persistence.{persistence}"),
        ])
    header = [msgs.text(key) for key in ("follow_up.col_months", "follow_up.col_due", "follow_up.col_follow_up",
                                         "col.status", "follow_up.col_difference", "follow_up.col_persistence")]
    return f"<h4 {_H4}>{_h(msgs, 'follow_up.title')}</h4>" + _table(header, body)


def _facts(msgs: Messages, e: Experiment, tracker: Tracker | None = None) -> dict[str, str]:
    """The experiment's facts as HTML, by name; empty ones are left out when shown. With
    ``tracker`` the linked experiments are named by key and organisation, else by UUID."""

    def planned_actual(planned: str, actual: str) -> str:
        return _h(msgs, "html.planned_actual", planned=_e(planned), actual=_e(actual))

    return {
        "organisation": f"{_e(e.organisation)} · {_e(e.unit)}" if e.unit else _e(e.organisation),
        "owner": _e(e.owner),
        "purposes": _e(", ".join(msgs.label(p) for p in e.purposes)),
        "tags": _e(", ".join(e.tags)),
        "design": _e(msgs.label(e.design)),
        "planned": f"{_e(msgs.date(e.planned_start))} – {_e(msgs.date(e.planned_end))}",
        "actual": f"{_e(msgs.date(e.actual_start))} – {_e(msgs.date(e.actual_end))}",
        "cost": planned_actual(_amount(msgs, e.planned_cost_eur, "€"), _amount(msgs, e.actual_cost_eur, "€")),
        "effort": planned_actual(
            _amount(msgs, e.planned_effort_hours, "h"), _amount(msgs, e.actual_effort_hours, "h")
        ),
        "risk": _e(e.risk),
        "links": "<br>".join(_e(t) for t in link_texts(msgs, e, None if tracker is None else finder(tracker))),
        "origin": ""
        if e.origin is None
        else _e(msgs("show.imported_from", organisation=e.origin.organisation, exporter=e.origin.exporter or "–",
                     date=msgs.date(e.origin.imported_at.date()))),
    }


def _fact_name(msgs: Messages, name: str) -> str:
    # The organisation is named as in the portfolio's column, one entry for one word.
    return msgs.text("html.column.organisation" if name == "organisation" else f"html.fact.{name}")


def experiment_html(
    experiment: Experiment, tracker: Tracker | None = None, *, notes: int = 5, lang: str | None = None
) -> str:
    """An experiment as HTML: status, organisation, dates and budget, the Test Card, the lock and
    its amendments, metrics, arms, and the outcome with its Learning Card (or the stop reason).

    With ``tracker`` the number of observations and the latest ``notes`` journal notes are added.
    ``lang`` ("fi", "sv" or "en") is the language of the texts, default :func:`kokeilu.get_language`.
    """
    msgs = messages(lang)
    if not isinstance(experiment, Experiment):
        raise TypeError(f"experiment: expected an Experiment, got {type(experiment).__name__}")
    e = experiment
    facts = _facts(msgs, e, tracker)
    fact_rows = "".join(
        f"<tr><th {_HEAD}>{_e(_fact_name(msgs, name))}</th><td {_CELL}>{facts[name]}</td></tr>"
        for name in _FACTS
        if facts[name]
    )
    # The planned shares only where the plan has them (else the arms share equally).
    if has_planned_shares(e.arms):
        arms = _table(
            _columns(msgs, "arm", "role", "planned_share", "description"),
            [[a.name, msgs.label(a.role), planned_share(msgs, e.arms, a), a.description] for a in e.arms],
        )
    else:
        arms = _table(
            _columns(msgs, "arm", "role", "description"), [[a.name, msgs.label(a.role), a.description] for a in e.arms]
        )
    parts = [
        '<div class="kokeilu-experiment" style="font-family:sans-serif;max-width:72em">',
        f'<h3 style="margin:0.2em 0">{_e(e.key)} · {_e(e.title)} '
        f"{_badge(msgs.label(e.status), _STATUS_COLOURS.get(e.status.name, '#6b7280'))}</h3>",
        f"<p {_MUTED}>{_e(e.summary)}</p>" if e.summary else "",
        f"<table {_TABLE}><tbody>{fact_rows}</tbody></table>",
        f"<h4 {_H4}>{_h(msgs, 'html.test_card')}</h4>",
        _card(msgs, "test_card", _TEST_CARD, e.test_card),
        _lock(msgs, e),
        f"<h4 {_H4}>{_h(msgs, 'html.metrics')}</h4>",
        _table(_columns(msgs, *_METRIC_COLUMNS), _metric_rows(msgs, e), escaped=True),
        f"<h4 {_H4}>{_h(msgs, _ARMS_HEADING.get(e.design.name, 'html.arms'))}</h4>",
        arms,
        _outcome(msgs, e),
        _follow_ups(msgs, e, tracker),
        _tracker_part(msgs, e, tracker, notes),
        "</div>",
    ]
    return "".join(parts)


def _format(msgs: Messages, column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if column in ("win_rate", "customer_outcome_share"):
        return msgs.percent(round(float(value), 2))
    if column.startswith("cost"):
        return _amount(msgs, float(value), "€")
    if column.startswith("effort"):
        return _amount(msgs, float(value), "h")
    if column == "decisions_per_month":
        return msgs.number(round(float(value), 2))
    if column == "median_days_to_decision":
        return msgs("html.days_short", days=msgs.number(round(float(value))))
    if isinstance(value, float) and value.is_integer():
        return msgs.number(int(value))
    if isinstance(value, numbers.Integral):  # counts come as numpy integers
        return msgs.number(int(value))
    return str(value)


def _group_label(msgs: Messages, grouping: str, value: Any) -> str:
    """A row's group as shown: the portfolio's "all" row and purposes in the language, names as typed."""
    if value == "all":
        return msgs.text("html.all")
    if grouping == "purpose" and f"label:Purpose:{value}" in english_texts():
        return msgs.text(f"label:Purpose:{value}")
    return str(value)


def portfolio_html(
    source: Source,
    by: str | Sequence[str] = "organisation",
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    lang: str | None = None,
) -> str:
    """The portfolio table as HTML: :func:`kokeilu.portfolio.summary` by ``by`` with its ``all``
    row, or a table of insights given as it is (a DataFrame whose columns are insight columns).

    ``columns`` picks and orders the columns shown (default: all of them); ``title`` defaults to
    "Portfolio" in the language ``lang`` ("fi", "sv" or "en", default :func:`kokeilu.get_language`).
    """
    msgs = messages(lang)
    if isinstance(source, pd.DataFrame) and set(source.columns) <= set(INSIGHT_COLUMNS):
        table = source
    else:
        table = portfolio.summary(source, by)
    shown = list(table.columns) if columns is None else list(columns)
    unknown = [c for c in shown if c not in table.columns]
    if unknown:
        raise ValueError(f"columns: unknown {', '.join(unknown)}; known: {', '.join(table.columns)}")
    names = [str(n or "") for n in table.index.names]
    known = english_texts()

    def heading(name: str) -> str:
        for key in (f"html.column.{name}", f"label:Status:{name}", f"label:Verdict:{name}"):
            if key in known:
                return msgs.text(key)
        return name.replace("_", " ")

    header = [*(heading(n) if n else "" for n in names), *(heading(str(c)) for c in shown)]
    rows = []
    for index, record in zip(table.index, table[shown].itertuples(index=False), strict=True):
        keys = index if isinstance(index, tuple) else (index,)
        cells = [
            f"<strong>{_e(_group_label(msgs, n, k))}</strong>" if k == "all" else _e(_group_label(msgs, n, k))
            for n, k in zip(names, keys, strict=True)
        ]
        cells += [_e(_format(msgs, c, v)) for c, v in zip(shown, record, strict=True)]
        rows.append(cells)
    return (
        '<div class="kokeilu-portfolio" style="font-family:sans-serif">'
        f'<h3 style="margin:0.2em 0">{_e(msgs.text("html.portfolio") if title is None else title)}</h3>'
        + _table(header, rows, escaped=True)
        + f"<p {_MUTED}>{_h(msgs, 'html.portfolio_note')}</p></div>"
    )
