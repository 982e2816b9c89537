"""kokeilu: track workplace experiments and learn from them.

An experiment has a Test Card (the hypothesis, locked when it starts), a customer-impact metric
with the smallest effect worth having, arms or periods to compare, observations, and in the end a
verdict, a Learning Card and a decision::

    import kokeilu

    with kokeilu.open("kokeilut.db") as tracker:
        e = tracker.create(title="Chat advice before the application", organisation="Kuusamo", ...)
        tracker.start(e)
        tracker.log_many(e, values, arm=arms, at=times)
        frame = tracker.observations(e)

Times: timezone-aware times are converted to UTC; naive times are taken to be UTC. Times come back
timezone-aware in UTC, exact to the microsecond.
"""

from __future__ import annotations

try:
    from . import _core
except ImportError as error:  # pragma: no cover - only without a built extension
    raise ImportError(
        "kokeilu's compiled module kokeilu._core is missing or does not load "
        f"({error}). Build and install the package from the source tree with "
        "'python -m pip install .' (or 'pip install -e .' while developing); it needs the Debian "
        "packages libsqlitecpp-dev libsqlite3-dev libboost-date-time-dev libboost-math-dev."
    ) from error

from ._columns import ObservationArrays
from ._core import (
    Aggregate,
    Amendment,
    Arm,
    ArmRole,
    Decision,
    DesignKind,
    Direction,
    EffectScale,
    Experiment,
    ImpactClass,
    InvalidArgumentError,
    InvalidStateError,
    JournalEntry,
    KokeiluError,
    LearningCard,
    Metric,
    MetricKind,
    MetricRole,
    NotFoundError,
    Observation,
    Outcome,
    Purpose,
    SchemaError,
    Status,
    StorageError,
    TestCard,
    Verdict,
)
from ._tracker import EXPERIMENT_FIELDS, Tracker, experiments_to_frame, open

__version__: str = _core.__version__

#: The file kokeilu.open() and the kokeilu command use when no path is given.
DEFAULT_PATH: str = _core.default_tracker_path

__all__ = [
    "DEFAULT_PATH",
    "EXPERIMENT_FIELDS",
    "Aggregate",
    "Amendment",
    "Arm",
    "ArmRole",
    "Decision",
    "DesignKind",
    "Direction",
    "EffectScale",
    "Experiment",
    "ImpactClass",
    "InvalidArgumentError",
    "InvalidStateError",
    "JournalEntry",
    "KokeiluError",
    "LearningCard",
    "Metric",
    "MetricKind",
    "MetricRole",
    "NotFoundError",
    "Observation",
    "ObservationArrays",
    "Outcome",
    "Purpose",
    "SchemaError",
    "Status",
    "StorageError",
    "TestCard",
    "Tracker",
    "Verdict",
    "__version__",
    "experiments_to_frame",
    "open",
]
