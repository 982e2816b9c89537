"""Follow-ups of a scaled-up change: the schedule conclude sets, the due dates by calendar month in
the tracker's zone (month ends, summer time, instants near midnight), what is due, the slots filled
in start order, whether the effect held, faded or grew (checked against scipy), the record, a
bundle and an older file. No test reads the real date: every day and instant is given."""

from __future__ import annotations

import datetime
import json
import sqlite3
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats as sps

import kokeilu
from kokeilu import _core

sys.path.insert(0, str(Path(__file__).parent))
from test_bundle import fields  # noqa: E402

UTC = datetime.timezone.utc
START = datetime.date(2025, 3, 3)


def started(t: kokeilu.Tracker, key: str, **overrides: Any) -> kokeilu.Experiment:
    e = t.create(**{**fields(key=key), **overrides})
    return t.start(e, on=START)


def concluded(
    t: kokeilu.Tracker, key: str, decision: str = "scale_up", decided_on: datetime.date = datetime.date(2025, 8, 31),
    **options: Any,
) -> kokeilu.Experiment:
    e = started(t, key)
    return t.conclude(e, "inconclusive", decision=decision, decided_on=decided_on, **options)


def test_scale_up_schedules_3_6_12_by_default_and_other_decisions_none(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        scaled = concluded(t, "A-1")
        assert scaled.outcome is not None and scaled.outcome.follow_up_months == [3, 6, 12]
        for key, decision in (("A-2", "adapt"), ("A-3", "stop")):
            outcome = concluded(t, key, decision).outcome
            assert outcome is not None and outcome.follow_up_months is None
        changed = concluded(t, "A-4", "adapt", follow_up_months=[1, 24]).outcome
        assert changed is not None and changed.follow_up_months == [1, 24]
        empty = concluded(t, "A-5", follow_up_months=[]).outcome
        assert empty is not None and empty.follow_up_months is None
        assert t.follow_ups("A-5", on=datetime.date(2030, 1, 1)).empty
        assert t.get("A-1").outcome == scaled.outcome
        assert t.verify().ok


@pytest.mark.parametrize(
    ("months", "field"),
    [([3, 0], "outcome.follow_up_months[1]"), ([121], "outcome.follow_up_months[0]"),
     ([6, 3], "outcome.follow_up_months[1]"), ([3, 6, 6], "outcome.follow_up_months[2]")],
)
def test_a_bad_schedule_is_refused_naming_the_month(tmp_path: Path, months: list[int], field: str) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        e = started(t, "B-1")
        with pytest.raises(kokeilu.InvalidArgumentError) as caught:
            t.conclude(e, "inconclusive", decision="scale_up", decided_on=datetime.date(2025, 8, 31),
                       follow_up_months=months)
        assert caught.value.field == field
        assert t.get(e).status.name == "running"


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 8, 31), 6, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 8, 31), 6, datetime.date(2028, 2, 29)),
        (datetime.date(2028, 2, 29), 1, datetime.date(2028, 3, 29)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2027, 2, 28), 1, datetime.date(2027, 3, 28)),  # not Mar 31, as Boost would have it
        (datetime.date(2026, 12, 31), 2, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 12, 31), 3, datetime.date(2027, 3, 31)),
        (datetime.date(2026, 12, 31), 12, datetime.date(2027, 12, 31)),
    ],
)
def test_due_dates_at_month_ends(day: datetime.date, months: int, due: datetime.date) -> None:
    assert _core.add_calendar_months(day, months) == due
    # The reference: the same day of the month, or the month's last day where it is shorter.
    year, month = divmod(day.month - 1 + months, 12)
    last = [31, 29 if (day.year + year) % 4 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month]
    assert due == datetime.date(day.year + year, month + 1, min(day.day, last))


