"""The verdict's sentence in Finnish, Swedish or English, composed from the core's codes and
parameters (VerdictResult.message and .notes) through the catalogues, with the numbers written as
the language writes them.

The core gives the judgement's code ("stats.verdict.too_small") with its numbers (estimate, low,
high, confidence, minimum_effect, additional observations), the name a person reads of the metric
(its label, else its identifier), its unit, scale and direction; the phrases its template names (change, interval, minimum) are composed here from their
own codes, so each language words them itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cli.i18n import Messages

#: A message of the core as (code, params).
CoreMessage = tuple[str, Mapping[str, object]]

LANGUAGES = ("fi", "sv", "en")


def _float(params: Mapping[str, object], name: str) -> float:
    value = params.get(name, 0.0)
    return float(value) if isinstance(value, (int, float)) else 0.0


def _amount(msgs: Messages, value: float, params: Mapping[str, object]) -> str:
    """An amount of change in the metric, in its unit as this language inflects it ("1 päivä",
    "0,35 pistettä", a share's change in percentage points); a relative change as a percentage
    ("9,8 %")."""
    if params.get("scale") == "relative":
        return f"{msgs.figure(100.0 * value)} %"
    unit = "share" if params.get("kind") == "proportion" else str(params.get("unit", ""))
    return msgs.quantity(value, unit, number=msgs.figure, difference=True) if unit else msgs.figure(value)


def _phrases(msgs: Messages, params: Mapping[str, object]) -> dict[str, object]:
    """The judgement's parameters with its phrases in this language."""
    values: dict[str, object] = dict(params)
    if "estimate" not in params:
        return values
    estimate = _float(params, "estimate")
    if estimate > 0:
        change = msgs.core("stats.verdict.change.rose", {"amount": _amount(msgs, estimate, params)})
    elif estimate < 0:
        change = msgs.core("stats.verdict.change.fell", {"amount": _amount(msgs, -estimate, params)})
    else:
        change = msgs.core("stats.verdict.change.none", {})
    relative = params.get("scale") == "relative"
    # A proportion's interval in percentage points, as its change is said.
    scale = 100.0 if relative or params.get("kind") == "proportion" else 1.0
    suffix = " %" if relative else ""
    higher = params.get("direction") != "lower_is_better"
    interval = msgs.core(
        "stats.verdict.interval.higher" if higher else "stats.verdict.interval.lower",
        {
            "level": msgs.figure(100.0 * _float(params, "confidence")),
            "low": msgs.figure(scale * _float(params, "low")) + suffix,
            "high": msgs.figure(scale * _float(params, "high")) + suffix,
        },
    )
    values["change"] = change
    values["interval"] = interval
    values["minimum"] = _amount(msgs, _float(params, "minimum_effect"), params)
    if "additional" in params:
        values["additional"] = msgs.number(int(params["additional"]))  # type: ignore[call-overload]
    return values


def _why(msgs: Messages, params: Mapping[str, object]) -> str:
    """Why there is no estimate: the reason's own code said in this language where it has one."""
    code = params.get("why_code")
    if isinstance(code, str):
        reason = {key[4:]: value for key, value in params.items() if key.startswith("why.")}
        text = msgs.core(code, reason)
        if text is not None:
            field = reason.get("field")
            return msgs("analyze.not_enough", why=f"{field}: {text}" if field else text)
    return str(params.get("why", ""))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def verdict_sentence(
    msgs: Messages, criterion: str, message: CoreMessage, notes: Sequence[CoreMessage] = ()
) -> str:
    """The sentence of a verdict in the language of ``msgs``."""
    code, params = message
    values = _phrases(msgs, params)
    if "why" in params:
        values["why"] = _why(msgs, params)
    body = msgs.core(code, values) or code
    after = ""
    for note_code, note_params in notes:
        text = msgs.core(note_code, note_params) or note_code
        if note_code == "stats.verdict.amended_note":
            after += " " + text
        else:
            body += " " + text
    if criterion == "amended" and body:
        body = msgs.core("stats.verdict.exploratory", {"sentence": _lower_first(body)}) or body
    return body + after


def status_text(msgs: Messages, status: str, message: CoreMessage | None = None) -> str:
    """A comparison's status ("not enough data: …") in the language of ``msgs``, by the code the
    core gave with it; ``status``, the core's English, only where the catalogue has no text."""
    if message is None:
        return status
    code, params = message
    if code == "stats.status.too_large":
        return msgs("analyze.too_large", arm=params["arm"])
    text = msgs.core(code, params)
    if text is None:
        return status
    if "field" in params:  # not enough data: the reason's own code, naming the field
        return msgs("analyze.not_enough", why=f"{params['field']}: {text}")
    return text
