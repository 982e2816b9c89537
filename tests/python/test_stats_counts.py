"""The plain functions of kokeilu.stats refuse a count that is not one -- a fraction, NaN,
infinity, a bool, text, a negative count, more successes than trials -- never rounding it, with the
core's code and parameters and the argument named as the caller wrote it. A float without a
fraction (5.0, np.float64(5.0)) is a count, as a sum of a float column gives one."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest

import kokeilu
from kokeilu import stats
from kokeilu.cli.i18n import Messages

PAIRS: dict[str, Callable[[Any, Any], object]] = {
    "proportion_difference": stats.proportion_difference,
    "two_proportion_z_test": stats.two_proportion_z_test,
    "fisher_exact": stats.fisher_exact,
    "bayes_beta_binomial": stats.bayes_beta_binomial,
}

# numpy names and shows its bool differently from version to version.
NUMPY_TRUE = {"type": type(np.bool_(True)).__name__, "shown": repr(np.bool_(True))}

# (successes, trials) of the treatment -> (field, code, params) of the refusal.
BAD_PAIRS = [
    ((5.7, 10), "treatment[0]", "input.not_whole", {"value": "5.7"}),
    ((np.float64(5.7), 10), "treatment[0]", "input.not_whole", {"value": "5.7"}),
    ((5, 10.5), "treatment[1]", "input.not_whole", {"value": "10.5"}),
    ((float("nan"), 10), "treatment[0]", "input.not_whole", {"value": "nan"}),
    ((5, float("inf")), "treatment[1]", "input.not_whole", {"value": "inf"}),
    ((True, 10), "treatment[0]", "input.not_a_count", {"type": "bool", "shown": "True"}),
    ((np.bool_(True), 10), "treatment[0]", "input.not_a_count", NUMPY_TRUE),
    (("3", 10), "treatment[0]", "input.not_a_count", {"type": "str", "shown": "'3'"}),
    ((None, 10), "treatment[0]", "input.not_a_count", {"type": "NoneType", "shown": "None"}),
    ((2**63, 2**63), "treatment[0]", "input.count_too_large", {"value": str(2**63)}),
    ((1e300, 10), "treatment[0]", "input.count_too_large", {"value": str(int(1e300))}),
    ((-1, 10), "treatment[0]", "stats.successes.range", {"trials": 10, "successes": -1}),
    ((11, 10), "treatment[0]", "stats.successes.range", {"trials": 10, "successes": 11}),
]


def refusal(call: Callable[[], object]) -> Any:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        call()
    return raised.value


@pytest.mark.parametrize("name", sorted(PAIRS))
@pytest.mark.parametrize(("pair", "field", "code", "params"), BAD_PAIRS)
def test_a_bad_count_of_a_pair_is_refused(name: str, pair: Any, field: str, code: str, params: dict[str, Any]) -> None:
    error = refusal(lambda: PAIRS[name](pair, (3, 10)))
    assert (error.field, error.code, error.params) == (field, code, params)
    assert str(error).startswith(f"{field}: ")


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_the_control_is_named_too(name: str) -> None:
    error = refusal(lambda: PAIRS[name]((3, 10), (3.5, 10)))
    assert (error.field, error.code) == ("control[0]", "input.not_whole")
    negative = refusal(lambda: PAIRS[name]((3, 10), (3, -4)))
    assert negative.field in ("control[0]", "control[1]")


@pytest.mark.parametrize(
    "whole", [5.0, np.float64(5.0), np.float32(5.0), np.int64(5), np.int32(5), np.uint8(5)], ids=repr
)
@pytest.mark.parametrize("name", sorted(PAIRS))
def test_a_whole_number_of_any_numeric_type_is_a_count(name: str, whole: Any) -> None:
    assert repr(PAIRS[name]((whole, 10.0), (3, np.int64(10)))) == repr(PAIRS[name]((5, 10), (3, 10)))


def test_a_pair_must_be_a_pair() -> None:
    for bad in [(5,), (1, 2, 3), "5/10", 5]:
        with pytest.raises(TypeError, match="treatment"):
            stats.proportion_difference(bad, (3, 10))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("successes", "trials", "field", "code"),
    [
        (5.5, 10, "successes", "input.not_whole"),
        (True, 10, "successes", "input.not_a_count"),
        (5, "10", "trials", "input.not_a_count"),
        (5, 4, "successes", "stats.successes.range"),
        (1, -2, "trials", "stats.count.negative"),
    ],
)
def test_one_share_names_successes_and_trials(successes: Any, trials: Any, field: str, code: str) -> None:
    for call in (
        lambda: stats.wilson_interval(successes, trials),
        lambda: stats.one_sample_proportion(successes, trials, 0.5),
    ):
        error = refusal(call)
        assert (error.field, error.code) == (field, code)


def test_no_trials_is_not_enough_data_named_as_written() -> None:
    with pytest.raises(kokeilu.NotEnoughDataError) as raised:
        stats.wilson_interval(0, 0)
    assert (raised.value.field, raised.value.code) == ("trials", "stats.counts.no_trials")
    with pytest.raises(kokeilu.NotEnoughDataError) as pair:
        stats.proportion_difference((0, 0.0), (3, 7))
    assert (pair.value.field, pair.value.code) == ("treatment", "stats.counts.no_trials")


@pytest.mark.parametrize(
    ("observed", "field", "code"),
    [
        ([5000.7, 4999.2], "observed[0]", "input.not_whole"),
        ([5000, float("nan")], "observed[1]", "input.not_whole"),
        ([5000, True], "observed[1]", "input.not_a_count"),
        (np.array([True, False]), "observed[0]", "input.not_a_count"),
        (["5000", "4999"], "observed[0]", "input.not_a_count"),
        ([5000, -1], "observed[1]", "stats.count.negative_plain"),
        ([[5000, 4999]], "observed", "input.not_one_dimensional"),
    ],
)
def test_srm_check_refuses_what_is_no_count(observed: Any, field: str, code: str) -> None:
    error = refusal(lambda: stats.srm_check(observed))
    assert (error.field, error.code) == (field, code)


def test_srm_check_takes_whole_numbers_of_any_numeric_type() -> None:
    expected = repr(stats.srm_check([5000, 4900]))
    for observed in ([5000.0, 4900.0], np.array([5000, 4900], dtype=np.uint16), pd.Series([5000.0, 4900.0])):
        assert repr(stats.srm_check(observed)) == expected


@pytest.mark.parametrize(
    ("treatment", "field", "code"),
    [
        ((2.5, 10.0), "treatment[0]", "stats.rates.events"),
        ((-3, 10.0), "treatment[0]", "stats.rates.events"),
        ((True, 10.0), "treatment[0]", "input.not_a_count"),
        (("3", 10.0), "treatment[0]", "input.not_a_count"),
        ((3, "10"), "treatment[1]", "input.not_a_number"),
        ((3, 0.0), "treatment[1]", "stats.number.not_positive"),
    ],
)
def test_rate_ratio_names_events_and_exposure(treatment: Any, field: str, code: str) -> None:
    error = refusal(lambda: stats.rate_ratio(treatment, (3, 10.0)))
    assert (error.field, error.code) == (field, code)


def test_days_needed_takes_counts() -> None:
    error = refusal(lambda: stats.days_needed(100.5, 10, 5.0))
    assert (error.field, error.code) == ("needed_per_group", "input.not_whole")
    negative = refusal(lambda: stats.days_needed(100, -1, 5.0))
    assert (negative.field, negative.code) == ("current_per_group", "stats.count.negative")
    assert repr(stats.days_needed(100.0, np.int64(10), 5.0)) == repr(stats.days_needed(100, 10, 5.0))


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_refusal_is_said_in_each_language(lang: str) -> None:
    error = refusal(lambda: stats.proportion_difference(("3", 10), (3, 10)))
    text = Messages(lang).core(error.code, error.params)
    assert text and "'3'" in text and "str" in text
