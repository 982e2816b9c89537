"""Count metrics as rates per unit of exposure: the gamma-Poisson Bayesian view against Monte Carlo
draws of scipy.stats.gamma posteriors (and scipy.integrate), the Wald rate difference against
statsmodels, and an analysis of aggregated count rows (no sum of squares) equal to that of the
same data as unit rows."""

from __future__ import annotations

import datetime
import math
from typing import Any, Callable

import numpy as np
import pandas as pd
import pytest
from scipy import integrate
from scipy import stats as sps
from statsmodels.stats import rates as sm_rates

import kokeilu
from kokeilu import stats

FieldsFactory = Callable[..., dict[str, Any]]

DRAWS = 1_000_000
# Five standard errors of a Monte Carlo mean: a correct implementation fails about once in 1.7
# million runs, and the seed is fixed, so a failure is a real difference.
Z = 5.0

# 3, 5, 4 events over 1 unit each against 7, 9, 8 over 2 each: both 4 events per unit.
EXAMPLE = ((12, 3.0), (24, 6.0))


def seeded_arms() -> list[tuple[tuple[int, float], tuple[int, float]]]:
    rng = np.random.default_rng(20261207)
    arms = []
    for _ in range(4):
        exposure_t, exposure_c = rng.uniform(5, 80, size=2)
        rate_t, rate_c = rng.uniform(0.2, 2.0, size=2)
        arms.append(
            ((int(rng.poisson(rate_t * exposure_t)), float(exposure_t)),
             (int(rng.poisson(rate_c * exposure_c)), float(exposure_c)))
        )
    return arms


CASES = [EXAMPLE, *seeded_arms()]


def posterior_draws(arm: tuple[int, float], seed: int) -> np.ndarray:
    # Jeffreys' prior Gamma(0.5, 0): the posterior is Gamma(0.5 + events, rate = exposure).
    events, exposure = arm
    return sps.gamma(0.5 + events, scale=1.0 / exposure).rvs(size=DRAWS, random_state=seed)


def within(value: float, samples: np.ndarray) -> bool:
    se = float(samples.std(ddof=1)) / math.sqrt(len(samples))
    return abs(value - float(samples.mean())) <= Z * se + 1e-15


@pytest.mark.parametrize(("treatment", "control"), CASES)
@pytest.mark.parametrize("relative", [False, True])
def test_gamma_poisson_agrees_with_monte_carlo(treatment: Any, control: Any, relative: bool) -> None:
    lt, lc = posterior_draws(treatment, 1), posterior_draws(control, 2)
    r = stats.bayes_gamma_poisson(treatment, control, relative=relative)
    effect = lt / lc - 1.0 if relative else lt - lc
    assert within(r.chance_to_beat, (lt > lc).astype(float))
    assert within(r.posterior_mean, effect)
    assert within(r.risk, np.maximum(-effect, 0.0))
    assert within(r.risk_control, np.maximum(effect, 0.0))
    if relative:
        # The exact interval leaves 2.5 % of the draws on each side.
        for limit, share in ((r.ci_low, 0.025), (r.ci_high, 0.975)):
            assert within(share, (effect < limit).astype(float))
    lower = stats.bayes_gamma_poisson(treatment, control, relative=relative, direction="lower_is_better")
    assert within(lower.chance_to_beat, (lt < lc).astype(float))
    assert math.isclose(lower.risk, r.risk_control, rel_tol=1e-12)


@pytest.mark.parametrize(("treatment", "control"), CASES)
def test_gamma_poisson_chance_matches_integration(treatment: Any, control: Any) -> None:
    gt = sps.gamma(0.5 + treatment[0], scale=1.0 / treatment[1])
    gc = sps.gamma(0.5 + control[0], scale=1.0 / control[1])
    chance, _ = integrate.quad(lambda x: gt.pdf(x) * gc.cdf(x), gt.ppf(1e-15), gt.isf(1e-15),
                               epsabs=0, epsrel=1e-12, limit=200)
    assert math.isclose(stats.bayes_gamma_poisson(treatment, control).chance_to_beat, chance, rel_tol=1e-8)


