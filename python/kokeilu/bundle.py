"""Bundles: experiments exported from one tracker to be read in another municipality.

A bundle is one SQLite file that any SQLite reader opens (docs/sharing.md gives its schema field by
field). It holds the experiments' records exactly as their history keeps them, their observations
at the chosen privacy level, where they came from (organisation, exporter, time, version) and the
exporter's history checkpoint, and the SHA-256 of every part, so that a reader finds any change
made after it was written.

Privacy levels: ``cards`` (the Test and Learning Cards and verdicts, no data), ``aggregate`` (the
default: per arm and ISO week, the number of rows and their sums) and ``units`` (the unit rows,
subjects replaced by pseudonyms). :func:`read_bundle` checks everything before it returns
anything, and refuses a damaged, truncated or edited bundle with an error naming what is wrong.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import hmac
import json
import math
import os
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _core
from ._checks import invalid

if TYPE_CHECKING:
    import pandas as pd

    from ._tracker import Tracker

FORMAT = "kokeilu-bundle"
FORMAT_VERSION = 1
LEVELS = ("cards", "aggregate", "units")
DEFAULT_MIN_CELL_SIZE = 5
# The longest text a bundle's field may hold: a record of an experiment with many amendments stays
# far below it, and a hostile bundle cannot make the reader hold gigabytes in one value.
MAX_FIELD_BYTES = 1 << 20

# The parts of a bundle: table, columns (in order), and the column(s) its rows are ordered by.
PARTS: dict[str, tuple[tuple[str, ...], str]] = {
    "experiments": (
        ("uuid", "key", "title", "organisation", "status", "verdict", "decision", "record", "record_sha256",
         "entry", "entry_at", "entry_kind", "entry_salt"),
        "uuid",
    ),
    "leaves": (("position", "leaf_hash"), "position"),
    "journal": (("uuid", "position", "at", "author", "text"), "uuid, position"),
    "observations": (
        ("uuid", "position", "metric", "arm", "at", "value", "n", "sum", "sum_sq", "exposure", "subject", "note",
         "covariate"),
        "uuid, position",
    ),
    "cells": (
        ("uuid", "metric", "arm", "period_start", "period_end", "first_at", "n", "sum", "sum_sq", "exposure",
         "suppressed"),
        "uuid, metric, arm, period_start",
    ),
}
_SCHEMA = {
    "manifest": "CREATE TABLE manifest (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "parts": "CREATE TABLE parts (name TEXT PRIMARY KEY, rows INTEGER NOT NULL, sha256 TEXT NOT NULL)",
    "experiments": "CREATE TABLE experiments (uuid TEXT PRIMARY KEY, key TEXT NOT NULL, title TEXT NOT NULL, "
    "organisation TEXT NOT NULL, status TEXT NOT NULL, verdict TEXT, decision TEXT, record TEXT NOT NULL, "
    "record_sha256 TEXT NOT NULL, entry INTEGER NOT NULL, entry_at INTEGER NOT NULL, entry_kind TEXT NOT NULL, "
    "entry_salt TEXT NOT NULL)",
    "leaves": "CREATE TABLE leaves (position INTEGER PRIMARY KEY, leaf_hash TEXT NOT NULL)",
    "journal": "CREATE TABLE journal (uuid TEXT NOT NULL, position INTEGER NOT NULL, at TEXT NOT NULL, "
    "author TEXT NOT NULL, text TEXT NOT NULL, PRIMARY KEY (uuid, position))",
    "observations": "CREATE TABLE observations (uuid TEXT NOT NULL, position INTEGER NOT NULL, metric TEXT NOT NULL, "
    "arm TEXT NOT NULL, at TEXT NOT NULL, value REAL, n INTEGER NOT NULL, sum REAL NOT NULL, sum_sq REAL, "
    "exposure REAL, subject TEXT, note TEXT, covariate REAL, PRIMARY KEY (uuid, position))",
    "cells": "CREATE TABLE cells (uuid TEXT NOT NULL, metric TEXT NOT NULL, arm TEXT NOT NULL, "
    "period_start TEXT NOT NULL, period_end TEXT NOT NULL, first_at TEXT NOT NULL, n INTEGER, sum REAL, sum_sq REAL, exposure REAL, "
    "suppressed INTEGER NOT NULL, PRIMARY KEY (uuid, metric, arm, period_start))",
}
_REQUIRED_MANIFEST = ("format", "format_version", "privacy", "organisation", "exporter", "exported_at",
                      "tool_version", "checkpoint", "history_log_id", "parts_sha256")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CHECKPOINT = re.compile(r"^kokeilu-checkpoint/1 [0-9a-f]{32} [0-9]{1,18} [0-9a-f]{64}$")
_SQLITE_MAGIC = b"SQLite format 3\x00"


# -- the canonical encoding the part hashes cover ----------------------------------------------


def _canonical(row: Sequence[Any]) -> bytes:
    """One row as the hash sees it: a JSON array (numbers in their shortest exact form, NULL as
    null), one line of UTF-8."""
    return (json.dumps(list(row), ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode()


def _part_digest(rows: Iterable[Sequence[Any]]) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(_canonical(row))
        count += 1
    return count, digest.hexdigest()


def _parts_digest(parts: Iterable[tuple[str, int, str]]) -> str:
    """The manifest's hash of the parts table."""
    return _part_digest(sorted(parts))[1]


