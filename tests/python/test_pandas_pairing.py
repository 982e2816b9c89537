"""Series are paired as pandas pairs them, by index label, and a Categorical's unused categories
are not arms: an analyst's frame after a filter or a sort logs what it shows."""

from __future__ import annotations

import pandas as pd
import pytest

import kokeilu

AT = "2025-03-04T10:00:00Z"


@pytest.fixture
def tracker() -> kokeilu.Tracker:
    t = kokeilu.open(":memory:")
    e = t.create(
        title="Pairing", organisation="Kajaani", purposes=["wellbeing"], we_believe="a", to_verify="b",
        and_measure="c", right_if="d", arms={"control": "control", "chat": "treatment"},
        metrics=[{"name": "wait", "kind": "mean", "minimum_effect": 0.3}],
    )
    t.start(e, on="2025-03-03")
    return t


def rows(t: kokeilu.Tracker) -> list[tuple[float, str]]:
    frame = t.observations(t.experiments()[0])
    return sorted(zip(frame["value"].tolist(), frame["arm"].astype(str).tolist()))


def test_a_categorical_with_an_unused_category_is_logged(tracker: kokeilu.Tracker) -> None:
    key = tracker.experiments()[0].key
    arms = pd.Categorical(["control", "chat"], categories=["control", "chat", "phone"])
    assert tracker.log_many(key, [1.0, 2.0], arm=arms, at=AT) == 2
    frame = pd.DataFrame({"value": [3.0, 4.0], "arm": pd.Series(["chat", "chat"], dtype="category")})
    frame["arm"] = frame["arm"].cat.add_categories(["unused"])
    assert tracker.log_frame(key, frame, at=None) == 2
    assert rows(tracker) == [(1.0, "control"), (2.0, "chat"), (3.0, "chat"), (4.0, "chat")]
    # A category that does occur and is no arm is still refused, by its name.
    with pytest.raises(kokeilu.InvalidArgumentError) as refused:
        tracker.log_many(key, [1.0], arm=pd.Categorical(["phone"], categories=["control", "phone"]), at=AT)
    assert refused.value.code == "input.unknown_arm" and "phone" in str(refused.value)


def test_series_with_the_same_labels_in_another_order_are_paired_by_label(tracker: kokeilu.Tracker) -> None:
    key = tracker.experiments()[0].key
    values = pd.Series([1.0, 2.0, 3.0], index=[10, 11, 12])
    arms = pd.Series(["chat", "control", "control"], index=[12, 10, 11])  # 12 -> chat
    assert tracker.log_many(key, values, arm=arms, at=AT) == 3
    assert rows(tracker) == [(1.0, "control"), (2.0, "control"), (3.0, "chat")]
    # The pairing pandas itself makes:
    assert pd.concat({"v": values, "a": arms}, axis=1).loc[12].tolist() == [3.0, "chat"]


@pytest.mark.parametrize(
    "arms",
    [
        pd.Series(["chat", "control"], index=[0, 1]),  # after a filter: labels 10, 11 vs 0, 1
        pd.Series(["chat", "control"], index=[10, 10]),  # a repeated label
    ],
)
def test_series_with_other_labels_are_refused(tracker: kokeilu.Tracker, arms: pd.Series) -> None:
    key = tracker.experiments()[0].key
    values = pd.Series([1.0, 2.0], index=[10, 11])
    with pytest.raises(kokeilu.InvalidArgumentError) as refused:
        tracker.log_many(key, values, arm=arms, at=AT)
    assert refused.value.code == "input.index_mismatch" and refused.value.field == "arm"
    assert refused.value.params == {"other": "value"}
    assert "reset_index" in str(refused.value)
    assert "indeksin" in kokeilu.error_text(refused.value, "fi")
    assert tracker.count_observations(key) == 0


def test_times_and_exposures_are_paired_by_label_too(tracker: kokeilu.Tracker) -> None:
    key = tracker.experiments()[0].key
    values = pd.Series([1.0, 2.0], index=["a", "b"])
    at = pd.Series(pd.to_datetime(["2025-03-05T10:00Z", "2025-03-04T10:00Z"]), index=["b", "a"])
    assert tracker.log_many(key, values, arm="chat", at=at) == 2
    frame = tracker.observations(key).sort_values("value")
    assert [t.isoformat() for t in frame["at"]] == ["2025-03-04T10:00:00+00:00", "2025-03-05T10:00:00+00:00"]
    with pytest.raises(kokeilu.InvalidArgumentError) as refused:
        tracker.log_many(key, values, arm="chat", at=at.reset_index(drop=True))
    assert refused.value.field == "at"
