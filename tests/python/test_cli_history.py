"""The history through the kokeilu command: void, delete, history, verify (with checkpoints), a
repeated import and a repeated new, and the warnings of show and analyze, in English and Finnish."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402
from schema_support import as_schema_2  # noqa: E402

import kokeilu  # noqa: E402

CSV = "value,arm,at\n3,kontrolli,2025-03-04T10:00:00Z\n4,video,2025-03-04T11:00:00Z\n1e308,video,2025-03-04T12:00:00Z\n"




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


def test_an_import_run_again_writes_nothing_and_says_so(db: Path, running: str, tmp_path: Path) -> None:
    path = tmp_path / "kysely.csv"
    path.write_text(CSV, encoding="utf-8")
    first = call(["--lang", "en", "import", running, str(path)], db=db)
    assert first.code == 0 and first.out.startswith("3 observations imported"), first
    again = call(["--lang", "en", "import", running, str(path)], db=db)
    assert again.code == 0, again
    assert "was imported into OULU-1 before" in again.out and "nothing was written" in again.out
    assert again.err == ""  # no Python warning: the command says it in its own words
    again_fi = call(["--lang", "fi", "import", running, str(path)], db=db)
    assert "on tuotu kokeiluun OULU-1 jo aiemmin" in again_fi.out
    with kokeilu.open(db) as t:
        assert t.count_observations(running) == 3
    # Another key for the same file is another write (the user asked for it by name).
    third = call(["--lang", "en", "import", running, str(path), "--idempotency-key", "second-look"], db=db)
    assert third.code == 0 and third.out.startswith("3 observations imported")


def test_a_new_run_again_with_its_key_writes_nothing(db: Path, running: str) -> None:
    again = call(["--lang", "en", "new", *HOME_CARE, "--planned-start", "2025-03-03", "--planned-end", "2025-06-30",
                  "--key", running], db=db)
    assert again.code == 0, again
    assert "already exists with exactly this content" in again.out
    other = call(["--lang", "en", "new", *HOME_CARE, "--planned-start", "2025-03-03", "--planned-end", "2025-06-30",
                  "--key", running, "--title", "Toinen otsikko"], db=db)
    assert other.code == 1 and "title (stored 'Etäkäynnit iltaisin', given 'Toinen otsikko')" in other.err


def test_void_by_id_and_by_batch_and_the_history_lists_them(db: Path, running: str, tmp_path: Path) -> None:
    path = tmp_path / "kysely.csv"
    path.write_text(CSV, encoding="utf-8")
    assert call(["import", running, str(path)], db=db).code == 0
    broken = call(["--lang", "en", "analyze", running], db=db)
    voided = call(["--lang", "en", "void", running, "3", "--reason", "typed 1e308 for 3", "--author", "Aino"], db=db)
    assert voided.code == 0, voided
    assert "Voided 1 observation of OULU-1" in voided.out
    analysed = call(["--lang", "en", "analyze", running], db=db)
    assert analysed.code == 0, (broken, analysed)
    again = call(["--lang", "fi", "void", running, "3", "--reason", "uudestaan"], db=db)
    assert again.code == 1 and "mitätöitiin jo" in again.err
    assert call(["--lang", "en", "void", running, "--reason", "nothing named"], db=db).code == 1
    assert "--batch" in call(["--lang", "en", "void", running, "--reason", "x"], db=db).err
    assert call(["--lang", "en", "void", running, "x1", "--reason", "not an id"], db=db).code == 1
    assert call(["--lang", "en", "void", running, "1"], db=db).code == 2  # --reason is required

    listed = call(["--lang", "en", "history", running], db=db)
    assert listed.code == 0, listed
    assert "observations" in listed.out and "batch 4: 3 rows" in listed.out and "void" in listed.out
    batch = call(["--lang", "en", "void", running, "--batch", "4", "--reason", "the whole file was a test"], db=db)
    assert batch.code == 0 and "Voided 2 observations" in batch.out, batch
    with kokeilu.open(db) as t:
        assert t.count_observations(running) == 0
        assert len(t.voids(running)) == 3
    assert call(["--lang", "en", "verify"], db=db).code == 0


def test_only_a_draft_is_deleted(db: Path, running: str) -> None:
    refused = call(["--lang", "en", "delete", running], db=db)
    assert refused.code == 1 and "only a draft can be deleted" in refused.err
    draft = call(["new", *HOME_CARE, "--key", "OULU-2"], db=db)
    assert draft.code == 0
    deleted = call(["--lang", "fi", "delete", "OULU-2"], db=db)
    assert deleted.code == 0 and "Luonnos OULU-2 poistettiin." in deleted.out
    assert call(["show", "OULU-2"], db=db).code == 1


def test_verify_checkpoints_and_the_warnings_of_show_and_analyze(db: Path, running: str, tmp_path: Path) -> None:
    ok = call(["--lang", "en", "verify"], db=db)
    assert ok.code == 0 and "The file agrees with its history" in ok.out, ok
    checkpoint = call(["verify", "--checkpoint"], db=db).out.strip()
    assert checkpoint.startswith("kokeilu-checkpoint/1 ")
    assert call(["note", running, "the log grows"], db=db).code == 0
    since = call(["--lang", "en", "verify", "--since", checkpoint], db=db)
    assert since.code == 0 and "only grew since the checkpoint" in since.out
    bad = call(["--lang", "en", "verify", "--since", "not a checkpoint"], db=db)
    assert bad.code == 1 and "checkpoint" in bad.err

    con = sqlite3.connect(db)
    con.execute("UPDATE metrics SET minimum_effect = 0.1")
    con.commit()
    con.close()
    shown = call(["--lang", "en", "show", running], db=db)
    assert shown.code == 0
    assert "Warning: OULU-1 differs from its history (metrics[turvallisuudentunne].minimum_effect" in shown.err
    analysed = call(["--lang", "fi", "analyze", running], db=db)
    assert "Varoitus: OULU-1 poikkeaa muutoshistoriastaan" in analysed.err
    found = call(["--lang", "en", "verify"], db=db)
    assert found.code == 1
    assert "OULU-1 metrics[turvallisuudentunne].minimum_effect: stored '0.1'" in found.err
    assert "lock_hash" in found.err
    as_json = call(["verify", "--json"], db=db)
    assert as_json.code == 1 and '"ok": false' in as_json.out


def test_a_file_from_before_says_its_history_begins_at_migration(db: Path, running: str) -> None:
    as_schema_2(db)
    assert call(["note", running, "opened by the new version"], db=db).code == 0
    result = call(["--lang", "en", "verify"], db=db)
    assert result.code == 0, result
    assert "The history begins at the migration from schema version 2" in result.out
