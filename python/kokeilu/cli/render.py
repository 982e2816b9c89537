"""Output: experiments as JSON-ready dicts for scripts, and as rich tables for people."""

from __future__ import annotations

import datetime
import json
import math
import os
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import click

import kokeilu

from .. import units
from .._shown import has_planned_shares, planned_share, shown_metric_name, shown_name
from .i18n import Messages

# rich and numpy are imported by the functions that use them: every command imports this module,
# and commands that print no table (log, note, start, ...) should not pay for them.
if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def metric_dict(m: kokeilu.Metric) -> dict[str, Any]:
    return {
        "name": m.name,
        "label": m.label,
        "unit": m.unit,
        "description": m.description,
        "kind": m.kind.name,
        "role": m.role.name,
        "direction": m.direction.name,
        "impact": m.impact.name,
        "baseline": m.baseline,
        "baseline_sd": m.baseline_sd,
        "minimum_effect": m.minimum_effect,
        "effect_scale": m.effect_scale.name,
        "confidence": m.confidence,
        "valid_min": m.valid_min,
        "valid_max": m.valid_max,
        "covariate": m.covariate,
    }


def _test_card_dict(card: kokeilu.TestCard) -> dict[str, str]:
    return {
        "we_believe": card.we_believe,
        "to_verify": card.to_verify,
        "and_measure": card.and_measure,
        "right_if": card.right_if,
        "data_seen": card.data_seen,
    }


def _arm_dicts(arms: Sequence[kokeilu.Arm]) -> list[dict[str, Any]]:
    return [{"name": a.name, "role": a.role.name, "description": a.description, "share": a.share} for a in arms]


def locked_dict(locked: kokeilu.LockedCriterion | None) -> dict[str, Any] | None:
    """The pre-registered parts as locked at the start (names as they were then)."""
    if locked is None:
        return None
    return {
        "test_card": _test_card_dict(locked.test_card),
        "design": locked.design.name,
        "arms": _arm_dicts(locked.arms),
        "metrics": [metric_dict(m) for m in locked.metrics],
    }


def criterion_change_dicts(changes: Iterable[kokeilu.CriterionChange]) -> list[dict[str, str]]:
    return [{"field": c.field, "locked": c.locked_value, "amended": c.amended_value} for c in changes]


def early_start_text(msgs: Messages, e: kokeilu.Experiment) -> str:
    """"Started N days before the Test Card was locked: ..." in the user's language, or ''."""
    days = e.days_started_before_lock
    if days is None:
        return ""
    key = "show.early_start_one" if days == 1 else "show.early_start"
    # Written as the language writes numbers (1,373; 1 373), as analyze writes the same count.
    return msgs(key, days=msgs.number(days), start=msgs.date(e.actual_start), locked=msgs.time(e.locked_at))


def experiment_dict(e: kokeilu.Experiment) -> dict[str, Any]:
    """Every field of an experiment, with enumerations by name and times in ISO 8601."""
    outcome = e.outcome
    card = e.test_card
    return {
        "key": e.key,
        "uuid": e.uuid,
        "title": e.title,
        "summary": e.summary,
        "organisation": e.organisation,
        "unit": e.unit,
        "owner": e.owner,
        "status": e.status.name,
        "purposes": [p.name for p in e.purposes],
        "tags": list(e.tags),
        "links": [{"kind": link.kind.name, "of": link.of} for link in e.links],
        "risk": e.risk,
        "planned_start": _iso(e.planned_start),
        "planned_end": _iso(e.planned_end),
        "actual_start": _iso(e.actual_start),
        "actual_end": _iso(e.actual_end),
        "planned_cost_eur": e.planned_cost_eur,
        "actual_cost_eur": e.actual_cost_eur,
        "planned_effort_hours": e.planned_effort_hours,
        "actual_effort_hours": e.actual_effort_hours,
        "test_card": _test_card_dict(card),
        "design": e.design.name,
        "arms": _arm_dicts(e.arms),
        "metrics": [metric_dict(m) for m in e.metrics],
        "stop_reason": e.stop_reason,
        "outcome": None
        if outcome is None
        else {
            "verdict": outcome.verdict.name,
            "amended_verdict": None if outcome.amended_verdict is None else outcome.amended_verdict.name,
            "judged_against": outcome.judged_against.name,
            "decision": outcome.decision.name,
            "decided_on": _iso(outcome.decided_on),
            "follow_up_months": outcome.follow_up_months,
            "learning_card": {
                "we_believed": outcome.learning.we_believed,
                "we_observed": outcome.learning.we_observed,
                "we_learned": outcome.learning.we_learned,
                "therefore": outcome.learning.therefore,
            },
        },
        "locked_at": _iso(e.locked_at),
        "lock_hash": e.lock_hash,
        "days_started_before_lock": e.days_started_before_lock,
        "locked": locked_dict(e.locked),
        "criterion_changes": criterion_change_dicts(e.criterion_changes),
        "amendments": [
            {
                "at": _iso(a.at),
                "field": a.field,
                "old_value": a.old_value,
                "new_value": a.new_value,
                "reason": a.reason,
                "author": a.author,
            }
            for a in e.amendments
        ],
        "created_at": _iso(e.created_at),
        "updated_at": _iso(e.updated_at),
        "revision": e.revision,
    }


