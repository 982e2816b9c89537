"""Building an experiment from the options of ``kokeilu new`` and the answers to its questions:
on a terminal every missing field is asked, in the user's language, with the Test Card in its
four parts and the answer to "has any of the data been seen already?"."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

import click

from .. import units
from .i18n import Messages
from .prompts import Prompter, default_author, is_interactive
from .values import (
    UserError,
    describe_choices,
    parse_arm_spec,
    parse_choice,
    parse_date,
    parse_list,
    parse_number,
    parse_positive,
    parse_shares,
)

# The roles of a difference in differences, in the order its arms are asked and named.
DID_ROLES = ("changed_before", "changed_after", "comparison_before", "comparison_after")
# The designs whose two arms are the periods before and after the change.
PERIOD_DESIGNS = ("before_after", "interrupted_time_series")


def default_arm_names(msgs: Messages, design: str) -> list[str]:
    if design in PERIOD_DESIGNS:
        return [msgs("arm.before"), msgs("arm.after")]
    if design == "difference_in_differences":
        return [msgs(f"arm.{role}") for role in DID_ROLES]
    if design == "one_sample":
        return [msgs("arm.group")]
    return [msgs("arm.control"), msgs("arm.treatment")]


def role_by_position(design: str, index: int) -> str:
    if design in PERIOD_DESIGNS:
        return ("before", "after")[min(index, 1)]
    if design == "difference_in_differences":
        return DID_ROLES[min(index, 3)]
    if design == "one_sample":
        return "group"
    return "control" if index == 0 else "treatment"


def check_arm_names(msgs: Messages, design: str, names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise ValueError(msgs("prompt.arms_duplicate", name=name))
        seen.add(name.casefold())
    wrong = (
        (design == "concurrent" and len(names) < 2)
        or (design in PERIOD_DESIGNS and len(names) != 2)
        or (design == "difference_in_differences" and len(names) != 4)
        or (design == "one_sample" and len(names) != 1)
    )
    if wrong:
        raise ValueError(
            msgs(
                "prompt.arms_count",
                design=msgs.labels("DesignKind")[design],
                wanted=msgs(f"prompt.arms_count_{design}"),
            )
        )


def arms_of(msgs: Messages, design: str, specs: Sequence[tuple[str, str | None]]) -> list[tuple[str, str]]:
    check_arm_names(msgs, design, [name for name, _ in specs])
    return [(name, role or role_by_position(design, i)) for i, (name, role) in enumerate(specs)]


def arm_shares(
    msgs: Messages,
    p: Prompter,
    design: str,
    arms: Sequence[tuple[str, str]],
    given: Sequence[float] | None,
    interactive: bool,
) -> list[float] | None:
    """The planned shares of the arms from --shares, else asked for the arms of a concurrent
    design on a terminal (equal by default). None stands for equal shares: nothing is recorded.
    Whether shares fit the design is the core's rule; here only one share per arm is checked."""

    def counted(shares: Sequence[float]) -> list[float]:
        if len(shares) != len(arms):
            raise ValueError(msgs("prompt.shares_count", arms=len(arms), shares=len(shares)))
        return list(shares)

    if given:
        try:
            shares = counted(given)
        except ValueError as error:
            raise UserError(f"--shares: {error}") from None
    elif interactive and design == "concurrent":
        names = " : ".join(name for name, _ in arms)
        shares = p.ask(
            msgs("prompt.shares", arms=names),
            lambda text: counted(parse_shares(text, msgs)),
            default=":".join("1" for _ in arms),
        )
    else:
        return None
    return None if len(set(shares)) == 1 and design == "concurrent" else shares


def effect_phrase(
    msgs: Messages, value: float, scale: str, unit: str, valid_min: float | None = None, valid_max: float | None = None
) -> str:
    """The smallest effect worth having, in words: "20 %" relative, else the difference in the
    metric's unit ("0,3 pistettä asteikolla 1–5")."""
    if scale == "relative":
        return msgs("effect.relative", value=msgs.number(value * 100))
    return units.quantity(msgs.lang, value, unit, valid_min, valid_max, difference=True)


