"""Resampling against scipy within Monte-Carlo error; the Bayesian and sequential views against
gbstats (normal model, mixture SPRT) and against direct numerical integration (beta-binomial)."""

from __future__ import annotations

import math

import numpy as np
import pytest

# The references are imported plainly: one that no longer imports fails the run instead of
# skipping the comparison (make python installs gbstats beside the test extras).
import gbstats.bayesian.tests as gb
import gbstats.frequentist.tests as gbf
import scipy.integrate as scipy_integrate
import scipy.stats as scipy_stats

import kokeilu
from kokeilu import stats

CASES = 50
RTOL = 1e-9


def close(actual: float, expected: float, rtol: float = RTOL, atol: float = 1e-12) -> bool:
    return math.isclose(actual, expected, rel_tol=rtol, abs_tol=atol)


def skewed_pairs(seed: int, cases: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(cases):
        n_t, n_c = (int(x) for x in rng.integers(15, 60, size=2))
        out.append((rng.lognormal(0.3, 0.8, size=n_t), rng.lognormal(0.0, 0.8, size=n_c)))
    return out


def difference_of_means(t: np.ndarray, c: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(t, axis=axis) - np.mean(c, axis=axis)


# -- resampling ------------------------------------------------------------------------------------


def test_bootstrap_intervals_agree_with_scipy_within_monte_carlo_error() -> None:
    # Both sides draw 10,000 resamples; an interval end of a skewed sample moves by about
    # 2-3 % of the bootstrap sd between seeds, so 15 % of the sd is a loose but telling bound.
    for t, c in skewed_pairs(21, 12):
        ours = stats.bootstrap(t, c, seed=5, resamples=10000)
        sd = ours.std_error
        assert close(ours.estimate, t.mean() - c.mean())
        for method, interval in (("percentile", ours.percentile), ("BCa", ours.bca)):
            assert interval is not None
            ref = scipy_stats.bootstrap(
                (t, c), difference_of_means, n_resamples=10000, method=method, vectorized=True,
                rng=np.random.default_rng(9),
            )
            assert abs(interval.low - ref.confidence_interval.low) < 0.15 * sd, method
            assert abs(interval.high - ref.confidence_interval.high) < 0.15 * sd, method
            assert abs(sd - ref.standard_error) < 0.05 * sd


def test_bootstrap_is_reproducible_and_independent_of_threads() -> None:
    t, c = skewed_pairs(22, 1)[0]
    a = stats.bootstrap(t, c, seed=11, resamples=2000, threads=1)
    b = stats.bootstrap(t, c, seed=11, resamples=2000, threads=2)
    other = stats.bootstrap(t, c, seed=12, resamples=2000)
    assert (a.percentile.low, a.percentile.high, a.std_error) == (b.percentile.low, b.percentile.high, b.std_error)
    assert a.percentile.low != other.percentile.low


def test_permutation_p_value_agrees_with_scipy_within_monte_carlo_error() -> None:
    for t, c in skewed_pairs(23, 12):
        ours = stats.permutation_test(t, c, seed=3, resamples=10000)
        ref = scipy_stats.permutation_test(
            (t, c), difference_of_means, n_resamples=10000, vectorized=True, rng=np.random.default_rng(4)
        )
        # scipy's two-sided p doubles the smaller tail; kokeilu counts |difference| >= |observed|,
        # so the reference p is taken from scipy's null distribution by kokeilu's rule.
        observed = abs(t.mean() - c.mean()) * (1 - 1e-12)
        p_ref = (1 + np.count_nonzero(np.abs(ref.null_distribution) >= observed)) / (1 + 10000)
        # Binomial sd of a p-value estimated from 10,000 permutations, doubled for the two
        # estimates, times 4: a false failure is practically impossible, a wrong test is caught.
        sd = math.sqrt(max(p_ref * (1 - p_ref), 1e-4) / 10000)
        assert abs(ours.p_value - p_ref) < 4 * math.sqrt(2) * sd
        assert close(ours.estimate, t.mean() - c.mean())
        assert ours.p_value == (1 + ours.as_extreme) / (1 + ours.resamples)


def test_permutation_is_reproducible() -> None:
    t, c = skewed_pairs(24, 1)[0]
    assert stats.permutation_test(t, c, seed=1, resamples=500, threads=1).as_extreme == (
        stats.permutation_test(t, c, seed=1, resamples=500, threads=2).as_extreme
    )


# -- Bayesian and sequential against gbstats ----------------------------------------------------------


def gbstats_statistic(values: np.ndarray) -> object:
    from gbstats.models.statistics import SampleMeanStatistic

    return SampleMeanStatistic(n=len(values), sum=float(values.sum()), sum_squares=float((values**2).sum()))


def normal_pairs(seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(CASES):
        n_t, n_c = (int(x) for x in rng.integers(5, 300, size=2))
        level = rng.uniform(2, 20)
        out.append((rng.normal(level + rng.normal(0, 1), rng.uniform(0.5, 3), n_t), rng.normal(level, 2, n_c)))
    return out


# gbstats computes variances by the naive sum-of-squares formula, which loses a few digits to
# cancellation; kokeilu's Welford summaries do not. 1e-8 leaves room for that difference only.
GB_RTOL = 1e-8


@pytest.mark.parametrize("relative", [False, True])
def test_bayes_normal_matches_gbstats(relative: bool) -> None:
    for t, c in normal_pairs(31 + relative):
        config = gb.EffectBayesianConfig(difference_type="relative" if relative else "absolute")
        ref = gb.EffectBayesianABTest(gbstats_statistic(c), gbstats_statistic(t), config).compute_result()
        ours = stats.bayes_normal(t, c, relative=relative)
        assert close(ours.posterior_mean, ref.expected, GB_RTOL)
        assert close(ours.posterior_sd, ref.uplift.stddev, GB_RTOL)
        assert close(ours.chance_to_beat, ref.chance_to_win, GB_RTOL, 1e-12)
        assert close(ours.ci_low, ref.ci[0], GB_RTOL) and close(ours.ci_high, ref.ci[1], GB_RTOL)
        assert close(ours.risk_control, ref.risk[0], 1e-7, 1e-12)
        assert close(ours.risk, ref.risk[1], 1e-7, 1e-12)


def test_bayes_normal_proper_prior_and_lower_is_better_match_gbstats() -> None:
    for t, c in normal_pairs(33)[:20]:
        prior = gb.GaussianPrior(mean=0.2, variance=0.3, proper=True)
        config = gb.EffectBayesianConfig(
            difference_type="absolute", prior_type="absolute", prior_effect=prior, inverse=True
        )
        ref = gb.EffectBayesianABTest(gbstats_statistic(c), gbstats_statistic(t), config).compute_result()
        ours = stats.bayes_normal(t, c, prior_mean=0.2, prior_variance=0.3, direction="lower_is_better")
        assert close(ours.posterior_mean, ref.expected, GB_RTOL)
        assert close(ours.chance_to_beat, ref.chance_to_win, GB_RTOL, 1e-12)
        assert close(ours.risk_control, ref.risk[0], 1e-7, 1e-12)
        assert close(ours.risk, ref.risk[1], 1e-7, 1e-12)


@pytest.mark.parametrize("relative", [False, True])
def test_relative_lift_and_sequential_match_gbstats(relative: bool) -> None:
    kind = "relative" if relative else "absolute"
    rng = np.random.default_rng(41)
    for t, c in normal_pairs(41 + relative):
        tuning = float(rng.uniform(50, 20000))
        ref = gbf.SequentialTwoSidedTTest(
            gbstats_statistic(c), gbstats_statistic(t),
            gbf.SequentialConfig(difference_type=kind, sequential_tuning_parameter=tuning),
        ).compute_result()
        ours = stats.sequential(t, c, tuning_n=tuning, relative=relative)
        assert close(ours.estimate, ref.expected, GB_RTOL)
        assert close(ours.ci_low, ref.ci[0], GB_RTOL) and close(ours.ci_high, ref.ci[1], GB_RTOL)
        assert close(ours.p_value, ref.p_value, GB_RTOL, 1e-12)
        if relative:
            fixed = gbf.TwoSidedTTest(
                gbstats_statistic(c), gbstats_statistic(t), gbf.FrequentistConfig(difference_type="relative")
            ).compute_result()
            lift = stats.relative_lift(t, c)
            assert close(lift.estimate, fixed.expected, GB_RTOL)
            assert close(lift.ci_low, fixed.ci[0], GB_RTOL) and close(lift.ci_high, fixed.ci[1], GB_RTOL)
            assert close(lift.p_value, fixed.p_value, GB_RTOL, 1e-12)


def test_sequential_interval_is_wider_than_the_fixed_one() -> None:
    for t, c in normal_pairs(43)[:10]:
        seq, fixed = stats.sequential(t, c, tuning_n=len(t) + len(c)), stats.welch_t(t, c)
        assert seq.ci_low < fixed.ci_low and seq.ci_high > fixed.ci_high


def test_beta_binomial_matches_numerical_integration() -> None:
    beta = scipy_stats.beta
    quad = scipy_integrate.quad
    from scipy.special import betainc, betaincc, betaln
    rng = np.random.default_rng(51)
    for _ in range(CASES):
        n_t, n_c = (int(x) for x in rng.integers(1, 300, size=2))
        s_t, s_c = int(rng.binomial(n_t, rng.uniform(0.05, 0.95))), int(rng.binomial(n_c, rng.uniform(0.05, 0.95)))
        a0, b0 = float(rng.uniform(0.5, 3)), float(rng.uniform(0.5, 3))
        pt, pc = beta(a0 + s_t, b0 + n_t - s_t), beta(a0 + s_c, b0 + n_c - s_c)
        ours = stats.bayes_beta_binomial((s_t, n_t), (s_c, n_c), prior_alpha=a0, prior_beta=b0)
        opts = {"epsabs": 1e-13, "epsrel": 1e-11, "limit": 500, "points": [pt.mean(), pc.mean()]}
        # scipy.special directly: the frozen distributions' per-call overhead would dominate.
        (a_t, b_t), (a_c, b_c) = pt.args, pc.args
        pdf_t = lambda x: math.exp((a_t - 1) * math.log(x) + (b_t - 1) * math.log1p(-x) - betaln(a_t, b_t))  # noqa: E731
        chance = quad(lambda x: pdf_t(x) * betainc(a_c, b_c, x), 0, 1, **opts)[0]
        # E[max(p_c - x, 0)] = mean_c P(Beta(a_c + 1, b_c) > x) - x P(p_c > x), integrated over p_t.
        mean_c = a_c / (a_c + b_c)
        loss_t = quad(
            lambda x: pdf_t(x) * (mean_c * betaincc(a_c + 1, b_c, x) - x * betaincc(a_c, b_c, x)), 0, 1, **opts
        )[0]
        diff = pt.mean() - pc.mean()
        assert close(ours.chance_to_beat, chance, 1e-7, 1e-10)
        assert close(ours.risk, loss_t, 1e-6, 1e-10)
        assert close(ours.risk_control, loss_t + diff, 1e-6, 1e-10)  # E[max(d,0)] = E[max(-d,0)] + E[d]
        assert close(ours.posterior_mean, diff)
        assert close(ours.posterior_sd, math.sqrt(pt.var() + pc.var()))


# -- degenerate input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: stats.welch_t([], [1.0, 2.0]), "treatment"),
        (lambda: stats.welch_t([1.0, 2.0], [3.0]), "control"),
        (lambda: stats.welch_t([2.0, 2.0], [3.0, 3.0]), None),
        (lambda: stats.one_sample_t([1.0], 0.0), None),
        (lambda: stats.relative_lift([1.0, 2.0], [-1.0, 1.0]), None),
        (lambda: stats.proportion_difference((5, 5), (7, 7)), None),
        (lambda: stats.proportion_difference((0, 0), (3, 7)), "treatment"),
        (lambda: stats.wilson_interval(0, 0), None),
        (lambda: stats.fisher_exact((0, 0), (1, 2)), "treatment"),
        (lambda: stats.rate_ratio((3, 10.0), (0, 10.0)), "control"),
        (lambda: stats.bootstrap([1.0], [1.0, 2.0]), "treatment"),
        (lambda: stats.bootstrap([1.0, 1.0], [1.0, 1.0]), None),
        (lambda: stats.permutation_test([], [1.0]), "treatment"),
        (lambda: stats.bayes_normal([1.0], [1.0, 2.0]), "treatment"),
        (lambda: stats.bayes_beta_binomial((0, 0), (1, 2)), "treatment"),
        (lambda: stats.sequential([1.0, 2.0], []), "control"),
        (lambda: stats.srm_check([0, 0]), None),
    ],
)
def test_degenerate_input_raises_not_enough_data(call: object, field: str | None) -> None:
    with pytest.raises(kokeilu.NotEnoughDataError) as raised:
        call()  # type: ignore[operator]
    assert isinstance(raised.value, kokeilu.InvalidArgumentError)
    assert str(raised.value)
    if field is not None:
        assert raised.value.field == field


@pytest.mark.parametrize(
    "call",
    [
        lambda: stats.welch_t([1.0, float("nan")], [1.0, 2.0]),
        lambda: stats.srm_check([10, 20], [1.0]),
        lambda: stats.holm([0.5, 1.5]),
        lambda: stats.sample_size_proportion(1.2, 0.1),
        lambda: stats.sample_size_mean(0.0, 1.0),
        lambda: stats.bootstrap([1.0, 2.0], [1.0, 3.0], resamples=10),
        lambda: stats.rate_ratio((2.5, 10.0), (3, 10.0)),
    ],
)
def test_bad_input_raises_invalid_argument(call: object) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError):
        call()  # type: ignore[operator]


def test_the_bayesian_result_has_the_comparisons_names_and_keeps_the_old_with_a_warning() -> None:
    r = stats.bayes_beta_binomial((30, 100), (20, 100))
    assert "chance_to_beat=" in repr(r) and ", risk=" in repr(r)
    with pytest.warns(DeprecationWarning, match="chance_to_beat"):
        assert r.chance_to_win == r.chance_to_beat
    with pytest.warns(DeprecationWarning, match="BayesResult.risk "):
        assert r.risk_treatment == r.risk
