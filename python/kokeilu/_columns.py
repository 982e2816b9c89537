"""Columnar conversions between numpy/pandas and the compiled core.

Everything here converts types, whole arrays at a time: the rules that data must meet (times in
years 1400-9999 and not in the future, values in the metric's range, ...) are the core's, which
names the column and the row at fault. Converting is strict all the same, so that nothing is
guessed on the way: values must be bool, int or float (a complex, datetime, timedelta or text
array is refused, as ``log`` refuses one such value); a time is a datetime, a date, a numpy
datetime64, a pandas Timestamp, ISO 8601 text (parsed by the core, never leniently by pandas), or
a number with its unit said (``at_unit="s"``). Timezone-aware times are converted to UTC, naive
times are taken to be UTC already, and parts finer than a microsecond are floored.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass
from typing import Any, NoReturn

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core
from ._checks import NOT_UTF8, invalid, is_utf8
from ._checks import not_a_number as _not_a_number

__all__ = ["ObservationArrays", "observations_frame"]

_NAT = np.iinfo(np.int64).min
_SCALAR_TIME = (datetime.date, np.datetime64, str)
#: Scalars a value may be: bool, int and float, Python's or numpy's.
_NUMBER_TYPES = (bool, int, float, np.bool_, np.integer, np.floating)
#: numpy dtype kinds of values: bool, signed and unsigned integers, floats.
_NUMBER_KINDS = "biuf"


def _first_true(mask: npt.NDArray[np.bool_]) -> int:
    return int(np.flatnonzero(mask)[0])


def _row(field: str, row: int) -> str:
    return f"{field}[{row}]"


def _numbers(array: npt.NDArray[Any], field: str) -> npt.NDArray[np.float64]:
    """float64 from an array of bool, int or float; any other dtype (object: any other element) is
    refused naming its first row."""
    kind = array.dtype.kind
    if kind in _NUMBER_KINDS:
        return np.asarray(array, dtype=np.float64)
    if kind == "O":
        flat = array.ravel()
        good = np.fromiter((isinstance(v, _NUMBER_TYPES) or v is None for v in flat), dtype=bool, count=len(flat))
        if not good.all():
            row = _first_true(~good)
            invalid(_row(field, row), "input.not_a_number", **_not_a_number(flat[row]))
        # Only numbers and None (missing: NaN, which the core refuses as not finite).
        return np.asarray([np.nan if v is None else float(v) for v in flat], dtype=np.float64).reshape(array.shape)
    if len(array) == 0:
        invalid(field, "input.array_not_numbers", dtype=str(array.dtype))
    invalid(_row(field, 0), "input.not_a_number", **_not_a_number(array.flat[0]))


def float_column(data: Any, field: str, rows: int | None = None) -> npt.NDArray[np.float64]:
    """A one-dimensional float64 array from an array, a Series or a list of bool, int or float
    (missing values are NaN); other types, text and numbers in text included, are refused."""
    if isinstance(data, pd.Categorical) or isinstance(getattr(data, "dtype", None), pd.CategoricalDtype):
        # Categories are labels, even when they look like numbers.
        invalid(_row(field, 0) if len(data) else field, "input.categorical_not_numbers")
    if isinstance(data, pd.api.extensions.ExtensionArray):
        data = pd.Series(data, copy=False)
    if isinstance(data, (pd.Series, pd.Index)):
        dtype = data.dtype
        numeric = isinstance(dtype, np.dtype) and dtype.kind in _NUMBER_KINDS
        extension = not isinstance(dtype, np.dtype) and getattr(dtype, "kind", "O") in _NUMBER_KINDS
        if numeric or extension:
            array = data.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            array = _numbers(np.asarray(data.to_numpy(dtype=object), dtype=object), field)
    elif isinstance(data, np.ndarray):
        array = _numbers(data, field)
    elif isinstance(data, (str, bytes)) or np.isscalar(data):
        invalid(field, "input.not_a_column", type=type(data).__name__)
    else:
        items = list(data)
        try:
            array = np.asarray(items)
        except ValueError as error:  # ragged
            invalid(field, "input.ragged_column", error=str(error))
        if array.dtype.kind not in _NUMBER_KINDS and array.dtype.kind != "O":
            array = np.asarray(items, dtype=object)
        array = _numbers(array, field)
    if array.ndim != 1:
        invalid(field, "input.not_one_dimensional", dimensions=array.ndim)
    if rows is not None and len(array) != rows:
        invalid(field, "input.rows_expected", rows=len(array), expected=rows)
    return np.ascontiguousarray(array)


def int_column(data: Any, field: str, rows: int) -> npt.NDArray[np.int64]:
    """A one-dimensional int64 array; a missing, fractional or too large value is refused naming its row."""
    dtype = getattr(data, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind == "i":
        array = np.ascontiguousarray(np.asarray(data, dtype=np.int64))
        if array.ndim != 1 or len(array) != rows:
            invalid(field, "input.not_one_dimensional_rows", rows=rows)
        return array
    if isinstance(dtype, np.dtype) and dtype.kind == "u":
        unsigned = np.asarray(data)
        if unsigned.ndim != 1 or len(unsigned) != rows:
            invalid(field, "input.not_one_dimensional_rows", rows=rows)
        large = unsigned > np.iinfo(np.int64).max
        if large.any():
            row = _first_true(large)
            invalid(_row(field, row), "input.count_too_large", value=str(unsigned[row]))
        return np.ascontiguousarray(unsigned.astype(np.int64))
    values = float_column(data, field, rows)
    bad = ~np.isfinite(values) | (values != np.floor(values))
    if bad.any():
        row = _first_true(bad)
        invalid(_row(field, row), "input.not_whole", value=repr(values[row]))
    # 2**63 is the first float an int64 cannot hold.
    large = np.abs(values) >= 2.0**63
    if large.any():
        row = _first_true(large)
        invalid(_row(field, row), "input.count_too_large", value=repr(values[row]))
    return values.astype(np.int64)


@dataclass(frozen=True)
class TimeColumn:
    """UTC microseconds, one per row, and whether the caller gave one time for every row."""

    micros: npt.NDArray[np.int64]
    given_once: bool


def _datetime64_micros(array: npt.NDArray[Any], field: str) -> npt.NDArray[np.int64]:
    unit, step = np.datetime_data(array.dtype)
    counts = array.view(np.int64)
    if unit == "us" and step == 1:
        # Already microseconds: only NaT to look for; the core checks the range.
        missing = counts == _NAT
        if missing.any():
            invalid(_row(field, _first_true(missing)), "input.missing_time_nat")
        return counts
    # Any other unit through the core, which refuses what numpy would wrap around on converting.
    converted: npt.NDArray[np.int64] = _core.datetime64_micros(np.ascontiguousarray(counts), unit, step, field)
    return converted


def _refuse_unitless(number: Any, field: str) -> NoReturn:
    """Numbers given as times without their unit: the core's refusal, which says the way out."""
    _core.unix_micros(number, field, None)
    raise AssertionError("the core accepted a number without a unit as a time")


