"""kokeilu against raw SQLite (C API), Python sqlite3, pandas/scipy and MLflow, on this machine.

    python bench/run.py [--quick] --bin BUILD_DIR --out FILE

Each side of each row runs in a process of its own (bench/cases.py, or a compiled program from
BUILD_DIR), so that its peak resident set is its own. Every row reports the median of several
repetitions with their min-max, the ratio kokeilu / peer (higher is better for kokeilu), the target
from issue 7 and whether it is met, and the load average read just before the row ran: the
machine is shared, and the numbers mean little without it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import kokeilu

HERE = Path(__file__).resolve().parent
START = dt.date(2026, 1, 12)
START_US = int(dt.datetime(2026, 1, 12, tzinfo=dt.timezone.utc).timestamp() * 1_000_000)
ARMS = ["control", "treatment"]


@dataclass
class Sizes:
    bulk_rows: int
    mlflow_rows: int
    single_calls: int
    mlflow_calls: int
    boot_n: int
    resamples: int
    draws: int
    memory_rows: int
    reps: int
    slow_reps: int
    # Processes per side of the single-log row, run in turns. On this kind of shared 2-core
    # machine the p50 of a whole process comes out near one of two levels (e.g. 25 µs or 45 µs for
    # the same code), for both sides; a few processes would leave the ratio to chance.
    latency_processes: int
    # Single logs 10 ms apart: calls and processes per side. Enough calls to take the write-ahead
    # log past SQLite's 1,000 pages (two pages a call in the raw loop, three in kokeilu), so that a
    # checkpoint falls among them.
    spaced_calls: int
    spaced_processes: int
    # Whole processes per side of the `kokeilu log` command row, run in turns.
    command_processes: int


FULL = Sizes(2_000_000, 10_000, 1_000, 100, 100_000, 10_000, 1_000_000, 10_000_000, 3, 2, 9, 700, 3, 40)
QUICK = Sizes(100_000, 1_000, 200, 30, 100_000, 1_000, 1_000_000, 1_000_000, 3, 2, 3, 520, 1, 20)
SPACED_PAUSE_US = 10_000


@dataclass
class Measure:
    """One side of a row: the times (seconds) of each repetition, or latencies, and peak RSS."""

    label: str
    seconds: list[float] = field(default_factory=list)
    rows: int | None = None  # for a throughput, the rows per repetition
    rss_peak_kib: int = 0
    rss_start_kib: int = 0
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Row:
    what: str
    kokeilu: Measure
    peer: Measure
    target: str
    # ratio = kokeilu speed / peer speed; met when ratio >= goal (None: reported only)
    goal: float | None
    loadavg: str
    notes: list[str] = field(default_factory=list)
    key: str = ""  # names the explanation in WHY_MISSED


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_child(cmd: list[str]) -> tuple[dict[str, Any], int]:
    """Runs a process, parses the JSON object it prints last, and returns it with the peak RSS
    (KiB) the process reported for itself (VmHWM: getrusage of a child would include the memory
    of this process, which forked it)."""
    process = subprocess.run(cmd, capture_output=True, text=True)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({process.returncode}):\n{process.stderr[-3000:]}")
    result = json.loads(process.stdout.strip().splitlines()[-1])
    return result, int(result.get("rss_peak_kib", result.get("peak_rss_kib", 0)))


run_program = run_child


def case(name: str, params: dict[str, Any], label: str) -> Measure:
    result, rss = run_child([sys.executable, str(HERE / "cases.py"), name, json.dumps(params)])
    if "error" in result:
        return Measure(label, note=result["error"])
    m = Measure(label, rss_peak_kib=rss, rss_start_kib=int(result.get("rss_start_kib", 0)))
    m.seconds = result.get("seconds", [])
    m.rows = result.get("rows")
    m.extra = result
    return m


# -- setting up ----------------------------------------------------------------------------------


def make_template(path: Path) -> dict[str, Any]:
    """An empty tracker with one running experiment: two arms, one mean metric."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    with kokeilu.open(str(path)) as tracker:
        e = tracker.create(
            title="Digital service response time",
            organisation="Oulu",
            unit="digital services",
            we_believe="a simpler form makes digital applications faster to handle",
            to_verify="we will offer the simpler form to every other applicant",
            and_measure="the handling time in minutes",
            right_if="the handling time falls by at least 0.05 minutes",
            purposes=["vitality"],
            arms={ARMS[0]: "control", ARMS[1]: "treatment"},
            metrics=[kokeilu.Metric("handling_minutes", kind="mean", minimum_effect=0.05,
                                    direction="lower_is_better")],
        )
        e = tracker.start(e, on=START)
        arm_ids = [next(a.id for a in e.arms if a.name == name) for name in ARMS]
        return {"key": e.key, "metric_id": e.metrics[0].id, "arm_ids": arm_ids, "arm_names": ARMS}


def make_data(path: Path, rows: int, seed: int) -> None:
    """Sorted times over 150 days after the start, normal values, random arms; the layout the C
    baseline reads (int64 times, float64 values, int32 codes, one block after the other)."""
    rng = np.random.default_rng(seed)
    at_us = START_US + np.sort(rng.integers(0, 150 * 86_400_000_000, rows, dtype=np.int64))
    codes = rng.integers(0, 2, rows, dtype=np.int32)
    values = rng.normal(12.0, 3.0, rows) - 0.1 * codes
    with path.open("wb") as f:
        f.write(at_us.tobytes())
        f.write(values.astype(np.float64).tobytes())
        f.write(codes.tobytes())


def filled_tracker(template: Path, data: Path, rows: int, target: Path, meta: dict[str, Any]) -> None:
    """A copy of the template with the data logged by kokeilu (reused when already complete)."""
    if target.exists() and not Path(str(target) + "-wal").exists():
        with kokeilu.open(str(target), read_only=True) as tracker:
            if tracker.count_observations(meta["key"]) == rows:
                return
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, target)
    raw = np.fromfile(data, dtype=np.uint8)
    at = raw[: 8 * rows].view(np.int64).view("datetime64[us]")
    values = raw[8 * rows : 16 * rows].view(np.float64)
    codes = raw[16 * rows : 20 * rows].view(np.int32)
    with kokeilu.open(str(target)) as tracker:
        tracker.log_many(meta["key"], values, arm=pd.Categorical.from_codes(codes, categories=ARMS), at=at)


