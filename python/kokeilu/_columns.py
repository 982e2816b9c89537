"""Columnar conversions between numpy/pandas and the compiled core.

Everything here works on whole arrays (numpy, pandas.factorize, pandas.to_datetime): no Python loop
runs over rows. Times follow the one rule of kokeilu: timezone-aware times are converted to UTC,
naive times are taken to be UTC already, and parts finer than a microsecond are floored.
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

__all__ = ["ObservationArrays", "observations_frame"]

_NAT = np.iinfo(np.int64).min
_SCALAR_TIME = (datetime.date, np.datetime64, str)


def invalid(field: str, problem: str) -> NoReturn:
    """Raise InvalidArgumentError for `field`, worded as the core words it."""
    error = _core.InvalidArgumentError(f"{field}: {problem}")
    error.field = field
    raise error


def _first_true(mask: npt.NDArray[np.bool_]) -> int:
    return int(np.flatnonzero(mask)[0])


def float_column(data: Any, field: str, rows: int | None = None) -> npt.NDArray[np.float64]:
    """A one-dimensional float64 array from an array, a Series or a list (missing values are NaN)."""
    try:
        if isinstance(data, (pd.Series, pd.Index)):
            array = data.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            array = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as error:
        invalid(field, f"is not numeric ({error})")
    if array.ndim != 1:
        invalid(field, f"must be one-dimensional, got {array.ndim} dimensions")
    if rows is not None and len(array) != rows:
        invalid(field, f"has {len(array)} rows, expected {rows}")
    return np.ascontiguousarray(array)


def int_column(data: Any, field: str, rows: int) -> npt.NDArray[np.int64]:
    """A one-dimensional int64 array; a missing or fractional value is an error naming its row."""
    dtype = getattr(data, "dtype", None)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        array = np.ascontiguousarray(np.asarray(data, dtype=np.int64))
        if array.ndim != 1 or len(array) != rows:
            invalid(field, f"must be one-dimensional with {rows} rows")
        return array
    values = float_column(data, field, rows)
    bad = ~np.isfinite(values) | (values != np.floor(values))
    if bad.any():
        row = _first_true(bad)
        invalid(field, f"row {row}: {values[row]!r} is not a whole number")
    return values.astype(np.int64)


def time_column(at: Any, rows: int, field: str = "at") -> npt.NDArray[np.int64]:
    """UTC microseconds since the Unix epoch, one per row.

    ``at`` may be None (now, for every row), one time for every row, or one time per row: a numpy
    datetime64 array (naive: UTC), a pandas Series or DatetimeIndex (aware or naive), or a list of
    datetimes, dates, pandas Timestamps or ISO 8601 strings.
    """
    if at is None:
        return np.full(rows, _core.unix_micros(_core.now()), dtype=np.int64)
    if isinstance(at, _SCALAR_TIME):
        try:
            micros = _core.unix_micros(at)
        except _core.InvalidArgumentError as error:
            invalid(field, str(error).partition(": ")[2])
        return np.full(rows, micros, dtype=np.int64)
    if isinstance(at, np.ndarray) and at.dtype.kind == "M":
        micros_array = at.astype("datetime64[us]").view(np.int64)
    else:
        try:
            converted = pd.to_datetime(at, utc=True)
        except (TypeError, ValueError, OverflowError) as error:
            invalid(field, f"not times ({error})")
        micros_array = pd.DatetimeIndex(converted).as_unit("us").asi8
    micros_array = np.ascontiguousarray(micros_array, dtype=np.int64)
    if micros_array.ndim != 1:
        invalid(field, f"must be one-dimensional, got {micros_array.ndim} dimensions")
    if len(micros_array) != rows:
        invalid(field, f"has {len(micros_array)} rows, expected {rows}")
    missing = micros_array == _NAT
    if missing.any():
        invalid(field, f"row {_first_true(missing)}: missing time")
    return micros_array


def arm_column(arm: Any, rows: int, field: str = "arm") -> tuple[npt.NDArray[np.int32], list[str]]:
    """Arm codes (one per row) and the arm names they index.

    ``arm`` may be None (the experiment's only arm), one name for every row, or one name per row
    (a list, a numpy array, a pandas Series, or a Categorical, whose codes are used as they are).
    """
    if arm is None or isinstance(arm, str):
        return np.zeros(rows, dtype=np.int32), ["" if arm is None else arm]
    if isinstance(arm, pd.Series) and isinstance(arm.dtype, pd.CategoricalDtype):
        arm = pd.Categorical(arm)
    if isinstance(arm, pd.Categorical):
        # The codes are used as they are: no hashing of a million names.
        codes = np.asarray(arm.codes)
        names = [str(name) for name in arm.categories]
    else:
        codes, uniques = pd.factorize(np.asarray(arm, dtype=object) if isinstance(arm, list) else arm)
        names = [str(name) for name in uniques]
    if codes.ndim != 1:
        invalid(field, f"must be one-dimensional, got {codes.ndim} dimensions")
    if len(codes) != rows:
        invalid(field, f"has {len(codes)} rows, expected {rows}")
    missing = codes < 0
    if missing.any():
        invalid(field, f"row {_first_true(missing)}: missing arm name")
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


def _frame(columns: dict[str, Any], subject: Any, note: Any, *, copy: bool) -> pd.DataFrame:
    """The observations' DataFrame from numpy columns named as in ObservationArrays."""
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
    return _frame(numeric, subject, note, copy=False)


@dataclass(frozen=True, repr=False)
class ObservationArrays:
    """Observations of one metric as numpy arrays, in time order (one element per row).

    Unit-level rows have ``value`` set, ``n`` 0 and NaN in ``sum`` and ``sum_sq``; pre-aggregated
    rows have ``value`` NaN and ``n``, ``sum``, ``sum_sq`` set (``sum_sq`` NaN when unknown).
    ``at`` is numpy ``datetime64[us]`` in UTC (numpy has no time zones); ``arm_codes`` index
    ``arm_names``.
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

    @classmethod
    def from_core(cls, columns: dict[str, Any]) -> ObservationArrays:
        """Wraps the dict of columns that the compiled core returns (no copies of numeric data)."""
        numeric = _numeric_from_core(columns)
        length = len(numeric["id"])
        return cls(
            **numeric,
            subject=_text_array(length, columns["subject_rows"], columns["subject_texts"]),
            note=_text_array(length, columns["note_rows"], columns["note_texts"]),
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
        return _frame(columns, subject, note, copy=True)

    def __repr__(self) -> str:
        return f"<ObservationArrays {len(self)} rows, arms {self.arm_names!r}>"
