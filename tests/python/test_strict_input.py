"""Strict input at the Python doors: what each converts, what it refuses, and how it names the
column and row at fault. The rules themselves are the core's (tests/cpp/test_input_rules.cpp);
here the conversions of numpy and pandas types are checked, since they must not guess either."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kokeilu

# Fixed dates in 2025: in the past whatever the clock says (the suites also run with it shifted).
START = datetime.date(2025, 1, 13)
AT = "2025-03-03T09:00:00Z"
AT_US = 1740992400_000_000


@pytest.fixture
def t() -> Iterator[kokeilu.Tracker]:
    with kokeilu.open(":memory:") as tracker:
        yield tracker


@pytest.fixture
def key(t: kokeilu.Tracker) -> str:
    e = t.create(
        title="Chat advice", organisation="Kuusamo", purposes=["vitality"],
        we_believe="a", to_verify="b", and_measure="c", right_if="d",
        arms={"control": "control", "chat": "treatment"},
        metrics=[
            {"name": "satisfaction", "kind": "mean", "minimum_effect": 0.3, "valid_min": 1.0, "valid_max": 5.0},
            {"name": "visits", "kind": "count", "role": "secondary", "minimum_effect": 1.0},
            {"name": "complete", "kind": "proportion", "role": "secondary", "minimum_effect": 0.05},
        ],
    )
    return t.start(e, on=START).key


def refused(call: Any, field: str, words: str = "") -> kokeilu.InvalidArgumentError:
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        call()
    assert caught.value.field == field, caught.value
    assert words in str(caught.value)
    return caught.value


def times_of(t: kokeilu.Tracker, key: str, metric: str = "") -> list[int]:
    return [int(x) for x in t.observation_arrays(key, metric=metric).at.view(np.int64)]


@pytest.mark.parametrize(
    ("at", "unit"),
    [
        ([1740992400], "s"),
        ([1740992400.0], "s"),
        ([1740992400_000], "ms"),
        ([AT_US], "us"),
        ([AT_US * 1000 + 999], "ns"),  # floored
        (np.array([1740992400], dtype=np.int32), "s"),
        (pd.Series([1740992400.0]), "s"),
        (1740992400, "s"),
    ],
)
def test_epoch_numbers_with_their_unit(t: kokeilu.Tracker, key: str, at: Any, unit: str) -> None:
    assert t.log_many(key, [3.0], arm="chat", at=at, at_unit=unit) == 1
    assert times_of(t, key) == [AT_US]


def test_epoch_numbers_without_a_unit_are_refused_everywhere(t: kokeilu.Tracker, key: str) -> None:
    refused(lambda: t.log(key, 3.0, arm="chat", at=1740992400), "at", 'at_unit="s"')
    refused(lambda: t.log(key, 3.0, arm="chat", at=1740992400.5), "at", "is a number, not a time")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=np.array([1740992400])), "at[0]", "at_unit")
    frame = pd.DataFrame({"value": [3.0], "arm": ["chat"], "when": [1740992400]})
    refused(lambda: t.log_frame(key, frame, at="when"), "when[0]", "at_unit")
    aggregates = pd.DataFrame({"n": [2], "sum": [6.0], "sum_sq": [20.0], "arm": ["chat"], "at": [1740992400]})
    refused(lambda: t.log_aggregates(key, aggregates), "at[0]", "at_unit")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=[1740992400], at_unit="days"), "at_unit", "unknown unit")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=[1e30], at_unit="s"), "at[0]", "1400-9999")
    assert t.count_observations(key) == 0


@pytest.mark.parametrize(
    "at",
    [
        np.array([AT_US], dtype="datetime64[us]"),
        np.array([AT_US * 1000], dtype="datetime64[ns]"),
        np.array([AT_US // 1_000_000], dtype="datetime64[s]"),
        np.array([AT_US // 60_000_000], dtype="datetime64[m]"),
        pd.Series(pd.to_datetime([AT])),  # tz-aware
        pd.Series(pd.to_datetime([AT])).dt.tz_convert("Europe/Helsinki"),
        pd.DatetimeIndex([AT]).tz_localize(None),
        [AT],
        ["2025-03-03T11:00:00+02:00"],
        [datetime.datetime(2025, 3, 3, 9, tzinfo=datetime.timezone.utc)],
        [pd.Timestamp(AT)],
        [np.datetime64("2025-03-03T09:00")],
        pd.Series([AT], dtype=object),
        pd.Series([AT], dtype="string"),
        AT,
    ],
    ids=lambda at: type(at).__name__ + "-" + str(getattr(at, "dtype", "")),
)
def test_times_of_every_type_are_kept_exactly(t: kokeilu.Tracker, key: str, at: Any) -> None:
    assert t.log_many(key, [3.0], arm="chat", at=at) == 1
    assert times_of(t, key) == [AT_US]


def test_text_times_are_iso_8601_only_whatever_carries_them(t: kokeilu.Tracker, key: str) -> None:
    # pandas' to_datetime read "2.3.2025" as 3 February; the core's parser reads no such thing.
    refused(lambda: t.log(key, 3.0, arm="chat", at="2.3.2025"), "at", "ISO 8601")
    refused(lambda: t.log_many(key, [3.0, 3.0], arm="chat", at=[AT, "2.3.2025"]), "at[1]", "ISO 8601")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=pd.Series(["03/02/2025"])), "at[0]", "ISO 8601")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=np.array(["2025-3-2"], dtype=object)), "at[0]")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=["20250302"]), "at[0]", "ISO 8601")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=[None]), "at[0]", "missing")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=[pd.NaT]), "at[0]", "missing")
    assert t.count_observations(key) == 0


def test_datetime64_outside_the_years_is_refused_not_wrapped(t: kokeilu.Tracker, key: str) -> None:
    for at in (
        np.array(["1399-12-31"], dtype="datetime64[D]"),
        np.array(["10000-01-01"], dtype="datetime64[D]"),
        np.array([300000], dtype="datetime64[Y]"),  # numpy's own astype wraps it to the year -282585
        np.array([2**62], dtype="datetime64[s]"),  # and this to 1970-01-01
    ):
        refused(lambda a=at: t.log_many(key, [3.0], arm="chat", at=a, backfill=True, allow_future=True),
                "at[0]", "1400-9999")
    refused(lambda: t.log(key, 3.0, arm="chat", at=np.datetime64("0001-01-01"), backfill=True), "at", "1400-9999")
    # The very ends are kept.
    ends = np.array(["1400-01-01T00:00:00", "9999-12-31T23:59:59.999999"], dtype="datetime64[us]")
    assert t.log_many(key, [3.0, 4.0], arm="chat", at=ends, backfill=True, allow_future=True) == 2
    assert t.log_many(key, [3.0], arm="chat", at=np.array(["9999-12"], dtype="datetime64[M]"),
                      allow_future=True) == 1


def test_the_future_is_refused_unless_asked_for_at_every_door(t: kokeilu.Tracker, key: str) -> None:
    future = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=3)).isoformat()
    soon = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=6)).isoformat()
    refused(lambda: t.log(key, 3.0, arm="chat", at=future), "at", "allow_future")
    refused(lambda: t.log_many(key, [3.0], arm="chat", at=future), "at", "in the future")
    refused(lambda: t.log_many(key, [3.0, 3.0], arm="chat", at=[soon, future]), "at[1]", "in the future")
    refused(lambda: t.log_frame(key, pd.DataFrame({"value": [3.0], "arm": ["chat"], "at": [future]})), "at[0]")
    refused(lambda: t.log_aggregate(key, n=2, sum=6.0, sum_sq=20.0, arm="chat", at=future), "at")
    assert t.count_observations(key) == 0
    t.log(key, 3.0, arm="chat", at=soon)
    t.log(key, 3.0, arm="chat", at=future, allow_future=True)
    t.log_many(key, [3.0], arm="chat", at=[future], allow_future=True)
    t.log_frame(key, pd.DataFrame({"value": [3.0], "arm": ["chat"], "at": [future]}), allow_future=True)
    t.log_aggregate(key, n=2, sum=6.0, sum_sq=20.0, arm="chat", at=future, allow_future=True)
    t.log_aggregates(key, pd.DataFrame({"n": [2], "sum": [6.0], "sum_sq": [20.0], "arm": ["chat"], "at": [future]}),
                     allow_future=True)
    assert t.count_observations(key) == 6


@pytest.mark.parametrize(
    "values",
    [
        np.array([1 + 2j]),
        np.array(["2025-03-01"], dtype="datetime64[D]"),
        np.array([3], dtype="timedelta64[s]"),
        np.array(["3"]),
        ["3", "4"],
        [3.0, "4"],
        pd.Series(["3"], dtype="string"),
        pd.Series(["3"], dtype=object),
        pd.Categorical([3.0]),
        [datetime.date(2025, 3, 3)],
    ],
    ids=lambda v: type(v).__name__ + "-" + str(getattr(v, "dtype", "")),
)
def test_values_must_be_bool_int_or_float(t: kokeilu.Tracker, key: str, values: Any) -> None:
    error = refused(lambda: t.log_many(key, values, arm="chat"), "value[1]" if len(values) == 2 and
                    isinstance(values[0], float) else "value[0]", "expected a number (bool, int or float)")
    assert "value" in str(error)
    assert t.count_observations(key) == 0


def test_values_of_numeric_types_are_kept(t: kokeilu.Tracker, key: str) -> None:
    t.log_many(key, np.array([True, False]), arm="chat", at=AT, metric="complete")
    t.log_many(key, np.array([3, 4], dtype=np.int8), arm="chat", at=AT)
    t.log_many(key, pd.array([2, 3], dtype="Int64"), arm="chat", at=AT)
    t.log_many(key, [np.float32(2.5), 4, True], arm="chat", at=AT)
    assert sorted(t.observation_arrays(key).value) == [1.0, 2.0, 2.5, 3.0, 3.0, 4.0, 4.0]
    refused(lambda: t.log_many(key, pd.array([2, None], dtype="Int64"), arm="chat", at=AT), "value[1]", "finite")
    refused(lambda: t.log(key, "3", arm="chat"), "value", "got str '3'")  # type: ignore[arg-type]
    refused(lambda: t.log(key, np.datetime64("2025-01-01"), arm="chat"), "value")  # type: ignore[arg-type]


def test_frames_are_named_by_their_own_columns(t: kokeilu.Tracker, key: str) -> None:
    frame = pd.DataFrame({"score": [3.0, 4.0, 9.0], "group": ["chat", "control", "chat"],
                          "when": [AT, AT, "2.3.2025"], "visits": [1.0, 1.0, 1.0]})
    refused(lambda: t.log_frame(key, frame, value="score", arm="group", at="when"), "when[2]", "ISO 8601")
    frame["when"] = AT
    refused(lambda: t.log_frame(key, frame, value="score", arm="group", at="when"), "score[2]",
            "outside the valid range of satisfaction (1 to 5), got 9")
    frame.loc[2, "score"] = 4.0
    frame.loc[1, "group"] = "phone"
    refused(lambda: t.log_frame(key, frame, value="score", arm="group", at="when"), "group[1]", "unknown arm")
    frame.loc[1, "group"] = "control"
    frame["hours"] = [1.0, -1.0, 1.0]
    refused(lambda: t.log_frame(key, frame, value="visits", arm="group", at="when", exposure="hours",
                                metric="visits"), "hours[1]", "above 0")
    assert t.count_observations(key) == 0
    assert t.log_frame(key, frame, value="score", arm="group", at="when") == 3


def test_aggregate_frames_name_their_columns(t: kokeilu.Tracker, key: str) -> None:
    frame = pd.DataFrame({"n": [4, 4], "sum": [12.0, 30.0], "sum_sq": [40.0, 230.0], "arm": ["chat", "chat"],
                          "at": [AT, AT]})
    refused(lambda: t.log_aggregates(key, frame), "sum[1]", "outside the valid range")  # a mean of 7.5
    frame["n"] = [4.0, 2.5]
    refused(lambda: t.log_aggregates(key, frame), "n[1]", "not a whole number")
    frame["n"] = np.array([4, 2**64 - 1], dtype=np.uint64)
    refused(lambda: t.log_aggregates(key, frame), "n[1]", "largest count")
    frame["n"] = [2**62, 2**62]
    frame["sum"] = [0.0, 0.0]
    frame["sum_sq"] = [0.0, 0.0]
    refused(lambda: t.log_aggregates(key, frame, metric="visits"), "sum_sq[0]", "not used for a count metric")
    refused(lambda: t.log_aggregates(key, frame.drop(columns="sum_sq"), metric="visits"), "n[1]", "largest count")
    refused(lambda: t.log_aggregate(key, n=0, sum=0.0, sum_sq=0.0, arm="chat"), "n", "at least 1")
    assert t.count_observations(key) == 0


def test_names_in_nfc_and_without_hidden_characters(t: kokeilu.Tracker, key: str) -> None:
    fields: dict[str, Any] = dict(title="x", organisation="Ii", purposes=["wellbeing"],
                                  metrics=[{"name": "score", "minimum_effect": 1.0}])
    refused(lambda: t.create(**fields, arms={"control": "control", "con\u200btrol": "treatment"}), "arms[1].name",
            "invisible")
    refused(lambda: t.create(**fields, arms={"caf\u00e9": "control", "cafe\u0301": "treatment"}), "arms[1].name",
            "already the name")
    e = t.create(**fields, arms={"cafe\u0301": "control", "tee": "treatment"}, tags=["a\u00a0b", "koti\u2003"])
    assert [a.name for a in e.arms] == ["caf\u00e9", "tee"]
    assert list(e.tags) == ["a b", "koti"]
    # A dict of changes finds the arm as the core does, whichever way the name is typed.
    amended = t.update(e, arms=[{"name": "cafe\u0301", "description": "as before"}, "tee"])
    assert [(a.name, a.description) for a in amended.arms] == [("caf\u00e9", "as before"), ("tee", "")]
    assert kokeilu.same_name("Cafe\u0301", "caf\u00e9")


def test_reasons_need_a_visible_character(t: kokeilu.Tracker, key: str) -> None:
    refused(lambda: t.note(key, "\u200b\u00a0"), "text", "is required")
    with pytest.raises(kokeilu.InvalidStateError, match="give a reason"):
        t.amend(key, "\u2060", right_if="stricter")
    refused(lambda: t.stop(key, "\u3000\u200b"), "reason", "invisible characters and spaces alone do not count")
    assert t.journal(key) == [] and t.get(key).status.name == "running"


def test_a_valid_range_is_part_of_the_metric(t: kokeilu.Tracker, key: str) -> None:
    m = t.get(key).metric("satisfaction")
    assert (m.valid_min, m.valid_max) == (1.0, 5.0)
    assert "valid_max=5.0" in repr(m)
    assert kokeilu.Metric("x", valid_min=0.0).valid_min == 0.0
    t.log_many(key, [1.0, 5.0], arm="chat", at=AT)
    refused(lambda: t.log(key, 5.5, arm="chat", at=AT), "value", "valid range")

    def with_max(high: float) -> list[kokeilu.Metric]:
        metrics = t.get(key).metrics
        metrics[0].valid_max = high
        return metrics

    with pytest.raises(kokeilu.InvalidStateError, match="give a reason"):
        t.update(key, metrics=with_max(7.0))
    refused(lambda: t.amend(key, "fewer steps", metrics=with_max(4.0)), "metrics[satisfaction].valid_max",
            "stored observation")
    amended = t.amend(key, "two more steps", metrics=with_max(7.0))
    assert amended.amendments[-1].field == "metrics[satisfaction].valid_max"
    assert "valid range" in amended._repr_html_() and "1–7" in amended._repr_html_()


def test_an_analysis_goes_on_past_a_metric_too_large_to_summarise(t: kokeilu.Tracker, key: str) -> None:
    t.log_many(key, [2.0, 3.0, 4.0] * 4, arm=["control", "chat", "chat"] * 4, at=AT)
    t.log_many(key, [1e308, 1e308, 2.0, 3.0], arm=["chat", "chat", "control", "control"], at=AT, metric="visits")
    analysis = t.analyze(key)
    status = dict(zip(analysis.comparisons["metric"], analysis.comparisons["status"], strict=True))
    assert status["visits"].startswith("values too large to summarise exactly: in arm chat")
    assert status["satisfaction"] == "ok"
    assert "values too large" in repr(analysis)
    assert analysis.summaries.shape[0] == 6
    summaries = t.summaries(key)
    assert summaries["visits"]["chat"].too_large
    assert summaries["visits"]["chat"].problem.startswith("values too large")
    assert not summaries["satisfaction"]["chat"].too_large and summaries["satisfaction"]["chat"].problem == ""