# -- the exporter's history (kokeilu/history.hpp, src/history_chain.hpp) --------------------------

_RECORD_KINDS = frozenset({"create", "update", "amend", "start", "stop", "conclude", "migrated", "imported"})


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """The RFC 9162 Merkle tree hash of the leaf hashes: what a checkpoint's root is."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    # Split at the largest power of two below n, as RFC 9162 section 2.1.1 defines it.
    def tree(items: Sequence[bytes]) -> bytes:
        if len(items) == 1:
            return items[0]
        split = 1 << ((len(items) - 1).bit_length() - 1)
        return hashlib.sha256(b"\x01" + tree(items[:split]) + tree(items[split:])).digest()

    return tree(level)


def entry_leaf(index: int, previous: bytes, at_us: int, kind: str, uuid: str, salt: bytes, payload: str) -> bytes:
    """The leaf hash of a history entry, recomputed from its parts: how a receiver proves that a
    record is the one the exporter's log holds at that place."""
    payload_hash = hashlib.sha256(salt + payload.encode()).digest()
    data = (
        b"kokeilu-history-1\n"
        + (index - 1).to_bytes(8, "big")
        + previous
        + at_us.to_bytes(8, "big", signed=True)
        + len(kind).to_bytes(4, "big") + kind.encode()
        + len(uuid).to_bytes(4, "big") + uuid.encode()
        + payload_hash
    )
    return hashlib.sha256(b"\x00" + data).digest()


def bundle_id(manifest: dict[str, str]) -> str:
    """The bundle's name: the SHA-256 of its manifest (which holds the hash of every part), so one
    line names all of it. An exporter announces it; a receiver compares it with what it read."""
    return _part_digest(sorted(manifest.items()))[1]


# -- the record of an experiment ----------------------------------------------------------------


def parse_record(text: str) -> dict[str, str]:
    """The fields of an experiment's record (kokeilu/experiment_record.hpp): a title line, then
    ``name TAB length:value`` with the value's length in UTF-8 bytes. Raises ValueError for
    anything else."""
    data = text.encode()
    end = data.find(b"\n")
    if end < 0 or data[:end] != b"kokeilu experiment 1":
        raise ValueError("title")
    fields: dict[str, str] = {}
    at = end + 1
    while at < len(data):
        tab = data.find(b"\t", at)
        colon = data.find(b":", tab + 1)
        if tab < 0 or colon < 0 or not data[tab + 1 : colon].isdigit() or colon - tab > 12:
            raise ValueError("field")
        name = data[at:tab].decode()
        length = int(data[tab + 1 : colon])
        value_end = colon + 1 + length
        if value_end >= len(data) + 1 or data[value_end : value_end + 1] != b"\n":
            raise ValueError(name)
        fields[name] = data[colon + 1 : value_end].decode()
        at = value_end + 1
    return fields


# -- export -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportSummary:
    """What :func:`export_bundle` wrote."""

    path: Path
    privacy: str
    experiments: tuple[str, ...]
    rows: int
    bundle_id: str
    checkpoint: str
    suppressed_cells: int = 0


def _level(level: str, field: str = "level") -> str:
    from ._privacy import parse_privacy_level

    return parse_privacy_level(level, field).value


def _iso(value: Any) -> str:
    """A UTC time as ISO 8601 with microseconds and Z."""
    return _core.from_unix_micros(_core.unix_micros(value, "at")).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _iso_times(times: pd.Series) -> list[str]:
    """A frame's tz-aware times as _iso writes each, in one pass."""
    import numpy as np

    naive = times.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[us]")
    return [text + "Z" for text in np.datetime_as_string(naive, unit="us")]


def _pseudonym_secret(organisation: str, secrets_dir: str | os.PathLike[str] | None) -> tuple[bytes, str]:
    """The organisation's secret of pseudonyms and its public fingerprint (kokeilu._privacy)."""
    from . import _privacy

    secret = _privacy.organisation_secret(organisation, None if secrets_dir is None else Path(secrets_dir))
    return secret, _privacy.secret_id(secret)


