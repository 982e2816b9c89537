"""The statistics engine for analysts: every method of kokeilu's analysis over plain numbers.

Means take numpy arrays (or anything array-like) of unit-level values, or a :class:`Summary`
when only the moments are known (``Summary.from_moments(n, mean, sd)``). Proportions take
``(successes, trials)`` pairs, rates ``(events, exposure)`` pairs. Every function returns a small
result object with named fields and a readable repr; data that cannot support a method raise
:class:`kokeilu.NotEnoughDataError` (an :class:`kokeilu.InvalidArgumentError`) naming the input.

A count (successes, trials, units per arm, events) is a whole number: an int, numpy's too, or a
float without a fraction (``5.0`` or ``np.float64(5.0)``, as a sum of a float column gives). A
fraction, NaN, infinity, a bool or text is refused, never rounded, with an InvalidArgumentError
whose ``field`` names the argument as written (``treatment[0]`` for the successes of
``treatment=(successes, trials)``, ``observed[2]``, ``successes``) and whose ``code`` and
``params`` say the rule (``input.not_whole``, ``input.not_a_count``, ``stats.successes.range``)::

    from kokeilu import stats

    stats.welch_t(after, before)                  # Estimate(estimate, ci_low, ci_high, p_value, ...)
    stats.proportion_difference((41, 60), (30, 58))
    stats.bootstrap(after, before, seed=7)        # percentile and BCa intervals
    stats.sample_size_mean(0.3, sd=1.1)           # SampleSize(per_group=..., exact=...)

The whole analysis of a stored experiment is :meth:`kokeilu.Tracker.analyze`, which returns an
:class:`Analysis`.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Union

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _core, units
from ._core import (
    AnalysisResult,
    BayesResult,
    BootstrapResult,
    CovariateAdjustment,
    EffectKind,
    Estimate,
    Experiment,
    FisherResult,
    InterruptedTimeSeries,
    Interval,
    NotEnoughDataError,
    PermutationResult,
    SampleSize,
    Schedule,
    SrmResult,
    Summary,
    VerdictResult,
)
from ._checks import count, invalid
from ._language import messages
from ._shown import shown_metric_name
from ._stats_designs import (
    covariate_adjusted_difference,
    difference_in_differences,
    interrupted_time_series,
    pre_trend_difference,
)
from ._stats_input import ONE_SHARE, core_fields, count_array, counts, events, pair_fields
from ._stats_meta import MetaAnalysis, meta_analysis

if TYPE_CHECKING:
    from .cli.i18n import Messages

__all__ = [
    "Analysis",
    "AnalysisVerdict",
    "BayesResult",
    "BootstrapResult",
    "CovariateAdjustment",
    "Estimate",
    "FisherResult",
    "InterruptedTimeSeries",
    "Interval",
    "MetaAnalysis",
    "NotEnoughDataError",
    "PermutationResult",
    "SampleSize",
    "Schedule",
    "SrmResult",
    "Summary",
    "bayes_beta_binomial",
    "bayes_gamma_poisson",
    "bayes_normal",
    "benjamini_hochberg",
    "bootstrap",
    "covariate_adjusted_difference",
    "days_needed",
    "difference_in_differences",
    "fisher_exact",
    "holm",
    "interrupted_time_series",
    "meta_analysis",
    "one_sample_proportion",
    "one_sample_t",
    "permutation_test",
    "pre_trend_difference",
    "proportion_difference",
    "rate_difference",
    "rate_ratio",
    "relative_lift",
    "sample_size_mean",
    "sample_size_proportion",
    "score_difference",
    "sequential",
    "srm_check",
    "summarize",
    "two_proportion_z_test",
    "welch_t",
    "wilson_interval",
]

#: Unit-level values (numpy array, pandas Series, list) or a Summary of them.
Values = Union[Summary, npt.ArrayLike]
#: A proportion's ``(successes, trials)``, or a Summary of 0/1 values.
Counts = Union[tuple[int, int], Summary]
#: A count metric's ``(events, exposure)``.
Events = tuple[float, float]

#: The core's names of the parts of both arms' pairs, as the caller wrote them.
_ARMS = pair_fields("treatment", "control")
_EVENT_ARMS = pair_fields("treatment", "control", parts=("events", "exposure"))
_GAMMA_FIELDS = {**_EVENT_ARMS, "prior.shape": "prior_shape", "prior.rate": "prior_rate"}

#: The definitions of a permutation test's two-sided p-value, by name.
_TWO_SIDED = {"absolute": _core.TwoSidedP.absolute, "doubled": _core.TwoSidedP.doubled}

_DEFAULT_SEED = 20260101
_DEFAULT_RESAMPLES = 10000


def _array(values: npt.ArrayLike, field: str) -> npt.NDArray[np.float64]:
    try:
        array = np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{field}: expected numbers, got {type(values).__name__}") from None
    if array.ndim != 1:
        array = array.reshape(-1) if array.ndim == 0 else array
        if array.ndim != 1:
            raise TypeError(f"{field}: expected a one-dimensional array, got {array.ndim} dimensions")
    return array


def summarize(values: Values, exposure: npt.ArrayLike | None = None) -> Summary:
    """The :class:`Summary` (n, mean, sd, se, min, max, ...) of unit-level values, in one pass.

    ``exposure`` gives each unit's exposure for count metrics (default 1 each). A Summary is
    returned as it is.
    """
    if isinstance(values, Summary):
        return values
    return Summary.from_values(
        _array(values, "values"), None if exposure is None else _array(exposure, "exposure")
    )


def _kind(relative: bool) -> EffectKind:
    return EffectKind.relative if relative else EffectKind.absolute


# -- means ---------------------------------------------------------------------------------


def welch_t(treatment: Values, control: Values, *, confidence: float = 0.95) -> Estimate:
    """Difference in means (treatment - control) with Welch's t interval and two-sided p-value.

    Matches ``scipy.stats.ttest_ind(treatment, control, equal_var=False)``.
    """
    return _core.welch_difference(summarize(treatment), summarize(control), confidence)


def relative_lift(treatment: Values, control: Values, *, confidence: float = 0.95) -> Estimate:
    """Relative lift (treatment / control - 1) with a delta-method interval, as gbstats computes it."""
    return _core.relative_lift(summarize(treatment), summarize(control), confidence)


def one_sample_t(values: Values, target: float, *, confidence: float = 0.95) -> Estimate:
    """Mean - target with a t interval and the p-value of ``scipy.stats.ttest_1samp``."""
    return _core.one_sample_t(summarize(values), target, confidence)


# -- proportions and rates -----------------------------------------------------------------


def wilson_interval(successes: int, trials: int, *, confidence: float = 0.95) -> Interval:
    """Wilson's score interval of one share (statsmodels ``proportion_confint(method="wilson")``)."""
    with core_fields(ONE_SHARE):
        return _core.wilson_interval(count(successes, "successes"), count(trials, "trials"), confidence)


