"""`kokeilu import KEY FILE.csv`: every row is checked first; a bad file is rejected whole with a
report of its first problems (row, column, problem), and a good one lands in one transaction."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call, run  # noqa: E402

import kokeilu  # noqa: E402


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "kokeilut.db"


@pytest.fixture
def running(db: Path) -> str:
    assert call(["init"], db=db).code == 0
    key = json.loads(call(["new", *HOME_CARE, "--json"], db=db).out)["key"]
    assert call(["start", key, "--on", "2026-01-05"], db=db).code == 0
    return key


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def observations(db: Path, key: str, metric: str = "") -> list[tuple[str, float]]:
    with kokeilu.open(db, read_only=True) as tracker:
        frame = tracker.observations(key, metric=metric)
    return sorted(zip(frame["arm"].astype(str), frame["value"], strict=True))


def test_bad_rows_reject_the_whole_file(db: Path, running: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "value,arm,at\n"
        "4,kontrolli,2026-01-10T10:00:00Z\n"  # line 2: good
        "neljä,video,2026-01-10T11:00:00Z\n"  # line 3: not a number
        "5,videot,2026-01-10T12:00:00Z\n"  # line 4: unknown arm
        "3,video,10.1.2026 klo 13\n"  # line 5: not an ISO time
        "3,video,2025-12-01T00:00:00Z\n",  # line 6: before the start
    )
    result = call(["--lang", "fi", "import", running, str(path)], db=db)
    assert result.code == 1, result
    lines = result.err.strip().splitlines()
    assert lines[0].startswith("Tiedosto ") and "hylättiin eikä mitään kirjoitettu; virheitä: 4" in lines[0]
    assert lines[1:] == [
        "  rivi 3, sarake 'value': 'neljä' ei ole luku (käytä desimaalipistettä)",
        "  rivi 4, sarake 'arm': tuntematon ryhmä 'videot'. Tunnetut: kontrolli, video",
        "  rivi 5, sarake 'at': '10.1.2026 klo 13' ei ole ISO 8601 -ajankohta (esim. 2026-03-01T14:30:00Z)",
        f"  rivi 6, sarake 'at': 1.12.2025 klo 2.00 EET on ennen kokeilun {running} alkua (5.1.2026); kirjaa aiemmat "
        "tiedot valitsimella --backfill",
    ]
    assert observations(db, running) == []


def test_header_problems_are_reported_before_the_rows(db: Path, running: str, tmp_path: Path) -> None:
    path = write(tmp_path, "arvo,arm\n4,video\n")
    result = call(["import", running, str(path)], db=db)
    assert result.code == 1, result
    assert "row 1, column 'arvo': unknown column" in result.err
    assert "row 1, column 'value': the header has no column 'value'" in result.err
    no_arm = write(tmp_path, "value\n4\n", "no_arm.csv")
    result = call(["import", running, str(no_arm)], db=db)
    assert "column 'arm'" in result.err and "kontrolli, video" in result.err
    assert observations(db, running) == []


def test_only_the_first_problems_are_listed(db: Path, running: str, tmp_path: Path) -> None:
    path = write(tmp_path, "value,arm\n" + "x,video\n" * 25)
    result = call(["import", running, str(path)], db=db)
    assert result.code == 1
    assert "problems found: 25" in result.err
    assert result.err.count("is not a number") == 10
    assert "... and 15 more." in result.err


def test_kind_rules_per_row(db: Path, tmp_path: Path) -> None:
    assert call(["init"], db=db).code == 0
    options = [*HOME_CARE, "--kind", "proportion", "--minimum-effect", "0.05", "--json"]
    key = json.loads(call(["new", *options], db=db).out)["key"]
    assert call(["start", key, "--on", "2026-01-05"], db=db).code == 0
    path = write(tmp_path, "value,arm,at\n1,video,2026-01-06\n0.5,video,2026-01-06\n", "share.csv")
    result = call(["import", key, str(path)], db=db)
    assert result.code == 1
    assert "row 3, column 'value': a proportion metric takes 0 or 1 per unit, got 0.5" in result.err
    assert observations(db, key) == []


def test_good_file_lands_in_one_transaction(db: Path, running: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "at,arm,value\n2026-01-06T08:00:00+02:00,kontrolli,4\n2026-01-06T09:00:00Z,Video,4.5\n,,\n2026-01-07,video,3\n",
    )
    result = call(["import", running, str(path)], db=db)
    assert result.code == 0, result
    assert result.out.strip() == f"3 observations imported into {running} in one transaction."
    assert observations(db, running) == [("kontrolli", 4.0), ("video", 3.0), ("video", 4.5)]
    # The count agrees with its noun in each language: one row, then several.
    one = write(tmp_path, "at,arm,value\n2026-01-08,video,2\n", "one.csv")
    fi = call(["--lang", "fi", "import", running, str(one)], db=db)
    assert fi.out.strip() == f"Kokeiluun {running} tuotiin 1 havainto yhtenä kokonaisuutena."
    sv = call(["--lang", "sv", "import", running, str(path), "--idempotency-key", "sv"], db=db)
    assert sv.out.strip() == f"3 observationer importerades till {running} i en enda transaktion."
    with kokeilu.open(db, read_only=True) as tracker:
        first = tracker.observations(running)["at"].iloc[0]
    assert first.isoformat() == "2026-01-06T06:00:00+00:00"


def test_semicolons_and_decimal_commas_from_a_spreadsheet(db: Path, running: str, tmp_path: Path) -> None:
    path = write(tmp_path, "\ufeffvalue;arm;at\n4,5;video;2026-01-06\n3;kontrolli;2026-01-06\n", "excel.csv")
    result = call(["import", running, str(path)], db=db)
    assert result.code == 0, result
    assert observations(db, running) == [("kontrolli", 3.0), ("video", 4.5)]


def test_pre_aggregated_rows(db: Path, running: str, tmp_path: Path) -> None:
    bad = write(
        tmp_path,
        "arm,n,sum,sum_sq,at\nvideo,10,40,,2026-01-06\nvideo,2.5,9,41,2026-01-06\nvideo,3,30,10,2026-01-06\n",
        "bad_sums.csv",
    )
    result = call(["import", running, str(bad)], db=db)
    assert result.code == 1, result
    assert result.err.splitlines()[1:] == [
        "  row 2, column 'sum_sq': is required for a mean metric (the sum of squared values)",
        "  row 3, column 'n': '2.5' is not a whole number",
        "  row 4, column 'sum_sq': is smaller than sum*sum/n: no set of values has these sums",
    ]
    good = write(
        tmp_path, "arm,n,sum,sum_sq,at\nvideo,10,40,170,2026-01-06\nkontrolli,12,45,180,2026-01-06\n", "sums.csv"
    )
    result = call(["import", running, str(good)], db=db)
    assert result.code == 0, result
    with kokeilu.open(db, read_only=True) as tracker:
        frame = tracker.observations(running)
    assert sorted(frame["n"].tolist()) == [10, 12]


def test_counts_beyond_64_bits_are_named_not_wrapped(db: Path, running: str, tmp_path: Path) -> None:
    # 4.6E920 reads as infinity, 1e30 as a whole number: neither is a count the file can hold.
    path = write(
        tmp_path,
        "arm,n,sum,sum_sq,at\nvideo,4.6E920,0,0,2026-01-06\nvideo,1e30,0,0,2026-01-06\nvideo,-1e30,0,0,2026-01-06\n",
        "huge.csv",
    )
    result = call(["import", running, str(path)], db=db)
    assert result.code == 1, result
    assert result.err.splitlines()[1:] == [
        f"  row {row}, column 'n': '{value}' is not a count kokeilu can hold (at most 2**63 - 1)"
        for row, value in ((2, "4.6E920"), (3, "1e30"), (4, "-1e30"))
    ]
    assert observations(db, running) == []


def test_one_metric_per_file(db: Path, running: str, tmp_path: Path) -> None:
    with kokeilu.open(db) as tracker:
        tracker.amend(
            running,
            "missed medication is watched as a guardrail",
            metrics=[
                *tracker.get(running).metrics,
                {
                    "name": "lääkitys_unohtui",
                    "kind": "proportion",
                    "role": "guardrail",
                    "direction": "lower_is_better",
                    "minimum_effect": 0.02,
                },
            ],
        )
    mixed = write(tmp_path, "metric,arm,value\nturvallisuudentunne,video,4\nlääkitys_unohtui,video,0\n")
    result = call(["import", running, str(mixed)], db=db)
    assert result.code == 1, result
    assert "several metrics" in result.err
    guardrail = write(tmp_path, "metric,arm,value\nlääkitys_unohtui,video,0\nlääkitys_unohtui,kontrolli,1\n", "g.csv")
    assert call(["import", running, str(guardrail)], db=db).code == 0
    assert observations(db, running, "lääkitys_unohtui") == [("kontrolli", 1.0), ("video", 0.0)]
    assert observations(db, running) == []


def test_missing_file_and_ragged_rows(db: Path, running: str, tmp_path: Path) -> None:
    result = call(["import", running, str(tmp_path / "missing.csv")], db=db)
    assert result.code == 1 and "missing.csv" in result.err
    ragged = write(tmp_path, "value,arm\n4,video,extra\n")
    result = call(["import", running, str(ragged)], db=db)
    assert result.code == 1
    assert "row 2" in result.err and "3" in result.err


def test_import_in_a_child_process(db: Path, running: str, tmp_path: Path) -> None:
    path = write(tmp_path, "value,arm,at\n4,video,2026-01-06\n5,video,2026-02-30\n")
    result = run(["import", running, str(path)], db=db)
    assert result.code == 1
    assert "row 3, column 'at'" in result.err
    assert observations(db, running) == []


def _stored_state(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], list[tuple[object, ...]]]:
    """The rows, running summaries and experiment revisions, read with plain SQLite."""
    import sqlite3

    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return (
            connection.execute("SELECT * FROM observations ORDER BY id").fetchall(),
            connection.execute("SELECT * FROM arm_summaries ORDER BY metric_id, arm_id").fetchall(),
            connection.execute("SELECT key, revision FROM experiments ORDER BY id").fetchall(),
        )
    finally:
        connection.close()


def _plant_refusal(db: Path, condition: str) -> None:
    """Makes the file refuse an observation row (a trigger, as a failing disk or a full one would
    fail one statement): the write it belongs to must then leave nothing behind."""
    import sqlite3

    connection = sqlite3.connect(db)
    try:
        connection.execute(
            f"CREATE TRIGGER planted_refusal BEFORE INSERT ON observations WHEN {condition} "
            "BEGIN SELECT RAISE(ABORT, 'planted refusal'); END"
        )
        connection.commit()
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("header", "row", "refused", "condition"),
    [
        ("value,arm,at", "{i},video,2026-01-06T10:00:00Z", "777,video,2026-01-06T11:00:00Z", "NEW.value = 777"),
        ("arm,n,sum,sum_sq,at", "video,10,{i},200,2026-01-06", "video,10,777,70000,2026-01-06", "NEW.sum = 777"),
    ],
    ids=["unit-level", "aggregated"],
)
def test_an_import_that_fails_after_its_first_rows_leaves_nothing(
    db: Path, running: str, tmp_path: Path, header: str, row: str, refused: str, condition: str
) -> None:
    assert call(["import", running, str(write(tmp_path, f"{header}\n{row.format(i=3)}\n", "first.csv"))], db=db).code == 0
    before = _stored_state(db)
    _plant_refusal(db, condition)
    # Rows 1-3 go in, the fourth is refused by the file, the rest would follow.
    lines = [row.format(i=i) for i in (4, 5, 1)] + [refused] + [row.format(i=i) for i in (2, 3)]
    result = call(["--lang", "en", "import", running, str(write(tmp_path, header + "\n" + "\n".join(lines) + "\n"))], db=db)
    assert result.code == 1, result
    assert "planted refusal" in result.err
    assert _stored_state(db) == before
