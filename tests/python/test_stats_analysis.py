"""Tracker.analyze and Tracker.cumulative_effect on stored experiments: every number in the
analysis equals the one kokeilu.stats gives for the same data (which the other stats tests check
against scipy, statsmodels and gbstats), and the rich display escapes what it shows."""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kokeilu
from kokeilu import stats

FieldsFactory = Callable[..., dict[str, Any]]

START = datetime.datetime(2025, 1, 13, 8, tzinfo=datetime.timezone.utc)


def close(actual: float, expected: float) -> bool:
    return math.isclose(actual, expected, rel_tol=1e-12, abs_tol=1e-14)


def times(rng: np.random.Generator, n: int, days: int = 20) -> pd.Series:
    offsets = np.sort(rng.uniform(0, days * 86400, size=n))
    return pd.Series(pd.Timestamp(START) + pd.to_timedelta(offsets, unit="s"))


def populated(tracker: kokeilu.Tracker, fields: FieldsFactory, **overrides: Any) -> tuple[kokeilu.Experiment, dict[str, Any]]:
    """A running experiment with unit-level data in both arms for the primary, guardrail and a secondary metric."""
    metrics = [
        kokeilu.Metric("sense_of_security", kind="mean", minimum_effect=0.3, baseline=4.1, baseline_sd=0.9),
        {"name": "missed_medication", "kind": "proportion", "role": "guardrail",
         "direction": "lower_is_better", "minimum_effect": 0.02},
        {"name": "calls", "kind": "mean", "role": "secondary", "minimum_effect": 1.0},
        {"name": "visits", "kind": "mean", "role": "secondary", "minimum_effect": 1.0},
    ]
    e = tracker.create(**fields(metrics=metrics, **overrides))
    tracker.start(e, on=START.date())
    rng = np.random.default_rng(7)
    data: dict[str, Any] = {}
    for metric, draw in {
        "sense_of_security": lambda arm, n: rng.normal(4.0 + 0.4 * (arm == "video"), 0.8, n),
        "missed_medication": lambda arm, n: rng.binomial(1, 0.08 if arm == "video" else 0.1, n).astype(float),
        "calls": lambda arm, n: rng.poisson(3 + (arm == "video"), n).astype(float),
        "visits": lambda arm, n: rng.normal(5, 2, n),
    }.items():
        for arm, n in (("control", 140), ("video", 120)):
            values = draw(arm, n)
            at = times(rng, n)
            tracker.log_many(e, values, arm=arm, at=at, metric=metric)
            data[metric, arm] = (values, at)
    return tracker.get(e), data


