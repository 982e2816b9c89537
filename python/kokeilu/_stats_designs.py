"""The designs without a concurrent control, on plain arrays: difference in differences with its
pre-period trend check, interrupted time series, and regression adjustment for a pre-period
covariate. Every number comes from the C++ core (``kokeilu/stats/difference_in_differences.hpp``,
``interrupted_time_series.hpp``, ``covariate_adjustment.hpp``); this module converts arguments.
:mod:`kokeilu.stats` re-exports the functions.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Union

import numpy as np
import numpy.typing as npt

from . import _core
from ._checks import count, invalid, number
from ._core import CovariateAdjustment, Estimate, InterruptedTimeSeries, Summary
from ._stats_input import core_fields

#: Unit-level values (numpy array, pandas Series, list) or a Summary of them.
Values = Union[Summary, npt.ArrayLike]

_DAY = np.timedelta64(1, "D")
_EPOCH = np.datetime64("1970-01-01T00:00:00", "us")
# 1970-01-01 was a Thursday: Monday is 0.
_EPOCH_WEEKDAY = 3


def _floats(values: Any, field: str) -> npt.NDArray[np.float64]:
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        # Name the first element that is no number (text, a date, None), as log_many does.
        for i, item in enumerate(array.reshape(-1).tolist()):
            number(item, f"{field}[{i}]")
    if array.ndim != 1:
        invalid(field, "input.not_one_dimensional", dimensions=array.ndim)
    return np.ascontiguousarray(array, dtype=np.float64)


def _summary(values: Values, field: str) -> Summary:
    if isinstance(values, Summary):
        return values
    return Summary.from_values(_floats(values, field), None)


def difference_in_differences(
    changed_before: Values,
    changed_after: Values,
    comparison_before: Values,
    comparison_after: Values,
    *,
    confidence: float = 0.95,
) -> Estimate:
    """(changed_after - changed_before) - (comparison_after - comparison_before) of the cells' means.

    Each cell is unit-level values or a :class:`Summary`. The standard error is
    sqrt(sum of s^2 / n over the cells), which is statsmodels' HC2 covariance of the interaction in
    ``OLS(y ~ changed * after).fit(cov_type="HC2")`` on the unit rows (no equal variances assumed),
    with a normal interval and p-value. The estimate is causal only if both units would have moved
    alike without the change (parallel trends): check the before period with
    :func:`pre_trend_difference`.
    """
    return _core.difference_in_differences(
        _summary(changed_before, "changed_before"),
        _summary(changed_after, "changed_after"),
        _summary(comparison_before, "comparison_before"),
        _summary(comparison_after, "comparison_after"),
        confidence,
    )


def pre_trend_difference(
    changed_time: npt.ArrayLike,
    changed_values: npt.ArrayLike,
    comparison_time: npt.ArrayLike,
    comparison_values: npt.ArrayLike,
    *,
    confidence: float = 0.95,
) -> Estimate:
    """The before period's slope of the changed unit minus the comparison's, per unit of time.

    Unit rows or period means against their times (numbers, e.g. week numbers), fitted as
    ``y ~ time * changed`` by OLS with the classical covariance (statsmodels ``OLS(...).fit()``,
    t on n - 4 degrees of freedom). Needs at least 3 distinct times per unit. A small p-value says
    the trends already differed before the change; a large one does not prove them parallel.
    """
    return _core.pre_trend_difference(
        _floats(changed_time, "changed_time"),
        _floats(changed_values, "changed_values"),
        _floats(comparison_time, "comparison_time"),
        _floats(comparison_values, "comparison_values"),
        confidence,
    )


def _days(times: Any, field: str) -> npt.NDArray[np.float64] | None:
    """Datetimes as days since 1970-01-01 in their own wall-clock time; None when not datetimes."""
    tz = getattr(getattr(times, "dt", times), "tz", None)
    if tz is not None:  # pandas, aware: the local wall clock decides the weekday
        times = times.tz_localize(None) if not hasattr(times, "dt") else times.dt.tz_localize(None)
    array = np.asarray(times)
    if array.dtype.kind != "M":
        return None
    if array.ndim != 1:
        invalid(field, "input.not_one_dimensional", dimensions=array.ndim)
    days: npt.NDArray[np.float64] = (array.astype("datetime64[us]") - _EPOCH) / _DAY
    return days


def _day_of(value: Any, field: str) -> float:
    """A date or datetime (an aware one in its own wall-clock time) as days since 1970-01-01."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:  # a pandas Timestamp is one too
        value = value.replace(tzinfo=None)
    if isinstance(value, np.datetime64):
        return float((value.astype("datetime64[us]") - _EPOCH) / _DAY)
    if isinstance(value, dt.date):
        return float((np.datetime64(value, "us") - _EPOCH) / _DAY)
    return number(value, field)


