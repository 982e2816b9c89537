"""Portfolio insights, checked against numbers worked out by hand on a small tracker.

The portfolio (six experiments; impact is that of the primary metric, days from start to decision):

| key | organisation | unit | purposes | impact | status | verdict, decision | start, decided (2025) | days | EUR | h |
|---|---|---|---|---|---|---|---|---|---|---|
| A | Oulu | home care | wellbeing | customer | concluded | supported, scale_up | 01-01, 03-02 | 60 | 1000 | 10 |
| B | Oulu | library | wellbeing, vitality | customer | concluded | refuted, stop | 02-01, 05-01 | 89 | 3000 | 30 |
| C | Kajaani | library | vitality | activity | concluded | inconclusive, adapt | 03-01, 03-31 | 30 | 500 p | 5 |
| D | Kajaani | home care | wellbeing | customer | running | | 04-01 | | 2000 p | |
| E | Ii | youth | democracy | customer | draft | | | | | |
| F | Ii | youth | democracy | customer | stopped | | 02-03 | | 700 | |

Costs marked p are planned (no actual cost recorded). Decisions fall in March (A, C) and May 2025
(B): a span of three months.
"""

from __future__ import annotations

import datetime
import math
from typing import Any

import pandas as pd
import pytest

import kokeilu
from kokeilu import portfolio

D = datetime.date


def _fields(
    title: str, organisation: str, unit: str, purposes: list[str], *, activity: bool = False, **extra: Any
) -> dict[str, Any]:
    return {
        "title": title,
        "organisation": organisation,
        "unit": unit,
        "owner": "Testi Henkilö",
        "we_believe": "that the change helps",
        "to_verify": "we will try it",
        "and_measure": "the outcome",
        "right_if": "it improves by 0.3",
        "purposes": purposes,
        "design": "concurrent",
        "arms": {"control": "control", "treatment": "treatment"},
        "metrics": [
            {
                "name": "outcome",
                "kind": "mean",
                "minimum_effect": 0.3,
                "impact": "activity_output" if activity else "customer_outcome",
            }
        ],
        **extra,
    }


def _conclude(
    t: kokeilu.Tracker, e: kokeilu.Experiment, start: datetime.date, decided: datetime.date, verdict: str, decision: str
) -> None:
    t.start(e, on=start)
    t.conclude(e, verdict, decision=decision, decided_on=decided, we_learned="something")


@pytest.fixture
def small() -> Any:
    with kokeilu.open(":memory:") as t:
        a = t.create(
            key="A",
            **_fields(
                "A",
                "Oulu",
                "home care",
                ["wellbeing"],
                actual_cost_eur=1000.0,
                actual_effort_hours=10.0,
                planned_cost_eur=9999.0,
            ),
        )
        _conclude(t, a, D(2025, 1, 1), D(2025, 3, 2), "supported", "scale_up")
        b = t.create(
            key="B",
            **_fields(
                "B", "Oulu", "library", ["wellbeing", "vitality"], actual_cost_eur=3000.0, actual_effort_hours=30.0
            ),
        )
        _conclude(t, b, D(2025, 2, 1), D(2025, 5, 1), "refuted", "stop")
        c = t.create(
            key="C",
            **_fields(
                "C", "Kajaani", "library", ["vitality"], activity=True, planned_cost_eur=500.0, actual_effort_hours=5.0
            ),
        )
        _conclude(t, c, D(2025, 3, 1), D(2025, 3, 31), "inconclusive", "adapt")
        d = t.create(key="D", **_fields("D", "Kajaani", "home care", ["wellbeing"], planned_cost_eur=2000.0))
        t.start(d, on=D(2025, 4, 1))
        t.create(key="E", **_fields("E", "Ii", "youth", ["democracy"]))
        f = t.create(key="F", **_fields("F", "Ii", "youth", ["democracy"], actual_cost_eur=700.0))
        t.start(f, on=D(2025, 2, 3))
        t.stop(f, "the partner withdrew", on=D(2025, 2, 20))
        yield t


