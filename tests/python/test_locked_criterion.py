"""The locked criterion from Python: the verdict against the criterion as locked, the exploratory
judgement against an amended one, the stored data that an amendment must fit, the periods of a
before/after design at every door, and an experiment started before its Test Card was locked."""

from __future__ import annotations

import datetime
from typing import Any

import numpy as np
import pandas as pd
import pytest

import kokeilu
from kokeilu.display import experiment_html

START = datetime.date(2025, 3, 3)


def _with_a_rise(tracker: kokeilu.Tracker, fields: dict[str, Any]) -> kokeilu.Experiment:
    """Started on 2025-03-03 (dated back); the video arm's sense of security about 1.2 higher."""
    e = tracker.create(**fields)
    tracker.start(e, on=START)
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.normal(3.0, 0.6, 60), rng.normal(4.2, 0.6, 60)])
    at = np.datetime64("2025-03-04T09:00") + np.arange(120) * np.timedelta64(2, "h")
    tracker.log_many(e, values, arm=["control"] * 60 + ["video"] * 60, at=at)
    return tracker.get(e)


@pytest.fixture
def rising(tracker: kokeilu.Tracker, home_care_fields: Any) -> kokeilu.Experiment:
    return _with_a_rise(tracker, home_care_fields())


def test_the_snapshot_is_kept_and_readable(
    tracker: kokeilu.Tracker, rising: kokeilu.Experiment, draft: kokeilu.Experiment
) -> None:
    locked = rising.locked
    assert locked is not None
    assert locked.primary_metric.name == "sense_of_security"
    assert locked.design == kokeilu.DesignKind.concurrent
    assert [a.name for a in locked.arms] == ["control", "video"]
    assert locked.test_card == rising.test_card
    assert rising.criterion_changes == []
    assert draft.locked is None


def test_an_amended_direction_gives_two_judgements(tracker: kokeilu.Tracker, rising: kokeilu.Experiment) -> None:
    # The case seen: direction and minimum effect amended after the start.
    tracker.amend(
        rising,
        "the survey was turned around",
        metrics=[{"name": "sense_of_security", "direction": "lower_is_better", "minimum_effect": 0.1}],
    )
    analysis = tracker.analyze(rising)
    locked, amended = analysis.verdict, analysis.amended_verdict
    assert (locked.verdict, locked.criterion, locked.exploratory) == ("supported", "locked", False)
    assert "rose by" in locked.sentence_en and "(higher is better;" in locked.sentence_en
    assert "got worse" not in locked.sentence_en
    assert amended is not None
    assert (amended.verdict, amended.criterion, amended.exploratory) == ("refuted", "amended", True)
    assert amended.sentence_en.startswith("Exploratory, against the amended criterion")
    assert "got worse, it rose by" in amended.sentence_en and "(lower is better;" in amended.sentence_en
    assert [(c.field, c.locked_value, c.amended_value) for c in analysis.criterion_changes] == [
        ("metrics[sense_of_security].direction", "higher_is_better", "lower_is_better"),
        ("metrics[sense_of_security].minimum_effect", "0.3", "0.1"),
    ]
    assert analysis.amended_comparisons is not None
    assert list(analysis.amended_comparisons.columns) == list(analysis.comparisons.columns)
    # The locked comparison is the one the verdict is based on.
    assert analysis.primary["metric"] == "sense_of_security"
    # Shown, labelled, in the notebook display and the repr.
    page = analysis._repr_html_()
    assert "(against the criterion locked at start)" in page
    assert "Exploratory: against the amended criterion" in page
    assert "metrics[sense_of_security].direction" in page
    assert "amended criterion (exploratory): refuted" in repr(analysis)
    # The experiment's own display names the criterion change.
    assert "The success criterion itself was amended" in experiment_html(tracker.get(rising))


def test_an_amendment_of_words_only_keeps_one_judgement(tracker: kokeilu.Tracker, rising: kokeilu.Experiment) -> None:
    tracker.amend(rising, "clearer words", right_if="the sense of security rises", arms={"control": "control",
                                                                                        "video": "treatment"})
    analysis = tracker.analyze(rising)
    assert analysis.amended_verdict is None and analysis.amended_comparisons is None
    assert analysis.criterion_changes == []