def interrupted_time_series(
    values: npt.ArrayLike,
    change_at: Any,
    *,
    time: Any = None,
    weekdays: npt.ArrayLike | bool | None = None,
    lags: int | None = None,
    confidence: float = 0.95,
) -> InterruptedTimeSeries:
    """Segmented regression ``y = b0 + b1 t + b2 after + b3 (t - change_at) after`` with Newey-West
    (HAC, Bartlett kernel) standard errors: the level change b2 and the slope change b3, each an
    :class:`Estimate` with a normal interval and p-value, as statsmodels
    ``OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": lags})`` (no small-sample correction).

    ``values`` are one per period (day or week) in time order. ``time`` is their times: numbers
    (then the slopes are per that unit), datetimes (slopes per day; ``change_at`` a date or
    datetime), or None for 0, 1, 2, ... (``change_at`` the first row after the change). ``weekdays``
    adds weekday seasonality for daily data: True takes each row's weekday from datetime times, or
    give the weekdays (0 = Monday .. 6 = Sunday). ``lags`` defaults to floor(4 (n / 100)^(2/9)).
    Trends and seasons beyond the weekdays are controlled only as far as the before period's line
    carries on.
    """
    y = _floats(values, "values")
    days = None if time is None else _days(time, "time")
    if time is None:
        t = np.arange(len(y), dtype=np.float64)
        change = number(change_at, "change_at")
    elif days is not None:
        t = days
        change = _day_of(change_at, "change_at")
    else:
        t = _floats(time, "time")
        change = number(change_at, "change_at")
    day_numbers: npt.NDArray[np.int64] | None = None
    if weekdays is True:
        if days is None:
            invalid("weekdays", "stats.its.weekdays_need_dates")
        day_numbers = ((np.floor(days).astype(np.int64) + _EPOCH_WEEKDAY) % 7).astype(np.int64)
    elif weekdays is not None and weekdays is not False:
        given = np.asarray(weekdays)
        if given.dtype.kind not in "iu":
            for i, item in enumerate(given.reshape(-1).tolist()):
                if isinstance(item, bool) or not isinstance(item, int):
                    invalid(f"weekdays[{i}]", "input.not_whole", value=repr(item))
        day_numbers = np.ascontiguousarray(given, dtype=np.int64)
    with core_fields({"change_time": "change_at"}):
        return _core.interrupted_time_series(
            t, y, change, lags=None if lags is None else count(lags, "lags"), weekdays=day_numbers, confidence=confidence
        )


def covariate_adjusted_difference(
    treatment: npt.ArrayLike,
    control: npt.ArrayLike,
    treatment_pre: npt.ArrayLike,
    control_pre: npt.ArrayLike,
    *,
    confidence: float = 0.95,
) -> CovariateAdjustment:
    """The treatment - control difference adjusted for each subject's pre-period value (ANCOVA:
    ``OLS(y ~ treated + pre).fit(cov_type="HC2")``), beside the unadjusted difference by the same
    covariance, and the variance reduction achieved, 1 - Var(adjusted) / Var(unadjusted).

    ``treatment_pre[i]`` is the pre-period value of the subject whose outcome is ``treatment[i]``.
    """
    return _core.covariate_adjusted_difference(
        _floats(treatment, "treatment"),
        _floats(treatment_pre, "treatment_pre"),
        _floats(control, "control"),
        _floats(control_pre, "control_pre"),
        confidence,
    )
