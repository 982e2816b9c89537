"""Difference in differences and interrupted time series as an experiment's design: seeded data
logged through the Tracker, analysed by Tracker.analyze, checked against statsmodels to 1e-9
relative (OLS y ~ changed * after with HC2; the pre-period trends by OLS with the interaction;
segmented OLS with HAC and weekday dummies), and the input the designs refuse. Dates are fixed and
the tracker's zone is set explicitly, so no result depends on today or the machine's zone."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
import statsmodels.api as sm

import kokeilu
from kokeilu.cli.i18n import Messages

REL = 1e-9
ZONE = "Europe/Helsinki"
CHANGE = dt.date(2025, 3, 3)  # a Monday
FloatArray = npt.NDArray[np.float64]


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=1e-300)


def agrees(estimate: Any, fit: Any, index: int) -> None:
    low, high = np.asarray(fit.conf_int(alpha=0.05))[index]
    assert close(estimate.estimate, float(fit.params[index]))
    assert close(estimate.std_error, float(fit.bse[index]))
    assert close(estimate.p_value, float(fit.pvalues[index]))
    assert close(estimate.ci_low, float(low))
    assert close(estimate.ci_high, float(high))


def row_agrees(row: pd.Series, fit: Any, index: int) -> None:
    low, high = np.asarray(fit.conf_int(alpha=0.05))[index]
    for ours, theirs in ((row["estimate"], fit.params[index]), (row["std_error"], fit.bse[index]),
                         (row["p_value"], fit.pvalues[index]), (row["ci_low"], low), (row["ci_high"], high)):
        assert close(float(ours), float(theirs))


def times(rng: np.random.Generator, first: dt.date, days: int, n: int) -> npt.NDArray[np.datetime64]:
    """n instants spread over `days` local days from `first`, as UTC datetime64."""
    day = rng.integers(0, days, size=n)
    minute = rng.integers(0, 24 * 60, size=n)
    local = pd.Timestamp(first) + pd.to_timedelta(day, unit="D") + pd.to_timedelta(minute, unit="min")
    utc = pd.DatetimeIndex(local).tz_localize(ZONE, nonexistent="shift_forward", ambiguous=False).tz_convert("UTC")
    return np.asarray(utc.tz_localize(None), dtype="datetime64[us]")


def day_numbers(at: npt.NDArray[np.datetime64]) -> FloatArray:
    """Local days (in ZONE) from the change's, as the core numbers the periods."""
    local = pd.DatetimeIndex(at).tz_localize("UTC").tz_convert(ZONE).normalize().tz_localize(None)
    return np.asarray((local - pd.Timestamp(CHANGE)).days, dtype=float)


def new_tracker(path: Path) -> kokeilu.Tracker:
    tracker = kokeilu.open(path)
    tracker.set_time_zone(ZONE)
    return tracker


def create(tracker: kokeilu.Tracker, design: str, arms: dict[str, str], kind: str = "mean") -> Any:
    return tracker.create(
        title="Iltakäynnit", organisation="Oulu", purposes=["wellbeing"], we_believe="a", to_verify="b",
        and_measure="c", right_if="d", design=design, arms=arms,
        metrics=[{"name": "turva", "kind": kind, "minimum_effect": 0.3 if kind == "mean" else 0.05}],
    )


# -- difference in differences -------------------------------------------------------------------

DID_ARMS = {"oulu-ennen": "changed_before", "oulu-jälkeen": "changed_after",
            "kemi-ennen": "comparison_before", "kemi-jälkeen": "comparison_after"}


def did_logged(tracker: kokeilu.Tracker, seed: int, kind: str) -> tuple[Any, dict[str, tuple[FloatArray, Any]]]:
    rng = np.random.default_rng(seed)
    e = create(tracker, "difference_in_differences", DID_ARMS, kind)
    tracker.start(e, on=CHANGE)
    cells: dict[str, tuple[FloatArray, Any]] = {}
    centre = {"oulu-ennen": 3.0, "oulu-jälkeen": 3.6, "kemi-ennen": 3.2, "kemi-jälkeen": 3.3}
    for arm, role in DID_ARMS.items():
        n = int(rng.integers(25, 70))
        before = role.endswith("before")
        at = times(rng, CHANGE - dt.timedelta(days=21) if before else CHANGE, 21 if before else 14, n)
        if kind == "mean":
            values = rng.normal(centre[arm], rng.uniform(0.4, 1.2), size=n)
        else:
            values = (rng.random(n) < centre[arm] / 6.0).astype(float)
        tracker.log_many(e, values, arm=arm, at=at, backfill=True)
        cells[arm] = (values, at)
    return e, cells