def test_conclude_records_the_chosen_judgement(tracker: kokeilu.Tracker, rising: kokeilu.Experiment) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as error:
        tracker.conclude(rising, "supported", decision="scale_up", amended_verdict="refuted")
    assert error.value.field == "outcome.amended_verdict"
    tracker.amend(rising, "turned", metrics=[{"name": "sense_of_security", "direction": "lower_is_better"}])
    e = tracker.conclude(
        rising, "supported", decision="adapt", amended_verdict="refuted", judged_against="amended",
        we_observed="it rose", we_learned="the scale was turned", therefore="we check the survey first",
    )
    outcome = e.outcome
    assert outcome is not None
    assert (outcome.verdict.name, outcome.amended_verdict, outcome.judged_against.name) == (
        "supported", kokeilu.Verdict.refuted, "amended")
    assert outcome.chosen_verdict == kokeilu.Verdict.refuted
    frame = tracker.experiments_frame()
    row = frame.loc[frame["key"] == e.key].iloc[0]
    assert (row["verdict"], row["amended_verdict"], row["judged_against"]) == ("supported", "refuted", "amended")
    page = experiment_html(e)
    assert "against the amended criterion (exploratory)" in page
    assert "the team chose: <strong>the amended criterion (exploratory)</strong>" in page


def test_a_kind_the_values_contradict_is_refused(tracker: kokeilu.Tracker, rising: kokeilu.Experiment) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as error:
        tracker.amend(rising, "a share", metrics=[{"name": "sense_of_security", "kind": "proportion",
                                                  "minimum_effect": 0.1, "baseline": 0.5}])
    assert error.value.field == "metrics[sense_of_security].kind"
    assert "120 observations do not fit it (ids 1, 2, 3, 4, 5 and 115 more" in str(error.value)
    assert tracker.get(rising).primary_metric.kind == kokeilu.MetricKind.mean
    tracker.analyze(rising)  # every analysis still works


def test_each_value_stays_in_its_period_at_every_door(tracker: kokeilu.Tracker, home_care_fields: Any) -> None:
    e = tracker.create(**home_care_fields(design="before_after", arms={"before": "before", "after": "after"}))
    tracker.start(e, on=START)
    late = datetime.datetime(2025, 3, 10, 9)
    early = datetime.datetime(2025, 2, 20, 9)
    doors = {
        "log": lambda: tracker.log(e, 3.0, arm="before", at=late, backfill=True),
        "log_many": lambda: tracker.log_many(e, [3.0, 4.0], arm=["before", "after"], at=[early, early],
                                             backfill=True),
        "log_frame": lambda: tracker.log_frame(
            e, pd.DataFrame({"value": [3.0, 3.5], "arm": ["before", "before"], "at": [early, late]}), backfill=True),
        "log_aggregates": lambda: tracker.log_aggregates(
            e, pd.DataFrame({"n": [4], "sum": [12.0], "sum_sq": [40.0], "arm": ["after"], "at": [early]}),
            backfill=True),
    }
    fields = {"log": "at", "log_many": "at[1]", "log_frame": "at[1]", "log_aggregates": "at[0]"}
    for door, call in doors.items():
        with pytest.raises(kokeilu.InvalidArgumentError) as error:
            call()
        assert error.value.field == fields[door], door
        assert "is the period" in str(error.value), door
    assert tracker.count_observations(e) == 0
    tracker.log(e, 3.0, arm="before", at=early, backfill=True)
    tracker.log(e, 4.0, arm="after", at=late)
    assert tracker.count_observations(e) == 2


def test_a_start_dated_before_the_lock_is_said_everywhere(tracker: kokeilu.Tracker, rising: kokeilu.Experiment) -> None:
    days = rising.days_started_before_lock
    assert days is not None and days >= 1
    analysis = tracker.analyze(rising)
    assert analysis.days_started_before_lock == days
    assert analysis.early_rows == {"control": 60, "video": 60}
    started = [w for w in analysis.warnings if w.startswith(f"Started {days} days before the Test Card was locked")]
    assert len(started) == 1 and "data from 2025-03-03 to" in started[0]
    assert any(w.endswith("control 60, video 60.") for w in analysis.warnings)
    # The data as it stood on 2025-03-05: only the rows before it.
    assert tracker.analyze(rising, until=datetime.datetime(2025, 3, 5)).early_rows == {"control": 8}
    assert f"Started {days} days before the Test Card was locked" in experiment_html(rising)
    assert "days_started_before_lock" in tracker.experiments_frame().columns


def test_the_data_seen_answer_is_part_of_the_test_card(tracker: kokeilu.Tracker, home_care_fields: Any) -> None:
    e = tracker.create(**home_care_fields(data_seen="no: the autumn figures are opened after the lock"))
    assert e.test_card.data_seen == "no: the autumn figures are opened after the lock"
    assert "Had any of the data been seen already?" in experiment_html(e)
    unanswered = tracker.create(**home_care_fields(title="unanswered"))
    assert "(not answered)" in experiment_html(unanswered)
    assert e.test_card == kokeilu.TestCard(
        e.test_card.we_believe, e.test_card.to_verify, e.test_card.and_measure, e.test_card.right_if,
        data_seen="no: the autumn figures are opened after the lock")