def _experiment_row(e: _core.Experiment, history: Sequence[_core.HistoryEntry]) -> tuple[Any, ...]:
    record = _core.experiment_record(e)
    # The entry of the exported log that holds this record: the receiver recomputes its leaf.
    entry = next(
        (
            x
            for x in reversed(history)
            if x.experiment_uuid == e.uuid and x.kind.name in _RECORD_KINDS and x.payload == record
        ),
        None,
    )
    if entry is None or not entry.salt:
        invalid("experiments", "bundle.record_not_in_history", key=e.key)
    outcome = e.outcome
    return (
        e.uuid,
        e.key,
        e.title,
        e.organisation,
        e.status.name,
        None if outcome is None else outcome.verdict.name,
        None if outcome is None else outcome.decision.name,
        record,
        hashlib.sha256(record.encode()).hexdigest(),
        entry.index,
        _core.unix_micros(entry.at, "at"),
        entry.kind.name,
        entry.salt,
    )


def _cells(tracker: Tracker, e: _core.Experiment) -> list[dict[str, Any]]:
    """Per metric, arm and ISO week (Monday to Monday in the tracker's zone): the number of units
    and their sums, as the running summaries would merge them. A metric adjusted for each
    subject's pre-period value has no cells: its analysis needs the units, and an aggregated row
    cannot carry them (observation_checks.hpp)."""
    import zoneinfo

    import numpy as np

    zone = zoneinfo.ZoneInfo(tracker.time_zone)
    cells: list[dict[str, Any]] = []
    for metric in e.metrics:
        if metric.covariate:
            continue
        frame = tracker.observations(e, metric=metric.name)
        if frame.empty:
            continue
        unit = frame["value"].notna().to_numpy()
        values = frame["value"].to_numpy(dtype=float)
        n = np.where(unit, 1, frame["n"].to_numpy(dtype=np.int64))
        sums = np.where(unit, values, frame["sum"].to_numpy(dtype=float))
        sum_sq = np.where(unit, values * values, frame["sum_sq"].to_numpy(dtype=float))
        exposure = frame["exposure"].to_numpy(dtype=float)
        counts = metric.kind.name == "count"
        means = metric.kind.name == "mean"
        times = _iso_times(frame["at"])
        local = frame["at"].dt.tz_convert(zone)
        days = local.dt.date
        weeks = [day - _dt.timedelta(days=day.weekday()) for day in days]
        grouped: dict[tuple[str, _dt.date], dict[str, Any]] = {}
        for i, arm in enumerate(frame["arm"].astype(str)):
            cell = grouped.setdefault(
                (arm, weeks[i]),
                {"n": 0, "sum": 0.0, "sum_sq": 0.0, "exposure": 0.0, "has_exposure": False, "first_at": times[i]},
            )
            cell["n"] += int(n[i])
            cell["sum"] += float(sums[i])
            cell["sum_sq"] += float(sum_sq[i])
            if counts and not math.isnan(exposure[i]):
                cell["exposure"] += float(exposure[i])
                cell["has_exposure"] = True
        for (arm, week), cell in sorted(grouped.items()):
            cells.append(
                {
                    "uuid": e.uuid,
                    "metric": metric.name,
                    "arm": arm,
                    "period_start": week.isoformat(),
                    "period_end": (week + _dt.timedelta(days=7)).isoformat(),
                    "first_at": cell["first_at"],
                    "n": cell["n"],
                    "sum": cell["sum"],
                    # Only a mean's aggregate takes the sum of squares (a share's and a count's
                    # spread follow from their sums).
                    "sum_sq": None if not means or math.isnan(cell["sum_sq"]) else cell["sum_sq"],
                    "exposure": cell["exposure"] if cell["has_exposure"] else None,
                    "suppressed": 0,
                }
            )
    return cells


_STATISTICS = ("n", "sum", "sum_sq", "exposure")


def _suppress(
    cells: list[dict[str, Any]], min_cell_size: int, earlier: list[Any], recipient: str, uuid: str
) -> tuple[int, list[Any]]:
    """Blanks every cell the privacy rules suppress (kokeilu._suppression: small cells, their
    complements, and what the recipient could difference against earlier exports); returns how
    many were blanked and the ledger entries of what is sent."""
    from . import _privacy

    given = [
        _privacy.Cell(c["metric"], c["arm"], c["period_start"], c["n"], {"sum": c["sum"]}) for c in cells
    ]
    result = _privacy.protect_against_differencing(given, earlier, min_cell_size, experiment=uuid)
    blanked = 0
    for cell, sent in zip(cells, result.cells):
        if sent.suppressed:
            for name in _STATISTICS:
                cell[name] = None
            cell["suppressed"] = 1
            blanked += 1
    return blanked, _privacy.ledger_entries(result, recipient=recipient, experiment=uuid)


