"""Random-effects meta-analysis of replications: the same experiment and metric in several
municipalities, each with its effect estimate and standard error, pooled into one effect. Every
number comes from the C++ core (``kokeilu/stats/meta_analysis.hpp``); this module converts the
arguments and says the result in fi, sv or en. :mod:`kokeilu.stats` re-exports it; the method and
its references are in docs/sharing.md ("Meta-analysis of replications").
"""

from __future__ import annotations

import dataclasses
import html
import statistics
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core
from ._checks import invalid, number
from ._core import Estimate, Interval, MetaAnalysisResult
from ._language import messages

if TYPE_CHECKING:
    from .cli.i18n import Messages

#: The estimators of tau^2 by their short names (statsmodels' combine_effects calls DerSimonian-Laird
#: "chi2" and Paule-Mandel "iterated").
_METHODS = {
    "reml": _core.TauMethod.reml,
    "dl": _core.TauMethod.dersimonian_laird,
    "pm": _core.TauMethod.paule_mandel,
}
#: Their names in every language (the names of their authors and the abbreviation of REML).
_METHOD_NAMES = {"reml": "REML", "dl": "DerSimonian–Laird", "pm": "Paule–Mandel"}

_FRAME_COLUMNS = (
    "row", "label", "estimate", "std_error", "ci_low", "ci_high", "weight_fixed", "weight_random"
)


def _floats(values: Any, field: str) -> npt.NDArray[np.float64]:
    array = np.asarray(values)
    if array.dtype.kind not in "biuf":
        # Name the first element that is no number (text, a date, None), as log_many does.
        # A list keeps each item's own type (numpy would turn 0.1 beside "x" into text too).
        items = list(values) if isinstance(values, (list, tuple)) else array.reshape(-1).tolist()
        for i, item in enumerate(items):
            number(item, f"{field}[{i}]")
    if array.ndim != 1:
        invalid(field, "input.not_one_dimensional", dimensions=array.ndim)
    return np.ascontiguousarray(array, dtype=np.float64)


def _labels(labels: Any, estimates: Any, k: int) -> tuple[str, ...]:
    if labels is None:
        # A Series indexed by municipality names labels its rows; a plain 0..k-1 index does not.
        if isinstance(estimates, pd.Series) and not isinstance(estimates.index, pd.RangeIndex):
            return tuple(str(name) for name in estimates.index)
        return tuple(str(i + 1) for i in range(k))
    shown = tuple(str(name) for name in labels)
    if len(shown) != k:
        invalid("labels", "input.rows_expected", rows=len(shown), expected=k)
    return shown