def test_the_schedule_of_a_decision_on_a_month_end_is_due_at_the_ends_of_shorter_months(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        concluded(t, "C-1", decided_on=datetime.date(2027, 8, 31))
        slots = t.follow_ups("C-1", on=datetime.date(2028, 1, 1))
        assert list(slots["due"]) == [datetime.date(2027, 11, 30), datetime.date(2028, 2, 29), datetime.date(2028, 8, 31)]
        assert list(slots["days_overdue"]) == [32, -59, -243]


@pytest.mark.parametrize(
    ("decided", "due", "before", "after"),
    [
        # The last Sunday of March (clocks forward at 03:00): due 29 June, in summer time (UTC+3).
        (datetime.date(2026, 3, 29), datetime.date(2026, 6, 29),
         datetime.datetime(2026, 6, 28, 20, 30, tzinfo=UTC), datetime.datetime(2026, 6, 28, 21, 30, tzinfo=UTC)),
        # The last Sunday of October (clocks back at 04:00): due 25 January, in winter time (UTC+2).
        (datetime.date(2026, 10, 25), datetime.date(2027, 1, 25),
         datetime.datetime(2027, 1, 24, 21, 30, tzinfo=UTC), datetime.datetime(2027, 1, 24, 22, 30, tzinfo=UTC)),
    ],
)
def test_due_counts_the_days_of_the_trackers_zone_across_summer_time(
    tmp_path: Path, decided: datetime.date, due: datetime.date, before: datetime.datetime, after: datetime.datetime
) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        t.set_time_zone("Europe/Helsinki")
        concluded(t, "H-1", decided_on=decided, follow_up_months=[3])
        # 23:30 local the day before: not due; 00:30 local on the due day (the day before in UTC): due.
        assert t.due(on=before).empty
        found = t.due(on=after)
        assert list(found["due"]) == [due] and list(found["days_overdue"]) == [0]
        assert t.due(on=after.replace(tzinfo=None)).shape[0] == 1  # naive instants are UTC
        assert t.due(on=due - datetime.timedelta(days=1)).empty
        assert t.due(on=due - datetime.timedelta(days=1), within_days=1).shape[0] == 1


def follow_up(t: kokeilu.Tracker, original: str, months: int, **given: Any) -> kokeilu.Experiment:
    card = {"we_believe": "the clients still feel as safe", "to_verify": "ask the same survey again",
            "and_measure": "sense of security", "right_if": "it has not fallen"}
    return t.follow_up(original, months=months, **{**card, **given})


def test_due_before_and_after_a_follow_up_concludes_and_slots_fill_in_start_order(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        original = concluded(t, "D-1")
        on = datetime.date(2026, 3, 1)
        due = t.due(on=on)
        assert list(due["months"]) == [3, 6]
        assert list(due["due"]) == [datetime.date(2025, 11, 30), datetime.date(2026, 2, 28)]
        assert list(due["follow_up"]) == [None, None]
        assert list(due.columns) == ["original", "organisation", "decided_on", "months", "due", "days_overdue",
                                     "follow_up", "follow_up_status"]

        six = follow_up(t, original, 6, key="D-6")  # made first, planned later: fills the second slot
        three = follow_up(t, original, 3, key="D-3")
        assert three.planned_start == datetime.date(2025, 11, 30)
        assert three.title.endswith("3 months")
        assert [m.name for m in three.metrics] == ["sense_of_security"]
        assert three.links == [kokeilu.ExperimentLink("follow_up", original.uuid)]
        assert list(t.follow_ups(original, on=on)["follow_up"]) == ["D-3", "D-6", None]

        t.start(three, on=datetime.date(2025, 12, 1))
        assert list(t.due(on=on)["follow_up_status"]) == ["running", "draft"]
        t.conclude(three, "inconclusive", decision="adapt", decided_on=datetime.date(2026, 1, 15))
        due = t.due(on=on)
        assert list(due["months"]) == [6] and list(due["follow_up"]) == ["D-6"]
        with pytest.raises(kokeilu.InvalidArgumentError) as caught:
            t.follow_up(original, months=5)
        assert caught.value.field == "months"
        with pytest.raises(kokeilu.InvalidStateError):
            t.follow_up(six, months=3)


def _log_effect(t: kokeilu.Tracker, e: kokeilu.Experiment, effect: float, n: int, sd: float = 0.5) -> None:
    """n rows an arm whose means differ by exactly `effect`, each arm's values ±sd around its mean."""
    pattern = np.tile([-1.0, 1.0], n // 2)
    start = np.datetime64(f"{e.actual_start.isoformat()}T09:00", "us")  # type: ignore[union-attr]
    at = start + np.arange(n) * np.timedelta64(1, "h")
    t.log_many(e, 2.5 + sd * pattern, arm="control", at=at, backfill=True)
    t.log_many(e, 2.5 + effect + sd * pattern, arm="video", at=at, backfill=True)


def _reference(effect_o: float, n_o: int, effect_f: float, n_f: int, sd: float = 0.5) -> str:
    """The rule worked with scipy from the raw rows: Welch's standard errors, normal quantiles."""
    def se(n: int) -> float:
        values = sd * np.tile([-1.0, 1.0], n // 2)
        return float(np.sqrt(2 * np.var(values, ddof=1) / n))

    se_o, se_f = se(n_o), se(n_f)
    z = sps.norm.ppf(0.975)
    difference = effect_f - effect_o
    half = z * np.hypot(se_o, se_f)
    if difference - half > 0:
        return "grew"
    if difference + half < 0:
        return "faded"
    # The follow-up's own interval is Welch's t interval.
    low = effect_f - sps.t.ppf(0.975, 2 * n_f - 2) * se_f
    return "held" if low > 0 else "unclear"


@pytest.mark.parametrize(
    ("effect_f", "n_f", "expected"),
    [(0.32, 200, "held"), (0.60, 200, "grew"), (0.05, 200, "faded"), (0.30, 10, "unclear")],
)
def test_held_faded_grew_or_unclear_against_scipy(tmp_path: Path, effect_f: float, n_f: int, expected: str) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        e = started(t, "E-1")
        _log_effect(t, e, 0.30, 200)
        original = t.conclude(e, "supported", decision="scale_up", decided_on=datetime.date(2025, 6, 30))
        later = follow_up(t, original, 3)
        later = t.start(later, on=datetime.date(2025, 9, 30))
        _log_effect(t, later, effect_f, n_f)
        result = t.follow_up_effect(original, later)
        assert result is not None
        assert result.persistence == expected == _reference(0.30, 200, effect_f, n_f)
        assert result.difference == pytest.approx(effect_f - 0.30, abs=1e-9)
        se_o = float(np.sqrt(2 * 0.25 * 200 / 199 / 200))
        se_f = float(np.sqrt(2 * 0.25 * n_f / (n_f - 1) / n_f))
        assert result.std_error == pytest.approx(np.hypot(se_o, se_f), rel=1e-9)
        half = sps.norm.ppf(0.975) * np.hypot(se_o, se_f)
        assert result.ci_low == pytest.approx(effect_f - 0.30 - half, rel=1e-9, abs=1e-12)
        assert result.ci_high == pytest.approx(effect_f - 0.30 + half, rel=1e-9, abs=1e-12)
        assert list(t.follow_ups(original, on=datetime.date(2025, 10, 1))["follow_up"])[0] == later.key


def test_compare_follow_up_orients_by_direction_and_takes_mappings() -> None:
    z = sps.norm.ppf(0.975)
    original = {"estimate": -0.5, "ci_low": -0.5 - z * 0.05, "ci_high": -0.5 + z * 0.05, "std_error": 0.05}
    later = {"estimate": -0.2, "ci_low": -0.2 - z * 0.05, "ci_high": -0.2 + z * 0.05}  # se from the interval
    result = _core.compare_follow_up(original, later, "lower_is_better")
    assert result.persistence == "faded"
    assert result.difference == pytest.approx(-0.3)
    assert result.std_error == pytest.approx(np.hypot(0.05, 0.05))
    assert _core.compare_follow_up(original, later, "higher_is_better").persistence == "grew"


def test_the_schedule_is_in_the_record_and_travels_in_a_bundle(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "oulu.db")) as oulu, kokeilu.open(str(tmp_path / "kajaani.db")) as kajaani:
        e = started(oulu, "OULU-2025-001")
        rng = np.random.default_rng(3)
        at = np.datetime64("2025-03-03T09:00", "us") + np.arange(40) * np.timedelta64(6, "h")
        oulu.log_many(e, rng.normal(3.6, 0.5, 40), arm=np.array(["control", "video"] * 20), at=at, backfill=True)
        e = oulu.conclude(e, "inconclusive", decision="scale_up", decided_on=datetime.date(2025, 8, 31),
                          follow_up_months=[2, 9])
        record = _core.experiment_record(e)
        assert "outcome.follow_up_months\t3:2,9\n" in record
        path = tmp_path / "oulu.kokeilu"
        oulu.export_bundle(e, path, secrets_dir=tmp_path / "secrets")
        kajaani.import_bundle(path)
        copy = kajaani.get(e.uuid)
        assert copy.outcome is not None and copy.outcome.follow_up_months == [2, 9]
        assert _core.experiment_record(copy) == record
        assert list(kajaani.follow_ups(copy, on=datetime.date(2025, 12, 1))["due"]) == [
            datetime.date(2025, 10, 31), datetime.date(2026, 5, 31)]
        adapted = concluded(oulu, "OULU-2025-002", "adapt")
        assert "follow_up_months" not in _core.experiment_record(adapted)


def test_a_file_from_before_the_schedule_table_gets_it_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    with kokeilu.open(str(path)) as t:
        concluded(t, "F-1", "adapt")
    with sqlite3.connect(path) as db:
        db.execute("DROP TABLE follow_up_months")
        db.execute("PRAGMA user_version = 13")
    db.close()
    with kokeilu.open(str(path)) as t:
        outcome = t.get("F-1").outcome
        assert outcome is not None and outcome.follow_up_months is None
        assert concluded(t, "F-2").outcome.follow_up_months == [3, 6, 12]  # type: ignore[union-attr]
        assert t.verify().ok


def test_the_command_schedules_lists_what_is_due_and_drafts_a_follow_up(tmp_path: Path) -> None:
    from cli_support import call

    db = tmp_path / "t.db"
    with kokeilu.open(str(db)) as t:
        started(t, "G-1")
        started(t, "G-2")
    learning = ["--we-believed", "a", "--we-observed", "b", "--we-learned", "c", "--therefore", "d"]
    done = call(["conclude", "G-1", "--verdict", "inconclusive", "--decision", "scale_up", "--on", "2025-08-31",
                 "--follow-up-months", "2,6", *learning], db=db)
    assert done.code == 0, done
    assert "31.10.2025" in done.out or "2025-10-31" in done.out or "10/31/2025" in done.out, done
    refused = call(["conclude", "G-2", "--verdict", "inconclusive", "--decision", "scale_up", "--on", "2025-08-31",
                    "--follow-up-months", "6,3", *learning], db=db)
    assert refused.code != 0 and "follow_up_months[1]" in refused.err + refused.out, refused
    none = call(["conclude", "G-2", "--verdict", "inconclusive", "--decision", "scale_up", "--on", "2025-08-31",
                 "--no-follow-up", *learning], db=db)
    assert none.code == 0, none

    due = call(["due", "--on", "2025-10-31", "--json"], db=db)
    assert due.code == 0, due
    rows = json.loads(due.out)
    assert [(r["original"], r["months"], r["due"], r["days_overdue"], r["follow_up"]) for r in rows] == [
        ("G-1", 2, "2025-10-31", 0, None)]
    assert json.loads(call(["due", "--on", "2025-10-30", "--json"], db=db).out) == []
    assert len(json.loads(call(["due", "--on", "2025-10-30", "--within", "1", "--json"], db=db).out)) == 1
    assert call(["due", "--on", "2025-10-30"], db=db).out.strip() == "No follow-ups are due."
    table = call(["due", "--on", "2026-03-01"], db=db)
    assert table.code == 0 and "G-1" in table.out, table

    drafted = call(["follow-up", "G-1", "--months", "2", "--we-believe", "it lasts", "--to-verify", "survey again",
                    "--and-measure", "security", "--right-if", "it has not fallen", "--json"], db=db)
    assert drafted.code == 0, drafted
    made = json.loads(drafted.out)
    with kokeilu.open(str(db)) as t:
        assert t.get(made["key"]).links == [kokeilu.ExperimentLink("follow_up", t.get("G-1").uuid)]
    assert json.loads(call(["show", "G-1", "--json"], db=db).out)["outcome"]["follow_up_months"] == [2, 6]
    rows = json.loads(call(["due", "--on", "2025-10-31", "--json"], db=db).out)
    assert rows[0]["follow_up"] == made["key"] and rows[0]["follow_up_status"] == "draft"
    wrong = call(["follow-up", "G-1", "--months", "5"], db=db)
    assert wrong.code != 0 and "5" in wrong.err, wrong

    shown = call(["show", "G-1", "--json"], db=db)
    assert [r["months"] for r in json.loads(shown.out)["follow_ups"]] == [2, 6]
    finnish = call(["--lang", "fi", "show", "G-1"], db=db)
    assert finnish.code == 0 and "Jälkimittaukset" in finnish.out, finnish
    swedish = call(["--lang", "sv", "due", "--on", "2025-10-30"], db=db)
    assert swedish.out.strip() == "Inga uppföljande mätningar är aktuella."


def test_the_experiments_html_lists_its_follow_ups(tmp_path: Path) -> None:
    from kokeilu import display

    with kokeilu.open(str(tmp_path / "t.db")) as t:
        original = concluded(t, "H-1")
        follow_up(t, original, 3)
        text = display.experiment_html(t.get(original), t, lang="fi")
        assert "Jälkimittaukset" in text and "30.11.2025" in text
        assert "Follow-ups" not in display.experiment_html(t.get(original), lang="en")  # no tracker, no follow-ups