def _ledger_path(organisation: str, secrets_dir: str | os.PathLike[str] | None) -> Path:
    """The organisation's ledger of what each recipient received: beside its secret, outside any
    tracker file, one JSON object a line."""
    from . import _privacy

    folder = _privacy.secrets_directory(None if secrets_dir is None else Path(secrets_dir))
    return folder / (_privacy.secret_file_name(organisation) + ".ledger")


def _read_ledger(path: Path, recipient: str) -> list[Any]:
    from . import _privacy

    if not path.exists():
        return []
    entries = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if line.strip():
                entry = _privacy.ledger_from_dict(json.loads(line), f"ledger[{number}]")
                if entry.recipient == recipient:
                    entries.append(entry)
    return entries


def _append_ledger(path: Path, entries: list[Any]) -> None:
    from . import _privacy

    if not entries:
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = "".join(json.dumps(_privacy.ledger_to_dict(e), ensure_ascii=False) + "\n" for e in entries)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, text.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def export_bundle(
    tracker: Tracker,
    experiments: Iterable[Any],
    path: str | os.PathLike[str],
    *,
    level: str = "aggregate",
    min_cell_size: int = DEFAULT_MIN_CELL_SIZE,
    journal: bool = False,
    notes: bool = False,
    exporter: str = "",
    recipient: str = "",
    organisation: str | None = None,
    secrets_dir: str | os.PathLike[str] | None = None,
) -> ExportSummary:
    """Writes the experiments to a bundle file at ``path`` (replaced whole, never half written).

    ``level`` is the privacy level (``cards``, ``aggregate``, ``units``); ``min_cell_size`` the
    smallest group an aggregate cell may show; ``journal`` adds the journal notes, ``notes`` the
    observations' free-text notes (units level). ``organisation`` (default: that of the first
    experiment) names the exporter's organisation, whose secret pseudonymises subjects and whose
    ledger (beside the secret, in ``secrets_dir``) records what ``recipient`` has received, so
    that a later export to them cannot be differenced against this one.
    An experiment whose record differs from its history is refused (``Tracker.check``).
    """
    level = _level(level)
    from ._privacy import validate_min_cell_size

    min_cell_size = validate_min_cell_size(min_cell_size)
    chosen = [tracker.get(e) for e in experiments]
    if not chosen:
        invalid("experiments", "bundle.no_experiments")
    seen: set[str] = set()
    for e in chosen:
        if e.uuid in seen:
            invalid("experiments", "bundle.duplicate_experiment", uuid=e.uuid)
        seen.add(e.uuid)
        problems = tracker.check(e)
        if problems:
            invalid("experiments", "bundle.not_verified", key=e.key, field=problems[0].field,
                    problem=problems[0].problem)
    organisation = chosen[0].organisation if organisation is None else organisation
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in PARTS}
    # The checkpoint first: entries written after it are not part of the leaves it covers.
    checkpoint = tracker.checkpoint()
    size = int(checkpoint.split()[2])
    # One read of the log: its leaves, and the entries that hold the records.
    history = tracker._core.history(None)[:size]
    rows["experiments"] = [_experiment_row(e, history) for e in chosen]
    rows["leaves"] = [(i + 1, entry.leaf_hash) for i, entry in enumerate(history)]
    manifest: dict[str, str] = {}
    suppressed = 0
    unit_keys: list[str] = []
    secret = b""
    ledger = _ledger_path(organisation, secrets_dir) if level == "aggregate" else None
    earlier = _read_ledger(ledger, recipient) if ledger is not None else []
    sent: list[Any] = []
    for e in sorted(chosen, key=lambda e: e.uuid):
        if journal:
            for position, entry in enumerate(tracker.journal(e)):
                rows["journal"].append((e.uuid, position, _iso(entry.at), entry.author, entry.text))
        if level == "units":
            if not unit_keys:
                secret, manifest["pseudonym_key_id"] = _pseudonym_secret(organisation, secrets_dir)
            unit_keys.append(e.key)
        elif level == "aggregate":
            cells = _cells(tracker, e)
            blanked, entries = _suppress(cells, min_cell_size, earlier, recipient, e.uuid)
            suppressed += blanked
            sent.extend(entries)
            columns = PARTS["cells"][0]
            rows["cells"].extend(tuple(cell[c] for c in columns) for cell in cells)
    if level == "aggregate":
        manifest["min_cell_size"] = str(min_cell_size)
        manifest["suppressed_cells"] = str(suppressed)
        manifest["recipient"] = recipient
    for name, (columns, order) in PARTS.items():
        # The order a reader's ORDER BY gives (UTF-8 sorts as code points do).
        keys = [columns.index(column.strip()) for column in order.split(",")]
        rows[name].sort(key=lambda row: tuple(row[i] for i in keys))
    manifest.update(
        format=FORMAT,
        format_version=str(FORMAT_VERSION),
        privacy=level,
        organisation=organisation,
        exporter=exporter,
        exported_at=_iso(_core.now()),
        tool_version=_core.__version__,
        checkpoint=checkpoint,
        history_log_id=checkpoint.split()[1],
        journal="yes" if journal else "no",
        notes="yes" if notes and level == "units" else "no",
    )
    target = Path(path)

    def unit_rows(temporary: str) -> tuple[int, str]:
        # The units go from the tracker to the file in the core, hashed on the way.
        from ._privacy import _SUBJECT_PREFIX

        written: tuple[int, str] = tracker._core.write_bundle_unit_rows(temporary, unit_keys, secret, _SUBJECT_PREFIX,
                                                                       notes)
        return written

    parts = _write(target, manifest, rows, unit_rows if unit_keys else None)
    counts = {name: count for name, count, _ in parts}
    if ledger is not None:
        # After the bundle is in place: what was written is what the recipient may have.
        _append_ledger(ledger, sent)
    return ExportSummary(
        path=target,
        privacy=level,
        experiments=tuple(e.key for e in sorted(chosen, key=lambda e: e.key)),
        rows=counts["observations"] + counts["cells"],
        bundle_id=bundle_id(manifest),
        checkpoint=checkpoint,
        suppressed_cells=suppressed,
    )


