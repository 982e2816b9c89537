"""The fields `kokeilu amend` (and `new --add-metric`) can set, and turning NAME=VALUE pairs into
the keyword changes of Tracker.amend."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import kokeilu

from .i18n import Messages
from .values import (
    UserError,
    parse_assignment,
    parse_choice,
    parse_date,
    parse_list,
    parse_non_negative,
    parse_number,
    parse_positive,
)

TEST_CARD = ("we_believe", "to_verify", "and_measure", "right_if", "data_seen")
LEARNING_CARD = ("we_believed", "we_observed", "we_learned", "therefore")
TEXT_FIELDS = ("title", "summary", "organisation", "unit", "owner", "risk", *TEST_CARD)
DATE_FIELDS = ("planned_start", "planned_end")
AMOUNT_FIELDS = ("planned_cost_eur", "actual_cost_eur", "planned_effort_hours", "actual_effort_hours")
SETTABLE = (*TEXT_FIELDS, *DATE_FIELDS, *AMOUNT_FIELDS, "design", "tags", "purposes")
METRIC_SETTABLE = (
    "label",
    "unit",
    "description",
    "kind",
    "role",
    "direction",
    "impact",
    "baseline",
    "baseline_sd",
    "minimum_effect",
    "effect_scale",
    "confidence",
    "valid_min",
    "valid_max",
    "covariate",
)
METRIC_ENUMS = {
    "kind": "MetricKind",
    "role": "MetricRole",
    "direction": "Direction",
    "impact": "ImpactClass",
    "effect_scale": "EffectScale",
}
LIFECYCLE_FIELDS = ("status", "actual_start", "actual_end", "stop_reason", "outcome", "verdict", "decision")
IDENTITY_FIELDS = ("key", "uuid", "id")


def _convert_field(msgs: Messages, field: str, text: str) -> Any:
    if field in TEXT_FIELDS:
        return text
    if field in DATE_FIELDS:
        return None if not text else parse_date(text, msgs)
    if field in AMOUNT_FIELDS:
        return None if not text else parse_non_negative(text, msgs)
    if field == "design":
        return parse_choice(text, "DesignKind", msgs)
    if field == "tags":
        return parse_list(text)
    if field == "purposes":
        return [parse_choice(item, "Purpose", msgs) for item in parse_list(text)]
    raise AssertionError(field)


def _convert_metric_field(msgs: Messages, field: str, text: str) -> Any:
    if field in METRIC_ENUMS:
        return parse_choice(text, METRIC_ENUMS[field], msgs)
    if field in ("baseline", "baseline_sd", "valid_min", "valid_max"):
        return None if not text else parse_number(text, msgs)
    if field in ("minimum_effect", "confidence"):
        return parse_positive(text, msgs)
    return text


def parse_metric_spec(text: str, msgs: Messages) -> dict[str, Any]:
    """A further metric as name=NAME,FIELD=VALUE,... with the fields of ``amend --set METRIC.FIELD``."""
    fields: dict[str, Any] = {"role": "secondary"}
    for item in text.split(","):
        if not item.strip():
            continue
        field, value = parse_assignment(item, msgs)
        field = field.replace("-", "_")
        if field == "name":
            fields["name"] = value
        elif field in METRIC_SETTABLE:
            try:
                fields[field] = _convert_metric_field(msgs, field, value)
            except ValueError as error:
                raise ValueError(f"{field}: {error}") from None
        else:
            raise ValueError(
                msgs("metric_spec.unknown_field", field=field, known=", ".join(("name", *METRIC_SETTABLE)))
            )
    for required in ("name", "minimum_effect"):
        if not fields.get(required):
            raise ValueError(msgs("metric_spec.missing", field=required))
    return fields


def amend_changes(
    msgs: Messages, e: kokeilu.Experiment, assignments: Sequence[tuple[str, str]]
) -> tuple[dict[str, Any], list[str]]:
    """The keyword changes for Tracker.amend and the names of the fields they touch."""
    changes: dict[str, Any] = {}
    touched: list[str] = []
    metrics = [m.__copy__() for m in e.metrics]
    metrics_changed = False
    arms = [a.__copy__() for a in e.arms]
    arms_changed = False
    for raw_field, text in assignments:
        field = raw_field.strip().replace("-", "_")
        lowered = field.casefold()
        if lowered in LIFECYCLE_FIELDS:
            raise UserError(msgs("amend.not_settable", field=raw_field, how=msgs("amend.how_status")))
        if lowered in IDENTITY_FIELDS:
            raise UserError(msgs("amend.not_settable", field=raw_field, how=msgs("amend.how_identity")))
        metric_name, dot, metric_field = field.rpartition(".")
        try:
            if field in SETTABLE:
                changes[field] = _convert_field(msgs, field, text)
                touched.append(field)
            elif dot and metric_field in METRIC_SETTABLE:
                # Names as the core compares them (NFC, ignoring case).
                named = next((m for m in e.metrics if kokeilu.same_name(m.name, metric_name)), None)
                target = next((m for m in metrics if named is not None and m.id == named.id), None)
                if target is None:
                    raise UserError(
                        msgs("unknown_metric", name=metric_name, known=", ".join(m.name for m in e.metrics))
                    )
                setattr(target, metric_field, _convert_metric_field(msgs, metric_field, text))
                metrics_changed = True
                touched.append(f"{target.name}.{metric_field}")
            elif dot and metric_field == "share":
                # ARM.share: the arm's planned share (a number; empty for equal shares). Whether it
                # fits the design and the other arms is the core's rule.
                arm = next((a for a in arms if kokeilu.same_name(a.name, metric_name)), None)
                if arm is None:
                    known = ", ".join(a.name for a in e.arms)
                    raise UserError(msgs.core("input.unknown_arm", {"name": metric_name, "known": known}) or metric_name)
                arm.share = None if not text else parse_number(text, msgs)
                arms_changed = True
                touched.append(f"{arm.name}.share")
            else:
                raise UserError(
                    msgs(
                        "amend.unknown_field",
                        field=raw_field,
                        known=", ".join(SETTABLE),
                        metric_fields=", ".join(METRIC_SETTABLE),
                    )
                )
        except ValueError as error:
            if isinstance(error, kokeilu.KokeiluError):
                raise
            raise UserError(f"{raw_field}: {error}") from None
    if metrics_changed:
        changes["metrics"] = metrics
    if arms_changed:
        changes["arms"] = arms
    return changes, touched
