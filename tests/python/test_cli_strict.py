"""The command under the core's input rules: a valid range given with `new`, shown by `show` and
amended with a reason; times strictly ISO 8601 and not in the future unless --allow-future (in
`log` and `import`); reasons that must say something; an analysis that goes on when one metric's
values are too large to add up. In English and Finnish."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, Terminal, call  # noqa: E402

import kokeilu  # noqa: E402

# Dates in 2025, in the past whatever the clock says.
OPTIONS = [*HOME_CARE[: HOME_CARE.index("--planned-start")], "--planned-start", "2025-01-13",
           "--planned-end", "2025-06-30"]
FUTURE = "2030-01-01T00:00:00Z"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kokeilut.db"


@pytest.fixture
def survey(db: Path) -> str:
    assert call(["init"], db=db).code == 0
    result = call(["new", *OPTIONS, "--valid-min", "1", "--valid-max", "5", "--json"], db=db)
    assert result.code == 0, result
    key = json.loads(result.out)["key"]
    assert call(["start", key, "--on", "2025-01-13"], db=db).code == 0
    return str(key)


def count(db: Path, key: str) -> int:
    with kokeilu.open(db, read_only=True) as tracker:
        return tracker.count_observations(key)


def test_a_valid_range_from_new_to_show_to_amend(db: Path, survey: str) -> None:
    shown = call(["show", survey, "--json"], db=db)
    metric = json.loads(shown.out)["metrics"][0]
    assert (metric["valid_min"], metric["valid_max"]) == (1.0, 5.0)
    table = call(["--lang", "fi", "show", survey], db=db, env={"COLUMNS": "220"})
    assert "Sallittu vaihteluväli" in table.out and "1–5" in table.out

    refused = call(["log", survey, "6", "--arm", "video", "--at", "2025-03-03T09:00Z"], db=db)
    assert refused.code == 1
    assert "valid range of turvallisuudentunne (1 to 5), got 6" in refused.err
    refused_fi = call(["--lang", "fi", "log", survey, "0", "--arm", "video", "--at", "2025-03-03T09:00Z"], db=db)
    assert "on mittarin turvallisuudentunne sallitun vaihteluvälin (1–5) ulkopuolella, nyt 0" in refused_fi.err
    assert call(["log", survey, "5", "--arm", "video", "--at", "2025-03-03T09:00Z"], db=db).code == 0

    narrower = call(["amend", survey, "--reason", "a shorter scale", "--set", "turvallisuudentunne.valid_max=4"], db=db)
    assert narrower.code == 1 and "stored observation" in narrower.err
    wider = call(["amend", survey, "--reason", "two more steps", "--set", "turvallisuudentunne.valid_max=7"], db=db)
    assert wider.code == 0, wider
    with kokeilu.open(db, read_only=True) as tracker:
        e = tracker.get(survey)
    assert e.metrics[0].valid_max == 7.0
    assert e.amendments[-1].field == "metrics[turvallisuudentunne].valid_max"


def test_a_further_metric_with_a_range_and_a_bad_range(db: Path) -> None:
    assert call(["init"], db=db).code == 0
    added = "name=kuormitus,minimum_effect=1,valid_min=0,valid_max=10"
    result = call(["new", *OPTIONS, "--add-metric", added, "--json"], db=db)
    assert result.code == 0, result
    assert json.loads(result.out)["metrics"][1]["valid_max"] == 10.0
    upside_down = call(["new", *OPTIONS, "--valid-min", "5", "--valid-max", "1"], db=db)
    assert upside_down.code == 1 and "must be above valid_min (5), got 1" in upside_down.err


def test_times_are_iso_8601_and_not_in_the_future(db: Path, survey: str, tmp_path: Path) -> None:
    # 3.3.2025 is a Finnish date the command takes; a two-digit year is not.
    day_first = call(["log", survey, "4", "--arm", "video", "--at", "3.3.25"], db=db)
    assert day_first.code == 2 and "is not a time" in day_first.err
    compact = call(["log", survey, "4", "--arm", "video", "--at", "20250303T0900"], db=db)
    assert compact.code == 2
    future = call(["log", survey, "4", "--arm", "video", "--at", FUTURE], db=db)
    assert future.code == 1 and "--allow-future" in future.err and "allow_future" not in future.err
    future_fi = call(["--lang", "fi", "log", survey, "4", "--arm", "video", "--at", FUTURE], db=db)
    assert "on yli vuorokauden päässä tulevaisuudessa" in future_fi.err
    assert count(db, survey) == 0
    assert call(["log", survey, "4", "--arm", "video", "--at", FUTURE, "--allow-future"], db=db).code == 0

    rows = tmp_path / "rows.csv"
    rows.write_text(f"value,arm,at\n4,video,2025-03-03T09:00Z\n3,kontrolli,{FUTURE}\n", encoding="utf-8")
    imported = call(["import", survey, str(rows)], db=db)
    assert imported.code == 1
    # Times are shown in the tracker's zone (Helsinki by default).
    assert "row 3, column 'at': 2030-01-01 02:00 EET is more than a day in the future" in imported.err
    assert count(db, survey) == 1
    assert call(["import", survey, str(rows), "--allow-future"], db=db).code == 0
    assert count(db, survey) == 3


def test_the_import_reports_problems_of_text_and_of_data_together(db: Path, survey: str, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "value,arm,at\n"
        "4,video,2025-03-03T09:00Z\n"
        "9,video,2025-03-03T09:00Z\n"  # line 3: outside 1-5
        "4,video,3.3.2025\n"  # line 4: not ISO 8601
        "4,con\u200btrolli,2025-03-03T09:00Z\n"  # line 5: no such arm (it holds a zero-width space)
        "x,video,2025-03-03T09:00Z\n",  # line 6: not a number
        encoding="utf-8",
    )
    result = call(["import", survey, str(rows)], db=db)
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert "problems found: 4" in lines[0]
    assert lines[1].startswith("  row 3, column 'value': is outside the valid range")
    assert lines[2].startswith("  row 4, column 'at': '3.3.2025' is not an ISO 8601 time")
    assert lines[3].startswith("  row 5, column 'arm': unknown arm 'con\u200btrolli'")
    assert lines[4].startswith("  row 6, column 'value': 'x' is not a number")
    assert count(db, survey) == 0


def test_reasons_must_say_something(db: Path, survey: str) -> None:
    note = call(["note", survey, "\u200b\u00a0"], db=db)
    assert note.code == 1 and "TEXT: is required" in note.err
    note_fi = call(["--lang", "fi", "note", survey, "\u2060"], db=db)
    assert "on pakollinen: kirjoita, mitä tapahtui" in note_fi.err
    stop = call(["stop", survey, "--reason", "\u200b"], db=db)
    assert stop.code == 1 and "--reason" in stop.err
    amend = call(["amend", survey, "--reason", "\u200b", "--right-if", "stricter"], db=db)
    assert amend.code == 1
    with kokeilu.open(db, read_only=True) as tracker:
        e = tracker.get(survey)
        journal = tracker.journal(survey)
    assert e.status.name == "running" and not e.amendments and not journal


def test_analyze_goes_on_when_one_metric_is_too_large_to_add_up(db: Path) -> None:
    assert call(["init"], db=db).code == 0
    extra = "name=odotusaika,minimum_effect=1,direction=lower_is_better"
    key = json.loads(call(["new", *OPTIONS, "--add-metric", extra, "--json"], db=db).out)["key"]
    assert call(["start", key, "--on", "2025-01-13"], db=db).code == 0
    for arm, value in (("kontrolli", "3"), ("kontrolli", "4"), ("video", "4"), ("video", "5")):
        assert call(["log", key, value, "--arm", arm, "--at", "2025-03-03T09:00Z"], db=db).code == 0
    # A typo: 1e308 seconds where the unit was days, twice.
    for value in ("1e308", "1e308", "2"):
        assert call(["log", key, value, "--arm", "video", "--metric", "odotusaika", "--at", "2025-03-03T09:00Z"],
                    db=db).code == 0
    wide = {"COLUMNS": "300"}
    english = call(["analyze", key], db=db, env=wide)
    assert english.code == 0, english
    assert "values too large to summarise exactly (arm video)" in english.out
    assert "6.67e+307" in english.out and not re.search(r"\d{20}", english.out)  # a number, not 308 digits
    finnish = call(["--lang", "fi", "analyze", key], db=db, env=wide)
    assert finnish.code == 0 and "arvot ovat liian suuria laskettaviksi tarkasti yhteen (ryhmä video)" in finnish.out
    as_json = json.loads(call(["analyze", key, "--json"], db=db).out)
    statuses = {c["metric"]: c["status"] for c in as_json["comparisons"]}
    assert statuses["odotusaika"].startswith("values too large to summarise exactly")
    assert not statuses["turvallisuudentunne"].startswith("values too large")
    assert call(["show", key], db=db).code == 0


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_new_asks_for_the_valid_range_of_a_mean_metric(db: Path) -> None:
    assert call(["init"], db=db).code == 0
    flags = ["--title", "Survey", "--organisation", "Oulu", "--purpose", "wellbeing", "--tag", "x", "--unit", "cs"]
    flags += ["--owner", "me", "--we-believe", "a", "--to-verify", "b", "--metric", "security", "--metric-unit", ""]
    flags += ["--kind", "mean", "--direction", "higher_is_better", "--impact", "customer_outcome"]
    flags += ["--effect-scale", "absolute", "--minimum-effect", "0.3", "--baseline", "3.5"]
    t = Terminal(["new", *flags], db=db, env={"LANG": "en_GB.UTF-8"})
    try:
        t.answer("The metric's name as people read it", "")
        t.answer("Smallest valid value", "1")
        t.answer("Largest valid value", "0.5")  # below the smallest: asked again
        t.expect("the largest valid value must be above the smallest (1)")
        t.answer("Largest valid value", "5")
        t.answer("And measure", "")
        t.answer("We are right if", "")
        t.answer("Has any of the data been seen already?", "")
        t.answer("Design", "")
        t.answer("Arms, separated by commas", "")
        t.answer("Planned shares of the arms", "")  # equal shares by default
        t.answer("Each subject's value before the experiment", "")  # no covariate
        t.answer("Planned start", "2025-01-13")
        t.answer("Planned end", "")
        t.answer("Save the experiment? [Y/n]", "y")
        t.expect("Created experiment")
        assert t.wait() == 0
    finally:
        t.kill()
    with kokeilu.open(db, read_only=True) as tracker:
        [e] = tracker.experiments()
    assert (e.metrics[0].valid_min, e.metrics[0].valid_max) == (1.0, 5.0)
    assert e.metrics[0].covariate == ""