@pytest.mark.parametrize(("seed", "kind"), [(1, "mean"), (2, "mean"), (3, "proportion"), (4, "proportion")])
def test_difference_in_differences_of_an_experiment_is_the_hc2_interaction(tmp_path: Path, seed: int, kind: str) -> None:
    with new_tracker(tmp_path / "k.db") as tracker:
        e, cells = did_logged(tracker, 20261207 + seed, kind)
        analysis = tracker.analyze(e)
    y = np.concatenate([cells[arm][0] for arm in DID_ARMS])
    changed = np.concatenate([np.full(len(cells[a][0]), float(r.startswith("changed"))) for a, r in DID_ARMS.items()])
    after = np.concatenate([np.full(len(cells[a][0]), float(r.endswith("after"))) for a, r in DID_ARMS.items()])
    fit = sm.OLS(y, np.column_stack([np.ones_like(y), changed, after, changed * after])).fit(cov_type="HC2")
    [row] = analysis.comparisons.to_dict("records")
    assert (row["arm"], row["reference"], row["method"]) == ("oulu-jälkeen", "oulu-ennen", "difference_in_differences_hc2")
    row_agrees(pd.Series(row), fit, 3)

    # The pre-period trends: the before arms' local-day means against the days from the change.
    points = []
    for arm, is_changed in (("oulu-ennen", 1.0), ("kemi-ennen", 0.0)):
        values, at = cells[arm]
        means = pd.Series(values).groupby(day_numbers(at)).mean()
        points.append((np.asarray(means.index, dtype=float), means.to_numpy(), is_changed))
    t = np.concatenate([p[0] for p in points])
    g = np.concatenate([np.full(len(p[0]), p[2]) for p in points])
    trend = sm.OLS(np.concatenate([p[1] for p in points]), np.column_stack([np.ones_like(t), t, g, t * g])).fit()
    assert analysis.pre_trend is not None
    agrees(analysis.pre_trend, trend, 3)
    codes = [code for code, _ in analysis.warning_messages]
    assert "stats.warning.did_parallel_trends" in codes and "stats.warning.did_pre_trend" in codes
    assert analysis.time_series is None and analysis.period == "day"
    assert analysis.sample_ratio is None


def test_the_verdict_and_warnings_say_what_the_design_assumes_in_every_language(tmp_path: Path) -> None:
    with new_tracker(tmp_path / "k.db") as tracker:
        e, _ = did_logged(tracker, 99, "mean")
        analysis = tracker.analyze(e)
    assert "comparison unit" in analysis.verdict.sentence("en")
    assert "vertailuyksikön muutokseen" in analysis.verdict.sentence("fi")
    assert "jämförelseenhetens förändring" in analysis.verdict.sentence("sv")
    assert "Erotusten erotus" in analysis.text(lang="fi")
    assert "Skillnad i skillnader" in analysis.html(lang="sv")
    assert "Kehitys ennen muutosta" in analysis.text(lang="fi")


