"""The whole life of an experiment from Python: create, find, list, start, log, amend, conclude."""

from __future__ import annotations

import datetime
import pathlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kokeilu

FieldsFactory = Callable[..., dict[str, Any]]

UTC = datetime.timezone.utc


def test_create_from_keywords_fills_identity_and_keeps_fields(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e = tracker.create(**home_care_fields())
    assert e.key.startswith("OULU-")
    assert len(e.uuid) == 36
    assert e.status is kokeilu.Status.draft
    assert e.design is kokeilu.DesignKind.concurrent
    assert e.purposes == [kokeilu.Purpose.wellbeing]
    assert e.tags == ["digital", "home care"]
    assert [(a.name, a.role) for a in e.arms] == [("control", kokeilu.ArmRole.control),
                                                   ("video", kokeilu.ArmRole.treatment)]
    assert all(a.id > 0 for a in e.arms) and all(m.id > 0 for m in e.metrics)
    assert e.primary_metric.name == "sense_of_security"
    guardrail = e.metric("missed_medication")
    assert guardrail.kind is kokeilu.MetricKind.proportion
    assert guardrail.role is kokeilu.MetricRole.guardrail
    assert guardrail.direction is kokeilu.Direction.lower_is_better
    assert e.test_card.right_if == "the sense of security does not fall by more than 0.3 points"
    assert e.planned_start == datetime.date(2025, 1, 13)
    assert e.planned_cost_eur == 12000.0
    assert e.created_at.tzinfo is UTC
    assert e.revision == 1


def test_get_by_key_any_case_and_by_uuid(tracker: kokeilu.Tracker, draft: kokeilu.Experiment) -> None:
    assert tracker.get(draft.key).uuid == draft.uuid
    assert tracker.get(draft.key.lower()).key == draft.key
    assert tracker.get(draft.uuid).key == draft.key
    assert tracker.get(draft).key == draft.key


def test_reprs_are_informative(tracker: kokeilu.Tracker, draft: kokeilu.Experiment) -> None:
    assert repr(draft) == f"<Experiment {draft.key} 'Remote video visits in the evening' draft, Oulu / home care>"
    assert repr(draft.arms[1]) == "Arm(name='video', role='treatment')"
    assert "minimum_effect=0.3" in repr(draft.primary_metric)
    assert repr(tracker) == "<kokeilu.Tracker ':memory:' open>"
    assert repr(kokeilu.Aggregate(3, 6.0, 14.0)) == "Aggregate(n=3, sum=6.0, sum_sq=14.0)"


def test_list_as_objects_and_frame_with_filters(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    oulu = tracker.create(**home_care_fields())
    kajaani = tracker.create(
        **home_care_fields(
            title="Self-service opening hours", organisation="Kajaani", unit="library",
            purposes=["vitality", "democracy"], tags="library",
            planned_start="2025-03-02", planned_end="2025-06-01",
        )
    )
    tracker.start(kajaani, on="2025-03-03")
    assert [e.key for e in tracker.experiments()] == sorted([oulu.key, kajaani.key])
    assert [e.key for e in tracker.experiments(organisation="kajaani")] == [kajaani.key]
    assert [e.key for e in tracker.experiments(status="running")] == [kajaani.key]
    assert [e.key for e in tracker.experiments(status=kokeilu.Status.draft)] == [oulu.key]
    assert [e.key for e in tracker.experiments(purpose="democracy")] == [kajaani.key]
    assert [e.key for e in tracker.experiments(tag="library")] == [kajaani.key]
    assert [e.key for e in tracker.experiments(text="SELF-SERVICE")] == [kajaani.key]
    assert tracker.experiments(since="2025-07-02") == []

    frame = tracker.experiments_frame()
    assert list(frame["key"]) == sorted([oulu.key, kajaani.key])
    row = frame.set_index("key").loc[kajaani.key]
    assert row["status"] == "running"
    assert row["purposes"] == "vitality, democracy"  # in the order of the enumeration
    assert row["actual_start"] == pd.Timestamp("2025-03-03")
    assert row["primary_metric"] == "sense_of_security"
    assert isinstance(frame["status"].dtype, pd.CategoricalDtype)
    assert str(frame["created_at"].dtype) == "datetime64[us, UTC]"
    empty = tracker.experiments_frame(organisation="Ii")
    assert empty.empty and list(empty.columns) == list(frame.columns)


def test_full_lifecycle(tracker: kokeilu.Tracker, draft: kokeilu.Experiment) -> None:
    edited = tracker.update(draft, summary="Evening visits 18-22", planned_cost_eur=11000.0)
    assert edited.summary == "Evening visits 18-22" and edited.amendments == []

    running = tracker.start(draft, on=datetime.date(2025, 1, 13))
    assert running.status is kokeilu.Status.running
    assert running.actual_start == datetime.date(2025, 1, 13)
    assert running.is_locked and running.lock_hash

    t0 = datetime.datetime(2025, 1, 14, 18, 30, tzinfo=UTC)
    tracker.log(running, 4.0, arm="control", at=t0, subject="client-17", note="first answer")
    tracker.log(running, 1.0, arm="video", metric="missed_medication", at=t0)
    tracker.log_aggregate(running, n=20, sum=84.0, sum_sq=360.0, arm="video", at=t0 + datetime.timedelta(days=7))
    written = tracker.log_many(
        running,
        np.array([4.0, 5.0, 3.0]),
        arm=["video", "control", "video"],
        at=pd.date_range("2025-01-15 18:00", periods=3, freq="D", tz="Europe/Helsinki"),
    )
    assert written == 3
    assert tracker.count_observations(running) == 6

    frame = tracker.observations(running)
    assert list(frame.columns) == ["id", "at", "arm", "value", "n", "sum", "sum_sq", "exposure", "subject", "note"]
    assert len(frame) == 5
    assert str(frame["at"].dtype) == "datetime64[us, UTC]"
    assert list(frame["arm"].cat.categories) == ["control", "video"]
    assert frame["at"].is_monotonic_increasing
    first = frame.iloc[0]
    assert (first["arm"], first["value"], first["subject"], first["note"]) == ("control", 4.0, "client-17", "first answer")
    aggregated = frame[frame["n"] > 0].iloc[0]
    assert (aggregated["n"], aggregated["sum"], aggregated["sum_sq"]) == (20, 84.0, 360.0)
    assert np.isnan(aggregated["value"])
    guardrail = tracker.observations(running, metric="missed_medication")
    assert list(guardrail["value"]) == [1.0]

    video_only = tracker.observation_arrays(running, arms="video")
    assert set(video_only.arm) == {"video"}
    # Rows on Jan 15 and 16 (16:00 UTC) and the aggregate of Jan 20; Jan 14 16:00 UTC is before.
    assert len(tracker.observations(running, since=t0 + datetime.timedelta(days=1))) == 3

    amended = tracker.amend(running, "the survey changed to a 1-7 scale", author="Aino",
                            metrics=[{"name": "sense_of_security", "unit": "points (1-7)"},
                                     running.metric("missed_medication")])
    assert amended.amended_after_start
    assert amended.amendments and any(a.field.endswith("unit") for a in amended.amendments)
    assert all(a.reason == "the survey changed to a 1-7 scale" for a in amended.amendments)
    # The metric kept its identity, so its observations are still there.
    assert amended.primary_metric.id == running.primary_metric.id
    assert tracker.count_observations(running) == 6

    entry = tracker.note(running, "Two clients asked to return to visits.", author="Aino")
    assert entry.text == "Two clients asked to return to visits." and entry.at.tzinfo is UTC
    assert [j.text for j in tracker.journal(running)][-1] == entry.text

    concluded = tracker.conclude(
        running, "supported", decision="scale_up",
        we_believed="video visits keep clients safe", we_observed="no fall in security",
        we_learned="clients adapt in weeks", therefore="offer video visits in all districts",
        decided_on=datetime.date(2025, 7, 2),
    )
    assert concluded.status is kokeilu.Status.concluded
    assert concluded.outcome is not None
    assert concluded.outcome.verdict is kokeilu.Verdict.supported
    assert concluded.outcome.decision is kokeilu.Decision.scale_up
    assert concluded.outcome.learning.therefore == "offer video visits in all districts"
    assert concluded.outcome.decided_on == datetime.date(2025, 7, 2)
    assert tracker.experiments_frame().iloc[0]["verdict"] == "supported"


def test_stop_with_reason_goes_to_journal(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    stopped = tracker.stop(running, "the video service provider went bankrupt", on="2025-02-02")
    assert stopped.status is kokeilu.Status.stopped
    assert stopped.stop_reason == "the video service provider went bankrupt"
    assert stopped.actual_end == datetime.date(2025, 2, 2)
    assert any("bankrupt" in j.text for j in tracker.journal(stopped))


def test_backfill_before_period(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    e = tracker.create(**home_care_fields(design="before_after", arms=[("before", "before"), ("after", "after")]))
    tracker.start(e, on="2025-03-02")
    with pytest.raises(kokeilu.InvalidArgumentError):
        tracker.log(e, 4.0, arm="before", at="2025-02-02T12:00")
    tracker.log(e, 4.0, arm="before", at="2025-02-02T12:00", backfill=True)
    assert tracker.observations(e)["arm"].tolist() == ["before"]


def test_context_manager_closes_and_file_persists(tmp_path: pathlib.Path, home_care_fields: FieldsFactory) -> None:
    path = tmp_path / "kokeilut.db"
    with kokeilu.open(path) as tracker:
        key = tracker.create(**home_care_fields()).key
    assert tracker.closed
    with pytest.raises(kokeilu.InvalidStateError):
        tracker.get(key)
    with kokeilu.open(str(path), read_only=True) as again:
        assert again.get(key).title == "Remote video visits in the evening"


def test_default_path_is_the_commands_file(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with kokeilu.open() as tracker:
        assert tracker.path == kokeilu.DEFAULT_PATH == "kokeilut.db"
    assert (tmp_path / "kokeilut.db").exists()


def test_experiment_values_copy_and_compare(draft: kokeilu.Experiment) -> None:
    import copy

    metric = copy.deepcopy(draft.primary_metric)
    assert metric == draft.primary_metric
    metric.minimum_effect = 0.5
    assert metric != draft.primary_metric
    assert copy.copy(draft).key == draft.key


def test_enum_names_are_accepted_wherever_enums_are(tracker: kokeilu.Tracker) -> None:
    m = kokeilu.Metric("x", kind="count", direction="lower_is_better", effect_scale="relative", minimum_effect=0.1)
    assert (m.kind, m.direction, m.effect_scale) == (
        kokeilu.MetricKind.count, kokeilu.Direction.lower_is_better, kokeilu.EffectScale.relative)
    m.role = "secondary"
    assert m.role is kokeilu.MetricRole.secondary
    assert kokeilu.Outcome(verdict="refuted", decision="stop").verdict is kokeilu.Verdict.refuted
