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
    tracker.start(e, on=D(2025, 1, 13))
    # Day 1: control 1, 3 and an aggregate of 2 units summing 10; video 4.  Day 2: control 2; video 5, 7.
    tracker.log_many(e, [1, 3, 4], arm=["control", "control", "video"], at=T(2025, 1, 13, 9))
    tracker.log_aggregate(e, n=2, sum=10.0, sum_sq=50.0, arm="control", at=T(2025, 1, 13, 15))
    tracker.log_many(e, [2, 5, 7], arm=["control", "video", "video"], at=T(2025, 1, 14, 9))
    # Counts: control 6 events over 2 weeks of exposure on day 1, 3 over 1 on day 2; video 8 over 2.
    tracker.log_many(
        e,
        [4, 2, 3],
        arm="control",
        metric="visits",
        exposure=[1.0, 1.0, 1.0],
        at=[T(2025, 1, 13, 9), T(2025, 1, 13, 10), T(2025, 1, 14, 9)],
    )
    tracker.log_many(e, [8], arm="video", metric="visits", exposure=[2.0], at=T(2025, 1, 13, 9))
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
    assert [p.date() for p in video["period"]] == [D(2025, 1, 13), D(2025, 1, 14)]


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
        logged, [0, 1, 0, 0], arm=["control", "control", "video", "video"], metric="missed", at=T(2025, 1, 13, 9)
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
    tracker.start(e, on=D(2025, 1, 13))
    assert plots.daily_values(tracker, e).empty
    ax = plots.metric_over_time(tracker, e)
    assert _line(ax, "baseline").get_ydata()[0] == pytest.approx(4.1)


@pytest.mark.parametrize("freq", ["M", "ME", "MS", "month"])
def test_every_name_of_a_month_gives_the_same_months_labelled_by_their_first_day(
    tracker: kokeilu.Tracker, logged: kokeilu.Experiment, freq: str
) -> None:
    # pandas 3 refuses "M" for resampling and "ME" for periods; kokeilu takes all of them alike.
    monthly = plots.daily_values(tracker, logged, freq=freq)
    assert monthly.equals(plots.daily_values(tracker, logged, freq="month"))
    assert [p.date() for p in monthly["period"]] == [D(2025, 1, 1), D(2025, 1, 1)]
    assert plots.metric_over_time(tracker, logged, freq=freq, lang="en").get_title().endswith("per month")
    frame = tracker.cumulative_effect(logged, freq=freq)
    assert frame.equals(tracker.cumulative_effect(logged, freq="M"))


def test_weeks_run_from_monday_and_are_labelled_by_it(tracker: kokeilu.Tracker, logged: kokeilu.Experiment) -> None:
    weekly = plots.daily_values(tracker, logged, freq="week")
    assert {p.date() for p in weekly["period"]} == {D(2025, 1, 13)}  # a Monday; the data is on 13 and 14 January
    assert weekly.equals(plots.daily_values(tracker, logged, freq="W"))
    # Multiples are taken too; their periods count from 1970-01-01, as pandas counts them.
    two_days = plots.daily_values(tracker, logged, freq="2D")
    assert two_days["n"].sum() == weekly["n"].sum()


@pytest.mark.parametrize("freq", ["fortnight", "0D", "", "Q", 7, None])
def test_a_period_that_is_not_one_is_refused_naming_the_argument(
    tracker: kokeilu.Tracker, logged: kokeilu.Experiment, freq: Any
) -> None:
    for call in (
        lambda: plots.daily_values(tracker, logged, freq=freq),
        lambda: tracker.cumulative_effect(logged, freq=freq),
    ):
        with pytest.raises(kokeilu.InvalidArgumentError) as refused:
            call()
        assert refused.value.field == "freq" and refused.value.code == "input.unknown_period"
        assert "day, week, month" in str(refused.value)


PARTIAL = "period only partly inside the experiment"