def journal_dicts(entries: Iterable[kokeilu.JournalEntry]) -> list[dict[str, Any]]:
    return [{"at": _iso(j.at), "author": j.author, "text": j.text} for j in entries]


def observation_counts(tracker: kokeilu.Tracker, e: kokeilu.Experiment) -> list[dict[str, Any]]:
    """Per metric and arm: the rows stored and the units they stand for (n of aggregated rows)."""
    import numpy as np

    counts = []
    for metric in e.metrics:
        arrays = tracker.observation_arrays(e, metric=metric.name)
        size = len(arrays.arm_names)
        rows = np.bincount(arrays.arm_codes, minlength=size)
        units = np.bincount(arrays.arm_codes, weights=np.where(arrays.n > 0, arrays.n, 1), minlength=size)
        by_name = {name: (int(rows[i]), int(units[i])) for i, name in enumerate(arrays.arm_names)}
        for arm in e.arms:
            row_count, unit_count = by_name.get(arm.name, (0, 0))
            counts.append({"metric": metric.name, "arm": arm.name, "rows": row_count, "units": unit_count})
    return counts


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def console() -> Console:
    # Wide enough for a Test Card when the output goes to a file or a pipe, unless COLUMNS says
    # how wide the reader wants it.
    from rich.console import Console

    if sys.stdout.isatty():
        return Console(highlight=False)
    columns = os.environ.get("COLUMNS", "")
    return Console(highlight=False, width=int(columns) if columns.isdigit() and int(columns) >= 40 else 120)


def _table(title: str | None = None) -> Table:
    from rich.table import Table

    return Table(title=title, title_justify="left", show_lines=False, expand=False)


def period(msgs: Messages, e: kokeilu.Experiment) -> str:
    start = e.actual_start or e.planned_start
    end = e.actual_end or e.planned_end
    if start is None and end is None:
        return ""
    return f"{msgs.date(start)} – {msgs.date(end)}"


def render_list(msgs: Messages, path: str, experiments: Sequence[kokeilu.Experiment]) -> None:
    out = console()
    table = _table(msgs("list.title", path=path))
    for key in ("col.key", "col.title", "col.organisation", "col.unit", "col.status", "col.purposes", "col.period"):
        table.add_column(msgs(key), overflow="fold")
    for e in experiments:
        table.add_row(
            e.key,
            e.title,
            e.organisation,
            e.unit,
            msgs.label(e.status),
            ", ".join(msgs.label(p) for p in e.purposes),
            period(msgs, e),
        )
    out.print(table)


def effect_text(msgs: Messages, m: kokeilu.Metric) -> str:
    if m.effect_scale.name == "relative":
        return msgs("effect.relative", value=msgs.number(m.minimum_effect * 100))
    return msgs.quantity(m.minimum_effect, None, m, difference=True)


