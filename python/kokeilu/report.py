"""The portfolio report: one self-contained HTML file in the reader's language (fi, sv or en).

The report is what a development manager opens in a browser after the demo is made, or mails on:
the title and date, the summary figures (experiments by status, verdicts, decisions, cost and
pace), the portfolio table, one card per experiment (its Test Card, the verdict sentence and the
decision), the learning library (every experiment, own and imported from other municipalities, with
what was learned) and the portfolio's plots. It is one file that works offline: the styles are inlined,
the plots are embedded as PNG images with alt text, and nothing is loaded from the network::

    kokeilu report --db kokeilut.db --output portfolio.html --lang fi
    python -m kokeilu.report --db kokeilut.db --out portfolio.html --lang sv

Every word comes from the gettext catalogues (keys ``report.*``, and the displays' ``html.*`` and
``label:*``), and numbers, money and dates are written as the language writes them. The tables and
Test Cards are made by :mod:`kokeilu.display`, the plots by :mod:`kokeilu.plots`. pandas and
matplotlib are imported when a report is built, not when this module is, so that the command
starts fast.
"""

from __future__ import annotations

import argparse
import base64
import datetime
import html
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

    from ._core import Experiment
    from ._stats_meta import MetaAnalysis
    from ._tracker import Tracker
    from .cli.i18n import Messages

__all__ = ["DEFAULT_OUTPUT", "build_report", "main", "report_html"]

#: The file a report is written to when no other is named.
DEFAULT_OUTPUT = "kokeilu-report.html"

_STATUS_COLOURS = {"draft": "#5b6472", "running": "#1d6fb8", "stopped": "#9a6412", "concluded": "#374151"}
_VERDICT_COLOURS = {"supported": "#2e7d32", "refuted": "#c62828", "inconclusive": "#5b6472"}
_TEST_CARD = ("we_believe", "to_verify", "and_measure", "right_if")
_LEARNED = ("we_observed", "we_learned", "therefore")
#: The portfolio table's columns: the counts, the pace and the cost (the effort columns are in the notebook API).
_TABLE_COLUMNS = (
    "experiments",
    "concluded",
    "supported",
    "refuted",
    "inconclusive",
    "win_rate",
    "median_days_to_decision",
    "cost_eur",
    "cost_per_learning",
    "cost_per_supported",
    "customer_outcome_share",
)
_PACE = ("win_rate", "decisions_per_month", "median_days_to_decision", "cost_per_learning", "cost_per_supported",
         "customer_outcome_share")

