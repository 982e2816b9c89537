"""One side of one benchmark row, run in a process of its own so that its peak RSS is its own.

    python cases.py CASE PARAMS_JSON

Prints one JSON object: ``seconds`` (one entry per repetition) or ``latencies`` (one per call), any
checks of the result, and ``rss_start_kib`` / ``rss_peak_kib`` (the peak resident set before the
measured work, after imports and input data, and at the end).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import datetime as dt
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np

CASES: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def case(function: Callable[[dict[str, Any]], dict[str, Any]]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    CASES[function.__name__] = function
    return function


def peak_rss_kib() -> int:
    """The peak resident set of this process image (VmHWM). Not getrusage: its ru_maxrss also
    counts the memory of the parent that forked this process before the exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def load_data(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows every bulk case inserts: times (int64 us, sorted), values (float64), arm codes (int32)."""
    rows = p["rows"]
    raw = np.fromfile(p["data"], dtype=np.uint8)
    at_us = raw[: 8 * rows].view(np.int64)
    values = raw[8 * rows : 16 * rows].view(np.float64)
    codes = raw[16 * rows : 20 * rows].view(np.int32)
    return at_us, values, codes


def fresh_copy(template: str, target: str) -> str:
    for suffix in ("", "-wal", "-shm"):
        Path(target + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, target)
    return target


def open_raw(path: str) -> sqlite3.Connection:
    # The connection settings kokeilu uses; autocommit off so executemany runs in one transaction.
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA foreign_keys = ON")
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = NORMAL")
    return con


# -- bundles ---------------------------------------------------------------------------------------


@case
def bundle_export(p: dict[str, Any]) -> dict[str, Any]:
    """The filled tracker's experiment exported at the units level (the rows, pseudonymised)."""
    import kokeilu

    rss_start = peak_rss_kib()
    seconds = []
    with kokeilu.open(p["db"], read_only=True) as tracker:
        for _ in range(p["reps"]):
            Path(p["bundle"]).unlink(missing_ok=True)
            began = time.perf_counter()
            summary = tracker.export_bundle(p["key"], p["bundle"], level="units", secrets_dir=p["secrets"])
            seconds.append(time.perf_counter() - began)
            assert summary.rows == p["rows"], summary.rows
    return {"seconds": seconds, "rows": p["rows"], "rss_start_kib": rss_start}


@case
def bundle_import(p: dict[str, Any]) -> dict[str, Any]:
    """The bundle imported into an empty tracker; with ``again``, the time of importing it a
    second time (nothing changes) instead."""
    import kokeilu

    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        scratch = p["scratch"]
        for suffix in ("", "-wal", "-shm"):
            Path(scratch + suffix).unlink(missing_ok=True)
        with kokeilu.open(scratch) as tracker:
            began = time.perf_counter()
            first = tracker.import_bundle(p["bundle"])
            took = time.perf_counter() - began
            assert [e.rows for e in first.experiments] == [p["rows"]]
            if p.get("again"):
                began = time.perf_counter()
                second = tracker.import_bundle(p["bundle"])
                took = time.perf_counter() - began
                assert not second.changed
            seconds.append(took)
    return {"seconds": seconds, "rows": p["rows"], "rss_start_kib": rss_start}


# -- bulk log ------------------------------------------------------------------------------------


@case
def bulk_kokeilu(p: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd

    import kokeilu

    at_us, values, codes = load_data(p)
    at = at_us.view("datetime64[us]")
    arms = pd.Categorical.from_codes(codes, categories=p["arm_names"])
    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        path = fresh_copy(p["template"], p["scratch"])
        with kokeilu.open(path) as tracker:
            began = time.perf_counter()
            written = tracker.log_many(p["key"], values, arm=arms, at=at)
            seconds.append(time.perf_counter() - began)
            assert written == len(values)
    return {"seconds": seconds, "rows": len(values), "rss_start_kib": rss_start}


@case
def bulk_executemany(p: dict[str, Any]) -> dict[str, Any]:
    at_us, values, codes = load_data(p)
    arm_ids = np.asarray(p["arm_ids"], dtype=np.int64)
    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        con = open_raw(fresh_copy(p["template"], p["scratch"]))
        began = time.perf_counter()
        # From numpy to Python rows is part of the job, as it is inside kokeilu's one call.
        rows = zip(
            [p["metric_id"]] * len(values), arm_ids[codes].tolist(), at_us.tolist(), values.tolist()
        )
        con.execute("BEGIN IMMEDIATE")
        con.executemany(
            "INSERT INTO observations (metric_id, arm_id, at_us, value, exposure) VALUES (?, ?, ?, ?, NULL)", rows
        )
        con.execute("COMMIT")
        seconds.append(time.perf_counter() - began)
        con.close()
    return {"seconds": seconds, "rows": len(values), "rss_start_kib": rss_start}


def mlflow_client(p: dict[str, Any]) -> Any:
    import logging

    logging.disable(logging.WARNING)
    import mlflow
    from mlflow.tracking import MlflowClient

    Path(p["scratch"]).unlink(missing_ok=True)
    uri = f"sqlite:///{p['scratch']}"
    mlflow.set_tracking_uri(uri)
    client = MlflowClient(uri)
    experiment_id = client.create_experiment("bench")  # creates the schema: not timed
    return mlflow, client, experiment_id


@case
def bulk_mlflow(p: dict[str, Any]) -> dict[str, Any]:
    at_us, values, codes = load_data(p)
    rows = p["mlflow_rows"]
    mlflow, client, experiment_id = mlflow_client(p)
    from mlflow.entities import Metric

    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        run = client.create_run(experiment_id)
        began = time.perf_counter()
        # MLflow stores one value per metric step; a batch takes at most 1000 metrics.
        for start in range(0, rows, 1000):
            stop = min(rows, start + 1000)
            batch = [
                Metric(p["arm_names"][codes[i]], float(values[i]), int(at_us[i] // 1000), i)
                for i in range(start, stop)
            ]
            client.log_batch(run.info.run_id, metrics=batch)
        seconds.append(time.perf_counter() - began)
        client.set_terminated(run.info.run_id)
    return {"seconds": seconds, "rows": rows, "rss_start_kib": rss_start, "version": mlflow.__version__}


# -- one durable observation per call ------------------------------------------------------------


@case
def single_kokeilu(p: dict[str, Any]) -> dict[str, Any]:
    import kokeilu

    path = fresh_copy(p["template"], p["scratch"])
    rss_start = peak_rss_kib()
    latencies = []
    pause = p.get("pause_us", 0) / 1e6
    with kokeilu.open(path) as tracker:
        for i in range(p["calls"] + p["warmup"]):
            began = time.perf_counter()
            tracker.log(p["key"], float(i % 7), arm=p["arm_names"][i % 2])
            latencies.append(time.perf_counter() - began)
            if pause:
                time.sleep(pause)  # untimed, as in the raw loop
    return {"latencies": latencies[p["warmup"] :], "rss_start_kib": rss_start}


@case
def single_mlflow(p: dict[str, Any]) -> dict[str, Any]:
    mlflow, client, experiment_id = mlflow_client(p)
    run = mlflow.start_run(experiment_id=experiment_id)
    rss_start = peak_rss_kib()
    latencies = []
    for i in range(p["calls"] + p["warmup"]):
        began = time.perf_counter()
        mlflow.log_metric("value", float(i % 7), step=i)
        latencies.append(time.perf_counter() - began)
    mlflow.end_run()
    del run
    return {"latencies": latencies[p["warmup"] :], "rss_start_kib": rss_start, "version": mlflow.__version__}


# -- reading back --------------------------------------------------------------------------------


@case
def read_kokeilu_numpy(p: dict[str, Any]) -> dict[str, Any]:
    import kokeilu

    rss_start = peak_rss_kib()
    seconds = []
    with kokeilu.open(p["db"], read_only=True) as tracker:
        for _ in range(p["reps"]):
            began = time.perf_counter()
            arrays = tracker.observation_arrays(p["key"])
            seconds.append(time.perf_counter() - began)
            rows = len(arrays)
            del arrays
    return {"seconds": seconds, "rows": rows, "rss_start_kib": rss_start}


@case
def read_kokeilu_pandas(p: dict[str, Any]) -> dict[str, Any]:
    import kokeilu

    rss_start = peak_rss_kib()
    seconds = []
    with kokeilu.open(p["db"], read_only=True) as tracker:
        for _ in range(p["reps"]):
            began = time.perf_counter()
            frame = tracker.observations(p["key"])
            seconds.append(time.perf_counter() - began)
            rows = len(frame)
            del frame
    return {"seconds": seconds, "rows": rows, "rss_start_kib": rss_start}


READ_SQL = (
    "SELECT id, at_us, arm_id, value, n, sum, sum_sq, exposure, subject, note FROM observations "
    "WHERE metric_id = ? ORDER BY at_us, id"
)


@case
def read_pandas_sql(p: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd

    con = sqlite3.connect(f"file:{p['db']}?mode=ro", uri=True)
    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        began = time.perf_counter()
        frame = pd.read_sql_query(READ_SQL, con, params=(p["metric_id"],))
        seconds.append(time.perf_counter() - began)
        rows = len(frame)
        del frame
    return {"seconds": seconds, "rows": rows, "rss_start_kib": rss_start}


# -- full analysis -------------------------------------------------------------------------------


@case
def analysis_kokeilu(p: dict[str, Any]) -> dict[str, Any]:
    import kokeilu

    rss_start = peak_rss_kib()
    seconds = []
    with kokeilu.open(p["db"], read_only=True) as tracker:
        if not hasattr(tracker, "analyze"):
            return {"error": "kokeilu.Tracker.analyze does not exist in this build"}
        # With "until", the data as it stood then: every row is read (no running summary applies).
        until = dt.datetime(2999, 1, 1, tzinfo=dt.timezone.utc) if p.get("until") else None
        for _ in range(p["reps"]):
            began = time.perf_counter()
            result = tracker.analyze(p["key"], until=until)
            seconds.append(time.perf_counter() - began)
    comparisons = result.comparisons
    check = {}
    try:
        row = comparisons.iloc[0]
        check = {k: float(row[k]) for k in ("estimate", "p_value") if k in row.index}
    except Exception as error:  # the result's shape is still settling; the timing stands regardless
        check = {"note": f"could not read the first comparison: {error}"}
    return {"seconds": seconds, "rss_start_kib": rss_start, "check": check}


@case
def analysis_pandas_scipy(p: dict[str, Any]) -> dict[str, Any]:
    import pandas as pd
    from scipy import stats

    con = sqlite3.connect(f"file:{p['db']}?mode=ro", uri=True)
    control, treatment = p["arm_ids"]
    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        began = time.perf_counter()
        frame = pd.read_sql_query(
            "SELECT arm_id, value FROM observations WHERE metric_id = ?", con, params=(p["metric_id"],)
        )
        table = frame.groupby("arm_id")["value"].agg(["count", "mean", "std"])
        by_arm = dict(tuple(frame.groupby("arm_id")["value"]))
        test = stats.ttest_ind(by_arm[treatment], by_arm[control], equal_var=False)
        seconds.append(time.perf_counter() - began)
        del frame, by_arm
    estimate = float(table.loc[treatment, "mean"] - table.loc[control, "mean"])
    return {
        "seconds": seconds,
        "rss_start_kib": rss_start,
        "check": {"estimate": estimate, "p_value": float(test.pvalue)},
    }


# -- bootstrap -----------------------------------------------------------------------------------


def bootstrap_samples(p: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(20260112)
    n = p["boot_n"]
    return rng.normal(4.1, 1.0, n), rng.normal(4.0, 1.0, n)


@case
def bootstrap_kokeilu(p: dict[str, Any]) -> dict[str, Any]:
    from kokeilu import stats

    treatment, control = bootstrap_samples(p)
    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        began = time.perf_counter()
        result = stats.bootstrap(treatment, control, resamples=p["resamples"])
        seconds.append(time.perf_counter() - began)
    low, high = result.percentile.low, result.percentile.high
    return {"seconds": seconds, "rss_start_kib": rss_start, "check": {"low": low, "high": high}}


@case
def bootstrap_numpy(p: dict[str, Any]) -> dict[str, Any]:
    treatment, control = bootstrap_samples(p)
    n = len(treatment)
    # 10,000 x 100,000 indices do not fit in memory at once: vectorised in blocks of resamples.
    block = max(1, 20_000_000 // n)
    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        rng = np.random.default_rng(7)
        began = time.perf_counter()
        differences = np.empty(p["resamples"])
        for start in range(0, p["resamples"], block):
            stop = min(p["resamples"], start + block)
            t = treatment[rng.integers(0, n, (stop - start, n))].mean(axis=1)
            c = control[rng.integers(0, n, (stop - start, n))].mean(axis=1)
            differences[start:stop] = t - c
        low, high = np.percentile(differences, [2.5, 97.5])
        seconds.append(time.perf_counter() - began)
    return {"seconds": seconds, "rss_start_kib": rss_start, "check": {"low": float(low), "high": float(high)}}


# -- chance to beat control ----------------------------------------------------------------------


@case
def chance_kokeilu(p: dict[str, Any]) -> dict[str, Any]:
    from kokeilu import stats

    treatment, control = tuple(p["treatment"]), tuple(p["control"])
    calls = p["calls"]
    rss_start = peak_rss_kib()
    seconds = []
    for _ in range(p["reps"]):
        began = time.perf_counter()
        for _ in range(calls):
            result = stats.bayes_beta_binomial(treatment, control)
        seconds.append((time.perf_counter() - began) / calls)
    return {"seconds": seconds, "rss_start_kib": rss_start, "check": {"chance_to_win": result.chance_to_beat}}


@case
def chance_numpy(p: dict[str, Any]) -> dict[str, Any]:
    (s_t, n_t), (s_c, n_c) = p["treatment"], p["control"]
    draws = p["draws"]
    rss_start = peak_rss_kib()
    seconds = []
    for rep in range(p["reps"]):
        rng = np.random.default_rng(rep)
        began = time.perf_counter()
        pt = rng.beta(1 + s_t, 1 + n_t - s_t, draws)
        pc = rng.beta(1 + s_c, 1 + n_c - s_c, draws)
        chance = float(np.mean(pt > pc))
        seconds.append(time.perf_counter() - began)
    # Monte Carlo error of a share estimated from `draws` independent draws.
    error = float(np.sqrt(chance * (1 - chance) / draws))
    return {"seconds": seconds, "rss_start_kib": rss_start, "check": {"chance_to_win": chance, "mc_se": error}}


# -- memory --------------------------------------------------------------------------------------


@case
def memory_analyze(p: dict[str, Any]) -> dict[str, Any]:
    import kokeilu

    with kokeilu.open(p["db"], read_only=True) as tracker:
        rss_start = peak_rss_kib()
        began = time.perf_counter()
        # As it stood at a time after every row: the streaming pass over all of them.
        tracker.analyze(p["key"], until=dt.datetime(2999, 1, 1, tzinfo=dt.timezone.utc))
        seconds = [time.perf_counter() - began]
    return {"seconds": seconds, "rss_start_kib": rss_start}


def main() -> None:
    name, params = sys.argv[1], json.loads(sys.argv[2])
    result = CASES[name](params)
    result["rss_peak_kib"] = peak_rss_kib()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
