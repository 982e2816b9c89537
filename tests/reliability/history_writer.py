"""A writer for the history's kill tests (test_history_kill.py).

    python history_writer.py voids DB SEED
        writes batches of observations and voids rows and whole batches at random, forever
    python history_writer.py keyed DB BATCHES
        writes BATCHES batches of 500 rows, each with the idempotency key "batch-<i>" and the same
        rows at every run, from the first; run again after a kill, every batch must land once
"""

from __future__ import annotations

import random
import sys
import warnings

import numpy as np

import kokeilu

KEY = "KESTO-2025-001"
ROWS = 500
T0 = np.datetime64("2025-03-04T09:00", "us")


def experiment(tracker: kokeilu.Tracker) -> None:
    """Created and started once; a create run again after a kill returns the stored one."""
    e = tracker.create(
        key=KEY,
        title="Remote video visits in the evening",
        organisation="Oulu",
        unit="home care",
        we_believe="that part of the evening visits can be made by video",
        to_verify="we will replace one evening visit in three by a video visit",
        and_measure="the clients' sense of security on a 1-5 survey",
        right_if="the sense of security does not fall by more than 0.3 points",
        purposes=["wellbeing"],
        arms={"control": "control", "video": "treatment"},
        metrics=[kokeilu.Metric("sense_of_security", kind="mean", minimum_effect=0.3)],
    )
    if e.status.name == "draft":
        tracker.start(e, on="2025-03-03")


def batch(i: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    values = (np.arange(ROWS) % 5 + 1).astype(float) + i / 1000
    arms = ["control" if (j + i) % 2 else "video" for j in range(ROWS)]
    at = T0 + (i * ROWS + np.arange(ROWS)) * np.timedelta64(1, "s")
    return values, arms, at


def voids(path: str, seed: int) -> None:
    rng = random.Random(seed)
    with kokeilu.open(path, busy_timeout_ms=60000) as t:
        experiment(t)
        print("ready", flush=True)  # the test picks its moment to kill from here
        i = rng.randrange(1 << 20)
        while True:
            action = rng.random()
            if action < 0.6:
                values, arms, at = batch(i % 1000)
                size = rng.choice([1, 10, 500])
                t.log_many(KEY, values[:size], arm=arms[:size], at=at[:size])
                i += 1
            else:
                rows = t.observations(KEY)
                if rows.empty:
                    continue
                if action < 0.85:
                    ids = rng.sample(rows["id"].tolist(), min(len(rows), rng.choice([1, 3])))
                    t.void(KEY, ids=ids, reason="entered by mistake", author="kill test")
                else:
                    history = t.history(KEY).dropna(subset=["batch"])
                    chosen = int(history["batch"].iloc[rng.randrange(len(history))])
                    try:
                        t.void(KEY, batch=chosen, reason="the batch was written twice", author="kill test")
                    except kokeilu.InvalidStateError:
                        pass  # voided already


def keyed(path: str, batches: int) -> None:
    warnings.simplefilter("ignore", kokeilu.RepeatedWriteWarning)
    with kokeilu.open(path, busy_timeout_ms=60000) as t:
        experiment(t)
        for i in range(batches):
            values, arms, at = batch(i)
            t.log_many(KEY, values, arm=arms, at=at, idempotency_key=f"batch-{i}")


if __name__ == "__main__":
    if sys.argv[1] == "voids":
        voids(sys.argv[2], int(sys.argv[3]))
    else:
        keyed(sys.argv[2], int(sys.argv[3]))