def test_table_has_one_row_per_experiment_with_costs_and_days(small: kokeilu.Tracker) -> None:
    table = portfolio.experiments_table(small).set_index("key")
    assert list(table.index) == ["A", "B", "C", "D", "E", "F"]
    assert table.loc["A", "days_to_decision"] == 60
    assert table.loc["B", "days_to_decision"] == 89
    assert table.loc["C", "days_to_decision"] == 30
    assert math.isnan(table.loc["D", "days_to_decision"])
    # Actual cost wins over planned; planned is used (and flagged) only when no actual is known.
    assert table.loc["A", "cost_eur"] == 1000.0 and not table.loc["A", "cost_is_planned"]
    assert table.loc["C", "cost_eur"] == 500.0 and table.loc["C", "cost_is_planned"]
    assert math.isnan(table.loc["E", "cost_eur"])
    assert table.loc["B", "purpose"] == ["wellbeing", "vitality"]
    assert list(table["customer_outcome"]) == [True, True, False, True, True, True]
    assert table.loc["C", "primary_impact"] == "activity_output"
    assert table.loc["B", "decided_on"] == pd.Timestamp("2025-05-01")


def test_overall_insights(small: kokeilu.Tracker) -> None:
    row = portfolio.insights(small).loc["all"]
    assert row["experiments"] == 6
    assert (row["draft"], row["running"], row["stopped"], row["concluded"]) == (1, 1, 1, 3)
    assert (row["supported"], row["refuted"], row["inconclusive"]) == (1, 1, 1)
    assert row["win_rate"] == pytest.approx(1 / 3)
    assert row["decisions_per_month"] == pytest.approx(3 / 3)
    assert row["median_days_to_decision"] == 60
    assert row["cost_eur"] == pytest.approx(1000 + 3000 + 500 + 2000 + 700)
    assert row["cost_per_learning"] == pytest.approx((1000 + 3000 + 500) / 3)
    assert row["cost_per_supported"] == pytest.approx(4500.0)
    assert row["effort_per_learning"] == pytest.approx((10 + 30 + 5) / 3)
    assert row["effort_per_supported"] == pytest.approx(45.0)
    assert row["customer_outcome_share"] == pytest.approx(5 / 6)
    assert tuple(portfolio.insights(small).columns) == portfolio.INSIGHT_COLUMNS


def test_insights_by_organisation(small: kokeilu.Tracker) -> None:
    table = portfolio.insights(small, by="organisation")
    assert list(table.index) == ["Ii", "Kajaani", "Oulu"]
    oulu, kajaani, ii = table.loc["Oulu"], table.loc["Kajaani"], table.loc["Ii"]
    assert oulu["win_rate"] == pytest.approx(0.5)
    assert oulu["decisions_per_month"] == pytest.approx(2 / 3)
    assert oulu["median_days_to_decision"] == pytest.approx((60 + 89) / 2)
    assert oulu["cost_per_learning"] == pytest.approx(2000.0)
    assert oulu["cost_per_supported"] == pytest.approx(4000.0)
    assert oulu["effort_per_supported"] == pytest.approx(40.0)
    assert oulu["customer_outcome_share"] == 1.0
    assert kajaani["win_rate"] == 0.0
    assert kajaani["decisions_per_month"] == pytest.approx(1 / 3)
    assert kajaani["cost_per_learning"] == pytest.approx(500.0)
    assert math.isnan(kajaani["cost_per_supported"])
    assert kajaani["customer_outcome_share"] == pytest.approx(0.5)
    assert kajaani["cost_eur"] == pytest.approx(2500.0)
    # Nothing concluded in Ii: no win rate, no time to decision, nothing per learning.
    assert ii["concluded"] == 0 and ii["draft"] == 1 and ii["stopped"] == 1
    assert math.isnan(ii["win_rate"]) and math.isnan(ii["median_days_to_decision"])
    assert math.isnan(ii["cost_per_learning"])
    assert ii["decisions_per_month"] == 0.0
    assert ii["cost_eur"] == pytest.approx(700.0)


