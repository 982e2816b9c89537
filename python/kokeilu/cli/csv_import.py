"""Importing observations from a CSV file: check every row first, then write all of them at once.

The whole file is read and checked before anything is written, so a bad row rejects the file with
a report of the first problems (row, column, problem) and the tracker stays as it was. A good file
goes in through the bulk API in one transaction.

The importer reads the file's text into columns (numbers, ISO 8601 times parsed by the core, arm
names as written); what the rows must then satisfy (0/1 for a proportion, the metric's valid
range, times not before the start nor in the future, known arms, consistent aggregates) is
checked by the core, by the same rules as every other door, which reports every problem with
its row. Those checks are whole-column operations, so a file of a million rows is checked in
about the time it takes to read it.

A file may use commas or, as Finnish spreadsheets write it, semicolons with decimal commas. The
column ``covariate`` holds each subject's pre-period value, for a metric that names one
(``Metric.covariate``); the core requires it there and refuses it elsewhere.
"""

from __future__ import annotations

import csv
import hashlib
import re
import warnings
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

import kokeilu
from kokeilu import _core
from kokeilu._history import written

from .i18n import Messages
from .values import UserError

KNOWN_COLUMNS = ("value", "n", "sum", "sum_sq", "arm", "at", "metric", "exposure", "covariate")
NUMERIC_COLUMNS = ("value", "n", "sum", "sum_sq", "exposure", "covariate")
#: How many problems the report shows.
SHOWN_PROBLEMS = 10


@dataclass(frozen=True)
class Problem:
    row: int | None  # the line in the file (the header is line 1); None for the file as a whole
    column: str | None
    text: str


class Rejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        super().__init__(f"{len(problems)} problems")
        self.problems = sorted(problems, key=lambda p: (p.row or 0, p.column or ""))
        self.total = len(problems) if total is None else max(total, len(problems))


@dataclass
class Checked:
    """A file whose text passed the checks, ready for the core's checks and the write."""

    metric: kokeilu.Metric
    frame: pd.DataFrame  # columns as the bulk API wants them
    aggregated: bool
    lines: np.ndarray  # the file line of each row, for problems the core reports by row


