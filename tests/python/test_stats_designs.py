"""The designs without a concurrent control against statsmodels, on seeded data, to 1e-9 relative:
difference in differences (OLS y ~ changed * after, HC2), the pre-period trend check (OLS with
interaction, classical covariance), interrupted time series (segmented OLS with HAC covariance,
statsmodels' default of no small-sample correction, with and without weekday dummies), and
regression adjustment for a pre-period covariate (OLS y ~ treated + pre, HC2)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
import statsmodels.api as sm

import kokeilu
from kokeilu import stats

REL = 1e-9
FloatArray = npt.NDArray[np.float64]


def close(ours: float, theirs: float) -> bool:
    # Relative, with an absolute floor for values that are 0 up to rounding (a p-value of 1e-300).
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=1e-300)


def agrees(estimate: stats.Estimate, fit: Any, index: int, alpha: float = 0.05) -> None:
    low, high = np.asarray(fit.conf_int(alpha=alpha))[index]
    assert close(estimate.estimate, float(fit.params[index]))
    assert close(estimate.std_error, float(fit.bse[index]))
    assert close(estimate.p_value, float(fit.pvalues[index]))
    assert close(estimate.ci_low, float(low))
    assert close(estimate.ci_high, float(high))


# -- difference in differences -------------------------------------------------------------------


def did_cells(seed: int) -> list[FloatArray]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(2, 40, size=4)
    means, sds = (10.0, 13.0, 9.0, 10.5), rng.uniform(0.5, 4.0, size=4)
    return [rng.normal(m, s, size=int(n)) for m, s, n in zip(means, sds, sizes)]


def did_fit(cells: list[FloatArray], cov_type: str) -> Any:
    changed = np.concatenate([np.ones(len(cells[0]) + len(cells[1])), np.zeros(len(cells[2]) + len(cells[3]))])
    after = np.concatenate([np.full(len(c), float(i % 2)) for i, c in enumerate(cells)])
    x = np.column_stack([np.ones_like(changed), changed, after, changed * after])
    return sm.OLS(np.concatenate(cells), x).fit(cov_type=cov_type)


@pytest.mark.parametrize("seed", range(8))
def test_difference_in_differences_is_the_hc2_interaction(seed: int) -> None:
    cells = did_cells(20261214 + seed)
    fit = did_fit(cells, "HC2")
    agrees(stats.difference_in_differences(*cells), fit, 3)
    agrees(stats.difference_in_differences(*cells, confidence=0.9), fit, 3, alpha=0.1)
    # The same from Summaries of the cells, as a store's running summaries give them.
    summaries = [stats.summarize(c) for c in cells]
    agrees(stats.difference_in_differences(*summaries), fit, 3)


def test_hc2_is_the_one_matched_not_hc0_or_hc1() -> None:
    cells = did_cells(7)
    ours = stats.difference_in_differences(*cells)
    for other in ("HC0", "HC1", "nonrobust"):
        assert not close(ours.std_error, float(did_fit(cells, other).bse[3]))
    # HC2 in the saturated model is the cells' variances over their sizes.
    assert close(ours.std_error, math.sqrt(sum(np.var(c, ddof=1) / len(c) for c in cells)))


def test_a_cell_without_spread_is_named() -> None:
    cells = did_cells(3)
    with pytest.raises(kokeilu.NotEnoughDataError) as raised:
        stats.difference_in_differences(cells[0], [4.0], cells[2], cells[3])
    assert raised.value.field == "changed_after"
    assert raised.value.code == "stats.mean.too_few"
    with pytest.raises(kokeilu.NotEnoughDataError) as raised:
        stats.difference_in_differences([1.0, 1.0], [2.0, 2.0], [3.0, 3.0], [5.0, 5.0])
    assert raised.value.code == "stats.did.zero_variance"
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.difference_in_differences(cells[0], cells[1], ["a", "b"], cells[3])
    assert raised.value.field == "comparison_before[0]"


@pytest.mark.parametrize("seed", range(6))
def test_pre_trend_difference_is_the_ols_interaction(seed: int) -> None:
    rng = np.random.default_rng(9100 + seed)
    n_changed, n_comparison = rng.integers(3, 30, size=2)
    tc = np.sort(rng.choice(np.arange(1.0, 60.0), size=n_changed, replace=False))
    tp = rng.integers(1, 20, size=n_comparison).astype(float)  # repeated times: unit rows
    tp[:3] = (1.0, 2.0, 3.0)
    yc = 20 + 0.5 * tc + rng.normal(0, 2, size=n_changed)
    yp = 18 + 0.2 * tp + rng.normal(0, 1, size=n_comparison)
    t = np.concatenate([tc, tp])
    g = np.concatenate([np.ones(n_changed), np.zeros(n_comparison)])
    fit = sm.OLS(np.concatenate([yc, yp]), np.column_stack([np.ones_like(t), t, g, t * g])).fit()
    ours = stats.pre_trend_difference(tc, yc, tp, yp)
    agrees(ours, fit, 3)
    assert ours.df == fit.df_resid


def test_pre_trends_need_three_times_per_unit() -> None:
    with pytest.raises(kokeilu.NotEnoughDataError) as raised:
        stats.pre_trend_difference([1, 2, 3], [1.0, 2.0, 2.5], [1, 1, 2, 2], [1.0, 1.1, 1.3, 1.2])
    assert raised.value.field == "comparison_time"
    assert raised.value.code == "stats.did.few_pre_periods"
    assert raised.value.params == {"count": 2, "needed": 3}
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.pre_trend_difference([1, 2, 3], [1.0, 2.0], [1, 2, 3], [1.0, 1.1, 1.3])
    assert raised.value.field == "changed_values"
    assert raised.value.code == "input.rows_expected"


# -- interrupted time series -----------------------------------------------------------------------


def series(seed: int, n: int, change: int, weekly_pattern: bool = False) -> FloatArray:
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=float)
    noise = np.zeros(n)
    for i in range(n):  # AR(1): what Newey-West is for
        noise[i] = (0.6 * noise[i - 1] if i else 0.0) + rng.normal(0, 1.5)
    y = 50 + 0.2 * t + (t >= change) * (5 + 0.3 * (t - change)) + noise
    if weekly_pattern:
        y += np.where(t % 7 >= 5, -6.0, 0.0)
    return y


def segmented(n: int, change: float, t: FloatArray | None = None) -> FloatArray:
    t = np.arange(n, dtype=float) if t is None else t
    post = (t >= change).astype(float)
    return np.column_stack([np.ones(n), t, post, (t - change) * post])


@pytest.mark.parametrize(("seed", "n", "change", "lags"), [(1, 120, 80, None), (2, 60, 20, 0), (3, 200, 150, 9), (4, 30, 12, 4)])
def test_interrupted_time_series_matches_statsmodels_hac(seed: int, n: int, change: int, lags: int | None) -> None:
    y = series(seed, n, change)
    used = int(np.floor(4 * (n / 100) ** (2 / 9))) if lags is None else lags
    fit = sm.OLS(y, segmented(n, change)).fit(cov_type="HAC", cov_kwds={"maxlags": used})
    ours = stats.interrupted_time_series(y, change, lags=lags)
    assert ours.lags == used
    assert (ours.before, ours.after) == (change, n - change)
    agrees(ours.level_change, fit, 2)
    agrees(ours.slope_change, fit, 3)
    assert close(ours.slope_before, float(fit.params[1]))
    assert close(ours.level_before, float(fit.params[0] + fit.params[1] * change))
    if used > 0:
        # statsmodels' default is no small-sample correction; the corrected one is larger.
        corrected = sm.OLS(y, segmented(n, change)).fit(
            cov_type="HAC", cov_kwds={"maxlags": used, "use_correction": True}
        )
        assert not close(ours.level_change.std_error, float(corrected.bse[2]))


def test_weekly_data_in_weeks() -> None:
    # Weekly values timed in weeks from an arbitrary origin, with a change between two rows.
    y = series(11, 80, 52)
    t = 2000.0 + np.arange(80.0)
    change = 2051.5
    fit = sm.OLS(y, segmented(80, change, t)).fit(cov_type="HAC", cov_kwds={"maxlags": 5})
    ours = stats.interrupted_time_series(y, change, time=t, lags=5)
    agrees(ours.level_change, fit, 2)
    agrees(ours.slope_change, fit, 3)


def test_daily_data_with_weekday_seasonality() -> None:
    n, change = 140, 98
    y = series(5, n, change, weekly_pattern=True)
    days = pd.date_range("2025-01-06", periods=n, freq="D")  # a Monday
    weekday = np.asarray(days.day_of_week)
    dummies = np.column_stack([(weekday == d).astype(float) for d in range(1, 7)])
    x = np.column_stack([segmented(n, change), dummies])
    fit = sm.OLS(y, x).fit(cov_type="HAC", cov_kwds={"maxlags": 4})
    ours = stats.interrupted_time_series(y, days[change], time=days, weekdays=True, lags=4)
    assert ours.weekday_seasonality
    agrees(ours.level_change, fit, 2)
    agrees(ours.slope_change, fit, 3)
    # The weekdays given as numbers, with the times as row numbers, give the same.
    same = stats.interrupted_time_series(y, change, weekdays=weekday, lags=4)
    assert close(same.level_change.p_value, ours.level_change.p_value)
    # Time zones: the weekday is the local one.
    aware = stats.interrupted_time_series(
        y, days[change].tz_localize("Europe/Helsinki"), time=days.tz_localize("Europe/Helsinki"), weekdays=True, lags=4
    )
    assert close(aware.level_change.estimate, ours.level_change.estimate)


def test_bad_time_series_input_is_named() -> None:
    y = series(1, 40, 20)
    cases: list[tuple[dict[str, Any], str, str]] = [
        ({"change_at": 0}, "change_at", "stats.its.change_outside"),
        ({"change_at": 40}, "change_at", "stats.its.change_outside"),
        ({"change_at": 2}, "time", "stats.its.few_before"),
        ({"change_at": 38}, "time", "stats.its.few_after"),
        ({"change_at": 20, "lags": 40}, "lags", "stats.its.lags"),
        ({"change_at": 20, "weekdays": np.full(40, 7)}, "weekdays[0]", "stats.its.weekday"),
        ({"change_at": 20, "weekdays": True}, "weekdays", "stats.its.weekdays_need_dates"),
        ({"change_at": 20, "time": np.r_[np.arange(39.0), 5.0]}, "time[39]", "stats.its.time_order"),
    ]
    for kwargs, field, code in cases:
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            stats.interrupted_time_series(y, **kwargs)
        assert (raised.value.field, raised.value.code) == (field, code), kwargs
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.interrupted_time_series(np.r_[y[:5], np.nan, y[6:]], 20)
    assert raised.value.field == "values[5]"
    # A weekday that only occurs once beside a dummy that equals "after": the terms are dependent.
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.interrupted_time_series(y, 20, weekdays=np.where(np.arange(40) >= 20, 1, 0))
    assert raised.value.code == "stats.regression.singular"


# -- regression adjustment for a pre-period covariate ----------------------------------------------


def subjects(seed: int) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    rng = np.random.default_rng(seed)
    n_t, n_c = rng.integers(5, 300, size=2)
    x_t, x_c = rng.normal(30, 6, size=n_t), rng.normal(30, 6, size=n_c)
    y_t = 5 + 0.8 * x_t + 1.5 + rng.normal(0, 3.0, size=n_t)
    y_c = 5 + 0.8 * x_c + rng.normal(0, 2.0, size=n_c)
    return y_t, y_c, x_t, x_c


@pytest.mark.parametrize("seed", range(8))
def test_covariate_adjustment_is_ancova_with_hc2(seed: int) -> None:
    y_t, y_c, x_t, x_c = subjects(4400 + seed)
    y = np.concatenate([y_t, y_c])
    treated = np.concatenate([np.ones(len(y_t)), np.zeros(len(y_c))])
    x = np.concatenate([x_t, x_c])
    adjusted = sm.OLS(y, np.column_stack([np.ones_like(y), treated, x])).fit(cov_type="HC2")
    plain = sm.OLS(y, np.column_stack([np.ones_like(y), treated])).fit(cov_type="HC2")
    ours = stats.covariate_adjusted_difference(y_t, y_c, x_t, x_c)
    agrees(ours.effect, adjusted, 1)
    agrees(ours.unadjusted, plain, 1)
    assert close(ours.slope, float(adjusted.params[2]))
    assert close(ours.variance_reduction, 1 - float(adjusted.bse[1]) ** 2 / float(plain.bse[1]) ** 2)
    assert ours.variance_reduction > 0.5  # the covariate explains most of the spread here


def test_a_constant_covariate_cannot_adjust() -> None:
    y_t, y_c, x_t, x_c = subjects(1)
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.covariate_adjusted_difference(y_t, y_c, np.full(len(y_t), 3.0), np.full(len(y_c), 3.0))
    assert (raised.value.field, raised.value.code) == ("treatment_pre", "stats.regression.singular")
    with pytest.raises(kokeilu.NotEnoughDataError) as raised:
        stats.covariate_adjusted_difference(y_t, y_c[:1], x_t, x_c[:1])
    assert (raised.value.field, raised.value.code) == ("control", "stats.mean.too_few")
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        stats.covariate_adjusted_difference(y_t, y_c, x_t[:-1], x_c)
    assert (raised.value.field, raised.value.code) == ("treatment_pre", "input.rows_expected")
