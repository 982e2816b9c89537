"""The commands of follow-ups: ``conclude`` (which schedules them for a scale-up, by default 3, 6
and 12 months after the decision), ``due`` (what is due) and ``follow-up`` (the draft of one), and
the follow-ups ``show`` lists beside the original's effect (kokeilu/follow_up.hpp).

Added to the command group by :func:`kokeilu.cli.app.build_cli`, with its shared options.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

import kokeilu
from kokeilu._tracker_follow_ups import SLOT_HEADINGS
from kokeilu._tracker_follow_ups import follow_up_rows as follow_up_rows  # used by show

from . import render
from .app import State, _latest_analysis, load
from .conclusion import collect_conclusion
from .i18n import Messages
from .new_experiment import arms_of
from .prompts import is_interactive
from .values import Parsed

if TYPE_CHECKING:
    import pandas as pd


def parse_months(text: str, msgs: Messages) -> list[int]:
    """A schedule as months separated by commas: 3,6,12 (the core checks order and range)."""
    months: list[int] = []
    for part in text.split(","):
        try:
            months.append(int(part.strip()))
        except ValueError:
            raise ValueError(msgs("follow_up.bad_months", value=text)) from None
    return months


def follow_up_dicts(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows for JSON: dates in ISO 8601, numbers as JSON has them."""
    return [
        {k: (v.isoformat() if isinstance(v, datetime.date) else render.json_number(v)) for k, v in row.items()}
        for row in rows
    ]


def persistence_text(msgs: Messages, persistence: str | None) -> str:
    return "–" if persistence is None else msgs.text(f"follow_up.persistence.{persistence}")


def original_effect_text(msgs: Messages, e: kokeilu.Experiment, analysis: kokeilu.Analysis | None) -> str | None:
    """The original's effect on its primary metric with its interval, as the follow-ups are read against it."""
    from kokeilu._tracker_follow_ups import primary_effect

    effect = None if analysis is None else primary_effect(analysis)
    if effect is None:
        return None
    metric = e.primary_metric
    return (
        f"{render._effect(msgs, metric, effect.estimate)} "
        f"({render._effect(msgs, metric, effect.ci_low, unit=False)} – {render._effect(msgs, metric, effect.ci_high, unit=False)})"
    )


def render_follow_ups(msgs: Messages, rows: list[dict[str, Any]], original_effect: str | None = None) -> None:
    """The follow-up table of ``show``: due date, the follow-up, its status and what became of the effect."""
    if not rows:
        return
    out = render.console()
    title = msgs("follow_up.title") if original_effect is None else msgs("follow_up.title_effect", effect=original_effect)
    table = render._table(title)
    for key in ("follow_up.col_months", "follow_up.col_due", "follow_up.col_follow_up", "col.status",
                "follow_up.col_difference", "follow_up.col_persistence"):
        table.add_column(msgs(key), overflow="fold")
    for row in rows:
        status = row["follow_up_status"]
        difference = "–" if row["difference"] is None else (
            f"{msgs.figure(row['difference'])} ({msgs.figure(row['difference_low'])} – {msgs.figure(row['difference_high'])})"
        )
        table.add_row(
            msgs.number(row["months"]),
            msgs.date(row["due"]),
            row["follow_up"] or "–",
            "–" if status is None else msgs.enum_label("Status", status),
            difference,
            persistence_text(msgs, row["persistence"]),
        )
    out.print(table)


def _due_table(msgs: Messages, frame: pd.DataFrame) -> None:
    out = render.console()
    table = render._table(msgs("due.title"))
    for key in SLOT_HEADINGS:
        table.add_column(msgs(key), overflow="fold")
    for record in frame.to_dict("records"):
        row: dict[str, Any] = {str(k): v for k, v in record.items()}
        status = row["follow_up_status"]
        table.add_row(
            str(row["original"]),
            str(row["organisation"]),
            msgs.date(row["decided_on"]),
            msgs.number(int(row["months"])),
            msgs.date(row["due"]),
            msgs.number(int(row["days_overdue"])),
            row["follow_up"] or "–",
            "–" if status is None else msgs.enum_label("Status", str(status)),
        )
    out.print(table)


