"""The tracker's time zone: days are read in it (Europe/Helsinki unless set), stored times stay UTC,
the command reads and shows times in it. The machine's own TZ plays no part: some tests run under
TZ=America/New_York to show it."""

from __future__ import annotations

import datetime
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402

import kokeilu  # noqa: E402

UTC = datetime.timezone.utc


@pytest.fixture
def new_york(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_a_new_tracker_reads_days_in_helsinki(tracker: kokeilu.Tracker) -> None:
    assert tracker.time_zone == "Europe/Helsinki"


@pytest.mark.usefixtures("new_york")
def test_a_01_00_helsinki_observation_on_the_start_day_is_inside(tracker: kokeilu.Tracker, home_care_fields) -> None:
    e = tracker.create(**home_care_fields())
    tracker.start(e, on=datetime.date(2026, 3, 29))  # the spring change: 03:00 EET -> 04:00 EEST
    # 01:00 EET on 2026-03-29 is 2026-03-28T23:00Z.
    tracker.log(e, 4.0, arm="control", at=datetime.datetime(2026, 3, 28, 23, 0, tzinfo=UTC), allow_future=True)
    with pytest.raises(kokeilu.InvalidArgumentError) as refused:
        tracker.log(e, 4.0, arm="control", at="2026-03-28T21:59:59Z", allow_future=True)
    assert refused.value.field == "at"
    assert tracker.count_observations(e) == 1


def test_the_autumn_change_gives_the_start_day_25_hours(tracker: kokeilu.Tracker) -> None:
    core = tracker._core
    assert core.start_of_day(datetime.date(2026, 10, 25)) == datetime.datetime(2026, 10, 24, 21, 0, tzinfo=UTC)
    assert core.start_of_day(datetime.date(2026, 10, 26)) == datetime.datetime(2026, 10, 25, 22, 0, tzinfo=UTC)
    assert kokeilu._core.local_time_text("2026-10-25T00:59Z", "Europe/Helsinki") == "2026-10-25 03:59 EEST"
    assert kokeilu._core.local_time_text("2026-10-25T01:00Z", "Europe/Helsinki") == "2026-10-25 03:00 EET"


def test_the_zone_is_kept_in_the_file_and_frozen_once_an_experiment_starts(tmp_path: Path, home_care_fields) -> None:
    path = tmp_path / "kokeilut.db"
    with kokeilu.open(path) as tracker:
        with pytest.raises(kokeilu.InvalidArgumentError) as unknown:
            tracker.set_time_zone("Europe/Helsingfors")
        assert unknown.value.field == "time_zone"
        tracker.set_time_zone("Europe/Stockholm")
        e = tracker.create(**home_care_fields())
        tracker.start(e, on=datetime.date(2026, 10, 25))
    with kokeilu.open(path) as tracker:
        assert tracker.time_zone == "Europe/Stockholm"
        with pytest.raises(kokeilu.InvalidStateError, match=e.key):
            tracker.set_time_zone("Europe/Helsinki")
        # Stockholm's day began at 22:00Z (CEST); 21:59Z is the day before.
        tracker.log(e, 4.0, arm="control", at="2026-10-24T22:00:00Z", allow_future=True)
        with pytest.raises(kokeilu.InvalidArgumentError):
            tracker.log(e, 4.0, arm="control", at="2026-10-24T21:59:00Z", allow_future=True)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kokeilut.db"


@pytest.fixture
def started(db: Path) -> str:
    assert call(["init"], db=db).code == 0
    key = json.loads(call(["new", *HOME_CARE, "--json"], db=db).out)["key"]
    assert call(["start", key, "--on", "29.3.2026"], db=db).code == 0
    return key


def stored_times(db: Path, key: str) -> list[datetime.datetime]:
    with kokeilu.open(db, read_only=True) as tracker:
        frame = tracker.observations(key)
    return sorted(t.to_pydatetime().replace(tzinfo=None) for t in frame["at"])


@pytest.mark.usefixtures("new_york")
def test_the_command_reads_finnish_and_naive_times_in_the_trackers_zone(db: Path, started: str) -> None:
    cases = [
        ("29.3.2026 01:00", datetime.datetime(2026, 3, 28, 23, 0)),  # EET, before the jump
        ("29.3.2026 14:30", datetime.datetime(2026, 3, 29, 11, 30)),  # EEST, after it
        ("2026-03-29T04:30", datetime.datetime(2026, 3, 29, 1, 30)),
        ("29.3.2026", datetime.datetime(2026, 3, 28, 22, 0)),  # a date alone: its local midnight
        ("2026-03-29T12:00Z", datetime.datetime(2026, 3, 29, 12, 0)),  # an offset is kept
    ]
    for text, _ in cases:
        result = call(["log", started, "4", "--arm", "kontrolli", "--at", text, "--allow-future"], db=db)
        assert result.code == 0, (text, result)
    assert stored_times(db, started) == sorted(expected for _, expected in cases)
    shown = call(["log", started, "4", "--arm", "kontrolli", "--at", "29.3.2026 14:30", "--allow-future"], db=db)
    assert "2026-03-29 14:30 EEST" in shown.out
    refused = call(["log", started, "4", "--arm", "kontrolli", "--at", "28.3.2026 23:59", "--allow-future"], db=db)
    assert refused.code != 0


def test_the_csv_import_reads_dates_and_naive_times_in_the_trackers_zone(
    db: Path, started: str, tmp_path: Path
) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "value,arm,at\n4,kontrolli,2026-03-29\n5,video,2026-03-29 01:30\n3,video,2026-03-28T22:00:00+00:00\n",
        encoding="utf-8",
    )
    result = call(["import", started, str(path), "--allow-future"], db=db)
    assert result.code == 0, result
    assert stored_times(db, started) == [
        datetime.datetime(2026, 3, 28, 22, 0),
        datetime.datetime(2026, 3, 28, 22, 0),
        datetime.datetime(2026, 3, 28, 23, 30),
    ]


def test_config_time_zone_shows_sets_and_refuses(db: Path) -> None:
    assert call(["init"], db=db).code == 0
    assert call(["config", "time-zone"], db=db).out.strip() == "Time zone: Europe/Helsinki"
    assert call(["config", "time-zone", "Europe/Stockholm"], db=db).code == 0
    assert call(["config", "time-zone"], db=db).out.strip() == "Time zone: Europe/Stockholm"
    bad = call(["config", "time-zone", "Mars/Olympus"], db=db)
    assert bad.code != 0 and "Mars/Olympus" in bad.err