def valid_range_text(msgs: Messages, m: kokeilu.Metric) -> str:
    """"1–5", "≥ 0", "≤ 100", or "–" when the metric has no valid range."""
    low, high = m.valid_min, m.valid_max
    if low is not None and high is not None:
        return msgs.span(msgs.number(low), msgs.number(high))
    if low is not None:
        return f"≥ {msgs.number(low)}"
    if high is not None:
        return f"≤ {msgs.number(high)}"
    return "–"


def render_show(
    msgs: Messages,
    e: kokeilu.Experiment,
    journal: Sequence[kokeilu.JournalEntry],
    counts: Sequence[dict[str, Any]],
    analysis: kokeilu.Analysis | None = None,
    links: Sequence[str] = (),
) -> None:
    from rich.table import Table
    from rich.text import Text

    out = console()
    out.print(Text(f"{e.key}  {e.title}", style="bold"))
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")

    def fact(key: str, value: str) -> None:
        if value:
            facts.add_row(msgs(key), value)

    fact("show.status", msgs.label(e.status))
    fact("show.organisation", " / ".join(part for part in (e.organisation, e.unit) if part))
    if e.origin is not None:
        fact("show.imported", msgs("show.imported_from", organisation=e.origin.organisation,
                                   exporter=e.origin.exporter or "–", date=msgs.date(e.origin.imported_at.date())))
    fact("show.links", "\n".join(links))
    fact("show.owner", e.owner)
    fact("show.purposes", ", ".join(msgs.label(p) for p in e.purposes))
    fact("show.tags", ", ".join(e.tags))
    fact("show.summary", e.summary)
    fact("show.design", msgs.label(e.design))
    fact("show.planned", f"{msgs.date(e.planned_start)} – {msgs.date(e.planned_end)}")
    if e.actual_start is not None:
        fact("show.actual", f"{msgs.date(e.actual_start)} – {msgs.date(e.actual_end)}")
    if e.planned_cost_eur is not None or e.actual_cost_eur is not None:
        fact("show.cost", f"{msgs.number(e.planned_cost_eur)} / {msgs.number(e.actual_cost_eur)}")
    if e.planned_effort_hours is not None or e.actual_effort_hours is not None:
        fact("show.effort", f"{msgs.number(e.planned_effort_hours)} / {msgs.number(e.actual_effort_hours)}")
    fact("show.risk", e.risk)
    fact("show.stop_reason", e.stop_reason)
    lock = (
        msgs("show.locked", time=msgs.time(e.locked_at), hash=e.lock_hash[:12])
        if e.locked_at is not None
        else msgs("show.not_locked")
    )
    early = early_start_text(msgs, e)
    fact("show.lock", f"{lock} {early}".strip())
    if e.outcome is not None:
        fact("show.verdict", verdict_text(msgs, e.outcome))
        fact("show.decision", f"{msgs.label(e.outcome.decision)} ({msgs.date(e.outcome.decided_on)})")
    out.print(facts)

    card = _table(msgs("show.test_card"))
    card.add_column("", style="bold")
    card.add_column("", overflow="fold")
    card.show_header = False
    for part in ("we_believe", "to_verify", "and_measure", "right_if"):
        card.add_row(msgs(f"tc.{part}"), getattr(e.test_card, part))
    card.add_row(msgs("tc.data_seen"), e.test_card.data_seen or msgs("tc.not_answered"))
    out.print(card)

    metrics = _table(msgs("show.metrics"))
    for key in (
        "col.metric",
        "col.role",
        "col.kind",
        "col.direction",
        "col.impact",
        "col.minimum_effect",
        "col.baseline",
        "col.valid_range",
    ):
        metrics.add_column(msgs(key), overflow="fold")
    for m in e.metrics:
        impact = msgs.label(m.impact)
        if m.impact.name == "activity_output":
            impact = f"{impact} ({msgs('show.activity_note')})"
        metrics.add_row(
            # The label people read, and the identifier observations name the metric by (as Text:
            # a name's brackets are not markup).
            Text(
                shown_name(m)
                + (f" [{m.name}]" if m.label else "")
                + (f" ({units.unit_name(msgs.lang, m.unit)})" if m.unit else "")
            ),
            msgs.label(m.role),
            msgs.label(m.kind),
            msgs.label(m.direction),
            impact,
            effect_text(msgs, m),
            msgs.number(m.baseline),
            valid_range_text(msgs, m),
        )
    out.print(metrics)

    arms = _table(msgs("show.arms"))
    # The planned shares only where the plan has them (else the arms share equally).
    with_shares = has_planned_shares(e.arms)
    columns = ("col.arm", "col.role", *(("col.planned_share",) if with_shares else ()), "col.metric", "col.rows")
    for key in (*columns, "col.units"):
        arms.add_column(msgs(key), overflow="fold")
    roles = {a.name: msgs.label(a.role) for a in e.arms}
    shares = {a.name: planned_share(msgs, e.arms, a) for a in e.arms}
    for count in counts:
        share = (shares.get(count["arm"], ""),) if with_shares else ()
        arms.add_row(
            count["arm"],
            roles.get(count["arm"], ""),
            *share,
            shown_metric_name(e, count["metric"]),
            str(count["rows"]),
            str(count["units"]),
        )
    out.print(arms)

    if analysis is not None:
        render_latest(msgs, analysis)

    if e.outcome is not None:
        learning = _table(msgs("show.learning_card"))
        learning.show_header = False
        learning.add_column("", style="bold")
        learning.add_column("", overflow="fold")
        if e.outcome.amended_verdict is not None:
            learning.add_row(msgs("show.verdict"), verdict_text(msgs, e.outcome))
        for part in ("we_believed", "we_observed", "we_learned", "therefore"):
            learning.add_row(msgs(f"lc.{part}"), getattr(e.outcome.learning, part))
        out.print(learning)

    if e.amendments:
        amendments = _table(msgs("show.amendments"))
        for key in ("col.at", "col.field", "col.old", "col.new", "col.reason", "col.author"):
            amendments.add_column(msgs(key), overflow="fold")
        for a in e.amendments:
            amendments.add_row(msgs.time(a.at), a.field, a.old_value, a.new_value, a.reason, a.author)
        out.print(amendments)
        render_criterion_changes(msgs, e.criterion_changes)
    elif e.locked_at is not None:
        out.print(msgs("show.no_amendments"))

    if journal:
        notes = _table(msgs("show.journal"))
        for key in ("col.at", "col.author", "col.text"):
            notes.add_column(msgs(key), overflow="fold")
        for j in journal:
            notes.add_row(msgs.time(j.at), j.author, j.text)
        out.print(notes)
    else:
        out.print(Text(msgs("show.no_journal"), style="italic"))