def test_insights_by_purpose_count_an_experiment_in_each_of_its_purposes(small: kokeilu.Tracker) -> None:
    table = portfolio.insights(small, by="purpose")
    assert set(table.index) == {"wellbeing", "vitality", "democracy"}
    assert table.loc["wellbeing", "experiments"] == 3  # A, B, D
    assert table.loc["vitality", "experiments"] == 2  # B, C
    assert table.loc["wellbeing", "win_rate"] == pytest.approx(0.5)
    assert table.loc["vitality", "win_rate"] == 0.0
    assert table.loc["vitality", "cost_per_learning"] == pytest.approx((3000 + 500) / 2)
    assert table.loc["vitality", "median_days_to_decision"] == pytest.approx((89 + 30) / 2)
    assert table.loc["democracy", "experiments"] == 2


def test_insights_by_unit_and_by_two_groupings(small: kokeilu.Tracker) -> None:
    by_unit = portfolio.insights(small, by="unit")
    assert by_unit.loc["library", "experiments"] == 2
    assert by_unit.loc["library", "win_rate"] == 0.0
    assert by_unit.loc["home care", "win_rate"] == 1.0
    both = portfolio.insights(small, by=["organisation", "unit"])
    assert both.index.names == ["organisation", "unit"]
    assert both.loc[("Oulu", "library"), "refuted"] == 1
    assert both.loc[("Kajaani", "home care"), "running"] == 1
    assert len(both) == 5


def test_summary_adds_the_whole_portfolio(small: kokeilu.Tracker) -> None:
    table = portfolio.summary(small)
    assert list(table.index) == ["Ii", "Kajaani", "Oulu", "all"]
    pd.testing.assert_series_equal(table.loc["all"], portfolio.insights(small).loc["all"], check_names=False)
    # By purpose the groups overlap, but the "all" row counts each experiment once.
    assert portfolio.summary(small, by="purpose").loc["all", "experiments"] == 6


def test_decisions_per_month(small: kokeilu.Tracker) -> None:
    months = portfolio.decisions_per_month(small)
    assert [str(m) for m in months.index] == ["2025-03", "2025-04", "2025-05"]
    assert months.loc[pd.Period("2025-03", "M")].to_dict() == {"scale_up": 1, "adapt": 1, "stop": 0, "total": 2}
    assert months["total"].tolist() == [2, 0, 1]
    assert months.loc[pd.Period("2025-05", "M"), "stop"] == 1
    by_org = portfolio.decisions_per_month(small, by="organisation")
    assert by_org.loc[("Oulu", pd.Period("2025-05", "M")), "stop"] == 1
    assert by_org.loc[("Kajaani", pd.Period("2025-04", "M")), "total"] == 0
    assert by_org["total"].sum() == 3


def test_status_and_verdict_counts(small: kokeilu.Tracker) -> None:
    statuses = portfolio.status_counts(small)
    assert list(statuses.columns) == ["draft", "running", "stopped", "concluded"]
    assert statuses.loc["Ii"].tolist() == [1, 0, 1, 0]
    assert statuses.loc["Oulu"].tolist() == [0, 0, 0, 2]
    verdicts = portfolio.verdict_counts(small, "purpose")
    assert verdicts.loc["vitality"].tolist() == [0, 1, 1]
    assert "democracy" not in verdicts.index


def test_sources_a_list_of_experiments_and_a_table_give_the_same(small: kokeilu.Tracker) -> None:
    from_tracker = portfolio.insights(small, by="organisation")
    from_list = portfolio.insights(small.experiments(), by="organisation")
    from_table = portfolio.insights(portfolio.experiments_table(small), by="organisation")
    pd.testing.assert_frame_equal(from_tracker, from_list)
    pd.testing.assert_frame_equal(from_tracker, from_table)


def test_empty_portfolio() -> None:
    with kokeilu.open(":memory:") as t:
        row = portfolio.insights(t)
        assert row.empty
        assert portfolio.decisions_per_month(t).empty
        assert portfolio.verdict_counts(t).empty


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValueError, match="by: unknown grouping 'municipality'"):
        portfolio.insights([], by="municipality")
    with pytest.raises(ValueError, match="lacks the columns"):
        portfolio.insights(pd.DataFrame({"key": ["A"]}))
    with pytest.raises(TypeError, match=r"source\[0\]"):
        portfolio.insights(["A"])  # type: ignore[list-item]