def _write(
    target: Path,
    manifest: dict[str, str],
    rows: dict[str, list[tuple[Any, ...]]],
    unit_rows: Callable[[str], tuple[int, str]] | None = None,
) -> list[tuple[str, int, str]]:
    """Writes the whole file beside the target and renames it into place: a reader never sees a
    half-written bundle, and a failed export leaves what was there. ``unit_rows`` (the units
    level) writes the observations part into the file and returns its rows and hash; every other
    part is ``rows``. Sets the manifest's ``parts_sha256``; returns the parts."""
    handle, temporary = tempfile.mkstemp(prefix=".kokeilu-bundle-", dir=target.parent if str(target.parent) else ".")
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        try:
            with connection:
                connection.execute("PRAGMA application_id = 1262638414")  # 0x4B42554E, "KBUN"
                connection.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
                for sql in _SCHEMA.values():
                    connection.execute(sql)
            written = {"observations": unit_rows(temporary)} if unit_rows is not None else {}
            parts = [(name, *(written[name] if name in written else _part_digest(rows[name]))) for name in PARTS]
            manifest["parts_sha256"] = _parts_digest(parts)
            with connection:
                connection.executemany("INSERT INTO manifest VALUES (?, ?)", sorted(manifest.items()))
                connection.executemany("INSERT INTO parts VALUES (?, ?, ?)", parts)
                for name, (columns, _) in PARTS.items():
                    if name in written:
                        continue
                    marks = ", ".join("?" * len(columns))
                    connection.executemany(f"INSERT INTO {name} VALUES ({marks})", rows[name])
        finally:
            connection.close()
        # mkstemp made it private; a bundle is for sharing, so it gets the mode any new file gets.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return parts


# -- importing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    """What :func:`import_bundle` did: one entry per experiment (``key``, ``action`` — added,
    updated, unchanged or conflict — ``reason`` as the core's coded message, and ``rows``)."""

    path: Path
    organisation: str
    experiments: tuple[_core.ImportedExperiment, ...]
    suppressed_cells: int = 0

    @property
    def changed(self) -> bool:
        """Whether anything was written."""
        return any(e.action.name in ("added", "updated") for e in self.experiments)


def _row_source(read: Bundle) -> _core.BundleRowSource:
    """The observations and cells parts as the core reads them while the import writes them
    (kokeilu/bundle_rows.hpp): each row hashed and checked, each part against the rows and
    SHA-256 the parts table lists (which the manifest's hash covers)."""
    parts = [(name, *read.row_parts[name]) for name in _CORE_PARTS]
    return _core.BundleRowSource(str(read.path), parts, MAX_FIELD_BYTES)


def _imported_before(tracker: Tracker, read: Bundle) -> bool:
    """Whether every experiment of the bundle has a copy here imported from this very bundle (its
    id, the hash of the manifest, is kept on each copy): then nothing can change, and the rows need
    not be read."""
    bundle_id = read.bundle_id
    for e in read.experiments:
        try:
            origin = tracker.get(e["uuid"]).origin
        except _core.NotFoundError:
            return False
        if origin is None or origin.bundle_id != bundle_id:
            return False
    return True


