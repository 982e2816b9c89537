"""The lifecycle's and the store's errors carry their code and typed parameters to Python, and the
command says them in Finnish, Swedish or English from the catalogues."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402

import kokeilu  # noqa: E402
from kokeilu.cli.i18n import Messages  # noqa: E402

CSV = "value,arm,at\n3,kontrolli,2025-03-04T10:00:00Z\n4,video,2025-03-04T11:00:00Z\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kokeilut.db"
    assert call(["init"], db=path).code == 0
    return path


@pytest.fixture
def running(db: Path) -> str:
    made = call(["new", *HOME_CARE, "--planned-start", "2025-03-03", "--planned-end", "2025-06-30", "--key", "OULU-1"],
                db=db)
    assert made.code == 0, made
    assert call(["start", "OULU-1", "--on", "2025-03-03"], db=db).code == 0
    return "OULU-1"


def test_a_missing_experiment_has_its_code_and_key(tmp_path: Path) -> None:
    with kokeilu.open(tmp_path / "t.db") as tracker, pytest.raises(kokeilu.NotFoundError) as raised:
        tracker.get("OULU-2026-999")
    assert raised.value.code == "lifecycle.experiment_not_found"
    assert raised.value.params == {"key": "OULU-2026-999"}
    assert str(raised.value) == "experiment not found: OULU-2026-999"


def test_a_refused_transition_has_its_code_and_the_status(db: Path, running: str) -> None:
    with kokeilu.open(db) as tracker, pytest.raises(kokeilu.InvalidStateError) as raised:
        tracker.start(running)
    assert raised.value.code == "lifecycle.cannot_start"
    assert raised.value.params == {"key": running, "status": "running"}


def test_a_missing_metric_has_its_code_and_name(db: Path, running: str) -> None:
    with kokeilu.open(db) as tracker:
        experiment = tracker.get(running)
    with pytest.raises(kokeilu.NotFoundError) as raised:
        experiment.metric("kävijät")
    assert raised.value.code == "lifecycle.metric_not_found"
    assert raised.value.params == {"name": "kävijät"}


def test_a_file_that_is_no_database_is_refused_in_each_language(tmp_path: Path) -> None:
    path = tmp_path / "muistiinpanot.db"
    path.write_text("ei tietokanta\n", encoding="utf-8")
    with pytest.raises(kokeilu.SchemaError) as raised:
        kokeilu.open(path)
    assert raised.value.code == "store.not_a_database"
    assert raised.value.params == {"path": str(path)}
    said = {lang: call(["--lang", lang, "list"], db=path) for lang in ("fi", "sv", "en")}
    assert all(result.code == 1 for result in said.values()), said
    assert f"'{path}' ei ole kokeilujen seurantatiedosto eikä SQLite-tietokanta; tiedostoa ei muutettu" in said["fi"].err
    assert f"'{path}' är ingen uppföljningsfil för kokeilu: den är ingen SQLite-databas" in said["sv"].err
    assert f"'{path}' is not a kokeilu tracker: it is not a SQLite database; it was left unchanged" in said["en"].err


def test_a_folder_given_as_the_tracker_is_refused_in_each_language(tmp_path: Path) -> None:
    folder = tmp_path / "kansio.db"
    folder.mkdir()
    fi = call(["--lang", "fi", "list"], db=folder)
    sv = call(["--lang", "sv", "list"], db=folder)
    assert fi.code == 1 and f"'{folder}' ei ole tavallinen tiedosto vaan kansio" in fi.err, fi
    assert sv.code == 1 and f"'{folder}' är ingen vanlig fil utan en mapp" in sv.err, sv


def test_a_second_void_is_refused_in_each_language(db: Path, running: str, tmp_path: Path) -> None:
    path = tmp_path / "kysely.csv"
    path.write_text(CSV, encoding="utf-8")
    assert call(["import", running, str(path)], db=db).code == 0
    assert call(["void", running, "2", "--reason", "väärä ryhmä", "--author", "Aino"], db=db).code == 0
    with kokeilu.open(db) as tracker, pytest.raises(kokeilu.InvalidStateError) as raised:
        tracker.void(running, ids=[2], reason="again")
    assert raised.value.code == "store.observation_voided_on"
    assert raised.value.params["id"] == 2 and raised.value.params["reason"] == "väärä ryhmä"
    fi = call(["--lang", "fi", "void", running, "2", "--reason", "uudestaan"], db=db)
    sv = call(["--lang", "sv", "void", running, "2", "--reason", "igen"], db=db)
    assert fi.code == 1 and "kokeilun OULU-1 havainto 2 mitätöitiin jo" in fi.err and "väärä ryhmä" in fi.err
    assert sv.code == 1 and "observation 2 i försöket OULU-1 ogiltigförklarades redan" in sv.err


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fi", "kokeilua OULU-1 ei voi käynnistää, koska sen tila on ”käynnissä”; vain luonnoksen voi käynnistää"),
        ("sv", "försöket OULU-1 kan inte startas eftersom dess status är ”pågår”; endast ett utkast kan startas"),
        ("en", "cannot start OULU-1: its status is running; only a draft can be started"),
    ],
)
def test_a_coded_lifecycle_message_in_each_language(lang: str, text: str) -> None:
    assert Messages(lang).core("lifecycle.cannot_start", {"key": "OULU-1", "status": "running"}) == text


def test_numbers_of_a_store_message_are_written_in_the_language() -> None:
    params = {"count": 1200, "ids": "3, 4", "first": 3, "problem": "x", "from": "mean", "to": "proportion"}
    english = Messages("en").core("store.kind_change_misfits", params) or ""
    assert english.startswith("cannot change from mean to proportion: 1,200 observations do not fit it")
    fi = Messages("fi")
    assert (fi.core("store.kind_change_misfits", params) or "").startswith(
        f"lajia ei voi muuttaa (mean → proportion): {fi.number(1200)} tallennettua havaintoa ei sovi siihen"
    )


def test_the_lifecycle_rule_can_be_asked_before_a_step(db: Path, running: str) -> None:
    """The command asks the core, before its conclude questions, whether the step can be taken."""
    with kokeilu.open(db) as tracker:
        e = tracker.get(running)
        e.require_step(kokeilu.LifecycleStep.conclude)
        e.require_step(kokeilu.LifecycleStep.stop)
        with pytest.raises(kokeilu.InvalidStateError) as raised:
            e.require_step(kokeilu.LifecycleStep.start)
        assert raised.value.code == "lifecycle.cannot_start"
        assert raised.value.params == {"key": running, "status": "running"}
        stopped = tracker.stop(e, "paused by the clients' association", on="2025-03-10")
        for step in (kokeilu.LifecycleStep.conclude, kokeilu.LifecycleStep.stop):
            with pytest.raises(kokeilu.InvalidStateError) as raised:
                stopped.require_step(step)
            assert raised.value.code == f"lifecycle.cannot_{step.name}"


def test_conclude_refuses_a_stopped_experiment_before_asking_for_anything(db: Path, running: str) -> None:
    assert call(["stop", running, "--reason", "paused", "--on", "2025-03-10"], db=db).code == 0
    fi = call(["--lang", "fi", "conclude", running], db=db)
    assert fi.code == 1 and "vain käynnissä olevan" in fi.err and "ei voi päättää" in fi.err