def _read(path: str, msgs: Messages) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            first = handle.readline()
            delimiter = ";" if first.count(";") > first.count(",") else ","
            handle.seek(0)
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, None)
            rows = [(reader.line_num, row) for row in reader if row and any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise UserError(msgs("import.unreadable", path=path, problem=error)) from None
    if header is None:
        raise UserError(msgs("import.unreadable", path=path, problem=msgs("import.empty")))
    return [name.strip().casefold() for name in header], rows, delimiter


def _numbers(column: pd.Series, decimal_comma: bool) -> pd.Series:
    text = column.str.strip()
    if decimal_comma:
        text = text.str.replace(",", ".", regex=False)
    return cast(pd.Series, pd.to_numeric(text.where(text != "", None), errors="coerce"))


class Importer:
    """Checks a CSV file against one experiment.

    With ``tracker``, :meth:`check` also runs the core's checks of the rows, so that one report
    lists the problems of the text and of the data together; :func:`write` runs them in any case.
    """

    def __init__(
        self,
        msgs: Messages,
        experiment: kokeilu.Experiment,
        *,
        metric: str,
        backfill: bool,
        allow_future: bool = False,
        tracker: kokeilu.Tracker | None = None,
    ) -> None:
        self.msgs = msgs
        self.e = experiment
        self.metric_option = metric
        self.backfill = backfill
        self.allow_future = allow_future
        self.tracker = tracker
        self.problems: list[Problem] = []
        # Problems found by whole-column checks beyond those listed (the report shows the first).
        self.unlisted = 0

    def _problem(self, lines: np.ndarray, mask: Any, column: str | None, text_of: Any) -> None:
        """Adds a problem for each row where mask is true; text_of(index) words it."""
        rows = np.flatnonzero(np.asarray(mask))
        for index in rows[:SHOWN_PROBLEMS]:
            self.problems.append(Problem(int(lines[index]), column, text_of(int(index))))
        self.unlisted += max(0, len(rows) - SHOWN_PROBLEMS)

    def check(self, path: str) -> Checked:
        msgs = self.msgs
        header, rows, delimiter = _read(path, msgs)
        seen: set[str] = set()
        for name in header:
            if name not in KNOWN_COLUMNS:
                self.problems.append(Problem(1, name, msgs("import.unknown_column", known=", ".join(KNOWN_COLUMNS))))
            elif name in seen:
                self.problems.append(Problem(1, name, msgs("import.duplicate_column")))
            seen.add(name)
        aggregated = "n" in seen or "sum" in seen
        if "value" in seen and aggregated:
            self.problems.append(Problem(1, "value", msgs("import.value_and_aggregate")))
        elif aggregated and "covariate" in seen:
            # Aggregated rows go in without it: the column would be dropped unread.
            self.problems.append(Problem(1, "covariate", msgs("import.covariate_aggregate")))
        elif aggregated:
            for column in ("n", "sum"):
                if column not in seen:
                    self.problems.append(
                        Problem(1, column, msgs("import.missing_column", column=column, why=msgs("import.why_value")))
                    )
        elif "value" not in seen:
            self.problems.append(
                Problem(1, "value", msgs("import.missing_column", column="value", why=msgs("import.why_value")))
            )
        arm_names = [a.name for a in self.e.arms]
        if "arm" not in seen and len(arm_names) != 1:
            why = msgs("import.why_arm", key=self.e.key, count=len(arm_names), known=", ".join(arm_names))
            self.problems.append(Problem(1, "arm", msgs("import.missing_column", column="arm", why=why)))
        if self.problems:
            raise Rejected(self.problems)
        if not rows:
            raise Rejected([Problem(None, None, msgs("import.empty"))])

        width = len(header)
        lines = np.array([line for line, _ in rows], dtype=np.int64)
        padded = [row[:width] + [""] * (width - len(row)) for _, row in rows]
        ragged = np.array([len(row) != width for _, row in rows], dtype=bool)
        self._problem(lines, ragged, None, lambda i: msgs("import.field_count", got=len(rows[i][1]), want=width))
        table = pd.DataFrame(padded, columns=header, dtype=object).astype(str)
        # Rows whose text cannot be read as the columns need; the rest still go to the core's checks.
        unreadable = ragged.copy()

        metric = self._check_metric(table, lines)
        frame = pd.DataFrame(index=table.index)
        if "arm" in seen:
            arms = table["arm"].str.strip()
            if len(arm_names) != 1:
                empty = (arms == "").to_numpy(dtype=bool)
                self._problem(lines, empty, "arm", lambda i: msgs("import.empty_cell"))
                unreadable |= empty
            frame["arm"] = arms
        if "at" in seen:
            frame["at"], bad_times = self._check_times(table["at"], lines)
            unreadable |= bad_times
        decimal_comma = delimiter == ";"
        numbers = {c: _numbers(table[c], decimal_comma) for c in NUMERIC_COLUMNS if c in seen}
        for column, values in numbers.items():
            empty = (table[column].str.strip() == "").to_numpy(dtype=bool)
            if column != "sum_sq":
                self._problem(lines, empty, column, lambda i: msgs("import.empty_cell"))
                unreadable |= empty
            bad = values.isna().to_numpy(dtype=bool) & ~empty
            self._problem(lines, bad, column, lambda i, c=column: msgs("import.not_number", value=table[c].iat[i]))
            unreadable |= bad
        if aggregated and "n" in numbers:
            n = numbers["n"].to_numpy(dtype=np.float64, na_value=np.nan)
            fractional = ~np.isnan(n) & (n != np.floor(n))
            self._problem(lines, fractional, "n", lambda i: msgs("import.not_whole", value=table["n"].iat[i]))
            # 4.6E920 reads as infinity and 1e30 as a whole number: neither fits the 64-bit count
            # the core keeps, and converting them would wrap around silently.
            huge = ~np.isnan(n) & ~fractional & (np.abs(n) >= 2.0**63)
            self._problem(lines, huge, "n", lambda i: msgs("import.count_too_large", value=table["n"].iat[i]))
            unreadable |= fractional | huge
        if metric is None:
            raise Rejected(self.problems, len(self.problems) + self.unlisted)
        for column, values in numbers.items():
            frame[column] = values.astype(np.float64)
        checked = Checked(metric, frame, aggregated, lines)
        if self.tracker is not None:
            # The core's checks of the rows that could be read, in the same report.
            readable = Checked(metric, frame[~unreadable].reset_index(drop=True), aggregated, lines[~unreadable])
            problems, total = core_problems(self.tracker, self.e.key, readable, self.backfill, self.allow_future, msgs)
            self.problems.extend(problems)
            self.unlisted += total - len(problems)
        if self.problems:
            raise Rejected(self.problems, len(self.problems) + self.unlisted)
        if aggregated:
            frame["n"] = frame["n"].astype(np.int64)
        return checked

    def _check_metric(self, table: pd.DataFrame, lines: np.ndarray) -> kokeilu.Metric | None:
        msgs = self.msgs
        known_text = ", ".join(m.name for m in self.e.metrics)

        def metric_named(name: str) -> kokeilu.Metric | None:
            # Names as the core compares them: in NFC, ignoring case.
            return next((m for m in self.e.metrics if kokeilu.same_name(m.name, name)), None)

        default = self.metric_option or self.e.primary_metric.name
        default_metric = metric_named(default)
        if default_metric is None:
            raise UserError(msgs("unknown_metric", name=default, known=known_text))
        if "metric" not in table.columns:
            return default_metric
        names = table["metric"].str.strip()
        names = names.where(names != "", default)
        # Each distinct spelling once: a file of a million rows names one or two metrics.
        found = {name: metric_named(name) for name in names.unique()}
        unknown = names.map({name: metric is None for name, metric in found.items()}).to_numpy(dtype=bool)
        self._problem(
            lines, unknown, "metric", lambda i: msgs("import.unknown_metric", value=names.iat[i], known=known_text)
        )
        if unknown.any():
            return None
        distinct = {m.id: m for m in found.values() if m is not None}
        if len(distinct) > 1:
            listed = ", ".join(sorted(m.name for m in distinct.values()))
            self.problems.append(Problem(None, "metric", msgs("import.several_metrics", names=listed)))
            return None
        return next(iter(distinct.values()))

    def _check_times(self, texts: pd.Series, lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The times as datetime64[us] (NaT where unreadable), by the core's ISO 8601 parser, and
        which rows could not be read."""
        msgs = self.msgs
        stripped = texts.str.strip()
        empty = (stripped == "").to_numpy(dtype=bool)
        self._problem(lines, empty, "at", lambda i: msgs("import.empty_cell"))
        filled = np.flatnonzero(~empty)
        micros = np.full(len(texts), np.iinfo(np.int64).min, dtype=np.int64)
        # A date alone or a time without an offset is wall-clock time in the tracker's zone (the
        # command's rule), else in the zone the command shows times in.
        zone = self.tracker.time_zone if self.tracker is not None else msgs.time_zone
        parsed, problems, total = _core.parse_time_texts(
            stripped.iloc[filled].tolist(), "at", SHOWN_PROBLEMS, zone
        )
        micros[filled] = parsed
        for row, _problem in problems:
            index = int(filled[row])
            self.problems.append(Problem(int(lines[index]), "at", msgs("import.not_time", value=texts.iat[index])))
        self.unlisted += total - len(problems)
        bad = np.zeros(len(texts), dtype=bool)
        bad[filled] = parsed == np.iinfo(np.int64).min
        return micros.view("datetime64[us]"), empty | bad


_ROW_INDEX = re.compile(r"\[(\d+)\]")


def file_sha256(path: str) -> str:
    """The SHA-256 of the file's bytes, in hexadecimal: an import's idempotency key by default."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _log(
    tracker: kokeilu.Tracker,
    key: str,
    checked: Checked,
    *,
    backfill: bool,
    allow_future: bool,
    check_only: bool,
    idempotency_key: str = "",
) -> Any:
    frame = checked.frame
    if checked.aggregated:
        return tracker._log_aggregate_frame(  # noqa: SLF001 - the command is part of the package
            key,
            frame,
            arm=frame["arm"] if "arm" in frame.columns else None,
            at=frame["at"].to_numpy() if "at" in frame.columns else None,
            at_unit=None,
            metric=checked.metric.name,
            backfill=backfill,
            allow_future=allow_future,
            idempotency_key=idempotency_key,
            check_only=check_only,
            limit=SHOWN_PROBLEMS,
        )
    return tracker._log_columns(  # noqa: SLF001
        key,
        frame["value"],
        arm=frame["arm"] if "arm" in frame.columns else None,
        at=frame["at"].to_numpy() if "at" in frame.columns else None,
        at_unit=None,
        metric=checked.metric.name,
        exposure=frame["exposure"] if "exposure" in frame.columns else None,
        covariate=frame["covariate"] if "covariate" in frame.columns else None,
        names={"value": "value", "at": "at", "arm": "arm", "exposure": "exposure", "covariate": "covariate"},
        backfill=backfill,
        allow_future=allow_future,
        idempotency_key=idempotency_key,
        check_only=check_only,
        limit=SHOWN_PROBLEMS,
    )


def core_problems(
    tracker: kokeilu.Tracker, key: str, checked: Checked, backfill: bool, allow_future: bool, msgs: Messages
) -> tuple[list[Problem], int]:
    """The core's problems with the rows (the first ones, by file line) and how many in all."""
    if len(checked.frame) == 0:
        return [], 0
    listed, total = _log(tracker, key, checked, backfill=backfill, allow_future=allow_future, check_only=True)
    problems = [
        Problem(None if row is None else int(checked.lines[row]), column, msgs.core_problem_of(problem, code, params))
        for column, row, problem, code, params in listed
    ]
    return problems, int(total)


def write(
    tracker: kokeilu.Tracker,
    key: str,
    checked: Checked,
    *,
    backfill: bool,
    allow_future: bool = False,
    msgs: Messages,
    idempotency_key: str | None = None,
) -> kokeilu.Written:
    """Writes the checked rows in one transaction, after the core's checks of every row: a file
    with a bad row is rejected with the first problems, and nothing is written. A repeat of an
    earlier import (the same key and rows) writes nothing: the result says so."""
    problems, total = core_problems(tracker, key, checked, backfill, allow_future, msgs)
    if problems:
        raise Rejected(problems, total)
    try:
        with warnings.catch_warnings():
            # The command says it in its own words.
            warnings.simplefilter("ignore", kokeilu.RepeatedWriteWarning)
            result = _log(
                tracker, key, checked, backfill=backfill, allow_future=allow_future, check_only=False,
                idempotency_key=idempotency_key or "",
            )
            return written(result, idempotency_key)
    except kokeilu.InvalidArgumentError as error:
        # A change between the check and the write (another writer started or stopped it).
        match = _ROW_INDEX.search(getattr(error, "field", "") or str(error))
        if match is None or int(match.group(1)) >= len(checked.lines):
            raise
        field, _, problem = str(error).partition(": ")
        line = int(checked.lines[int(match.group(1))])
        text = msgs.core_problem_of(problem, error.code, error.params)
        raise Rejected([Problem(line, field.partition("[")[0], text)]) from error