# The page's look, inline so that the file works offline. The container has a maximum width and
# every table may wrap its cells, so nothing is wider than a 1280 px window; print drops the
# contents list and keeps cards and figures whole on a page.
_CSS = """
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:#1f2933;
background:#f5f6f8;line-height:1.45}
main{max-width:72rem;margin:0 auto;padding:1.5rem 1.25rem 3rem}
header{border-bottom:3px solid #1d6fb8;margin-bottom:1rem;padding-bottom:.75rem}
h1{font-size:1.9rem;margin:.2rem 0}
h2{font-size:1.35rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d4da;padding-bottom:.2rem}
h3{font-size:1.08rem;margin:.2rem 0 .4rem}
.question{font-size:1.1rem;color:#3e4c59;margin:.2rem 0}
.muted{color:#5b6472;font-size:.92rem}
nav ol{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;padding:0;list-style:none;margin:.5rem 0}
nav a{color:#1d6fb8}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.8rem}
.tiles .wide{grid-column:1/-1}
.tile dl.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(10rem,1fr));gap:.6rem 1rem;margin:0}
.figures div{display:flex;flex-direction:column-reverse;justify-content:flex-end;border-left:3px solid #1d6fb8;
padding-left:.6rem}
.tile .figures dd{margin:0;text-align:left;font-size:1.45rem;font-weight:700;font-variant-numeric:tabular-nums}
.figures dt{font-size:.88rem;color:#3e4c59}
.tile{background:#fff;border:1px solid #d0d4da;border-radius:.5rem;padding:.7rem .9rem}
.tile h3{font-size:.95rem;color:#3e4c59;margin:0 0 .3rem}
.big{font-size:2.2rem;font-weight:700;margin:0}
.tile dl{display:grid;grid-template-columns:1fr auto;gap:.1rem .8rem;margin:0}
.tile dd{margin:0;text-align:right;font-variant-numeric:tabular-nums;font-weight:600}
.tile dt{overflow-wrap:anywhere}
.table{background:#fff;border:1px solid #d0d4da;border-radius:.5rem;padding:.6rem .8rem;margin:.6rem 0}
.table{overflow-x:auto}
.table table{width:100%;border-collapse:collapse;font-size:.86rem!important}
.table th,.table td{padding:3px 5px!important}
.table th{overflow-wrap:break-word;hyphens:auto}
.table td{font-variant-numeric:tabular-nums;white-space:nowrap}
.table td:first-child{white-space:normal}
.table td:not(:first-child),.table th:not(:first-child){text-align:right!important}
.table.library td,.table.library th,.table.library td:not(:first-child),.table.library th:not(:first-child){
white-space:normal;text-align:left!important;vertical-align:top}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));gap:.9rem}
.card{background:#fff;border:1px solid #d0d4da;border-radius:.5rem;padding:.8rem 1rem;break-inside:avoid}
.card dl{margin:.3rem 0}
.card dt{font-weight:600;font-size:.9rem;color:#3e4c59}
.card dd{margin:0 0 .35rem 0;overflow-wrap:anywhere}
.badge{display:inline-block;color:#fff;border-radius:.7rem;padding:0 .55rem;font-size:.8rem;font-weight:600;
vertical-align:middle}
.verdict{margin:.5rem 0 .2rem;font-weight:600}
.warning{color:#8a5a00}
figure{background:#fff;border:1px solid #d0d4da;border-radius:.5rem;margin:.8rem 0;padding:.6rem;break-inside:avoid}
figure img{display:block;max-width:100%;height:auto;margin:0 auto}
figcaption{font-size:.9rem;color:#3e4c59;margin-top:.4rem}
footer{margin-top:2.5rem;color:#5b6472;font-size:.85rem}
@media print{
body{background:#fff;font-size:10.5pt}
main{max-width:none;padding:0}
nav{display:none}
.tile,.card,.table,figure{border-color:#999}
h2{break-after:avoid}
.badge{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}
"""


def _e(value: object) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def _badge(text: str, colour: str) -> str:
    return f'<span class="badge" style="background:{colour}">{_e(text)}</span>'


def _section(anchor: str, heading: str, body: str) -> str:
    return f'<section id="{anchor}"><h2>{_e(heading)}</h2>{body}</section>'