def time_column(at: Any, rows: int, field: str = "at", unit: str | None = None) -> TimeColumn:
    """UTC microseconds since the Unix epoch, one per row.

    ``at`` may be None (now, for every row), one time for every row, or one time per row: a numpy
    datetime64 array, a pandas Series or DatetimeIndex (aware or naive), a list (or object array
    or Series) of datetimes, dates, pandas Timestamps, numpy datetime64 or ISO 8601 strings; or
    numbers counting ``unit`` ("s", "ms", "us", "ns") since 1970-01-01T00:00:00Z. A number without
    its unit is refused: 1772400000 is 2026 in seconds but 1970 in microseconds.
    """
    if at is None:
        return TimeColumn(np.full(rows, _core.unix_micros(_core.now()), dtype=np.int64), True)
    if isinstance(at, (*_SCALAR_TIME, *_NUMBER_TYPES)):
        micros = _core.unix_micros(at, field, unit)
        return TimeColumn(np.full(rows, micros, dtype=np.int64), True)
    if isinstance(at, pd.DatetimeIndex) or (isinstance(at, pd.Series) and isinstance(at.dtype, pd.DatetimeTZDtype)):
        index = pd.DatetimeIndex(at)
        if index.tz is not None:
            index = index.tz_convert("UTC").tz_localize(None)
        values: npt.NDArray[Any] = index.to_numpy()
    elif isinstance(at, (pd.Series, pd.Index)):
        values = at.to_numpy() if at.dtype.kind in "Mmbiuf" else at.to_numpy(dtype=object)
    elif isinstance(at, np.ndarray):
        values = at
    else:
        values = np.empty(len(at), dtype=object)
        values[:] = list(at)
    if values.ndim != 1:
        invalid(field, "input.not_one_dimensional", dimensions=values.ndim)
    if len(values) != rows:
        invalid(field, "input.rows_expected", rows=len(values), expected=rows)
    kind = values.dtype.kind
    if kind == "M":
        micros_array = _datetime64_micros(values, field)
    elif kind in "iuf":
        if unit is None:
            _refuse_unitless(values[0] if rows else 0, _row(field, 0) if rows else field)
        micros_array = _core.epoch_micros(values if kind == "f" else values.astype(np.int64), unit, field)
    elif kind == "O":
        micros_array = _core.times_from_objects(values, field, unit)
    else:
        if kind == "m":
            invalid(_row(field, 0) if rows else field, "input.durations_not_times")
        invalid(_row(field, 0) if rows else field, "input.values_not_times", dtype=str(values.dtype))
    return TimeColumn(np.ascontiguousarray(micros_array, dtype=np.int64), False)


