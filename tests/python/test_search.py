"""The learning library: Tracker.search as a DataFrame, each facet, the index after every kind of
write and after a bundle's import, Finnish letters and inflections, hostile text, a file of schema
11, the command ``kokeilu search`` and the report's library section."""

from __future__ import annotations

import datetime
import json
import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

import kokeilu
from kokeilu._library import LIBRARY_COLUMNS

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import call  # noqa: E402
from schema_support import as_schema_2  # noqa: E402

START = datetime.date(2025, 3, 3)
DECIDED = datetime.date(2025, 6, 30)


def fields(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Iltakirjasto",
        "organisation": "Oulu",
        "unit": "kirjasto",
        "owner": "Aino",
        "we_believe": "iltaisin avoinna oleva kirjasto tuo uusia kävijöitä",
        "to_verify": "pidämme kirjaston auki kello 21 asti",
        "and_measure": "kävijämäärät",
        "right_if": "kävijöitä tulee kymmenen prosenttia enemmän",
        "purposes": ["vitality"],
        "arms": {"control": "control", "evening": "treatment"},
        "metrics": [{"name": "visitors", "label": "Kävijät", "kind": "mean", "minimum_effect": 0.1}],
    }
    return {**base, **overrides}


def conclude(tracker: kokeilu.Tracker, e: Any, verdict: str = "supported", decision: str = "scale_up",
             learned: str = "iltaisin kävivät etenkin opiskelijat") -> Any:
    tracker.start(e, on=START)
    return tracker.conclude(e, verdict, decision=decision, we_believed="a", we_observed="b", we_learned=learned,
                            therefore="laajennamme kaikkiin kirjastoihin", decided_on=DECIDED)


def keys(frame: Any) -> list[str]:
    return list(frame["key"])


def in_step(path: Path) -> None:
    """The index holds one entry per experiment, by id, with the experiment's key and title."""
    with sqlite3.connect(path) as db:
        stored = dict(db.execute("SELECT id, key || '|' || title FROM experiments").fetchall())
        indexed = dict(db.execute("SELECT rowid, key || '|' || title FROM experiment_search").fetchall())
    assert indexed == stored


@pytest.fixture
def tracker(tmp_path: Path) -> kokeilu.Tracker:
    return kokeilu.open(str(tmp_path / "library.db"))


def test_the_library_is_a_frame_of_its_columns_also_when_nothing_matches(tracker: kokeilu.Tracker) -> None:
    empty = tracker.search("mitään")
    assert list(empty.columns) == list(LIBRARY_COLUMNS) and len(empty) == 0
    assert str(empty["verdict"].dtype) == "category"
    e = conclude(tracker, tracker.create(**fields()))
    row = tracker.search("iltakirjasto").iloc[0]
    assert row["key"] == e.key and row["title"] == "Iltakirjasto" and row["organisation"] == "Oulu"
    assert row["unit"] == "kirjasto" and row["purposes"] == "vitality" and row["primary_metric"] == "visitors"
    assert (row["status"], row["verdict"], row["decision"]) == ("concluded", "supported", "scale_up")
    assert row["imported_from"] == ""
    assert row["we_learned"] == "iltaisin kävivät etenkin opiskelijat"
    assert row["therefore"] == "laajennamme kaikkiin kirjastoihin"
    assert list(empty.dtypes) == list(tracker.search("").dtypes)