def _tile(heading: str, rows: Sequence[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in rows)
    return f'<div class="tile"><h3>{_e(heading)}</h3><dl>{items}</dl></div>'


def _summary(msgs: Messages, table: pd.DataFrame) -> str:
    """The summary figures: how many, by status, verdicts, decisions, and the cost and pace."""
    from . import portfolio
    from .display import _format  # the portfolio table's own formatting of each figure

    whole = portfolio.insights(table, None).iloc[0]
    concluded = table[table["status"] == "concluded"]
    decisions = concluded["decision"].astype(str).value_counts()
    total = int(whole["experiments"])
    tiles = [
        f'<div class="tile"><h3>{_e(msgs.text("report.experiments"))}</h3>'
        f'<p class="big">{_e(msgs.number(total))}</p><p class="muted">{_e(msgs.text("report.experiments_total"))}</p></div>',
        _tile(
            msgs.text("report.by_status"),
            [(msgs.text(f"label:Status:{s}"), msgs.number(int(whole[s]))) for s in portfolio.STATUSES],
        ),
        _tile(
            msgs.text("report.verdicts"),
            [(msgs.text(f"label:Verdict:{v}"), msgs.number(int(whole[v]))) for v in portfolio.VERDICTS],
        ),
        _tile(
            msgs.text("report.decisions"),
            [(msgs.text(f"label:Decision:{d}"), msgs.number(int(decisions.get(d, 0)))) for d in portfolio.DECISIONS],
        ),
    ]
    # Each figure's name, then its value; the value is shown above it (column-reverse).
    figures = "".join(
        f"<div><dt>{_e(msgs.text(f'html.column.{name}'))}</dt><dd>{_e(_format(msgs, name, whole[name]))}</dd></div>"
        for name in _PACE
    )
    heading = _e(msgs.text("report.cost_and_pace"))
    tiles.append(f'<div class="tile wide"><h3>{heading}</h3><dl class="figures">{figures}</dl></div>')
    return f'<div class="tiles">{"".join(tiles)}</div>'


def _tables(msgs: Messages, table: pd.DataFrame) -> str:
    from .display import portfolio_html

    parts = [f'<p class="muted">{_e(msgs.text("report.portfolio_intro"))}</p>']
    for by, heading in (("organisation", "report.by_organisation"), ("purpose", "report.by_purpose")):
        shown = portfolio_html(table, by, columns=_TABLE_COLUMNS, title=msgs.text(heading), lang=msgs.lang)
        parts.append(f'<div class="table">{shown}</div>')
    return "".join(parts)


def _definitions(msgs: Messages, card: str, names: Sequence[str], source: object) -> str:
    rows = []
    for name in names:
        text = getattr(source, name)
        if text:
            rows.append(f"<dt>{_e(msgs.text(f'html.{card}.{name}'))} …</dt><dd>{_e(text)}</dd>")
    return f"<dl>{''.join(rows)}</dl>" if rows else ""


def _verdict(msgs: Messages, e: Experiment) -> str:
    """The verdict sentence and decision of a concluded experiment, or why there is none yet."""
    outcome = e.outcome
    if outcome is not None:
        sentence = _e(msgs.text("report.verdict_sentence")).format(
            verdict=_badge(msgs.label(outcome.verdict), _VERDICT_COLOURS.get(outcome.verdict.name, "#5b6472")),
            decision=f"<strong>{_e(msgs.label(outcome.decision))}</strong>",
            date=_e(msgs.date(outcome.decided_on)),
        )
        learned = _definitions(msgs, "learning_card", _LEARNED, outcome.learning)
        return f'<p class="verdict">{sentence}</p>{learned}'
    status = e.status.name
    if status == "running":
        text = msgs("report.pending.running", date=msgs.date(e.actual_start))
    elif status == "stopped":
        text = msgs("report.pending.stopped", reason=e.stop_reason or "–")
    else:
        text = msgs.text("report.pending.draft")
    return f'<p class="verdict muted">{_e(text)}</p>'


def _library(msgs: Messages, tracker: Tracker) -> str:
    """The learning library: every experiment, own and imported, with whose it is, the verdict the
    team chose, the decision and what was learned (the rows of ``Tracker.search``)."""
    frame = tracker.search()
    own = msgs.text("report.library_own")
    headings = ("col.key", "col.title", "col.organisation", "col.imported_from", "col.verdict", "col.decision",
                "col.we_learned", "col.therefore")
    head = "".join(f"<th>{_e(msgs.text(h))}</th>" for h in headings)
    rows = []
    for row in frame.itertuples(index=False):
        verdict = (
            _badge(msgs.enum_label("Verdict", row.verdict), _VERDICT_COLOURS.get(row.verdict, "#5b6472"))
            if isinstance(row.verdict, str)
            else _e(msgs.enum_label("Status", str(row.status)))
        )
        decision = msgs.enum_label("Decision", row.decision) if isinstance(row.decision, str) else ""
        cells = (
            f'<td><a href="#{_e(row.key)}">{_e(row.key)}</a></td>',
            f"<td>{_e(row.title)}</td>",
            f"<td>{_e(row.organisation)}</td>",
            f"<td>{_e(row.imported_from or own)}</td>",
            f"<td>{verdict}</td>",
            f"<td>{_e(decision)}</td>",
            f"<td>{_e(row.we_learned)}</td>",
            f"<td>{_e(row.therefore)}</td>",
        )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<p class="muted">{_e(msgs.text("report.library_intro"))}</p>'
        f'<div class="table library"><table><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'
    )


#: The report lists the follow-ups due by its day plus this many days, so that one can be planned.
FOLLOW_UP_HORIZON_DAYS = 60