def verdict_text(msgs: Messages, outcome: kokeilu.Outcome) -> str:
    """The recorded verdict; with both judgements and the team's choice when there are two."""
    if outcome.amended_verdict is None:
        return msgs.label(outcome.verdict)
    return msgs(
        "show.judgements",
        locked=msgs.label(outcome.verdict),
        amended=msgs.label(outcome.amended_verdict),
        chosen=msgs.label(outcome.judged_against),
    )


def render_criterion_changes(msgs: Messages, changes: Sequence[kokeilu.CriterionChange]) -> None:
    """What of the success criterion was amended, and what that means for the verdict."""
    from rich.text import Text

    if not changes:
        return
    out = console()
    out.print(Text(msgs("show.criterion_amended"), style="bold"))
    for c in changes:
        out.print(Text("• " + msgs("analyze.change", field=c.field, locked=c.locked_value, amended=c.amended_value)))


def json_number(value: Any) -> Any:
    """NaN and numpy scalars made JSON-friendly."""
    import numpy as np

    if isinstance(value, (np.floating, float)):
        return _number(float(value))
    if isinstance(value, np.integer):
        return int(value)
    return value


# -- the analysis ----------------------------------------------------------------------------------


def _finite(value: Any) -> float | None:
    number = json_number(value)
    return None if number is None or isinstance(number, str) else float(number)