def _legend_texts(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def _hollow(ax: Any) -> list[Any]:
    return [line for line in ax.get_lines() if line.get_markerfacecolor() == "white" and len(line.get_xdata())]


def test_periods_partly_inside_the_experiment_are_hollow_and_named(
    tracker: kokeilu.Tracker, logged: kokeilu.Experiment
) -> None:
    # The week from Monday 13 January lies inside the experiment, which started that day.
    ax = plots.metric_over_time(tracker, logged, freq="week")
    assert PARTIAL not in _legend_texts(ax) and _hollow(ax) == []
    # January began before the start: both arms' points of it are hollow.
    ax = plots.metric_over_time(tracker, logged, freq="month")
    assert PARTIAL in _legend_texts(ax)
    assert sorted(len(line.get_xdata()) for line in _hollow(ax)) == [1, 1]
    # Stopped on Wednesday 15 January: its week runs on past the end.
    tracker.stop(logged, "the pilot group moved", on=D(2025, 1, 15))
    ax = plots.metric_over_time(tracker, logged, freq="week")
    assert PARTIAL in _legend_texts(ax) and len(_hollow(ax)) == 2


def test_each_point_can_show_its_n_and_the_legend_hides_no_point(
    tracker: kokeilu.Tracker, logged: kokeilu.Experiment
) -> None:
    ax = plots.metric_over_time(tracker, logged, freq="month", show_n=True)
    # Control: 1 and 3, an aggregate of 2 units and 2 the next day; video: 4, 5 and 7.
    assert sorted(text.get_text() for text in ax.texts) == ["n = 3", "n = 5"]
    assert len(plots.metric_over_time(tracker, logged).texts) == 0
    figure = ax.get_figure()
    figure.canvas.draw()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1


def test_weekly_frequency(tracker: kokeilu.Tracker, logged: kokeilu.Experiment) -> None:
    weekly = plots.daily_values(tracker, logged, freq="W")
    control = weekly[weekly["arm"] == "control"]
    assert control["value"].tolist() == pytest.approx([(1 + 3 + 10 + 2) / 5])
    assert isinstance(weekly["period"].iloc[0], pd.Timestamp)
    assert np.issubdtype(weekly["n"].dtype, np.integer)


# -- effects and the cumulative effect -------------------------------------------------------------


@pytest.fixture
def measured(tracker: kokeilu.Tracker) -> kokeilu.Experiment:
    """Ten days of a concurrent experiment: security rises by about 0.6 points; missed medication
    (a guardrail, lower is better) is 3 of 80 in control and 1 of 80 with video."""
    e = tracker.create(**_fields(metrics=_fields()["metrics"][:2]))
    tracker.start(e, on=D(2025, 1, 13))
    rng = np.random.default_rng(5)
    at = [T(2025, 1, 13 + i % 10, 9) for i in range(80)]
    tracker.log_many(e, rng.normal(4.0, 0.8, 80).round(1), arm="control", at=at)
    tracker.log_many(e, rng.normal(4.6, 0.8, 80).round(1), arm="video", at=at)
    missed_control = np.zeros(80)
    missed_control[[3, 40, 77]] = 1
    missed_video = np.zeros(80)
    missed_video[[50]] = 1
    tracker.log_many(e, missed_control, arm="control", metric="missed", at=at)
    tracker.log_many(e, missed_video, arm="video", metric="missed", at=at)
    return e


def _intervals(ax: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(estimates, lows, highs) from top to bottom, as drawn."""
    segments = next(c for c in ax.collections if c.get_label() == "interval").get_segments()
    points = next(c for c in ax.collections if c.get_label() == "estimate").get_offsets()
    lows = np.array([min(s[0][0], s[1][0]) for s in segments])
    highs = np.array([max(s[0][0], s[1][0]) for s in segments])
    assert [s[0][1] for s in segments] == list(np.asarray(points)[:, 1]) == list(range(len(segments)))
    return np.asarray(points)[:, 0], lows, highs


def _vertical(ax: Any, label: str) -> float:
    line = _line(ax, label)
    xs = set(np.asarray(line.get_xdata(), dtype=float))
    assert len(xs) == 1
    return xs.pop()


def test_effects_of_one_metric_on_its_own_scale(tracker: kokeilu.Tracker, measured: kokeilu.Experiment) -> None:
    _, ax = plt.subplots()
    returned = plots.effects(tracker, measured, metrics=["security"], ax=ax)
    assert returned is ax
    estimates, lows, highs = _intervals(ax)
    frame = tracker.observations(measured)
    means = frame.groupby("arm", observed=True)["value"].mean()
    assert estimates == pytest.approx([means["video"] - means["control"]])
    row = tracker.analyze(measured).comparisons.iloc[0]
    assert (lows[0], highs[0]) == pytest.approx((row["ci_low"], row["ci_high"]))
    assert lows[0] < estimates[0] < highs[0]
    assert _vertical(ax, "no effect") == 0.0
    assert _vertical(ax, "minimum worthwhile effect") == pytest.approx(0.3)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["video vs control"]
    assert "security" in ax.get_title() and "95%" in ax.get_title()
    assert "points (higher is better)" == ax.get_xlabel()


def test_effects_of_several_metrics_in_minimum_worthwhile_effects(
    tracker: kokeilu.Tracker, measured: kokeilu.Experiment
) -> None:
    analysis = tracker.analyze(measured)
    ax = plots.effects(analysis)
    estimates, lows, highs = _intervals(ax)
    rows = analysis.comparisons.set_index("metric")
    security, missed = rows.loc["security"], rows.loc["missed"]
    assert missed["estimate"] == pytest.approx(1 / 80 - 3 / 80)
    # Higher is better for security: divided by 0.3. Lower is better for missed: turned and divided by 0.02.
    assert estimates == pytest.approx([security["estimate"] / 0.3, -missed["estimate"] / 0.02])
    assert lows == pytest.approx([security["ci_low"] / 0.3, -missed["ci_high"] / 0.02])
    assert highs == pytest.approx([security["ci_high"] / 0.3, -missed["ci_low"] / 0.02])
    assert _vertical(ax, "minimum worthwhile effect") == 1.0
    assert _vertical(ax, "acceptable worsening") == -1.0
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["security (primary)\nvideo vs control", "missed (guardrail)\nvideo vs control"]


def test_effects_leave_out_comparisons_without_data_and_check_names(
    tracker: kokeilu.Tracker, measured: kokeilu.Experiment
) -> None:
    e = tracker.create(**_fields(title="Toinen", metrics=_fields()["metrics"][:2]))
    tracker.start(e, on=D(2025, 1, 13))
    tracker.log_many(e, [4.0, 5.0, 4.5], arm="video", at=T(2025, 1, 14, 9))
    ax = plots.effects(tracker, e)
    assert ax.collections[0].get_segments() == []
    assert "without enough data" in ax.get_title()
    with pytest.raises(ValueError, match="metrics: unknown nope; known: security, missed"):
        plots.effects(tracker, measured, metrics=["nope"])
    with pytest.raises(TypeError, match="experiment: required"):
        plots.effects(tracker)


def test_effects_side_by_side_scale_each_primary_effect_and_colour_by_verdict(
    tracker: kokeilu.Tracker, measured: kokeilu.Experiment
) -> None:
    other = tracker.create(
        **_fields(
            title="Takaisinsoitto",
            metrics=[{"name": "wait", "kind": "mean", "direction": "lower_is_better", "minimum_effect": 2.0}],
        )
    )
    tracker.start(other, on=D(2025, 1, 13))
    at = [T(2025, 1, 13 + i % 5, 9) for i in range(30)]
    rng = np.random.default_rng(9)
    tracker.log_many(other, rng.normal(10.0, 3.0, 30), arm="control", at=at)
    tracker.log_many(other, rng.normal(10.0, 3.0, 30), arm="video", at=at)
    tracker.create(**_fields(title="Luonnos"))  # a draft: not started, left out
    _, ax = plt.subplots()
    assert plots.effects_side_by_side(tracker, ax=ax) is ax
    estimates, lows, highs = _intervals(ax)
    first, second = tracker.analyze(measured), tracker.analyze(other)
    a, b = first.primary, second.primary
    assert estimates == pytest.approx([a["estimate"] / 0.3, -b["estimate"] / 2.0])
    assert lows == pytest.approx([a["ci_low"] / 0.3, -b["ci_high"] / 2.0])
    assert highs == pytest.approx([a["ci_high"] / 0.3, -b["ci_low"] / 2.0])
    assert [t.get_text() for t in ax.get_yticklabels()] == [f"{measured.key}: security", f"{other.key}: wait"]
    colours = next(c for c in ax.collections if c.get_label() == "estimate").get_facecolors()
    expected = [first.verdict.verdict, second.verdict.verdict]
    assert [matplotlib.colors.to_hex(c) for c in colours] == [plots.VERDICT_COLOURS[v] for v in expected]
    assert _vertical(ax, "minimum worthwhile effect") == 1.0
    # The same from analyses given, in the order given.
    again = plots.effects_side_by_side([second, first])
    assert [t.get_text() for t in again.get_yticklabels()] == [f"{other.key}: wait", f"{measured.key}: security"]


def test_cumulative_effect_draws_the_always_valid_interval_over_time(
    tracker: kokeilu.Tracker, measured: kokeilu.Experiment
) -> None:
    _, ax = plt.subplots()
    assert plots.cumulative_effect(tracker, measured, ax=ax) is ax
    frame = tracker.cumulative_effect(measured)
    assert len(frame) == 10
    estimate = _line(ax, "estimate")
    assert list(estimate.get_ydata()) == pytest.approx(list(frame["estimate"]), nan_ok=True)
    days = [matplotlib.dates.num2date(x).date() for x in matplotlib.dates.date2num(estimate.get_xdata())]
    assert days == [D(2025, 1, 13) + datetime.timedelta(days=i) for i in range(10)]
    band = next(c for c in ax.collections if c.get_label() == "always-valid interval")
    ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
    finite = frame.dropna()
    assert ys.max() == pytest.approx(finite["ci_high"].max())
    assert ys.min() == pytest.approx(finite["ci_low"].min())
    # The last interval holds all the data: it is the sequential interval of the whole sample.
    last = frame.iloc[-1]
    assert last["ci_low"] < last["estimate"] < last["ci_high"]
    assert _line(ax, "no effect").get_ydata()[0] == 0.0
    assert _line(ax, "minimum worthwhile effect").get_ydata()[0] == pytest.approx(0.3)
    # The date from which every interval up to the last stays on the last one's side of zero.
    sides = [1 if low > 0 else -1 if high < 0 else 0 for low, high in zip(frame["ci_low"], frame["ci_high"])]
    settled = [i for i in range(len(sides)) if sides[-1] != 0 and all(s == sides[-1] for s in sides[i:])]
    if not settled:
        assert not any(line.get_label().startswith("excludes zero") for line in ax.get_lines())
    else:
        first = frame["at"].iloc[settled[0]].date()
        assert _line(ax, "excludes zero").get_label() == f"excludes zero from {first:%Y-%m-%d}"


@pytest.mark.parametrize(
    ("lows", "highs", "expected"),
    [
        ([0.1, -0.1, 0.2, 0.3], [0.5, 0.4, 0.6, 0.7], 2),  # left zero, came back, left again: from the last time
        ([0.1, 0.2], [0.5, 0.6], 0),
        ([0.1, -0.1], [0.5, 0.4], None),  # back at zero at the end: no date
        ([-0.5, 0.1], [-0.1, 0.4], 1),  # below zero, then above: from where it stays above
        ([float("nan"), 0.1, 0.2], [float("nan"), 0.5, 0.6], 1),  # too little data at first
        ([], [], None),
    ],
)
def test_the_interval_excludes_zero_from_where_it_stays_clear(
    lows: list[float], highs: list[float], expected: int | None
) -> None:
    frame = pd.DataFrame({"ci_low": lows, "ci_high": highs}, dtype=float)
    assert plots._clear_of_zero_from(frame) == expected  # noqa: SLF001 - the rule itself


def test_cumulative_effect_of_a_guardrail_marks_the_acceptable_worsening(
    tracker: kokeilu.Tracker, measured: kokeilu.Experiment
) -> None:
    ax = plots.cumulative_effect(tracker, measured, metric="missed", freq="W")
    # Lower is better: a worsening goes up, by at most 0.02.
    assert _line(ax, "acceptable worsening").get_ydata()[0] == pytest.approx(0.02)
    assert len(_line(ax, "estimate").get_ydata()) == len(tracker.cumulative_effect(measured, metric="missed", freq="W"))
    assert "missed" in ax.get_title()