def test_every_facet_narrows_the_library(tracker: kokeilu.Tracker) -> None:
    a = conclude(tracker, tracker.create(**fields()))
    b = conclude(tracker, tracker.create(**fields(organisation="Kajaani", unit="nuorisotyö", purposes=["democracy"],
                                                  metrics=[{"name": "osallistujat", "kind": "mean",
                                                            "minimum_effect": 1.0}])),
                 verdict="refuted", decision="stop")
    c = tracker.create(**fields(title="Lukupiiri"))
    assert keys(tracker.search()) == sorted([a.key, b.key, c.key])
    assert keys(tracker.search(purpose="democracy")) == [b.key]
    assert keys(tracker.search(unit="NUORISOTYÖ")) == [b.key]
    assert keys(tracker.search(metric="Osallistujat")) == [b.key]
    assert keys(tracker.search(organisation="oulu")) == sorted([a.key, c.key])
    assert keys(tracker.search(verdict="refuted")) == [b.key]
    assert keys(tracker.search(decision="scale_up")) == [a.key]
    assert keys(tracker.search(status="draft")) == [c.key]
    assert keys(tracker.search(imported=False)) == sorted([a.key, b.key, c.key])
    assert keys(tracker.search(imported=True)) == []
    assert keys(tracker.search("kirjasto", organisation="Oulu", status="concluded")) == [a.key]
    for name in ("purpose", "verdict", "decision", "status"):
        with pytest.raises(kokeilu.InvalidArgumentError) as error:
            tracker.search(**{name: "maybe"})
        assert error.value.field == name
    for name in ("text", "unit", "metric", "organisation"):
        with pytest.raises(kokeilu.InvalidArgumentError) as error:
            tracker.search(**{name: "kirjasto\udcff"})  # a lone surrogate is no text
        assert error.value.field == name


