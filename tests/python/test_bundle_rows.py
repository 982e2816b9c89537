"""The core's reader of a bundle's row parts (kokeilu/bundle_rows.hpp) against the format as
Python's json writes it: the same SHA-256 for every value a part may hold, and a clear error,
naming the part, row and column, for every value it may not."""

from __future__ import annotations

import hashlib
import math
import sqlite3
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kokeilu
from kokeilu import _core, bundle

COLUMNS = bundle.PARTS["observations"][0]
UUID = "0123abcd-0000-4000-8000-000000000001"


def _write(path: Path, rows: list[tuple[Any, ...]]) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute(bundle._SCHEMA["observations"])
        connection.executemany(f"INSERT INTO observations VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    connection.close()


def _python_digest(path: Path) -> tuple[int, str]:
    """The part's hash as kokeilu.bundle computes it: rows read by Python's sqlite3, json.dumps."""
    with sqlite3.connect(path) as connection:
        rows = connection.execute(f"SELECT {', '.join(COLUMNS)} FROM observations ORDER BY uuid, position").fetchall()
    connection.close()
    return bundle._part_digest(rows)


def _row(position: int, value: float | None, note: str | None, subject: str | None = None) -> tuple[Any, ...]:
    return (UUID, position, "m", "control", "2025-03-04T05:06:07.000008+00:00", value, 1,
            0.0 if value is None else value, None, None, subject, note, None)


# Floats where the layout of Python's repr changes (the exponent's limits, whole numbers, the
# shortest digits), and the ends of the range.
EDGE_FLOATS = [
    1.0, -1.0, 100.0, 0.5, 0.1, 1 / 3, 2 / 3, 1e15, 1e16, 9999999999999998.0, 1e17, 1.5e16, 123456789012345678.0,
    1e-4, 1.5e-4, 1e-5, 9.999e-5, 0.001, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 1e22, 1e21,
    1e100, -2.5e-10, 4.35, 0.30000000000000004, 1234.5678, 2.0**53, 2.0**53 + 2, -(2.0**63), 1e-7, 123e-20,
]


def test_every_layout_of_a_float_hashes_as_python_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "floats.kokeilu"
    _write(path, [_row(i, v, None) for i, v in enumerate(EDGE_FLOATS)] + [_row(len(EDGE_FLOATS), -0.0, None)])
    part = _core.read_bundle_rows(str(path), "observations")
    assert (part.rows, part.sha256) == _python_digest(path)


TEXTS = ['plain', 'quote " and backslash \\', "tab\tnew\nline\rret\bback\fform", "\x00\x01\x1f\x7f",
         "ääkköset ÅÄÖ", "emoji 😀 and 𝔘", "line\u2028separator\u2029", "</script>", ""]


def test_text_with_every_kind_of_character_hashes_as_python_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "texts.kokeilu"
    _write(path, [_row(i, 1.0, text, subject=text) for i, text in enumerate(TEXTS)] + [_row(len(TEXTS), None, None)])
    part = _core.read_bundle_rows(str(path), "observations")
    assert (part.rows, part.sha256) == _python_digest(path)
    assert part.first_row == {UUID: 0}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.none(), min_size=1, max_size=20),
    notes=st.lists(st.text(max_size=12) | st.none(), min_size=1, max_size=20),
)
def test_any_finite_value_and_any_text_hash_alike(tmp_path: Path, values: list[float | None], notes: list[str | None]) -> None:
    path = tmp_path / f"any-{hashlib.sha256(repr((values, notes)).encode()).hexdigest()[:12]}.kokeilu"
    rows = [_row(i, values[i % len(values)], notes[i % len(notes)]) for i in range(max(len(values), len(notes)))]
    # A text with a lone surrogate cannot be written as UTF-8: no bundle holds one.
    rows = [r for r in rows if r[11] is None or not any(0xD800 <= ord(c) <= 0xDFFF for c in r[11])]
    _write(path, rows)
    part = _core.read_bundle_rows(str(path), "observations")
    assert (part.rows, part.sha256) == _python_digest(path)


def _refused(path: Path) -> kokeilu.InvalidArgumentError:
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        _core.read_bundle_rows(str(path), "observations")
    return caught.value


@pytest.mark.parametrize(
    ("column", "value", "code"),
    [
        ("value", "not a number", "bundle.bad_value"),
        ("value", b"\x00\x01", "bundle.bad_value"),
        ("value", math.inf, "bundle.bad_value"),
        ("at", 1741064767, "bundle.bad_value"),
        ("at", "yesterday", "bundle.bad_value"),
        ("metric", None, "bundle.bad_value"),
        ("note", "x" * (bundle.MAX_FIELD_BYTES + 1), "bundle.field_too_long"),
    ],
)
def test_a_value_the_column_cannot_hold_is_refused_naming_its_row_and_column(
    tmp_path: Path, column: str, value: Any, code: str
) -> None:
    path = tmp_path / "bad.kokeilu"
    rows = [list(_row(i, 2.0, None)) for i in range(3)]
    with sqlite3.connect(path) as connection:
        # Without the NOT NULL of the format, so that a missing metric can be written at all.
        connection.execute(bundle._SCHEMA["observations"].replace("metric TEXT NOT NULL", "metric TEXT"))
        rows[1][COLUMNS.index(column)] = value
        connection.executemany(f"INSERT INTO observations VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    connection.close()
    error = _refused(path)
    assert error.code == code
    assert (error.params["part"], error.params["row"], error.params["column"]) == ("observations", 1, column)


def test_text_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin1.kokeilu"
    _write(path, [_row(0, 1.0, "x" * 8)])
    # The note's bytes changed inside the file, to ISO 8859-1 "äxxxxxxx" (0xE4 alone is not UTF-8).
    data = path.read_bytes()
    at = data.index(b"x" * 8)
    path.write_bytes(data[:at] + struct.pack("B", 0xE4) + data[at + 1:])
    error = _refused(path)
    assert error.code == "bundle.bad_value" and error.params["column"] == "note"


def test_a_file_sqlite_cannot_read_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "noise.kokeilu"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 16)
    assert _refused(path).code == "bundle.damaged"