# -- the rows ------------------------------------------------------------------------------------


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def speed(m: Measure) -> list[float]:
    """Rows per second of each repetition (or 1/seconds when the row has no row count)."""
    return [(m.rows or 1) / s for s in m.seconds]


def latency_stats(m: Measure) -> None:
    lat = np.asarray(m.extra.get("latencies", []))
    if lat.size:
        m.extra["p50"] = float(np.percentile(lat, 50))
        m.extra["p99"] = float(np.percentile(lat, 99))
        m.extra["max"] = float(lat.max())


def single_repeated(params: dict[str, Any], name: str, label: str, reps: int) -> Measure:
    """Latency rows: each repetition a fresh process and file; p50 and p99 per repetition."""
    p50s, p99s, all_lat = [], [], []
    m = Measure(label)
    for _ in range(reps):
        one = case(name, params, label)
        lat = np.asarray(one.extra["latencies"])
        p50s.append(float(np.percentile(lat, 50)))
        p99s.append(float(np.percentile(lat, 99)))
        all_lat.extend(lat.tolist())
        m.rss_peak_kib = max(m.rss_peak_kib, one.rss_peak_kib)
        m.extra["version"] = one.extra.get("version", "")
    m.seconds = p50s
    m.extra["p99s"] = p99s
    m.extra["calls"] = len(all_lat)
    m.extra["max"] = max(all_lat)
    return m


def merge_latencies(into: Measure, one: Measure) -> None:
    """Adds the repetitions of `one` (a latency Measure) to `into`."""
    into.extra.setdefault("p50s", []).extend(one.seconds)
    into.extra.setdefault("maxes", []).append(one.extra["max"])
    into.seconds.extend(one.seconds)
    into.extra.setdefault("p99s", []).extend(one.extra["p99s"])
    into.extra["calls"] = into.extra.get("calls", 0) + one.extra["calls"]
    into.extra["max"] = max(into.extra.get("max", 0.0), one.extra["max"])
    into.extra["version"] = one.extra.get("version", "")
    into.rss_peak_kib = max(into.rss_peak_kib, one.rss_peak_kib)


def single_raw(binary: Path, template: Path, scratch: Path, meta: dict[str, Any], calls: int, warmup: int,
               reps: int, pause_us: int = 0) -> Measure:
    m = Measure("raw C one-row transaction")
    p50s, p99s, all_lat = [], [], []
    for _ in range(reps):
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)
        shutil.copyfile(template, scratch)
        result, rss = run_program([str(binary), "single", str(scratch), str(calls + warmup),
                                   str(meta["metric_id"]), str(meta["arm_ids"][0]), str(pause_us)])
        lat = np.asarray(result["latencies"][warmup:])
        p50s.append(float(np.percentile(lat, 50)))
        p99s.append(float(np.percentile(lat, 99)))
        all_lat.extend(lat.tolist())
        m.rss_peak_kib = max(m.rss_peak_kib, rss)
    m.seconds = p50s
    m.extra["p99s"] = p99s
    m.extra["calls"] = len(all_lat)
    m.extra["max"] = max(all_lat)
    return m