def _incoming(read: Bundle) -> list[_core.IncomingExperiment]:
    """The bundle's experiments as the core imports them, without their rows (_row_source)."""
    manifest = read.manifest
    bundle_id = read.bundle_id
    journals: dict[str, list[tuple[Any, str, str]]] = {}
    for note in read.journal:
        journals.setdefault(note["uuid"], []).append((_core.parse_time(note["at"], "journal.at"), note["author"], note["text"]))
    return [
        _core.IncomingExperiment(
            e["record"],
            journal=journals.get(e["uuid"], []),
            organisation=manifest["organisation"],
            exporter=manifest["exporter"],
            log_id=manifest["history_log_id"],
            checkpoint=manifest["checkpoint"],
            bundle_id=bundle_id,
            privacy=manifest["privacy"],
        )
        for e in read.experiments
    ]


def _check_extends(tracker: Tracker, read: Bundle) -> None:
    """Municipalities witness each other's logs: a copy imported before keeps the exporter's
    checkpoint of then, and this bundle's leaves from the same log must begin with that tree."""
    log_id = read.manifest["history_log_id"]
    leaves = [bytes.fromhex(text) for text in read.leaves]
    for e in read.experiments:
        try:
            copy = tracker.get(e["uuid"])
        except _core.NotFoundError:
            continue
        origin = copy.origin
        if origin is None or origin.log_id != log_id or not origin.checkpoint:
            continue
        _, _, size_text, root = origin.checkpoint.split()
        size = int(size_text)
        if size > len(leaves) or merkle_root(leaves[:size]).hex() != root:
            invalid("checkpoint", "bundle.history_not_extended", organisation=origin.organisation, size=size)


def import_bundle(tracker: Tracker, path: str | os.PathLike[str]) -> ImportSummary:
    """Reads the bundle at ``path``, checks all of it, and merges its experiments into the
    tracker by their UUIDs in one transaction: new ones are added as read-only copies, the same
    content again changes nothing, a newer state from the same tracker replaces the copy, and an
    experiment changed on both sides (or this file's own, or one from another source) is a
    conflict, reported and never overwritten. A hostile or damaged bundle changes nothing."""
    read = _read_bundle(path, core_rows=True)
    _check_extends(tracker, read)
    # The same bundle again is told by its id alone: reading its rows could change nothing.
    rows = None if _imported_before(tracker, read) else _row_source(read)
    result = tracker._core.import_experiments(_incoming(read), rows)
    return ImportSummary(
        path=read.path,
        organisation=read.manifest["organisation"],
        experiments=tuple(result),
        suppressed_cells=int(read.manifest.get("suppressed_cells", "0")),
    )


# -- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bundle:
    """A bundle read and checked whole: its manifest, and every part as rows of dicts."""

    path: Path
    manifest: dict[str, str]
    experiments: tuple[dict[str, Any], ...]
    journal: tuple[dict[str, Any], ...] = field(default=())
    observations: tuple[dict[str, Any], ...] = field(default=())
    cells: tuple[dict[str, Any], ...] = field(default=())
    leaves: tuple[str, ...] = field(default=())  # the exporter's Merkle leaves, hexadecimal
    # For an import: the observations and cells parts are not read as Python rows (``observations``
    # and ``cells`` are empty); their rows and SHA-256 as the parts table lists them, checked when
    # the core reads them (_row_source, kokeilu/bundle_rows.hpp), if the import needs them.
    row_parts: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def privacy(self) -> str:
        return self.manifest["privacy"]

    @property
    def checkpoint(self) -> str:
        """The exporter's history checkpoint when the bundle was written."""
        return self.manifest["checkpoint"]

    @property
    def bundle_id(self) -> str:
        """The SHA-256 of the manifest: compare it with the one the exporter announced."""
        return bundle_id(self.manifest)

    def record(self, uuid_or_key: str) -> dict[str, str]:
        """The fields of an experiment's record, by its UUID or key."""
        for e in self.experiments:
            if uuid_or_key in (e["uuid"], e["key"]):
                return parse_record(e["record"])
        raise KeyError(uuid_or_key)

    def frame(self, part: str) -> pd.DataFrame:
        """A part as a DataFrame (``experiments``, ``journal``, ``observations`` or ``cells``)."""
        import pandas as pd

        columns = [c for c in PARTS[part][0] if part != "experiments" or c != "record"]
        rows: tuple[dict[str, Any], ...] = getattr(self, part)
        frame: pd.DataFrame = pd.DataFrame([{c: row[c] for c in columns} for row in rows], columns=columns)
        return frame