def test_the_example_has_equal_rates_and_an_even_chance() -> None:
    r = stats.bayes_gamma_poisson(*EXAMPLE)
    assert 0.49 < r.chance_to_beat < 0.52
    assert r.method == "bayes_gamma_poisson_absolute"


@pytest.mark.parametrize(("treatment", "control"), [*CASES, ((0, 40.0), (7, 50.0))])
def test_rate_difference_matches_statsmodels(treatment: Any, control: Any) -> None:
    r = stats.rate_difference(treatment, control)
    ref = sm_rates.test_poisson_2indep(*treatment, *control, compare="diff", method="wald")
    low, high = sm_rates.confint_poisson_2indep(*treatment, *control, compare="diff", method="wald", alpha=0.05)
    assert math.isclose(r.estimate, treatment[0] / treatment[1] - control[0] / control[1], rel_tol=1e-12,
                        abs_tol=1e-15)
    assert math.isclose(r.statistic, float(ref.statistic), rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(r.p_value, float(ref.pvalue), rel_tol=1e-9)
    assert math.isclose(r.ci_low, float(low), rel_tol=1e-9)
    assert math.isclose(r.ci_high, float(high), rel_tol=1e-9)


def test_bad_rate_input_names_the_argument() -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.bayes_gamma_poisson((3, 10), (4, 10), prior_shape=0)
    assert raised.value.field == "prior_shape"
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.rate_difference((3, 0), (4, 10))
    assert raised.value.field == "treatment[1]"
    with pytest.raises(kokeilu.NotEnoughDataError) as no_events:
        stats.rate_difference((0, 10), (0, 10))
    assert no_events.value.code == "stats.rates.no_events"


START = datetime.date(2025, 1, 13)
AT = pd.Timestamp("2025-01-20", tz="UTC")


@pytest.mark.parametrize("scale", ["absolute", "relative"])
def test_count_aggregates_analyse_as_their_unit_rows(home_care_fields: FieldsFactory, scale: str) -> None:
    rng = np.random.default_rng(11)
    units = {"control": rng.poisson(8.0, 60), "video": rng.poisson(4.5, 55)}
    exposure = {"control": rng.uniform(1, 3, 60).round(2), "video": rng.uniform(1, 3, 55).round(2)}
    metric = {"name": "calls", "kind": "count", "effect_scale": scale, "direction": "lower_is_better",
              "minimum_effect": 0.1}
    analyses = []
    for aggregated in (False, True):
        with kokeilu.open(":memory:") as tracker:
            e = tracker.create(**home_care_fields(metrics=[metric]))
            tracker.start(e, on=START)
            for arm in units:
                if aggregated:
                    # Two rows per arm, neither with sum_sq.
                    frame = pd.DataFrame({
                        "arm": [arm, arm],
                        "n": [20, len(units[arm]) - 20],
                        "sum": [float(units[arm][:20].sum()), float(units[arm][20:].sum())],
                        "exposure": [float(exposure[arm][:20].sum()), float(exposure[arm][20:].sum())],
                        "at": [AT, AT],
                    })
                    tracker.log_aggregates(e, frame)
                else:
                    tracker.log_many(e, units[arm].astype(float), arm=arm, at=AT, exposure=exposure[arm])
            analyses.append(tracker.analyze(e).comparisons.set_index("metric").loc["calls"])
    rows, aggregates = analyses
    assert aggregates["status"] == "ok"
    for column in ("estimate", "ci_low", "ci_high", "p_value", "chance_to_beat", "risk", "risk_control"):
        assert math.isclose(aggregates[column], rows[column], rel_tol=1e-9), column
    treatment = (int(units["video"].sum()), float(exposure["video"].sum()))
    control = (int(units["control"].sum()), float(exposure["control"].sum()))
    relative = scale == "relative"
    bayes = stats.bayes_gamma_poisson(treatment, control, relative=relative, direction="lower_is_better")
    assert math.isclose(rows["chance_to_beat"], bayes.chance_to_beat, rel_tol=1e-9)
    if not relative:
        ref = sm_rates.test_poisson_2indep(*treatment, *control, compare="diff", method="wald")
        assert math.isclose(rows["p_value"], float(ref.pvalue), rel_tol=1e-9)