def test_pre_trends_that_differ_are_warned_of(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    with new_tracker(tmp_path / "k.db") as tracker:
        e = create(tracker, "difference_in_differences", DID_ARMS)
        tracker.start(e, on=CHANGE)
        for arm, role in DID_ARMS.items():
            first = CHANGE - dt.timedelta(days=14) if role.endswith("before") else CHANGE
            at = times(rng, first, 14, 120)
            slope = 0.1 if arm == "oulu-ennen" else 0.0
            values = 3.0 + slope * day_numbers(at) + rng.normal(0, 0.2, size=120)
            tracker.log_many(e, values, arm=arm, at=at, backfill=True)
        analysis = tracker.analyze(e)
    assert analysis.pre_trend is not None and analysis.pre_trend.p_value < 0.05
    assert "stats.warning.did_pre_trends_differ" in [code for code, _ in analysis.warning_messages]
    assert "ei voi luottaa" in analysis.text(lang="fi")


# -- interrupted time series -----------------------------------------------------------------------

ITS_ARMS = {"ennen": "before", "jälkeen": "after"}


def its_logged(tracker: kokeilu.Tracker, seed: int, days_before: int, days_after: int) -> tuple[Any, FloatArray, Any]:
    rng = np.random.default_rng(seed)
    e = create(tracker, "interrupted_time_series", ITS_ARMS)
    tracker.start(e, on=CHANGE)
    values_all, at_all = [], []
    for arm, first, days in (("ennen", CHANGE - dt.timedelta(days=days_before), days_before),
                             ("jälkeen", CHANGE, days_after)):
        at = times(rng, first, days, 6 * days)
        t = day_numbers(at)
        weekend = np.where(((t % 7) + 7) % 7 >= 5, -0.4, 0.0)
        values = 3.0 + 0.01 * t + (t >= 0) * (0.5 + 0.02 * t) + weekend + rng.normal(0, 0.3, size=len(t))
        tracker.log_many(e, values, arm=arm, at=at, backfill=True)
        values_all.append(values)
        at_all.append(at)
    return e, np.concatenate(values_all), np.concatenate(at_all)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_interrupted_time_series_of_an_experiment_matches_statsmodels_hac(tmp_path: Path, seed: int) -> None:
    with new_tracker(tmp_path / "k.db") as tracker:
        e, values, at = its_logged(tracker, 20261207 + seed, 42, 21)
        analysis = tracker.analyze(e)
    means = pd.Series(values).groupby(day_numbers(at)).mean()
    t = np.asarray(means.index, dtype=float)
    post = (t >= 0).astype(float)
    weekday = ((t % 7) + 7) % 7  # day 0, the change's, is a Monday
    present = sorted(set(weekday))
    dummies = [(weekday == d).astype(float) for d in present[1:]]
    x = np.column_stack([np.ones_like(t), t, post, t * post, *dummies])
    lags = int(np.floor(4 * (len(t) / 100) ** (2 / 9)))
    fit = sm.OLS(means.to_numpy(), x).fit(cov_type="HAC", cov_kwds={"maxlags": lags})
    series = analysis.time_series
    assert series is not None and series.weekday_seasonality and series.lags == lags
    agrees(series.level_change, fit, 2)
    agrees(series.slope_change, fit, 3)
    [row] = analysis.comparisons.to_dict("records")
    row_agrees(pd.Series(row), fit, 2)
    codes = [code for code, _ in analysis.warning_messages]
    for code in ("its_trend_assumed", "its_weekday_seasonality", "its_slope_change", "its_no_plan"):
        assert f"stats.warning.{code}" in codes
    assert analysis.verdict.additional_observations is None
    assert analysis.planned_per_group is None
    assert "katkaistu aikasarja" in analysis.text(lang="fi").lower()


def test_weekly_periods_count_seven_days_from_the_change(tmp_path: Path) -> None:
    with new_tracker(tmp_path / "k.db") as tracker:
        e, values, at = its_logged(tracker, 11, 70, 28)
        analysis = tracker.analyze(e, period="week")
    weeks = np.floor(day_numbers(at) / 7.0)
    means = pd.Series(values).groupby(weeks).mean()
    t = np.asarray(means.index, dtype=float)
    post = (t >= 0).astype(float)
    lags = int(np.floor(4 * (len(t) / 100) ** (2 / 9)))
    fit = sm.OLS(means.to_numpy(), np.column_stack([np.ones_like(t), t, post, t * post])).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags}
    )
    assert analysis.period == "week" and len(t) == 14
    assert analysis.time_series is not None and not analysis.time_series.weekday_seasonality
    agrees(analysis.time_series.level_change, fit, 2)
    agrees(analysis.time_series.slope_change, fit, 3)
    assert "stats.warning.its_weekday_seasonality" not in [code for code, _ in analysis.warning_messages]


def test_too_few_periods_is_not_enough_data_with_the_reason(tmp_path: Path) -> None:
    with new_tracker(tmp_path / "k.db") as tracker:
        e, _, _ = its_logged(tracker, 3, 7, 5)
        analysis = tracker.analyze(e)
        empty = create(tracker, "interrupted_time_series", ITS_ARMS)
        tracker.start(empty, on=CHANGE)
        nothing = tracker.analyze(empty)
    assert analysis.verdict.verdict == "inconclusive"
    [status] = list(analysis.comparisons["status"])
    assert status.startswith("not enough data: periods: an interrupted time series needs at least 8")
    assert "vähintään 8 jaksoa ennen muutosta" in analysis.verdict.sentence("fi")
    assert "(jakso: päivä)" in analysis.verdict.sentence("fi")
    assert analysis.time_series is None
    assert nothing.verdict.verdict == "inconclusive" and nothing.time_series is None


# -- what the designs refuse -----------------------------------------------------------------------


