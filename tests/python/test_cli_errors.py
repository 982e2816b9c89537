"""Every subcommand's main mistake: exit code 1 (user error) or 2 (usage), one line saying what to
fix, in the user's language, nothing written, and no traceback unless --debug."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, Result, call  # noqa: E402

import kokeilu  # noqa: E402


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kokeilut.db"
    assert call(["init"], db=path).code == 0
    return path


@pytest.fixture
def running(db: Path) -> str:
    made = call(["new", *HOME_CARE, "--json"], db=db)
    assert made.code == 0, made
    key = json.loads(made.out)["key"]
    assert call(["start", key, "--on", "2026-01-05"], db=db).code == 0
    return key


def user_error(result: Result, *fragments: str) -> None:
    """Exit 1, one line on stderr starting with the error word, naming what to fix."""
    assert result.code == 1, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result
    assert lines[0].startswith(("Error: ", "Virhe: ", "Fel: ")), result
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0], result


def usage_error(result: Result, *fragments: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err
    first = result.err.strip().splitlines()[0]
    for fragment in fragments:
        assert fragment in first, result


def count(db: Path, key: str) -> int:
    with kokeilu.open(db, read_only=True) as tracker:
        return tracker.count_observations(key)


# -- unknown key, in every command that takes one ----------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["show", "OULU-2026-999"],
        ["start", "OULU-2026-999"],
        ["stop", "OULU-2026-999", "--reason", "x"],
        ["amend", "OULU-2026-999", "--reason", "x", "--set", "title=y"],
        ["note", "OULU-2026-999", "text"],
        ["log", "OULU-2026-999", "4"],
        ["import", "OULU-2026-999", "file.csv"],
        ["conclude", "OULU-2026-999", "--verdict", "refuted"],
        ["export", "--key", "OULU-2026-999"],
    ],
)
def test_unknown_key(db: Path, running: str, args: list[str]) -> None:
    user_error(call(args, db=db), "'OULU-2026-999'", f"{running}?")
    user_error(
        call(["--lang", "fi", *args], db=db), "Virhe: kokeilua 'OULU-2026-999' ei löydy", f"tarkoititko {running}?"
    )


def test_missing_tracker_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    user_error(call(["list"], db=missing), "kokeilu init", str(missing))
    user_error(call(["list", "--lang", "fi"], db=missing), "seurantatiedostoa", "kokeilu init")
    assert not missing.exists()


def test_unknown_arm_is_named_with_the_known_ones(db: Path, running: str) -> None:
    result = call(["--lang", "fi", "log", running, "4", "--arm", "videot"], db=db)
    user_error(result)
    assert result.err.strip() == "Virhe: --arm: tuntematon ryhmä 'videot'. Tunnetut: kontrolli, video"
    user_error(call(["log", running, "4", "--arm", "videot"], db=db), "unknown arm 'videot'", "kontrolli, video")
    user_error(call(["log", running, "4"], db=db), "--arm", "kontrolli, video")
    user_error(
        call(["log", running, "4", "--arm", "video", "--metric", "odotusaika"], db=db),
        "odotusaika",
        "turvallisuudentunne",
    )
    assert count(db, running) == 0


def test_bad_date_and_time(db: Path, running: str) -> None:
    usage_error(
        call(["--lang", "fi", "log", running, "4", "--arm", "video", "--at", "2026-13-01"], db=db),
        "--at",
        "ei ole ajankohta",
    )
    usage_error(call(["start", running, "--on", "32.1.2026"], db=db), "--on", "not a date", "YYYY-MM-DD")
    usage_error(call(["new", *HOME_CARE, "--planned-end", "huomenna"], db=db), "--planned-end")
    # A good time that is before the start needs --backfill.
    user_error(call(["log", running, "4", "--arm", "video", "--at", "2025-12-31T23:00:00Z"], db=db), "--backfill")
    assert count(db, running) == 0


def test_bad_value(db: Path, running: str) -> None:
    usage_error(call(["log", running, "neljä", "--arm", "video"], db=db), "VALUE", "'neljä' is not a number")
    assert count(db, running) == 0


def test_missing_reason(db: Path, running: str) -> None:
    usage_error(call(["stop", running], db=db), "--reason")
    usage_error(call(["--lang", "fi", "amend", running, "--right-if", "x"], db=db), "Virhe: valitsin --reason puuttuu")
    user_error(call(["stop", running, "--reason", "  "], db=db), "--reason")
    with kokeilu.open(db, read_only=True) as tracker:
        e = tracker.get(running)
    assert e.status.name == "running"
    assert e.test_card.right_if == "turvallisuudentunne ei laske yli 0,3 pistettä"


def test_locked_field(db: Path, running: str) -> None:
    concluded = call(
        [
            "conclude",
            running,
            "--verdict",
            "refuted",
            "--decision",
            "stop",
            "--we-observed",
            "a",
            "--we-learned",
            "b",
            "--therefore",
            "c",
        ],
        db=db,
    )
    assert concluded.code == 0, concluded
    user_error(
        call(["amend", running, "--reason", "later idea", "--right-if", "anything"], db=db), "right_if", "concluded"
    )
    user_error(
        call(["--lang", "fi", "amend", running, "--reason", "x", "--minimum-effect", "turvallisuudentunne=0.1"], db=db),
        "päätetty", "ei voi enää muuttaa",
    )
    user_error(
        call(["amend", running, "--reason", "x", "--set", "status=draft"], db=db), "status", "start, stop or conclude"
    )
    user_error(call(["amend", running, "--reason", "x", "--set", "key=X-1"], db=db), "key")
    with kokeilu.open(db, read_only=True) as tracker:
        assert tracker.get(running).test_card.right_if == "turvallisuudentunne ei laske yli 0,3 pistettä"


def test_amend_unknown_field_and_nothing_to_change(db: Path, running: str) -> None:
    user_error(call(["amend", running, "--reason", "x", "--set", "colour=red"], db=db), "colour", "right_if")
    user_error(call(["amend", running, "--reason", "x"], db=db), "--set")
    usage_error(call(["amend", running, "--reason", "x", "--set", "no-equals-sign"], db=db), "--set", "NAME=VALUE")


def test_amend_after_start_is_recorded(db: Path, running: str) -> None:
    result = call(
        [
            "--lang",
            "fi",
            "amend",
            running,
            "--reason",
            "kyselyä tarkennettiin",
            "--and-measure",
            "turvallisuudentunnetta",
        ],
        db=db,
    )
    assert result.code == 0, result
    assert "muutoshistoriaan" in result.out
    with kokeilu.open(db, read_only=True) as tracker:
        amendments = tracker.get(running).amendments
    assert [(a.field, a.reason) for a in amendments] == [("test_card.and_measure", "kyselyä tarkennettiin")] or (
        len(amendments) == 1 and amendments[0].reason == "kyselyä tarkennettiin"
    )


def test_lifecycle_mistakes(db: Path, running: str) -> None:
    user_error(call(["start", running], db=db), "only a draft")
    user_error(call(["--lang", "fi", "start", running], db=db), "käynnissä", "vain luonnoksen")
    draft = json.loads(call(["new", *HOME_CARE, "--json"], db=db).out)["key"]
    user_error(call(["log", draft, "4", "--arm", "video"], db=db), "draft", "start it first")
    user_error(call(["--lang", "fi", "log", draft, "4", "--arm", "video"], db=db), "luonnos", "käynnistä se ensin")
    user_error(call(["conclude", draft, "--verdict", "refuted"], db=db), "only a running experiment")
    assert call(["stop", running, "--reason", "the clients' association asked us to pause"], db=db).code == 0
    user_error(call(["log", running, "4", "--arm", "video"], db=db), "--backfill")
    user_error(call(["stop", running, "--reason", "again"], db=db), "cannot stop", "stopped")
    user_error(call(["--lang", "sv", "stop", running, "--reason", "igen"], db=db), "avbrutet")
    # A reason of spaces is no reason: the core's rule, said with the option's name.
    draft_stop = call(["stop", draft, "--reason", "   "], db=db)
    user_error(draft_stop, "--reason")
    # Data that arrived late goes in with --backfill.
    assert call(["log", running, "4", "--arm", "video", "--backfill", "--at", "2026-01-06"], db=db).code == 0


def test_new_without_terminal_needs_every_required_flag(db: Path) -> None:
    result = call(["new", "--title", "Chat advice", "--organisation", "Kuusamo"], db=db)
    user_error(result, "--purpose", "--we-believe", "--right-if", "--metric", "--minimum-effect")
    fi = call(["--lang", "fi", "new", "--title", "Chat"], db=db)
    user_error(fi, "puuttuvat valitsimet: --organisation", "ilman päätettä")
    assert call(["list", "--json"], db=db).out.strip() == "[]"


def test_new_checks_arms_and_effect(db: Path) -> None:
    arms_at = HOME_CARE.index("--arm")
    one_arm = [*HOME_CARE[:arms_at], "--arm", "kontrolli", *HOME_CARE[arms_at + 4 :]]
    user_error(call(["new", *one_arm], db=db), "--arm", "at least two arms")
    user_error(call(["new", *HOME_CARE, "--arm", "Video"], db=db), "'Video'")
    usage_error(call(["new", *HOME_CARE[:-4], "--minimum-effect", "0"], db=db), "--minimum-effect")
    share = [*HOME_CARE, "--kind", "proportion", "--minimum-effect", "5"]
    user_error(call(["new", *share], db=db), "--minimum-effect", "0.05")
    assert call(["list", "--json"], db=db).out.strip() == "[]"


def test_activity_metric_is_warned_about_and_cannot_be_supported(db: Path) -> None:
    made = call(["new", *HOME_CARE, "--impact", "activity", "--json"], db=db)
    assert made.code == 0, made
    assert "activity" in made.err and "customer" in made.err
    key = json.loads(made.out)["key"]
    assert call(["start", key], db=db).code == 0
    learning = ["--decision", "scale_up", "--we-observed", "a", "--we-learned", "b", "--therefore", "c"]
    user_error(
        call(["conclude", key, "--verdict", "supported", *learning], db=db), "activity", "'refuted' or 'inconclusive'"
    )
    assert call(["conclude", key, "--verdict", "inconclusive", *learning], db=db).code == 0


def test_conclude_without_terminal_needs_the_learning_card(db: Path, running: str) -> None:
    user_error(
        call(["conclude", running, "--verdict", "refuted", "--decision", "stop"], db=db), "--we-observed", "--therefore"
    )
    usage_error(
        call(["conclude", running, "--verdict", "maybe"], db=db), "--verdict", "supported, refuted, inconclusive"
    )


def test_note_and_usage_mistakes(db: Path, running: str) -> None:
    user_error(call(["note", running, "   "], db=db))
    usage_error(call(["note", running], db=db), "TEXT")
    usage_error(call(["lgo", running], db=db), "lgo")
    usage_error(call(["--lang", "fi", "log", running, "4", "--armm", "video"], db=db), "tuntematon valitsin --armm")
    usage_error(call(["--lang", "de", "list"], db=db), "--lang")


def test_export_to_unwritable_place(db: Path, tmp_path: Path) -> None:
    user_error(call(["export", "--output", str(tmp_path / "no" / "such" / "dir.csv")], db=db), "dir.csv")


def test_traceback_only_with_debug(db: Path) -> None:
    plain = call(["show", "NOPE-1"], db=db)
    user_error(plain, "NOPE-1")
    debug = call(["show", "NOPE-1", "--debug"], db=db)
    assert debug.code == 1
    assert "Traceback" in debug.err
    assert debug.err.strip().splitlines()[-1].startswith("Error: ")


def test_not_a_tracker_file(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("these are my notes, not a tracker\n", encoding="utf-8")
    result = call(["list"], db=junk)
    user_error(result)
    assert junk.read_text(encoding="utf-8") == "these are my notes, not a tracker\n"


def test_one_group_design_needs_a_baseline(db: Path) -> None:
    arms_at = HOME_CARE.index("--arm")
    one_group = [*HOME_CARE[:arms_at], "--design", "one_sample", "--arm", "asiakkaat", *HOME_CARE[arms_at + 4 :]]
    user_error(call(["--lang", "fi", "new", *one_group], db=db), "--baseline on pakollinen")
    made = call(["new", *one_group, "--baseline", "3.9", "--json"], db=db)
    assert made.code == 0, made
    assert json.loads(made.out)["arms"] == [{"name": "asiakkaat", "role": "group", "description": "", "share": None}]
    # A role that does not fit the design is named in the user's language.
    wrong = [*HOME_CARE[:arms_at], "--arm", "a:before", "--arm", "b:treatment", *HOME_CARE[arms_at + 4 :]]
    user_error(call(["--lang", "fi", "new", *wrong], db=db), "ei ole roolia 'before'")


def test_further_metrics_in_new_and_amend(db: Path) -> None:
    guardrail = "name=lääke_unohtui,role=guardrail,kind=proportion,direction=lower_is_better,minimum_effect=0.02"
    made = call(["new", *HOME_CARE, "--add-metric", guardrail, "--json"], db=db)
    assert made.code == 0, made
    record = json.loads(made.out)
    assert [(m["name"], m["role"], m["kind"]) for m in record["metrics"]] == [
        ("turvallisuudentunne", "primary", "mean"),
        ("lääke_unohtui", "guardrail", "proportion"),
    ]
    key = record["key"]
    assert call(["start", key], db=db).code == 0
    added = call(
        ["--lang", "fi", "amend", key, "--reason", "odotusaika kiinnosti asiakkaita", "--add-metric",
         "name=odotus,direction=lower_is_better,minimum_effect=2,unit=min"],
        db=db,
    )  # fmt: skip
    assert added.code == 0, added
    assert "uusi mittari odotus" in added.out and "muutoshistoriaan" in added.out
    with kokeilu.open(db, read_only=True) as tracker:
        e = tracker.get(key)
    assert [m.name for m in e.metrics] == ["turvallisuudentunne", "lääke_unohtui", "odotus"]
    assert len(e.amendments) == 1 and e.amendments[0].reason == "odotusaika kiinnosti asiakkaita"
    usage_error(call(["new", *HOME_CARE, "--add-metric", "name=x,colour=red"], db=db), "--add-metric", "colour")
    usage_error(call(["new", *HOME_CARE, "--add-metric", "name=x"], db=db), "--add-metric", "minimum_effect")
    user_error(call(["new", *HOME_CARE, "--add-metric", "name=y,minimum_effect=1,role=primary"], db=db), "primary")