def _level(row: Any, kind: str) -> float | None:
    """The level of a metric in one arm: the mean, the share, or events per unit of exposure."""
    if kind == "count":
        exposure = _finite(row["exposure"])
        events = _finite(row["events"])
        return None if not exposure or events is None else events / exposure
    return _finite(row["mean"])


def _effect(msgs: Messages, m: kokeilu.Metric, value: float | None, *, unit: bool = True) -> str:
    if value is None:
        return "–"
    if m.effect_scale.name == "relative":
        return msgs.percent(value, sign=True)
    if unit:
        return msgs.quantity(value, None, m, number=msgs.figure, sign=True, difference=True)
    shown = units.shown_value(value, units.metric_unit(m), difference=True)
    text = msgs.figure(shown)
    return "+" + text if shown is not None and shown > 0 else text


def _p_value(msgs: Messages, value: float | None) -> str:
    if value is None:
        return ""
    if value < 0.001:
        return msgs("analyze.p_below", limit=msgs.number(0.001))
    return msgs.figure(value, 2)


def _chance(msgs: Messages, value: float | None) -> str:
    # Rounding would show near-certainty as 100 %, which no finite sample gives.
    if value is None:
        return ""
    if value > 0.999:
        return f"> {msgs.percent(0.999)}"
    if value < 0.001:
        return f"< {msgs.percent(0.001)}"
    return msgs.percent(value)


def _reference(msgs: Messages, name: str) -> str:
    return msgs("analyze.baseline") if name == "baseline" else name


def warning_text(msgs: Messages, code: str, params: dict[str, Any]) -> str:
    """A warning of the analysis in this language, from the catalogue by its code (its dates, the
    start and the lock, written as the language writes them by Messages.core)."""
    text = msgs.core(code, params)
    return text if text is not None else code


def _status(msgs: Messages, status: str, message: kokeilu._core.Message | None = None) -> str:
    """A comparison's status in this language: by its code where the core gave one."""
    from ..verdict_text import status_text

    return status_text(msgs, status, None if message is None else (message.code, message.params))


def summary_rows(analysis: kokeilu.Analysis, metric: kokeilu.Metric) -> list[dict[str, Any]]:
    """Per arm of one metric: n and the level (mean, share, or rate per exposure)."""
    rows = analysis.summaries[analysis.summaries["metric"] == metric.name]
    return [
        {"arm": str(row["arm"]), "n": int(row["n"]), "level": _level(row, metric.kind.name)}
        for _, row in rows.iterrows()
    ]


def _verdict_dict(v: kokeilu.AnalysisVerdict) -> dict[str, Any]:
    return {
        "criterion": v.criterion,
        "verdict": v.verdict,
        "metric": v.metric,
        "reason": v.reason,
        "improvement": json_number(v.improvement),
        "improvement_low": json_number(v.improvement_low),
        "improvement_high": json_number(v.improvement_high),
        "additional_observations": v.additional_observations,
        "customer_impact_measured": v.customer_impact_measured,
        "amended_criteria": list(v.amended_criteria),
        "sentence_en": v.sentence_en,
        "sentence_fi": v.sentence_fi,
        "sentence_sv": v.sentence("sv"),
        "message": {"code": v.message[0], "params": {k: json_number(x) if isinstance(x, float) else x
                                                     for k, x in v.message[1].items()}},
    }


def _rows_dicts(frame: Any) -> list[dict[str, Any]]:
    return [{str(k): json_number(value) for k, value in row.items()} for row in frame.to_dict("records")]


