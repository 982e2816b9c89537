"""`kokeilu new --design` for the designs without a concurrent control, and `kokeilu analyze` of
them (with --period): the arms get their roles by position, the analysis names the design's
caveats in the user's language, and a wrong period is one line naming it. Dates are fixed and the
tracker's zone is set explicitly."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402

import kokeilu  # noqa: E402

ARMS_AT = HOME_CARE.index("--arm")
CHANGE = dt.date(2025, 3, 3)


def new(db: Path, design: str, arms: list[str]) -> dict[str, object]:
    options = [*HOME_CARE[:ARMS_AT], "--design", design, *HOME_CARE[ARMS_AT + 4 :]]
    for arm in arms:
        options += ["--arm", arm]
    made = call(["new", *options, "--json"], db=db)
    assert made.code == 0, made
    record: dict[str, object] = json.loads(made.out)
    return record


def words(text: str) -> str:
    """The output with the terminal's line breaks undone."""
    return " ".join(text.split())


def started_tracker(tmp_path: Path) -> Path:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    with kokeilu.open(db) as tracker:
        tracker.set_time_zone("Europe/Helsinki")
    return db


def log_days(db: Path, key: str, arm: str, first: dt.date, days: int, level: float, seed: int) -> None:
    rng = np.random.default_rng(seed)
    at = np.datetime64(first.isoformat() + "T09:00") + np.repeat(np.arange(days), 3) * np.timedelta64(1, "D")
    with kokeilu.open(db) as tracker:
        tracker.log_many(key, rng.normal(level, 0.4, size=len(at)), arm=arm, at=at, backfill=True)


def test_difference_in_differences_from_the_command(tmp_path: Path) -> None:
    db = started_tracker(tmp_path)
    record = new(db, "difference_in_differences", ["oulu-ennen", "oulu-jälkeen", "kemi-ennen", "kemi-jälkeen"])
    assert record["design"] == "difference_in_differences"
    assert [(a["name"], a["role"]) for a in record["arms"]] == [  # type: ignore[attr-defined]
        ("oulu-ennen", "changed_before"), ("oulu-jälkeen", "changed_after"),
        ("kemi-ennen", "comparison_before"), ("kemi-jälkeen", "comparison_after"),
    ]
    key = str(record["key"])
    assert call(["start", key, "--on", CHANGE.isoformat()], db=db).code == 0
    before = CHANGE - dt.timedelta(days=14)
    for seed, (arm, first, level) in enumerate((("oulu-ennen", before, 3.0), ("oulu-jälkeen", CHANGE, 3.8),
                                                 ("kemi-ennen", before, 3.1), ("kemi-jälkeen", CHANGE, 3.2))):
        log_days(db, key, arm, first, 14, level, seed)
    shown = call(["--lang", "fi", "analyze", key], db=db)
    assert shown.code == 0, shown
    assert "vertailuyksikön muutos edustaa" in words(shown.out)
    assert "Kehitys ennen muutosta" in words(shown.out)
    as_json = json.loads(call(["analyze", key, "--json"], db=db).out)
    with kokeilu.open(db, read_only=True) as tracker:
        ours = tracker.analyze(key)
    assert [row["method"] for row in as_json["comparisons"]] == ["difference_in_differences_hc2"]
    assert ours.pre_trend is not None
    assert as_json["pre_trend"]["p_value"] == ours.pre_trend.p_value
    assert as_json["pre_trend"]["method"] == "pre_trend_slope_difference"
    assert (as_json["period"], as_json["time_series"]) == ("day", None)


def test_interrupted_time_series_by_week_and_a_wrong_period(tmp_path: Path) -> None:
    db = started_tracker(tmp_path)
    record = new(db, "interrupted_time_series", ["ennen", "jälkeen"])
    assert [(a["name"], a["role"]) for a in record["arms"]] == [  # type: ignore[attr-defined]
        ("ennen", "before"), ("jälkeen", "after")
    ]
    key = str(record["key"])
    assert call(["start", key, "--on", CHANGE.isoformat()], db=db).code == 0
    log_days(db, key, "ennen", CHANGE - dt.timedelta(days=70), 70, 3.0, 1)
    log_days(db, key, "jälkeen", CHANGE, 28, 3.5, 2)
    by_day = call(["--lang", "sv", "analyze", key], db=db)
    assert by_day.code == 0, by_day
    assert "Säsongsvariation modelleras bara per veckodag" in words(by_day.out)
    by_week = call(["--lang", "sv", "analyze", key, "--period", "week"], db=db)
    assert by_week.code == 0, by_week
    assert "Säsongsvariation" not in by_week.out
    assert "sju dagar räknat från förändringens dag" in words(by_week.out)
    fit = json.loads(call(["analyze", key, "--period", "week", "--json"], db=db).out)
    assert fit["period"] == "week" and fit["pre_trend"] is None
    assert (fit["time_series"]["before"], fit["time_series"]["after"]) == (10, 4)
    assert not fit["time_series"]["weekday_seasonality"]
    assert fit["time_series"]["level_change"]["method"] == fit["comparisons"][0]["method"]
    wrong = call(["--lang", "fi", "analyze", key, "--period", "month"], db=db)
    assert wrong.code == 1, wrong
    assert "period" in wrong.err and "month" in wrong.err and "Traceback" not in wrong.err
    # Four arms are needed for a difference in differences: the count is said before anything is written.
    arms_at = HOME_CARE.index("--arm")
    three = [*HOME_CARE[:arms_at], "--design", "difference_in_differences", "--arm", "a", "--arm", "b", "--arm", "c",
             *HOME_CARE[arms_at + 4 :]]
    refused = call(["--lang", "fi", "new", *three], db=db)
    assert refused.code != 0 and "täsmälleen neljä ryhmää" in refused.err, refused
