"""Importing observations from a CSV file: check every row first, then write all of them at once.

The whole file is read and checked before anything is written, so a bad row rejects the file with
a report of the first problems (row, column, problem) and the tracker stays as it was. A good file
goes in through the bulk API in one transaction. The checks are whole-column operations (pandas),
so a file of a million rows is checked in about the time it takes to read it.

A file may use commas or, as Finnish spreadsheets write it, semicolons with decimal commas.
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

from .i18n import Messages
from .values import UserError

KNOWN_COLUMNS = ("value", "n", "sum", "sum_sq", "arm", "at", "metric", "exposure")
NUMERIC_COLUMNS = ("value", "n", "sum", "sum_sq", "exposure")
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
    """A file that passed the checks, ready to be written."""

    metric: kokeilu.Metric
    frame: pd.DataFrame  # columns as the bulk API wants them
    aggregated: bool
    lines: np.ndarray  # the file line of each row, for errors the core reports at write time


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
    """Checks a CSV file against one experiment."""

    def __init__(self, msgs: Messages, experiment: kokeilu.Experiment, *, metric: str, backfill: bool) -> None:
        self.msgs = msgs
        self.e = experiment
        self.metric_option = metric
        self.backfill = backfill
        self.problems: list[Problem] = []
        # Problems found by whole-column checks beyond those listed (the report shows the first).
        self.unlisted = 0

    def _problem(self, lines: np.ndarray, mask: Any, column: str, text_of: Any) -> None:
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
        ragged = [(line, len(row)) for line, row in rows if len(row) != width]
        for line, got in ragged[:SHOWN_PROBLEMS]:
            self.problems.append(Problem(line, None, msgs("import.field_count", got=got, want=width)))
        self.unlisted += max(0, len(ragged) - SHOWN_PROBLEMS)
        table = pd.DataFrame(padded, columns=header, dtype=object).astype(str)

        metric = self._check_metric(table, lines)
        frame = pd.DataFrame(index=table.index)
        if "arm" in seen:
            frame["arm"] = self._check_arms(table["arm"].str.strip(), lines, arm_names)
        if "at" in seen:
            frame["at"] = self._check_times(table["at"], lines)
        decimal_comma = delimiter == ";"
        numbers = {c: _numbers(table[c], decimal_comma) for c in NUMERIC_COLUMNS if c in seen}
        for column, values in numbers.items():
            empty = table[column].str.strip() == ""
            optional = column == "sum_sq"
            if not optional:
                self._problem(lines, empty, column, lambda i: msgs("import.empty_cell"))
            bad = values.isna() & ~empty
            self._problem(lines, bad, column, lambda i, c=column: msgs("import.not_number", value=table[c].iat[i]))
            infinite = np.isinf(values.to_numpy(dtype=np.float64, na_value=np.nan))
            self._problem(lines, infinite, column, lambda i, c=column: msgs("value.not_finite", value=table[c].iat[i]))
        if metric is not None:
            self._check_kind(metric, numbers, lines, aggregated)
        if self.problems:
            raise Rejected(self.problems, len(self.problems) + self.unlisted)
        assert metric is not None
        for column, values in numbers.items():
            frame[column] = values.astype(np.float64)
        if aggregated:
            frame["n"] = frame["n"].astype(np.int64)
        return Checked(metric, frame, aggregated, lines)

    def _check_metric(self, table: pd.DataFrame, lines: np.ndarray) -> kokeilu.Metric | None:
        msgs = self.msgs
        known = {m.name.casefold(): m for m in self.e.metrics}
        known_text = ", ".join(m.name for m in self.e.metrics)
        default = self.metric_option or self.e.primary_metric.name
        if default.casefold() not in known:
            raise UserError(msgs("unknown_metric", name=default, known=known_text))
        if "metric" not in table.columns:
            return known[default.casefold()]
        names = table["metric"].str.strip()
        names = names.where(names != "", default)
        folded = names.str.casefold()
        unknown = ~folded.isin(list(known))
        self._problem(
            lines, unknown, "metric", lambda i: msgs("import.unknown_metric", value=names.iat[i], known=known_text)
        )
        if unknown.any():
            return None
        distinct = sorted(set(folded))
        if len(distinct) > 1:
            self.problems.append(
                Problem(
                    None, "metric", msgs("import.several_metrics", names=", ".join(known[n].name for n in distinct))
                )
            )
            return None
        return known[distinct[0]]

    def _check_arms(self, arms: pd.Series, lines: np.ndarray, arm_names: list[str]) -> Any:
        msgs = self.msgs
        # Arms are matched as the core matches them (ignoring case), and stored under their own names.
        canonical = {name.casefold(): name for name in arm_names}
        folded = arms.str.casefold()
        empty = arms == ""
        if len(arm_names) == 1:
            folded = folded.where(~empty, arm_names[0].casefold())
        else:
            self._problem(lines, empty, "arm", lambda i: msgs("import.empty_cell"))
        unknown = ~folded.isin(list(canonical)) & ~(empty & (len(arm_names) != 1))
        known_text = ", ".join(arm_names)
        self._problem(lines, unknown, "arm", lambda i: msgs("import.unknown_arm", value=arms.iat[i], known=known_text))
        return pd.Categorical(folded.map(canonical), categories=arm_names)

    def _check_times(self, texts: pd.Series, lines: np.ndarray) -> pd.Series:
        msgs = self.msgs
        stripped = texts.str.strip()
        empty = stripped == ""
        times = pd.to_datetime(stripped.where(~empty, None), format="ISO8601", utc=True, errors="coerce")
        self._problem(lines, empty, "at", lambda i: msgs("import.empty_cell"))
        self._problem(lines, times.isna() & ~empty, "at", lambda i: msgs("import.not_time", value=texts.iat[i]))
        if not self.backfill and self.e.actual_start is not None:
            start = pd.Timestamp(self.e.actual_start, tz="UTC")
            early = (times < start).fillna(False).to_numpy(dtype=bool)
            self._problem(
                lines,
                early,
                "at",
                lambda i: msgs(
                    "import.before_start", value=texts.iat[i], key=self.e.key, start=msgs.date(self.e.actual_start)
                ),
            )
        return cast(pd.Series, times)

    def _check_kind(
        self, metric: kokeilu.Metric, numbers: dict[str, pd.Series], lines: np.ndarray, aggregated: bool
    ) -> None:
        msgs = self.msgs
        kind = metric.kind.name

        def values(column: str) -> np.ndarray:
            return numbers[column].to_numpy(dtype=np.float64, na_value=np.nan)

        if "exposure" in numbers:
            if kind != "count":
                self.problems.append(
                    Problem(
                        None, "exposure", msgs("import.exposure_kind", metric=metric.name, kind=msgs.label(metric.kind))
                    )
                )
            else:
                exposure = values("exposure")
                self._problem(
                    lines,
                    exposure <= 0,
                    "exposure",
                    lambda i: msgs("value.not_positive", value=msgs.number(float(exposure[i]))),
                )
        if not aggregated:
            value = values("value")
            if kind == "proportion":
                bad = ~np.isnan(value) & (value != 0) & (value != 1)
                self._problem(
                    lines, bad, "value", lambda i: msgs("import.proportion", value=msgs.number(float(value[i])))
                )
            elif kind == "count":
                self._problem(
                    lines, value < 0, "value", lambda i: msgs("import.negative", value=msgs.number(float(value[i])))
                )
            return
        n = values("n")
        total = values("sum")
        whole = np.isnan(n) | (n == np.floor(n))
        self._problem(lines, ~whole, "n", lambda i: msgs("import.not_whole", value=msgs.number(float(n[i]))))
        self._problem(lines, whole & (n < 1), "n", lambda i: msgs("import.n_positive", value=msgs.number(float(n[i]))))
        has_sq = "sum_sq" in numbers
        sum_sq = values("sum_sq") if has_sq else np.full(len(n), np.nan)
        if kind == "mean":
            self._problem(lines, np.isnan(sum_sq), "sum_sq", lambda i: msgs("import.empty_cell"))
            # n times the variance, sum_sq - sum*sum/n, is never negative (tolerance as in the core).
            with np.errstate(invalid="ignore", divide="ignore"):
                floor = total * total / n
                tolerance = 1e-9 * np.maximum(1.0, np.maximum(np.abs(sum_sq), floor))
                small = sum_sq < floor - tolerance
            self._problem(lines, small, "sum_sq", lambda i: msgs("import.sum_sq_small"))
        elif has_sq:
            given = ~np.isnan(sum_sq)
            self._problem(
                lines,
                given,
                "sum_sq",
                lambda i: msgs("import.sum_sq_kind", metric=metric.name, kind=msgs.label(metric.kind)),
            )
        if kind == "proportion":
            bad = ((total < 0) | (total > n) | (total != np.floor(total))) & ~np.isnan(total)
            self._problem(
                lines,
                bad,
                "sum",
                lambda i: msgs("import.successes", value=msgs.number(float(total[i])), n=msgs.number(float(n[i]))),
            )
        elif kind == "count":
            self._problem(
                lines, total < 0, "sum", lambda i: msgs("import.negative", value=msgs.number(float(total[i])))
            )


_ROW_INDEX = re.compile(r"\[(\d+)\]")


def file_sha256(path: str) -> str:
    """The SHA-256 of the file's bytes, in hexadecimal: an import's idempotency key by default."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write(
    tracker: kokeilu.Tracker,
    key: str,
    checked: Checked,
    *,
    backfill: bool,
    msgs: Messages,
    idempotency_key: str | None = None,
) -> kokeilu.Written:
    """Writes the checked rows in one transaction; a problem the core still finds names its row.
    A repeat of an earlier import (the same key and rows) writes nothing: the result says so."""
    frame = checked.frame
    try:
        with warnings.catch_warnings():
            # The command says it in its own words.
            warnings.simplefilter("ignore", kokeilu.RepeatedWriteWarning)
            if checked.aggregated:
                return tracker.log_aggregates(
                    key, frame, metric=checked.metric.name, backfill=backfill, idempotency_key=idempotency_key
                )
            return tracker.log_frame(
                key,
                frame,
                exposure="exposure" if "exposure" in frame.columns else None,
                metric=checked.metric.name,
                backfill=backfill,
                idempotency_key=idempotency_key,
            )
    except kokeilu.InvalidArgumentError as error:
        match = _ROW_INDEX.search(getattr(error, "field", "") or str(error))
        if match is None or int(match.group(1)) >= len(checked.lines):
            raise
        field, _, problem = str(error).partition(": ")
        column = field.rpartition(".")[2] if "." in field else field.partition("[")[0]
        line = int(checked.lines[int(match.group(1))])
        raise Rejected([Problem(line, column, msgs.core_problem(problem))]) from error
