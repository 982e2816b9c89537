"""Writing observations: the Tracker's log methods, one door per shape of data (one value, many
values, a DataFrame, pre-aggregated rows), all ending in the core's checks and one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Union

from . import _core
from ._checks import check_text, invalid, number
from ._core import Experiment
from ._history import Written, written

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

#: An experiment given by its key, its UUID or the object itself.
ExperimentRef = Union[str, Experiment]
#: What kokeilu accepts for a time; naive times are UTC.
TimeLike = Union[datetime.datetime, datetime.date, "np.datetime64", str]


def _key(experiment: ExperimentRef) -> str:
    if isinstance(experiment, Experiment):
        return experiment.key
    if isinstance(experiment, str):
        return experiment
    raise TypeError(f"experiment: expected a key, a UUID or an Experiment, got {type(experiment).__name__}")


class ObservationLogging:
    """The log methods of :class:`kokeilu.Tracker` (documented there)."""

    _core: _core.Tracker

    def _covariate_column(self, key: str, metric: str) -> str | None:
        """The name of the pre-period value the metric (default: the primary) names, or None.

        An unknown metric gives None here: the core names it when the rows are checked."""
        e = self._core.get(key)
        for m in e.metrics:
            if (metric and m.name == metric) or (not metric and m.role == _core.MetricRole.primary):
                return m.covariate or None
        return None

    def log(
        self,
        experiment: ExperimentRef,
        value: float,
        *,
        arm: str = "",
        metric: str = "",
        at: TimeLike | float | None = None,
        at_unit: str | None = None,
        exposure: float | None = None,
        subject: str = "",
        note: str = "",
        backfill: bool = False,
        allow_future: bool = False,
        idempotency_key: str = "",
        covariate: float | None = None,
    ) -> Written:
        """Records one unit's value (default metric: the primary one; default time: now).

        ``value`` is a bool, int or float. ``arm`` may be left out when the experiment has one arm.
        ``at`` is a datetime, date, numpy datetime64, pandas Timestamp or ISO 8601 text (naive:
        UTC), or a number counting ``at_unit`` ("s", "ms", "us" or "ns") since 1970-01-01 UTC.
        ``backfill`` accepts data of a stopped or concluded experiment and times before its start
        (e.g. a "before" period); ``allow_future`` a time more than a day from now. Returns the rows
        written (1) with the write's ``batch``; see :meth:`log_many` for ``idempotency_key``.
        ``covariate`` is the subject's pre-period value: required for a metric that names one
        (``Metric.covariate``), refused for any other.
        """
        key = _key(experiment)  # its own TypeError names the experiment
        # The common types pass as they are: this is the path of every single log.
        if type(value) is not float and type(value) is not int:
            value = number(value, "value")
        if exposure is not None and type(exposure) is not float and type(exposure) is not int:
            exposure = number(exposure, "exposure")
        if covariate is not None and type(covariate) is not float and type(covariate) is not int:
            covariate = number(covariate, "covariate")
        try:
            result = self._core.log_value(
                key, value, arm, metric, at, at_unit, exposure, subject, note, backfill, allow_future, idempotency_key,
                covariate,
            )
        except TypeError:
            # An argument the binding cannot convert: a text that is no str, or no valid UTF-8.
            for name, text in (("arm", arm), ("metric", metric), ("subject", subject), ("note", note),
                               ("idempotency_key", idempotency_key)):
                check_text(text, name)
            raise
        return written(result, idempotency_key)

    def log_aggregate(
        self,
        experiment: ExperimentRef,
        *,
        n: int,
        sum: float,
        sum_sq: float | None = None,
        arm: str = "",
        metric: str = "",
        at: TimeLike | float | None = None,
        at_unit: str | None = None,
        exposure: float | None = None,
        note: str = "",
        backfill: bool = False,
        allow_future: bool = False,
        idempotency_key: str = "",
    ) -> Written:
        """Records one pre-aggregated row: ``n`` units (or trials), ``sum`` of their values (or
        successes, or events) and, for a mean metric, ``sum_sq``, the sum of squared values.
        ``at``, ``at_unit``, ``backfill``, ``allow_future`` and ``idempotency_key`` as for
        :meth:`log`."""
        import numpy as np
        import pandas as pd

        key = _key(experiment)
        check_text(arm, "arm")
        check_text(metric, "metric")
        check_text(note, "note")
        frame = pd.DataFrame(
            {
                "n": [n],
                "sum": [number(sum, "sum")],
                "sum_sq": [np.nan if sum_sq is None else number(sum_sq, "sum_sq")],
                "exposure": [np.nan if exposure is None else number(exposure, "exposure")],
            }
        )
        result = self._log_aggregate_frame(
            key, frame, arm=arm, at=at, at_unit=at_unit, metric=metric, notes=[note],
            backfill=backfill, allow_future=allow_future, idempotency_key=idempotency_key, one_row=True,
        )
        return written(result, idempotency_key)

    def _log_columns(
        self,
        key: str,
        values: Any,
        *,
        arm: Any,
        at: Any,
        at_unit: str | None,
        metric: str,
        exposure: Any,
        names: Mapping[str, str],
        backfill: bool,
        allow_future: bool,
        idempotency_key: str = "",
        check_only: bool = False,
        limit: int = 10,
        covariate: Any = None,
    ) -> Any:
        """Converts the columns (named as the caller named them) and hands them to the core."""
        from ._columns import aligned, arm_column, float_column, time_column

        names = {"covariate": "covariate", **names}
        arm, at, exposure, covariate = (
            aligned(values, column, names[field], names["value"])
            for column, field in ((arm, "arm"), (at, "at"), (exposure, "exposure"), (covariate, "covariate"))
        )
        value_array = float_column(values, names["value"])
        rows = len(value_array)
        times = time_column(at, rows, names["at"], at_unit)
        codes, arm_names = arm_column(arm, rows, names["arm"])
        exposure_array = None if exposure is None else float_column(exposure, names["exposure"], rows)
        covariate_array = None if covariate is None else float_column(covariate, names["covariate"], rows)
        return self._core.log_columns(
            key, metric, times.micros, value_array, codes, arm_names, exposure=exposure_array, backfill=backfill,
            allow_future=allow_future, idempotency_key=idempotency_key,
            names={**names, "at_given_once": times.given_once}, check_only=check_only, limit=limit,
            covariate=covariate_array,
        )

    def log_many(
        self,
        experiment: ExperimentRef,
        values: Any,
        *,
        arm: Any = None,
        at: Any = None,
        at_unit: str | None = None,
        metric: str = "",
        exposure: Any = None,
        backfill: bool = False,
        allow_future: bool = False,
        idempotency_key: str | None = None,
        covariate: Any = None,
    ) -> Written:
        """Records many unit-level values of one metric in one transaction: all land, or none.

        ``values`` is a numpy array, a pandas Series or a list of bool, int or float. ``arm`` is one
        arm name for every row or one per row (array, Series, Categorical); ``at`` is one time for
        every row (default now) or one per row: a datetime64 array, a Series of tz-aware or naive
        times, a list of datetimes or ISO 8601 strings, or numbers counting ``at_unit`` ("s",
        "ms", "us", "ns") since 1970-01-01 UTC. Naive times are UTC. An error names the column and
        the row (``value[3]``, ``at[3]``, ``arm[3]``). Returns the number of rows written (an int)
        with the write's ``batch`` in the history.

        ``idempotency_key`` names the write so that a cell can be run again: when the experiment
        has used the key before with the same rows, nothing is written, the result is 0 with
        ``repeated`` True, and a :class:`kokeilu.RepeatedWriteWarning` says so; with other rows the
        write is refused (InvalidArgumentError naming the key). Give explicit times with a key: rows
        timed "now" differ at every run.

        ``covariate`` holds each subject's pre-period value, one per row (NaN is a missing value,
        refused): required for a metric that names one (``Metric.covariate``), refused otherwise.
        """
        result = self._log_columns(
            _key(experiment), values, arm=arm, at=at, at_unit=at_unit, metric=metric, exposure=exposure,
            names={"value": "value", "at": "at", "arm": "arm", "exposure": "exposure", "covariate": "covariate"},
            backfill=backfill, allow_future=allow_future, idempotency_key=idempotency_key or "", covariate=covariate,
        )
        return written(result, idempotency_key)

    def log_frame(
        self,
        experiment: ExperimentRef,
        frame: pd.DataFrame,
        *,
        value: str = "value",
        arm: str | None = "arm",
        at: str | None = "at",
        at_unit: str | None = None,
        exposure: str | None = None,
        metric: str = "",
        backfill: bool = False,
        allow_future: bool = False,
        idempotency_key: str | None = None,
        covariate: str | None = None,
    ) -> Written:
        """Records the rows of a DataFrame as unit-level values of one metric, in one transaction.

        The arguments name the columns, and an error names the column and the row as the frame
        has them (``score[3]`` for the fourth row of a value column "score"). When the frame has no
        column named ``arm`` (or ``at``), the experiment's only arm (or the current time) is used.
        ``idempotency_key`` as in :meth:`log_many`.

        A metric that names a pre-period value (``Metric.covariate``, e.g. "visits_2025") takes
        each row's from the frame's column of that name, or from the column ``covariate`` names;
        a metric that names none takes no such column.
        """
        key = _key(experiment)
        if covariate is None:
            covariate = self._covariate_column(key, metric)
        if covariate is not None and covariate not in frame.columns:
            invalid(covariate, "input.no_such_column", name=repr(covariate))
        if value not in frame.columns:
            invalid(value, "input.no_such_column", name=repr(value))
        if exposure is not None and exposure not in frame.columns:
            invalid(exposure, "input.no_such_column", name=repr(exposure))
        has_arm = arm is not None and arm in frame.columns
        has_at = at is not None and at in frame.columns
        names = {
            "value": value,
            "arm": arm if has_arm and arm is not None else "arm",
            "at": at if has_at and at is not None else "at",
            "exposure": exposure or "exposure",
            "covariate": covariate or "covariate",
        }
        result = self._log_columns(
            key, frame[value], arm=frame[arm] if has_arm else None,
            at=frame[at] if has_at else None, at_unit=at_unit, metric=metric,
            exposure=None if exposure is None else frame[exposure], names=names, backfill=backfill,
            allow_future=allow_future, idempotency_key=idempotency_key or "",
            covariate=None if covariate is None else frame[covariate],
        )
        return written(result, idempotency_key)

    def _log_aggregate_frame(
        self,
        key: str,
        frame: pd.DataFrame,
        *,
        arm: Any,
        at: Any,
        at_unit: str | None,
        metric: str,
        notes: list[str] | None = None,
        backfill: bool,
        allow_future: bool,
        idempotency_key: str = "",
        one_row: bool = False,
        check_only: bool = False,
        limit: int = 10,
    ) -> Any:
        """Converts the aggregate columns n, sum, sum_sq, exposure (NaN: not given) and calls the core."""
        from ._columns import arm_column, float_column, int_column, time_column

        rows = len(frame)
        times = time_column(at, rows, "at", at_unit)
        codes, arm_names = arm_column(arm, rows)
        return self._core.log_aggregates(
            key,
            metric,
            times.micros,
            codes,
            arm_names,
            int_column(frame["n"], "n", rows),
            float_column(frame["sum"], "sum", rows),
            float_column(frame["sum_sq"], "sum_sq", rows) if "sum_sq" in frame.columns else None,
            exposure=float_column(frame["exposure"], "exposure", rows) if "exposure" in frame.columns else None,
            notes=[] if notes is None else notes,
            backfill=backfill,
            allow_future=allow_future,
            idempotency_key=idempotency_key,
            names={"at_given_once": times.given_once, "one_row": one_row},
            check_only=check_only,
            limit=limit,
        )

    def log_aggregates(
        self,
        experiment: ExperimentRef,
        frame: pd.DataFrame,
        *,
        metric: str = "",
        at_unit: str | None = None,
        backfill: bool = False,
        allow_future: bool = False,
        idempotency_key: str | None = None,
    ) -> Written:
        """Records pre-aggregated rows from a DataFrame with columns ``n``, ``sum`` and optionally
        ``sum_sq``, ``arm``, ``at`` and ``exposure`` (NaN meaning "not given"), in one
        transaction. Returns the number of rows written; ``at_unit`` and ``idempotency_key`` as for
        :meth:`log_many`."""
        for column in ("n", "sum"):
            if column not in frame.columns:
                invalid(column, "input.no_such_column", name=repr(column))
        result = self._log_aggregate_frame(
            _key(experiment), frame, arm=frame["arm"] if "arm" in frame.columns else None,
            at=frame["at"] if "at" in frame.columns else None, at_unit=at_unit, metric=metric,
            backfill=backfill, allow_future=allow_future, idempotency_key=idempotency_key or "",
        )
        return written(result, idempotency_key)