def test_the_index_follows_every_kind_of_write(tracker: kokeilu.Tracker, tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    e = tracker.create(**fields(title="Lukusalin aukiolo"))
    in_step(path)
    assert keys(tracker.search("aukiolo")) == [e.key]
    tracker.update(e, title="Uimahallin aukiolo", tags=["liikunta"])
    in_step(path)
    assert keys(tracker.search("lukusalin")) == []
    assert keys(tracker.search("uimahalli liikunta")) == [e.key]
    tracker.start(e, on=START)
    assert keys(tracker.search("uimahalli", status="running")) == [e.key]
    tracker.amend(e, "the survey was renamed", author="Aino",
                  metrics=[{"name": "visitors", "label": "Kävijätyytyväisyys", "kind": "mean",
                            "minimum_effect": 0.1}])
    in_step(path)
    assert keys(tracker.search("kävijätyytyväisyys")) == [e.key]
    tracker.conclude(e, "inconclusive", decision="adapt", we_learned="uimarit tulevat aamuisin",
                     decided_on=DECIDED)
    assert keys(tracker.search("aamuisin", verdict="inconclusive", decision="adapt")) == [e.key]
    other = tracker.create(**fields(title="Kirjastoauto"))
    tracker.stop(other, "auto myytiin")
    assert keys(tracker.search(status="stopped")) == [other.key]
    draft = tracker.create(**fields(title="Poistettava luonnos"))
    assert keys(tracker.search("poistettava")) == [draft.key]
    tracker.delete(draft)
    assert keys(tracker.search("poistettava")) == []
    in_step(path)


def test_imported_experiments_are_in_the_library_and_follow_a_newer_bundle(tmp_path: Path) -> None:
    oulu = kokeilu.open(str(tmp_path / "oulu.db"))
    kajaani = kokeilu.open(str(tmp_path / "kajaani.db"))
    e = conclude(oulu, oulu.create(**fields(title="Lukulähettiläät kouluissa", key="OULU-2025-001")))
    own = kajaani.create(**fields(title="Lukupiiri", organisation="Kajaani", key="KAJAANI-2025-001"))
    path = tmp_path / "cards.kokeilu"
    oulu.export_bundle(e, path, level="cards")
    kajaani.import_bundle(path)
    in_step(tmp_path / "kajaani.db")

    found = kajaani.search("luku")
    assert sorted(keys(found)) == sorted([e.key, own.key])
    imported = kajaani.search("luku", imported=True)
    assert keys(imported) == [e.key]
    assert imported.iloc[0]["imported_from"] == "Oulu"
    assert imported.iloc[0]["we_learned"] == "iltaisin kävivät etenkin opiskelijat"
    assert keys(kajaani.search("luku", imported=False)) == [own.key]
    assert keys(kajaani.search("lukulähettiläät", organisation="Oulu", verdict="supported")) == [e.key]

    # A newer state of the experiment replaces the copy, and its entry with it. A concluded
    # experiment changes no more, so a second one is shared, changed and shared again.
    second = oulu.create(**fields(title="Kirjastokaveri", key="OULU-2025-002"))
    oulu.export_bundle(second, path, level="cards")
    kajaani.import_bundle(path)
    assert keys(kajaani.search("kirjastokaveri", imported=True)) == [second.key]
    oulu.update(second, title="Lukukaveri")
    oulu.export_bundle(second, path, level="cards")
    assert [x.action.name for x in kajaani.import_bundle(path).experiments] == ["updated"]
    in_step(tmp_path / "kajaani.db")
    assert keys(kajaani.search("kirjastokaveri")) == []
    assert keys(kajaani.search("lukukaveri")) == [second.key]


def test_finnish_letters_are_letters_of_their_own_and_words_are_found_by_their_beginning(
    tracker: kokeilu.Tracker,
) -> None:
    access = tracker.create(**fields(title="Pääsy kirjastoon"))
    other = tracker.create(**fields(title="Paasy ja tahti", summary="Såg ett rådhus"))
    assert keys(tracker.search("pääsy")) == [access.key]
    assert keys(tracker.search("PÄÄSY")) == [access.key]
    assert keys(tracker.search("paasy")) == [other.key]
    assert keys(tracker.search("tähti")) == []
    assert keys(tracker.search("rådhus")) == [other.key]
    assert keys(tracker.search("radhus")) == []
    # Every experiment says "kirjasto..." in its Test Card; the title's inflected form is found by its stem.
    assert keys(tracker.search("kirjastoon")) == [access.key]
    assert set(keys(tracker.search("kirjasto"))) == {access.key, other.key}
    assert keys(tracker.search("pa\u0308a\u0308sy")) == [access.key]  # typed with combining marks


HOSTILE = [
    '"', '""', "AND (", "NEAR(", "NEAR(a b, 2)", "*", "-", "-kirjasto", "^kirjasto", "(", ")", "a OR b",
    "title:kirjasto", "{title summary}: x", "NOT kirjasto", "'); DROP TABLE experiments; --", "\\", 'a"b',
    '"kirjasto', "*kirjasto*", "kir*sto", "\x00", "a\x00b", "\t\n", "\u200b", "\u00a0", "🙂", "\ufeff", "%", "_",
]


def test_hostile_text_is_searched_never_obeyed(tracker: kokeilu.Tracker, tmp_path: Path) -> None:
    e = tracker.create(**fields(title='AND OR NEAR "lainaus" (sulut)'))
    for text in HOSTILE:
        assert isinstance(tracker.search(text), type(tracker.search()))
    assert e.key in keys(tracker.search("NEAR("))
    assert keys(tracker.search('"lainaus"')) == [e.key]
    assert keys(tracker.search("(sulut)")) == [e.key]
    assert keys(tracker.search('"')) == []  # no word: nothing found
    rng = random.Random(2024)
    alphabet = '"*()-^:{}+ ANDORNEAR,kirjasto\\\'\x00'
    for _ in range(300):
        tracker.search("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 14))))
    in_step(tmp_path / "library.db")
    assert len(tracker.search()) == 1  # the table is still there


def test_a_file_of_schema_11_gets_an_index_that_finds_its_experiments(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with kokeilu.open(str(path)) as tracker:
        e = conclude(tracker, tracker.create(**fields(title="Kirjastojen yhteiskokoelma")))
    with sqlite3.connect(path) as db:
        # As schema 11 left it: no index, and no table of links (schema 13's).
        db.execute("DROP TABLE experiment_search")
        db.execute("DROP TABLE experiment_links")
        db.execute("PRAGMA user_version = 11")
    with kokeilu.open(str(path)) as tracker:
        assert keys(tracker.search("kirjastojen")) == [e.key]
        assert keys(tracker.search("opiskelijat", verdict="supported")) == [e.key]
        assert tracker.verify().ok
    in_step(path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 13


def test_a_file_of_schema_2_gets_the_index_too(tmp_path: Path) -> None:
    path = tmp_path / "older.db"
    with kokeilu.open(str(path)) as tracker:
        e = tracker.create(**fields(title="Kirjastojen yhteiskokoelma"))
    as_schema_2(path)
    with kokeilu.open(str(path)) as tracker:
        assert keys(tracker.search("yhteiskokoelma")) == [e.key]
    in_step(path)


def _library_db(tmp_path: Path) -> tuple[Path, str, str]:
    """A tracker with its own experiment and one imported from Oulu."""
    oulu = kokeilu.open(str(tmp_path / "oulu.db"))
    e = conclude(oulu, oulu.create(**fields(title="Lukulähettiläät kouluissa", key="OULU-2025-001")))
    bundle_path = tmp_path / "oulu.kokeilu"
    oulu.export_bundle(e, bundle_path, level="cards")
    db = tmp_path / "kajaani.db"
    with kokeilu.open(str(db)) as kajaani:
        own = kajaani.create(**fields(title="Lukupiiri", organisation="Kajaani", key="KAJAANI-2025-001"))
        kajaani.import_bundle(bundle_path)
    return db, own.key, e.key


def test_the_command_searches_prints_a_table_and_json(tmp_path: Path) -> None:
    db, own, imported = _library_db(tmp_path)
    table = call(["search", "luku", "--lang", "fi"], db=db, env={"COLUMNS": "300"})
    assert table.code == 0, table
    assert own in table.out and imported in table.out
    assert "Tuotu organisaatiolta" in table.out and "hypoteesi vahvistui" in table.out
    as_json = json.loads(call(["search", "luku", "--imported", "--json"], db=db).out)
    assert [r["key"] for r in as_json] == [imported]
    assert as_json[0]["imported_from"] == "Oulu" and as_json[0]["verdict"] == "supported"
    assert as_json[0]["we_learned"] == "iltaisin kävivät etenkin opiskelijat"
    own_only = json.loads(call(["search", "--own", "--json"], db=db).out)
    assert [r["key"] for r in own_only] == [own] and own_only[0]["verdict"] is None
    faceted = json.loads(call(["search", "--verdict", "hypoteesi vahvistui", "--organisation", "oulu", "--json",
                               "--purpose", "vitality", "--unit", "kirjasto", "--metric", "visitors",
                               "--decision", "scale_up", "--status", "concluded"], db=db).out)
    assert [r["key"] for r in faceted] == [imported]
    for text in HOSTILE:
        if "\x00" in text:
            continue  # a process argument cannot hold a NUL
        result = call(["search", "--json", "--", text], db=db)  # "--": a text may begin with "-"
        assert result.code == 0, result
    none = call(["search", "olematon", "--lang", "sv"], db=db)
    assert none.code == 0 and none.out.strip() == "Sökningen gav inga försök."
    assert json.loads(call(["search", "olematon", "--json"], db=db).out) == []
    bad = call(["search", "--verdict", "maybe"], db=db)
    assert bad.code != 0 and "maybe" in bad.err


def test_the_report_has_the_learning_library(tmp_path: Path) -> None:
    from kokeilu import report

    db, own, imported = _library_db(tmp_path)
    with kokeilu.open(str(db)) as tracker:
        page = report.report_html(tracker, "fi", today=datetime.date(2025, 7, 1))
    library = page[page.index('<section id="library">'):]
    library = library[: library.index("</section>")]
    assert "Kokeiluista opittua" in library
    assert own in library and imported in library
    assert "iltaisin kävivät etenkin opiskelijat" in library and "Oulu" in library
    assert "hypoteesi vahvistui" in library and "laajennetaan" in library