def test_wrong_roles_missing_arms_shares_and_metrics_are_refused_by_name(tmp_path: Path) -> None:
    with new_tracker(tmp_path / "k.db") as tracker:
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            create(tracker, "difference_in_differences", {"ennen": "before", "jälkeen": "after"})
        assert raised.value.field == "arms[ennen].role"
        assert raised.value.code == "input.design_role_not_allowed"
        three = {k: v for k, v in list(DID_ARMS.items())[:3]}
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            create(tracker, "difference_in_differences", three)
        assert (raised.value.field, raised.value.code) == ("arms", "input.design_needs_exactly")
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            create(tracker, "difference_in_differences", DID_ARMS, kind="count")
        assert (raised.value.field, raised.value.code) == ("metrics[turva].kind", "input.design_metric_kind")
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            tracker.create(
                title="T", organisation="Oulu", purposes=["wellbeing"], we_believe="a", to_verify="b",
                and_measure="c", right_if="d", design="difference_in_differences",
                arms=[{"name": name, "role": role, "share": 1.0} for name, role in DID_ARMS.items()],
                metrics=[{"name": "turva", "kind": "mean", "minimum_effect": 0.3}],
            )
        assert raised.value.field == "arms[oulu-ennen].share"
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            tracker.create(
                title="T", organisation="Oulu", purposes=["wellbeing"], we_believe="a", to_verify="b",
                and_measure="c", right_if="d", design="interrupted_time_series", arms=ITS_ARMS,
                metrics=[{"name": "turva", "kind": "mean", "minimum_effect": 0.1, "effect_scale": "relative",
                          "baseline": 3.0}],
            )
        assert (raised.value.field, raised.value.code) == ("metrics[turva].effect_scale", "input.design_effect_scale")
        assert "vain absoluuttisella asteikolla" in Messages("fi").core(
            raised.value.code, raised.value.params
        )

        e = create(tracker, "interrupted_time_series", ITS_ARMS)
        tracker.start(e, on=CHANGE)
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            tracker.analyze(e, period="month")
        assert raised.value.field == "period"
        with pytest.raises(kokeilu.InvalidArgumentError) as raised:
            tracker.log(e, 3.0, arm="ennen", at="2025-03-04T12:00:00Z", backfill=True)
        assert raised.value.field == "at"


def test_the_designs_are_enumerations_with_labels() -> None:
    assert kokeilu.DesignKind.difference_in_differences.name == "difference_in_differences"
    assert kokeilu.ArmRole.comparison_after.name == "comparison_after"
    msgs = Messages("fi")
    assert msgs.labels("DesignKind")["interrupted_time_series"] == "katkaistu aikasarja"


def test_a_count_is_a_series_of_period_rates_and_a_proportion_of_period_shares(tmp_path: Path) -> None:
    rng = np.random.default_rng(77)
    with new_tracker(tmp_path / "k.db") as tracker:
        counts = create(tracker, "interrupted_time_series", ITS_ARMS, kind="count")
        shares = create(tracker, "interrupted_time_series", ITS_ARMS, kind="proportion")
        tracker.start(counts, on=CHANGE)
        tracker.start(shares, on=CHANGE)
        logged: dict[str, list[Any]] = {"at": [], "events": [], "exposure": [], "success": []}
        for arm, first, days in (("ennen", CHANGE - dt.timedelta(days=35), 35), ("jälkeen", CHANGE, 14)):
            at = times(rng, first, days, 5 * days)
            exposure = rng.uniform(0.5, 3.0, size=len(at))
            rate = 2.0 + 0.8 * (day_numbers(at) >= 0)
            events = rng.poisson(rate * exposure).astype(float)
            success = (rng.random(len(at)) < 0.4 + 0.2 * (day_numbers(at) >= 0)).astype(float)
            tracker.log_many(counts, events, arm=arm, at=at, exposure=exposure, backfill=True)
            tracker.log_many(shares, success, arm=arm, at=at, backfill=True)
            for name, column in (("at", at), ("events", events), ("exposure", exposure), ("success", success)):
                logged[name].append(column)
        by_rate = tracker.analyze(counts)
        by_share = tracker.analyze(shares)
    at = np.concatenate(logged["at"])
    days = day_numbers(at)
    frame = pd.DataFrame({"t": days, "events": np.concatenate(logged["events"]),
                          "exposure": np.concatenate(logged["exposure"]), "success": np.concatenate(logged["success"])})
    grouped = frame.groupby("t")
    for analysis, y in ((by_rate, grouped["events"].sum() / grouped["exposure"].sum()),
                        (by_share, grouped["success"].mean())):
        t = np.asarray(y.index, dtype=float)
        post = (t >= 0).astype(float)
        weekday = ((t % 7) + 7) % 7
        dummies = [(weekday == d).astype(float) for d in sorted(set(weekday))[1:]]
        lags = int(np.floor(4 * (len(t) / 100) ** (2 / 9)))
        fit = sm.OLS(y.to_numpy(), np.column_stack([np.ones_like(t), t, post, t * post, *dummies])).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags}
        )
        assert analysis.time_series is not None
        agrees(analysis.time_series.level_change, fit, 2)
        agrees(analysis.time_series.slope_change, fit, 3)
