"""The demo tracker: what it must contain, that it is the same every time, and that it is fast."""

from __future__ import annotations

import datetime
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kokeilu
import kokeilu.sharing
from kokeilu.demo import create_demo, fill_demo

SMALL = 3000
EVENT_KEY = "OULU-2026-003"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    create_demo(path, event_rows=SMALL)
    return path


@pytest.fixture
def demo(demo_path: Path) -> Iterator[kokeilu.Tracker]:
    with kokeilu.open(demo_path, read_only=True) as t:
        yield t


def test_keys_returned_are_the_experiments_stored(tmp_path: Path) -> None:
    keys = create_demo(tmp_path / "d.db", event_rows=100)
    with kokeilu.open(tmp_path / "d.db", read_only=True) as t:
        assert sorted(keys) == [e.key for e in t.experiments()]
    assert len(keys) >= 12 and len(set(keys)) == len(keys)


def test_four_municipalities_every_state_design_and_verdict(demo: kokeilu.Tracker) -> None:
    experiments = demo.experiments()
    assert len(experiments) >= 12
    assert {e.organisation for e in experiments} == {"Oulu", "Kajaani", "Ii", "Kuusamo"}
    assert {e.status.name for e in experiments} == {"draft", "running", "stopped", "concluded"}
    assert {e.design.name for e in experiments} == {"concurrent", "before_after", "one_sample"}
    concluded = [e for e in experiments if e.outcome is not None]
    assert {e.outcome.verdict.name for e in concluded} == {"supported", "refuted", "inconclusive"}
    assert {e.outcome.decision.name for e in concluded} == {"scale_up", "adapt", "stop"}
    assert {p.name for e in experiments for p in e.purposes} == {"wellbeing", "vitality", "democracy"}
    for e in concluded:
        card = e.outcome.learning
        assert all((card.we_believed, card.we_observed, card.we_learned, card.therefore)), e.key
        assert e.actual_start <= e.outcome.decided_on
    for e in experiments:
        assert all((e.test_card.we_believe, e.test_card.to_verify, e.test_card.and_measure, e.test_card.right_if)), (
            e.key
        )
        assert e.planned_cost_eur and e.planned_effort_hours, e.key
        if e.actual_start is not None:
            assert datetime.date(2025, 1, 1) <= e.actual_start <= datetime.date(2026, 12, 31), e.key
    stopped = [e for e in experiments if e.status.name == "stopped"]
    assert all(e.stop_reason for e in stopped)


def test_finnish_titles_and_test_cards(demo: kokeilu.Tracker) -> None:
    experiments = demo.experiments()
    finnish = sum(any(c in e.title + e.test_card.we_believe for c in "äöÄÖ") for e in experiments)
    assert finnish >= len(experiments) // 2
    assert all(e.test_card.we_believe.startswith("että") for e in experiments)


def test_the_domain_experiments_are_there(demo: kokeilu.Tracker) -> None:
    by_key = {e.key: e for e in demo.experiments()}
    video = by_key["OULU-2025-001"]
    assert video.unit == "kotihoito"
    assert video.metric("missed_medication").role.name == "guardrail"
    library = by_key["KAJAANI-2025-001"]
    assert library.design.name == "before_after"
    assert library.metric("cost_per_opening_hour").impact.name == "activity_output"
    job_path = by_key["II-2025-001"]
    assert job_path.primary_metric.kind.name == "proportion"
    # A small-n proportion: a few dozen young people, 0/1 each.
    frame = demo.observations(job_path)
    assert 20 <= len(frame) <= 60
    assert set(frame["value"].unique()) <= {0.0, 1.0}
    permits = by_key["KUUSAMO-2026-001"]
    assert permits.organisation == "Kuusamo" and permits.amended_after_start
    assert any(a.field.startswith("metric") for a in permits.amendments)
    assert by_key["OULU-2025-002"].unit == "asiakaspalvelu"
    # One experiment's primary metric is an activity count, so the customer-outcome share is not 100 %.
    assert sum(e.primary_metric.impact.name == "activity_output" for e in by_key.values()) == 1


