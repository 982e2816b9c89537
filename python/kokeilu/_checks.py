"""Checks of single arguments (a field's text, one number), kept apart from the column
conversions of :mod:`kokeilu._columns` so that writing one value never imports numpy or pandas:
the ``kokeilu`` command starts in a fraction of the time without them."""

from __future__ import annotations

import functools
from typing import Any, NoReturn

from . import _core


@functools.lru_cache(maxsize=1)
def core_templates() -> dict[str, str]:
    """Every message code of the core with its English template."""
    return dict(_core.message_templates())


def english_value(value: object) -> str:
    """A parameter as the core writes it in English: a float in its shortest exact form ("2", "0.1")."""
    if isinstance(value, float):
        text = repr(value)
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def invalid(field: str, code: str, /, **params: Any) -> NoReturn:
    """Raise InvalidArgumentError for `field` with the core's message `code`: the same code,
    parameters and English text as the core's own errors, so that every door says a rule alike
    and the command can say it in the user's language."""
    text = core_templates()[code].format_map({name: english_value(value) for name, value in params.items()})
    error = _core.InvalidArgumentError(f"{field}: {text}")
    error.field = field
    error.code = code
    error.params = dict(params)
    raise error


def invalid_as(field: str, error: Any) -> NoReturn:
    """The core's InvalidArgumentError `error` again, naming `field` (the caller's name for it)."""
    text = str(error).partition(": ")[2]
    renamed = _core.InvalidArgumentError(f"{field}: {text}")
    renamed.field = field
    renamed.code = error.code
    renamed.params = error.params
    raise renamed from None


def not_a_number(value: Any) -> dict[str, str]:
    """The parameters of input.not_a_number: the value's type and (at most 40 characters of) its repr."""
    shown = repr(value)
    if len(shown) > 40:
        shown = shown[:37] + "..."
    return {"type": type(value).__name__, "shown": shown}


def is_utf8(text: str) -> bool:
    """False for a str that cannot be UTF-8 (a lone surrogate, as Python decodes undecodable bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


#: The code of text that is not valid UTF-8 (a str with a lone surrogate code point).
NOT_UTF8 = "input.text_lone_surrogate"


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
            invalid(field, "input.not_a_number", **not_a_number(value))
    try:
        return float(value)
    except OverflowError:
        invalid(field, "input.float_too_large", value=repr(value))
