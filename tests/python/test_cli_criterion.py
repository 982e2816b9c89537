"""The locked criterion in the command: `analyze` prints both judgements, `show` the early start
and the Test Card's "data seen" answer, `conclude` records the judgement the team chose, `export`
carries all of it, and `amend` refuses what the stored data cannot satisfy."""

from __future__ import annotations

import csv
import datetime
import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import Terminal, call  # noqa: E402

import kokeilu  # noqa: E402
from kokeilu.cli.i18n import Messages  # noqa: E402

KEY = "OULU-2026-001"
WIDE = {"COLUMNS": "400"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A running experiment started on 2025-03-03 (dated back), the video arm clearly higher."""
    path = tmp_path / "kokeilut.db"
    with kokeilu.open(path) as tracker:
        e = tracker.create(
            key=KEY,
            title="Etäkäynnit iltaisin",
            organisation="Oulu",
            we_believe="osa iltakäynneistä voidaan tehdä videolla",
            to_verify="korvaamme joka kolmannen iltakäynnin videokäynnillä",
            and_measure="turvallisuudentunnetta kyselyllä (1–5)",
            right_if="turvallisuudentunne nousee vähintään 0,3 pistettä",
            data_seen="ei",
            purposes=["wellbeing"],
            arms={"kontrolli": "control", "video": "treatment"},
            metrics=[{"name": "turva", "unit": "pistettä", "kind": "mean", "minimum_effect": 0.3}],
        )
        tracker.start(e, on=datetime.date(2025, 3, 3))
        at = [datetime.datetime(2025, 3, 4 + i % 10, 9) for i in range(40)]
        tracker.log_many(e, [3.0, 4.0, 3.0, 3.5] * 10, arm="kontrolli", at=at)
        tracker.log_many(e, [4.5, 5.0, 4.5, 4.0] * 10, arm="video", at=at)
    return path


def _amend_direction(db: Path) -> None:
    result = call(["amend", KEY, "--reason", "asteikko käännettiin", "--set", "turva.direction=lower_is_better",
                   "--minimum-effect", "turva=0.1"], db=db)
    assert result.code == 0, result


def test_analyze_prints_the_locked_verdict_and_the_exploratory_one(db: Path) -> None:
    _amend_direction(db)
    en = call(["analyze", KEY, "--lang", "en"], db=db, env=WIDE)
    assert en.code == 0, en
    assert "Verdict, against the criterion locked at start: supported" in en.out
    assert "(higher is better; 95% interval" in en.out
    assert "Exploratory: against the amended criterion (it was changed after data had been seen): refuted" in en.out
    assert "• metrics[turva].direction: higher_is_better → lower_is_better" in en.out
    assert "got worse, it rose by" in en.out and "(lower is better; 95% interval" in en.out
    fi = call(["analyze", KEY, "--lang", "fi"], db=db, env=WIDE)
    assert "Johtopäätös alussa lukittua kriteeriä vasten: hypoteesi vahvistui" in fi.out
    assert "Suuntaa antava: muutettua kriteeriä vasten" in fi.out
    assert "Onnistumisen ehtoa muutettiin käynnistyksen jälkeen" in fi.out
    data = json.loads(call(["analyze", KEY, "--json"], db=db).out)
    assert data["verdict"]["criterion"] == "locked" and data["verdict"]["verdict"] == "supported"
    assert data["amended_verdict"]["criterion"] == "amended" and data["amended_verdict"]["verdict"] == "refuted"
    assert data["criterion_changes"][0] == {
        "field": "metrics[turva].direction", "locked": "higher_is_better", "amended": "lower_is_better"}
    assert data["early_rows"] == {"kontrolli": 40, "video": 40}


def test_analyze_and_show_say_the_start_came_before_the_lock(db: Path) -> None:
    with kokeilu.open(db, read_only=True) as tracker:
        days = tracker.get(KEY).days_started_before_lock
    en = call(["analyze", KEY, "--lang", "en"], db=db, env=WIDE)
    # The command groups the digits of a count as the language does (English: 1,373).
    assert f"• Started {days:,} days before the Test Card was locked: data from 2025-03-03 to" in en.out
    assert "• Rows logged for times between the start and the lock" in en.out
    assert "kontrolli 40, video 40." in en.out
    show = call(["show", KEY, "--lang", "en"], db=db, env=WIDE)
    # show writes the same count the same way.
    assert f"Started {days:,} days before the Test Card was locked: data from 2025-03-03 to" in show.out
    assert "Had any of the data been seen already?" in show.out
    fi = call(["show", KEY, "--lang", "fi"], db=db, env=WIDE)
    assert f"Aloitettu {Messages('fi').number(days)} päivää ennen testikortin lukitsemista: aineistoa 3.3.2025–" in fi.out
    record = json.loads(call(["show", KEY, "--json"], db=db).out)
    assert record["days_started_before_lock"] == days
    assert record["test_card"]["data_seen"] == "ei"
    assert record["locked"]["metrics"][0]["direction"] == "higher_is_better"


def test_conclude_records_both_judgements_and_the_choice(db: Path) -> None:
    learning = ["--we-observed", "nousi", "--we-learned", "asteikko", "--therefore", "tarkistamme kyselyn"]
    # Nothing amended yet: a second verdict has nothing to be judged against.
    refused = call(["conclude", KEY, "--verdict", "supported", "--amended-verdict", "refuted", "--decision", "adapt",
                    *learning, "--lang", "en"], db=db)
    assert refused.code == 1 and "--amended-verdict: is only for an experiment whose success criterion was amended" in refused.err
    _amend_direction(db)
    needs = call(["conclude", KEY, "--verdict", "supported", "--judged-against", "amended", "--decision", "adapt",
                  *learning, "--lang", "en"], db=db)
    assert needs.code == 1 and "--judged-against: is 'amended'" in needs.err and "(--amended-verdict) is needed" in needs.err
    done = call(["conclude", KEY, "--verdict", "supported", "--amended-verdict", "refuted", "--judged-against",
                 "locked", "--decision", "adapt", *learning, "--lang", "en"], db=db)
    assert done.code == 0, done
    assert "supported against the criterion locked at start, refuted against the amended criterion" in done.out
    show = call(["show", KEY, "--lang", "en"], db=db, env=WIDE)
    assert ("against the locked criterion: supported; against the amended criterion (exploratory): refuted; "
            "the team chose: the criterion locked at start") in show.out
    exported = list(csv.DictReader(io.StringIO(call(["export", "experiments"], db=db).out)))
    assert (exported[0]["verdict"], exported[0]["amended_verdict"], exported[0]["judged_against"]) == (
        "supported", "refuted", "locked")
    assert exported[0]["criterion_changes"].startswith("metrics[turva].direction: higher_is_better -> lower_is_better")
    assert exported[0]["data_seen"] == "ei"
    assert exported[0]["lock_note"].startswith(f"Started {int(exported[0]['days_started_before_lock']):,} days before")


def test_amend_refuses_a_kind_the_stored_values_contradict(db: Path) -> None:
    for lang, words in (("en", "cannot change from mean to proportion: 80 observations do not fit it (ids 1, 2, 3,"),
                        ("fi", "lajia ei voi muuttaa (mean → proportion): 80 tallennettua havaintoa ei sovi siihen")):
        result = call(["amend", KEY, "--reason", "osuus", "--set", "turva.kind=proportion", "--minimum-effect",
                       "turva=0.1", "--lang", lang], db=db)
        assert result.code == 1 and words in result.err, result
    assert "Verdict: supported" in call(["analyze", KEY, "--lang", "en"], db=db, env=WIDE).out


def test_log_refuses_a_value_in_the_other_period(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    with kokeilu.open(path) as tracker:
        e = tracker.create(
            title="Chat", organisation="Kuusamo", purposes=["vitality"], we_believe="a", to_verify="b",
            and_measure="c", right_if="d", design="before_after", arms={"ennen": "before", "jälkeen": "after"},
            metrics=[{"name": "valmis", "kind": "proportion", "minimum_effect": 0.1}],
        )
        tracker.start(e, on=datetime.date(2025, 3, 3))
    result = call(["log", e.key, "1", "--arm", "ennen", "--at", "2025-03-10T09:00", "--backfill", "--lang", "fi"],
                  db=path)
    assert result.code == 1
    # 09:00 without an offset is Helsinki time (EET, UTC+2).
    assert "--at: 10.3.2025 klo 9.00 EET on kokeilun" in result.err
    assert "ryhmä 'ennen' on sitä edeltävä jakso" in result.err


def test_new_takes_the_data_seen_answer(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    call(["init"], db=path)
    flags = ["--title", "Callback", "--organisation", "Oulu", "--purpose", "wellbeing", "--we-believe", "a",
             "--to-verify", "b", "--and-measure", "c", "--right-if", "d", "--metric", "resolved", "--kind",
             "proportion", "--minimum-effect", "0.1", "--data-seen", "yes: the January figures", "-y", "--json"]
    result = call(["new", *flags], db=path)
    assert result.code == 0, result
    assert json.loads(result.out)["test_card"]["data_seen"] == "yes: the January figures"


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_conclude_on_a_terminal_shows_both_judgements_and_asks_which(db: Path) -> None:
    _amend_direction(db)
    t = Terminal(["conclude", KEY], db=db, env={"LANG": "en_GB.UTF-8"})
    try:
        t.expect("Analysis against the criterion locked at start: supported")
        t.expect("The success criterion was amended after the start:")
        t.expect("Exploratory analysis against the amended criterion: refuted")
        t.answer("Verdict against the criterion locked at start", "supported")
        t.answer("Verdict against the amended criterion, exploratory", "refuted")
        t.answer("Which judgement does the team stand by?", "")  # the locked one, by default
        t.answer("Decision", "adapt")
        t.answer("We believed that", "")
        t.answer("We observed", "it rose")
        t.answer("From that we learned", "the scale was turned")
        t.answer("Therefore, we will", "check the survey")
        t.expect("the team chose: the criterion locked at start")
        assert t.wait() == 0
    finally:
        t.kill()
    with kokeilu.open(db, read_only=True) as tracker:
        outcome = tracker.get(KEY).outcome
    assert outcome is not None and outcome.judged_against == kokeilu.Criterion.locked
    assert outcome.amended_verdict == kokeilu.Verdict.refuted


def test_import_refuses_a_value_in_the_other_period_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    with kokeilu.open(path) as tracker:
        e = tracker.create(
            title="Chat", organisation="Kuusamo", purposes=["vitality"], we_believe="a", to_verify="b",
            and_measure="c", right_if="d", design="before_after", arms={"ennen": "before", "jälkeen": "after"},
            metrics=[{"name": "valmis", "kind": "proportion", "minimum_effect": 0.1}],
        )
        tracker.start(e, on=datetime.date(2025, 3, 3))
    rows = tmp_path / "rows.csv"
    rows.write_text("value,arm,at\n1,ennen,2025-02-20T09:00\n0,jälkeen,2025-03-05T09:00\n1,jälkeen,2025-02-27T09:00\n",
                    encoding="utf-8")
    result = call(["import", e.key, str(rows), "--backfill", "--lang", "en"], db=path)
    assert result.code == 1, result
    # 09:00 without an offset is Helsinki time: 07:00 UTC.
    assert "row 4, column 'at': 2025-02-27 09:00 EET is before the actual start" in result.err, result
    assert "but the arm 'jälkeen' is the period after it" in result.err, result
    with kokeilu.open(path, read_only=True) as tracker:
        assert tracker.count_observations(e) == 0
