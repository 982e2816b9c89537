"""`kokeilu export` into spreadsheets: CSV whose cells a spreadsheet cannot run or split, the CSV for
Finnish spreadsheets (--excel), and real .xlsx files. Each output is parsed back: with Python's csv
module, and the .xlsx with openpyxl."""

from __future__ import annotations

import csv
import datetime
import io
import sys
from pathlib import Path

import openpyxl
import pytest

import kokeilu
from kokeilu.cli import export_formats as export

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import Result, call  # noqa: E402

CR_FORMULA = "ok\r=SUM(1+1)*cmd|' /C calc'!A0"
# Texts a spreadsheet could take for a formula: after spaces and invisible characters, full-width
# and small forms, minus signs, and tab and CR starts.
FORMULAS = [
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    " =1+1",
    "\u00a0=1+1",
    "\u200b=1+1",
    "\ufeff=1+1",
    "\u2060\u200e@SUM(A1)",
    "\u3000+1",
    "\uff1d1+1",  # ＝
    "\uff0b1",  # ＋
    "\uff0d1",  # －
    "\uff20SUM(A1)",  # ＠
    "\ufe661+1",  # ﹦
    "\u22121",  # − (minus sign)
    "\t=1+1",
    "\tplain",
    "\r=1+1",
    "\n=1+1",
]
PLAIN = ["ok", "1-2", "e-mail", "kotihoito = hyvä", "", "'already quoted", "ä=1"]


def _tracker_with_notes(path: Path, notes: list[str]) -> str:
    with kokeilu.open(path) as tracker:
        e = tracker.create(
            title="Vientitesti",
            organisation="Oulu",
            purposes=["wellbeing"],
            we_believe="a",
            to_verify="b",
            and_measure="c",
            right_if="d",
            arms={"kontrolli": "control", "video": "treatment"},
            metrics=[{"name": "turvallisuudentunne", "minimum_effect": 0.3}],
            planned_cost_eur=1234.5,
            planned_start=datetime.date(2025, 3, 1),
        )
        tracker.start(e, on=datetime.date(2025, 3, 2))
        for i, note in enumerate(notes):
            tracker.log(
                e, 3.5 + i, arm="video", at=datetime.datetime(2025, 3, 3, 9, 0, i, 250000, tzinfo=datetime.UTC),
                note=note, subject=_one_line(note),
            )
        return e.key


def _one_line(text: str) -> str:
    """The text as a subject, which must be one line without tabs: "" where it cannot be."""
    return "" if any(c in text for c in "\t\r\n\x01") else text


def _ok(result: Result) -> Result:
    assert result.code == 0, result
    return result