def test_analysis_matches_the_methods_on_the_same_data(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e, data = populated(tracker, home_care_fields)
    a = tracker.analyze(e)
    assert isinstance(a, kokeilu.Analysis)
    c = a.comparisons.set_index("metric")
    assert list(a.comparisons.columns[:4]) == ["metric", "role", "arm", "reference"]

    t, k = data["sense_of_security", "video"][0], data["sense_of_security", "control"][0]
    row = c.loc["sense_of_security"]
    ref = stats.welch_t(t, k)
    assert row["method"] == "welch_t" and row["status"] == "ok" and row["role"] == "primary"
    for column in ("estimate", "ci_low", "ci_high", "p_value"):
        assert close(row[column], getattr(ref, column)), column
    bayes = stats.bayes_normal(t, k)
    assert close(row["chance_to_beat"], bayes.chance_to_beat)
    assert close(row["risk"], bayes.risk)

    m_t, m_k = data["missed_medication", "video"][0], data["missed_medication", "control"][0]
    guard = c.loc["missed_medication"]
    ref_p = stats.score_difference((int(m_t.sum()), len(m_t)), (int(m_k.sum()), len(m_k)))
    assert close(guard["estimate"], ref_p.estimate) and close(guard["ci_low"], ref_p.ci_low)
    beta = stats.bayes_beta_binomial(
        (int(m_t.sum()), len(m_t)), (int(m_k.sum()), len(m_k)), direction="lower_is_better"
    )
    assert close(guard["chance_to_beat"], beta.chance_to_beat)

    secondary_p = [stats.welch_t(data[m, "video"][0], data[m, "control"][0]).p_value for m in ("calls", "visits")]
    np.testing.assert_allclose(c.loc[["calls", "visits"], "adjusted_p_value"], stats.holm(secondary_p), rtol=1e-12)
    assert math.isnan(row["adjusted_p_value"])

    s = a.summaries.set_index(["metric", "arm"])
    assert s.loc[("sense_of_security", "video"), "n"] == len(t)
    assert close(s.loc[("sense_of_security", "video"), "mean"], float(t.mean()))
    assert close(s.loc[("sense_of_security", "video"), "sd"], float(t.std(ddof=1)))
    assert s.loc[("sense_of_security", "video"), "max"] == t.max()
    assert s.loc[("missed_medication", "control"), "successes"] == m_k.sum()
    assert s.loc[("missed_medication", "control"), "trials"] == len(m_k)

    assert a.sample_ratio is not None
    assert close(a.sample_ratio.p_value, stats.srm_check([len(k), len(t)]).p_value)
    assert a.planned_per_group is not None
    assert a.planned_per_group.per_group == stats.sample_size_mean(0.3, 0.9).per_group

    v = a.verdict
    assert v.metric == "sense_of_security"
    assert v.verdict in {"supported", "refuted", "inconclusive"}
    assert v.sentence_en and v.sentence_fi and v.amended_criteria == () and not v.amended
    assert close(v.improvement, ref.estimate)


def test_verdict_names_an_amended_criterion(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e, _ = populated(tracker, home_care_fields)
    metrics = e.metrics
    metrics[0].minimum_effect = 0.2
    e.metrics = metrics
    tracker.save(e, "the survey scale was recalibrated")
    a = tracker.analyze(e)
    assert a.verdict.amended
    assert any("sense_of_security" in text and "0.2" in text for text in a.verdict.amended_criteria)
    assert any("amended" in w for w in a.warnings)


def test_analysis_until_equals_the_analysis_of_the_earlier_data(
    tracker: kokeilu.Tracker, home_care_fields: FieldsFactory
) -> None:
    e, data = populated(tracker, home_care_fields)
    cut = START + datetime.timedelta(days=6)
    a = tracker.analyze(e, until=cut)
    (t, t_at), (k, k_at) = data["sense_of_security", "video"], data["sense_of_security", "control"]
    ref = stats.welch_t(t[(t_at < cut).to_numpy()], k[(k_at < cut).to_numpy()])
    row = a.comparisons.set_index("metric").loc["sense_of_security"]
    assert close(row["estimate"], ref.estimate) and close(row["p_value"], ref.p_value)


def test_aggregated_and_unit_rows_are_summarised_together(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e = tracker.create(**home_care_fields())
    tracker.start(e, on=START.date())
    rng = np.random.default_rng(3)
    unit = {arm: rng.normal(4, 1, 30) for arm in ("control", "video")}
    report = {arm: rng.normal(4.2, 1, 50) for arm in ("control", "video")}
    for arm in ("control", "video"):
        tracker.log_many(e, unit[arm], arm=arm, at=START)
        r = report[arm]
        tracker.log_aggregate(e, n=len(r), sum=float(r.sum()), sum_sq=float((r**2).sum()), arm=arm, at=START)
    a = tracker.analyze(e)
    both = {arm: np.concatenate([unit[arm], report[arm]]) for arm in unit}
    ref = stats.welch_t(both["video"], both["control"])
    row = a.comparisons.set_index("metric").loc["sense_of_security"]
    assert math.isclose(row["estimate"], ref.estimate, rel_tol=1e-9)
    assert math.isclose(row["p_value"], ref.p_value, rel_tol=1e-9)
    s = a.summaries.set_index(["metric", "arm"]).loc[("sense_of_security", "video")]
    assert s["n"] == 80 and math.isclose(s["sd"], float(both["video"].std(ddof=1)), rel_tol=1e-9)


def test_empty_arms_give_not_enough_data_not_an_error(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e = tracker.create(**home_care_fields())
    tracker.start(e, on=START.date())
    tracker.log(e, 4.0, arm="video", at=START)
    a = tracker.analyze(e)
    row = a.comparisons.set_index("metric").loc["sense_of_security"]
    assert row["status"].startswith("not enough data") and math.isnan(row["estimate"])
    assert a.verdict.verdict == "inconclusive" and a.verdict.reason == "not_enough_data"
    assert "not enough data" in repr(a)


def test_one_sample_design_compares_with_the_baseline(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e = tracker.create(**home_care_fields(design="one_sample", arms={"all clients": "group"}))
    tracker.start(e, on=START.date())
    values = np.random.default_rng(5).normal(4.4, 0.7, 40)
    tracker.log_many(e, values, at=START)
    a = tracker.analyze(e)
    row = a.comparisons.set_index("metric").loc["sense_of_security"]
    ref = stats.one_sample_t(values, 4.1)
    assert row["reference"] == "baseline" and close(row["estimate"], ref.estimate) and close(row["p_value"], ref.p_value)
    assert a.sample_ratio is None
    with pytest.raises(kokeilu.InvalidArgumentError, match="control"):
        tracker.cumulative_effect(e)


def test_the_tuning_of_the_cumulative_effect_is_the_plan_of_the_analysis(
    tracker: kokeilu.Tracker, home_care_fields: FieldsFactory
) -> None:
    # One plan in the core: a one-sample design needs one group of the one-sample size, a
    # concurrent one two groups of the two-group size.
    for design, arms, groups in (
        ("one_sample", {"all clients": "group"}, 1),
        ("concurrent", {"control": "control", "video": "treatment"}, 2),
    ):
        metric = kokeilu.Metric("sense_of_security", kind="mean", minimum_effect=0.3, baseline=4.1, baseline_sd=0.9)
        e = tracker.create(**home_care_fields(design=design, arms=arms, metrics=[metric]))
        tracker.start(e, on=START.date())
        a = tracker.analyze(e)
        assert a.planned_per_group is not None
        one_sample = design == "one_sample"
        assert a.planned_per_group.per_group == stats.sample_size_mean(0.3, 0.9, one_sample=one_sample).per_group
        assert stats.plan_tuning_n(e.primary_metric, e.design) == groups * a.planned_per_group.per_group


def test_repr_and_html(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e, _ = populated(tracker, home_care_fields, title="Video <visits> & \"safety\"")
    a = tracker.analyze(e)
    text = repr(a)
    assert text.startswith(f"<kokeilu.Analysis {e.key!r}: {a.verdict.verdict}") and a.verdict.sentence_en in text
    page = a._repr_html_()
    assert "Video &lt;visits&gt; &amp; &quot;safety&quot;" in page and "<visits>" not in page
    assert a.verdict.sentence_en in page and a.verdict.sentence_fi not in page  # in the current language
    assert a.verdict.sentence_fi in a.html(lang="fi")
    assert page.count("<tr>") == len(a.comparisons) + 1


@pytest.mark.parametrize("freq", ["D", "W"])
def test_cumulative_effect_equals_the_sequential_interval_of_the_data_so_far(
    tracker: kokeilu.Tracker, home_care_fields: FieldsFactory, freq: str
) -> None:
    e, data = populated(tracker, home_care_fields)
    frame = tracker.cumulative_effect(e, freq=freq)
    assert list(frame.columns) == ["at", "estimate", "ci_low", "ci_high", "n_control", "n_treatment"]
    assert str(frame["at"].dtype) == "datetime64[us, UTC]"
    (t, t_at), (k, k_at) = data["sense_of_security", "video"], data["sense_of_security", "control"]
    tuning = 2.0 * stats.sample_size_mean(0.3, 0.9).per_group
    step = pd.Timedelta(days=1) if freq == "D" else pd.Timedelta(weeks=1)
    checked = 0
    for row in frame.itertuples(index=False):
        end = row.at + step
        t_so_far, k_so_far = t[(t_at < end).to_numpy()], k[(k_at < end).to_numpy()]
        assert row.n_treatment == len(t_so_far) and row.n_control == len(k_so_far)
        if len(t_so_far) < 2 or len(k_so_far) < 2:
            assert math.isnan(row.estimate)
            continue
        ref = stats.sequential(t_so_far, k_so_far, tuning_n=tuning)
        assert math.isclose(row.estimate, ref.estimate, rel_tol=1e-9)
        assert math.isclose(row.ci_low, ref.ci_low, rel_tol=1e-9)
        assert math.isclose(row.ci_high, ref.ci_high, rel_tol=1e-9)
        checked += 1
    assert checked >= (2 if freq == "W" else 15)
    assert frame["n_control"].iloc[-1] == len(k) and frame["at"].is_monotonic_increasing


def test_cumulative_effect_rejects_an_unknown_arm(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e, _ = populated(tracker, home_care_fields)
    with pytest.raises(kokeilu.InvalidArgumentError, match="arm"):
        tracker.cumulative_effect(e, arm="control")


def test_before_and_after_says_after_the_change_not_because_of_it(
    tracker: kokeilu.Tracker, home_care_fields: FieldsFactory
) -> None:
    e = tracker.create(**home_care_fields(design="before_after", arms={"before": "before", "after": "after"}))
    tracker.start(e, on=START.date())
    rng = np.random.default_rng(9)
    tracker.log_many(e, rng.normal(4.0, 0.7, 80), arm="before", at=START - datetime.timedelta(days=30), backfill=True)
    tracker.log_many(e, rng.normal(4.6, 0.7, 80), arm="after", at=START + datetime.timedelta(days=1))
    a = tracker.analyze(e)
    assert a.verdict.verdict == "supported"
    codes = [m.code for m in a.result.warning_messages]
    assert "stats.warning.before_after" in codes
    assert "not necessarily because of it" in a.verdict.sentence_en
    assert "not necessarily because of it" in a.result.verdict.sentence_en
    assert "ei välttämättä sen vuoksi" in a.verdict.sentence("fi")
    assert "inte nödvändigtvis på grund av den" in a.verdict.sentence("sv")
    # A concurrent control group controls trends and seasons: neither is said there.
    concurrent = tracker.create(**home_care_fields())
    tracker.start(concurrent, on=START.date())
    tracker.log_many(concurrent, rng.normal(4.0, 0.7, 80), arm="control", at=START + datetime.timedelta(days=1))
    tracker.log_many(concurrent, rng.normal(4.6, 0.7, 80), arm="video", at=START + datetime.timedelta(days=1))
    b = tracker.analyze(concurrent)
    assert "stats.warning.before_after" not in [m.code for m in b.result.warning_messages]
    assert "because of it" not in b.verdict.sentence_en