def _follow_ups(msgs: Messages, tracker: Tracker, day: datetime.date) -> str:
    """The follow-ups due by ``day`` + :data:`FOLLOW_UP_HORIZON_DAYS` that no concluded follow-up
    fills (the rows of ``Tracker.due``), overdue first."""
    until = day + datetime.timedelta(days=FOLLOW_UP_HORIZON_DAYS)
    frame = tracker.due(on=day, within_days=FOLLOW_UP_HORIZON_DAYS)
    intro = f'<p class="muted">{_e(msgs("report.follow_ups_intro", date=msgs.date(until)))}</p>'
    if frame.empty:
        return intro + f'<p>{_e(msgs("report.follow_ups.none", date=msgs.date(until)))}</p>'
    from ._tracker_follow_ups import SLOT_HEADINGS

    head = "".join(f"<th>{_e(msgs.text(h))}</th>" for h in SLOT_HEADINGS)
    rows = []
    for record in frame.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        status = row["follow_up_status"]
        overdue = int(row["days_overdue"])
        cells = (
            f'<a href="#{_e(row["original"])}">{_e(row["original"])}</a>',
            _e(row["organisation"]),
            _e(msgs.date(row["decided_on"])),
            _e(msgs.number(int(row["months"]))),
            _e(msgs.date(row["due"])),
            # Not due yet: a dash rather than a negative count of days.
            _e(msgs.number(overdue)) if overdue > 0 else "–",
            _e(row["follow_up"] or "–"),
            _e("–" if status is None else msgs.enum_label("Status", str(status))),
        )
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return intro + (f'<div class="table"><table id="follow-ups-due"><thead><tr>{head}</tr></thead>'
                    f'<tbody>{"".join(rows)}</tbody></table></div>')


def _card(msgs: Messages, e: Experiment) -> str:
    from .display import early_start_text

    place = " · ".join(
        part
        for part in (
            e.organisation,
            e.unit,
            ", ".join(msgs.label(p) for p in e.purposes),
            msgs.label(e.design),
        )
        if part
    )
    early = early_start_text(e, lang=msgs.lang)
    status = _badge(msgs.label(e.status), _STATUS_COLOURS.get(e.status.name, "#5b6472"))
    return (
        f'<article class="card" id="{_e(e.key)}">'
        f"<h3>{_e(e.key)} · {_e(e.title)} {status}</h3>"
        f'<p class="muted">{_e(place)}</p>'
        f"<h4>{_e(msgs.text('html.test_card'))}</h4>"
        + _definitions(msgs, "test_card", _TEST_CARD, e.test_card)
        + (f'<p class="warning">⚠ {_e(early)}</p>' if early else "")
        + _verdict(msgs, e)
        + "</article>"
    )