def test_unit_level_and_pre_aggregated_rows(demo: kokeilu.Tracker) -> None:
    survey = demo.observations("II-2026-003")
    assert len(survey) > 0
    assert survey["value"].isna().all() and (survey["n"] > 1).all()
    assert survey["sum_sq"].notna().all()
    assert set(survey["arm"]) == {"ennen", "jälkeen"}
    means = survey.groupby("arm", observed=True)[["n", "sum"]].sum()
    assert 1 <= (means["sum"] / means["n"]).min() and (means["sum"] / means["n"]).max() <= 5
    unit_level = demo.observations("OULU-2025-001")
    assert unit_level["value"].notna().all() and set(unit_level["value"].unique()) <= {1, 2, 3, 4, 5}


def test_before_after_periods_are_backfilled_before_the_start(demo: kokeilu.Tracker) -> None:
    e = demo.get("KUUSAMO-2026-001")
    frame = demo.observations(e)
    start = pd.Timestamp(e.actual_start, tz="UTC")
    assert (frame.loc[frame["arm"] == "ennen", "at"] < start).all()
    assert (frame.loc[frame["arm"] == "jälkeen", "at"] >= start).all()


def test_event_stream_has_the_requested_rows(demo: kokeilu.Tracker) -> None:
    assert demo.count_observations(EVENT_KEY) == SMALL
    arrays = demo.observation_arrays(EVENT_KEY)
    assert set(arrays.arm_names) == {"nykyinen", "lyhyt polku"}
    share = np.bincount(arrays.arm_codes, minlength=2) / SMALL
    assert abs(share[0] - 0.5) < 0.05


def _snapshot(path: Path) -> tuple[list[tuple[object, ...]], dict[str, pd.DataFrame]]:
    with kokeilu.open(path, read_only=True) as t:
        experiments = [
            (
                e.key,
                e.uuid,
                e.title,
                e.status.name,
                e.test_card.right_if,
                e.actual_start,
                e.actual_end,
                e.actual_cost_eur,
                None if e.outcome is None else (e.outcome.verdict.name, e.outcome.decided_on),
                [(m.name, m.minimum_effect) for m in e.metrics],
            )
            for e in t.experiments()
        ]
        frames = {
            f"{e.key}/{m.name}": t.observations(e, metric=m.name).drop(columns="id")
            for e in t.experiments()
            for m in e.metrics
        }
    return experiments, frames


def test_same_seed_same_data_and_other_seed_other_data(tmp_path: Path) -> None:
    for name, seed in (("a.db", 7), ("b.db", 7), ("c.db", 8)):
        create_demo(tmp_path / name, seed=seed, event_rows=500)
    a, b, c = (_snapshot(tmp_path / n) for n in ("a.db", "b.db", "c.db"))
    assert a[0] == b[0]
    assert a[1].keys() == b[1].keys()
    for key in a[1]:
        pd.testing.assert_frame_equal(a[1][key], b[1][key], obj=key)
    assert [row[1] for row in a[0]] != [row[1] for row in c[0]]  # UUIDs follow the seed
    assert not a[1]["OULU-2025-001/sense_of_security"].equals(c[1]["OULU-2025-001/sense_of_security"])


def test_the_size_of_the_event_stream_changes_no_other_data(tmp_path: Path) -> None:
    create_demo(tmp_path / "small.db", event_rows=200)
    create_demo(tmp_path / "larger.db", event_rows=900)
    small, larger = _snapshot(tmp_path / "small.db"), _snapshot(tmp_path / "larger.db")
    assert small[0] == larger[0]
    for key, frame in small[1].items():
        if key.startswith(EVENT_KEY):
            assert len(frame) == 200 and len(larger[1][key]) == 900
        else:
            pd.testing.assert_frame_equal(frame, larger[1][key], obj=key)