def add_follow_up_commands(
    cli: click.Group,
    msgs: Messages,
    common: Callable[[Any], Any],
    json_option: Callable[[Any], Any],
    enum_type: Callable[[str], Parsed[str]],
    date_type: Parsed[datetime.date],
) -> None:
    months_type = Parsed("MONTHS", lambda text: parse_months(text, msgs))

    @cli.command("conclude", help=msgs("help.conclude"))
    @common
    @click.argument("key")
    @click.option("--verdict", type=enum_type("Verdict"), help=msgs("help.verdict"))
    @click.option("--amended-verdict", type=enum_type("Verdict"), help=msgs("help.amended_verdict"))
    @click.option("--judged-against", type=enum_type("Criterion"), help=msgs("help.judged_against"))
    @click.option("--decision", type=enum_type("Decision"), help=msgs("help.decision"))
    @click.option("--we-believed", help=msgs("help.field", label=msgs("lc.we_believed")))
    @click.option("--we-observed", help=msgs("help.field", label=msgs("lc.we_observed")))
    @click.option("--we-learned", help=msgs("help.field", label=msgs("lc.we_learned")))
    @click.option("--therefore", help=msgs("help.field", label=msgs("lc.therefore")))
    @click.option("--on", type=date_type, help=msgs("help.on"))
    @click.option("--follow-up-months", type=months_type, help=msgs("help.follow_up_months"))
    @click.option("--no-follow-up", is_flag=True, help=msgs("help.no_follow_up"))
    @click.pass_obj
    def conclude(
        state: State,
        /,
        key: str,
        on: datetime.date | None,
        follow_up_months: list[int] | None,
        no_follow_up: bool,
        **given: str | None,
    ) -> None:
        schedule = [] if no_follow_up else follow_up_months
        with state.open() as tracker:
            e = load(state, tracker, key)
            # The core's rule, asked before the questions so that no one answers them in vain; the
            # answers themselves (an amended verdict, an activity metric 'supported') are judged by
            # the core when the conclusion is written.
            e.require_step(kokeilu.LifecycleStep.conclude)
            answers = collect_conclusion(msgs, e, given, _latest_analysis(tracker, e) if is_interactive() else None)
            e = tracker.conclude(
                e,
                answers["verdict"],
                decision=answers["decision"],
                we_believed=answers["we_believed"],
                we_observed=answers["we_observed"],
                we_learned=answers["we_learned"],
                therefore=answers["therefore"],
                decided_on=on,
                amended_verdict=answers.get("amended_verdict"),
                judged_against=answers.get("judged_against") or "locked",
                follow_up_months=schedule,
            )
        outcome = e.outcome
        assert outcome is not None
        if outcome.amended_verdict is not None:
            click.echo(
                msgs(
                    "concluded_both",
                    key=e.key,
                    verdict=msgs.label(outcome.verdict),
                    amended=msgs.label(outcome.amended_verdict),
                    chosen=msgs.label(outcome.judged_against),
                    decision=msgs.label(outcome.decision),
                )
            )
        else:
            click.echo(
                msgs("concluded", key=e.key, verdict=msgs.label(outcome.verdict), decision=msgs.label(outcome.decision))
            )
        if outcome.follow_up_months and outcome.decided_on is not None:
            decided = outcome.decided_on
            dates = ", ".join(
                msgs("follow_up.slot", due=msgs.date(kokeilu._core.add_calendar_months(decided, m)), count=m)
                for m in outcome.follow_up_months
            )
            click.echo(msgs("follow_up.scheduled", dates=dates))

    @cli.command("due", help=msgs("help.due"))
    @common
    @click.option("--on", type=date_type, help=msgs("help.due_on"))
    @click.option("--within", type=click.IntRange(min=0), default=0, metavar="DAYS", help=msgs("help.due_within"))
    @json_option
    @click.pass_obj
    def due(state: State, on: datetime.date | None, within: int, as_json: bool) -> None:
        with state.open(read_only=True) as tracker:
            frame = tracker.due(on, within_days=within)
        if as_json:
            render.print_json(follow_up_dicts([{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]))
        elif frame.empty:
            click.echo(msgs("due.none"))
        else:
            _due_table(msgs, frame)

    @cli.command("follow-up", help=msgs("help.follow_up"))
    @common
    @click.argument("key")
    @click.option("--months", type=click.IntRange(min=1), required=True, metavar="MONTHS", help=msgs("help.follow_up_at"))
    @click.option("--title", help=msgs("help.field", label=msgs.field("title")))
    @click.option("--we-believe", help=msgs("help.field", label=msgs("tc.we_believe")))
    @click.option("--to-verify", help=msgs("help.field", label=msgs("tc.to_verify")))
    @click.option("--and-measure", help=msgs("help.field", label=msgs("tc.and_measure")))
    @click.option("--right-if", help=msgs("help.field", label=msgs("tc.right_if")))
    @click.option("--design", type=enum_type("DesignKind"), help=msgs("help.field", label=msgs.field("design")))
    @click.option("--arm", multiple=True, help=msgs("help.arm_spec"))
    @click.option("--planned-start", type=date_type, help=msgs("help.field", label=msgs.field("planned_start")))
    @json_option
    @click.pass_obj
    def follow_up(state: State, /, key: str, months: int, arm: tuple[str, ...], as_json: bool, **given: Any) -> None:
        from .values import parse_arm_spec

        fields = {name: value for name, value in given.items() if value is not None}
        if arm:
            design = fields.get("design")
            with state.open(read_only=True) as tracker:
                design = design or load(state, tracker, key).design.name
            fields["arms"] = arms_of(msgs, design, [parse_arm_spec(text, msgs) for text in arm])
        with state.open() as tracker:
            original = load(state, tracker, key)
            e = tracker.follow_up(original, months=months, **fields)
        if as_json:
            render.print_json(render.experiment_dict(e))
        else:
            click.echo(msgs("follow_up.created", key=e.key, original=original.key, due=msgs.date(e.planned_start)))
