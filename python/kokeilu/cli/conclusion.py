"""The verdicts, decision and Learning Card of ``kokeilu conclude``, from options or asked on a
terminal: the verdict against the criterion locked at the start first and, when the success
criterion was amended after the start, the exploratory verdict against the amended one and the
judgement the team chooses."""

from __future__ import annotations

from collections.abc import Callable
import click

import kokeilu

from .amend_fields import LEARNING_CARD
from .i18n import Messages
from .new_experiment import effect_phrase
from .prompts import Prompter, is_interactive
from .values import UserError, describe_choices, parse_choice


def collect_conclusion(
    msgs: Messages, e: kokeilu.Experiment, given: dict[str, str | None], analysis: kokeilu.Analysis | None = None
) -> dict[str, str]:
    """Verdict (and, for an amended criterion, the amended verdict and the team's choice), decision
    and Learning Card from options, asking on a terminal for what is missing."""
    answers: dict[str, str] = {}
    locked = e.as_locked()
    amended = bool(e.criterion_changes)
    if given["we_believed"] is None:
        # The Learning Card starts from the hypothesis as it was locked.
        given["we_believed"] = locked.test_card.we_believe if not is_interactive() else None
    if not is_interactive():
        missing = [
            "--" + name.replace("_", "-") for name in ("verdict", "decision", *LEARNING_CARD) if not given[name]
        ]
        if missing:
            raise UserError(msgs("conclude.missing", options=", ".join(missing)))
        return {name: str(value) for name, value in given.items() if value is not None}
    p = Prompter(msgs)
    # The verdict is judged against the criterion locked at the start: show it first.
    primary = locked.primary_metric
    click.echo(f"{msgs('tc.right_if')}: {locked.test_card.right_if}")
    effect = effect_phrase(
        msgs, primary.minimum_effect, primary.effect_scale.name, primary.unit, primary.valid_min, primary.valid_max
    )
    click.echo(f"{msgs('col.minimum_effect')} ({primary.name}): {effect}")
    verdicts = msgs.labels("Verdict")
    if analysis is not None:
        v = analysis.verdict
        click.echo(msgs("conclude.analysis_locked", verdict=verdicts.get(v.verdict, v.verdict)))
    if amended:
        click.echo(msgs("conclude.criterion_amended"))
        for c in e.criterion_changes:
            click.echo("  • " + msgs("analyze.change", field=c.field, locked=c.locked_value, amended=c.amended_value))
        if analysis is not None and analysis.amended_verdict is not None:
            a = analysis.amended_verdict
            click.echo(msgs("conclude.analysis_amended", verdict=verdicts.get(a.verdict, a.verdict)))
    p.section("prompt.section_learning")
    defaults = {"we_believed": locked.test_card.we_believe}

    def reader(enum_name: str) -> Callable[[str], str]:
        return lambda text: parse_choice(text, enum_name, msgs)

    asked: list[tuple[str, str, str]] = [("verdict", "Verdict", "prompt.verdict_locked" if amended else "prompt.verdict")]
    if amended:
        asked += [
            ("amended_verdict", "Verdict", "prompt.amended_verdict"),
            ("judged_against", "Criterion", "prompt.judged_against"),
        ]
    asked.append(("decision", "Decision", "prompt.decision"))
    for name, enum_name, prompt in asked:
        value = given[name]
        if value is None:
            default = msgs.labels("Criterion")["locked"] if name == "judged_against" else ""
            value = p.ask(
                msgs(prompt, choices=describe_choices(enum_name, msgs)), reader(enum_name), default=default
            )
        answers[name] = value
    for name in LEARNING_CARD:
        value = given[name]
        if value is None:
            value = p.ask(msgs(f"prompt.{name}"), default=defaults.get(name, ""))
        answers[name] = value
    return answers