def test_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "kokeilut.db"
    path.write_bytes(b"something precious")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        create_demo(path, event_rows=100)
    assert path.read_bytes() == b"something precious"
    keys = create_demo(path, event_rows=100, overwrite=True)
    with kokeilu.open(path, read_only=True) as t:
        assert len(t.experiments()) == len(keys)
    with pytest.raises(FileExistsError):
        create_demo(path, event_rows=100)
    # An empty file (e.g. from mktemp) is not data and is used.
    empty = tmp_path / "empty.db"
    empty.touch()
    assert create_demo(empty, event_rows=100) == keys


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="event_rows"):
        create_demo(tmp_path / "x.db", event_rows=0)
    with pytest.raises(ValueError, match="fill_demo"):
        create_demo(":memory:")
    with kokeilu.open(":memory:") as t:
        fill_demo(t, event_rows=50)
        with pytest.raises(ValueError, match="already holds experiments"):
            fill_demo(t, event_rows=50)


@pytest.mark.slow
def test_default_size_is_about_a_million_rows_and_fast(tmp_path: Path) -> None:
    began = time.perf_counter()
    create_demo(tmp_path / "full.db")
    elapsed = time.perf_counter() - began
    with kokeilu.open(tmp_path / "full.db", read_only=True) as t:
        assert t.count_observations(EVENT_KEY) == 1_000_000
    assert elapsed < 20, f"the demo took {elapsed:.1f} s"


# -- the four municipalities' files and the bundles between them ---------------------------------

REPLICATED = "OULU-2026-005"


@pytest.fixture(scope="module")
def shared_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("shared") / "kokeilut.db"
    create_demo(home, event_rows=200, municipalities=True)
    return home


def test_the_other_municipalities_files_and_bundles_are_beside_the_home_file(shared_home: Path) -> None:
    folder = shared_home.parent
    assert {p.name for p in folder.glob("*.db")} == {
        "kokeilut.db", "kokeilut.kajaani.db", "kokeilut.ii.db", "kokeilut.kuusamo.db"
    }
    assert sorted(p.name for p in (folder / "kokeilut.bundles").glob("*.kokeilu")) == [
        "kajaani-2026-005.aggregate.kokeilu", "kuusamo-2026-004.units.kokeilu",
        "oulu-2026-005.aggregate.kokeilu", "oulu-2026-005.cards.kokeilu",
    ]
    for name, organisation, own in (
        ("kokeilut.kajaani.db", "Kajaani", "KAJAANI-2026-005"),
        ("kokeilut.ii.db", "Ii", "II-2027-004"),
        ("kokeilut.kuusamo.db", "Kuusamo", "KUUSAMO-2026-004"),
    ):
        with kokeilu.open(folder / name, read_only=True) as t:
            mine = [e for e in t.experiments() if e.origin is None]
            assert [e.key for e in mine] == [own] and mine[0].organisation == organisation
            copy = t.get(REPLICATED)
            assert copy.origin is not None and copy.origin.organisation == "Oulu"
            # Kajaani and Kuusamo got the cards only; Ii the weekly sums.
            assert (t.count_observations(copy) > 0) == (organisation == "Ii")


