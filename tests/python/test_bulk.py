"""Bulk logging: columns from numpy and pandas, one transaction, a million rows."""

from __future__ import annotations

import datetime
import importlib.util
import time

import numpy as np
import pandas as pd
import pytest

import kokeilu

START_US = 1_736_726_400_000_000  # 2025-01-13T00:00:00Z, the start of the fixture experiment


def test_a_million_rows_from_numpy_round_trip(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    rows = 1_000_000
    rng = np.random.default_rng(20260112)
    values = rng.normal(4.0, 0.8, rows)
    at = (START_US + np.sort(rng.integers(0, 150 * 86_400_000_000, rows))).view("datetime64[us]")
    arms = pd.Categorical.from_codes(rng.integers(0, 2, rows), categories=["control", "video"])

    began = time.perf_counter()
    assert tracker.log_many(running, values, arm=arms, at=at) == rows
    logged = time.perf_counter() - began
    assert tracker.count_observations(running) == rows

    began = time.perf_counter()
    back = tracker.observation_arrays(running)
    read = time.perf_counter() - began
    assert len(back) == rows
    # Times are sorted, so the stored order is the order given (ties keep insertion order).
    np.testing.assert_array_equal(back.at, at)
    np.testing.assert_array_equal(back.value, values)
    np.testing.assert_array_equal(back.arm_codes, arms.codes)
    assert back.arm_names == ["control", "video"]
    # Generous bounds: a Python loop over a million rows would take far longer than these.
    assert logged < 60 and read < 60, (logged, read)

    frame = back.to_frame()
    assert len(frame) == rows
    assert frame["arm"].value_counts().sum() == rows


def test_series_and_frame_inputs(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    frame = pd.DataFrame(
        {
            "answer": pd.Series([4, 5, 3, 2], dtype="Int64"),
            "group": ["video", "control", "video", "control"],
            "answered": pd.to_datetime(
                ["2025-02-02 18:00", "2025-02-02 19:00", "2025-02-03 18:00", "2025-02-03 19:00"]
            ).tz_localize("Europe/Helsinki"),
        }
    )
    assert tracker.log_frame(running, frame, value="answer", arm="group", at="answered") == 4
    back = tracker.observations(running)
    assert back["value"].tolist() == [4.0, 5.0, 3.0, 2.0]
    assert back["arm"].tolist() == ["video", "control", "video", "control"]
    # 18:00 in Helsinki in winter (UTC+2) is 16:00 UTC.
    assert back["at"].iloc[0] == pd.Timestamp("2025-02-02 16:00", tz="UTC")


def test_one_time_for_every_row_and_default_now(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    at = datetime.datetime(2025, 3, 2, 12, tzinfo=datetime.timezone.utc)
    tracker.log_many(running, [1.0, 2.0], arm="control", at=at)
    before = datetime.datetime.now(datetime.timezone.utc)
    tracker.log_many(running, [3.0], arm="video")
    after = datetime.datetime.now(datetime.timezone.utc)
    back = tracker.observations(running)
    assert back["at"].iloc[0] == back["at"].iloc[1] == pd.Timestamp(at)
    assert before - datetime.timedelta(seconds=1) <= back["at"].iloc[2].to_pydatetime() <= after


def test_one_bad_row_writes_nothing(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    values = np.full(10_000, 4.0)
    values[7_777] = np.inf
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.log_many(running, values, arm="control", at="2025-02-02")
    assert "7777" in caught.value.field
    assert tracker.count_observations(running) == 0


def test_unknown_arm_writes_nothing(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError, match="placebo"):
        tracker.log_many(running, [1.0, 2.0], arm=["control", "placebo"], at="2025-02-02")
    assert tracker.count_observations(running) == 0


def test_pre_aggregated_rows_from_a_frame(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    summary = pd.DataFrame(
        {
            "arm": ["control", "video"],
            "n": [40, 38],
            "sum": [164.0, 159.6],
            "sum_sq": [690.0, 683.0],
            "at": [pd.Timestamp("2025-03-01", tz="UTC")] * 2,
        }
    )
    assert tracker.log_aggregates(running, summary) == 2
    back = tracker.observations(running)
    assert back["n"].tolist() == [40, 38]
    assert back["sum"].tolist() == [164.0, 159.6]
    assert back["sum_sq"].tolist() == [690.0, 683.0]
    guardrail = pd.DataFrame({"arm": ["video"], "n": [38], "sum": [1.0], "at": ["2025-03-01"]})
    assert tracker.log_aggregates(running, guardrail, metric="missed_medication") == 1
    assert np.isnan(tracker.observations(running, metric="missed_medication")["sum_sq"].iloc[0])


def test_other_dtypes_and_layouts_are_converted(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    values = np.arange(20, dtype=np.int16).reshape(2, 10)[:, ::2].ravel()  # not contiguous before ravel
    strided = np.arange(40, dtype=np.float32)[::4]
    tracker.log_many(running, strided, arm="control", at="2025-02-02")
    tracker.log_many(running, values, arm="video", at="2025-02-03")
    back = tracker.observation_arrays(running)
    np.testing.assert_array_equal(back.value[:10], strided.astype(np.float64))
    np.testing.assert_array_equal(back.value[10:], values.astype(np.float64))


def test_threads_share_one_tracker(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    # Each call releases the GIL while the core writes; the tracker's lock keeps the threads from
    # using its SQLite connection at the same time.
    import threading

    errors: list[BaseException] = []

    def work(arm: str) -> None:
        try:
            for day in range(1, 6):
                tracker.log_many(running, np.full(2_000, float(day)), arm=arm, at=f"2025-02-{day:02d}")
                tracker.observation_arrays(running)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(arm,)) for arm in ("control", "video", "control", "video")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert tracker.count_observations(running) == 4 * 5 * 2_000


# pandas keeps its "str" dtype in Arrow when pyarrow is installed, else in Python objects; the
# frame's text columns are built differently for each, so both are read back.
STRING_STORAGES = [
    "python",
    pytest.param(
        "pyarrow",
        marks=pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow is not installed"),
    ),
]


def _log_mixed_rows(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    """Unit-level rows with and without subject and note, and a pre-aggregated row with a note."""
    tracker.log(running, 0.0, arm="control", at="2025-02-02T08:00")
    tracker.log(running, 4.0, arm="video", at="2025-02-02T09:00", subject="asiakas-17")
    tracker.log_aggregate(running, n=3, sum=12.0, sum_sq=50.0, arm="video", at="2025-02-02T10:00", note="kysely")
    tracker.log(
        running, 5.0, arm="control", at="2025-02-02T11:00", subject="asiakas-9", note="Hyvä yhteys, ääni kuului."
    )
    tracker.log(running, 3.0, arm="video", at="2025-02-02T12:00")


MIXED_SUBJECTS = ["", "asiakas-17", "", "asiakas-9", ""]
MIXED_NOTES = ["", "", "kysely", "Hyvä yhteys, ääni kuului.", ""]


def test_subject_and_note_read_back_as_arrays(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    _log_mixed_rows(tracker, running)
    back = tracker.observation_arrays(running)
    assert back.subject.dtype == object and back.note.dtype == object
    assert back.subject.tolist() == MIXED_SUBJECTS
    assert back.note.tolist() == MIXED_NOTES
    assert back.value[0] == 0.0 and np.isnan(back.value[2])
    assert back.n.tolist() == [0, 0, 3, 0, 0]
    # Rows of a filtered read are numbered afresh.
    control = tracker.observation_arrays(running, arms="control")
    assert control.subject.tolist() == ["", "asiakas-9"]
    assert control.note.tolist() == ["", "Hyvä yhteys, ääni kuului."]


@pytest.mark.parametrize("storage", STRING_STORAGES)
def test_subject_and_note_read_back_in_the_frame(
    tracker: kokeilu.Tracker, running: kokeilu.Experiment, storage: str
) -> None:
    _log_mixed_rows(tracker, running)
    with pd.option_context("mode.string_storage", storage):
        frame = tracker.observations(running)
        by_arrays = tracker.observation_arrays(running).to_frame()
        expected_dtype = pd.Series(["x"], dtype="str").dtype
    assert frame["subject"].tolist() == MIXED_SUBJECTS
    assert frame["note"].tolist() == MIXED_NOTES
    assert frame["subject"].dtype == expected_dtype and frame["note"].dtype == expected_dtype
    # The frame made straight from the core's columns is the one the arrays make.
    pd.testing.assert_frame_equal(frame, by_arrays)
    assert frame["n"].tolist() == [0, 0, 3, 0, 0]
    assert frame["sum"].iloc[2] == 12.0 and np.isnan(frame["value"].iloc[2])


@pytest.mark.parametrize("storage", STRING_STORAGES)
def test_rows_without_any_text_and_an_empty_read(
    tracker: kokeilu.Tracker, running: kokeilu.Experiment, storage: str
) -> None:
    with pd.option_context("mode.string_storage", storage):
        empty = tracker.observations(running)
        empty_by_arrays = tracker.observation_arrays(running).to_frame()
        tracker.log_many(running, np.arange(1000, dtype=float), arm="control", at="2025-02-02")
        plain = tracker.observations(running)
    assert len(empty) == 0
    assert list(empty.columns) == ["id", "at", "arm", "value", "n", "sum", "sum_sq", "exposure", "subject", "note"]
    pd.testing.assert_frame_equal(empty, empty_by_arrays)
    assert len(plain) == 1000
    assert (plain["subject"] == "").all() and (plain["note"] == "").all()
    arrays = tracker.observation_arrays(running, since="2025-03-02")
    assert len(arrays) == 0 and arrays.subject.dtype == object and len(arrays.note) == 0