def proportion_difference(treatment: Counts, control: Counts, *, confidence: float = 0.95) -> Estimate:
    """Difference of shares with Newcombe's hybrid score (Wilson) interval; p-value of the pooled z-test."""
    with core_fields(_ARMS):
        return _core.proportion_difference(*counts(treatment, "treatment"), *counts(control, "control"), confidence)


def score_difference(treatment: Counts, control: Counts, *, confidence: float = 0.95) -> Estimate:
    """Difference of shares with the Miettinen-Nurminen score interval and the same score test's
    p-value (statsmodels ``confint_proportions_2indep``/``test_proportions_2indep``, method "score"):
    the interval excludes zero exactly when p < 1 - confidence."""
    with core_fields(_ARMS):
        return _core.score_difference(*counts(treatment, "treatment"), *counts(control, "control"), confidence)


def two_proportion_z_test(treatment: Counts, control: Counts, *, confidence: float = 0.95) -> Estimate:
    """The pooled two-proportion z-test (statsmodels ``proportions_ztest``) with a Wald interval."""
    with core_fields(_ARMS):
        return _core.two_proportion_z_test(*counts(treatment, "treatment"), *counts(control, "control"), confidence)


def fisher_exact(treatment: Counts, control: Counts) -> FisherResult:
    """Fisher's exact test of [[treatment successes, failures], [control successes, failures]]."""
    with core_fields(_ARMS):
        return _core.fisher_exact(*counts(treatment, "treatment"), *counts(control, "control"))


def one_sample_proportion(successes: int, trials: int, target: float, *, confidence: float = 0.95) -> Estimate:
    """Share - target with the shifted Wilson interval and the exact binomial test's p-value."""
    with core_fields(ONE_SHARE):
        return _core.one_sample_proportion(count(successes, "successes"), count(trials, "trials"), target, confidence)


def rate_ratio(treatment: Events, control: Events, *, confidence: float = 0.95) -> Estimate:
    """Rate ratio of ``(events, exposure)`` pairs with the exact conditional (Clopper-Pearson) interval."""
    with core_fields(_EVENT_ARMS):
        return _core.rate_ratio(*events(treatment, "treatment"), *events(control, "control"), confidence)


def rate_difference(treatment: Events, control: Events, *, confidence: float = 0.95) -> Estimate:
    """Difference of rates per unit of exposure of ``(events, exposure)`` pairs with the Wald interval
    (statsmodels ``confint_poisson_2indep(compare="diff", method="wald")``) and the unpooled z-test's p-value."""
    with core_fields(_EVENT_ARMS):
        return _core.rate_difference(*events(treatment, "treatment"), *events(control, "control"), confidence)


