"""The history's side of the Python API: what a write of observations returns, the warnings of a
repeated write and of an experiment that differs from its history, and verification results and
history listings as DataFrames."""

from __future__ import annotations

import datetime
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _core

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["IntegrityWarning", "RepeatedWriteWarning", "Verification", "Written"]


class RepeatedWriteWarning(UserWarning):
    """A write repeated an earlier one (same idempotency key, same rows): nothing was written."""


class IntegrityWarning(UserWarning):
    """An experiment differs from what its history recorded: something was changed outside kokeilu.
    ``Tracker.verify()`` lists every difference."""


class Written(int):
    """The number of rows a write of observations wrote (an ``int``), with ``batch``, the id of its
    batch in the history, and ``repeated``: True when the idempotency key had been used before with
    the same rows, so that nothing was written (the count is then 0 and ``batch`` the earlier one)."""

    batch: int
    repeated: bool

    def __new__(cls, rows: int, batch: int, repeated: bool) -> Written:
        written = super().__new__(cls, rows)
        written.batch = batch
        written.repeated = repeated
        return written

    def __repr__(self) -> str:
        return f"Written(rows={int(self)}, batch={self.batch}, repeated={self.repeated})"

    def __str__(self) -> str:  # as the number it is, in messages and f-strings
        return int.__repr__(self)


def written(result: _core.WriteResult, key: str | None, *, stacklevel: int = 3) -> Written:
    """The Python result of a core write; warns (so that a notebook shows it) when it repeated one."""
    out = Written(result.rows, result.batch, result.repeated)
    if out.repeated:
        warnings.warn(
            RepeatedWriteWarning(
                f"idempotency key {key!r} was used before for batch {out.batch} with the same rows: "
                "nothing was written"
            ),
            stacklevel=stacklevel,
        )
    return out


def warn_if_differs(key: str, problems: Sequence[_core.VerificationProblem], *, stacklevel: int = 3) -> None:
    if not problems:
        return
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    warnings.warn(
        IntegrityWarning(
            f"{key} differs from its history: {first.field}: {first.problem}{more}; "
            "Tracker.verify() lists every difference"
        ),
        stacklevel=stacklevel,
    )


def problems_frame(problems: Iterable[_core.VerificationProblem]) -> pd.DataFrame:
    """One row per problem: experiment, field, row (observation, note or entry; <NA> if none), problem."""
    import pandas as pd  # here: writing one value never needs pandas

    rows = [{"experiment": p.experiment, "field": p.field, "row": p.row, "problem": p.problem} for p in problems]
    frame: pd.DataFrame = pd.DataFrame(rows, columns=["experiment", "field", "row", "problem"])
    frame["row"] = frame["row"].astype("Int64")
    for column in ("experiment", "field", "problem"):
        frame[column] = frame[column].astype("str")
    return frame


@dataclass(frozen=True)
class Verification:
    """What :meth:`kokeilu.Tracker.verify` found.

    ``ok`` is True when nothing differs; ``problems`` is a DataFrame with one row per difference
    (``experiment``, ``field``, ``row``, ``problem``); ``checkpoint`` the log's current checkpoint
    (one line of text to write down or send, for a later ``verify(since=...)``);
    ``entries`` the log's size; ``started_at_migration`` is True when the file is older than its
    history, whose record then begins at the migration (``started_at``; ``from_schema`` says from
    which version).
    """

    ok: bool
    problems: pd.DataFrame
    checkpoint: str
    entries: int
    log_id: str
    started_at: datetime.datetime
    started_at_migration: bool
    from_schema: int
    experiments: int
    batches: int
    observations: int

    @classmethod
    def from_core(cls, report: _core.VerificationReport) -> Verification:
        return cls(
            ok=report.ok,
            problems=problems_frame(report.problems),
            checkpoint=str(report.checkpoint),
            entries=report.checkpoint.size,
            log_id=report.log.log_id,
            started_at=report.log.started_at,
            started_at_migration=report.log.from_schema > 0,
            from_schema=report.log.from_schema,
            experiments=report.experiments,
            batches=report.batches,
            observations=report.observations,
        )

    def __bool__(self) -> bool:
        return self.ok

    def __repr__(self) -> str:
        state = "ok" if self.ok else f"{len(self.problems)} problems"
        return (
            f"<kokeilu.Verification {state}: {self.experiments} experiments, {self.batches} batches, "
            f"{self.observations} rows; {self.checkpoint}>"
        )


def history_frame(entries: Iterable[_core.HistoryEntry], keys: dict[str, str]) -> pd.DataFrame:
    """One row per entry of the history, oldest first."""
    import pandas as pd  # here: writing one value never needs pandas

    rows: list[dict[str, Any]] = []
    for e in entries:
        batch = e.batch
        rows.append(
            {
                "index": e.index,
                "at": e.at,
                "kind": e.kind.name,
                "experiment": keys.get(e.experiment_uuid, e.experiment_uuid),
                "batch": None if batch is None else batch.id,
                "rows": None if batch is None else batch.rows,
                "first_observation_id": None if batch is None else batch.first_observation_id,
                "last_observation_id": None if batch is None else batch.last_observation_id,
                "content_sha256": None if batch is None else batch.content_sha256,
                "idempotency_key": None if batch is None or not batch.idempotency_key else batch.idempotency_key,
                "payload": e.payload,
                "leaf_hash": e.leaf_hash,
            }
        )
    columns = [
        "index", "at", "kind", "experiment", "batch", "rows", "first_observation_id", "last_observation_id",
        "content_sha256", "idempotency_key", "payload", "leaf_hash",
    ]
    frame: pd.DataFrame = pd.DataFrame(rows, columns=columns)
    frame["at"] = pd.to_datetime(frame["at"], utc=True).astype("datetime64[us, UTC]")
    for column in ("batch", "rows", "first_observation_id", "last_observation_id"):
        frame[column] = frame[column].astype("Int64")
    return frame


def voids_frame(records: Iterable[_core.VoidRecord]) -> pd.DataFrame:
    """One row per voided observation: the void, when, its batch (0: voided by id), reason, author."""
    import pandas as pd  # here: writing one value never needs pandas

    rows = [
        {"void": v.id, "observation_id": row, "at": v.at, "batch": v.batch, "reason": v.reason, "author": v.author}
        for v in records
        for row in v.observation_ids
    ]
    frame: pd.DataFrame = pd.DataFrame(rows, columns=["void", "observation_id", "at", "batch", "reason", "author"])
    frame["at"] = pd.to_datetime(frame["at"], utc=True).astype("datetime64[us, UTC]")
    for column in ("void", "observation_id", "batch"):
        frame[column] = frame[column].astype("int64")
    return frame