def aligned(values: Any, column: Any, field: str, values_field: str) -> Any:
    """``column`` paired with ``values`` as pandas pairs two Series: by index label. The same labels
    in another order are put in the order of ``values``; other labels are refused, since pairing
    them by position would put values beside the wrong arms or times. A column that is not a
    Series (a list, an array, one value) is paired by position."""
    if not (isinstance(values, pd.Series) and isinstance(column, pd.Series)) or column.index.equals(values.index):
        return column
    same_labels = (
        len(column.index) == len(values.index)
        and values.index.is_unique
        and column.index.is_unique
        and bool(column.index.isin(values.index).all())
    )
    if not same_labels:
        invalid(field, "input.index_mismatch", other=values_field)
    return column.reindex(values.index)


def arm_column(arm: Any, rows: int, field: str = "arm") -> tuple[npt.NDArray[np.int32] | None, list[str]]:
    """Arm codes (one per row) and the arm names they index; codes None when one name is for every row.

    ``arm`` may be None (the experiment's only arm), one name for every row, or one name per row
    (a list, a numpy array, a pandas Series, or a Categorical, whose codes are used as they are).
    """
    if arm is None or isinstance(arm, str):
        name = "" if arm is None else arm
        if not is_utf8(name):
            invalid(field, NOT_UTF8)
        return None, [name]
    if isinstance(arm, pd.Series) and isinstance(arm.dtype, pd.CategoricalDtype):
        arm = pd.Categorical(arm)
    if isinstance(arm, pd.Categorical):
        # Only the categories that occur are arms named; the codes are then used as they are: no
        # hashing of a million names.
        arm = arm.remove_unused_categories()
        codes = np.asarray(arm.codes)
        names = [str(name) for name in arm.categories]
    else:
        codes, uniques = pd.factorize(np.asarray(arm, dtype=object) if isinstance(arm, list) else arm)
        names = [str(name) for name in uniques]
    if codes.ndim != 1:
        invalid(field, "input.not_one_dimensional", dimensions=codes.ndim)
    if len(codes) != rows:
        invalid(field, "input.rows_expected", rows=len(codes), expected=rows)
    missing = codes < 0
    if missing.any():
        invalid(_row(field, _first_true(missing)), "input.missing_arm")
    for code, name in enumerate(names):
        if not is_utf8(name):
            invalid(_row(field, _first_true(codes == code)), NOT_UTF8)
    return np.ascontiguousarray(codes, dtype=np.int32), names


def _text_array(length: int, rows: npt.NDArray[np.int64], texts: list[str]) -> npt.NDArray[np.object_]:
    """One str per row ("" where a row has none) from the rows that have a text and their texts."""
    column = np.empty(length, dtype=object)
    column.fill("")  # one shared object: much faster than np.full for object arrays
    if texts:
        values = np.empty(len(texts), dtype=object)
        values[:] = texts
        column[rows] = values
    return column


def _arrow_str_dtype() -> pd.StringDtype | None:
    """pandas' "str" dtype when it is stored in Arrow (pandas 3 with pyarrow installed), else None."""
    dtype = pd.api.types.pandas_dtype("str")
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        return dtype
    return None


def _text_series(length: int, rows: npt.NDArray[np.int64], texts: list[str]) -> pd.Series:
    """The column as a Series of pandas' "str" dtype ("" where a row has none).

    With Arrow storage the Series is built from one UTF-8 buffer and its offsets, so a million rows
    without a text cost no Python object each; otherwise it is the object array made a "str" Series.
    """
    dtype = _arrow_str_dtype()
    series: pd.Series
    if dtype is None:
        series = pd.Series(_text_array(length, rows, texts), dtype="str")
        return series
    # Imported by name: pyarrow is optional, and installed only where pandas stores "str" in it.
    pa: Any = importlib.import_module("pyarrow")
    encoded = [text.encode() for text in texts]
    lengths = np.zeros(length, dtype=np.int64)
    lengths[rows] = [len(text) for text in encoded]
    offsets = np.zeros(length + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    array = pa.LargeStringArray.from_buffers(length, pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded)))
    series = pd.Series(array, dtype=dtype)
    return series


