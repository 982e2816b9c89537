"""kokeilu.stats' closed-form methods against scipy.stats and statsmodels on randomized inputs.

Each test draws CASES independent inputs from a seeded generator and compares every number the
method reports with the reference's to a relative tolerance of 1e-9 (absolute 1e-12 near zero).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

# The references are imported plainly: a reference that no longer imports fails the run, it is
# never a reason to skip the comparison.
import scipy.stats as scipy_stats
import statsmodels.stats.multitest as smm
import statsmodels.stats.power as smpow
import statsmodels.stats.proportion as smp
import statsmodels.stats.rates as smr

from kokeilu import stats

CASES = 50
RTOL = 1e-9
ATOL = 1e-12


def close(actual: float, expected: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    return math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol)


def samples(seed: int) -> Iterator[tuple[np.ndarray, np.ndarray, float]]:
    rng = np.random.default_rng(seed)
    for _ in range(CASES):
        n_t, n_c = rng.integers(2, 400, size=2)
        shift = rng.normal(0, 1)
        scale_t, scale_c = rng.uniform(0.1, 5, size=2)
        level = rng.uniform(-10, 10)
        yield (
            rng.normal(level + shift, scale_t, size=n_t),
            rng.normal(level, scale_c, size=n_c),
            float(rng.uniform(0.8, 0.99)),
        )


def count_pairs(seed: int, low: int = 1) -> Iterator[tuple[int, int, int, int]]:
    rng = np.random.default_rng(seed)
    for _ in range(CASES):
        n_t, n_c = (int(x) for x in rng.integers(low, 500, size=2))
        p_t, p_c = rng.uniform(0.02, 0.98, size=2)
        yield int(rng.binomial(n_t, p_t)), n_t, int(rng.binomial(n_c, p_c)), n_c


def test_welch_t_matches_scipy_ttest_ind() -> None:
    for t, c, confidence in samples(1):
        e = stats.welch_t(t, c, confidence=confidence)
        ref = scipy_stats.ttest_ind(t, c, equal_var=False)
        ci = ref.confidence_interval(confidence)
        assert close(e.estimate, t.mean() - c.mean())
        assert close(e.p_value, ref.pvalue)
        assert e.statistic is not None and close(e.statistic, ref.statistic)
        assert e.df is not None and close(e.df, ref.df)
        assert close(e.ci_low, ci.low) and close(e.ci_high, ci.high)
        assert e.method == "welch_t"


def test_welch_t_from_moments_equals_from_values() -> None:
    for t, c, _ in samples(2):
        from_values = stats.welch_t(t, c)
        moments = stats.welch_t(
            stats.Summary.from_moments(len(t), t.mean(), t.std(ddof=1)),
            stats.Summary.from_moments(len(c), c.mean(), c.std(ddof=1)),
        )
        assert close(moments.p_value, from_values.p_value, rtol=1e-8)
        assert close(moments.ci_low, from_values.ci_low, rtol=1e-8, atol=1e-10)


def test_one_sample_t_matches_scipy_ttest_1samp() -> None:
    for t, _, confidence in samples(3):
        target = float(t.mean() + np.random.default_rng(len(t)).normal(0, t.std()))
        e = stats.one_sample_t(t, target, confidence=confidence)
        ref = scipy_stats.ttest_1samp(t, target)
        ci = ref.confidence_interval(confidence)
        assert close(e.estimate, t.mean() - target)
        assert close(e.p_value, ref.pvalue)
        # scipy's interval is of the mean itself; kokeilu's is of the difference from the target.
        assert close(e.ci_low + target, ci.low) and close(e.ci_high + target, ci.high)


def test_summary_matches_numpy() -> None:
    for t, _, _ in samples(4):
        s = stats.summarize(t)
        assert s.n == len(t)
        assert close(s.mean, float(t.mean()))
        assert close(s.sd, float(t.std(ddof=1)))
        assert close(s.se, float(t.std(ddof=1) / math.sqrt(len(t))))
        assert s.min == t.min() and s.max == t.max()


def test_wilson_interval_matches_statsmodels() -> None:
    for s, n, _, _ in count_pairs(5):
        for confidence in (0.9, 0.95, 0.99):
            i = stats.wilson_interval(s, n, confidence=confidence)
            low, high = smp.proportion_confint(s, n, alpha=1 - confidence, method="wilson")
            assert close(i.low, low) and close(i.high, high)


def test_newcombe_difference_matches_statsmodels() -> None:
    for s_t, n_t, s_c, n_c in count_pairs(6):
        if s_t + s_c in (0, n_t + n_c):
            continue
        e = stats.proportion_difference((s_t, n_t), (s_c, n_c))
        low, high = smp.confint_proportions_2indep(s_t, n_t, s_c, n_c, method="newcomb", compare="diff")
        _, p = smp.proportions_ztest([s_t, s_c], [n_t, n_c])
        assert close(e.estimate, s_t / n_t - s_c / n_c)
        assert close(e.ci_low, low) and close(e.ci_high, high)
        assert close(e.p_value, p)


def test_two_proportion_z_test_matches_statsmodels() -> None:
    for s_t, n_t, s_c, n_c in count_pairs(7):
        if s_t + s_c in (0, n_t + n_c):
            continue
        e = stats.two_proportion_z_test((s_t, n_t), (s_c, n_c))
        z, p = smp.proportions_ztest([s_t, s_c], [n_t, n_c])
        assert e.statistic is not None and close(e.statistic, z)
        assert close(e.p_value, p)
        p_t, p_c = s_t / n_t, s_c / n_c
        half = scipy_stats.norm.ppf(0.975) * math.sqrt(p_t * (1 - p_t) / n_t + p_c * (1 - p_c) / n_c)
        assert close(e.ci_low, p_t - p_c - half) and close(e.ci_high, p_t - p_c + half)


def test_fisher_exact_matches_scipy() -> None:
    rng = np.random.default_rng(8)
    for _ in range(CASES):
        n_t, n_c = (int(x) for x in rng.integers(1, 40, size=2))
        s_t, s_c = int(rng.integers(0, n_t + 1)), int(rng.integers(0, n_c + 1))
        f = stats.fisher_exact((s_t, n_t), (s_c, n_c))
        ref = scipy_stats.fisher_exact([[s_t, n_t - s_t], [s_c, n_c - s_c]])
        assert close(f.p_value, ref.pvalue, rtol=1e-9)
        if math.isnan(ref.statistic):
            assert f.odds_ratio is None
        else:
            assert f.odds_ratio is not None and close(f.odds_ratio, ref.statistic)


def test_one_sample_proportion_matches_scipy_binomtest() -> None:
    rng = np.random.default_rng(9)
    for s, n, _, _ in count_pairs(9):
        target = float(rng.uniform(0.05, 0.95))
        e = stats.one_sample_proportion(s, n, target)
        low, high = smp.proportion_confint(s, n, alpha=0.05, method="wilson")
        assert close(e.estimate, s / n - target)
        assert close(e.p_value, scipy_stats.binomtest(s, n, target).pvalue, rtol=1e-9)
        assert close(e.ci_low, low - target) and close(e.ci_high, high - target)


def test_rate_ratio_matches_the_exact_conditional_test() -> None:
    rng = np.random.default_rng(10)
    for _ in range(CASES):
        x_t, x_c = (int(x) for x in rng.integers(1, 60, size=2))
        e_t, e_c = (float(x) for x in rng.uniform(5, 500, size=2))
        e = stats.rate_ratio((x_t, e_t), (x_c, e_c))
        ref = smr.test_poisson_2indep(x_t, e_t, x_c, e_c, method="exact-cond")
        assert close(e.estimate, (x_t / e_t) / (x_c / e_c))
        assert close(e.p_value, ref.pvalue, rtol=1e-9)
        # Clopper-Pearson interval of the treatment's share of events, mapped to the ratio.
        ci = scipy_stats.binomtest(x_t, x_t + x_c).proportion_ci(0.95, method="exact")
        to_ratio = lambda pi: pi / (1 - pi) * e_c / e_t  # noqa: E731
        assert close(e.ci_low, to_ratio(ci.low))
        if x_c > 0:
            assert close(e.ci_high, to_ratio(ci.high))


def test_sample_ratio_mismatch_matches_scipy_chisquare() -> None:
    rng = np.random.default_rng(11)
    for _ in range(CASES):
        arms = int(rng.integers(2, 5))
        shares = rng.uniform(0.5, 2, size=arms)
        observed = rng.integers(1, 5000, size=arms)
        r = stats.srm_check(observed, shares)
        expected = shares / shares.sum() * observed.sum()
        ref = scipy_stats.chisquare(observed, expected)
        assert close(r.statistic, ref.statistic) and close(r.p_value, ref.pvalue)
        assert r.df == arms - 1
        assert r.mismatch == (ref.pvalue < 0.001)


@pytest.mark.parametrize(("ours", "method"), [(stats.holm, "holm"), (stats.benjamini_hochberg, "fdr_bh")])
def test_multiplicity_matches_statsmodels(ours: object, method: str) -> None:
    rng = np.random.default_rng(12)
    for _ in range(CASES):
        p = rng.uniform(0, 1, size=int(rng.integers(1, 20))) ** 3
        adjusted = ours(p)  # type: ignore[operator]
        np.testing.assert_allclose(adjusted, smm.multipletests(p, method=method)[1], rtol=RTOL, atol=ATOL)


def test_sample_size_mean_matches_statsmodels_normal_ind_power() -> None:
    # statsmodels' solve_power finds n with a root finder of its own tolerance (which here often
    # fails to converge), so the exact n is checked by putting it back into statsmodels' power
    # function, which is closed-form.
    rng = np.random.default_rng(13)
    power_of = smpow.NormalIndPower().power
    for _ in range(CASES):
        effect, sd = float(rng.uniform(0.05, 3)), float(rng.uniform(0.5, 5))
        alpha, power = float(rng.uniform(0.01, 0.1)), float(rng.uniform(0.6, 0.95))
        for one_sample, ratio in ((False, 1.0), (True, 0.0)):
            r = stats.sample_size_mean(effect, sd, alpha=alpha, power=power, one_sample=one_sample)
            assert close(power_of(effect / sd, r.exact, alpha, ratio=ratio), power)
            assert r.per_group == math.ceil(r.exact)


def test_sample_size_proportion_matches_the_fleiss_formula() -> None:
    rng = np.random.default_rng(14)
    norm = scipy_stats.norm
    for _ in range(CASES):
        p1 = float(rng.uniform(0.05, 0.8))
        delta = float(rng.uniform(0.02, 0.15))
        p2 = p1 + delta
        z_a, z_b = norm.ppf(1 - 0.05 / 2), norm.ppf(0.8)
        pbar = (p1 + p2) / 2
        expected = (z_a * math.sqrt(2 * pbar * (1 - pbar)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))) ** 2
        expected /= delta**2
        r = stats.sample_size_proportion(p1, delta)
        assert close(r.exact, expected) and r.per_group == math.ceil(expected)


def test_days_needed() -> None:
    s = stats.days_needed(100, 40, 3.0, days_left=10)
    assert s.remaining_per_group == 60 and close(s.days_needed, 20.0) and not s.reachable
    done = stats.days_needed(100, 120, 3.0)
    assert done.days_needed == 0 and done.reachable