@dataclasses.dataclass(frozen=True, repr=False)
class MetaAnalysis:
    """A random-effects meta-analysis of replications (see :func:`meta_analysis`).

    ``labels``, ``estimates``, ``standard_errors``: the replications as given. ``fixed``: the
    inverse-variance (fixed-effect) pooled :class:`Estimate` with its normal interval;
    ``fixed_weights`` each replication's share of its weight. ``q``, ``q_df``, ``q_p_value``:
    Cochran's Q test of heterogeneity; ``i_squared`` (a share, 0..1) and ``h_squared`` from Q.

    From three replications on: ``tau_squared`` (the between-municipality variance, by
    ``method``; ``tau_squared_se`` for REML), ``random`` the random-effects pooled estimate with
    the Hartung–Knapp–Sidik–Jonkman interval never narrower than the usual one (t with k − 1
    degrees of freedom; the result to report), ``random_hartung_knapp`` the same without that
    floor, ``random_normal`` with the usual normal interval, ``hartung_knapp_factor`` the q that
    scales the HKSJ variance, ``random_weights``, and ``prediction``, the
    interval where a new municipality's effect is expected (t with k − 2 degrees of freedom).
    With two replications these are None: no random-effects claim is made.

    ``cautions``: the core's (code, params): ``stats.meta.few_studies`` below five replications,
    ``stats.meta.fixed_only`` with two. ``frame()`` is a DataFrame of the studies and the pooled
    rows; ``text(lang=...)`` and ``html(lang=...)`` say the result in fi, sv or en.
    """

    labels: tuple[str, ...]
    estimates: tuple[float, ...]
    standard_errors: tuple[float, ...]
    alpha: float
    method: str
    fixed: Estimate
    fixed_weights: tuple[float, ...]
    q: float
    q_df: float
    q_p_value: float
    i_squared: float
    h_squared: float
    tau_squared: float | None
    tau_squared_se: float | None
    random: Estimate | None
    random_hartung_knapp: Estimate | None
    random_normal: Estimate | None
    hartung_knapp_factor: float | None
    random_weights: tuple[float, ...] | None
    prediction: Interval | None
    cautions: tuple[tuple[str, dict[str, int | float | str]], ...]

    @property
    def k(self) -> int:
        """The number of replications."""
        return len(self.estimates)

    def frame(self) -> pd.DataFrame:
        """One row per replication (``row`` "study") with its normal interval at 1 − alpha and
        its shares of the fixed and random weights, then the pooled rows: "fixed", "random" (the
        interval never narrower than the usual one) and "prediction" (the interval for a new
        municipality) when they exist. ``label`` is the replication's label, or the row's kind."""
        z = statistics.NormalDist().inv_cdf(1.0 - self.alpha / 2.0)
        rows: list[dict[str, Any]] = []
        random_weights = self.random_weights or (float("nan"),) * self.k
        for label, y, se, wf, wr in zip(
            self.labels, self.estimates, self.standard_errors, self.fixed_weights, random_weights
        ):
            rows.append({"row": "study", "label": label, "estimate": y, "std_error": se, "ci_low": y - z * se,
                         "ci_high": y + z * se, "weight_fixed": wf, "weight_random": wr})
        pooled: list[tuple[str, Estimate | None]] = [("fixed", self.fixed), ("random", self.random)]
        for kind, e in pooled:
            if e is not None:
                rows.append({"row": kind, "label": kind, "estimate": e.estimate, "std_error": e.std_error,
                             "ci_low": e.ci_low, "ci_high": e.ci_high,
                             "weight_fixed": 1.0 if kind == "fixed" else float("nan"),
                             "weight_random": 1.0 if kind == "random" else float("nan")})
        if self.prediction is not None and self.random is not None:
            rows.append({"row": "prediction", "label": "prediction", "estimate": self.random.estimate,
                         "std_error": float("nan"), "ci_low": self.prediction.low, "ci_high": self.prediction.high,
                         "weight_fixed": float("nan"), "weight_random": float("nan")})
        frame: pd.DataFrame = pd.DataFrame(rows, columns=list(_FRAME_COLUMNS))
        return frame

    def _lines(self, msgs: Messages) -> list[str]:
        level = msgs.percent(1.0 - self.alpha)

        def said(e: Estimate) -> tuple[str, str, str]:
            interval = msgs("html.meta.confidence", level=level,
                            interval=msgs.interval(msgs.figure(e.ci_low, 4), msgs.figure(e.ci_high, 4)))
            return msgs.figure(e.estimate, 4), interval, msgs.figure(e.p_value, 3)

        lines = []
        if self.random is not None:
            estimate, interval, p = said(self.random)
            lines.append(msgs("html.meta.random", method=_METHOD_NAMES[self.method], estimate=estimate,
                              interval=interval, p=p))
        estimate, interval, p = said(self.fixed)
        lines.append(msgs("html.meta.fixed", estimate=estimate, interval=interval, p=p))
        if self.prediction is not None:
            bounds = msgs.interval(msgs.figure(self.prediction.low, 4), msgs.figure(self.prediction.high, 4))
            lines.append(msgs("html.meta.prediction", level=level, interval=bounds))
        heterogeneity = msgs("html.meta.heterogeneity", q=msgs.figure(self.q, 4), df=msgs.number(int(self.q_df)),
                             p=msgs.figure(self.q_p_value, 3), i2=msgs.percent(self.i_squared))
        if self.tau_squared is not None:
            heterogeneity += ", " + msgs("html.meta.tau", tau2=msgs.figure(self.tau_squared, 4))
        lines.append(heterogeneity)
        return lines

    def _caution_texts(self, msgs: Messages) -> list[str]:
        return [msgs.core(code, params) or code for code, params in self.cautions]

    def __repr__(self) -> str:
        return self.text()

    def text(self, *, lang: str | None = None) -> str:
        """The result in a few lines (what ``repr`` shows), in ``lang`` ("fi", "sv" or "en",
        default :func:`kokeilu.get_language`)."""
        msgs = messages(lang)
        lines = [f"<kokeilu.MetaAnalysis: {msgs('html.meta.title', count=msgs.number(self.k))}"]
        lines.extend("  " + line for line in self._lines(msgs))
        lines.extend("  " + msgs("html.warning", warning=c) for c in self._caution_texts(msgs))
        return "\n".join(lines) + ">"

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, *, lang: str | None = None) -> str:
        """The result as HTML for notebooks (what ``_repr_html_`` shows, in the current language):
        the pooled results, the cautions and a table of the replications with their weights."""
        msgs = messages(lang)
        esc = html.escape
        parts = [
            '<div class="kokeilu-meta-analysis">',
            f"<h4>{esc(msgs('html.meta.title', count=msgs.number(self.k)))}</h4>",
            "<ul>" + "".join(f"<li>{esc(line)}</li>" for line in self._lines(msgs)) + "</ul>",
        ]
        cautions = self._caution_texts(msgs)
        if cautions:
            parts.append("<p><strong>" + "</strong></p><p><strong>".join(esc(c) for c in cautions) + "</strong></p>")
        header = [msgs.text("html.meta.column.municipality"), msgs.text("html.column.estimate"),
                  msgs.text("html.column.interval"), msgs.text("html.meta.column.weight_fixed")]
        if self.random_weights is not None:
            header.append(msgs.text("html.meta.column.weight_random"))
        parts.append("<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead><tbody>")
        z = statistics.NormalDist().inv_cdf(1.0 - self.alpha / 2.0)
        for i, (label, y, se) in enumerate(zip(self.labels, self.estimates, self.standard_errors)):
            cells = [label, msgs.figure(y, 4), msgs.interval(msgs.figure(y - z * se, 4), msgs.figure(y + z * se, 4)),
                     msgs.percent(self.fixed_weights[i])]
            if self.random_weights is not None:
                cells.append(msgs.percent(self.random_weights[i]))
            parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        parts.append("</tbody></table></div>")
        return "".join(parts)


