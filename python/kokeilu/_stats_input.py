"""The counts of :mod:`kokeilu.stats`' plain functions, checked as the caller wrote them.

A count is converted here (:func:`kokeilu._checks.count`: an int or a float without a fraction,
never a bool or text), because the core's count is an int64 that cannot hold 5.7. Whether a count
is allowed (not negative, successes within the trials, events whole) is the core's rule; the core
names a pair's parts ``treatment.successes``, and :func:`core_fields` gives its error the name the
caller wrote (``treatment[0]``), keeping the core's code and parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt

from . import _core
from ._checks import count, count_value, invalid, number
from ._core import Summary

#: What the core calls the parts of one share (``wilson_interval``, ``one_sample_proportion``).
ONE_SHARE = {"group.successes": "successes", "group.trials": "trials", "group": "trials"}


def pair_fields(*arms: str, parts: tuple[str, str] = ("successes", "trials")) -> dict[str, str]:
    """The core's names of the parts of each arm's pair, as the caller wrote them (``arm[0]``)."""
    return {f"{arm}.{part}": f"{arm}[{i}]" for arm in arms for i, part in enumerate(parts)}


@contextmanager
def core_fields(names: Mapping[str, str]) -> Iterator[None]:
    """Re-raises the core's InvalidArgumentError (or NotEnoughDataError) for a field in `names`
    under the caller's name for it."""
    try:
        yield
    except _core.InvalidArgumentError as error:
        field = getattr(error, "field", "")
        if field in names:
            _renamed(names[field], error)
        raise


def _renamed(field: str, error: Any) -> NoReturn:
    # The same class: a NotEnoughDataError stays one.
    text = str(error).partition(": ")[2]
    renamed = type(error)(f"{field}: {text}")
    renamed.field = field
    renamed.code = error.code
    renamed.params = error.params
    raise renamed from None


def counts(pair: tuple[Any, Any] | Summary, field: str) -> tuple[int, int]:
    """``(successes, trials)`` of a pair (or a Summary of 0/1 values) as whole numbers."""
    if isinstance(pair, Summary):
        return pair.successes, pair.trials
    successes, trials = _pair(pair, field, "(successes, trials) or a Summary")
    return count(successes, f"{field}[0]"), count(trials, f"{field}[1]")


def events(pair: tuple[Any, Any], field: str) -> tuple[float, float]:
    """``(events, exposure)``: numbers, the events not a bool (the core judges both further)."""
    count_of_events, exposure = _pair(pair, field, "(events, exposure)")
    return count_value(count_of_events, f"{field}[0]"), number(exposure, f"{field}[1]")


def _pair(pair: Any, field: str, expected: str) -> tuple[Any, Any]:
    if isinstance(pair, (str, bytes)):
        raise TypeError(f"{field}: expected {expected}")
    try:
        first, second = pair
    except (TypeError, ValueError):
        raise TypeError(f"{field}: expected {expected}") from None
    return first, second


def count_array(values: Any, field: str) -> npt.NDArray[np.int64]:
    """A one-dimensional int64 array of counts, each checked as :func:`count` checks one (a bool
    array, or a list holding a bool, is refused: numpy would quietly make True a 1)."""
    items = np.asarray(values, dtype=object)
    if items.ndim != 1:
        invalid(field, "input.not_one_dimensional", dimensions=items.ndim)
    return np.fromiter((count(v, f"{field}[{i}]") for i, v in enumerate(items)), dtype=np.int64, count=len(items))
