"""Counts from numpy and pandas (the `n` of aggregate rows): the conversion's edges, exactly.

`int_column` is where a count leaves numpy for the core's int64. The public doors reach it with
ordinary sizes only, and the core refuses huge totals anyway, so a conversion that let 2**63 wrap
around or took a row's shape on trust would hide behind them; here it is called as it is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import kokeilu
from kokeilu._columns import int_column

LARGEST = 2**63 - 1
LARGEST_FLOAT_BELOW = 9223372036854774784.0  # the largest double under 2**63


def refused(data: object, rows: int, field: str, code: str) -> kokeilu.InvalidArgumentError:
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        int_column(data, "n", rows)
    assert caught.value.field == field
    assert caught.value.code == code
    return caught.value


def test_signed_integers_pass_unchanged_and_contiguous() -> None:
    strided = np.arange(10, dtype=np.int32)[::2]
    result = int_column(strided, "n", 5)
    assert result.dtype == np.int64 and result.flags.c_contiguous
    assert result.tolist() == [0, 2, 4, 6, 8]
    assert int_column(pd.Series([LARGEST, -3]), "n", 2).tolist() == [LARGEST, -3]


@pytest.mark.parametrize("dtype", [np.int64, np.uint64, np.float64])
def test_a_column_of_another_length_or_shape_is_refused(dtype: type) -> None:
    refused(np.ones(3, dtype=dtype), 4, "n", "input.not_one_dimensional_rows" if dtype != np.float64
            else "input.rows_expected")
    refused(np.ones((2, 2), dtype=dtype), 2, "n", "input.not_one_dimensional_rows" if dtype != np.float64
            else "input.not_one_dimensional")


def test_unsigned_counts_up_to_the_largest_int64_pass_and_the_next_is_refused() -> None:
    accepted = int_column(np.array([7, LARGEST], dtype=np.uint64), "n", 2)
    assert accepted.dtype == np.int64 and accepted.tolist() == [7, LARGEST]
    error = refused(np.array([1, 2**63, 2**64 - 1], dtype=np.uint64), 3, "n[1]", "input.count_too_large")
    assert "9223372036854775808" in str(error)


def test_float_counts_below_two_to_the_63_pass_exactly_and_two_to_the_63_is_refused() -> None:
    assert int_column(np.array([LARGEST_FLOAT_BELOW, -LARGEST_FLOAT_BELOW]), "n", 2).tolist() == [
        9223372036854774784, -9223372036854774784]
    refused(np.array([1.0, 2.0**63]), 2, "n[1]", "input.count_too_large")
    refused(np.array([-(2.0**63), 1.0]), 2, "n[0]", "input.count_too_large")


@pytest.mark.parametrize("bad", [2.5, -0.5, np.inf, -np.inf, np.nan])
def test_a_value_that_is_not_whole_is_refused_at_its_first_row(bad: float) -> None:
    error = refused(np.array([3.0, bad, 4.5]), 3, "n[1]", "input.not_whole")
    assert repr(bad) in str(error) or str(bad) in str(error)


def test_whole_floats_and_nullable_integers_become_int64() -> None:
    assert int_column(pd.Series([4.0, -0.0, 12.0]), "n", 3).tolist() == [4, 0, 12]
    assert int_column(pd.array([5, 6], dtype="Int64"), "n", 2).tolist() == [5, 6]
    refused(pd.array([5, None], dtype="Int64"), 2, "n[1]", "input.not_whole")