def analysis_dict(analysis: kokeilu.Analysis) -> dict[str, Any]:
    """The analysis as JSON-ready data: comparisons, summaries, verdict (against the criterion as
    locked), the exploratory amended verdict when the criterion was amended, warnings, checks."""
    comparisons = _rows_dicts(analysis.comparisons)
    summaries = [
        {str(k): json_number(value) for k, value in row.items()}
        for row in analysis.summaries.to_dict("records")
    ]
    srm = analysis.sample_ratio
    planned = analysis.planned_per_group
    amended = analysis.amended_verdict
    amended_comparisons = analysis.amended_comparisons
    return {
        "key": analysis.key,
        "verdict": _verdict_dict(analysis.verdict),
        "amended_verdict": None if amended is None else _verdict_dict(amended),
        "criterion_changes": criterion_change_dicts(analysis.criterion_changes),
        "days_started_before_lock": analysis.days_started_before_lock,
        "early_rows": dict(analysis.early_rows),
        "comparisons": comparisons,
        "amended_comparisons": None if amended_comparisons is None else _rows_dicts(amended_comparisons),
        "summaries": summaries,
        "warnings": list(analysis.warnings),
        "warning_messages": [{"code": code, "params": params} for code, params in analysis.warning_messages],
        "sample_ratio": None
        if srm is None
        else {"statistic": json_number(srm.statistic), "p_value": json_number(srm.p_value), "mismatch": srm.mismatch},
        "planned_per_group": None if planned is None else planned.per_group,
        **_design_dicts(analysis),
    }


def _estimate_dict(e: Any) -> dict[str, Any]:
    fields = ("estimate", "std_error", "ci_low", "ci_high", "p_value", "confidence")
    return {"method": e.method, **{name: json_number(getattr(e, name)) for name in fields}}


def _design_dicts(analysis: kokeilu.Analysis) -> dict[str, Any]:
    """A difference in differences' pre-period trend check and an interrupted time series' fit (each
    None for other designs or without periods enough), and the period of their series."""
    fit = analysis.time_series
    pre = analysis.pre_trend
    return {
        "period": analysis.period,
        "pre_trend": None if pre is None else _estimate_dict(pre),
        "time_series": None
        if fit is None
        else {
            "level_change": _estimate_dict(fit.level_change),
            "slope_change": _estimate_dict(fit.slope_change),
            "level_before": json_number(fit.level_before),
            "slope_before": json_number(fit.slope_before),
            "lags": fit.lags,
            "before": fit.before,
            "after": fit.after,
            "weekday_seasonality": fit.weekday_seasonality,
        },
    }


def latest_summary_dict(analysis: kokeilu.Analysis) -> dict[str, Any]:
    """What `show` adds: the primary metric per arm and the verdict's sentences."""
    v = analysis.verdict
    primary = _judged_metric(analysis)
    amended = analysis.amended_verdict
    return {
        "metric": primary.name,
        "arms": summary_rows(analysis, primary),
        "verdict": v.verdict,
        "sentence_en": v.sentence_en,
        "sentence_fi": v.sentence_fi,
        "amended_verdict": None if amended is None else amended.verdict,
        "amended_sentence_en": None if amended is None else amended.sentence_en,
        "amended_sentence_fi": None if amended is None else amended.sentence_fi,
    }


def _judged_metric(analysis: kokeilu.Analysis) -> kokeilu.Metric:
    """The metric the verdict judged (the locked primary, under its current name)."""
    try:
        return analysis.experiment.metric(analysis.verdict.metric)
    except kokeilu.NotFoundError:  # removed since the start; it had no observations
        return analysis.experiment.primary_metric




def _summary_table(msgs: Messages, analysis: kokeilu.Analysis, metrics: Sequence[kokeilu.Metric], title: str) -> Table:
    table = _table(title)
    for key in ("col.metric", "col.arm", "col.n", "col.level"):
        table.add_column(msgs(key), overflow="fold", justify="right" if key in ("col.n", "col.level") else "left")
    for m in metrics:
        for row in summary_rows(analysis, m):
            level = row["level"]
            text = (
                "–"
                if level is None
                else msgs.percent(level)
                if m.kind.name == "proportion"
                else msgs.quantity(level, None, m, number=msgs.figure)
            )
            table.add_row(shown_name(m), row["arm"], str(row["n"]), text)
    return table


def render_latest(msgs: Messages, analysis: kokeilu.Analysis) -> None:
    """The latest summary in `show`: the primary metric per arm, and the verdict's sentence."""
    from rich.text import Text

    out = console()
    primary = _judged_metric(analysis)
    out.print(_summary_table(msgs, analysis, [primary], msgs("show.latest", metric=shown_name(primary))))
    out.print(Text(analysis.verdict.sentence(msgs.lang)))
    if analysis.amended_verdict is not None:
        out.print(Text(analysis.amended_verdict.sentence(msgs.lang), style="italic"))


