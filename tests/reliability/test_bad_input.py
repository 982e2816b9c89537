"""The hostile-input catalogue: each case gives kokeilu one hostile input and asserts what it gets.

Either the input is refused with an error that names the problem (and the field, where there is
one), and nothing was written: the tracker file is the same, row for row, as before. Or the input
is data like any other and is kept verbatim: then it reads back exactly as given, and nothing that
was there before is lost. Hostile files (not a tracker, damaged, newer) are left unchanged byte
for byte.

docs/bad-input.md is written from these cases and their actual outcomes:

    python tests/reliability/test_bad_input.py > docs/bad-input.md

and test_the_catalogue_lists_every_case keeps the two in step.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import re
import shutil
import socket
import sqlite3
import sys
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "python"))

import kokeilu  # noqa: E402
from cli_support import Result, call  # noqa: E402
from lock_holder import Holder  # noqa: E402
from writer import KEY, experiment_fields, prepare  # noqa: E402

DRAFT = "LUONNOS-001"
RANGED = "ASTEIKKO-001"
NEW = "UUSI-001"
PERIODS = "JAKSOT-001"  # a before/after experiment started on 2025-06-02
INJECTION = "Robert'); DROP TABLE observations; --"
TEN_MB = "x" * (10 * 1024 * 1024)
HELSINKI = zoneinfo.ZoneInfo("Europe/Helsinki")
BASE_ROWS = 120


# ------------------------------------------------------------------------------------------------
# The environment of one case: a copy of a tracker with a running experiment (KEY, with
# observations and a note) and a draft (DRAFT).


def make_baseline(path: Path) -> None:
    with kokeilu.open(path) as tracker:
        prepare(tracker)
        tracker.log_many(KEY, np.linspace(1.0, 5.0, BASE_ROWS), arm=["control", "video"] * (BASE_ROWS // 2))
        tracker.note(KEY, "the first week went as planned")
        tracker.create(**{**experiment_fields(), "key": DRAFT, "title": "Evening calls"})
        # A survey on a 1-5 scale: its metric has a valid range, and a stored 5.
        tracker.create(**{**experiment_fields(), "key": RANGED, "title": "Chat advice",
                          "arms": {"control": "control", "chat": "treatment"},
                          "metrics": [{"name": "satisfaction", "kind": "mean", "minimum_effect": 0.3,
                                       "valid_min": 1.0, "valid_max": 5.0}]})
        tracker.start(RANGED, on=datetime.date(2025, 1, 13))
        tracker.log_many(RANGED, [4.0, 5.0, 3.0, 2.0], arm=["control", "chat"] * 2, at="2025-02-03T09:00Z")
        tracker.create(
            **{
                **experiment_fields(),
                "key": PERIODS,
                "title": "Evening visits before and after",
                "design": "before_after",
                "arms": {"before": "before", "after": "after"},
            }
        )
        tracker.start(PERIODS, on=datetime.date(2025, 6, 2))
        tracker.log(PERIODS, 3.0, arm="before", at=datetime.datetime(2025, 5, 26, 9), backfill=True)
        tracker.log(PERIODS, 4.0, arm="after", at=datetime.datetime(2025, 6, 3, 9))


class Env:
    def __init__(self, path: Path, tmp: Path) -> None:
        self.path = path
        self.tmp = tmp
        self.hostile: Path | None = None  # a hostile file the case made; it must stay unchanged
        self.hostile_bytes = b""
        self.last: Result | None = None  # the last result of the kokeilu command
        self._tracker: kokeilu.Tracker | None = None

    @property
    def t(self) -> kokeilu.Tracker:
        if self._tracker is None:
            self._tracker = kokeilu.open(self.path)
        return self._tracker

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
            self._tracker = None

    def cli(self, *args: str) -> Result:
        self.last = call(["--lang", "en", *args], db=self.path)
        return self.last

    def file(self, name: str, content: bytes) -> Path:
        path = self.tmp / name
        path.write_bytes(content)
        self.hostile, self.hostile_bytes = path, content
        return path

    def csv(self, content: str | bytes) -> str:
        data = content.encode() if isinstance(content, str) else content
        return str(self.file("rows.csv", data))


def dump(path: Path) -> list[str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return list(db.iterdump())
    finally:
        db.close()


def integrity(path: Path) -> str:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return str(db.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        db.close()


# ------------------------------------------------------------------------------------------------
# What a case expects.


@dataclass(frozen=True)
class Refused:
    """The call raises `error`, whose message contains `words` (and whose .field is `field`)."""

    error: type[BaseException]
    words: str
    field: str | None = None


@dataclass(frozen=True)
class CliRefused:
    """The kokeilu command fails with a message (no traceback) that contains `words`."""

    words: str


@dataclass(frozen=True)
class Kept:
    """The input is data: `check` asserts that it reads back as given. `what` says so for the doc."""

    check: Callable[[Env], Any]
    what: str = "kept verbatim"


@dataclass(frozen=True)
class Case:
    id: str
    group: str
    given: str
    act: Callable[[Env], Any]
    expect: Refused | CliRefused | Kept


def _new(env: Env, **fields: Any) -> kokeilu.Experiment:
    return env.t.create(**{**experiment_fields(), "key": NEW, **fields})


def _field_kept(field: str, value: Any, read: Callable[[kokeilu.Experiment], Any]) -> Kept:
    return Kept(lambda env: _assert_equal(read(env.t.get(NEW)), value))


def _assert_equal(got: Any, expected: Any) -> None:
    assert got == expected, (got, expected)


def _metric(**fields: Any) -> list[dict[str, Any]]:
    return [{"name": "sense_of_security", "kind": "mean", "minimum_effect": 0.3, **fields}]


def _rows_with(env: Env, column: str, value: str) -> int:
    frame = env.t.observations(KEY)
    return int((frame[column] == value).sum())


def _logged_at(env: Env, subject: str) -> pd.Timestamp:
    frame = env.t.observations(KEY)
    return frame.loc[frame["subject"] == subject, "at"].iloc[0]


def _tracker_file(env: Env, name: str) -> Path:
    path = env.tmp / name
    shutil.copy(env.path, path)
    return path


def _damaged(env: Env, offset_page: int, data: bytes) -> None:
    """A copy of the tracker with `data` written over the start of page `offset_page` (1-based)."""
    path = _tracker_file(env, "damaged.db")
    raw = bytearray(path.read_bytes())
    start = (offset_page - 1) * 4096
    raw[start : start + len(data)] = data
    env.file("damaged.db", bytes(raw))


def _observation_page(env: Env) -> int:
    db = sqlite3.connect(env.path)
    try:
        return int(db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'observations'").fetchone()[0])
    finally:
        db.close()


def _with_schema(env: Env, name: str, sql: str) -> Path:
    path = env.tmp / name
    db = sqlite3.connect(path)
    db.executescript(sql)
    db.close()
    env.hostile, env.hostile_bytes = path, path.read_bytes()
    return path


# ------------------------------------------------------------------------------------------------
# The cases.

CASES: list[Case] = []


def case(id: str, group: str, given: str, act: Callable[[Env], Any], expect: Refused | CliRefused | Kept) -> None:
    CASES.append(Case(id, group, given, act, expect))


# SQL injection: every text field takes it as text. The store binds every value; nothing is ever
# pasted into SQL.
for field in ("title", "summary", "organisation", "unit", "owner", "risk"):
    case(f"sql-{field}", "SQL injection", f"`{field}` = `{INJECTION}`",
         lambda env, f=field: _new(env, **{f: INJECTION}),
         _field_kept(field, INJECTION, lambda e, f=field: getattr(e, f)))
for part in ("we_believe", "to_verify", "and_measure", "right_if"):
    case(f"sql-{part}", "SQL injection", f"Test Card `{part}` = `{INJECTION}`",
         lambda env, p=part: _new(env, **{p: INJECTION}),
         _field_kept(part, INJECTION, lambda e, p=part: getattr(e.test_card, p)))
case("sql-tag", "SQL injection", f"a tag `{INJECTION}`", lambda env: _new(env, tags=[INJECTION]),
     _field_kept("tags", [INJECTION], lambda e: list(e.tags)))
case("sql-arm-name", "SQL injection", f"an arm named `{INJECTION}`",
     lambda env: _new(env, arms={INJECTION: "control", "video": "treatment"}),
     _field_kept("arms", INJECTION, lambda e: e.arms[0].name))
case("sql-arm-description", "SQL injection", f"an arm description `{INJECTION}`",
     lambda env: _new(env, arms=[{"name": "control", "role": "control", "description": INJECTION}, "video"]),
     _field_kept("arms", INJECTION, lambda e: e.arms[0].description))
case("sql-metric-name", "SQL injection", f"a metric named `{INJECTION}`",
     lambda env: _new(env, metrics=_metric(name=INJECTION)),
     _field_kept("metrics", INJECTION, lambda e: e.metrics[0].name))
case("sql-metric-unit", "SQL injection", f"a metric unit `{INJECTION}`",
     lambda env: _new(env, metrics=_metric(unit=INJECTION)),
     _field_kept("metrics", INJECTION, lambda e: e.metrics[0].unit))
case("sql-metric-description", "SQL injection", f"a metric description `{INJECTION}`",
     lambda env: _new(env, metrics=_metric(description=INJECTION)),
     _field_kept("metrics", INJECTION, lambda e: e.metrics[0].description))
case("sql-note", "SQL injection", f"a journal note `{INJECTION}` by author `{INJECTION}`",
     lambda env: env.t.note(KEY, INJECTION, author=INJECTION),
     Kept(lambda env: _assert_equal((env.t.journal(KEY)[-1].text, env.t.journal(KEY)[-1].author),
                                    (INJECTION, INJECTION))))
case("sql-subject", "SQL injection", f"an observation's subject `{INJECTION}`",
     lambda env: env.t.log(KEY, 3.0, arm="control", subject=INJECTION),
     Kept(lambda env: _assert_equal(_rows_with(env, "subject", INJECTION), 1)))
case("sql-observation-note", "SQL injection", f"an observation's note `{INJECTION}`",
     lambda env: env.t.log(KEY, 3.0, arm="control", note=INJECTION),
     Kept(lambda env: _assert_equal(_rows_with(env, "note", INJECTION), 1)))
case("sql-amendment", "SQL injection", f"an amendment's reason and author `{INJECTION}`",
     lambda env: env.t.amend(KEY, INJECTION, author=INJECTION, right_if="a stricter criterion"),
     Kept(lambda env: _assert_equal((env.t.get(KEY).amendments[-1].reason, env.t.get(KEY).amendments[-1].author),
                                    (INJECTION, INJECTION))))
case("sql-stop-reason", "SQL injection", f"a stop reason `{INJECTION}`",
     lambda env: env.t.stop(DRAFT, INJECTION),
     Kept(lambda env: _assert_equal(env.t.get(DRAFT).stop_reason, INJECTION)))
case("sql-learning-card", "SQL injection", f"a Learning Card part `{INJECTION}`",
     lambda env: env.t.conclude(KEY, "inconclusive", decision="adapt", we_learned=INJECTION),
     Kept(lambda env: _assert_equal(env.t.get(KEY).outcome.learning.we_learned, INJECTION)))
for filter_name in ("organisation", "unit", "tag", "text"):
    case(f"sql-filter-{filter_name}", "SQL injection", f"a list filter `{filter_name}` = `' OR 1=1 --`",
         lambda env, f=filter_name: _assert_equal(env.t.experiments(**{f: "' OR 1=1 --"}), []),
         Kept(lambda env: _assert_equal(len(env.t.experiments()), 4), "matches nothing; no error"))
case("sql-search-text", "SQL injection", "a search of the learning library for `' OR 1=1 --`",
     lambda env: _assert_equal(len(env.t.search("' OR 1=1 --")), 0),
     Kept(lambda env: _assert_equal(len(env.t.experiments()), 4), "matches nothing; no error"))
# The learning library's text reaches SQLite's full-text search only as quoted words: its query
# syntax, typed, is searched for.
for name, text in (("quote", '"'), ("and", "AND ("), ("near", "NEAR(a b, 2)"), ("star", "*"), ("minus", "-video"),
                   ("column", "title: x"), ("nul", "video\x00")):
    case(f"search-syntax-{name}", "SQL injection", f"a search of the learning library for `{text!r}`",
         lambda env, x=text: env.t.search(x),
         Kept(lambda env: _assert_equal(len(env.t.experiments()), 4), "searched as words; no error"))
case("sql-key", "SQL injection", f"a key `X'; DROP TABLE experiments;--`",
     lambda env: _new(env, key="X'; DROP TABLE experiments;--"), Refused(kokeilu.InvalidArgumentError, "is not a key", "key"))
case("sql-get", "SQL injection", "looking up the key `' OR 1=1 --`",
     lambda env: env.t.get("' OR 1=1 --"), Refused(kokeilu.NotFoundError, "experiment not found"))
case("sql-cli-note", "SQL injection", f"`kokeilu log … --note \"{INJECTION}\"`",
     lambda env: env.cli("log", KEY, "4", "--arm", "video", "--note", INJECTION),
     Kept(lambda env: _assert_equal(_rows_with(env, "note", INJECTION), 1)))
case("sql-csv-arm", "SQL injection", f"a CSV arm cell `{INJECTION}`",
     lambda env: env.cli("import", KEY, env.csv(f'value,arm\n3,"{INJECTION}"\n')), CliRefused("unknown arm"))

# Numbers.
for name, number in (("nan", float("nan")), ("inf", float("inf")), ("-inf", float("-inf"))):
    case(f"number-value-{name}", "Numbers", f"an observation's value {name}",
         lambda env, x=number: env.t.log(KEY, x, arm="control"), Refused(kokeilu.InvalidArgumentError, "finite", "value"))
case("number-bulk-nan", "Numbers", "log_many of 1,000 values, one of them NaN",
     lambda env: env.t.log_many(KEY, np.where(np.arange(1000) == 700, np.nan, 3.0), arm="video"),
     Refused(kokeilu.InvalidArgumentError, "700"))
case("number-cost-negative", "Numbers", "`planned_cost_eur` = -1",
     lambda env: _new(env, planned_cost_eur=-1.0), Refused(kokeilu.InvalidArgumentError, "negative", "planned_cost_eur"))
case("number-cost-inf", "Numbers", "`planned_cost_eur` = inf",
     lambda env: _new(env, planned_cost_eur=float("inf")), Refused(kokeilu.InvalidArgumentError, "finite", "planned_cost_eur"))
case("number-effort-nan", "Numbers", "`planned_effort_hours` = NaN",
     lambda env: _new(env, planned_effort_hours=float("nan")),
     Refused(kokeilu.InvalidArgumentError, "finite", "planned_effort_hours"))
case("number-minimum-effect-nan", "Numbers", "a metric's `minimum_effect` = NaN",
     lambda env: _new(env, metrics=_metric(minimum_effect=float("nan"))),
     Refused(kokeilu.InvalidArgumentError, "minimum_effect"))
case("number-confidence", "Numbers", "a metric's `confidence` = 1.5",
     lambda env: _new(env, metrics=_metric(confidence=1.5)), Refused(kokeilu.InvalidArgumentError, "confidence"))
case("number-n-negative", "Numbers", "a pre-aggregated row with n = -5 (a negative count)",
     lambda env: env.t.log_aggregate(KEY, n=-5, sum=3.0, sum_sq=10.0, arm="control"),
     Refused(kokeilu.InvalidArgumentError, "at least 1", "n"))
case("number-n-zero", "Numbers", "a pre-aggregated row with n = 0",
     lambda env: env.t.log_aggregate(KEY, n=0, sum=0.0, sum_sq=0.0, arm="control"),
     Refused(kokeilu.InvalidArgumentError, "at least 1", "n"))
case("number-sum-sq-small", "Numbers", "a mean row whose sum of squares is below sum²/n",
     lambda env: env.t.log_aggregate(KEY, n=10, sum=40.0, sum_sq=10.0, arm="control"),
     Refused(kokeilu.InvalidArgumentError, "sum_sq"))
case("number-aggregates-negative", "Numbers", "log_aggregates with n = -1 in one row of a frame",
     lambda env: env.t.log_aggregates(KEY, pd.DataFrame({"n": [5, -1], "sum": [10.0, 2.0], "sum_sq": [30.0, 4.0],
                                                         "arm": ["control", "video"]})),
     Refused(kokeilu.InvalidArgumentError, "at least 1"))
case("number-huge", "Numbers", "an observation's value 1e308",
     lambda env: env.t.log(KEY, 1e308, arm="control", subject="huge"),
     Kept(lambda env: _assert_equal(env.t.observations(KEY).query("subject == 'huge'")["value"].iloc[0], 1e308)))
case("number-int64", "Numbers", "log_many with values given as int64 2**62",
     lambda env: env.t.log_many(KEY, np.array([2**62], dtype=np.int64), arm="video"),
     Kept(lambda env: _assert_equal(env.t.count_observations(KEY), BASE_ROWS + 1), "kept as the nearest float"))

# Text: size, encoding, control characters.
case("text-10mb-title", "Text", "a 10 MB title", lambda env: _new(env, title=TEN_MB),
     Refused(kokeilu.InvalidArgumentError, "too long", "title"))
case("text-10mb-note", "Text", "a 10 MB journal note", lambda env: env.t.note(KEY, TEN_MB),
     Refused(kokeilu.InvalidArgumentError, "too long"))
case("text-10mb-observation-note", "Text", "a 10 MB observation note",
     lambda env: env.t.log(KEY, 3.0, arm="control", note=TEN_MB), Refused(kokeilu.InvalidArgumentError, "too long"))
case("text-10mb-subject", "Text", "a 10 MB subject",
     lambda env: env.t.log(KEY, 3.0, arm="control", subject=TEN_MB), Refused(kokeilu.InvalidArgumentError, "too long"))
case("text-10mb-csv-cell", "Text", "a CSV file with a 10 MB cell",
     lambda env: env.cli("import", KEY, env.csv("value,arm\n3," + TEN_MB + "\n")), CliRefused("field larger than"))
case("text-nul-title", "Text", "a NUL byte in the title", lambda env: _new(env, title="a\0b"),
     Refused(kokeilu.InvalidArgumentError, "NUL", "title"))
case("text-nul-arm", "Text", "a NUL byte in an arm name",
     lambda env: _new(env, arms={"con\0trol": "control", "video": "treatment"}), Refused(kokeilu.InvalidArgumentError, "NUL"))
case("text-nul-note", "Text", "a NUL byte in an observation note",
     lambda env: env.t.log(KEY, 3.0, arm="control", note="a\0b"), Refused(kokeilu.InvalidArgumentError, "NUL"))
case("text-control-arm", "Text", "a control character (U+001F) in an arm name",
     lambda env: _new(env, arms={"a\x1fb": "control", "video": "treatment"}),
     Refused(kokeilu.InvalidArgumentError, "control character", "arms[0].name"))
case("text-newline-key", "Text", "a line break in the key", lambda env: _new(env, key="UUSI\n001"),
     Refused(kokeilu.InvalidArgumentError, "is not a key", "key"))
case("text-surrogate-title", "Text", "invalid UTF-8 in the title (a lone surrogate, as Python decodes bad bytes)",
     lambda env: _new(env, title="caf\udce9"), Refused(kokeilu.InvalidArgumentError, "not valid UTF-8", "title"))
case("text-invalid-utf8-csv", "Text", "invalid UTF-8 bytes (Latin-1 `ä`) in a CSV file",
     lambda env: env.cli("import", KEY, env.csv(b"value,arm\n3,kontrolli\xe4\n")), CliRefused("utf-8"))
case("text-rtl-key", "Text", "a right-to-left override (U+202E) in the key",
     lambda env: _new(env, key="UUSI-\u202e001"), Refused(kokeilu.InvalidArgumentError, "is not a key", "key"))
case("text-emoji", "Text", "a title with emoji and combining marks `Kotihoito 🏠 e\u0301`",
     lambda env: _new(env, title="Kotihoito 🏠 e\u0301"), _field_kept("title", "Kotihoito 🏠 e\u0301", lambda e: e.title))

# Dates and times.
case("time-year-1-text", "Dates and times", "an observation at `0001-01-01T00:00:00Z`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at="0001-01-01T00:00:00Z", backfill=True),
     Refused(kokeilu.InvalidArgumentError, "1400"))
case("time-year-1-datetime", "Dates and times", "an observation at `datetime(1, 1, 1, tzinfo=UTC)`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at=datetime.datetime(1, 1, 1, tzinfo=datetime.timezone.utc),
                           backfill=True), Refused(kokeilu.InvalidArgumentError, "1400-9999"))
case("time-year-1-date", "Dates and times", "`planned_start` = `date(1, 1, 1)`",
     lambda env: _new(env, planned_start=datetime.date(1, 1, 1)),
     Refused(kokeilu.InvalidArgumentError, "1400-9999", "planned_start"))
case("time-year-9999", "Dates and times", "an observation at `9999-12-31T23:59:59.999999Z` (with `allow_future`)",
     lambda env: env.t.log(KEY, 3.0, arm="control", subject="late", at="9999-12-31T23:59:59.999999Z",
                           allow_future=True),
     Kept(lambda env: _assert_equal(_logged_at(env, "late"),
                                    pd.Timestamp("9999-12-31T23:59:59.999999Z")), "kept to the microsecond"))
case("time-date-9999", "Dates and times", "`planned_start` = `date(9999, 12, 31)`",
     lambda env: _new(env, planned_start=datetime.date(9999, 12, 31)),
     _field_kept("planned_start", datetime.date(9999, 12, 31), lambda e: e.planned_start))
case("time-year-10000", "Dates and times", "an observation at `10000-01-01`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at="10000-01-01"), Refused(kokeilu.InvalidArgumentError, "ISO 8601"))
case("time-february-30", "Dates and times", "an observation at `2026-02-30T10:00Z`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at="2026-02-30T10:00Z"), Refused(kokeilu.InvalidArgumentError, "ISO 8601"))
case("time-leap-second", "Dates and times", "an observation at the leap second `2026-06-30T23:59:60Z`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at="2026-06-30T23:59:60Z"),
     Refused(kokeilu.InvalidArgumentError, "out of range"))
case("time-offset-25h", "Dates and times", "a UTC offset `+25:00`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at="2026-06-30T10:00:00+25:00"),
     Refused(kokeilu.InvalidArgumentError, "offset"))
case("time-offset-edge", "Dates and times", "`1400-01-01T00:30+01:00`, in 1399 once converted to UTC",
     lambda env: env.t.log(KEY, 3.0, arm="control", at="1400-01-01T00:30+01:00", backfill=True),
     Refused(kokeilu.InvalidArgumentError, "once converted to UTC"))
case("time-trailing-junk", "Dates and times", "a time with trailing text `2026-06-30T10:00Z; DROP`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at="2026-06-30T10:00Z; DROP"),
     Refused(kokeilu.InvalidArgumentError, "ISO 8601"))
case("time-dst-fold-0", "Dates and times", "Helsinki 2025-10-26 03:30, first of the two (DST ends, fold=0)",
     lambda env: env.t.log(KEY, 3.0, arm="control", subject="fold0",
                           at=datetime.datetime(2025, 10, 26, 3, 30, tzinfo=HELSINKI, fold=0)),
     Kept(lambda env: _assert_equal(_logged_at(env, "fold0"), pd.Timestamp("2025-10-26T00:30Z")),
          "kept as 00:30 UTC (EEST, +03:00)"))
case("time-dst-fold-1", "Dates and times", "Helsinki 2025-10-26 03:30, second of the two (fold=1)",
     lambda env: env.t.log(KEY, 3.0, arm="control", subject="fold1",
                           at=datetime.datetime(2025, 10, 26, 3, 30, tzinfo=HELSINKI, fold=1)),
     Kept(lambda env: _assert_equal(_logged_at(env, "fold1"), pd.Timestamp("2025-10-26T01:30Z")),
          "kept as 01:30 UTC (EET, +02:00)"))
case("time-dst-gap", "Dates and times", "Helsinki 2025-03-30 03:30, a time that does not exist (DST starts)",
     lambda env: env.t.log(KEY, 3.0, arm="control", subject="gap",
                           at=datetime.datetime(2025, 3, 30, 3, 30, tzinfo=HELSINKI)),
     Kept(lambda env: _assert_equal(_logged_at(env, "gap"), pd.Timestamp("2025-03-30T01:30Z")),
          "kept as 01:30 UTC, the offset Python's zoneinfo gives (+02:00)"))
case("time-dst-ambiguous-pandas", "Dates and times", "pandas times localized to Helsinki at the ambiguous 03:30",
     lambda env: env.t.log_many(KEY, [1.0], arm="control",
                                at=pd.Series(pd.to_datetime(["2025-10-26 03:30"])).dt.tz_localize(
                                    "Europe/Helsinki", ambiguous="raise")),
     Refused(ValueError, "dst"))
case("time-cli-naive", "Dates and times", "`kokeilu log … --at 2025-03-30T03:30` (no offset, in the DST gap)",
     lambda env: env.cli("log", KEY, "4", "--arm", "video", "--subject", "naive", "--at", "2025-03-30T03:30"),
     Kept(lambda env: _assert_equal(_logged_at(env, "naive"), pd.Timestamp("2025-03-30T01:30Z")),
          "kept as 01:30 UTC: the command reads a time without an offset in the tracker's zone "
          "(Europe/Helsinki), and 03:30, skipped by the clocks, as the time an hour after it (04:30 EEST)"))
case("time-end-before-start", "Dates and times", "`planned_end` before `planned_start`",
     lambda env: _new(env, planned_start=datetime.date(2026, 5, 1), planned_end=datetime.date(2026, 4, 1)),
     Refused(kokeilu.InvalidArgumentError, "before", "planned_end"))

# Strict input: one set of rules for times and values, the same at every door (log, log_many,
# log_frame, log_aggregates, the CSV import, the command; the C++ API by the same core).
def _frame(**columns: Any) -> pd.DataFrame:
    return pd.DataFrame({"arm": ["control"] * len(next(iter(columns.values()))), **columns})


def _aggregates(**columns: Any) -> pd.DataFrame:
    return pd.DataFrame({"n": [4], "sum": [12.0], "sum_sq": [40.0], "arm": ["control"], **columns})


DAY_FIRST = "2.3.2025"  # 2 March as Finns write it; pandas' to_datetime read it as 3 February
for door, act, field in (
    ("log", lambda env: env.t.log(KEY, 3.0, arm="control", at=DAY_FIRST), "at"),
    ("log-many", lambda env: env.t.log_many(KEY, [3.0], arm="control", at=[DAY_FIRST]), "at[0]"),
    ("series", lambda env: env.t.log_many(KEY, [3.0, 4.0], arm="control",
                                          at=pd.Series(["2025-03-01", DAY_FIRST])), "at[1]"),
    ("frame", lambda env: env.t.log_frame(KEY, _frame(value=[3.0], at=[DAY_FIRST])), "at[0]"),
    ("aggregates", lambda env: env.t.log_aggregates(KEY, _aggregates(at=[DAY_FIRST])), "at[0]"),
):
    case(f"strict-day-first-{door}", "Strict input: times", f"`{door.replace('-', '_')}` with the time `{DAY_FIRST}`",
         act, Refused(kokeilu.InvalidArgumentError, "ISO 8601", field))
case("strict-day-first-csv", "Strict input: times", f"a CSV `at` cell `{DAY_FIRST}`",
     lambda env: env.cli("import", KEY, env.csv(f"value,arm,at\n3,control,{DAY_FIRST}\n")), CliRefused("ISO 8601"))
case("strict-day-first-cli", "Strict input: times", f"`kokeilu log … --at {DAY_FIRST}`",
     lambda env: env.cli("log", KEY, "3", "--arm", "control", "--subject", "day-first", "--at", DAY_FIRST),
     Kept(lambda env: _assert_equal(_logged_at(env, "day-first"), pd.Timestamp("2025-03-01T22:00Z")),
          "kept as 2 March 2025 (the command, and only the command, takes Finnish dates), from its "
          "midnight in the tracker's zone: 22:00 UTC the day before"))
case("strict-day-first-cli-short-year", "Strict input: times", "`kokeilu log … --at 2.3.25`",
     lambda env: env.cli("log", KEY, "3", "--arm", "control", "--at", "2.3.25"), CliRefused("is not a time"))
case("strict-epoch-bare", "Strict input: times", "`log_many(…, at=[1772400000])`, a number without its unit",
     lambda env: env.t.log_many(KEY, [3.0], arm="control", at=[1772400000]),
     Refused(kokeilu.InvalidArgumentError, "at_unit", "at[0]"))
case("strict-epoch-bare-log", "Strict input: times", "`log(…, at=1740823200)`, a number without its unit",
     lambda env: env.t.log(KEY, 3.0, arm="control", at=1740823200),
     Refused(kokeilu.InvalidArgumentError, "is a number, not a time", "at"))
case("strict-epoch-bare-series", "Strict input: times", "a frame whose `at` column holds epoch seconds, no unit",
     lambda env: env.t.log_frame(KEY, _frame(value=[3.0], at=[1740823200])),
     Refused(kokeilu.InvalidArgumentError, "at_unit", "at[0]"))
case("strict-epoch-seconds", "Strict input: times", "`log_many(…, at=[1740823200], at_unit=\"s\")`",
     lambda env: env.t.log_many(KEY, [2.5], arm="control", at=[1740823200], at_unit="s"),
     Kept(lambda env: _assert_equal(env.t.observations(KEY).query("value == 2.5")["at"].iloc[0],
                                    pd.Timestamp("2025-03-01T10:00Z")), "kept as 2025-03-01T10:00:00Z"))
case("strict-epoch-unit-unknown", "Strict input: times", "`at_unit=\"days\"`",
     lambda env: env.t.log_many(KEY, [3.0], arm="control", at=[20000], at_unit="days"),
     Refused(kokeilu.InvalidArgumentError, "unknown unit", "at_unit"))
case("strict-year-1-datetime64", "Strict input: times", "a numpy `datetime64[D]` column with the year 1",
     lambda env: env.t.log_many(KEY, [3.0], arm="control", at=np.array(["0001-01-01"], dtype="datetime64[D]"),
                                backfill=True), Refused(kokeilu.InvalidArgumentError, "1400-9999", "at[0]"))
case("strict-year-12000-datetime64", "Strict input: times", "a numpy `datetime64[D]` column with the year 12000",
     lambda env: env.t.log_many(KEY, [3.0], arm="control", at=np.array(["12000-01-01"], dtype="datetime64[D]"),
                                allow_future=True), Refused(kokeilu.InvalidArgumentError, "1400-9999", "at[0]"))
case("strict-year-wraparound", "Strict input: times",
     "a `datetime64[Y]` year 301970, which numpy's own conversion wraps to the year -282585",
     lambda env: env.t.log_many(KEY, [3.0], arm="control", at=np.array([300000], dtype="datetime64[Y]"),
                                allow_future=True), Refused(kokeilu.InvalidArgumentError, "1400-9999", "at[0]"))
case("strict-year-1-scalar", "Strict input: times", "`log(…, at=np.datetime64(\"0001-01-01\"))`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at=np.datetime64("0001-01-01"), backfill=True),
     Refused(kokeilu.InvalidArgumentError, "1400-9999", "at"))
FUTURE = "2030-01-01T00:00:00Z"
case("strict-future-log", "Strict input: times", f"an observation at `{FUTURE}`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at=FUTURE),
     Refused(kokeilu.InvalidArgumentError, "more than a day in the future", "at"))
case("strict-future-log-many", "Strict input: times", f"`log_many` with one time at `{FUTURE}`",
     lambda env: env.t.log_many(KEY, [3.0, 4.0], arm="control", at=["2025-03-01", FUTURE]),
     Refused(kokeilu.InvalidArgumentError, "allow_future", "at[1]"))
case("strict-future-aggregates", "Strict input: times", f"`log_aggregates` with the time `{FUTURE}`",
     lambda env: env.t.log_aggregates(KEY, _aggregates(at=[FUTURE])),
     Refused(kokeilu.InvalidArgumentError, "in the future", "at[0]"))
case("strict-future-cli", "Strict input: times", f"`kokeilu log … --at {FUTURE}`",
     lambda env: env.cli("log", KEY, "3", "--arm", "control", "--at", FUTURE), CliRefused("--allow-future"))
case("strict-future-csv", "Strict input: times", f"a CSV `at` cell `{FUTURE}`",
     lambda env: env.cli("import", KEY, env.csv(f"value,arm,at\n3,control,{FUTURE}\n")), CliRefused("--allow-future"))
case("strict-future-allowed", "Strict input: times", f"an observation at `{FUTURE}` with `allow_future=True`",
     lambda env: env.t.log(KEY, 3.0, arm="control", at=FUTURE, subject="planned", allow_future=True),
     Kept(lambda env: _assert_equal(_logged_at(env, "planned"), pd.Timestamp(FUTURE)), "kept: asked for"))

for name, values in (("complex", np.array([1 + 2j])), ("datetime64", np.array(["2025-03-01"], dtype="datetime64[D]")),
                     ("timedelta64", np.array([3], dtype="timedelta64[s]")), ("text", ["1", "0"])):
    case(f"strict-values-{name}", "Strict input: values", f"`log_many` of a {name} column of values",
         lambda env, v=values: env.t.log_many(KEY, v, arm="control"),
         Refused(kokeilu.InvalidArgumentError, "expected a number (bool, int or float)", "value[0]"))
case("strict-value-text-log", "Strict input: values", "`log(…, \"1\")`, a value as text",
     lambda env: env.t.log(KEY, "1", arm="control"),  # type: ignore[arg-type]
     Refused(kokeilu.InvalidArgumentError, "got str '1'", "value"))
case("strict-value-frame-column", "Strict input: values", "`log_frame(…, value=\"score\")` with NaN in row 2",
     lambda env: env.t.log_frame(KEY, _frame(score=[3.0, 4.0, np.nan]), value="score"),
     Refused(kokeilu.InvalidArgumentError, "finite", "score[2]"))
case("strict-frame-names", "Strict input: values", "`log_frame` whose arm column `group` names an unknown arm",
     lambda env: env.t.log_frame(KEY, pd.DataFrame({"v": [3.0, 4.0], "group": ["control", "phone"]}),
                                 value="v", arm="group"),
     Refused(kokeilu.InvalidArgumentError, "unknown arm 'phone'", "group[1]"))
BIG = 2**62
case("strict-count-overflow-batch", "Strict input: values", f"`log_aggregates` of two rows of n = 2**62",
     lambda env: env.t.log_aggregates(KEY, pd.DataFrame({"n": [BIG, BIG], "sum": [0.0, 0.0], "sum_sq": [0.0, 0.0],
                                                         "arm": ["control", "control"]})),
     Refused(kokeilu.InvalidArgumentError, "largest count kokeilu can hold", "n[1]"))


def _second_overflowing_write(env: Env) -> None:
    env.t.log_aggregate(KEY, n=BIG, sum=0.0, sum_sq=0.0, arm="control", note="first")
    with pytest.raises(kokeilu.InvalidArgumentError, match="largest count kokeilu can hold"):
        env.t.log_aggregate(KEY, n=BIG, sum=0.0, sum_sq=0.0, arm="control", note="second")


case("strict-count-overflow-total", "Strict input: values", "two writes of n = 2**62 (their sum overflows int64)",
     _second_overflowing_write,
     Kept(lambda env: _assert_equal((_rows_with(env, "note", "first"), _rows_with(env, "note", "second")), (1, 0)),
          "the first is kept; the second is refused before its n is added (\"adding 4611686018427387904 units "
          "to the 4611686018427387904 already summarised would pass 9223372036854775807 …\")"))
case("strict-surrogate-subject", "Strict input: values", "a lone surrogate in `subject`",
     lambda env: env.t.log(KEY, 3.0, arm="control", subject="caf\udce9"),
     Refused(kokeilu.InvalidArgumentError, "not valid UTF-8", "subject"))
case("strict-surrogate-note", "Strict input: values", "a lone surrogate in an observation's `note`",
     lambda env: env.t.log(KEY, 3.0, arm="control", note="\ud800"),
     Refused(kokeilu.InvalidArgumentError, "not valid UTF-8", "note"))
case("strict-surrogate-arm-column", "Strict input: values", "a lone surrogate in row 1 of an arm column",
     lambda env: env.t.log_many(KEY, [3.0, 4.0], arm=["control", "vide\udcef"]),
     Refused(kokeilu.InvalidArgumentError, "not valid UTF-8", "arm[1]"))

# Names that cannot deceive, reasons that say something.
case("names-zero-width-arm", "Names and reasons", "arms `control` and `con\\u200btrol` (a zero-width space)",
     lambda env: _new(env, arms={"control": "control", "con\u200btrol": "treatment"}),
     Refused(kokeilu.InvalidArgumentError, "invisible", "arms[1].name"))
case("names-bidi-metric", "Names and reasons", "a metric name with a right-to-left override (U+202E)",
     lambda env: _new(env, metrics=_metric(name="score\u202eerocs")),
     Refused(kokeilu.InvalidArgumentError, "direction-changing", "metrics[0].name"))
case("names-nfd-duplicate", "Names and reasons", "arms `café` (NFC) and `cafe\\u0301` (NFD): the same name",
     lambda env: _new(env, arms={"caf\u00e9": "control", "cafe\u0301": "treatment"}),
     Refused(kokeilu.InvalidArgumentError, "already the name", "arms[1].name"))


def _nfd_arm(env: Env) -> None:
    _new(env, arms={"cafe\u0301": "control", "video": "treatment"})
    env.t.start(NEW, on=datetime.date(2025, 1, 13))
    env.t.log(NEW, 3.0, arm="caf\u00e9", subject="nfc", at="2025-02-03T09:00Z")


case("names-nfd-kept-as-nfc", "Names and reasons", "an arm created as `cafe\\u0301` (NFD), logged to as `café` (NFC)",
     _nfd_arm, Kept(lambda env: _assert_equal([a.name for a in env.t.get(NEW).arms][0], "caf\u00e9"),
                    "kept as NFC; either spelling finds it"))
case("names-no-break-space-tag", "Names and reasons", "a tag `kotihoito\\u00a0` (a no-break space at the end)",
     lambda env: _new(env, tags=["kotihoito\u00a0"]),
     _field_kept("tags", ["kotihoito"], lambda e: list(e.tags)))
case("reason-invisible-note", "Names and reasons", "a journal note of a zero-width and a no-break space",
     lambda env: env.t.note(KEY, "\u200b\u00a0"), Refused(kokeilu.InvalidArgumentError, "is required", "text"))
case("reason-invisible-stop", "Names and reasons", "a stop reason `\\u2060` (a word joiner)",
     lambda env: env.t.stop(DRAFT, "\u2060"), Refused(kokeilu.InvalidArgumentError, "is required", "reason"))
case("reason-invisible-amend", "Names and reasons", "an amendment reason `\\u200b`",
     lambda env: env.t.amend(KEY, "\u200b", right_if="a stricter criterion"),
     Refused(kokeilu.InvalidStateError, "give a reason"))
case("reason-invisible-cli", "Names and reasons", "`kokeilu note KEY \"\\u200b\"`",
     lambda env: env.cli("note", KEY, "\u200b"), CliRefused("is required"))

# Values in range: a metric's valid range (a 1-5 survey) holds at every door.
for door, act, field in (
    ("log", lambda env: env.t.log(RANGED, 7.0, arm="chat"), "value"),
    ("log-many", lambda env: env.t.log_many(RANGED, [3.0, 0.0], arm="chat"), "value[1]"),
    ("frame", lambda env: env.t.log_frame(RANGED, pd.DataFrame({"answer": [6.0], "arm": ["chat"]}), value="answer"),
     "answer[0]"),
    ("aggregate-mean", lambda env: env.t.log_aggregate(RANGED, n=2, sum=12.0, sum_sq=72.0, arm="chat"), "sum"),
    ("aggregate-spread", lambda env: env.t.log_aggregate(RANGED, n=2, sum=6.0, sum_sq=30.0, arm="chat"), "sum_sq"),
):
    case(f"range-{door}", "Valid range", f"`{door.partition('-')[0].replace('-', '_')}` outside the range 1-5 "
         f"of `satisfaction` ({door})", act, Refused(kokeilu.InvalidArgumentError, "valid range", field))
case("range-csv", "Valid range", "a CSV value 0 for the 1-5 survey",
     lambda env: env.cli("import", RANGED, env.csv("value,arm\n3,chat\n0,chat\n")), CliRefused("row 3"))
case("range-cli", "Valid range", "`kokeilu log ASTEIKKO-001 6 --arm chat`",
     lambda env: env.cli("log", RANGED, "6", "--arm", "chat"), CliRefused("valid range"))
case("range-amend-narrower", "Valid range", "amending the range to 1-4 while a 5 is stored",
     lambda env: env.t.amend(RANGED, "a shorter scale", metrics=[{"name": "satisfaction", "valid_max": 4.0}]),
     Refused(kokeilu.InvalidArgumentError, "stored observation", "metrics[satisfaction].valid_max"))
case("range-upside-down", "Valid range", "a metric whose `valid_min` 5 is above its `valid_max` 1",
     lambda env: _new(env, metrics=_metric(valid_min=5.0, valid_max=1.0)),
     Refused(kokeilu.InvalidArgumentError, "above valid_min", "metrics[sense_of_security].valid_max"))
case("range-proportion", "Valid range", "a valid range on a 0/1 proportion metric",
     lambda env: _new(env, metrics=_metric(kind="proportion", minimum_effect=0.1, valid_max=1.0)),
     Refused(kokeilu.InvalidArgumentError, "no valid range"))


# Whatever is stored, one metric cannot stop the analysis.
def _status_of(analysis: kokeilu.Analysis, metric: str) -> str:
    return str(analysis.comparisons.loc[analysis.comparisons["metric"] == metric, "status"].iloc[0])


def _huge_through_the_api(env: Env) -> None:
    env.t.log(KEY, 1e308, arm="control", subject="typo")
    env.t.log(KEY, -1e308, arm="control", subject="typo")


def _huge_in_the_file(env: Env) -> None:
    # Rows written into the file behind kokeilu's back, as a script or a sqlite3 session might.
    db = sqlite3.connect(env.path)
    with db:
        ids = db.execute("SELECT m.id, a.id FROM metrics m JOIN experiments e ON e.id = m.experiment_id "
                         "JOIN arms a ON a.experiment_id = e.id WHERE e.key = ? AND a.name = 'chat'",
                         (RANGED,)).fetchone()
        db.executemany("INSERT INTO observations (metric_id, arm_id, at_us, value) VALUES (?, ?, ?, ?)",
                       [(ids[0], ids[1], 1738573200000000 + i, value) for i, value in enumerate((1e200, -1e200))])
    db.close()


case("analyze-huge-api", "Analysis", "`log K 1e308` and `log K -1e308` (a typo), then `analyze`",
     _huge_through_the_api,
     Kept(lambda env: _assert_equal(_status_of(env.t.analyze(KEY), "sense_of_security").split(":")[0],
                                    "values too large to summarise exactly"),
          "kept; the analysis goes on and gives the metric the status \"values too large to summarise exactly\""))
def _analyze_rows_added_outside(env: Env) -> str:
    # The quick check sees rows no write recorded and warns; the analysis goes on.
    with pytest.warns(kokeilu.IntegrityWarning, match="added outside kokeilu"):
        analysis = env.t.analyze(RANGED, until="2025-12-31")
    return _status_of(analysis, "satisfaction").split(":")[0]


case("analyze-huge-file", "Analysis", "rows of 1e200 and -1e200 written straight into the file, then "
     "`analyze(until=…)`",
     _huge_in_the_file,
     Kept(lambda env: _assert_equal(_analyze_rows_added_outside(env), "values too large to summarise exactly"),
          "the analysis warns that rows were added outside kokeilu, goes on, and gives the metric its own status"))
case("analyze-huge-cli", "Analysis", "`kokeilu log KEY 1e308`, then `kokeilu analyze KEY`",
     lambda env: (env.cli("log", KEY, "1e308", "--arm", "control"), env.cli("log", KEY, "-1e308", "--arm", "control"),
                  env.cli("analyze", KEY))[-1],
     Kept(lambda env: _assert_equal(env.last is not None and "values too large" in env.last.out, True),
          "`analyze` exits 0 and shows the metric as \"values too large to summarise exactly\""))


# Duplicates.
case("dup-key", "Duplicate keys", f"a new experiment with the key `{KEY.lower()}` (in use, other case)",
     lambda env: _new(env, key=KEY.lower()), Refused(kokeilu.InvalidArgumentError, "already in use", "key"))
case("dup-uuid", "Duplicate keys", "a new experiment with a UUID in use",
     lambda env: _new(env, uuid=env.t.get(KEY).uuid), Refused(kokeilu.InvalidArgumentError, "already in use", "uuid"))
case("dup-arms", "Duplicate keys", "two arms `video` and `VIDEO`",
     lambda env: _new(env, arms=[("control", "control"), ("video", "treatment"), ("VIDEO", "treatment")]),
     Refused(kokeilu.InvalidArgumentError, "already the name", "arms[2].name"))
case("dup-metrics", "Duplicate keys", "two metrics of the same name",
     lambda env: _new(env, metrics=_metric() + _metric(role="secondary")), Refused(kokeilu.InvalidArgumentError, "metrics"))
case("dup-primary", "Duplicate keys", "two primary metrics",
     lambda env: _new(env, metrics=_metric() + _metric(name="other")), Refused(kokeilu.InvalidArgumentError, "primary"))
case("dup-tags", "Duplicate keys", "tags `b`, `a`, `a`", lambda env: _new(env, tags=["b", "a", "a"]),
     Kept(lambda env: _assert_equal(list(env.t.get(NEW).tags), ["a", "b"]), "kept once each, sorted"))
case("dup-csv-column", "Duplicate keys", "a CSV file with the column `value` twice",
     lambda env: env.cli("import", KEY, env.csv("value,arm,value\n3,control,4\n")), CliRefused("appears twice"))

# CSV files.
case("csv-missing-value", "CSV files", "a CSV file without a `value` column",
     lambda env: env.cli("import", KEY, env.csv("arm\ncontrol\n")), CliRefused("value"))
case("csv-unknown-column", "CSV files", "a CSV file with an extra, unknown column `comment`",
     lambda env: env.cli("import", KEY, env.csv("value,arm,comment\n3,control,hi\n")), CliRefused("comment"))
case("csv-short-row", "CSV files", "a CSV row with a missing cell",
     lambda env: env.cli("import", KEY, env.csv("value,arm\n3,control\n4\n")), CliRefused("row 3"))
case("csv-long-row", "CSV files", "a CSV row with an extra cell",
     lambda env: env.cli("import", KEY, env.csv("value,arm\n3,control\n4,video,extra\n")), CliRefused("row 3"))
case("csv-utf16", "CSV files", "a CSV file in UTF-16",
     lambda env: env.cli("import", KEY, env.csv("value,arm\n3,control\n".encode("utf-16"))), CliRefused("utf-8"))
case("csv-mixed-encoding", "CSV files", "a CSV file in UTF-8 with one Latin-1 line",
     lambda env: env.cli("import", KEY, env.csv("value,arm,at\n3,control,2025-02-01\n".encode()
                                                 + "4,video,2025-02-01 # ä\n".encode("latin-1"))),
     CliRefused("utf-8"))
case("csv-nul", "CSV files", "a NUL byte in a CSV file",
     lambda env: env.cli("import", KEY, env.csv(b"value,arm\n3,con\0trol\n")), CliRefused("unknown arm"))
case("csv-zero-bytes", "CSV files", "a zero-byte CSV file",
     lambda env: env.cli("import", KEY, env.csv(b"")), CliRefused("no data rows"))
case("csv-header-only", "CSV files", "a CSV file with a header and no rows",
     lambda env: env.cli("import", KEY, env.csv("value,arm\n")), CliRefused("no data rows"))
case("csv-nan", "CSV files", "a CSV value `nan`",
     lambda env: env.cli("import", KEY, env.csv("value,arm\nnan,control\n")), CliRefused("nan"))
case("csv-inf", "CSV files", "a CSV value `inf`",
     lambda env: env.cli("import", KEY, env.csv("value,arm\ninf,control\n")), CliRefused("inf"))
case("csv-formula", "CSV files", "a CSV arm cell `=cmd|' /C calc'!A0` (spreadsheet formula)",
     lambda env: env.cli("import", KEY, env.csv("value,arm\n3,=cmd|' /C calc'!A0\n")), CliRefused("unknown arm"))
case("csv-negative-count", "CSV files", "a CSV of aggregates with n = -3",
     lambda env: env.cli("import", KEY, env.csv("n,sum,sum_sq,arm\n-3,9,30,control\n")), CliRefused("n"))
case("csv-bad-time", "CSV files", "a CSV `at` cell `2026-13-45`",
     lambda env: env.cli("import", KEY, env.csv("value,arm,at\n3,control,2026-13-45\n")), CliRefused("2026-13-45"))
case("csv-one-bad-row", "CSV files", "a CSV file of 5,000 good rows and one bad one (`x`)",
     lambda env: env.cli("import", KEY, env.csv("value,arm\n" + "3,control\n" * 2500 + "x,video\n" + "4,video\n" * 2500)),
     CliRefused("row 2502"))

FORMULA = '=HYPERLINK("http://example.com","x")'
case("csv-export-formula", "CSV files", f"an observation note `{FORMULA}`, then `kokeilu export observations`",
     lambda env: (env.t.log(KEY, 3.0, arm="control", note=FORMULA), env.close(),
                  env.cli("export", "observations", "--key", KEY))[-1],
     Kept(lambda env: _assert_equal(env.last is not None and '"\'=HYPERLINK(""http://example.com"",""x"")"'
                                    in env.last.out, True),
          "kept verbatim in the tracker; in the CSV export it starts with an apostrophe, so a spreadsheet "
          "shows it as text instead of running it as a formula"))

CR_FORMULA = "ok\r=SUM(1+1)*cmd|' /C calc'!A0"


def _export_note(env: Env, note: str, *args: str) -> Result:
    """Logs an observation with `note`, then exports the observations with `args`."""
    env.t.log(KEY, 3.0, arm="control", note=note)
    env.close()
    return env.cli("export", "observations", "--key", KEY, *args)


def _exported_notes(env: Env) -> list[str]:
    assert env.last is not None
    return [row["note"] for row in csv.DictReader(io.StringIO(env.last.out, newline="")) if row["note"]]


case("csv-export-cr", "CSV export", f"an observation note `{CR_FORMULA!r}` (a CR, then a formula), then "
     "`kokeilu export observations`",
     lambda env: _export_note(env, CR_FORMULA),
     Kept(lambda env: _assert_equal(_exported_notes(env)[-1], CR_FORMULA),
          "kept verbatim; in the CSV the cell is quoted, so the CR cannot start a new row and the formula after "
          "it stays text in the same cell"))
for name, text in (("leading-space", " =1+1"), ("no-break-space", "\u00a0=1+1"), ("zero-width", "\u200b=1+1"),
                   ("bom", "\ufeff@SUM(A1)"), ("bidi-mark", "\u200e+1"), ("full-width-equals", "\uff1d1+1"),
                   ("full-width-plus", "\uff0b1"), ("full-width-minus", "\uff0d1"), ("full-width-at", "\uff20SUM(A1)"),
                   ("minus-sign", "\u22121"), ("tab", "\t=1+1"), ("carriage-return", "\r=1+1")):
    case(f"csv-export-{name}", "CSV export", f"an observation note `{text!r}`, then `kokeilu export observations`",
         lambda env, t=text: _export_note(env, t),
         Kept(lambda env, t=text: _assert_equal(_exported_notes(env)[-1], "'" + t),
              "kept verbatim; in the CSV it starts with an apostrophe, so no spreadsheet runs it"))
case("csv-export-excel", "CSV export", "a note `=1+1`, then `kokeilu export observations --excel`",
     lambda env: _export_note(env, "=1+1", "--excel"),
     Kept(lambda env: _assert_equal(env.last is not None and env.last.out.startswith("\ufeff")
                                    and ";'=1+1;\r\n" in env.last.out, True),  # the note, then covariate
          "semicolons, decimal commas, a byte order mark; the formula starts with an apostrophe"))
case("csv-export-into-xlsx", "CSV export", "`kokeilu export --format csv --output k.xlsx` (CSV text into a file "
     "named .xlsx)",
     lambda env: env.cli("export", "--format", "csv", "--output", str(env.tmp / "k.xlsx")),
     CliRefused("named as a spreadsheet"))
case("csv-export-xlsx-formula", "CSV export", "a note `=cmd|' /C calc'!A0`, then `kokeilu export observations "
     "--output k.xlsx`",
     lambda env: _export_note(env, "=cmd|' /C calc'!A0", "--output", str(env.tmp / "k.xlsx")),
     Kept(lambda env: _assert_equal(_xlsx_notes(env.tmp / "k.xlsx")[-1], ("=cmd|' /C calc'!A0", "s")),
          "a real spreadsheet: the note is a text cell, exactly as given, never a formula"))


def _xlsx_notes(path: Path) -> list[tuple[Any, str]]:
    import openpyxl

    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    column = [cell.value for cell in rows[0]].index("note")
    return [(row[column].value, row[column].data_type) for row in rows[1:] if row[column].value]


# Corrections, repeats and the history: a typo is voided, never deleted; a write or a create run
# again lands once; an edit made with sqlite3 behind kokeilu's back is found by verify.
REPEATED_CSV = "value,arm,at\n3,control,2025-06-02T09:00:00Z\n4,video,2025-06-02T10:00:00Z\n"


def _import_twice(env: Env) -> Result:
    path = env.csv(REPEATED_CSV)
    first = env.cli("import", KEY, path, "--backfill")
    assert first.code == 0, first
    return env.cli("import", KEY, path, "--backfill")


def _write_twice_with_other_rows(env: Env) -> None:
    at = np.datetime64("2025-06-02T09:00", "us")
    env.t.log_many(KEY, [3.0], arm="control", at=at, idempotency_key="week-23", backfill=True)
    with pytest.raises(kokeilu.InvalidArgumentError, match="week-23"):
        env.t.log_many(KEY, [4.0], arm="control", at=at, idempotency_key="week-23", backfill=True)


def _void_the_typo(env: Env) -> None:
    env.t.log(KEY, 1e308, arm="control", subject="typo")
    typo = env.t.observations(KEY)
    env.t.void(KEY, ids=[int(typo.loc[typo["subject"] == "typo", "id"].iloc[0])], reason="typo for 3")


def _edited_with_sqlite(env: Env, statement: str) -> None:
    env.close()
    with sqlite3.connect(env.path) as con:
        con.execute(statement)
    con.close()


def _verify_finds(env: Env, field: str) -> None:
    found = env.t.verify().problems
    assert found["field"].str.startswith(field).any(), found


case("repeat-import", "Corrections, repeats and the history", "`kokeilu import` of the same CSV file twice",
     _import_twice,
     Kept(lambda env: _assert_equal((env.t.count_observations(KEY), "before" in (env.last.out if env.last else "")),
                                    (BASE_ROWS + 2, True)),
          "the second import writes nothing (the file's SHA-256 is its idempotency key) and says it was imported "
          "before"))
case("repeat-key-other-rows", "Corrections, repeats and the history",
     "`log_many` twice with one idempotency key and other rows",
     _write_twice_with_other_rows,
     Kept(lambda env: _assert_equal(env.t.count_observations(KEY), BASE_ROWS + 1),
          "the second write is refused naming the key (`InvalidArgumentError` `idempotency_key`); the first "
          "stays, once"))
case("repeat-create-cell", "Corrections, repeats and the history",
     "a notebook cell `create(key=..., ...)` run twice",
     lambda env: [env.t.create(**{**experiment_fields(), "key": NEW}) for _ in range(2)],
     Kept(lambda env: _assert_equal(env.t.history(NEW)["kind"].tolist(), ["create"]),
          "one experiment: the second call returns the stored one and writes nothing (other content is refused "
          "naming the fields that differ)"))
case("typo-1e308", "Corrections, repeats and the history", "`log K 1e308` (a typo), then voided with a reason",
     _void_the_typo,
     Kept(lambda env: _assert_equal(env.t.analyze(KEY).summaries["n"].sum() > 0, True),
          "the analysis works again: the voided row stays in the file and the history, out of every summary"))
case("sqlite-edit-right-if", "Corrections, repeats and the history",
     "`right_if` edited with sqlite3 behind kokeilu's back",
     lambda env: _edited_with_sqlite(env, "UPDATE experiments SET right_if = 'anything goes'"),
     Kept(lambda env: _verify_finds(env, "test_card.right_if"),
          "`verify` names `test_card.right_if` (stored and recorded value) and the broken lock; "
          "`show` and `analyze` warn"))
case("sqlite-edit-minimum-effect", "Corrections, repeats and the history",
     "a metric's `minimum_effect` edited with sqlite3",
     lambda env: _edited_with_sqlite(env, "UPDATE metrics SET minimum_effect = 5"),
     Kept(lambda env: _verify_finds(env, "metrics["), "`verify` names the metric's field; `show` and `analyze` warn"))
case("sqlite-edit-value", "Corrections, repeats and the history", "a stored value edited with sqlite3 (3 made 30)",
     lambda env: (env.t.log(KEY, 3.0, arm="video", subject="edited"),
                  _edited_with_sqlite(env, "UPDATE observations SET value = 30 WHERE subject = 'edited'")),
     Kept(lambda env: _verify_finds(env, "batch "),
          "`verify` names the batch whose SHA-256 no longer matches its rows"))

# The criterion after the start: amendments the stored data cannot satisfy are refused naming the
# rows; an amended criterion is kept and shown, and the verdict stays the one locked at the start;
# a before/after design keeps each value in its own period; a start dated before the lock is said.
def _amend_primary(env: Env, **fields: Any) -> kokeilu.Experiment:
    return env.t.amend(KEY, "changed after seeing the data", metrics=[{"name": "sense_of_security", **fields}])


def _judged_as_locked(env: Env) -> None:
    analysis = env.t.analyze(KEY)
    verdict, amended = analysis.verdict, analysis.amended_verdict
    assert verdict.criterion == "locked" and "(higher is better;" in verdict.sentence_en, verdict
    assert amended is not None and amended.exploratory, analysis
    assert amended.sentence_en.startswith("Exploratory, against the amended criterion"), amended
    assert "(lower is better;" in amended.sentence_en, amended
    assert env.t.get(KEY).locked.primary_metric.direction == kokeilu.Direction.higher_is_better  # type: ignore[union-attr]


def _still_analysable(env: Env) -> None:
    assert env.t.get(KEY).primary_metric.kind == kokeilu.MetricKind.mean
    env.t.analyze(KEY)


case("criterion-direction-amended", "Criterion after the start",
     "`amend --set M.direction=lower_is_better` and `--minimum-effect M=0.1` after the start",
     lambda env: _amend_primary(env, direction="lower_is_better", minimum_effect=0.1),
     Kept(_judged_as_locked, "kept and shown as amendments; the verdict is judged against the criterion as locked, "
                             "and a second, exploratory judgement against the amended one is added"))
case("criterion-kind-proportion", "Criterion after the start",
     "the primary metric's kind changed from mean to proportion while values 1-5 are stored",
     lambda env: _amend_primary(env, kind="proportion", minimum_effect=0.1),
     Refused(kokeilu.InvalidArgumentError, "cannot change from mean to proportion: 119 observations do not fit it",
             "metrics[sense_of_security].kind"))
case("criterion-kind-count", "Criterion after the start",
     "the primary metric's kind changed to count while fractions are stored",
     lambda env: _amend_primary(env, kind="count"),
     Refused(kokeilu.InvalidArgumentError, "a count of events is a whole number", "metrics[sense_of_security].kind"))
case("criterion-kind-cli", "Criterion after the start",
     "`kokeilu amend KEY --set sense_of_security.kind=proportion`",
     lambda env: env.cli("amend", KEY, "--reason", "shares", "--set", "sense_of_security.kind=proportion",
                         "--set", "sense_of_security.minimum_effect=0.1"),
     CliRefused("do not fit it (ids 2, 3, 4, 5, 6 and 114 more; observation 2: value a proportion metric takes 0 or 1"))
case("criterion-remove-arm-with-rows", "Criterion after the start", "removing the arm `video`, which has 60 rows",
     lambda env: env.t.amend(KEY, "one arm only", arms={"control": "control", "phone": "treatment"}),
     Refused(kokeilu.InvalidArgumentError, "cannot be removed: it has 60 observations", "arms[video]"))
case("criterion-analysis-after-refusal", "Criterion after the start",
     "analysing after a refused kind change",
     lambda env: (_refused(lambda: _amend_primary(env, kind="proportion", minimum_effect=0.1)), _still_analysable(env)),
     Kept(_still_analysable, "the kind stays as it was and every analysis works"))
case("criterion-before-value-after-start", "Criterion after the start",
     "a `before` value logged now, and one timed 2025-06-10 with `backfill` (both after the start)",
     lambda env: (_refused(lambda: env.t.log(PERIODS, 3.0, arm="before")),
                  env.t.log(PERIODS, 3.0, arm="before", at=datetime.datetime(2025, 6, 10, 9), backfill=True)),
     Refused(kokeilu.InvalidArgumentError, "but the arm 'before' is the period before it", "at"))
case("criterion-after-value-before-start", "Criterion after the start",
     "an `after` value at 2025-05-30 (before the start) with `backfill`, in `log_many`",
     lambda env: env.t.log_many(PERIODS, [4.0, 5.0], arm=["after", "after"],
                                at=[datetime.datetime(2025, 6, 5), datetime.datetime(2025, 5, 30)], backfill=True),
     Refused(kokeilu.InvalidArgumentError, "but the arm 'after' is the period after it", "at[1]"))
case("criterion-after-value-aggregate", "Criterion after the start",
     "an aggregated `after` row at 2025-05-30 (before the start) with `backfill`",
     lambda env: env.t.log_aggregates(PERIODS, pd.DataFrame({"n": [5], "sum": [15.0], "sum_sq": [50.0],
                                                             "arm": ["after"], "at": [datetime.datetime(2025, 5, 30)]}),
                                      backfill=True),
     Refused(kokeilu.InvalidArgumentError, "is the period after it", "at[0]"))
case("criterion-early-start", "Criterion after the start",
     "an experiment started on 2025-06-02 and locked later (today), with rows logged in between",
     lambda env: env.t.analyze(PERIODS),
     Kept(lambda env: _assert_equal(
         [w.split(":")[0] for w in env.t.analyze(PERIODS).warnings if w.startswith(("Started", "Rows logged"))],
         [f"Started {env.t.get(PERIODS).days_started_before_lock} days before the Test Card was locked",
          "Rows logged for times between the start and the lock, which may have been seen before the criterion "
          "was fixed"]),
         "allowed; show, analyze, the HTML display, the report and the export say \"started N days before the "
         "Test Card was locked: data from A to B may have been seen before the criterion was fixed\", and the "
         "analysis counts the rows logged in that window per arm"))


def _refused(call: Callable[[], Any]) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError):
        call()


# Files.
def _open(path: Path, **options: Any) -> None:
    with kokeilu.open(path, **options) as tracker:
        tracker.count_observations(KEY)
        tracker.observations(KEY)


case("file-zero-bytes", "Files", "a zero-byte file opened read-only",
     lambda env: kokeilu.open(env.file("empty.db", b""), read_only=True),
     Refused(kokeilu.SchemaError, "it is empty"))
case("file-zero-bytes-write", "Files", "a zero-byte file opened for writing",
     lambda env: _open_empty(env.tmp / "empty.db"),
     Kept(lambda env: _assert_equal(_experiments_in(env.tmp / "empty.db"), 0), "becomes a new, empty tracker"))
case("file-text", "Files", "a text file",
     lambda env: _open(env.file("text.db", b"value,arm\n3,control\n" * 100)),
     Refused(kokeilu.SchemaError, "not a SQLite database"))
case("file-other-sqlite", "Files", "a SQLite file of another application",
     lambda env: _open(_with_schema(env, "other.db", "CREATE TABLE accounts (id INTEGER, balance REAL);")),
     Refused(kokeilu.SchemaError, "another application"))
case("file-newer-schema", "Files", "a tracker written by a newer kokeilu (schema version 99)",
     lambda env: _open(_with_schema(env, "newer.db", f"PRAGMA application_id = {0x4B4F4B45}; PRAGMA user_version = 99;"
                                    "CREATE TABLE experiments (id INTEGER);")),
     Refused(kokeilu.SchemaError, "newer kokeilu"))
case("file-corrupt-page", "Files", "a tracker with its observations page overwritten with garbage",
     lambda env: (_damaged(env, _observation_page(env), b"\xde\xad\xbe\xef" * 256),
                  _open(env.tmp / "damaged.db")),
     Refused(kokeilu.StorageError, "malformed"))
case("file-corrupt-header", "Files", "a tracker whose 100-byte header is overwritten",
     lambda env: (_damaged(env, 1, b"\x00" * 100), _open(env.tmp / "damaged.db")),
     Refused(kokeilu.SchemaError, "not a SQLite database"))
case("file-truncated", "Files", "a tracker cut to half its length",
     lambda env: (env.file("half.db", env.path.read_bytes()[: env.path.stat().st_size // 2]),
                  _open(env.tmp / "half.db")),
     Refused(kokeilu.StorageError, "malformed"))
case("file-symlink-loop", "Files", "a symlink loop as the path",
     lambda env: (os.symlink("loop-b", env.tmp / "loop-a"), os.symlink("loop-a", env.tmp / "loop-b"),
                  kokeilu.open(env.tmp / "loop-a")),
     Refused(kokeilu.StorageError, "symbolic links"))
case("file-directory", "Files", "a folder as the path",
     lambda env: kokeilu.open(env.tmp), Refused(kokeilu.StorageError, "it is a folder"))
case("file-missing-folder", "Files", "a path in a folder that does not exist",
     lambda env: kokeilu.open(env.tmp / "no-such-folder" / "k.db"), Refused(kokeilu.StorageError, "No such file or directory"))
case("file-missing-read-only", "Files", "a missing file opened read-only",
     lambda env: kokeilu.open(env.tmp / "missing.db", read_only=True), Refused(kokeilu.NotFoundError, "missing.db"))
case("file-nul-path", "Files", "a path with a NUL byte `k.db\\0other`",
     lambda env: kokeilu.open(str(env.tmp / "k.db") + "\0other"), Refused(kokeilu.InvalidArgumentError, "NUL", "path"))
case("file-uri-path", "Files", "the path `file:k.db?mode=memory` (a SQLite URI)",
     lambda env: _uri_path(env),
     Kept(lambda env: _assert_equal(sorted(p.name for p in env.tmp.iterdir() if p.name.startswith("file:")),
                                    ["file:k.db?mode=memory"]),
          "a file of exactly that name: paths are never read as URIs"))
case("file-busy-timeout", "Files", "`busy_timeout_ms` = -1",
     lambda env: kokeilu.open(env.path, busy_timeout_ms=-1), Refused(kokeilu.InvalidArgumentError, "negative", "busy_timeout_ms"))
case("file-fifo", "Files", "a FIFO (named pipe) as the tracker path (SQLite's open would block)",
     lambda env: kokeilu.open(_fifo(env, "putki.db")), Refused(kokeilu.StorageError, "it is a FIFO (named pipe), not a file"))
case("file-fifo-list", "Files", "`kokeilu list --db PIPE` with a FIFO as the tracker (it hung)",
     lambda env: call(["--lang", "en", "--db", str(_fifo(env, "putki.db")), "list"]),
     CliRefused("it is a FIFO (named pipe)"))
case("file-symlink-device", "Files", "a symbolic link to `/dev/null` as the tracker path",
     lambda env: (os.symlink("/dev/null", env.tmp / "laite.db"), kokeilu.open(env.tmp / "laite.db")),
     Refused(kokeilu.StorageError, "symbolic link to a character device"))
case("file-socket", "Files", "a Unix socket as the tracker path",
     lambda env: kokeilu.open(_socket(env, "pistoke.db")), Refused(kokeilu.StorageError, "it is a socket"))
case("file-wal-fifo", "Files", "a FIFO where SQLite keeps the tracker's `-wal`",
     lambda env: kokeilu.open(_beside(_tracker_file(env, "oma.db"), _fifo(env, "oma.db-wal"))),
     Refused(kokeilu.StorageError, "its write-ahead log"))
case("file-hard-link", "Files", "a tracker with a second name (hard link), opened for writing (seen: 400 of 800 "
     "rows lost)",
     lambda env: kokeilu.open(_hard_linked(env)), Refused(kokeilu.StorageError, "has 2 names (hard links)"))
case("file-hard-link-read-only", "Files", "a tracker with a second name (hard link), opened read-only",
     lambda env: _count_read_only(_hard_linked(env)),
     Kept(lambda env: _assert_equal(_count_read_only(env.tmp / "toinen.db"), BASE_ROWS),
          "opens: reading writes nothing, so it cannot lose a row"))
case("file-stale-wal", "Files", "the `-wal` of another tracker (500 rows) beside a tracker (seen: the file showed "
     "the other's rows, its own gone)",
     lambda env: kokeilu.open(_with_foreign_log(env)),
     Refused(kokeilu.StorageError, "belongs to another tracker file"))
case("file-stale-wal-read-only", "Files", "the same, opened read-only",
     lambda env: kokeilu.open(_with_foreign_log(env), read_only=True),
     Refused(kokeilu.StorageError, "belongs to another tracker file"))
case("file-locked-by-bulk-write", "Files", "`log` while another process holds the write lock (seen: a 16 s bulk "
     "write made it fail after 10 s)",
     lambda env: _log_while_locked(env),
     Kept(lambda env: _assert_equal(_rows_with(env, "subject", "odotti"), 1),
          "waits (up to 5 minutes by default; `busy_timeout_ms`, `--wait`), tells `on_wait` (the command "
          "prints a notice after 1.5 s) and lands once the other write is done"))


def _open_empty(path: Path) -> None:
    path.write_bytes(b"")
    kokeilu.open(path).close()


def _experiments_in(path: Path) -> int:
    with kokeilu.open(path, read_only=True) as tracker:
        return len(tracker.experiments())


def _uri_path(env: Env) -> None:
    cwd = os.getcwd()
    os.chdir(env.tmp)
    try:
        with kokeilu.open("file:k.db?mode=memory") as tracker:
            prepare(tracker)
    finally:
        os.chdir(cwd)


def _fifo(env: Env, name: str) -> Path:
    path = env.tmp / name
    os.mkfifo(path)
    return path


def _beside(path: Path, _made: Path) -> Path:
    """`path`, once the file beside it has been made."""
    return path


def _socket(env: Env, name: str) -> Path:
    path = env.tmp / name
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.close()  # the entry stays
    return path


def _hard_linked(env: Env) -> Path:
    """A copy of the tracker with a second name, toinen.db."""
    path = _tracker_file(env, "oma.db")
    os.link(path, env.tmp / "toinen.db")
    env.hostile, env.hostile_bytes = path, path.read_bytes()
    return path


def _count_read_only(path: Path) -> int:
    with kokeilu.open(path, read_only=True) as tracker:
        return tracker.count_observations(KEY)


def _with_foreign_log(env: Env) -> Path:
    """A copy of the tracker, oma.db, with the write-ahead log of another tracker beside it: one
    with 500 rows still in its log, as a writer killed after its write leaves it."""
    own = _tracker_file(env, "oma.db")
    other = env.tmp / "toinen.db"
    with kokeilu.open(other) as tracker:
        prepare(tracker)
        holder = sqlite3.connect(other)  # keeps the close from copying the log into the file
        holder.execute("SELECT count(*) FROM sqlite_master").fetchone()
        times = np.datetime64("2025-01-13T12:00") + np.arange(500) * np.timedelta64(1, "s")
        tracker.log_many(KEY, np.full(500, 2.0), arm=["control", "video"] * 250, at=times)
    shutil.copy(env.tmp / "toinen.db-wal", env.tmp / "oma.db-wal")
    holder.close()
    env.hostile = env.tmp / "oma.db-wal"
    env.hostile_bytes = env.hostile.read_bytes()
    return own


def _log_while_locked(env: Env) -> None:
    holder = Holder(env.path)
    notices: list[str] = []

    def on_wait() -> None:
        notices.append("waiting")
        holder.release()

    env.close()
    with kokeilu.open(env.path, on_wait=on_wait) as tracker:
        tracker.log(KEY, 3.0, arm="control", subject="odotti")
    assert notices == ["waiting"]


# ------------------------------------------------------------------------------------------------
# Running a case.


def _message(error: BaseException) -> str:
    return str(error).replace(str(Path.cwd()), ".")


def run_case(item: Case, tmp: Path, baseline: Path) -> str:
    """Runs one case, asserts its expectation, and returns its outcome in words for the doc."""
    path = tmp / "kokeilut.db"
    shutil.copy(baseline, path)
    env = Env(path, tmp)
    before = dump(path)
    outcome: str
    try:
        expect = item.expect
        if isinstance(expect, Refused):
            with pytest.raises(expect.error) as caught:
                item.act(env)
            message = str(caught.value)
            assert re.search(re.escape(expect.words), message, re.IGNORECASE), (expect.words, message)
            if expect.field is not None:
                assert getattr(caught.value, "field", None) == expect.field, (expect.field, caught.value)
            outcome = f"refused: `{type(caught.value).__name__}`: {_short(message, tmp)}"
        elif isinstance(expect, CliRefused):
            result: Result = item.act(env)
            assert result.code != 0, result
            assert "Traceback" not in result.err, result
            assert expect.words.lower() in result.err.lower(), (expect.words, result)
            outcome = f"refused by `kokeilu` (exit {result.code}): {_short(result.err.strip(), tmp)}"
        else:
            result = item.act(env)
            if isinstance(result, Result):
                assert result.code == 0, result
            expect.check(env)
            outcome = expect.what
        if isinstance(expect, Refused) and env.hostile is not None:
            # A hostile file refused as a tracker is left as it was, byte for byte.
            assert env.hostile.read_bytes() == env.hostile_bytes, f"{item.id}: {env.hostile.name} was changed"
    finally:
        env.close()

    # Nothing written (when refused), nothing lost (always), and the file sound.
    after = dump(path)
    if isinstance(item.expect, (Refused, CliRefused)):
        assert after == before, f"{item.id}: the tracker changed although the input was refused"
    else:
        lost = [line for line in before if line.startswith('INSERT INTO "observations"') and line not in after]
        assert not lost, f"{item.id}: {len(lost)} observations lost"
    assert integrity(path) == "ok"
    return outcome


def _short(message: str, tmp: Path) -> str:
    text = " ".join(message.replace(str(tmp), "…").split())
    # Control and format characters (NUL, a right-to-left override) are shown escaped.
    text = "".join(f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
    text = text if len(text) <= 220 else text[:217] + "…"
    return text.replace("|", "\\|")


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("baseline") / "baseline.db"
    make_baseline(path)
    return path


@pytest.mark.parametrize("item", CASES, ids=[c.id for c in CASES])
def test_hostile_input(item: Case, tmp_path: Path, baseline: Path) -> None:
    run_case(item, tmp_path, baseline)


def test_the_catalogue_lists_every_case() -> None:
    doc = (HERE.parent.parent / "docs" / "bad-input.md").read_text(encoding="utf-8")
    missing = [c.id for c in CASES if f"`{c.id}`" not in doc]
    assert not missing, f"docs/bad-input.md lacks {missing}; regenerate it (see this file's docstring)"
    assert len(CASES) >= 60


def write_catalogue() -> str:
    import tempfile

    lines = [
        "# Hostile input: what kokeilu does with it",
        "",
        "Each row is one case of `tests/reliability/test_bad_input.py`, and the last column is what the",
        "case actually got when this file was written (`python tests/reliability/test_bad_input.py >",
        "docs/bad-input.md`). Every case also asserts that a refused input wrote nothing (the tracker",
        "file is the same, row for row), that nothing stored before was lost, and that the file passes",
        "SQLite's `PRAGMA integrity_check` afterwards. A refused hostile file is left unchanged, byte for",
        "byte. Input kept as data reads back exactly as it was given.",
        "",
        "Text is never pasted into SQL: every value is bound to a prepared statement, so SQL in any",
        "field is just text. Names and keys are checked (length, control characters, valid UTF-8, NUL);",
        "names of arms, metrics, tags, the organisation, unit and owner are kept in Unicode NFC and",
        "refused when they hold a character that shows nothing or turns the text around (zero-width,",
        "format and bidirectional control characters), and a reason (an amendment's, a stop's, a note)",
        "must hold a visible character. Values must be bool, int or float, finite, fit the metric's kind",
        "and its valid range (a 1-5 survey); counts are refused before they would overflow. Times must",
        "be ISO 8601 text (never read day-first or leniently), a datetime, a numpy datetime64, or a",
        "number with its unit said (`at_unit=\"s\"`), in years 1400-9999 and not more than a day in the",
        "future (unless `allow_future`); they are kept in UTC to the microsecond.",
        "",
        "These rules are written once, in the C++ core, and every door (`log`, `log_many`, `log_frame`,",
        "`log_aggregates`, the CSV import, the command, the C++ API) applies them: the same input is",
        "accepted by all or refused by all, naming the column and row as the caller wrote them",
        "(`at[3]`, `score[3]`, `arm[1]`); `tests/python/test_doors.py` checks that property.",
        "",
        "| # | Case | Hostile input | What it gets |",
        "|---|------|---------------|--------------|",
    ]
    group = ""
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch) / "baseline.db"
        make_baseline(base)
        for number, item in enumerate(CASES, 1):
            if item.group != group:
                group = item.group
                lines.append(f"| | **{group}** | | |")
            tmp = Path(scratch) / item.id
            tmp.mkdir()
            outcome = run_case(item, tmp, base)
            lines.append(f"| {number} | `{item.id}` | {item.given.replace('|', chr(92) + '|')} | {outcome} |")
    lines += [
        "",
        "Notes:",
        "",
        "- A path is always a file name. SQLite would read a name starting with `file:` as a URI",
        "  (`file:k.db?mode=memory` is a database in memory that vanishes on close); kokeilu gives it",
        "  to SQLite as `./file:…`, the file of that name. A NUL byte in a path is refused, as SQLite",
        "  would silently open the file named by the part before it.",
        "- Invalid UTF-8 cannot reach the core from Python: a `str` holding a lone surrogate (how Python",
        "  keeps undecodable bytes) is refused naming the field. The core checks every text it is given",
        "  for valid UTF-8 and NUL bytes itself (`tests/fuzz` and the C++ tests cover that side).",
        "- CSV export (rows `csv-export-*`): `kokeilu export` quotes every cell that holds a CR or LF (a",
        "  lone CR, unquoted, starts a new row in a spreadsheet), and gives an apostrophe to every text",
        "  cell that a spreadsheet could run as a formula: one starting with `=`, `+`, `-` or `@`, also",
        "  after spaces and invisible characters (format and control characters, no-break and other",
        "  spaces, Unicode's default-ignorable fillers), in full-width and small forms (`＝ ＋ － ＠`,",
        "  folded by NFKC), after a minus sign (U+2212), and any cell starting with a tab or CR. The",
        "  tracker and the JSON export keep the text as it was recorded. `--excel` writes the same rules",
        "  with semicolons, decimal commas and a UTF-8 byte order mark. A `.xlsx` output is a real",
        "  workbook (openpyxl): text cells are text, never formulas, and keep the text exactly (XML",
        "  stores a CR as a line break, LF, and a control character it cannot hold as U+FFFD). CSV or",
        "  JSON into a file named `.xlsx`, `.xls`, `.ods` (and the other spreadsheet names) is refused.",
        "- Paths (rows `file-fifo` to `file-wal-fifo`): a path that is not a regular file, or a symbolic",
        "  link to one, is refused before SQLite opens it, and so is such a thing where SQLite keeps the",
        "  `-wal`, `-shm` or `-journal` (SQLite would open it as part of the tracker; a FIFO blocks).",
        "- Hard links (rows `file-hard-link*`): SQLite names the write-ahead log after the path it was",
        "  given, so two names of one file get two logs, and each checkpoint copies its log's pages over",
        "  the other's (`tests/reliability/test_file_hazards.py` shows 800 committed rows losing some",
        "  with plain SQLite). Opening such a file for writing is refused; read-only opening is allowed,",
        "  as it writes nothing (it may miss commits still in the other name's log, as a copy would).",
        "- A stale `-wal` (rows `file-stale-wal*`): every tracker from schema 6 on keeps a random file",
        "  identity, and its writes copy the identity's page into each write-ahead log they start. Before",
        "  SQLite opens a file, kokeilu reads the committed frames of the `-wal` beside it and refuses",
        "  it, leaving both files untouched, when they hold another tracker's identity, another",
        "  database's header, or when the main file is empty (SQLite would delete such a log silently).",
        "  What cannot be detected, and is replayed by SQLite as before: a log whose commits hold no",
        "  page kokeilu can recognise (all of them made by another program, e.g. the `sqlite3` shell,",
        "  after the log started again; or only the first commit after a checkpoint, before the",
        "  writer's next write marks the log again), a log of a copy of the same tracker (same",
        "  identity), a log beside a file at a schema before 6 (until its first writable open migrates",
        "  it), and the part of a log beyond its first 64 MiB. `test_file_hazards.py` keeps one such",
        "  case as a test, so that the limit stays known.",
        "- A long write by another process (row `file-locked-by-bulk-write`): a write waits for the",
        "  write lock up to `busy_timeout_ms` (default five minutes; the command's `--wait SECONDS` or",
        "  `KOKEILU_WAIT`), and after 1.5 s calls `on_wait` (the command prints \"Waiting for another",
        "  write to … to finish\", in Finnish or English); `tests/reliability/test_busy_wait.py` holds the",
        "  lock in a second process.",
        "- Rows `analyze-*`: whatever is stored, one metric cannot stop the analysis. A metric whose sums",
        "  pass the largest double (values near 1e308, or squares of values near 1e200) is shown as",
        "  \"values too large to summarise exactly\"; one whose stored rows no summary can take (an",
        "  infinity written into the file) as \"stored values that cannot be summarised\"; the other",
        "  metrics are analysed as usual.",
        "- Read-only files and folders and a full disk are covered by",
        "  `tests/reliability/test_readonly_fulldisk.py` and `tests/cpp/test_fault_injection.cpp`.",
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(write_catalogue())
