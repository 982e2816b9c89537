"""Plots: the numbers drawn are the numbers of the data (read back from the artists)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.patches import Rectangle

import kokeilu
from kokeilu import plots

D = datetime.date
T = datetime.datetime


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Etäkäynnit",
        "organisation": "Oulu",
        "unit": "kotihoito",
        "we_believe": "b",
        "to_verify": "v",
        "and_measure": "m",
        "right_if": "r",
        "purposes": ["wellbeing"],
        "design": "concurrent",
        "arms": {"control": "control", "video": "treatment"},
        "metrics": [
            {"name": "security", "kind": "mean", "unit": "points", "minimum_effect": 0.3, "baseline": 4.1},
            {
                "name": "missed",
                "kind": "proportion",
                "role": "guardrail",
                "direction": "lower_is_better",
                "minimum_effect": 0.02,
                "baseline": 0.01,
            },
            {"name": "visits", "kind": "count", "role": "secondary", "minimum_effect": 0.1, "effect_scale": "relative"},
        ],
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def logged(tracker: kokeilu.Tracker) -> kokeilu.Experiment:
    e = tracker.create(**_fields())
    tracker.start(e, on=D(2026, 1, 12))
    # Day 1: control 1, 3 and an aggregate of 2 units summing 10; video 4.  Day 2: control 2; video 5, 7.
    tracker.log_many(e, [1, 3, 4], arm=["control", "control", "video"], at=T(2026, 1, 12, 9))
    tracker.log_aggregate(e, n=2, sum=10.0, sum_sq=50.0, arm="control", at=T(2026, 1, 12, 15))
    tracker.log_many(e, [2, 5, 7], arm=["control", "video", "video"], at=T(2026, 1, 13, 9))
    # Counts: control 6 events over 2 weeks of exposure on day 1, 3 over 1 on day 2; video 8 over 2.
    tracker.log_many(
        e,
        [4, 2, 3],
        arm="control",
        metric="visits",
        exposure=[1.0, 1.0, 1.0],
        at=[T(2026, 1, 12, 9), T(2026, 1, 12, 10), T(2026, 1, 13, 9)],
    )
    tracker.log_many(e, [8], arm="video", metric="visits", exposure=[2.0], at=T(2026, 1, 12, 9))
    return e


def _line(ax: Any, label_start: str) -> Any:
    return next(line for line in ax.get_lines() if line.get_label().startswith(label_start))


def test_daily_values_combine_unit_level_and_aggregated_rows(
    tracker: kokeilu.Tracker, logged: kokeilu.Experiment
) -> None:
    daily = plots.daily_values(tracker, logged)
    control = daily[daily["arm"] == "control"]
    assert control["n"].tolist() == [4, 1]
    assert control["value"].tolist() == pytest.approx([(1 + 3 + 10) / 4, 2.0])
    video = daily[daily["arm"] == "video"]
    assert video["value"].tolist() == pytest.approx([4.0, 6.0])
    assert [p.date() for p in video["period"]] == [D(2026, 1, 12), D(2026, 1, 13)]


def test_daily_values_of_a_count_metric_are_rates_per_exposure(
    tracker: kokeilu.Tracker, logged: kokeilu.Experiment
) -> None:
    daily = plots.daily_values(tracker, logged, metric="visits")
    control = daily[daily["arm"] == "control"]
    assert control["value"].tolist() == pytest.approx([6 / 2, 3 / 1])
    assert daily[daily["arm"] == "video"]["value"].tolist() == pytest.approx([4.0])


def test_metric_over_time_draws_arms_baseline_and_effect_band(
    tracker: kokeilu.Tracker, logged: kokeilu.Experiment
) -> None:
    _, ax = plt.subplots()
    returned = plots.metric_over_time(tracker, logged, ax=ax)
    assert returned is ax
    assert list(_line(ax, "video").get_ydata()) == pytest.approx([4.0, 6.0])
    assert list(_line(ax, "control").get_ydata()) == pytest.approx([3.5, 2.0])
    assert _line(ax, "baseline").get_ydata()[0] == pytest.approx(4.1)
    band = next(p for p in ax.patches if p.get_label().startswith("minimum worthwhile effect"))
    assert _band_limits(ax, band) == pytest.approx((4.1, 4.4))
    assert "security" in ax.get_title()


def _band_limits(ax: Any, band: Any) -> tuple[float, float]:
    """The lower and upper data y of an axhspan patch."""
    points = band.get_transform().transform(band.get_path().vertices)
    data = ax.transData.inverted().transform(points)[:, 1]
    return float(data.min()), float(data.max())


def test_guardrail_band_runs_to_the_acceptable_worsening(tracker: kokeilu.Tracker, logged: kokeilu.Experiment) -> None:
    tracker.log_many(
        logged, [0, 1, 0, 0], arm=["control", "control", "video", "video"], metric="missed", at=T(2026, 1, 12, 9)
    )
    ax = plots.metric_over_time(tracker, logged, metric="missed")
    band = next(p for p in ax.patches if p.get_label().startswith("acceptable worsening"))
    # Lower is better: worsening goes up from the baseline 0.01 by 0.02.
    assert _band_limits(ax, band) == pytest.approx((0.01, 0.03))


def test_without_baseline_the_control_level_and_a_relative_effect_are_used(
    tracker: kokeilu.Tracker, logged: kokeilu.Experiment
) -> None:
    ax = plots.metric_over_time(tracker, logged, metric="visits")
    reference = _line(ax, "control level")
    level = (6 + 3) / 3  # control events over control exposure
    assert reference.get_ydata()[0] == pytest.approx(level)
    band = next(p for p in ax.patches if p.get_label().startswith("minimum worthwhile effect"))
    assert _band_limits(ax, band) == pytest.approx((level, level * 1.1))


def _portfolio(t: kokeilu.Tracker) -> None:
    plan = [
        ("Oulu", ["wellbeing"], "supported", 1000.0, D(2025, 1, 1), D(2025, 3, 2)),
        ("Oulu", ["wellbeing", "vitality"], "refuted", 3000.0, D(2025, 2, 1), D(2025, 5, 1)),
        ("Kajaani", ["vitality"], "inconclusive", 500.0, D(2025, 3, 1), D(2025, 3, 31)),
    ]
    for organisation, purposes, verdict, cost, start, decided in plan:
        e = t.create(**_fields(organisation=organisation, purposes=purposes, actual_cost_eur=cost))
        t.start(e, on=start)
        t.conclude(e, verdict, decision="adapt", decided_on=decided)
    running = t.create(**_fields(organisation="Kajaani", planned_cost_eur=2000.0))
    t.start(running, on=D(2025, 4, 1))
    t.create(**_fields(organisation="Ii"))


def _bar_widths(ax: Any) -> list[float]:
    return [float(p.get_width()) for p in ax.patches if isinstance(p, Rectangle)]


def test_experiments_by_status(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    _, ax = plt.subplots()
    assert plots.experiments_by_status(tracker, ax=ax) is ax
    # Bars are drawn stack by stack (draft, running, stopped, concluded), each over the rows Ii,
    # Kajaani, Oulu.
    assert _bar_widths(ax) == [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Ii", "Kajaani", "Oulu"]


def test_verdicts_by_organisation_and_purpose(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    ax = plots.verdicts_by_organisation(tracker)
    # Stack by stack (supported, refuted, inconclusive), each over the rows Kajaani, Oulu.
    assert _bar_widths(ax) == [0, 1, 0, 1, 1, 0]
    ax = plots.verdicts_by_purpose(tracker)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["vitality", "wellbeing"]
    assert _bar_widths(ax) == [0, 1, 1, 1, 1, 0]


def test_time_to_decision(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    ax = plots.time_to_decision(tracker)
    assert _bar_widths(ax) == [30, 60, 89]
    median = [line for line in ax.get_lines() if line.get_linestyle() == "--"]
    assert median[0].get_xdata()[0] == pytest.approx(60)


def test_cost_per_experiment_and_per_supported(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    ax = plots.cost_per_experiment(tracker)
    assert _bar_widths(ax) == [500, 1000, 2000, 3000]  # the draft has no cost
    hatched = [p.get_hatch() for p in ax.patches if isinstance(p, Rectangle)]
    assert hatched == [None, None, "//", None]  # only the running one is a planned cost
    ax = plots.cost_per_supported(tracker)
    # Rows Ii, Kajaani, Oulu: per learning, then per supported (0 where none).
    widths = _bar_widths(ax)
    assert widths[:3] == [0, 500, 2000]
    assert widths[3:] == [0, 0, 4000]


def test_portfolio_figure_has_all_six_plots(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    fig = plots.portfolio_figure(tracker)
    assert len(fig.axes) == 6
    titles = [a.get_title() for a in fig.axes]
    assert any("status" in t for t in titles) and any("decision" in t for t in titles)
    canvas_png = _png(fig)
    assert canvas_png.startswith(b"\x89PNG")


def _png(fig: Any) -> bytes:
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def test_daily_values_on_an_experiment_without_data(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    tracker.start(e, on=D(2026, 1, 12))
    assert plots.daily_values(tracker, e).empty
    ax = plots.metric_over_time(tracker, e)
    assert _line(ax, "baseline").get_ydata()[0] == pytest.approx(4.1)


def test_weekly_frequency(tracker: kokeilu.Tracker, logged: kokeilu.Experiment) -> None:
    weekly = plots.daily_values(tracker, logged, freq="W")
    control = weekly[weekly["arm"] == "control"]
    assert control["value"].tolist() == pytest.approx([(1 + 3 + 10 + 2) / 5])
    assert isinstance(weekly["period"].iloc[0], pd.Timestamp)
    assert np.issubdtype(weekly["n"].dtype, np.integer)