def test_a_note_with_a_carriage_return_stays_in_its_cell(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    key = _tracker_with_notes(db, [CR_FORMULA, "toinen"])
    out = _ok(call(["export", "observations", "--key", key], db=db)).out
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [row["note"] for row in rows] == [CR_FORMULA, "toinen"]
    assert len(rows) == 2
    # The CR is inside a quoted cell, so the formula after it is text in the same cell.
    assert '"ok\r=SUM(1+1)' in out


@pytest.mark.parametrize("text", FORMULAS, ids=[repr(t) for t in FORMULAS])
def test_formula_starts_get_an_apostrophe(text: str) -> None:
    assert export.could_be_formula(text)
    assert export.neutralise(text) == "'" + text
    table = export.Table(["note"], [[text]])
    [row] = list(csv.DictReader(io.StringIO(export.to_csv(table), newline="")))
    assert row["note"] == "'" + text
    [excel_row] = list(csv.DictReader(io.StringIO(export.to_excel_csv(table).lstrip("\ufeff"), newline=""), delimiter=";"))
    assert excel_row["note"] == "'" + text


@pytest.mark.parametrize("text", PLAIN)
def test_other_texts_are_left_as_they_are(text: str) -> None:
    assert export.neutralise(text) == text


def test_every_export_neutralises_every_text_column(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    key = _tracker_with_notes(db, FORMULAS)
    out = _ok(call(["export", "observations", "--key", key], db=db)).out
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [row["note"] for row in rows] == ["'" + text for text in FORMULAS]
    assert [row["subject"] for row in rows] == ["'" + _one_line(t) if _one_line(t) else "" for t in FORMULAS]
    # The tracker keeps the text as it was given.
    with kokeilu.open(db, read_only=True) as tracker:
        assert tracker.observations(key)["note"].tolist() == FORMULAS


def test_excel_csv_for_finnish_spreadsheets(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    key = _tracker_with_notes(db, ["=1+1", "puoli;piste", 'lainaus "x"'])
    target = tmp_path / "havainnot.csv"
    _ok(call(["export", "observations", "--key", key, "--excel", "--output", str(target)], db=db))
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert [row["value"] for row in rows] == ["3,5", "4,5", "5,5"]
    assert [row["at"] for row in rows] == ["2025-03-03 09:00:00,25", "2025-03-03 09:00:01,25", "2025-03-03 09:00:02,25"]
    assert [row["note"] for row in rows] == ["'=1+1", "puoli;piste", 'lainaus "x"']

    experiments = _ok(call(["export", "experiments", "--excel"], db=db)).out
    [row] = list(csv.DictReader(io.StringIO(experiments.lstrip("\ufeff"), newline=""), delimiter=";"))
    assert row["planned_cost_eur"] == "1234,5"
    assert row["planned_start"] == "2025-03-01"
    assert row["actual_start"] == "2025-03-02"


def test_xlsx_is_a_real_spreadsheet_with_typed_cells(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    key = _tracker_with_notes(db, ["=HYPERLINK(\"http://example.com\",\"x\")", CR_FORMULA, "tavallinen", "a\x01b"])
    target = tmp_path / "havainnot.xlsx"
    result = _ok(call(["export", "observations", "--key", key, "--output", str(target)], db=db))
    assert "4" in result.err
    workbook = openpyxl.load_workbook(target)
    sheet = workbook.active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=False))
    header = [cell.value for cell in rows[0]]
    column = {name: i for i, name in enumerate(header)}
    notes = [row[column["note"]] for row in rows[1:]]
    # Text stays text, exactly: no formula, no apostrophe, marked to stay text when edited.
    assert [cell.data_type for cell in notes] == ["s", "s", "s", "s"]
    # (XML keeps a CR as a line break, LF; a control character XML cannot hold shows as U+FFFD.)
    assert [cell.value for cell in notes] == [
        '=HYPERLINK("http://example.com","x")',
        CR_FORMULA.replace("\r", "\n"),
        "tavallinen",
        "a\ufffdb",
    ]
    assert [bool(cell.quotePrefix) for cell in notes] == [True, False, False, False]
    values = [row[column["value"]].value for row in rows[1:]]
    assert values == [3.5, 4.5, 5.5, 6.5]
    at = rows[1][column["at"]].value
    assert at == datetime.datetime(2025, 3, 3, 9, 0, 0, 250000)

    experiments = tmp_path / "kokeilut.xlsx"
    _ok(call(["export", "experiments", "--output", str(experiments)], db=db))
    sheet = openpyxl.load_workbook(experiments).active
    assert sheet is not None
    header = [cell.value for cell in sheet[1]]
    values = dict(zip(header, [cell.value for cell in sheet[2]]))
    assert values["planned_cost_eur"] == 1234.5
    assert values["planned_start"] == datetime.datetime(2025, 3, 1)
    assert values["key"] == key


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--format", "csv", "--output", "{dir}/x.xlsx"], "named as a spreadsheet, but CSV text"),
        (["--output", "{dir}/x.xls"], "named as a spreadsheet, but CSV text"),
        (["--format", "json", "--output", "{dir}/x.ods"], "named as a spreadsheet, but JSON text"),
        (["--excel", "--output", "{dir}/X.XLSX"], "--excel is a form of CSV"),
        (["--format", "xlsx", "--output", "{dir}/x.csv"], "only into a file named .xlsx"),
        (["--format", "xlsx"], "not written to the terminal"),
        (["--excel", "--format", "json"], "--excel is a form of CSV"),
    ],
)
def test_one_format_is_never_written_into_a_file_named_as_another(
    tmp_path: Path, args: list[str], words: str
) -> None:
    db = tmp_path / "k.db"
    _tracker_with_notes(db, ["x"])
    result = call(["--lang", "en", "export", "observations", *[a.format(dir=tmp_path) for a in args]], db=db)
    assert result.code == 1, result
    assert words in result.err
    assert [p.name for p in tmp_path.iterdir() if p.name.lower().startswith("x.")] == []