def render_analysis(msgs: Messages, analysis: kokeilu.Analysis) -> None:
    from rich.text import Text

    out = console()
    e = analysis.experiment
    out.print(Text(f"{e.key}  {e.title}", style="bold"))
    out.print(_summary_table(msgs, analysis, e.metrics, msgs("analyze.summaries")))

    table = _table(msgs("analyze.comparisons"))
    confidences = {float(c) for c in analysis.comparisons["confidence"].dropna()}
    confidence = msgs.percent(confidences.pop()) if len(confidences) == 1 else ""
    adjusted = bool(analysis.comparisons["adjusted_p_value"].notna().any())
    headings = ["col.metric", "col.compared", "col.effect", "col.interval", "col.p"]
    headings += ["col.adjusted_p"] if adjusted else []
    headings += ["col.chance", "col.method"]
    for key in headings:
        table.add_column(msgs(key, confidence=confidence).strip(), overflow="fold")
    # The comparisons are those of the experiment as locked: its metrics give the scale and unit.
    by_name = {m.name: m for m in e.as_locked().metrics}
    for row, core in zip(analysis.comparisons.to_dict("records"), analysis.result.comparisons):
        m = by_name[str(row["metric"])]
        compared = msgs("analyze.vs", arm=row["arm"], reference=_reference(msgs, str(row["reference"])))
        name = msgs("analyze.metric_role", metric=shown_name(m), role=msgs.label(m.role))
        if row["status"] != "ok":
            status = _status(msgs, str(row["status"]), core.status_message)
            table.add_row(name, compared, status, *[""] * (len(headings) - 3))
            continue
        low = _effect(msgs, m, _finite(row["ci_low"]), unit=False)
        high = _effect(msgs, m, _finite(row["ci_high"]), unit=False)
        chance = _finite(row["chance_to_beat"])
        cells = [name, compared, _effect(msgs, m, _finite(row["estimate"])), msgs.interval(low, high)]
        cells.append(_p_value(msgs, _finite(row["p_value"])))
        if adjusted:
            cells.append(_p_value(msgs, _finite(row["adjusted_p_value"])))
        cells += [_chance(msgs, chance), str(row["method"])]
        table.add_row(*cells)
    out.print(table)

    v = analysis.verdict
    amended = analysis.amended_verdict
    verdicts = msgs.labels("Verdict")
    locked_card = e.locked.test_card if e.locked is not None else e.test_card
    if amended is None:
        out.print(Text(msgs("analyze.verdict", verdict=verdicts.get(v.verdict, v.verdict)), style="bold"))
        out.print(Text(v.sentence(msgs.lang)))
        out.print(Text(msgs("analyze.criterion", right_if=locked_card.right_if), style="italic"))
    else:
        out.print(Text(msgs("analyze.verdict_locked", verdict=verdicts.get(v.verdict, v.verdict)), style="bold"))
        out.print(Text(v.sentence(msgs.lang)))
        out.print(Text(msgs("analyze.criterion_locked", right_if=locked_card.right_if), style="italic"))
        out.print(Text(""))
        label = verdicts.get(amended.verdict, amended.verdict)
        out.print(Text(msgs("analyze.verdict_amended", verdict=label), style="bold yellow"))
        for c in analysis.criterion_changes:
            out.print(Text("• " + msgs("analyze.change", field=c.field, locked=c.locked_value, amended=c.amended_value)))
        out.print(Text(amended.sentence(msgs.lang)))
        out.print(Text(msgs("analyze.criterion_amended", right_if=e.test_card.right_if), style="italic"))
    if analysis.warning_messages:
        out.print(Text(msgs("analyze.warnings"), style="bold"))
        for code, params in analysis.warning_messages:
            out.print(Text(f"• {warning_text(msgs, code, params)}"))
    else:
        out.print(Text(msgs("analyze.no_warnings"), style="italic"))
