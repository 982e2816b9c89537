"""`kokeilu demo`: the demo tracker from the shell, in both languages, without clobbering a tracker."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import call, run  # noqa: E402

import kokeilu  # noqa: E402
from kokeilu.demo import fill_demo  # noqa: E402

SMALL = ["--event-rows", "200"]


def test_demo_creates_the_tracker_in_a_child_process(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    made = run(["demo", "--db", str(db), *SMALL])
    assert made.code == 0, made
    assert f"Created the demo tracker {db}: 15 experiments in Oulu, Kajaani, Ii and Kuusamo." in made.out
    files = ", ".join(str(tmp_path / f"demo.{m}.db") for m in ("kajaani", "ii", "kuusamo"))
    assert (f"Beside it, the trackers of Kajaani, Ii and Kuusamo: {files}; the bundles they exchanged are in "
            f"{tmp_path / 'demo.bundles'}.") in made.out
    assert "(200 rows in the event stream)" in made.err
    with kokeilu.open(db, read_only=True) as tracker:
        experiments = tracker.experiments()
        assert {e.organisation for e in experiments} == {"Oulu", "Kajaani", "Ii", "Kuusamo"}
        assert tracker.count_observations("OULU-2026-003") == 200
        # Its own fifteen and the replications imported from Kajaani and Kuusamo.
        assert sum(e.origin is not None for e in experiments) == 2
    listed = run(["list", "--json"], db=db)
    assert listed.code == 0, listed
    assert len(json.loads(listed.out)) == 17
    shown = run(["share", "show", str(tmp_path / "demo.bundles" / "kajaani-2026-005.aggregate.kokeilu")])
    assert shown.code == 0 and "KAJAANI-2026-005" in shown.out, shown


def test_one_file_makes_the_tracker_alone_and_json_names_the_others(tmp_path: Path) -> None:
    alone = call(["demo", "--db", str(tmp_path / "alone.db"), *SMALL, "--one-file", "--json"])
    assert alone.code == 0, alone
    assert len(json.loads(alone.out)["experiments"]) == 14 and "files" not in json.loads(alone.out)
    assert [p.name for p in tmp_path.iterdir()] == ["alone.db"]
    shared = call(["demo", "--db", str(tmp_path / "k.db"), *SMALL, "--json"])
    assert shared.code == 0, shared
    made = json.loads(shared.out)
    assert made["files"] == {m: str(tmp_path / f"k.{m}.db") for m in ("kajaani", "ii", "kuusamo")}
    assert made["bundles"] == str(tmp_path / "k.bundles")
    assert all(Path(p).stat().st_size > 0 for p in made["files"].values())
    # Another municipality's file from an earlier run is not replaced unasked.
    (tmp_path / "k.db").unlink()
    refused = call(["demo", "--db", str(tmp_path / "k.db"), *SMALL])
    assert refused.code == 1 and str(tmp_path / "k.kajaani.db") in refused.err, refused


def test_the_same_seed_gives_the_same_tracker_and_another_seed_another(tmp_path: Path) -> None:
    def values(path: Path) -> list[float]:
        with kokeilu.open(path, read_only=True) as tracker:
            return list(tracker.observations("OULU-2025-001")["value"])

    for name, seed in (("a.db", "7"), ("b.db", "7"), ("c.db", "8")):
        result = call(["demo", "--db", str(tmp_path / name), "--seed", seed, *SMALL, "--json"])
        assert result.code == 0, result
        assert json.loads(result.out)["path"] == str(tmp_path / name)
    assert values(tmp_path / "a.db") == values(tmp_path / "b.db")
    assert values(tmp_path / "a.db") != values(tmp_path / "c.db")


def test_uses_kokeilu_db_and_fills_an_empty_tracker(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    result = call(["demo", *SMALL, "--json"], db=db)
    assert result.code == 0, result
    keys = json.loads(result.out)["experiments"]
    with kokeilu.open(":memory:") as expected:
        assert keys == [*fill_demo(expected, event_rows=200), "OULU-2026-005"]


def test_refuses_a_tracker_with_experiments_unless_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert call(["demo", "--db", str(db), *SMALL]).code == 0
    with kokeilu.open(db) as tracker:
        tracker.note("OULU-2025-001", "a note that must survive a refused demo")

    for lang, text in (
        ("en", f"Error: {db} already holds experiments; replace it with --overwrite or name another file with --db"),
        ("fi", f"Virhe: tiedostossa {db} on jo kokeiluja; korvaa se valitsimella --overwrite"),
    ):
        refused = call(["--lang", lang, "demo", "--db", str(db), *SMALL])
        assert refused.code == 1, refused
        assert text in refused.err
        assert "Traceback" not in refused.err
    note = "a note that must survive a refused demo"
    with kokeilu.open(db, read_only=True) as tracker:
        assert note in [j.text for j in tracker.journal("OULU-2025-001")]

    replaced = call(["--lang", "fi", "demo", "--db", str(db), *SMALL, "--overwrite"])
    assert replaced.code == 0, replaced
    assert f"Esimerkkiseuranta luotiin tiedostoon {db}: 15 kokeilua" in replaced.out
    with kokeilu.open(db, read_only=True) as tracker:
        assert note not in [j.text for j in tracker.journal("OULU-2025-001")]


def test_bad_values_are_usage_errors_in_both_languages(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    english = call(["demo", "--db", str(db), "--event-rows", "1"])
    assert english.code == 2, english
    assert "--event-rows: must be a whole number of at least 2, got '1'" in english.err
    finnish = call(["--lang", "fi", "demo", "--db", str(db), "--seed", "-3"])
    assert finnish.code == 2, finnish
    assert "--seed: on oltava kokonaisluku, vähintään 0, nyt '-3'" in finnish.err
    missing_dir = call(["demo", "--db", str(tmp_path / "no" / "such" / "demo.db"), *SMALL])
    assert missing_dir.code == 1 and "does not exist" in missing_dir.err
    assert not db.exists()