def _frame(columns: dict[str, Any], subject: Any, note: Any, *, copy: bool, covariate: Any = None) -> pd.DataFrame:
    """The observations' DataFrame from numpy columns named as in ObservationArrays; a column
    ``covariate`` (each subject's pre-period value) only for a metric that has one."""
    frame: pd.DataFrame = pd.DataFrame(
        {
            "id": columns["id"],
            "at": pd.to_datetime(columns["at"], utc=True),
            "arm": pd.Categorical.from_codes(
                columns["arm_codes"], categories=pd.Index(columns["arm_names"], dtype="str")
            ),
            "value": columns["value"],
            "n": columns["n"],
            "sum": columns["sum"],
            "sum_sq": columns["sum_sq"],
            "exposure": columns["exposure"],
            "subject": subject,
            "note": note,
        },
        copy=copy,
    )
    if covariate is not None:
        frame["covariate"] = np.array(covariate, dtype=np.float64) if copy else np.asarray(covariate, dtype=np.float64)
    return frame


# ObservationArrays' fields other than the texts, in order.
_NUMERIC = ("id", "at", "arm_codes", "arm_names", "value", "n", "sum", "sum_sq", "exposure")


def _numeric_from_core(columns: dict[str, Any]) -> dict[str, Any]:
    """The core's numeric columns under ObservationArrays' names, without copying them."""
    return {
        "id": columns["id"],
        "at": columns["at_us"].view("datetime64[us]"),
        "arm_codes": columns["arm_index"],
        "arm_names": list(columns["arm_names"]),
        "value": columns["value"],
        "n": columns["n"],
        "sum": columns["sum"],
        "sum_sq": columns["sum_sq"],
        "exposure": columns["exposure"],
    }


def observations_frame(columns: dict[str, Any]) -> pd.DataFrame:
    """The DataFrame of ``Tracker.observations`` straight from the core's columns.

    The same frame as ``ObservationArrays.from_core(columns).to_frame()``, made without the object
    arrays of subject and note and without copying the numeric columns, which nothing else holds.
    """
    numeric = _numeric_from_core(columns)
    length = len(numeric["id"])
    subject = _text_series(length, columns["subject_rows"], columns["subject_texts"])
    note = _text_series(length, columns["note_rows"], columns["note_texts"])
    return _frame(numeric, subject, note, copy=False, covariate=columns.get("covariate"))


@dataclass(frozen=True, repr=False)
class ObservationArrays:
    """Observations of one metric as numpy arrays, in time order (one element per row).

    Unit-level rows have ``value`` set, ``n`` 0 and NaN in ``sum`` and ``sum_sq``; pre-aggregated
    rows have ``value`` NaN and ``n``, ``sum``, ``sum_sq`` set (``sum_sq`` NaN when unknown).
    ``at`` is numpy ``datetime64[us]`` in UTC (numpy has no time zones); ``arm_codes`` index
    ``arm_names``. ``covariate`` is each row's pre-period value (NaN where a row has none) for a
    metric that names one (``Metric.covariate``), else None.
    """

    id: npt.NDArray[np.int64]
    at: npt.NDArray[np.datetime64]
    arm_codes: npt.NDArray[np.int32]
    arm_names: list[str]
    value: npt.NDArray[np.float64]
    n: npt.NDArray[np.int64]
    sum: npt.NDArray[np.float64]
    sum_sq: npt.NDArray[np.float64]
    exposure: npt.NDArray[np.float64]
    subject: npt.NDArray[np.object_]
    note: npt.NDArray[np.object_]
    covariate: npt.NDArray[np.float64] | None = None

    @classmethod
    def from_core(cls, columns: dict[str, Any]) -> ObservationArrays:
        """Wraps the dict of columns that the compiled core returns (no copies of numeric data)."""
        numeric = _numeric_from_core(columns)
        length = len(numeric["id"])
        return cls(
            **numeric,
            subject=_text_array(length, columns["subject_rows"], columns["subject_texts"]),
            note=_text_array(length, columns["note_rows"], columns["note_texts"]),
            covariate=columns.get("covariate"),
        )

    def __len__(self) -> int:
        return len(self.id)

    @property
    def arm(self) -> npt.NDArray[np.object_]:
        """The arm name of each row."""
        return np.asarray(self.arm_names, dtype=object)[self.arm_codes]

    def to_frame(self) -> pd.DataFrame:
        """The observations as a DataFrame: tz-aware UTC ``at``, categorical ``arm``."""
        columns = {name: getattr(self, name) for name in _NUMERIC}
        subject = pd.Series(self.subject, dtype="str")
        note = pd.Series(self.note, dtype="str")
        return _frame(columns, subject, note, copy=True, covariate=self.covariate)

    def __repr__(self) -> str:
        return f"<ObservationArrays {len(self)} rows, arms {self.arm_names!r}>"
