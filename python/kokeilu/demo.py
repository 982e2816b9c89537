"""A realistic demo tracker: experiments of Oulu, Kajaani, Ii and Kuusamo, the same every time.

The experiments are shaped on the work of internal developers of northern Finnish municipalities:
home care, libraries, youth services, building permits, customer service, public transport and
democracy. They cover every lifecycle state, the three designs, unit-level and pre-aggregated
data, a small-sample proportion, one event stream of about a million rows, and concluded
experiments whose verdicts are supported, refuted and inconclusive::

    import kokeilu.demo

    keys = kokeilu.demo.create_demo("demo.db")

Every random number comes from ``numpy.random.default_rng``, one generator per experiment spawned
from the seed, and the identities (keys and UUIDs) are derived from the seed too, so two runs with
the same seed give the same experiments and the same observations. Only the bookkeeping times the
tracker stamps itself (created, updated, locked) are those of the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._history import Written
from ._tracker import Tracker, open

# numpy and the stories (numpy, pandas) are imported when a demo is made: the kokeilu command
# reads DEFAULT_SEED for its help on every start.
if TYPE_CHECKING:
    from ._demo_stories import _Rng

__all__ = ["DEFAULT_EVENT_ROWS", "DEFAULT_SEED", "create_demo", "fill_demo"]

DEFAULT_SEED = 2026
#: Rows of the event-stream experiment (the mobile ticket purchase flow in Oulu).
DEFAULT_EVENT_ROWS = 1_000_000


def _uuid(rng: _Rng) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


class _FixedTimeline(Tracker):
    """The tracker as the demo writes to it: its story has fixed dates, which are in the future on
    a machine whose clock is behind them, so every write says that it means them (allow_future)."""

    def log_many(self, *args: Any, **kwargs: Any) -> Written:
        return super().log_many(*args, allow_future=True, **kwargs)

    def log_aggregates(self, *args: Any, **kwargs: Any) -> Written:
        return super().log_aggregates(*args, allow_future=True, **kwargs)


def fill_demo(tracker: Tracker, *, seed: int = DEFAULT_SEED, event_rows: int = DEFAULT_EVENT_ROWS) -> list[str]:
    """Writes the demo experiments into an open, empty tracker; returns their keys in order."""
    import numpy as np

    from ._demo_specs import specs

    given: Any = event_rows  # checked at run time: callers may pass anything
    if isinstance(given, bool) or not isinstance(given, (int, np.integer)) or int(given) < 2:
        raise ValueError(f"event_rows: must be a whole number of at least 2, got {event_rows!r}")
    if tracker.experiments():
        raise ValueError(f"tracker: {tracker.path!r} already holds experiments; the demo needs an empty tracker")
    all_specs = specs(int(event_rows))
    # One independent stream per experiment and one for the identities, all from the seed: the
    # size of the event stream, or another experiment's data, never changes an experiment's data.
    streams = np.random.SeedSequence(seed).spawn(len(all_specs) + 1)
    id_rng = np.random.default_rng(streams[-1])
    keys: list[str] = []
    for spec, stream in zip(all_specs, streams[:-1], strict=True):
        e = tracker.create(key=spec.key, uuid=_uuid(id_rng), **spec.fields)
        if spec.start is not None:
            tracker.start(e, on=spec.start)
            if spec.run is not None:
                spec.run(_FixedTimeline(tracker._core), e.key, np.random.default_rng(stream))
        if spec.costs:
            tracker.update(e, **spec.costs)
        if spec.stop is not None:
            tracker.stop(e, spec.stop[1], on=spec.stop[0], author=spec.fields.get("owner", ""))
        if spec.conclude is not None:
            outcome = dict(spec.conclude)
            tracker.conclude(e, outcome.pop("verdict"), **outcome)
        keys.append(e.key)
    return keys


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            candidate.unlink()


def create_demo(
    path: str | os.PathLike[str],
    *,
    seed: int = DEFAULT_SEED,
    event_rows: int = DEFAULT_EVENT_ROWS,
    overwrite: bool = False,
    municipalities: bool = False,
) -> list[str]:
    """Creates the demo tracker file at ``path`` and returns the keys of its own experiments.

    Fourteen experiments in Oulu, Kajaani, Ii and Kuusamo, from drafts to concluded ones; one of
    them (``OULU-2026-003``, the mobile ticket purchase flow) is an event stream of ``event_rows``
    sessions. The same ``seed`` gives the same experiments and observations every time.

    With ``municipalities`` the file is Oulu's, and beside it Kajaani, Ii and Kuusamo get files of
    their own (``kokeilut.kajaani.db``, ``kokeilut.ii.db``, ``kokeilut.kuusamo.db`` beside
    ``kokeilut.db``) and bundles travel between them, kept in ``kokeilut.bundles/``: a dental
    appointment reminder run in Oulu (``OULU-2026-005``) and replicated in Kajaani and Kuusamo,
    whose copies Oulu imports at the ``aggregate`` and ``units`` levels (docs/sharing.md, "In the
    demo"). The earlier fourteen experiments stay as they are.

    An existing non-empty file is refused unless ``overwrite`` is true, which replaces it (and,
    with ``municipalities``, the other files and the bundles folder too).
    """
    target = Path(os.fspath(path))
    if str(target) == ":memory:":
        raise ValueError("path: the demo is written to a file; use fill_demo() with an open tracker for ':memory:'")
    from . import _demo_municipalities as story

    if target.exists() and target.stat().st_size > 0 and not overwrite:
        raise FileExistsError(f"path: {str(target)!r} exists and is not empty; pass overwrite=True to replace it")
    if municipalities and not overwrite:
        story.refuse_existing(target)
    if target.exists():
        _remove(target)
    if municipalities:
        story.remove_story(target)
    with open(target) as tracker:
        keys = fill_demo(tracker, seed=seed, event_rows=event_rows)
    if municipalities:
        keys += story.tell_story(target, seed).home_keys
    return keys


def _main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - a convenience for `python -m`
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kokeilu.demo", description=create_demo.__doc__)
    parser.add_argument("path", nargs="?", default="kokeilu-demo.db")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--event-rows", type=int, default=DEFAULT_EVENT_ROWS)
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    keys = create_demo(args.path, seed=args.seed, event_rows=args.event_rows, overwrite=args.overwrite)
    print(f"{len(keys)} experiments in {args.path}: {', '.join(keys)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
