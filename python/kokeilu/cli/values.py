"""Reading what the user typed: dates, times, numbers, choices and lists.

Each reader raises ValueError with a message in the user's language; the same readers serve the
options (through :class:`Parsed`, a click parameter type) and the interactive prompts, so a flag
and a prompt accept exactly the same answers.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import click

from .. import _core
from .i18n import LANGUAGES, Messages, enum_names

if TYPE_CHECKING:
    from .._tracker import Tracker

T = TypeVar("T")

_FINNISH_DATE = re.compile(r"^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$")


class UserError(Exception):
    """A mistake the user can fix; the message is already in the user's language."""


def parse_date(text: str, msgs: Messages) -> datetime.date:
    """A calendar date: 2026-03-01, or 1.3.2026 as Finns write it."""
    stripped = text.strip()
    match = _FINNISH_DATE.match(stripped)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        if len(stripped) != 10:
            raise ValueError(stripped)
        return datetime.date.fromisoformat(stripped)
    except ValueError:
        raise ValueError(msgs("value.not_date", value=text)) from None


_FINNISH_TIME = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T](?:klo\s*)?(\d{1,2})[:.](\d{2}))?$")


def parse_time(text: str, msgs: Messages) -> str:
    """A time as the command takes it: ISO 8601 (2026-12-31T14:30, 2026-12-31 14:30+02:00, or a
    date alone), or as Finns write it (31.12.2026, 31.12.2026 14:30, 31.12.2026 klo 14.30).

    Returns ISO 8601 text, checked by the core's parser. A time without 'Z' or an offset, and a
    date alone, are still wall-clock time in the tracker's zone: :func:`resolve_time` reads them
    once the tracker is open.
    """
    stripped = text.strip()
    match = _FINNISH_TIME.match(stripped)
    if match:
        day, month, year, hour, minute = match.groups()
        stripped = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
        if hour is not None:
            stripped += f"T{int(hour):02d}:{minute}"
    try:
        _core.parse_time(stripped, "at")
    except _core.InvalidArgumentError:
        raise ValueError(msgs("value.not_time", value=text)) from None
    return stripped


def resolve_time(tracker: Tracker, text: str | None, field: str) -> datetime.datetime | None:
    """The instant of a time read by :func:`parse_time`, in the zone of the open tracker: the
    command's rule that people type times as their clocks show them."""
    if text is None:
        return None
    return tracker._core.parse_local_time(text, field)  # noqa: SLF001 - the command is part of the package


def parse_number(text: str, msgs: Messages) -> float:
    """A finite number; a decimal comma is accepted when there is no decimal point."""
    stripped = text.strip().replace("\u2212", "-")
    if "," in stripped and "." not in stripped and stripped.count(",") == 1:
        stripped = stripped.replace(",", ".")
    try:
        value = float(stripped)
    except ValueError:
        raise ValueError(msgs("value.not_number", value=text)) from None
    if not math.isfinite(value):
        raise ValueError(msgs("value.not_finite", value=text))
    return value


def parse_positive(text: str, msgs: Messages) -> float:
    value = parse_number(text, msgs)
    if value <= 0:
        raise ValueError(msgs("value.not_positive", value=msgs.number(value)))
    return value


def parse_shares(text: str, msgs: Messages) -> list[float]:
    """Planned shares of the arms as weights in the arms' order, separated by colons: 1:2 is a
    third and two thirds (a decimal comma is accepted, as in every number)."""
    return [parse_positive(part, msgs) for part in text.split(":")]


def parse_non_negative(text: str, msgs: Messages) -> float:
    value = parse_number(text, msgs)
    if value < 0:
        raise ValueError(msgs("value.negative", value=msgs.number(value)))
    return value


def _normal(text: str) -> str:
    return re.sub(r"[\s_-]+", " ", text.strip().casefold())


def choice_names(enum_name: str) -> list[str]:
    return enum_names(enum_name)


def describe_choices(enum_name: str, msgs: Messages) -> str:
    """'wellbeing = hyvinvointi, ...' in Finnish, the plain names in English."""
    labels = msgs.labels(enum_name)
    if msgs.lang == "en":
        return ", ".join(labels)
    return ", ".join(f"{name} = {label}" for name, label in labels.items())


def parse_choice(text: str, enum_name: str, msgs: Messages) -> str:
    """The value name of an enumeration, given by its name or its label in any of the languages."""
    wanted = _normal(text)
    labels = [msgs.labels(enum_name)] + [Messages(lang).labels(enum_name) for lang in LANGUAGES if lang != msgs.lang]
    for name in enum_names(enum_name):
        if wanted in (_normal(name), *(_normal(by_name[name]) for by_name in labels)):
            return name
    if msgs.lang == "en":
        choices = ", ".join(enum_names(enum_name))
    else:
        choices = ", ".join(f"{name} ({label})" for name, label in msgs.labels(enum_name).items())
    raise ValueError(msgs("value.choice", value=text, choices=choices))


def parse_list(text: str) -> list[str]:
    """Comma-separated items, trimmed, empty ones left out."""
    return [item.strip() for item in text.split(",") if item.strip()]


def parse_assignment(text: str, msgs: Messages) -> tuple[str, str]:
    """NAME=VALUE."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise ValueError(msgs("value.assignment", value=text))
    return name.strip(), value.strip()


def parse_arm_spec(text: str, msgs: Messages) -> tuple[str, str | None]:
    """An arm as NAME or NAME:ROLE (the role by name or label)."""
    name, sep, role = text.rpartition(":")
    if not sep:
        return text.strip(), None
    try:
        return name.strip(), parse_choice(role, "ArmRole", msgs)
    except ValueError:
        # A colon may be part of the name itself ("klo 8:00"); only a known role is split off.
        if role.strip() and not any(c.isspace() for c in role.strip()):
            raise ValueError(
                msgs("value.arm_spec", value=text, role=role, choices=", ".join(choice_names("ArmRole")))
            ) from None
        return text.strip(), None


class Parsed(click.ParamType, Generic[T]):  # type: ignore[type-arg, unused-ignore]  # generic in newer click
    """A click parameter type over one of the readers above."""

    def __init__(self, name: str, reader: Callable[[str], T]) -> None:
        self.name = name
        self._reader = reader

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> T:
        if not isinstance(value, str):
            return value  # type: ignore[no-any-return]  # already converted (a default)
        try:
            return self._reader(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)
