"""Two shares, on few counts above all: the interval, the p-value and the verdict come from one
score test.

The analysis compares two shares by the score method of Miettinen and Nurminen; these tests check
it against independent references (a direct maximisation of the likelihood with scipy for the
interval, statsmodels' score test for the p-value), check over every small table that its interval
excludes zero exactly when its p-value is below alpha, and check that the analysis' verdict and its
"more observations" agree with it.
"""

from __future__ import annotations

import datetime
import math
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.stats as scipy_stats
from scipy import optimize
import statsmodels.stats.proportion as smp

import kokeilu
from kokeilu import stats

FieldsFactory = Callable[..., dict[str, Any]]

INTERVAL_ATOL = 1e-6


def _constrained_control_share(s_t: int, n_t: int, s_c: int, n_c: int, delta: float) -> float:
    """The control share that maximises the likelihood given treatment - control = delta."""

    def minus_log_likelihood(p_c: float) -> float:
        p_t = p_c + delta
        terms = ((s_t, p_t), (n_t - s_t, 1 - p_t), (s_c, p_c), (n_c - s_c, 1 - p_c))
        return -sum(k * math.log(p) for k, p in terms if k > 0)

    low, high = max(0.0, -delta) + 1e-13, min(1.0, 1.0 - delta) - 1e-13
    return float(optimize.minimize_scalar(minus_log_likelihood, bounds=(low, high), method="bounded",
                                          options={"xatol": 1e-13}).x)


def _score_z(s_t: int, n_t: int, s_c: int, n_c: int, delta: float) -> float:
    p_c = _constrained_control_share(s_t, n_t, s_c, n_c, delta)
    p_t = p_c + delta
    n = n_t + n_c
    variance = (p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c) * n / (n - 1)
    return (s_t / n_t - s_c / n_c - delta) / math.sqrt(variance)


def reference(s_t: int, n_t: int, s_c: int, n_c: int, confidence: float) -> tuple[float, float, float]:
    """The Miettinen-Nurminen interval by a direct maximisation of the likelihood under each
    difference and scipy's root finder, and statsmodels' score test at "no difference".

    statsmodels 0.15's own score interval cannot serve: at a difference other than 0 its restricted
    estimate uses the control arm's successes where Miettinen and Nurminen have its trials, so its
    ends miss the likelihood's maximum (and it fails on 0/10 against 4/10)."""
    z = float(scipy_stats.norm.ppf(1 - (1 - confidence) / 2))
    estimate = s_t / n_t - s_c / n_c
    edge = 1e-9
    low = -1.0 if estimate <= -1 + edge else optimize.brentq(
        lambda d: _score_z(s_t, n_t, s_c, n_c, d) - z, -1 + edge, estimate, xtol=1e-12)
    high = 1.0 if estimate >= 1 - edge else optimize.brentq(
        lambda d: _score_z(s_t, n_t, s_c, n_c, d) + z, estimate, 1 - edge, xtol=1e-12)
    with warnings.catch_warnings():
        # statsmodels also computes the ratio of the shares, which divides by a share of 0.
        warnings.simplefilter("ignore", RuntimeWarning)
        test = smp.test_proportions_2indep(s_t, n_t, s_c, n_c, method="score", compare="diff", correction=True)
    return float(low), float(high), float(test.pvalue)


@pytest.mark.parametrize(("table", "confidence"), [((0, 10, 4, 10), 0.95), ((3, 4, 1, 4), 0.95), ((4, 10, 0, 10), 0.9)])
def test_score_difference_matches_the_references_on_the_named_tables(
    table: tuple[int, int, int, int], confidence: float
) -> None:
    s_t, n_t, s_c, n_c = table
    e = stats.score_difference((s_t, n_t), (s_c, n_c), confidence=confidence)
    low, high, p = reference(s_t, n_t, s_c, n_c, confidence)
    assert e.method == "score_miettinen_nurminen"
    assert math.isclose(e.estimate, s_t / n_t - s_c / n_c, abs_tol=1e-15)
    assert math.isclose(e.ci_low, low, abs_tol=INTERVAL_ATOL)
    assert math.isclose(e.ci_high, high, abs_tol=INTERVAL_ATOL)
    assert math.isclose(e.p_value, p, rel_tol=1e-9)