def test_the_home_file_keeps_the_earlier_demo_and_imports_the_replications(shared_home: Path, tmp_path: Path) -> None:
    alone = tmp_path / "alone.db"
    assert create_demo(alone, event_rows=200) + [REPLICATED] == create_demo(
        tmp_path / "again.db", event_rows=200, municipalities=True
    )
    assert _snapshot(alone)[0] == [row for row in _snapshot(shared_home)[0] if row[0] not in (
        REPLICATED, "KAJAANI-2026-005", "KUUSAMO-2026-004")]
    with kokeilu.open(shared_home, read_only=True) as t:
        original = t.get(REPLICATED)
        assert original.origin is None and original.outcome is not None
        assert original.outcome.decision.name == "scale_up"
        # About four months before the demo's last data (20 November 2026): a follow-up falls due.
        assert original.outcome.decided_on == datetime.date(2026, 7, 20)
        imported = kokeilu.sharing.imports_frame(t)
        assert list(imported["key"]) == ["KAJAANI-2026-005", "KUUSAMO-2026-004"]
        assert list(imported["organisation"]) == ["Kajaani", "Kuusamo"]
        assert list(imported["level"]) == ["aggregate", "units"]
        # The three runs of the reminder, linked as replications of Oulu's by its UUID, all pooled.
        found = t.replications(REPLICATED)
        assert list(found["key"]) == [REPLICATED, "KAJAANI-2026-005", "KUUSAMO-2026-004"]
        assert list(found["relation"]) == ["replication"] * 3
        assert found["pooled"].all(), found[["key", "reason"]]
        for key in ("KAJAANI-2026-005", "KUUSAMO-2026-004"):
            e = t.get(key)
            assert [(link.kind.name, link.of) for link in e.links] == [("replication", original.uuid)]
            assert e.primary_metric.name == original.primary_metric.name == "appointment_kept"
    # Each effect at Oulu is the one its municipality computed from its own rows: the copy is judged
    # as at home, though it has other ids of arms and metrics in Oulu's file.
    for key, name in (("KAJAANI-2026-005", "kajaani"), ("KUUSAMO-2026-004", "kuusamo")):
        with kokeilu.open(shared_home.with_name(f"kokeilut.{name}.db"), read_only=True) as own:
            row = own.analyze(key).comparisons.iloc[0]
        at_oulu = found.set_index("key").loc[key]
        assert at_oulu["estimate"] == pytest.approx(row["estimate"], rel=1e-12, abs=1e-15)
        assert at_oulu["std_error"] == pytest.approx(row["std_error"], rel=1e-12)
    assert list(found["organisation"]) == ["Oulu", "Kajaani", "Kuusamo"]
    # The estimates differ by municipality: distinct seeds and effects.
    assert found["estimate"].nunique() == 3


def test_the_meta_analysis_pools_the_three_effects(shared_home: Path) -> None:
    with kokeilu.open(shared_home, read_only=True) as t:
        found = t.replications("KAJAANI-2026-005")  # found from a replication too
        meta = t.meta_analysis(REPLICATED)
    pooled = found[found["pooled"]]
    assert set(pooled["key"]) == {REPLICATED, "KAJAANI-2026-005", "KUUSAMO-2026-004"}
    y, se = pooled["estimate"].to_numpy(), pooled["std_error"].to_numpy()
    w = 1 / se**2
    assert meta.k == 3
    assert set(meta.labels) == {"Oulu (OULU-2026-005)", "Kajaani (KAJAANI-2026-005)", "Kuusamo (KUUSAMO-2026-004)"}
    assert meta.fixed.estimate == pytest.approx(float((w * y).sum() / w.sum()), rel=1e-12)
    assert meta.random is not None and meta.prediction is not None


def test_a_bundle_imported_again_changes_nothing(shared_home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "home.db"
    shutil.copyfile(shared_home, copy)  # closed, so the whole file: its write-ahead log is checkpointed
    with kokeilu.open(copy) as t:
        result = t.import_bundle(shared_home.with_name("kokeilut.bundles") / "kajaani-2026-005.aggregate.kokeilu")
    assert [(e.key, e.action.name) for e in result.experiments] == [("KAJAANI-2026-005", "unchanged")]
    assert not result.changed


def test_the_story_is_the_same_every_time_and_refuses_to_overwrite(shared_home: Path, tmp_path: Path) -> None:
    again = tmp_path / "kokeilut.db"
    create_demo(again, event_rows=200, municipalities=True)
    for name in ("kokeilut.kajaani.db", "kokeilut.ii.db", "kokeilut.kuusamo.db"):
        first, second = _snapshot(shared_home.with_name(name)), _snapshot(again.with_name(name))
        assert first[0] == second[0], name
        for key in first[1]:
            pd.testing.assert_frame_equal(first[1][key], second[1][key], obj=key)
    # Another municipality's file is never replaced unasked, even when the home file is gone.
    for suffix in ("", "-wal", "-shm"):
        Path(f"{again}{suffix}").unlink(missing_ok=True)
    with pytest.raises(FileExistsError, match="kajaani"):
        create_demo(again, event_rows=200, municipalities=True)
    create_demo(again, event_rows=200, municipalities=True, overwrite=True)
    # Without municipalities the demo writes the one file, as before.
    single = tmp_path / "single" / "kokeilut.db"
    single.parent.mkdir()
    create_demo(single, event_rows=200)
    assert [p.name for p in single.parent.iterdir()] == ["kokeilut.db"]
