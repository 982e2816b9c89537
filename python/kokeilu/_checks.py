"""Checks of single arguments (a field's text, one number), kept apart from the column
conversions of :mod:`kokeilu._columns` so that writing one value never imports numpy or pandas:
the ``kokeilu`` command starts in a fraction of the time without them."""

from __future__ import annotations

from typing import Any, NoReturn

from . import _core


def invalid(field: str, problem: str) -> NoReturn:
    """Raise InvalidArgumentError for `field`, worded as the core words it."""
    error = _core.InvalidArgumentError(f"{field}: {problem}")
    error.field = field
    raise error


def not_a_number(value: Any) -> str:
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return f"expected a number (bool, int or float), got {type(value).__name__} {shown}"


def is_utf8(text: str) -> bool:
    """False for a str that cannot be UTF-8 (a lone surrogate, as Python decodes undecodable bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: What the core says of text that is not valid UTF-8.
NOT_UTF8 = "is not valid UTF-8 (it holds a lone surrogate code point)"


def check_text(text: Any, field: str) -> None:
    """A text argument: a str that can be UTF-8 (TypeError for another type)."""
    if not isinstance(text, str):
        raise TypeError(f"{field}: expected a string, got {type(text).__name__}")
    if not is_utf8(text):
        invalid(field, NOT_UTF8)


def number(value: Any, field: str) -> float:
    """One value: bool, int or float (Python's or numpy's), as a float; anything else is refused
    naming the field."""
    if not isinstance(value, (bool, int, float)):
        # numpy only for what is not a Python number: a numpy scalar means numpy is loaded anyway.
        import numpy as np

        if not isinstance(value, (np.bool_, np.integer, np.floating)):
            invalid(field, not_a_number(value))
    try:
        return float(value)
    except OverflowError:
        invalid(field, f"{value!r} is too large for a float")