def check_effect(msgs: Messages, kind: str, scale: str, value: float) -> float:
    if kind == "proportion" and scale == "absolute" and value >= 1:
        raise ValueError(msgs("value.share_effect", value=msgs.number(value)))
    return value


def warn_activity(msgs: Messages, metric: str) -> None:
    click.echo(msgs("new.activity_warning", metric=metric), err=True)


def collect_new(msgs: Messages, given: dict[str, Any]) -> dict[str, Any] | None:
    """The fields of Tracker.create from options, asking on a terminal for what is missing.

    Returns None when the user declines to save.
    """
    interactive = is_interactive()
    required = (
        "title",
        "organisation",
        "purpose",
        "we_believe",
        "to_verify",
        "and_measure",
        "right_if",
        "metric",
        "minimum_effect",
    )
    if not interactive:
        missing = ["--" + name.replace("_", "-") for name in required if not given[name]]
        if missing:
            raise UserError(msgs("new.missing", options=", ".join(missing)))
    p = Prompter(msgs)

    def value(name: str, ask: Callable[[], Any]) -> Any:
        provided = given[name]
        if provided is not None and provided != ():
            return provided
        return ask() if interactive else None

    def choice(enum_name: str) -> Callable[[str], str]:
        return lambda text: parse_choice(text, enum_name, msgs)

    def read_purposes(text: str) -> list[str]:
        items = [parse_choice(item, "Purpose", msgs) for item in parse_list(text)]
        if not items:
            raise ValueError(msgs("value.required"))
        return items

    def optional_number(text: str) -> float | None:
        return None if not text.strip() else parse_number(text, msgs)

    def ask_choice(field: str, enum: str, default: str) -> str:
        # The flag's value, else a prompt listing the choices in the user's language.
        answer = value(
            field,
            lambda: p.ask(
                msgs(f"prompt.{field}", choices=describe_choices(enum, msgs)),
                choice(enum),
                default=msgs.labels(enum)[default],
            ),
        )
        return str(answer) if answer else default

    def section(key: str, *names: str) -> None:
        # A heading only over questions that will be asked.
        if interactive and any(given[name] is None or given[name] == () for name in names):
            p.section(key)

    if interactive:
        click.echo(msgs("prompt.intro"))
    section("prompt.section_basics", "title", "organisation", "unit", "owner", "purpose", "tag")
    title = value("title", lambda: p.ask(msgs("prompt.title")))
    organisation = value("organisation", lambda: p.ask(msgs("prompt.organisation")))
    unit = value("unit", lambda: p.ask(msgs("prompt.unit"), required=False)) or ""
    owner = value("owner", lambda: p.ask(msgs("prompt.owner"), default=default_author(), required=False)) or ""
    purposes = value(
        "purpose", lambda: p.ask(msgs("prompt.purposes", choices=describe_choices("Purpose", msgs)), read_purposes)
    )
    tags = value("tag", lambda: p.ask(msgs("prompt.tags"), parse_list, required=False)) or []

    section("prompt.section_test_card", "we_believe", "to_verify")
    we_believe = value("we_believe", lambda: p.ask(msgs("prompt.we_believe")))
    to_verify = value("to_verify", lambda: p.ask(msgs("prompt.to_verify")))

    section(
        "prompt.section_metric",
        "metric",
        "metric_label",
        "metric_unit",
        "kind",
        "direction",
        "impact",
        "effect_scale",
        "minimum_effect",
        "baseline",
        "valid_min",
        "valid_max",
    )
    while True:
        metric = value("metric", lambda: p.ask(msgs("prompt.metric")))
        # What people read: an identifier's underscores offered as spaces ("valmis ensimmäisellä
        # kerralla"); the same as the name is no label.
        label_default = metric.replace("_", " ").strip() if "_" in metric else ""
        label = value(
            "metric_label", lambda: p.ask(msgs("prompt.metric_label"), default=label_default, required=False)
        )
        label = "" if not label or label.strip() == metric.strip() else label
        question = msgs("prompt.metric_unit", codes=units.describe_codes(msgs.lang))
        metric_unit = units.recognise(msgs.lang, value("metric_unit", lambda: p.ask(question, required=False)) or "")
        kind = ask_choice("kind", "MetricKind", "mean")
        direction = ask_choice("direction", "Direction", "higher_is_better")
        impact = ask_choice("impact", "ImpactClass", "customer_outcome")
        if impact != "activity_output":
            break
        warn_activity(msgs, metric)
        asked_something = any(given[name] is None for name in ("metric", "impact"))
        if not interactive or not asked_something or p.confirm(msgs("prompt.keep_activity"), default=False):
            break
        # Start the metric again: the user chose to measure something else.
        given["metric"] = given["impact"] = given["metric_label"] = None
    effect_scale = ask_choice("effect_scale", "EffectScale", "absolute")
    minimum_effect = value(
        "minimum_effect",
        lambda: p.ask(
            msgs("prompt.minimum_effect"),
            lambda text: check_effect(msgs, kind, effect_scale, parse_positive(text, msgs)),
        ),
    )
    if not interactive:
        try:
            check_effect(msgs, kind, effect_scale, minimum_effect)
        except ValueError as error:
            raise UserError(f"--minimum-effect: {error}") from None
    baseline = value("baseline", lambda: p.ask(msgs("prompt.baseline"), optional_number, required=False))
    valid_range: dict[str, float | None] = {"valid_min": None, "valid_max": None}
    if kind != "proportion":
        # A 1-5 survey: values outside are refused at every door.
        valid_range["valid_min"] = value(
            "valid_min", lambda: p.ask(msgs("prompt.valid_min"), optional_number, required=False)
        )
        low = valid_range["valid_min"]

        def read_max(text: str) -> float | None:
            high = optional_number(text)
            if high is not None and low is not None and high <= low:
                raise ValueError(msgs("prompt.range_upside_down", low=msgs.number(low)))
            return high

        valid_range["valid_max"] = value("valid_max", lambda: p.ask(msgs("prompt.valid_max"), read_max, required=False))

    section("prompt.section_criterion", "and_measure", "right_if", "data_seen")
    shown = label or metric  # the name a person reads, as in every sentence
    measure_default = f"{shown} ({units.unit_name(msgs.lang, metric_unit)})" if metric_unit else shown
    and_measure = value("and_measure", lambda: p.ask(msgs("prompt.and_measure"), default=measure_default))
    phrase = effect_phrase(msgs, minimum_effect, effect_scale, metric_unit, **valid_range)
    right_default = msgs(
        "right_if.higher" if direction == "higher_is_better" else "right_if.lower", metric=shown, effect=phrase
    )
    right_if = value("right_if", lambda: p.ask(msgs("prompt.right_if"), default=right_default))
    data_seen = value("data_seen", lambda: p.ask(msgs("prompt.data_seen"), required=False)) or ""

    section("prompt.section_design", "design", "arm", "planned_start", "planned_end")
    design = (
        value(
            "design",
            lambda: p.ask(
                msgs("prompt.design", choices=describe_choices("DesignKind", msgs)),
                choice("DesignKind"),
                default=msgs.labels("DesignKind")["concurrent"],
            ),
        )
        or "concurrent"
    )

    def read_arms(text: str) -> list[tuple[str, str]]:
        return arms_of(msgs, design, [parse_arm_spec(item, msgs) for item in parse_list(text)])

    if given["arm"]:
        try:
            arms = arms_of(msgs, design, given["arm"])
        except ValueError as error:
            raise UserError(f"--arm: {error}") from None
    elif interactive:
        question = {
            "before_after": msgs("prompt.arms_before_after"),
            "interrupted_time_series": msgs("prompt.arms_before_after"),
            "difference_in_differences": msgs("prompt.arms_difference_in_differences"),
            "one_sample": msgs("prompt.arms_one"),
        }.get(
            design,
            msgs("prompt.arms", first=msgs.labels("ArmRole")["control"], rest=msgs.labels("ArmRole")["treatment"]),
        )
        arms = p.ask(question, read_arms, default=", ".join(default_arm_names(msgs, design)))
    else:
        arms = arms_of(msgs, design, [(name, None) for name in default_arm_names(msgs, design)])

    planned_shares = arm_shares(msgs, p, design, arms, given["shares"], interactive)
    # Each subject's value before the experiment, to adjust the comparison for: asked only where the
    # core takes one (concurrent arms, a mean or a share on the absolute scale); the core refuses
    # --metric-covariate elsewhere, naming it.
    adjustable = design == "concurrent" and kind != "count" and effect_scale == "absolute"
    covariate = given["metric_covariate"] or (
        value("metric_covariate", lambda: p.ask(msgs("prompt.metric_covariate"), required=False)) if adjustable else ""
    )

    if design == "one_sample" and baseline is None:
        if not interactive:
            raise UserError(msgs("new.one_sample_baseline"))
        click.echo(msgs("error", message=msgs("new.one_sample_baseline")), err=True)
        baseline = p.ask(msgs("prompt.baseline_required"), lambda text: parse_number(text, msgs))

    today = datetime.datetime.now(datetime.timezone.utc).date()
    planned_start = value(
        "planned_start",
        lambda: p.ask(msgs("prompt.planned_start"), lambda text: parse_date(text, msgs), default=today.isoformat()),
    )

    def read_end(text: str) -> datetime.date:
        end = parse_date(text, msgs)
        if planned_start is not None and end < planned_start:
            raise ValueError(msgs("prompt.end_before_start", end=msgs.date(end), start=msgs.date(planned_start)))
        return end

    end_default = (planned_start or today) + datetime.timedelta(days=90)
    planned_end = value(
        "planned_end", lambda: p.ask(msgs("prompt.planned_end"), read_end, default=end_default.isoformat())
    )
    if not interactive and planned_start and planned_end and planned_end < planned_start:
        raise UserError(
            "--planned-end: "
            + msgs("prompt.end_before_start", end=msgs.date(planned_end), start=msgs.date(planned_start))
        )

    metric_fields: dict[str, Any] = {
        "name": metric,
        "label": label,
        "unit": metric_unit,
        "kind": kind,
        "role": "primary",
        "direction": direction,
        "impact": impact,
        "minimum_effect": minimum_effect,
        "effect_scale": effect_scale,
    }
    if baseline is not None:
        metric_fields["baseline"] = baseline
    if given["baseline_sd"] is not None:
        metric_fields["baseline_sd"] = given["baseline_sd"]
    if given["confidence"] is not None:
        metric_fields["confidence"] = given["confidence"]
    for name in ("valid_min", "valid_max"):
        if valid_range[name] is not None:
            metric_fields[name] = valid_range[name]
    if covariate:
        metric_fields["covariate"] = covariate
    fields: dict[str, Any] = {
        "title": title,
        "organisation": organisation,
        "unit": unit,
        "owner": owner,
        "purposes": list(purposes),
        "tags": list(tags),
        "we_believe": we_believe,
        "to_verify": to_verify,
        "and_measure": and_measure,
        "right_if": right_if,
        "data_seen": data_seen,
        "design": design,
        "arms": [
            {"name": name, "role": role, **({} if planned_shares is None else {"share": planned_shares[i]})}
            for i, (name, role) in enumerate(arms)
        ],
        "metrics": [metric_fields, *given["added_metrics"]],
    }
    for name in ("summary", "risk", "key"):
        if given[name]:
            fields[name] = given[name]
    for name, option in (
        ("planned_start", planned_start),
        ("planned_end", planned_end),
        ("planned_cost_eur", given["planned_cost"]),
        ("planned_effort_hours", given["planned_effort"]),
    ):
        if option is not None:
            fields[name] = option
    if interactive and not given["yes"]:
        click.echo("")
        if not p.confirm(msgs("prompt.confirm_create")):
            return None
    return fields
