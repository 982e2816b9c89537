"""The core's analysis of an experiment with what its design needs beside the running summaries:
the rows logged between the start and the lock, and for a difference in differences or an
interrupted time series the observations by period (a local day, or seven days counted from the
day of the change), read by the core in the tracker's time zone."""

from __future__ import annotations

from typing import Any

from . import _core


def analyse(
    core: Any,
    experiment: _core.Experiment,
    summaries: dict[str, dict[str, _core.Summary]],
    until: Any,
    period: str,
    options: dict[str, Any],
) -> _core.AnalysisResult:
    """``_core.analyse`` of the experiment; ``period`` ("day" or "week") is checked by the core
    whatever the design, so a wrong one is refused the same way for every experiment."""
    early = core.early_rows(experiment.key, until)
    series = core.design_series(experiment.key, until, period)
    covariates = core.covariate_rows(experiment.key, until)  # the metrics adjusted for a pre-period value
    return _core.analyse(experiment, summaries, early_rows=early, series=series, covariate_rows=covariates, **options)
