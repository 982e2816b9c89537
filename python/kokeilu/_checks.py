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


#: The code of a value that is no count at all (a bool, text, None, ...).
NOT_A_COUNT = "input.not_a_count"
# 2**63 is the first whole number an int64 (the core's count) cannot hold.
_COUNT_LIMIT = 2**63


def count(value: Any, field: str) -> int:
    """A count (successes, trials, units) as an int: a Python or numpy int, or a float without a
    fraction (5.0, as a sum in a float column gives). A bool is refused although Python counts it
    as an int (True where a count is meant is a mistake, not 1), and so are text, a fraction, NaN,
    infinity and a count beyond the core's int64. Whether the count is allowed (not negative,
    successes within the trials) is the core's rule, said by the core."""
    if isinstance(value, bool):
        invalid(field, NOT_A_COUNT, **not_a_number(value))
    if isinstance(value, int):
        whole = value
    elif isinstance(value, float):
        whole = _whole(float(value), field)  # float(): np.float64 is a float and shows itself otherwise
    else:
        import numpy as np  # as in number(): a numpy scalar means numpy is loaded anyway

        if isinstance(value, np.integer):  # np.bool_ is no np.integer
            whole = int(value)
        elif isinstance(value, np.floating):
            whole = _whole(float(value), field)
        else:
            invalid(field, NOT_A_COUNT, **not_a_number(value))
    if abs(whole) >= _COUNT_LIMIT:
        invalid(field, "input.count_too_large", value=str(whole))
    return whole


def _whole(value: float, field: str) -> int:
    if not value.is_integer():  # a fraction, NaN or infinity
        invalid(field, "input.not_whole", value=repr(value))
    return int(value)


def count_value(value: Any, field: str) -> float:
    """A count the core takes as a float (a count of events): refused here only when it is no
    number or a bool; whether it is a whole number >= 0 is the core's rule, said by the core."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        import numpy as np

        if isinstance(value, bool) or not isinstance(value, (np.integer, np.floating)):
            invalid(field, NOT_A_COUNT, **not_a_number(value))
    return number(value, field)