def _png(draw: Callable[[Axes], object], size: tuple[float, float]) -> str:
    """A plot drawn on a figure of its own (not pyplot's, so no window and no global state) as a
    data URI."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=size, layout="constrained")
    draw(figure.add_subplot())
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _plots(msgs: Messages, tracker: Tracker, table: pd.DataFrame) -> str:
    from . import plots

    lang = msgs.lang
    concluded = [e.key for e in tracker.experiments(status="concluded")]
    drawings: list[tuple[str, Callable[[Axes], object], tuple[float, float]]] = [
        ("by_status", lambda ax: plots.experiments_by_status(table, ax=ax, lang=lang), (9.0, 4.2)),
        ("verdicts_organisation", lambda ax: plots.verdicts_by(table, "organisation", ax=ax, lang=lang), (9.0, 4.2)),
        ("verdicts_purpose", lambda ax: plots.verdicts_by(table, "purpose", ax=ax, lang=lang), (9.0, 4.2)),
    ]
    if concluded:
        size = (10.0, max(2.6, 0.42 * len(concluded) + 1.8))
        drawings.append(
            ("effects", lambda ax: plots.effects_side_by_side(tracker, concluded, ax=ax, lang=lang), size)
        )
    drawings += [
        ("time_to_decision", lambda ax: plots.time_to_decision(table, ax=ax, lang=lang), (9.0, 4.2)),
        ("cost", lambda ax: plots.cost_per_experiment(table, ax=ax, lang=lang), (10.0, 5.0)),
        ("cost_per_supported", lambda ax: plots.cost_per_supported(table, ax=ax, lang=lang), (9.0, 4.2)),
    ]
    figures = []
    for name, draw, size in drawings:
        alt = msgs.text(f"report.alt.{name}")
        figures.append(
            f'<figure id="plot-{name}"><img src="{_png(draw, size)}" alt="{_e(alt)}">'
            f"<figcaption>{_e(alt)}</figcaption></figure>"
        )
    return "".join(figures)


def _replicated(tracker: Tracker) -> list[Experiment]:
    """The experiments of the tracker that others replicated, with at least one replication here."""
    experiments = tracker.experiments()
    replicated = {link.of for e in experiments for link in e.links if link.kind.name == "replication"}
    return [e for e in experiments if e.uuid in replicated]


def _sharing(msgs: Messages, tracker: Tracker) -> str:
    """What was imported from whom (organisation, level, when), then the meta-analysis of each
    replicated experiment with its forest plot."""
    from . import plots, sharing
    from ._replications import replications

    parts = [f'<p class="muted">{_e(msgs.text("report.sharing_intro"))}</p>']
    imported = sharing.imports_frame(tracker)
    if len(imported):
        names = [msgs.text(f"report.sharing.column.{c}") for c in ("key", "title", "organisation", "exporter",
                                                                   "level", "imported_at", "rows")]
        records: list[dict[Any, Any]] = imported.to_dict("records")
        rows = "".join(
            "<tr>" + "".join(f"<td>{_e(v)}</td>" for v in (
                row["key"], row["title"], row["organisation"], row["exporter"],
                msgs.text(f"report.sharing.level.{row['level']}"),
                # The day of the import in the tracker's own zone, as every other day of the report.
                msgs.date(row["imported_at"].tz_convert(tracker.time_zone).date()), msgs.number(int(row["rows"])),
            )) + "</tr>"
            for row in records
        )
        header = "".join(f"<th>{_e(n)}</th>" for n in names)
        parts.append(f'<div class="table"><table id="imports"><thead><tr>{header}</tr></thead>'
                     f"<tbody>{rows}</tbody></table></div>")
    else:
        parts.append(f'<p>{_e(msgs.text("report.sharing.none"))}</p>')
    for original in _replicated(tracker):
        found = replications(tracker, original, lang=msgs.lang)
        if len(found.pooled()) < 2:
            continue  # nothing to pool yet (running, or the replications' copies came without data)
        meta = found.meta_analysis()
        alt = msgs("report.alt.forest", key=original.key, metric=original.primary_metric.name)
        size = (8.0, max(3.0, 0.42 * (meta.k + 4) + 1.6))

        def draw(ax: Axes, meta: MetaAnalysis = meta) -> object:
            return plots.forest(meta, ax=ax, lang=msgs.lang)

        image = _png(draw, size)
        parts.append(
            f'<article class="card" id="meta-{_e(original.key)}">'
            f"<h3>{_e(msgs('report.sharing.meta', key=original.key, title=original.title))}</h3>"
            + meta.html(lang=msgs.lang)
            + f'<figure id="plot-forest-{_e(original.key)}"><img src="{image}" alt="{_e(alt)}">'
            f"<figcaption>{_e(alt)}</figcaption></figure></article>"
        )
    return "".join(parts)


def report_html(
    tracker: Tracker, lang: str | None = None, *, today: datetime.date | None = None, name: str | None = None
) -> str:
    """The report of ``tracker`` as one HTML page in ``lang`` ("fi", "sv" or "en"; default
    :func:`kokeilu.get_language`). ``today`` is the date it is said to be made on (default the
    local date); ``name`` the tracker's name shown (default its file's name, never its directory)."""
    from . import __version__, portfolio
    from ._language import messages

    msgs = messages(lang)
    msgs.time_zone = tracker.time_zone
    table = portfolio.experiments_table(tracker)
    experiments = tracker.experiments()
    day = datetime.date.today() if today is None else today
    shown_name = name if name is not None else Path(tracker.path).name
    title = msgs.text("report.title")
    sections = [
        ("summary", msgs.text("report.summary"), _summary(msgs, table)),
        ("portfolio", msgs.text("report.portfolio"), _tables(msgs, table)),
        (
            "experiments",
            msgs.text("report.experiments"),
            f'<p class="muted">{_e(msgs.text("report.experiments_intro"))}</p>'
            f'<div class="cards">{"".join(_card(msgs, e) for e in experiments)}</div>',
        ),
        ("library", msgs.text("report.library"), _library(msgs, tracker)),
        ("plots", msgs.text("report.plots"), _plots(msgs, tracker, table)),
    ] if experiments else [
        # An empty tracker has no figures, table or plots: the report says so rather than failing.
        ("summary", msgs.text("report.summary"), f'<p>{_e(msgs.text("report.empty"))}</p>'),
    ]
    # The follow-ups only where a decision scheduled some.
    if any(e.outcome is not None and e.outcome.follow_up_months for e in experiments):
        sections.insert(2, ("follow-ups", msgs.text("report.follow_ups"), _follow_ups(msgs, tracker, day)))
    # The sharing section only where something was shared: a file of one's own has none.
    if any(e.origin is not None for e in experiments) or _replicated(tracker):
        sections.insert(3, ("sharing", msgs.text("report.sharing"), _sharing(msgs, tracker)))
    contents = "".join(f'<li><a href="#{anchor}">{_e(heading)}</a></li>' for anchor, heading, _ in sections)
    return (
        f'<!DOCTYPE html>\n<html lang="{msgs.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<header><h1>{_e(title)}</h1><p class=\"question\">{_e(msgs.text('report.question'))}</p>"
        f'<p class="muted">{_e(msgs("report.made", date=msgs.date(day), name=shown_name))}</p>'
        f'<nav aria-label="{_e(msgs.text("report.contents"))}"><ol>{contents}</ol></nav></header>'
        + "".join(_section(anchor, heading, body) for anchor, heading, body in sections)
        + f"<footer>{_e(msgs('report.footer', version=__version__))}</footer></main></body></html>\n"
    )


def build_report(
    tracker_or_path: Tracker | str | os.PathLike[str],
    out_html: str | os.PathLike[str],
    lang: str | None = None,
    *,
    today: datetime.date | None = None,
) -> Path:
    """Writes the portfolio report of a tracker (an open :class:`kokeilu.Tracker` or the path of
    a tracker file, which is opened read-only) as one self-contained HTML file ``out_html`` in
    ``lang``; returns its path. The file is written whole or not at all.

    Raises FileNotFoundError when the tracker file or the output's directory is missing, and
    ValueError for an unknown language (before anything is read).
    """
    from . import open as open_tracker
    from ._language import language
    from ._tracker import Tracker

    chosen = language(lang)
    out = Path(os.fspath(out_html))
    if not out.parent.is_dir():
        raise FileNotFoundError(f"out_html: the directory {str(out.parent)!r} does not exist")
    if isinstance(tracker_or_path, Tracker):
        page = report_html(tracker_or_path, chosen, today=today)
    else:
        path = Path(os.fspath(tracker_or_path))
        if not path.is_file():
            raise FileNotFoundError(
                f"tracker_or_path: there is no tracker file {str(path)!r}; create one, e.g. with "
                f"'kokeilu demo --db {path}'"
            )
        with open_tracker(path, read_only=True) as tracker:
            page = report_html(tracker, chosen, today=today)
    partial = out.with_name(out.name + ".part")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kokeilu.report``: writes the report and prints its path."""
    from ._language import LANGUAGES, get_language

    parser = argparse.ArgumentParser(
        prog="python -m kokeilu.report", description="Write the portfolio report as one self-contained HTML file."
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("KOKEILU_DB") or None,
        help="the tracker file (default: $KOKEILU_DB, else kokeilut.db in the current directory)",
    )
    parser.add_argument(
        "--output", "--out", "-o", default=DEFAULT_OUTPUT, help="the HTML file to write (its directory is made)"
    )
    parser.add_argument("--lang", choices=LANGUAGES, help="the report's language (default: $KOKEILU_LANG, the locale)")
    args = parser.parse_args(argv)
    if args.db is None:
        from . import DEFAULT_PATH

        args.db = DEFAULT_PATH
    try:
        if Path(args.db).is_file():
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        path = build_report(args.db, args.output, args.lang or get_language())
    except (FileNotFoundError, ValueError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
