"""The two definitions of the permutation test's two-sided p-value against scipy, on seeded data
whose permutation distribution is skewed (few treated units with long-tailed values), where the
definitions differ: "absolute" counts |d| >= |observed|, "doubled" is scipy.stats.permutation_test's
twice the smaller one-sided p-value. scipy enumerates every permutation (the exact p-values);
kokeilu samples them, so each agrees within its Monte-Carlo error."""

from __future__ import annotations

import math

import numpy as np
import pytest
import scipy.stats as scipy_stats

import kokeilu
from kokeilu import stats

RESAMPLES = 200_000


def difference_of_means(t: np.ndarray, c: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(t, axis=axis) - np.mean(c, axis=axis)


def skewed(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.lognormal(0.0, 1.0, size=4), rng.lognormal(0.0, 1.0, size=16)


def exact(treatment: np.ndarray, control: np.ndarray) -> tuple[float, float]:
    """(absolute, doubled) p-values from scipy's exact permutation distribution."""
    result = scipy_stats.permutation_test(
        (treatment, control), difference_of_means, permutation_type="independent", n_resamples=np.inf,
        alternative="two-sided", vectorized=True,
    )
    null = result.null_distribution
    observed = result.statistic
    absolute = float(np.mean(np.abs(null) >= abs(observed) * (1 - 1e-12)))
    return absolute, float(result.pvalue)


def within_monte_carlo(ours: float, exact_p: float) -> bool:
    # The doubled p-value doubles a share's error; five standard errors either way.
    error = 2 * math.sqrt(max(exact_p, 1e-3) * (1 - min(exact_p, 0.999)) / RESAMPLES)
    return abs(ours - exact_p) <= 5 * error


@pytest.mark.parametrize("seed", [3, 17, 41])
def test_each_definition_matches_its_exact_p_value(seed: int) -> None:
    treatment, control = skewed(seed)
    absolute, doubled = exact(treatment, control)
    ours_absolute = stats.permutation_test(treatment, control, resamples=RESAMPLES, seed=seed)
    ours_doubled = stats.permutation_test(treatment, control, resamples=RESAMPLES, seed=seed, two_sided="doubled")
    assert within_monte_carlo(ours_absolute.p_value, absolute)
    assert within_monte_carlo(ours_doubled.p_value, doubled)
    # The same permutations: only the definition differs.
    assert ours_doubled.as_extreme == ours_absolute.as_extreme
    assert ours_doubled.two_sided == kokeilu._core.TwoSidedP.doubled
    assert ours_absolute.two_sided == kokeilu._core.TwoSidedP.absolute


def test_the_data_tell_the_definitions_apart() -> None:
    # Were the two exact p-values close, the test above could not tell one definition from the other.
    gaps = [abs(a - d) for a, d in (exact(*skewed(seed)) for seed in (3, 17, 41))]
    assert min(gaps) > 0.02, gaps


def test_doubled_is_twice_the_smaller_tail_at_most_one() -> None:
    treatment, control = skewed(3)
    r = stats.permutation_test(treatment, control, resamples=1000, seed=1, two_sided="doubled")
    tail = min(r.at_least, r.at_most)
    assert r.p_value == min(1.0, 2 * (tail + 1) / (r.resamples + 1))
    # Every permutation ties with the observed 0: both tails hold them all, and twice 1 is capped.
    ties = stats.permutation_test([2.0, 2.0], [2.0, 2.0, 2.0], resamples=1000, seed=1, two_sided="doubled")
    assert (ties.at_least, ties.at_most, ties.p_value) == (1000, 1000, 1.0)


def test_an_unknown_definition_is_refused() -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.permutation_test([1.0, 2.0], [3.0, 4.0], two_sided="both")  # type: ignore[arg-type]
    assert (raised.value.field, raised.value.code) == ("two_sided", "input.unknown_enum_value")