def meta_analysis(
    estimates: npt.ArrayLike,
    standard_errors: npt.ArrayLike,
    labels: Any = None,
    alpha: float = 0.05,
    method: str = "reml",
) -> MetaAnalysis:
    """Random-effects meta-analysis of replications of one experiment's metric in several
    municipalities: each replication's effect ``estimates[i]`` with its ``standard_errors[i]``
    (finite, > 0), as lists, numpy arrays or pandas Series (a Series' index labels the rows
    unless ``labels`` are given).

    The between-municipality variance tau² is estimated by ``method``: "reml" (restricted maximum
    likelihood, metafor's default), "dl" (DerSimonian–Laird) or "pm" (Paule–Mandel). The
    random-effects estimate carries the Hartung–Knapp–Sidik–Jonkman interval, never narrower
    than the usual one, and from three replications a prediction interval; the fixed-effect
    (inverse-variance) result is given beside it. With two replications only the fixed effect is
    given; below five a caution says the pooled effect is uncertain. Intervals are at 1 − alpha.
    Checked against R's metafor and statsmodels' ``combine_effects`` (docs/sharing.md).
    """
    if method not in _METHODS:
        invalid("method", "input.unknown_enum_value", value=str(method))
    y = _floats(estimates, "estimates")
    se = _floats(standard_errors, "standard_errors")
    result: MetaAnalysisResult = _core.meta_analysis(y, se, number(alpha, "alpha"), _METHODS[method])
    shown = _labels(labels, estimates, len(y))
    r = result.random
    return MetaAnalysis(
        labels=shown,
        estimates=tuple(float(v) for v in y),
        standard_errors=tuple(float(v) for v in se),
        alpha=result.alpha,
        method=method,
        fixed=result.fixed,
        fixed_weights=tuple(result.fixed_weights),
        q=result.q,
        q_df=result.q_df,
        q_p_value=result.q_p_value,
        i_squared=result.i_squared,
        h_squared=result.h_squared,
        tau_squared=None if r is None else r.tau_squared,
        tau_squared_se=None if r is None else r.tau_squared_se,
        random=None if r is None else r.hartung_knapp_adhoc,
        random_hartung_knapp=None if r is None else r.hartung_knapp,
        random_normal=None if r is None else r.normal,
        hartung_knapp_factor=None if r is None else r.hartung_knapp_factor,
        random_weights=None if r is None else tuple(r.weights),
        prediction=None if r is None else r.prediction,
        cautions=tuple((m.code, dict(m.params)) for m in result.cautions),
    )