def _damaged(path: Path, reason: str) -> Any:
    invalid("bundle", "bundle.damaged", path=str(path), reason=reason)


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Reads a bundle and checks all of it — its tables, manifest, every part's row count and
    SHA-256, and each experiment's record against its columns — before returning anything.
    A damaged, truncated, edited or foreign file raises InvalidArgumentError naming what is wrong.
    """
    return _read_bundle(path, core_rows=False)


def _read_bundle(path: str | os.PathLike[str], *, core_rows: bool) -> Bundle:
    """read_bundle; with ``core_rows`` the observations and cells parts are left to the core
    (``Bundle.row_parts``, _row_source), as an import takes them, instead of Python rows."""
    source = Path(path)
    try:
        with source.open("rb") as handle:
            magic = handle.read(len(_SQLITE_MAGIC))
    except OSError as error:
        raise FileNotFoundError(error.errno, error.strerror, str(source)) from error
    if magic != _SQLITE_MAGIC:
        invalid("bundle", "bundle.not_a_bundle", path=str(source))
    uri = source.resolve().as_uri() + "?mode=ro"
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as error:
        return _damaged(source, str(error))  # type: ignore[no-any-return]
    try:
        connection.execute("PRAGMA trusted_schema = OFF")
        connection.execute("PRAGMA cell_size_check = ON")
        connection.execute("PRAGMA query_only = ON")
        return _read(connection, source, core_rows)
    except sqlite3.Error as error:
        return _damaged(source, str(error))  # type: ignore[no-any-return]
    except UnicodeDecodeError:
        # Text SQLite holds as UTF-8 that is not: bytes changed inside the file.
        return _damaged(source, "text that is not UTF-8")  # type: ignore[no-any-return]
    finally:
        connection.close()


# The parts an import has the core read (kokeilu/bundle_rows.hpp): those that grow with the data.
_CORE_PARTS = ("observations", "cells")


def _read(connection: sqlite3.Connection, source: Path, core_rows: bool = False) -> Bundle:
    # An import hashes every row it reads, so a page changed or lost in the file fails a part's
    # row count or hash, or SQLite's read (bundle.damaged), without reading the file twice; the
    # same bundle imported again reads no rows at all, and writes nothing.
    if not core_rows:
        check = connection.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            _damaged(source, str(check[0] if check else "quick_check"))
    objects = connection.execute("SELECT type, name, sql FROM sqlite_master").fetchall()
    tables = {name: sql for kind, name, sql in objects if kind == "table"}
    for kind, name, _ in objects:
        if kind == "table" and name not in _SCHEMA or kind in ("view", "trigger"):
            invalid("bundle", "bundle.unexpected_table", path=str(source), name=f"{kind} {name}")
    if "manifest" not in tables:
        invalid("bundle", "bundle.not_a_bundle", path=str(source))
    manifest = dict(connection.execute("SELECT name, value FROM manifest").fetchall())
    if manifest.get("format") != FORMAT:
        invalid("bundle", "bundle.not_a_bundle", path=str(source))
    version = manifest.get("format_version", "")
    if not version.isdigit() or int(version) > FORMAT_VERSION:
        invalid("bundle", "bundle.newer_format", path=str(source), version=version, supported=FORMAT_VERSION)
    for name, sql in _SCHEMA.items():
        if tables.get(name) != sql:
            invalid("bundle", "bundle.unexpected_table", path=str(source), name=f"table {name}")
    for name in _REQUIRED_MANIFEST:
        if name not in manifest:
            invalid("bundle", "bundle.missing_value", name=name)
    _level(manifest["privacy"], "privacy")
    if not _CHECKPOINT.match(manifest["checkpoint"]) or manifest["checkpoint"].split()[1] != manifest["history_log_id"]:
        invalid("checkpoint", "bundle.checkpoint")
    listed = {row[0]: (row[1], row[2]) for row in connection.execute("SELECT name, rows, sha256 FROM parts")}
    parts_now: list[tuple[str, int, str]] = []
    read: dict[str, list[dict[str, Any]]] = {}
    kept: dict[str, tuple[int, str]] = {}
    for name, (columns, order) in PARTS.items():
        if name not in listed:
            invalid("bundle", "bundle.missing_value", name=f"parts.{name}")
        expected_rows, expected_sha = listed[name]
        if core_rows and name in _CORE_PARTS:
            if not isinstance(expected_rows, int) or not isinstance(expected_sha, str):
                invalid("bundle", "bundle.missing_value", name=f"parts.{name}")
            parts_now.append((name, expected_rows, expected_sha))
            read[name] = []
            kept[name] = (expected_rows, expected_sha)
            continue
        cursor = connection.execute(f"SELECT {', '.join(columns)} FROM {name} ORDER BY {order}")
        digest = hashlib.sha256()
        rows: list[dict[str, Any]] = []
        for row in cursor:
            for column, value in zip(columns, row):
                if isinstance(value, (str, bytes)) and len(value) > MAX_FIELD_BYTES:
                    invalid("bundle", "bundle.field_too_long", part=name, row=len(rows), column=column,
                            limit=MAX_FIELD_BYTES)
                if isinstance(value, bytes) or isinstance(value, float) and not math.isfinite(value):
                    invalid("bundle", "bundle.bad_value", part=name, row=len(rows), column=column,
                            value=repr(value)[:40])
            digest.update(_canonical(row))
            rows.append(dict(zip(columns, row)))
        if len(rows) != expected_rows:
            invalid("bundle", "bundle.part_rows", part=name, found=len(rows), expected=expected_rows)
        if not hmac.compare_digest(digest.hexdigest(), str(expected_sha)):
            invalid("bundle", "bundle.part_hash", part=name)
        parts_now.append((name, len(rows), digest.hexdigest()))
        read[name] = rows
    if len(listed) != len(PARTS):
        invalid("bundle", "bundle.unexpected_table", path=str(source), name="parts")
    if not hmac.compare_digest(_parts_digest(parts_now), manifest["parts_sha256"]):
        invalid("bundle", "bundle.part_hash", part="parts")
    _check_experiments(read)
    _check_history(manifest["checkpoint"], read)
    return Bundle(
        path=source,
        manifest=manifest,
        experiments=tuple(read["experiments"]),
        journal=tuple(read["journal"]),
        observations=tuple(read["observations"]),
        cells=tuple(read["cells"]),
        leaves=tuple(row["leaf_hash"] for row in read["leaves"]),
        row_parts=kept,
    )


def _check_history(checkpoint: str, read: dict[str, list[dict[str, Any]]]) -> None:
    """The leaves give the exporter's checkpoint, and each experiment's record is the payload of
    the entry at its place in that log: a record changed in the bundle, even with every hash made
    again, no longer hashes to the exporter's leaf."""
    _, _, size, root = checkpoint.split()
    leaves: list[bytes] = []
    for i, row in enumerate(read["leaves"]):
        text = row["leaf_hash"]
        if row["position"] != i + 1 or not isinstance(text, str) or not re.fullmatch(r"[0-9a-f]{64}", text):
            invalid("bundle", "bundle.bad_value", part="leaves", row=i, column="leaf_hash", value=str(text)[:40])
        leaves.append(bytes.fromhex(text))
    if len(leaves) != int(size) or merkle_root(leaves).hex() != root:
        invalid("checkpoint", "bundle.checkpoint_mismatch")
    for i, e in enumerate(read["experiments"]):
        entry, salt = e["entry"], e["entry_salt"]
        if (
            not isinstance(entry, int) or not 1 <= entry <= len(leaves) or not isinstance(e["entry_at"], int)
            or e["entry_kind"] not in _RECORD_KINDS or not isinstance(salt, str) or not re.fullmatch(r"[0-9a-f]{32}", salt)
        ):
            invalid("bundle", "bundle.bad_value", part="experiments", row=i, column="entry", value=str(entry)[:40])
        previous = leaves[entry - 2] if entry > 1 else bytes(32)
        leaf = entry_leaf(entry, previous, e["entry_at"], e["entry_kind"], e["uuid"], bytes.fromhex(salt), e["record"])
        if leaf != leaves[entry - 1]:
            invalid("bundle", "bundle.record_not_in_log", key=str(e["key"])[:64], entry=entry)


