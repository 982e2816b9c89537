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

import importlib
from typing import TYPE_CHECKING, Any

try:
    from . import _core
except ImportError as error:  # pragma: no cover - only without a built extension
    raise ImportError(
        "kokeilu's compiled module kokeilu._core is missing or does not load "
        f"({error}). Build and install the package from the source tree with "
        "'python -m pip install .' (or 'pip install -e .' while developing); it needs the Debian "
        "packages libsqlitecpp-dev libsqlite3-dev libboost-date-time-dev libboost-math-dev "
        "libeigen3-dev libutf8proc-dev libssl-dev."
    ) from error

from ._core import (
    Aggregate,
    Amendment,
    Arm,
    ArmRole,
    Criterion,
    CriterionChange,
    Decision,
    DesignKind,
    Direction,
    EffectScale,
    Experiment,
    ExperimentLink,
    ImpactClass,
    InvalidArgumentError,
    InvalidStateError,
    JournalEntry,
    KokeiluError,
    LearningCard,
    LifecycleStep,
    LinkKind,
    LockedCriterion,
    Metric,
    MetricKind,
    MetricRole,
    NotEnoughDataError,
    NotFoundError,
    Observation,
    Outcome,
    Purpose,
    SchemaError,
    Status,
    StorageError,
    TestCard,
    Verdict,
    same_name,
)
from ._history import IntegrityWarning, RepeatedWriteWarning, Verification, Written
from ._language import error_text, get_language, set_language
from ._tracker import EXPERIMENT_FIELDS, Tracker, experiments_to_frame, open

# These names live in modules that import numpy and pandas, which take most of a command's start
# (0.3 s): they are loaded when first used (PEP 562), so that ``kokeilu log`` and scripts that only
# write start at once. ``from kokeilu import Analysis`` and ``kokeilu.stats`` work as before.
_LAZY = {
    "ObservationArrays": "._columns",
    "Analysis": ".stats",
    "AnalysisVerdict": ".stats",
}

if TYPE_CHECKING:
    from . import stats
    from ._columns import ObservationArrays
    from .stats import Analysis, AnalysisVerdict


def __getattr__(name: str) -> Any:
    if name == "stats":
        return importlib.import_module(".stats", __name__)
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # the next look-up is an ordinary one
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

__version__: str = _core.__version__

#: The file kokeilu.open() and the kokeilu command use when no path is given.
DEFAULT_PATH: str = _core.default_tracker_path


def _experiment_repr_html(self: Experiment) -> str:
    """The experiment as HTML for notebooks, in the current language (see
    :func:`kokeilu.display.experiment_html` and :func:`kokeilu.set_language`)."""
    # Imported when first shown, so that ``import kokeilu`` stays light outside notebooks.
    from .display import experiment_html

    return experiment_html(self)


# The compiled class gets its notebook display here, where the HTML is written in Python.
setattr(Experiment, "_repr_html_", _experiment_repr_html)

__all__ = [
    "DEFAULT_PATH",
    "EXPERIMENT_FIELDS",
    "Aggregate",
    "Amendment",
    "Analysis",
    "AnalysisVerdict",
    "Arm",
    "ArmRole",
    "Criterion",
    "CriterionChange",
    "Decision",
    "DesignKind",
    "Direction",
    "EffectScale",
    "Experiment",
    "ExperimentLink",
    "ImpactClass",
    "IntegrityWarning",
    "InvalidArgumentError",
    "InvalidStateError",
    "JournalEntry",
    "KokeiluError",
    "LearningCard",
    "LifecycleStep",
    "LinkKind",
    "LockedCriterion",
    "Metric",
    "MetricKind",
    "MetricRole",
    "NotEnoughDataError",
    "NotFoundError",
    "Observation",
    "ObservationArrays",
    "Outcome",
    "Purpose",
    "RepeatedWriteWarning",
    "SchemaError",
    "Status",
    "StorageError",
    "TestCard",
    "Tracker",
    "Verdict",
    "Verification",
    "Written",
    "__version__",
    "experiments_to_frame",
    "error_text",
    "get_language",
    "open",
    "same_name",
    "set_language",
    "stats",
]