def test_score_difference_matches_the_references_on_seeded_small_samples() -> None:
    rng = np.random.default_rng(31)
    for _ in range(60):
        n_t, n_c = (int(x) for x in rng.integers(2, 40, size=2))
        s_t, s_c = int(rng.binomial(n_t, rng.uniform(0, 0.4))), int(rng.binomial(n_c, rng.uniform(0, 0.4)))
        if s_t + s_c == 0:
            continue
        confidence = float(rng.choice([0.9, 0.95, 0.99]))
        e = stats.score_difference((s_t, n_t), (s_c, n_c), confidence=confidence)
        low, high, p = reference(s_t, n_t, s_c, n_c, confidence)
        assert math.isclose(e.ci_low, low, abs_tol=INTERVAL_ATOL), (s_t, n_t, s_c, n_c)
        assert math.isclose(e.ci_high, high, abs_tol=INTERVAL_ATOL), (s_t, n_t, s_c, n_c)
        assert math.isclose(e.p_value, p, rel_tol=1e-9), (s_t, n_t, s_c, n_c)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_the_interval_excludes_zero_exactly_when_p_is_below_alpha(confidence: float) -> None:
    """Every table of up to 12 trials an arm, by the method the analysis uses for it."""
    alpha = 1 - confidence
    checked = 0
    for n_t in range(1, 13):
        for n_c in range(1, 13):
            for s_t in range(n_t + 1):
                for s_c in range(n_c + 1):
                    if s_t + s_c in (0, n_t + n_c):
                        continue  # nothing varies: no test
                    e = stats.score_difference((s_t, n_t), (s_c, n_c), confidence=confidence)
                    excludes_zero = e.ci_low > 0 or e.ci_high < 0
                    assert excludes_zero == (e.p_value < alpha), (s_t, n_t, s_c, n_c, e)
                    assert e.ci_low <= e.estimate <= e.ci_high
                    checked += 1
    assert checked == 7812  # every table of 1 to 12 trials an arm, less those where nothing varies


def test_zero_of_ten_against_four_of_ten_no_longer_mixes_two_methods() -> None:
    """The case that showed Fisher's p = 0.087 beside Newcombe's interval clear of zero."""
    fisher = scipy_stats.fisher_exact([[0, 10], [4, 6]])
    assert fisher.pvalue > 0.05  # the old p-value, which contradicted the old interval
    e = stats.score_difference((0, 10), (4, 10))
    _, high, p = reference(0, 10, 4, 10, 0.95)
    assert math.isclose(e.p_value, p, rel_tol=1e-9)
    assert (e.ci_high < 0) == (e.p_value < 0.05)


def _experiment(tracker: kokeilu.Tracker, fields: FieldsFactory, minimum_effect: float) -> kokeilu.Experiment:
    metrics = [{"name": "came_back", "kind": "proportion", "minimum_effect": minimum_effect}]
    e = tracker.create(**fields(metrics=metrics))
    tracker.start(e, on=datetime.date(2025, 1, 13))
    return e


def _log(tracker: kokeilu.Tracker, e: kokeilu.Experiment, arm: str, successes: int, trials: int) -> None:
    at = datetime.datetime(2025, 1, 14, 9, tzinfo=datetime.timezone.utc)
    values = [1.0] * successes + [0.0] * (trials - successes)
    tracker.log_many(e, values, arm=arm, metric="came_back", at=[at + datetime.timedelta(minutes=i) for i in range(trials)])


@pytest.mark.parametrize(("video", "control"), [((4, 10), (0, 10)), ((3, 4), (1, 4)), ((2, 9), (1, 8))])
def test_the_verdict_agrees_with_the_p_value_it_is_shown_with(
    tracker: kokeilu.Tracker, home_care_fields: FieldsFactory, video: tuple[int, int], control: tuple[int, int]
) -> None:
    e = _experiment(tracker, home_care_fields, minimum_effect=0.05)
    _log(tracker, e, "video", *video)
    _log(tracker, e, "control", *control)
    a = tracker.analyze(e)
    row = a.comparisons.iloc[0]
    assert row["method"] == "score_miettinen_nurminen"
    low, high, p = reference(*video, *control, 0.95)
    assert math.isclose(row["p_value"], p, rel_tol=1e-9)
    assert math.isclose(row["ci_low"], low, abs_tol=INTERVAL_ATOL)
    assert (a.verdict.verdict == "supported") == (row["p_value"] < 0.05)


def test_the_observations_still_needed_are_the_methods_own(
    tracker: kokeilu.Tracker, home_care_fields: FieldsFactory
) -> None:
    """1/4 against 3/4: one more observation cannot decide it; the number given is the fewest
    after which the same method, the shares staying as observed, decides the verdict."""
    e = _experiment(tracker, home_care_fields, minimum_effect=0.05)
    _log(tracker, e, "video", 3, 4)
    _log(tracker, e, "control", 1, 4)
    v = tracker.analyze(e).verdict
    assert v.verdict == "inconclusive"
    assert v.additional_observations is not None and v.additional_observations > 1
    assert "more observations would" in v.sentence_en

    def decided(extra: int) -> bool:
        factor = (8 + extra) / 8
        grown = [(math.floor(s * factor + 0.5), math.floor(n * factor + 0.5)) for s, n in ((3, 4), (1, 4))]
        r = stats.score_difference(*grown)
        return r.ci_low > 0 or r.ci_high < 0.05

    needed = v.additional_observations
    assert decided(needed)
    assert not decided(needed - 1)
    # No single observation, in either arm, could have decided it.
    for grown in (((4, 5), (1, 4)), ((3, 4), (1, 5)), ((3, 5), (1, 4)), ((3, 4), (2, 5))):
        r = stats.score_difference(*grown)
        assert r.ci_low <= 0