# -- resampling ----------------------------------------------------------------------------


def permutation_test(
    treatment: npt.ArrayLike,
    control: npt.ArrayLike,
    *,
    resamples: int = _DEFAULT_RESAMPLES,
    seed: int = _DEFAULT_SEED,
    threads: int = 2,
    two_sided: Literal["absolute", "doubled"] = "absolute",
) -> PermutationResult:
    """Two-sided permutation test of the difference in means; the same seed gives the same result.

    ``two_sided`` chooses the p-value. ``"absolute"`` (the default, as the analysis reports it):
    the share of permutations whose difference is at least as far from 0 as the observed one,
    ``(1 + #{|d| >= |observed|}) / (1 + resamples)``. ``"doubled"``: twice the smaller one-sided
    p-value, at most 1, each ``(1 + #{d >= observed})`` or ``(1 + #{d <= observed})`` over
    ``1 + resamples`` -- the definition of ``scipy.stats.permutation_test``. The two agree when
    the permutation distribution is symmetric and differ when it is skewed (very unequal arms of
    skewed values); the result keeps every count (``as_extreme``, ``at_least``, ``at_most``).
    """
    if not (isinstance(two_sided, str) and two_sided in _TWO_SIDED):
        invalid("two_sided", "input.unknown_enum_value", value=repr(two_sided))
    return _core.permutation_test(
        _array(treatment, "treatment"),
        _array(control, "control"),
        seed=seed,
        resamples=resamples,
        threads=threads,
        two_sided=_TWO_SIDED[two_sided],
    )


def bootstrap(
    treatment: npt.ArrayLike,
    control: npt.ArrayLike,
    *,
    confidence: float = 0.95,
    resamples: int = _DEFAULT_RESAMPLES,
    seed: int = _DEFAULT_SEED,
    threads: int = 2,
) -> BootstrapResult:
    """Percentile and BCa bootstrap intervals of the difference in means (seeded, reproducible)."""
    return _core.bootstrap_difference(
        _array(treatment, "treatment"),
        _array(control, "control"),
        confidence,
        seed=seed,
        resamples=resamples,
        threads=threads,
    )


# -- Bayesian and sequential ---------------------------------------------------------------


def bayes_normal(
    treatment: Values,
    control: Values,
    *,
    relative: bool = False,
    direction: _core.Direction | str = "higher_is_better",
    prior_mean: float | None = None,
    prior_variance: float | None = None,
    confidence: float = 0.95,
) -> BayesResult:
    """Normal-model posterior of the difference (or relative lift): ``chance_to_beat`` (that the
    treatment is better) and the expected loss of choosing the treatment (``risk``) or the control
    (``risk_control``), as in the analysis' comparisons table.

    Flat prior unless ``prior_mean`` or ``prior_variance`` is given (then a Gaussian prior with
    mean 0 and variance 1 where one is left out), as gbstats' Gaussian test.
    """
    return _core.bayes_normal(
        summarize(treatment),
        summarize(control),
        kind=_kind(relative),
        direction=direction,
        prior_mean=prior_mean,
        prior_variance=prior_variance,
        confidence=confidence,
    )


def bayes_beta_binomial(
    treatment: Counts,
    control: Counts,
    *,
    direction: _core.Direction | str = "higher_is_better",
    prior_alpha: float = 1.0,
    prior_beta: float = 1.0,
    confidence: float = 0.95,
) -> BayesResult:
    """Beta-binomial chance that the treatment's share is better (``chance_to_beat``), and the
    expected loss of choosing the treatment (``risk``) or the control (``risk_control``)."""
    with core_fields(_ARMS):
        return _core.bayes_beta_binomial(
            *counts(treatment, "treatment"),
            *counts(control, "control"),
            direction=direction,
            prior_alpha=prior_alpha,
            prior_beta=prior_beta,
            confidence=confidence,
        )


def bayes_gamma_poisson(
    treatment: Events,
    control: Events,
    *,
    relative: bool = False,
    direction: _core.Direction | str = "higher_is_better",
    prior_shape: float = 0.5,
    prior_rate: float = 0.0,
    confidence: float = 0.95,
) -> BayesResult:
    """Gamma-Poisson posterior of ``(events, exposure)`` pairs: each arm's rate per unit of exposure
    is Gamma(prior_shape + events, prior_rate + exposure), Jeffreys' prior by default. The effect is
    the rate difference, or with ``relative`` the rate ratio - 1; ``chance_to_beat`` (that the
    treatment's rate is better), ``risk`` and ``risk_control`` as in the analysis' comparisons table."""
    with core_fields(_GAMMA_FIELDS):
        return _core.bayes_gamma_poisson(
            *events(treatment, "treatment"),
            *events(control, "control"),
            kind=_kind(relative),
            direction=direction,
            prior_shape=prior_shape,
            prior_rate=prior_rate,
            confidence=confidence,
        )


