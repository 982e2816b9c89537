"""A whole experiment through the kokeilu command, in child processes: init to conclude with flags."""

from __future__ import annotations

import csv
import datetime
import io
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call, run  # noqa: E402

import kokeilu  # noqa: E402


def test_complete_experiment_from_init_to_conclude(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"

    # The default file is kokeilut.db in the current directory.
    created = run(["init"], cwd=tmp_path)
    assert created.code == 0, created
    assert db.exists()
    assert "kokeilut.db" in created.out

    made = run(["new", *HOME_CARE, "--json"], db=db)
    assert made.code == 0, made
    record = json.loads(made.out)
    key = record["key"]
    assert record["status"] == "draft"
    assert [(a["name"], a["role"]) for a in record["arms"]] == [("kontrolli", "control"), ("video", "treatment")]
    assert record["metrics"][0]["minimum_effect"] == 0.3

    started = run(["--lang", "fi", "start", key, "--on", "2025-01-06"], db=db)
    assert started.code == 0, started
    assert f"Kokeilu {key} käynnistettiin." in started.out

    # A decimal comma, and an arm name in other case than it was created with.
    for value, arm in (("4,5", "video"), ("5", "VIDEO")):
        logged = run(["log", key, value, "--arm", arm, "--at", "2025-01-11T18:30:00+02:00"], db=db)
        assert logged.code == 0, logged

    csv_file = tmp_path / "kysely.csv"
    csv_file.write_text(
        "value,arm,at\n3,kontrolli,2025-01-12T10:00:00Z\n4,kontrolli,2025-01-12T10:30:00Z\n4,video,2025-01-12T11:00:00Z\n",
        encoding="utf-8",
    )
    imported = run(["import", key, str(csv_file)], db=db)
    assert imported.code == 0, imported
    assert imported.out.startswith("3 observations imported")

    noted = run(["note", key, "Two clients asked to return to visits in person."], db=db)
    assert noted.code == 0, noted
    amended = run(
        [
            "amend",
            key,
            "--reason",
            "the survey scale was agreed with the clients",
            "--minimum-effect",
            "turvallisuudentunne=0.25",
        ],
        db=db,
    )
    assert amended.code == 0, amended
    assert "turvallisuudentunne.minimum_effect" in amended.out

    concluded = run(
        [
            "conclude", key,
            "--verdict", "inconclusive",
            "--decision", "adapt",
            "--we-observed", "the sense of security stayed the same",
            "--we-learned", "video suits clients who already use a tablet",
            "--therefore", "we offer video visits to tablet users only and measure again",
            "--on", "2025-05-03",
        ],
        db=db,
    )  # fmt: skip
    assert concluded.code == 0, concluded
    assert "inconclusive" in concluded.out

    shown = run(["show", key, "--json"], db=db)
    assert shown.code == 0, shown
    state = json.loads(shown.out)
    assert state["status"] == "concluded"
    assert state["outcome"]["decision"] == "adapt"
    assert state["outcome"]["decided_on"] == "2025-05-03"
    # The Learning Card starts from the hypothesis as it was locked.
    assert state["outcome"]["learning_card"]["we_believed"] == record["test_card"]["we_believe"]
    assert len(state["amendments"]) == 1
    assert "minimum_effect" in state["amendments"][0]["field"]
    assert state["amendments"][0]["new_value"] == "0.25"
    assert state["amendments"][0]["reason"] == "the survey scale was agreed with the clients"
    assert state["journal"][0]["text"] == "Two clients asked to return to visits in person."
    counts = {(c["metric"], c["arm"]): c["rows"] for c in state["observations"]}
    assert counts == {("turvallisuudentunne", "kontrolli"): 2, ("turvallisuudentunne", "video"): 3}

    # What the command wrote is what the Python API reads.
    with kokeilu.open(db, read_only=True) as tracker:
        frame = tracker.observations(key)
    assert sorted(frame["value"].tolist()) == [3.0, 4.0, 4.0, 4.5, 5.0]
    assert set(frame.loc[frame["value"] == 5.0, "arm"]) == {"video"}

    exported = run(["export", "observations", "--format", "csv"], db=db)
    assert exported.code == 0, exported
    rows = list(csv.DictReader(io.StringIO(exported.out)))
    assert len(rows) == 5
    assert {row["key"] for row in rows} == {key}

    out_file = tmp_path / "kokeilut.json"
    written = call(["export", "experiments", "--output", str(out_file)], db=db)
    assert written.code == 0, written
    experiments = json.loads(out_file.read_text(encoding="utf-8"))
    assert [e["key"] for e in experiments] == [key]
    assert experiments[0]["outcome"]["verdict"] == "inconclusive"


def test_finnish_from_the_locale_in_a_child_process(tmp_path: Path) -> None:
    result = run(["list"], db=tmp_path / "missing.db", env={"LANG": "fi_FI.UTF-8"})
    assert result.code == 1
    assert result.err.startswith("Virhe: seurantatiedostoa ")


def test_show_and_list_for_people(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    key = json.loads(call(["new", *HOME_CARE, "--json"], db=db).out)["key"]
    listed = call(["list", "--lang", "fi", "--organisation", "oulu"], db=db)
    assert listed.code == 0, listed
    assert key in listed.out and "Tunnus" in listed.out and "luonnos" in listed.out
    shown = call(["show", key], db=db, env={"LANG": "fi_FI.UTF-8"})
    assert shown.code == 0, shown
    for heading in (
        "Testikortti",
        "Uskomme, että",
        "Olemme oikeassa, jos",
        "Mittarit",
        "Ryhmät ja havainnot",
        "kontrolli",
    ):
        assert heading in shown.out
    assert "0,3" in shown.out  # a Finnish decimal comma
    english = call(["show", key], db=db)
    assert "Test Card" in english.out and "We are right if" in english.out


@pytest.mark.parametrize(
    "filters, expected",
    [
        (["--status", "draft"], 1),
        (["--status", "running"], 0),
        (["--purpose", "democracy"], 0),
        (["--tag", "kotihoito"], 1),
    ],
)
def test_list_filters(tmp_path: Path, filters: list[str], expected: int) -> None:
    db = tmp_path / "kokeilut.db"
    with kokeilu.open(db) as tracker:
        tracker.create(
            title="Etäkäynnit",
            organisation="Oulu",
            purposes=["wellbeing"],
            tags=["kotihoito"],
            arms={"kontrolli": "control", "video": "treatment"},
            metrics=[{"name": "turvallisuudentunne", "minimum_effect": 0.3}],
        )
    listed = call(["list", "--json", *filters], db=db)
    assert listed.code == 0, listed
    assert len(json.loads(listed.out)) == expected


def test_export_observations_of_several_experiments(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    with kokeilu.open(db) as tracker:
        home = tracker.create(
            title="Etäkäynnit",
            organisation="Oulu",
            purposes=["wellbeing"],
            we_believe="a",
            to_verify="b",
            and_measure="c",
            right_if="d",
            arms={"kontrolli": "control", "video": "treatment"},
            metrics=[{"name": "turvallisuudentunne", "minimum_effect": 0.3}],
        )
        library = tracker.create(
            title="Omatoimikirjasto",
            organisation="Kajaani",
            purposes=["vitality"],
            we_believe="a",
            to_verify="b",
            and_measure="c",
            right_if="d",
            design="one_sample",
            arms={"kaikki": "group"},
            metrics=[{"name": "käynnit", "kind": "count", "minimum_effect": 5, "baseline": 100}],
        )
        # A fixed start and times after it: the test must not depend on the day it runs.
        for e in (home, library):
            tracker.start(e, on=datetime.date(2025, 11, 3))
        tracker.log(home, 4.5, arm="video", at="2025-11-27T10:00:00Z", subject="asiakas 7", note="soitti itse")
        tracker.log_aggregate(library, n=7, sum=812, arm="kaikki", at="2025-11-27T12:00:00Z", exposure=1.0)

    as_json = call(["export", "observations", "--format", "json"], db=db)
    assert as_json.code == 0, as_json
    rows = {row["key"]: row for row in json.loads(as_json.out)}
    assert rows[home.key]["value"] == 4.5 and rows[home.key]["n"] is None
    assert rows[home.key]["subject"] == "asiakas 7" and rows[home.key]["note"] == "soitti itse"
    assert rows[home.key]["at"] == "2025-11-27T10:00:00.000000Z"
    assert rows[library.key]["value"] is None
    assert (rows[library.key]["n"], rows[library.key]["sum"]) == (7, 812.0)

    as_csv = call(["export", "observations", "--key", library.key], db=db)
    [only] = list(csv.DictReader(io.StringIO(as_csv.out)))
    assert (only["key"], only["metric"], only["arm"], only["value"], only["n"]) == (
        library.key,
        "käynnit",
        "kaikki",
        "",
        "7",
    )

    empty = call(["export", "observations", "--status", "concluded", "--format", "json"], db=db)
    assert json.loads(empty.out) == []
    header = call(["export", "experiments", "--status", "concluded"], db=db).out
    assert header.startswith("key,uuid,title,") and header.count("\n") == 1


def test_negative_values_after_a_double_dash(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    with kokeilu.open(db) as tracker:
        e = tracker.create(
            title="Odotusajan muutos",
            organisation="Ii",
            purposes=["wellbeing"],
            we_believe="a",
            to_verify="b",
            and_measure="c",
            right_if="d",
            design="one_sample",
            arms={"nuoret": "group"},
            metrics=[{"name": "muutos", "minimum_effect": 1, "baseline": 0}],
        )
        tracker.start(e)
    hint = call(["--lang", "fi", "log", e.key, "-2"], db=db)
    assert hint.code == 2
    assert "kokeilu log TUNNUS -- -2" in hint.err
    assert call(["log", e.key, "--", "-2"], db=db).code == 0
    with kokeilu.open(db, read_only=True) as tracker:
        assert tracker.observations(e)["value"].tolist() == [-2.0]


def test_db_option_wins_over_the_environment(tmp_path: Path) -> None:
    from_env, from_option = tmp_path / "env.db", tmp_path / "option.db"
    assert call(["init"], db=from_env).code == 0
    assert call(["init", "--db", str(from_option)], db=from_env).code == 0
    assert from_option.exists()
    made = call(["--db", str(from_option), "new", *HOME_CARE, "--json"], db=from_env)
    assert made.code == 0, made
    assert json.loads(call(["list", "--json"], db=from_env).out) == []
    assert len(json.loads(call(["list", "--json", "--db", str(from_option)]).out)) == 1