def timed_process(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Wall time (seconds) of one whole process, from the spawn to its exit."""
    began = time.perf_counter()
    process = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    took = time.perf_counter() - began
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:3])} failed ({process.returncode}):\n{process.stderr[-3000:]}")
    return took


def command_log(template: Path, work: Path, meta: dict[str, Any], processes: int) -> Row:
    """`kokeilu log KEY VALUE --arm ARM` as scripts call it, a whole process each time, against a
    plain Python process that inserts one row into the same kind of file with sqlite3. Each process
    gets a fresh copy of the template (untimed), and the sides run in turns so that both see the
    same load."""
    script = Path(sys.executable).parent / "kokeilu"  # the console script users run
    k = Measure("kokeilu log (the command)")
    peer = Measure("python: sqlite3, one-row transaction")
    k_file, peer_file = work / "command-kokeilu.db", work / "command-plain.db"
    env = {**os.environ, "KOKEILU_DB": str(k_file)}
    for i in range(processes):
        value = str(i % 7)
        shutil.copyfile(template, peer_file)
        for suffix in ("-wal", "-shm"):
            Path(str(peer_file) + suffix).unlink(missing_ok=True)
        peer.seconds.append(timed_process([sys.executable, str(HERE / "plain_insert.py"), str(peer_file),
                                           str(meta["metric_id"]), str(meta["arm_ids"][0]), value]))
        shutil.copyfile(template, k_file)
        for suffix in ("-wal", "-shm"):
            Path(str(k_file) + suffix).unlink(missing_ok=True)
        k.seconds.append(timed_process([str(script), "log", meta["key"], value, "--arm", meta["arm_names"][0]], env))
    return Row("`kokeilu log` as a whole process: start, one value, exit", k, peer, "≤ 5× the time (ratio ≥ 0.2)",
               0.2, "", key="command_log")


def bulk_raw(binary: Path, template: Path, scratch: Path, data: Path, rows: int, meta: dict[str, Any],
             reps: int) -> Measure:
    m = Measure("raw SQLite C loop, one transaction", rows=rows)
    for _ in range(reps):
        for suffix in ("", "-wal", "-shm"):
            Path(str(scratch) + suffix).unlink(missing_ok=True)
        shutil.copyfile(template, scratch)
        result, rss = run_program([str(binary), "bulk", str(scratch), str(data), str(rows), str(meta["metric_id"]),
                                   *map(str, meta["arm_ids"])])
        m.seconds.append(result["seconds"])
        m.rss_peak_kib = max(m.rss_peak_kib, rss)
        m.extra["schema"] = result["schema"]
    return m


# Why a target can be missed, from reading the code paths the rows exercise; the numbers beside
# these texts in docs/benchmarks.md come from the run itself.
WHY_MISSED = {
    "bundle_rate": (
        "each row goes through two SQLite files. The import reads the bundle on a thread of its own, "
        "a bounded queue ahead of the writes, so its time is the larger side's: the tracker's insert "
        "of every column (32 rows a statement), each row checked by the rules of log and hashed twice "
        "(the experiment's content and the history's batch), where the bulk log inserts five columns "
        "of rows it checks as columns. The export reads the tracker and writes about 177 bytes a row "
        "into the bundle (the experiment's UUID, the metric and arm as text, the time as ISO 8601 "
        "text, and the (uuid, position) index), a file three times the tracker's; reading and writing "
        "run one after the other. Closing the gap needs fewer bytes a row (a new format version) and "
        "the export's two sides on two threads, as the import's are."
    ),
    "bundle_again": (
        "the same bundle again is told by the bundle id kept on each copy and reads no rows; what is "
        "left is reading and checking the manifest, the experiments' records and the exporter's "
        "leaves, which grow with the exporter's history, not with the rows."
    ),
    "bulk_raw": (
        "kokeilu's call does more than the raw loop: the Python layer checks the three columns "
        "(views when the dtypes already match; a Categorical's codes are widened to int32), the "
        "core validates every row (arm code, finite value, time after the start) in a pass of its "
        "own before the transaction, and then runs the same prepared-INSERT loop. Closing the gap: "
        "fuse the validation pass into the insert loop (roll back on the first bad row instead of "
        "checking first)."
    ),
    "bulk_executemany": (
        "both sides spend most of each row inside SQLite (the B-tree insert, the index entry, the "
        "two foreign-key look-ups); executemany adds only the Python tuple per row and its binding. "
        "The ceiling for any SQLite-backed call over executemany is therefore the raw C loop's own "
        "ratio over executemany (compare the rows/s of the first two rows), and kokeilu runs at "
        "about the raw loop's speed. Closing the gap means making SQLite's per-row work cheaper for "
        "every side: e.g. storing each unit-level value without the foreign-key checks (validated "
        "once per call instead) or a table clustered by (metric_id, at_us) without the separate "
        "index — both schema changes, not done here."
    ),
    "bulk_mlflow": (
        "kokeilu's bulk rate is that of SQLite inserting 64 rows per statement into the table and its "
        "index (the note on the row gives the rate 100× would need); what is left per row is "
        "SQLite's record building and the index insert. MLflow's rate is extrapolated from "
        "10,000 values and moves with the machine's load; storing unit-level values in blocks "
        "rather than one row each would be the next step."
    ),
    "single_raw": (
        "one `log` is one BEGIN IMMEDIATE … COMMIT, as the raw loop, through statements prepared once "
        "per connection, with the experiment kept from the previous call. When nothing else has "
        "committed since this connection's own last write (SQLite's data version of the file says "
        "so), its revision and the running summary that write left are known, so inside the "
        "transaction it inserts the row and updates the arm's running summary in place: two "
        "statements where the raw loop runs one, and its commit writes one more page (the running "
        "summary's) to the WAL. Run from C++ (callgrind, 2,000 calls) that is 53k instructions a "
        "call against the raw loop's 42k, and p50 latencies of the two were within a few µs of "
        "each other; the Python call adds the argument conversion, the lock and the release of the "
        "GIL, 3–4 µs. Processes of either side land at one of two latency levels here (see the "
        "note), so the median over processes decides the ratio. What remains is the running "
        "summary's page in every commit and the Python call."
    ),
    "command_log": (
        "a whole `kokeilu log` process starts the interpreter, imports click, kokeilu and its compiled "
        "core (pybind11 bindings linked against SQLite, Boost and utf8proc), builds the command line "
        "with its help texts, opens the tracker (checks of the file, the schema version, the "
        "experiment and its quick check) and writes the value with its history entry; the plain "
        "process imports only sqlite3. numpy, pandas, matplotlib and rich are not imported by the "
        "command (tests/python/test_command_start.py guards it); what remains is measured with "
        "`python -X importtime -m kokeilu --version`."
    ),
    "single_mlflow": (
        "kokeilu's `log` latency is the one analysed in the row above; the note on the row gives the "
        "p50 that 40× would need."
    ),
    "read_numpy": (
        "kokeilu runs the same SELECT as read_sql_query and, per row, about what the raw C loop in "
        "the note on the row does: one sqlite3_column_* call per column (a number is asked its type "
        "only when it reads 0.0, a text its length only when it has one), the numbers into vectors "
        "that numpy takes over without a copy, subject and note only for the rows that have one. "
        "So its time is close to that loop's, and the note gives how far ahead of read_sql_query "
        "that loop is: when it is less than 5×, no reader stepping this query through SQLite can "
        "meet the target on this machine. Closing the gap means less work inside SQLite per row, "
        "most of which is stepping the query: every row found in the index is looked up again in "
        "the table and its ten columns decoded (an index covering the read, or a table clustered by "
        "metric and time, would avoid the look-up; both schema changes, not done here). Column "
        "reads without the connection's mutex (SQLITE_OPEN_NOMUTEX) were tried and measured only a "
        "few percent faster, within the noise of this machine."
    ),
    "read_pandas": (
        "the DataFrame adds to the numpy path a tz-aware datetime column, a categorical arm column "
        "and the string columns of subject and note (from one buffer and its offsets where pandas "
        "keeps strings in Arrow), about 20 ms when measured alone for 2,000,000 rows, with "
        "occasional 100–200 ms for fresh memory (page faults on first touch) in a process that "
        "has just freed the previous frame; the bound of the row above applies."
    ),
    "summary": (
        "both sides run the same index search (the same plan: SEARCH observations USING INDEX "
        "observations_by_metric_time (metric_id=?)) and look each row up in the table; for a metric "
        "without aggregated rows or exposure both select arm and value only. kokeilu also bounds "
        "the scan by time (at_us < ?, compared for every index entry) and passes each row through "
        "a std::function into the summary."
    ),
    "summary_running": (
        "the running summaries are read from one row per metric and arm; what remains is opening the "
        "experiment (its arms and metrics) and building the summaries."
    ),
    "analysis_until": (
        "`analyze(until=…)` summarises every metric in one streaming C++ pass over the rows (the pass "
        "of the summary row) and then computes the statistics, which take microseconds; its time is "
        "the scan's. 7× would need a scan faster than the raw C loop of the summary row: no "
        "row-by-row SQLite scan reaches it on this machine. This row is not one of the issue's "
        "targets (the full analysis, the row above, is); it shows the path of every look back in "
        "time, which cannot use the running summaries."
    ),
    "analysis": (
        "`analyze` reads the running summaries (a few rows per metric) and computes the statistics in "
        "microseconds, but the benchmark's experiment was started 330 days before its Test Card was "
        "locked (its rows are backfilled), so every analysis also counts, by arm, the rows logged for "
        "times between the start and the lock: all of them here, an index-only scan (schema 17) of "
        "every row. Kept as a count that each write of rows updates in its transaction, as the "
        "running summaries are, it would cost a few look-ups."
    ),
    "bootstrap": (
        "each resample draws its indices from xoshiro256++ (both 32-bit halves of an output, Lemire's "
        "rejection with the threshold computed once per sample) a block of 512 at a time, and gathers "
        "them into four sums: 2 × 10^9 draws and gathers in all, reproducible to the bit. Its two "
        "streams run on 2 threads, which buy nothing when the machine's other core is busy (compare "
        "the two bootstrap rows of the micro-benchmarks below). It also computes the BCa interval, "
        "which the numpy version does not. Closing the gap: draw several generators' outputs at once "
        "with SIMD instructions, and measure on a machine whose second core is free."
    ),
    "chance": (
        "each call integrates pdf_t · cdf_c and the expected losses by adaptive Gauss–Kronrod over "
        "incomplete beta functions; with 10,000 trials per arm the posteriors are narrow and the "
        "quadrature needs many evaluations of Boost's incomplete beta. Closing the gap: a normal "
        "approximation when both posteriors are this concentrated, or a fixed-order quadrature "
        "around the posterior mode."
    ),
}


# -- the report ----------------------------------------------------------------------------------


def fmt_rate(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:.2f} M"
    if x >= 1e3:
        return f"{x / 1e3:.1f} k"
    return f"{x:.1f}"


def fmt_time(s: float) -> str:
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.0f} µs"


def mib(kib: int) -> str:
    return "—" if kib == 0 else f"{kib / 1024:.0f} MiB"  # 0: not measured (whole-process rows)


def cell(m: Measure, as_rate: bool) -> str:
    if m.note and not m.seconds:
        return f"not measured: {m.note}"
    if as_rate:
        xs = speed(m)
        return f"{fmt_rate(median(xs))} rows/s ({fmt_rate(min(xs))}–{fmt_rate(max(xs))})"
    return f"{fmt_time(median(m.seconds))} ({fmt_time(min(m.seconds))}–{fmt_time(max(m.seconds))})"


def ratio(row: Row, as_rate: bool) -> float | None:
    if not row.kokeilu.seconds or not row.peer.seconds:
        return None
    if as_rate:
        return median(speed(row.kokeilu)) / median(speed(row.peer))
    return median(row.peer.seconds) / median(row.kokeilu.seconds)


def render(rows: list[tuple[Row, bool]], sizes: Sizes, quick: bool, machine: dict[str, str],
           micro: list[dict[str, Any]], memory: list[str], began: str, took: float) -> str:
    out = ["# Benchmarks", ""]
    out.append("Generated by `make bench" + (" QUICK=1" if quick else "") + "` (bench/run.py); do not edit by hand. "
               "Every number below was measured in the run described here.")
    out.append("")
    out.append(f"Run started {began} and took {took:.0f} s. Mode: {'QUICK (reduced sizes)' if quick else 'full'}.")
    out.append("")
    out.append("## Machine")
    out.append("")
    for k, v in machine.items():
        out.append(f"- {k}: {v}")
    out.append("")
    loads = [float(r.loadavg.split()[0]) for r, _ in rows]
    cores = os.cpu_count() or 1
    if max(loads) >= 0.5 * cores:
        out.append(f"**Taken under load.** The machine has {cores} cores and was shared with other work: the "
                   f"1-minute load average before the rows ranged from {min(loads):.2f} to {max(loads):.2f} "
                   "(column *load*). Absolute times are therefore pessimistic and noisy; the ratios compare "
                   "sides measured minutes apart under similar load, but not under identical conditions.")
        out.append("")
    out.append("## Results")
    out.append("")
    out.append("Median of the repetitions, min–max in brackets. *Ratio* is kokeilu's speed over the peer's "
               "(above 1: kokeilu is faster). Peak RSS is that of the process that ran the side "
               "(Python processes include the interpreter and their imports).")
    out.append("")
    out.append("| what | kokeilu | peak RSS | compared with | peer | peak RSS | ratio | target | met | load |")
    out.append("|---|---|---|---|---|---|---|---|---|---|")
    for row, as_rate in rows:
        r = ratio(row, as_rate)
        met = "—" if row.goal is None or r is None else ("yes" if r >= row.goal else "**no**")
        out.append(
            f"| {row.what} | {cell(row.kokeilu, as_rate)} | {mib(row.kokeilu.rss_peak_kib)} | {row.peer.label} | "
            f"{cell(row.peer, as_rate)} | {mib(row.peer.rss_peak_kib)} | "
            f"{'—' if r is None else f'{r:.2f}×'} | {row.target} | {met} | {row.loadavg} |"
        )
    out.append("")
    out.append("### Notes on the rows")
    out.append("")
    for row, _ in rows:
        for note in row.notes:
            out.append(f"- *{row.what}, {row.peer.label}*: {note}")
    out.append("")
    missed = [(row, r) for row, as_rate in rows
              if row.goal is not None and (r := ratio(row, as_rate)) is not None and r < row.goal]
    out.append("## Targets missed: why, and what would close them")
    out.append("")
    if not missed:
        out.append("Every target with a measured ratio was met in this run.")
    for row, r in missed:
        out.append(f"- **{row.what}** vs {row.peer.label}: measured {r:.2f}×, target {row.target}. "
                   + WHY_MISSED.get(row.key, "No explanation recorded for this row."))
    out.append("")
    out.append("## Memory")
    out.append("")
    out.extend(memory)
    out.append("")
    if micro:
        out.append("## C++ micro-benchmarks (Google Benchmark)")
        out.append("")
        out.append("| benchmark | time per iteration | items/s |")
        out.append("|---|---|---|")
        for b in micro:
            per = b.get("real_time", 0.0)
            unit = b.get("time_unit", "ns")
            items = b.get("items_per_second")
            out.append(f"| {b['name']} | {per:.3f} {unit} | {fmt_rate(items) if items else '—'} |")
        out.append("")
    out.append("## Sizes")
    out.append("")
    out.append(
        f"bulk and read rows {sizes.bulk_rows:,}; MLflow bulk values {sizes.mlflow_rows:,}; single calls "
        f"{sizes.single_calls:,} (MLflow {sizes.mlflow_calls:,}); bootstrap {sizes.resamples:,} resamples of "
        f"2 × {sizes.boot_n:,}; Monte Carlo {sizes.draws:,} draws; memory {sizes.memory_rows:,} rows; "
        f"repetitions {sizes.reps} ({sizes.slow_reps} for the slow peers)."
    )
    out.append("")
    return "\n".join(out)


def machine_description(bin_dir: Path) -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    versions = {}
    for name in ("numpy", "pandas", "scipy", "mlflow"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:
            versions[name] = "not installed"
    import sqlite3

    gcc = subprocess.run(["g++", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return {
        "CPU": f"{cpu}, {os.cpu_count()} logical cores",
        "memory": " ".join(mem.split()[1:]),
        "system": f"{platform.system()} {platform.release()}",
        "compiler": f"{gcc}, Release build (-O3) of libkokeilu and the baselines",
        "SQLite": f"{sqlite3.sqlite_version} (Python's sqlite3 module and, via libsqlite3-dev, the C baseline)",
        "Python": platform.python_version(),
        "packages": ", ".join(f"{k} {v}" for k, v in versions.items()) + f", kokeilu {kokeilu.__version__ if hasattr(kokeilu, '__version__') else '?'}",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--bin", required=True, type=Path, help="build directory of bench/CMakeLists.txt")
    parser.add_argument("--work", required=True, type=Path, help="scratch directory for tracker files")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--only", choices=["command"],
                        help="run one row only: command = `kokeilu log` as a whole process")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    began_at = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    began = time.perf_counter()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    raw = args.bin / "raw_sqlite"
    summary = args.bin / "summary_kokeilu"

    def say(text: str) -> None:
        print(f"[{time.perf_counter() - began:6.1f} s, load {loadavg()}] {text}", flush=True)

    template = work / "template.db"
    meta = make_template(template)
    data = work / f"data-{sizes.bulk_rows}.bin"
    if not data.exists():
        make_data(data, sizes.bulk_rows, 1)
    base = {**meta, "template": str(template), "data": str(data), "rows": sizes.bulk_rows,
            "scratch": str(work / "scratch.db")}
    rows: list[tuple[Row, bool]] = []

    def command_row() -> None:
        say(f"kokeilu log as a whole process: the command and plain sqlite3 in turns, "
            f"{sizes.command_processes} processes each")
        load = loadavg()
        row = command_log(template, work, meta, sizes.command_processes)
        row.loadavg = load
        row.notes.append(
            f"{sizes.command_processes} processes a side in turns, each on a fresh copy of the template tracker "
            "(copy untimed); the time is the wall time from spawning the process to its exit. kokeilu runs its "
            "console script (`kokeilu log KEY VALUE --arm control`, the tracker in KOKEILU_DB); the peer is "
            "bench/plain_insert.py: `import sqlite3`, the connection settings kokeilu uses, one INSERT in "
            "BEGIN IMMEDIATE … COMMIT. Peak RSS is not measured for these processes.")
        rows.append((row, False))

    if args.only == "command":
        command_row()
        took = time.perf_counter() - began
        text = render(rows, sizes, args.quick, machine_description(args.bin), [], [], began_at, took)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
        print(text)
        say(f"written {args.out}")
        return

    # 1. bulk log
    say("bulk log: kokeilu")
    load = loadavg()
    k = case("bulk_kokeilu", {**base, "reps": sizes.reps}, "kokeilu log_many")
    say("bulk log: raw C")
    peer = bulk_raw(raw, template, work / "scratch.db", data, sizes.bulk_rows, meta, sizes.reps)
    bulk_log = k
    row = Row(f"bulk log, {sizes.bulk_rows:,} rows from numpy, one call", k, peer, "≥ 0.9×", 0.9, load, key="bulk_raw")
    schema = "; ".join(peer.extra.get("schema", []))
    row.notes.append(f"same file, schema and settings as kokeilu's (read back from sqlite_master: `{schema}`); "
                     "WAL, synchronous=NORMAL, foreign_keys=ON; one prepared INSERT bound per row, "
                     "BEGIN IMMEDIATE … COMMIT timed. kokeilu's time is the whole Python call, including "
                     "checks of the arms and values and the conversion of the numpy/pandas inputs. kokeilu "
                     "inserts 64 rows per statement, and for a write of 10,000 rows or more it checks the "
                     "metric and arm ids once in its transaction instead of SQLite's per-row foreign-key "
                     "look-ups; the raw loop is the plain one-row statement with foreign keys on.")
    rows.append((row, True))

    say("bulk log: sqlite3.executemany")
    load = loadavg()
    peer = case("bulk_executemany", {**base, "reps": sizes.slow_reps}, "Python sqlite3.executemany")
    row = Row("the same", k, peer, "≥ 1.2×", 1.2, load, key="bulk_executemany")
    row.notes.append("timed from the numpy arrays: building the Python rows (tolist, zip) and executemany in one "
                     "BEGIN IMMEDIATE transaction, same settings.")
    rows.append((row, True))

    say("bulk log: MLflow log_batch")
    load = loadavg()
    peer = case("bulk_mlflow", {**base, "reps": sizes.slow_reps, "mlflow_rows": sizes.mlflow_rows},
                "MLflow log_batch (SQLite backend)")
    row = Row("the same", k, peer, "≥ 100×", 100.0, load, key="bulk_mlflow")
    if peer.seconds:
        need = 100 * median(speed(peer))
        row.notes.append(f"100× would need {fmt_rate(need)} rows/s; the raw C loop of the first row did "
                         f"{fmt_rate(median(speed(rows[0][0].peer)))} rows/s.")
    row.notes.append(f"MLflow {peer.extra.get('version', '')} is slow, so it logged {sizes.mlflow_rows:,} values "
                     f"(batches of 1,000, one metric value each), not {sizes.bulk_rows:,}; its rows/s is "
                     "extrapolated from that smaller load. Creating the MLflow schema is not timed.")
    rows.append((row, True))

    # 2. one durable observation per call
    warmup = 20
    single = {**base, "calls": sizes.single_calls, "warmup": warmup}
    say(f"single log: kokeilu and raw C in turns, {sizes.latency_processes} processes each")
    load = loadavg()
    k = Measure("kokeilu log")
    peer = Measure("raw C one-row transaction")
    for _ in range(sizes.latency_processes):
        merge_latencies(k, single_repeated(single, "single_kokeilu", "kokeilu log", 1))
        merge_latencies(peer, single_raw(raw, template, work / "scratch.db", meta, sizes.single_calls, warmup, 1))
    row = Row("one durable observation per call, p50 latency", k, peer, "p50 ≤ 1.5× (ratio ≥ 0.67)", 1 / 1.5, load, key="single_raw")
    row.notes.append(
        f"p99 latency: kokeilu {fmt_time(median(k.extra['p99s']))} "
        f"({fmt_time(min(k.extra['p99s']))}–{fmt_time(max(k.extra['p99s']))}), raw C "
        f"{fmt_time(median(peer.extra['p99s']))} ({fmt_time(min(peer.extra['p99s']))}–"
        f"{fmt_time(max(peer.extra['p99s']))}); worst single call: kokeilu {fmt_time(k.extra['max'])}, raw C "
        f"{fmt_time(peer.extra['max'])}. {sizes.single_calls:,} calls per repetition after {warmup} warm-up "
        "calls, each in its own BEGIN IMMEDIATE … COMMIT; times in the table are the p50 of each repetition. "
        f"Each repetition is a process of its own, kokeilu's and the raw loop's in turns, {sizes.latency_processes} "
        "each: the p50 of a whole process tends to one of two levels on this machine (see the min–max), "
        "whichever side runs.")
    rows.append((row, False))

    say("single log: MLflow log_metric")
    load = loadavg()
    peer = single_repeated({**single, "calls": sizes.mlflow_calls}, "single_mlflow", "mlflow.log_metric (SQLite)",
                           1 if args.quick else sizes.slow_reps)
    row = Row("the same", k, peer, "≥ 40×", 40.0, load, key="single_mlflow")
    row.notes.append(f"40× would need a p50 of {fmt_time(median(peer.seconds) / 40)}; the raw C one-row "
                     f"transaction took {fmt_time(median(rows[-1][0].peer.seconds))}.")
    row.notes.append(f"{sizes.mlflow_calls:,} calls per repetition; p99 "
                     f"{fmt_time(median(peer.extra['p99s']))}.")
    rows.append((row, False))

    say(f"single log, calls {SPACED_PAUSE_US // 1000} ms apart: kokeilu and raw C in turns")
    load = loadavg()
    spaced = {**single, "calls": sizes.spaced_calls, "pause_us": SPACED_PAUSE_US}
    k_spaced = Measure("kokeilu log, spaced")
    peer_spaced = Measure("raw C one-row transaction, spaced")
    for _ in range(sizes.spaced_processes):
        merge_latencies(k_spaced, single_repeated(spaced, "single_kokeilu", "kokeilu log", 1))
        merge_latencies(peer_spaced, single_raw(raw, template, work / "scratch.db", meta, sizes.spaced_calls, warmup,
                                                1, SPACED_PAUSE_US))
    # The worst call of each process: where a checkpoint of the write-ahead log lands.
    k_spaced.seconds, peer_spaced.seconds = k_spaced.extra["maxes"], peer_spaced.extra["maxes"]
    row = Row(f"the same, calls {SPACED_PAUSE_US // 1000} ms apart: worst call", k_spaced, peer_spaced,
              "reported (checkpoints should not stall a call when avoidable)", None, load, key="single_spaced")
    row.notes.append(
        f"{sizes.spaced_calls:,} calls per process after {warmup} warm-up calls, {SPACED_PAUSE_US // 1000} ms apart "
        f"(untimed), {sizes.spaced_processes} processes a side in turns; the times are the worst call of each "
        f"process. p99: kokeilu {fmt_time(median(k_spaced.extra['p99s']))}, raw C "
        f"{fmt_time(median(peer_spaced.extra['p99s']))}; p50: kokeilu "
        f"{fmt_time(median(k_spaced.extra['p50s']))}, raw C {fmt_time(median(peer_spaced.extra['p50s']))}. "
        "kokeilu checkpoints the write-ahead log of writes that come apart on a thread of its own; the raw loop "
        "leaves them to SQLite, which runs them in the committing call.")
    rows.append((row, False))

    command_row()

    # 3. read back (and the data for the rows after)
    say("filling the read/summary tracker")
    db = work / f"filled-{sizes.bulk_rows}.db"
    filled_tracker(template, data, sizes.bulk_rows, db, meta)
    read = {**base, "db": str(db), "reps": sizes.reps}
    say("read back")
    load = loadavg()
    k = case("read_kokeilu_numpy", read, "kokeilu observation_arrays")
    peer = case("read_pandas_sql", read, "pandas.read_sql_query")
    # The same SELECT in a raw C loop that reads every column into arrays: no reader stepping this
    # query through SQLite does much less, so pandas' time over this loop's bounds the ratio.
    result_raw, rss_raw = run_program([str(raw), "read", str(db), str(meta["metric_id"]), str(sizes.reps)])
    floor = Measure("raw SQLite C loop over the same SELECT", seconds=result_raw["seconds"],
                    rows=result_raw["rows"], rss_peak_kib=rss_raw)
    row = Row(f"observations back to numpy, {sizes.bulk_rows:,} rows", k, peer, "≥ 5×", 5.0, load, key="read_numpy")
    row.notes.append("read_sql_query selects the same ten columns in the same order (metric, time order); it does "
                     "not turn times into datetimes nor arm ids into names, which kokeilu's arrays and frame do.")
    ceiling = ""
    if floor.seconds and peer.seconds:
        ceiling = (f"A raw C loop over the same SELECT, reading every column into C arrays (bench/raw_sqlite.c "
                   f"read), took {fmt_time(median(floor.seconds))} ({fmt_rate(median(speed(floor)))} rows/s): "
                   f"read_sql_query took {median(peer.seconds) / median(floor.seconds):.2f}× as long, the most "
                   "any reader that steps this query through SQLite could be ahead of it here.")
        row.notes.append(ceiling)
    rows.append((row, True))
    load = loadavg()
    k2 = case("read_kokeilu_pandas", read, "kokeilu observations (DataFrame)")
    row = Row("observations back to pandas", k2, peer, "≥ 5×", 5.0, load, key="read_pandas")
    if ceiling:
        row.notes.append("the raw C loop of the row above bounds this row too.")
    rows.append((row, True))

    # 3b. bundles: the same rows exported at the units level and imported elsewhere, against the
    # bulk log of row 1 (the rate a tracker takes rows in at all).
    bundle = {**base, "db": str(db), "reps": sizes.slow_reps, "bundle": str(work / "bench.kokeilu"),
              "secrets": str(work / "secrets"), "scratch": str(work / "imported.db")}
    say("bundle export (units)")
    load = loadavg()
    k = case("bundle_export", bundle, "kokeilu export_bundle, units")
    row = Row(f"bundle export at the units level, {sizes.bulk_rows:,} rows", k, bulk_log, "≥ 0.5×", 0.5, load,
              key="bundle_rate")
    row.notes.append("the peer is kokeilu's own bulk log of row 1 (the same rows from numpy): a bundle should move "
                     "rows at half the rate a tracker takes them in at least. The export reads the rows from the "
                     "tracker, pseudonymises the subjects, writes them to the bundle file and hashes each row.")
    rows.append((row, True))
    say("bundle import (units)")
    load = loadavg()
    imported = case("bundle_import", bundle, "kokeilu import_bundle, units")
    row = Row("bundle import of that bundle into an empty tracker", imported, bulk_log, "≥ 0.5×", 0.5, load,
              key="bundle_rate")
    row.notes.append("reads, hashes and checks every row of the bundle, then writes them as the bulk log does, "
                     "with the running summaries and the history entry, in one transaction.")
    rows.append((row, True))
    say("bundle import again")
    load = loadavg()
    again = case("bundle_import", {**bundle, "again": True}, "kokeilu import_bundle again (nothing changes)")
    row = Row("importing the same bundle again, against the first import", again, imported, "≤ 5% of its time (ratio ≥ 20)",
              20.0, load, key="bundle_again")
    rows.append((row, True))

    # 4. summary in C++
    say("summary")
    load = loadavg()
    result, rss = run_program([str(summary), str(db), meta["key"], str(sizes.reps), "scan"])
    k = Measure("kokeilu summarise_experiment (C++), every row", seconds=result["seconds"], rows=result["rows"],
                rss_peak_kib=rss)
    result_raw, rss_raw = run_program([str(raw), "summary", str(db), str(meta["metric_id"]), str(sizes.reps)])
    peer = Measure("raw SQLite C loop (Welford)", seconds=result_raw["seconds"], rows=result_raw["rows"],
                   rss_peak_kib=rss_raw)
    row = Row(f"summary of an experiment with {sizes.bulk_rows:,} rows, read from every row", k, peer, "≥ 0.8×",
              0.8, load, key="summary")
    raw_means = {ARMS[meta["arm_ids"].index(int(i))]: v[1] for i, v in result_raw["arms"].items()}

    def means_agree(arms: dict[str, Any]) -> str:
        means = {name.split("/")[1]: v[1] for name, v in arms.items()}
        return "yes" if all(abs(means[a] - raw_means[a]) <= 1e-9 * abs(raw_means[a]) for a in ARMS) else "NO"

    row.notes.append(f"both read the tracker file; the raw loop runs `SELECT arm_id, value FROM observations WHERE "
                     f"metric_id = ?` (no ORDER BY) and keeps Welford's mean and variance per arm; kokeilu "
                     f"summarises the data as it stood at a time after the last row, which reads every row in "
                     f"time order, as any `until` does (arm and value: the metric has no aggregated row and no "
                     f"exposure, which the statement checks). Means agree: {means_agree(result['arms'])}.")
    rows.append((row, True))
    scan_row = row
    load = loadavg()
    result, rss = run_program([str(summary), str(db), meta["key"], str(sizes.reps), "running"])
    k = Measure("kokeilu summarise_experiment (C++), as it stands", seconds=result["seconds"], rows=result["rows"],
                rss_peak_kib=rss)
    row = Row("the same, the data as it stands", k, peer, "≥ 0.8×", 0.8, load, key="summary_running")
    row.notes.append(f"without a time, the summary is read from the running summaries the store keeps per metric "
                     f"and arm, updated in the transaction of every write (a few rows instead of "
                     f"{sizes.bulk_rows:,}); the times are those of the whole summary on each side. Means "
                     f"agree: {means_agree(result['arms'])}.")
    rows.append((row, False))

    # 5. full analysis
    say("full analysis")
    load = loadavg()
    k = case("analysis_kokeilu", {**read, "reps": sizes.slow_reps}, "kokeilu Tracker.analyze")
    peer = case("analysis_pandas_scipy", {**read, "reps": sizes.slow_reps}, "read_sql_query + groupby + ttest_ind")
    row = Row(f"full analysis, {sizes.bulk_rows:,} rows", k, peer, "≥ 7×", 7.0, load, key="analysis")
    row.notes.append(f"kokeilu: every metric, effect with interval, Bayesian view, SRM, verdict; first comparison "
                     f"{k.extra.get('check')}; pandas/scipy: Welch t-test only, {peer.extra.get('check')}.")
    if k.seconds and peer.seconds:
        need = median(peer.seconds) / 7.0
        row.notes.append(f"7× would need the analysis of {sizes.bulk_rows:,} rows in {fmt_time(need)}, a scan of "
                         f"{fmt_rate(sizes.bulk_rows / need)} rows/s; the raw C loop of the summary row scanned "
                         f"{fmt_rate(median(speed(scan_row.peer)))} rows/s.")
    rows.append((row, False))
    analysis_row = row
    load = loadavg()
    k = case("analysis_kokeilu", {**read, "reps": sizes.slow_reps, "until": True}, "kokeilu Tracker.analyze(until=…)")
    # Not one of the targets (its full analysis is the row above): reported, to show the
    # path of every look back in time, which cannot use the running summaries.
    row = Row("the same, as it stood at a time (every row read)", k, analysis_row.peer,
              "reported (the target is the row above's)", None, load, key="analysis_until")
    row.notes.append("`analyze(until=…)` with a time after the last row: the same analysis, from a streaming pass "
                     "over every row instead of the running summaries (the path of any look back in time).")
    rows.append((row, False))

    # 6. bootstrap
    say("bootstrap")
    load = loadavg()
    boot = {"boot_n": sizes.boot_n, "resamples": sizes.resamples, "reps": sizes.slow_reps}
    k = case("bootstrap_kokeilu", boot, "kokeilu stats.bootstrap")
    peer = case("bootstrap_numpy", boot, "vectorised numpy bootstrap")
    row = Row(f"bootstrap, {sizes.resamples:,} resamples, 2 × {sizes.boot_n:,}", k, peer, "≥ 3×", 3.0, load, key="bootstrap")
    row.notes.append(f"numpy draws index blocks with Generator.integers and takes means along rows, then the "
                     f"2.5/97.5 percentiles; kokeilu also computes the BCa interval (jackknife) and uses its 2 "
                     f"threads. 95% percentile intervals: kokeilu {k.extra.get('check')}, numpy "
                     f"{peer.extra.get('check')}.")
    rows.append((row, False))

    # 7. chance to beat control
    say("chance to beat control")
    load = loadavg()
    chance = {"treatment": [5200, 10000], "control": [5000, 10000], "reps": sizes.reps, "calls": 200,
              "draws": sizes.draws}
    k = case("chance_kokeilu", chance, "kokeilu bayes_beta_binomial (integration)")
    peer = case("chance_numpy", chance, f"numpy Monte Carlo, {sizes.draws:,} draws")
    row = Row("chance to beat control (5,200/10,000 vs 5,000/10,000)", k, peer, "≥ 10×", 10.0, load, key="chance")
    kc, pc = k.extra["check"]["chance_to_win"], peer.extra["check"]["chance_to_win"]
    row.notes.append(f"kokeilu {kc:.6f} (deterministic quadrature; time per call, averaged over 200 calls), Monte "
                     f"Carlo {pc:.6f} ± {peer.extra['check']['mc_se']:.6f} (standard error): the integral is at "
                     f"least as accurate; difference {abs(kc - pc):.6f}.")
    rows.append((row, False))

    # 8. memory
    say(f"memory: filling a tracker with {sizes.memory_rows:,} rows")
    memory: list[str] = []
    mem_data = work / f"data-{sizes.memory_rows}.bin"
    if not mem_data.exists():
        make_data(mem_data, sizes.memory_rows, 2)
    mem_db = work / f"filled-{sizes.memory_rows}.db"
    filled_tracker(template, mem_data, sizes.memory_rows, mem_db, meta)
    say("memory: summaries")
    load = loadavg()
    result, rss = run_program([str(summary), str(mem_db), meta["key"], "1", "scan"])
    grow = (result["rss_after_kib"] - result["rss_before_kib"]) / 1024
    memory.append(f"Summarising {result['rows']:,} rows in C++ (`summarise_experiment` reading every row) raised the peak "
                  f"RSS by **{grow:.1f} MiB** (from {mib(result['rss_before_kib'])} to "
                  f"{mib(result['rss_after_kib'])}), in {fmt_time(result['seconds'][0])} — target under 100 MB: "
                  f"{'met' if grow * 1.048576 < 100 else '**not met**'}. Load before: {load}.")
    load = loadavg()
    m = case("memory_analyze", {**read, "db": str(mem_db)}, "kokeilu Tracker.analyze")
    grow_py = (m.rss_peak_kib - m.rss_start_kib) / 1024
    memory.append(f"`Tracker.analyze(until=…)` in Python, reading the same {sizes.memory_rows:,} rows, raised the peak RSS by "
                  f"**{grow_py:.0f} MiB** (from {mib(m.rss_start_kib)} to {mib(m.rss_peak_kib)}), in "
                  f"{fmt_time(m.seconds[0])} — "
                  f"{'within' if grow_py * 1.048576 < 100 else '**over**'} 100 MB. Load before: {load}.")
    if grow_py * 1.048576 >= 100:
        memory.append("Why the Python path grows: `analyze` goes through `summaries()`, which reads each metric "
                      "back into numpy arrays (ten columns, subject and note as one Python object per row) and "
                      "only then summarises them, so its memory grows with the rows. The C++ streaming pass "
                      "above stays flat; calling it from `analyze` (a binding of stats::summarise_experiment) "
                      "instead of materialising the arrays would meet the target.")
    if sizes.memory_rows != FULL.memory_rows:
        memory.append(f"(QUICK mode: {sizes.memory_rows:,} rows, not {FULL.memory_rows:,}.)")

    # 9. micro-benchmarks
    micro: list[dict[str, Any]] = []
    micro_bin = args.bin / "micro"
    if micro_bin.exists():
        say("micro-benchmarks")
        out = subprocess.run([str(micro_bin), "--benchmark_format=json",
                              f"--benchmark_min_time={0.05 if args.quick else 0.5}"],
                             capture_output=True, text=True, check=True).stdout
        micro = json.loads(out)["benchmarks"]

    took = time.perf_counter() - began
    text = render(rows, sizes, args.quick, machine_description(args.bin), micro, memory, began_at, took)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    say(f"written {args.out}")


if __name__ == "__main__":
    main()