def _check_experiments(read: dict[str, list[dict[str, Any]]]) -> None:
    """Each experiment's columns are those its record gives, and every row names one of them."""
    uuids = set()
    for i, e in enumerate(read["experiments"]):
        if not isinstance(e["uuid"], str) or not _UUID.match(e["uuid"]):
            invalid("bundle", "bundle.bad_value", part="experiments", row=i, column="uuid", value=str(e["uuid"])[:40])
        if hashlib.sha256(str(e["record"]).encode()).hexdigest() != e["record_sha256"]:
            invalid("bundle", "bundle.record_mismatch", part="experiments", row=i, column="record_sha256")
        try:
            fields = parse_record(str(e["record"]))
        except (ValueError, UnicodeDecodeError):
            invalid("bundle", "bundle.record_mismatch", part="experiments", row=i, column="record")
        for column in ("uuid", "key", "title", "organisation", "status"):
            if fields.get(column) != e[column]:
                invalid("bundle", "bundle.record_mismatch", part="experiments", row=i, column=column)
        for column, name in (("verdict", "outcome.verdict"), ("decision", "outcome.decision")):
            if fields.get(name) != e[column]:
                invalid("bundle", "bundle.record_mismatch", part="experiments", row=i, column=column)
        uuids.add(e["uuid"])
    for part in ("journal", "observations", "cells"):
        for i, row in enumerate(read[part]):
            if row["uuid"] not in uuids:
                invalid("bundle", "bundle.unknown_experiment", part=part, row=i, uuid=str(row["uuid"])[:40])