def sequential(
    treatment: Values,
    control: Values,
    *,
    confidence: float = 0.95,
    tuning_n: float = 5000.0,
    relative: bool = False,
) -> Estimate:
    """Always-valid interval and p-value (mixture SPRT) of the difference or lift of means.

    Valid at every look, so it may be checked daily. ``tuning_n`` is the total number of units at
    which the interval is narrowest: choose about the planned total sample.
    """
    return _core.sequential_difference(
        summarize(treatment), summarize(control), confidence, tuning_n=tuning_n, kind=_kind(relative)
    )


# -- design checks, multiplicity, planning --------------------------------------------------


def srm_check(
    observed: Sequence[int] | npt.ArrayLike,
    expected_shares: Sequence[float] | npt.ArrayLike | None = None,
    *,
    threshold: float = 0.001,
) -> SrmResult:
    """Sample-ratio mismatch: chi-square test of units per arm against the planned shares (default equal)."""
    observed_array = count_array(observed, "observed")
    shares = None if expected_shares is None else _array(expected_shares, "expected_shares")
    return _core.sample_ratio_mismatch(observed_array, shares, threshold)


def holm(p_values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Holm-adjusted p-values in the given order (statsmodels ``multipletests(method="holm")``)."""
    return np.asarray(_core.holm_adjust(_array(p_values, "p_values")), dtype=np.float64)


def benjamini_hochberg(p_values: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Benjamini-Hochberg adjusted p-values in the given order (``multipletests(method="fdr_bh")``)."""
    return np.asarray(_core.benjamini_hochberg_adjust(_array(p_values, "p_values")), dtype=np.float64)


def _plan_design(one_sample: bool) -> _core.PlanDesign:
    return _core.PlanDesign.one_sample if one_sample else _core.PlanDesign.two_groups


def sample_size_mean(
    minimum_effect: float, sd: float, *, alpha: float = 0.05, power: float = 0.8, one_sample: bool = False
) -> SampleSize:
    """Observations per group to detect a difference of ``minimum_effect`` in a mean with spread ``sd``."""
    return _core.sample_size_mean(minimum_effect, sd, alpha, power, _plan_design(one_sample))


def sample_size_proportion(
    baseline: float, minimum_effect: float, *, alpha: float = 0.05, power: float = 0.8, one_sample: bool = False
) -> SampleSize:
    """Observations per group to detect a change of a share from ``baseline`` by ``minimum_effect``."""
    return _core.sample_size_proportion(baseline, minimum_effect, alpha, power, _plan_design(one_sample))


def days_needed(
    needed_per_group: int, current_per_group: int, per_group_per_day: float, *, days_left: float | None = None
) -> Schedule:
    """Days still needed at the current pace, and whether the planned end (``days_left``) allows it."""
    return _core.days_needed(
        count(needed_per_group, "needed_per_group"),
        count(current_per_group, "current_per_group"),
        per_group_per_day,
        days_left,
    )


# -- the analysis of an experiment -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class AnalysisVerdict:
    """A verdict on the primary metric: against the criterion locked at the start
    (``criterion == "locked"``, the verdict of the analysis), or, when the success criterion was
    amended after the start, the exploratory one against the amended criterion
    (``criterion == "amended"``: it was changed after data had been seen).

    ``verdict`` is "supported", "refuted" or "inconclusive"; ``sentence_en`` and ``sentence_fi``
    say it in one plain sentence, whose wording and direction come from the same criterion, and
    ``sentence(lang)`` in any of fi, sv and en. ``message`` is the judgement as the core's
    (code, params) and ``notes`` the sentences after it, for a program that says it in its own
    words (the codes' English templates: ``kokeilu._core.message_templates()``).
    ``amended_criteria`` lists the changes made after the start to the primary metric or the
    Test Card's "right if" (also named in the locked verdict's sentences).
    ``additional_observations`` is, for an inconclusive verdict, about how many more observations
    would likely decide it.
    """

    verdict: str
    reason: str
    metric: str
    improvement: float
    improvement_low: float
    improvement_high: float
    additional_observations: int | None
    customer_impact_measured: bool
    sentence_en: str
    amended_criteria: tuple[str, ...] = ()
    criterion: str = "locked"
    message: tuple[str, dict[str, int | float | str]] = ("", {})
    notes: tuple[tuple[str, dict[str, int | float | str]], ...] = ()

    @property
    def sentence_fi(self) -> str:
        """The sentence in Finnish (composed when asked for: it reads the catalogues)."""
        return self.sentence("fi")

    def sentence(self, lang: str) -> str:
        """The sentence in Finnish ("fi"), Swedish ("sv") or English ("en"), composed from the
        verdict's code and parameters (``message``, ``notes``) through the catalogues."""
        if lang not in ("fi", "sv", "en"):
            raise ValueError(f"lang: must be fi, sv or en, got {lang!r}")
        if not self.message[0]:
            return self.sentence_en
        return _sentence(lang, self.criterion, self.message, self.notes)

    @property
    def amended(self) -> bool:
        """Whether the criterion was amended after the start."""
        return bool(self.amended_criteria)

    @property
    def exploratory(self) -> bool:
        """True for the judgement against the amended criterion."""
        return self.criterion == "amended"


_COMPARISON_COLUMNS = (
    "metric",
    "role",
    "arm",
    "reference",
    "method",
    "estimate",
    "ci_low",
    "ci_high",
    "confidence",
    "p_value",
    "adjusted_p_value",
    "std_error",
    "statistic",
    "df",
    "posterior_mean",
    "chance_to_beat",
    "risk",
    "risk_control",
    "status",
    "notes",
    "adjusted",
    "unadjusted_estimate",
    "variance_reduction",
)
_SUMMARY_COLUMNS = (
    "metric",
    "arm",
    "n",
    "mean",
    "sd",
    "se",
    "min",
    "max",
    "successes",
    "trials",
    "events",
    "exposure",
)


def _opt(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _comparisons_frame(result: AnalysisResult, *, amended: bool = False) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for c in result.amended_comparisons if amended else result.comparisons:
        e = c.effect
        b = c.bayes
        adjusted = c.adjustment
        rows.append(
            {
                "metric": c.metric,
                "role": c.role.name,
                "arm": c.arm,
                "reference": c.reference,
                "method": "" if e is None else e.method,
                "estimate": _opt(None if e is None else e.estimate),
                "ci_low": _opt(None if e is None else e.ci_low),
                "ci_high": _opt(None if e is None else e.ci_high),
                "confidence": _opt(None if e is None else e.confidence),
                "p_value": _opt(None if e is None else e.p_value),
                "adjusted_p_value": _opt(c.adjusted_p_value),
                "std_error": _opt(None if e is None else e.std_error),
                "statistic": _opt(None if e is None else e.statistic),
                "df": _opt(None if e is None else e.df),
                "posterior_mean": _opt(None if b is None else b.posterior_mean),
                "chance_to_beat": _opt(None if b is None else b.chance_to_beat),
                "risk": _opt(None if b is None else b.risk),
                "risk_control": _opt(None if b is None else b.risk_control),
                "status": c.status,
                "notes": "" if e is None else e.notes,
                "adjusted": c.adjusted_for,
                "unadjusted_estimate": _opt(None if adjusted is None else adjusted.unadjusted.estimate),
                "variance_reduction": _opt(None if adjusted is None else adjusted.variance_reduction),
            }
        )
    frame: pd.DataFrame = pd.DataFrame(rows, columns=list(_COMPARISON_COLUMNS))
    for column in ("metric", "role", "arm", "reference", "method", "status", "notes", "adjusted"):
        frame[column] = frame[column].astype("str")
    for column in (*_COMPARISON_COLUMNS[5:18], "unadjusted_estimate", "variance_reduction"):
        frame[column] = frame[column].astype("float64")
    return frame


def _optional_stat(summary: Summary, name: str) -> float:
    try:
        value = getattr(summary, name)
    except _core.InvalidArgumentError:  # not enough data, or not a 0/1 metric
        return float("nan")
    return _opt(value)


def _summaries_frame(experiment: Experiment, summaries: dict[str, dict[str, Summary]]) -> pd.DataFrame:
    rows: list[dict[str, Any]] = []
    for metric in experiment.metrics:
        arms = summaries.get(metric.name, {})
        for arm in experiment.arms:
            s = arms.get(arm.name, Summary())
            proportion = metric.kind == _core.MetricKind.proportion
            rows.append(
                {
                    "metric": metric.name,
                    "arm": arm.name,
                    "n": s.n,
                    "mean": _optional_stat(s, "mean"),
                    "sd": _optional_stat(s, "sd") if s.has_variance else float("nan"),
                    "se": _optional_stat(s, "se") if s.has_variance else float("nan"),
                    "min": _opt(s.min),
                    "max": _opt(s.max),
                    "successes": _optional_stat(s, "successes") if proportion else float("nan"),
                    "trials": float(s.trials) if proportion else float("nan"),
                    "events": s.events if metric.kind == _core.MetricKind.count else float("nan"),
                    "exposure": s.exposure if metric.kind == _core.MetricKind.count else float("nan"),
                }
            )
    frame: pd.DataFrame = pd.DataFrame(rows, columns=list(_SUMMARY_COLUMNS))
    frame["metric"] = frame["metric"].astype("str")
    frame["arm"] = frame["arm"].astype("str")
    frame["n"] = frame["n"].astype("int64")
    for column in _SUMMARY_COLUMNS[3:]:
        frame[column] = frame[column].astype("float64")
    return frame


def _amended_criteria(experiment: Experiment, primary: str) -> tuple[str, ...]:
    return tuple(
        f"{a.field}: {a.old_value} -> {a.new_value}" + (f" ({a.reason})" if a.reason else "")
        for a in experiment.amendments
        if a.field == "test_card.right_if" or a.field.startswith((f"metrics[{primary}]", f"metric[{primary}]"))
    )


def _sentence(lang: str, criterion: str, message: Any, notes: Any) -> str:
    from .cli.i18n import Messages  # the catalogues; imported here to keep `import kokeilu` light
    from .verdict_text import verdict_sentence

    return verdict_sentence(Messages(lang), criterion, message, notes)


def _verdict(experiment: Experiment, v: VerdictResult) -> AnalysisVerdict:
    message = (v.message.code, v.message.params)
    notes = tuple((n.code, n.params) for n in v.notes)
    return AnalysisVerdict(
        verdict=v.verdict.name,
        reason=v.reason,
        metric=v.metric,
        improvement=v.improvement,
        improvement_low=v.improvement_low,
        improvement_high=v.improvement_high,
        additional_observations=v.additional_observations,
        customer_impact_measured=v.customer_impact_measured,
        sentence_en=v.sentence_en,
        amended_criteria=_amended_criteria(experiment, v.metric),
        criterion=v.criterion.name,
        message=message,
        notes=notes,
    )


class Analysis:
    """The analysis of a whole experiment (see :meth:`kokeilu.Tracker.analyze`).

    ``comparisons``: a DataFrame, one row per metric and treatment arm (or period, or the only
    group against the baseline): ``metric``, ``role``, ``arm``, ``reference``, ``method``,
    ``estimate``, ``ci_low``, ``ci_high``, ``confidence``, ``p_value``, ``adjusted_p_value``
    (Holm, secondary metrics), ``std_error``, ``statistic``, ``df``, ``posterior_mean``,
    ``chance_to_beat``, ``risk`` (expected loss of choosing the treatment), ``risk_control``,
    ``status`` ("ok" or "not enough data: ...") and ``notes``; for a metric adjusted for a
    pre-period value (``Metric.covariate``), ``adjusted`` names it ("" otherwise), the
    estimate and its interval are the adjusted ones (ANCOVA, HC2), ``unadjusted_estimate`` is the
    plain difference and ``variance_reduction`` 1 − Var(adjusted) / Var(unadjusted) (NaN when not
    adjusted); an adjusted comparison has no Bayesian view.
    ``summaries``: a DataFrame per metric and arm: ``n``, ``mean``, ``sd``, ``se``, ``min``,
    ``max``, ``successes``, ``trials``, ``events``, ``exposure``.
    ``verdict``: an :class:`AnalysisVerdict`, against the criterion locked at the start; the
    comparisons are those of the experiment as locked too. ``amended_verdict``: when the success
    criterion was amended after the start, the exploratory :class:`AnalysisVerdict` against the
    amended criterion (else None), with ``amended_comparisons`` (a DataFrame like
    ``comparisons``) and ``criterion_changes`` (what was amended: ``field``, ``locked_value``,
    ``amended_value``). ``warnings``: plain-language warnings in English; ``warning_messages`` the
    same, in order, as (code, params) pairs that a front end says in its own language (the codes'
    English templates: ``kokeilu._core.message_templates()``).
    ``sample_ratio``: the sample-ratio check of concurrent designs (else None).
    ``planned_per_group``: the sample size needed per group for the primary metric, when the
    metric's baseline allows planning (else None).
    ``days_started_before_lock``: for an experiment started at least a day before its Test Card
    was locked, by how many days (else None); ``early_rows`` the rows logged for times between
    the start and the lock, by arm (they may have been seen before the criterion was fixed).
    ``pre_trend``: for a difference in differences, the primary metric's check of parallel trends
    before the change (an Estimate of the changed unit's slope minus the comparison's, per period;
    None below three periods a unit). ``time_series``: for an interrupted time series, the primary
    metric's segmented regression (its ``level_change`` is the compared effect, ``slope_change``
    the change of the trend per period; None without periods enough). ``period``: "day" or "week".
    """

    def __init__(
        self, experiment: Experiment, result: AnalysisResult, summaries: dict[str, dict[str, Summary]]
    ) -> None:
        """Wraps the core's result; use :meth:`kokeilu.Tracker.analyze` to get one."""
        self.experiment = experiment
        self.result = result
        self.comparisons: pd.DataFrame = _comparisons_frame(result)
        self.summaries: pd.DataFrame = _summaries_frame(experiment, summaries)
        self.verdict: AnalysisVerdict = _verdict(experiment, result.verdict)
        amended = result.amended_verdict
        self.amended_verdict: AnalysisVerdict | None = None if amended is None else _verdict(experiment, amended)
        self.amended_comparisons: pd.DataFrame | None = (
            None if amended is None else _comparisons_frame(result, amended=True)
        )
        self.criterion_changes: list[_core.CriterionChange] = list(result.criterion_changes)
        self.days_started_before_lock: int | None = result.days_started_before_lock
        self.early_rows: dict[str, int] = dict(result.early_rows)
        self.warnings: list[str] = list(result.warnings)
        self.warning_messages: list[tuple[str, dict[str, int | float | str]]] = [
            (w.code, w.params) for w in result.warning_messages
        ]
        self.sample_ratio: SrmResult | None = result.sample_ratio
        self.planned_per_group: SampleSize | None = result.planned_per_group
        self.pre_trend: Estimate | None = result.pre_trend
        self.time_series: _core.InterruptedTimeSeries | None = result.time_series
        self.period: str = result.period

    @property
    def key(self) -> str:
        """The experiment's key."""
        return self.experiment.key

    @property
    def primary(self) -> dict[str, Any]:
        """The comparison the verdict is based on (the primary metric's first arm), as a dict."""
        return next(row for row in self._rows() if row["metric"] == self.verdict.metric)

    def _rows(self) -> list[dict[str, Any]]:
        return [{str(k): v for k, v in row.items()} for row in self.comparisons.to_dict("records")]

    def _status_texts(self, msgs: Messages) -> list[str]:
        """Each comparison's status in the language of ``msgs``, in the order of the rows."""
        from .verdict_text import status_text

        return [
            status_text(msgs, c.status, (c.status_message.code, c.status_message.params))
            for c in self.result.comparisons
        ]

    def __repr__(self) -> str:
        return self.text()

    def text(self, *, lang: str | None = None) -> str:
        """The analysis as a few lines of text (what ``repr`` shows), in ``lang`` ("fi", "sv" or
        "en", default :func:`kokeilu.get_language`)."""
        msgs = messages(lang)
        v = self.verdict
        lines = [
            f"<kokeilu.Analysis {self.key!r}: {_verdict_label(msgs, v.verdict)}",
            f"  {v.sentence(msgs.lang)}",
        ]
        if self.amended_verdict is not None:
            lines.append("  " + msgs("html.amended_line", verdict=_verdict_label(msgs, self.amended_verdict.verdict)))
            lines.append(f"  {self.amended_verdict.sentence(msgs.lang)}")
        for row, status in zip(self._rows(), self._status_texts(msgs)):
            vs = msgs("html.vs", arm=row["arm"], reference=row["reference"])
            head = f"  {shown_metric_name(self.experiment, row['metric'])} [{_role_label(msgs, row['role'])}] {vs}: "
            if row["status"] == "ok":
                lines.append(
                    f"{head}{_estimate(msgs, self.experiment, row)} ({_interval(msgs, row, self.experiment)}), "
                    f"p = {msgs.figure(row['p_value'], 3)}, {row['method']}{_adjusted_text(msgs, row)}"
                )
            else:
                lines.append(head + status)
        lines.extend("  " + msgs("html.warning", warning=w) for w in self._warning_texts(msgs))
        return "\n".join(lines) + ">"

    def _warning_texts(self, msgs: Messages) -> list[str]:
        """The warnings in the language of ``msgs``, from their codes (the English text only for a
        code the catalogue does not know)."""
        return [
            msgs.core(code, params) or english
            for (code, params), english in zip(self.warning_messages, self.warnings)
        ]

    def _repr_html_(self) -> str:
        return self.html()

    def html(self, *, lang: str | None = None) -> str:
        """The analysis as HTML for notebooks (what ``_repr_html_`` shows, in the current
        language), in ``lang`` ("fi", "sv" or "en", default :func:`kokeilu.get_language`).

        The verdict sentence is the core's Finnish one in Finnish and its English one otherwise;
        warnings are shown as the core words them."""
        msgs = messages(lang)
        esc = html.escape
        v = self.verdict
        sentence_lang = msgs.lang
        heading = f"<em>{esc(_verdict_label(msgs, v.verdict))}</em>"
        if self.amended_verdict is not None:
            heading = esc(msgs.text("html.against_locked")).format(verdict=heading)
        parts = [
            '<div class="kokeilu-analysis">',
            f"<h4>{esc(self.experiment.title or self.key)} &mdash; {heading}</h4>",
            f'<p lang="{sentence_lang}">{esc(v.sentence(msgs.lang))}</p>',
        ]
        if v.additional_observations is not None:
            count = int(v.additional_observations)
            more = msgs.text("html.more_observations", count).format(count=msgs.number(count))
            parts.append(f"<p>{esc(more)}</p>")
        amended = self.amended_verdict
        if amended is not None:
            changes = "".join(
                f"<li><code>{esc(c.field)}</code>: {esc(c.locked_value)} &rarr; {esc(c.amended_value)}</li>"
                for c in self.criterion_changes
            )
            label = f"<em>{esc(_verdict_label(msgs, amended.verdict))}</em>"
            title = esc(msgs.text("html.exploratory")).format(verdict=label)
            parts.append(
                '<div class="kokeilu-amended" style="border-left:3px solid #b7791f;padding-left:0.6em">'
                f"<h5>{title}</h5><p>{esc(msgs.text('html.exploratory_note'))}</p><ul>{changes}</ul>"
                f'<p lang="{sentence_lang}">{esc(amended.sentence(msgs.lang))}</p></div>'
            )
        if self.warnings:
            parts.append("<ul>" + "".join(f"<li>{esc(w)}</li>" for w in self._warning_texts(msgs)) + "</ul>")
        header: tuple[str, ...] = (
            "metric", "role", "arm", "reference", "estimate", "interval", "p", "chance_to_beat", "method"
        )
        # Two more columns when a comparison is adjusted for a pre-period value.
        adjusted = bool((self.comparisons["adjusted"] != "").any())
        if adjusted:
            header = (*header, "adjusted", "variance_reduction")
        parts.append(
            "<table><thead><tr>"
            + "".join(f"<th>{esc(msgs.text('html.column.' + h))}</th>" for h in header)
            + "</tr></thead><tbody>"
        )
        for row, status in zip(self._rows(), self._status_texts(msgs)):
            names = [
                shown_metric_name(self.experiment, str(row["metric"])),
                _role_label(msgs, row["role"]),
                str(row["arm"]),
                str(row["reference"]),
            ]
            if row["status"] == "ok":
                chance = float(row["chance_to_beat"])
                cells = [
                    *names,
                    _estimate(msgs, self.experiment, row),
                    _interval(msgs, row, self.experiment),
                    msgs.figure(row["p_value"], 3),
                    "" if np.isnan(chance) else msgs.percent(chance),
                    str(row["method"]),
                ]
            else:
                cells = [*names, status, "", "", "", ""]
            if adjusted:
                reduction = float(row["variance_reduction"])
                cells += [str(row["adjusted"]), "" if np.isnan(reduction) else msgs.percent(reduction)]
            parts.append("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        parts.append("</tbody></table></div>")
        return "".join(parts)


def _adjusted_text(msgs: Messages, row: dict[str, Any]) -> str:
    """", adjusted for X, variance reduction 38 %" after an adjusted comparison, else nothing."""
    if not row["adjusted"]:
        return ""
    percent = msgs.percent(float(row["variance_reduction"]))
    return ", " + msgs("analysis.adjusted", covariate=str(row["adjusted"]), percent=percent)


def _verdict_label(msgs: Messages, verdict: str) -> str:
    return msgs.text(f"label:Verdict:{verdict}")


def _role_label(msgs: Messages, role: object) -> str:
    from .cli.i18n import english_texts  # loaded with the first text shown

    key = f"label:MetricRole:{role}"
    return msgs.text(key) if key in english_texts() else str(role)


def _unit_of(experiment: Experiment, row: dict[str, Any]) -> Any:
    """The metric of a comparison (as locked: it gives the scale and unit) when its effect is a
    difference in the metric's unit, else None (a relative effect has no unit)."""
    for metric in experiment.as_locked().metrics:
        if metric.name == str(row["metric"]):
            return metric if metric.effect_scale.name == "absolute" and units.metric_unit(metric) else None
    return None


def _estimate(msgs: Messages, experiment: Experiment, row: dict[str, Any]) -> str:
    """The estimated effect with the metric's unit ("0,3 pistettä asteikolla 1–5")."""
    metric = _unit_of(experiment, row)
    if metric is None:
        return msgs.figure(row["estimate"], 4)
    return msgs.quantity(float(row["estimate"]), None, metric, number=lambda v: msgs.figure(v, 4), difference=True)


def _interval(msgs: Messages, row: dict[str, Any], experiment: Experiment | None = None) -> str:
    metric = None if experiment is None else _unit_of(experiment, row)
    low, high = (
        (row["ci_low"], row["ci_high"])
        if metric is None
        else (units.shown_value(row[name], units.metric_unit(metric), difference=True) for name in ("ci_low", "ci_high"))
    )
    return msgs.interval(msgs.figure(low, 4), msgs.figure(high, 4))


def plan_tuning_n(metric: _core.Metric, design: _core.DesignKind, power: float = 0.8) -> float | None:
    """The total sample the metric's plan needs (all groups), for tuning the sequential interval.

    The core's plan, the one the analysis counts "observations still needed" from. None when the
    metric's baseline does not allow planning.
    """
    return _core.planned_total(metric, design, power)
