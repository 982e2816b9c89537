"""Plot titles, axis labels and legends in Finnish, Swedish and English, read back from the artists."""

from __future__ import annotations

import datetime
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import kokeilu
from kokeilu import plots

sys.path.insert(0, str(Path(__file__).parent))
from language_support import untranslated  # noqa: E402

D = datetime.date
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _fields(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "title": "Etäkäynnit",
        "organisation": "Oulu",
        "unit": "kotihoito",
        "we_believe": "b",
        "to_verify": "v",
        "and_measure": "m",
        "right_if": "r",
        "purposes": ["wellbeing"],
        "design": "concurrent",
        "arms": {"tavanomainen": "control", "etäkäynti": "treatment"},
        "metrics": [
            {"name": "turvallisuus", "kind": "mean", "unit": "pistettä", "minimum_effect": 0.3, "baseline": 4.1},
            {"name": "unohtuneet", "kind": "proportion", "role": "guardrail", "direction": "lower_is_better",
             "minimum_effect": 0.02},
            {"name": "käynnit", "kind": "count", "role": "secondary", "minimum_effect": 0.1,
             "effect_scale": "relative"},
        ],
    }
    fields.update(overrides)
    return fields


@pytest.fixture
def measured(tracker: kokeilu.Tracker) -> kokeilu.Experiment:
    """Ten days: security about 0.6 points higher with remote visits; missed medication 3 and 1 of 80."""
    e = tracker.create(**_fields())
    tracker.start(e, on=D(2025, 1, 13))
    rng = np.random.default_rng(5)
    at = [datetime.datetime(2025, 1, 13 + i % 10, 9) for i in range(80)]
    tracker.log_many(e, rng.normal(4.0, 0.8, 80).round(1), arm="tavanomainen", at=at)
    tracker.log_many(e, rng.normal(4.6, 0.8, 80).round(1), arm="etäkäynti", at=at)
    missed = np.zeros(80)
    missed[[3, 40, 77]] = 1
    tracker.log_many(e, missed, arm="tavanomainen", metric="unohtuneet", at=at)
    tracker.log_many(e, np.isin(np.arange(80), [50]).astype(float), arm="etäkäynti", metric="unohtuneet", at=at)
    visits = rng.poisson(3.0, 20).astype(float)
    tracker.log_many(e, visits[:10], arm="tavanomainen", metric="käynnit", exposure=np.ones(10), at=at[:10])
    tracker.log_many(e, visits[10:] + 1, arm="etäkäynti", metric="käynnit", exposure=np.ones(10), at=at[:10])
    return tracker.get(e)


def _portfolio(tracker: kokeilu.Tracker) -> None:
    for organisation, purposes, verdict in (
        ("Oulu", ["wellbeing"], "supported"),
        ("Oulu", ["wellbeing", "vitality"], "refuted"),
        ("Kajaani", ["vitality"], "inconclusive"),
    ):
        e = tracker.create(**_fields(organisation=organisation, purposes=purposes, actual_cost_eur=1000.0))
        tracker.start(e, on=D(2025, 1, 13))
        tracker.conclude(e, verdict, decision="adapt", decided_on=D(2025, 3, 2))
    tracker.start(tracker.create(**_fields(organisation="Kajaani", planned_cost_eur=2000.0)), on=D(2025, 4, 1))


def _texts(ax: Any) -> list[str]:
    """Every text an Axes shows: title, axis labels, tick labels of the groups, legend, notes."""
    texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
    texts += [t.get_text() for t in ax.get_yticklabels()]
    texts += [t.get_text() for t in ax.texts]
    legend = ax.get_legend()
    if legend is not None:
        texts += [t.get_text() for t in legend.get_texts()]
    return texts


def _legend(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_metric_over_time_in_finnish_and_swedish(tracker: kokeilu.Tracker, measured: kokeilu.Experiment) -> None:
    ax = plots.metric_over_time(tracker, measured, lang="fi")
    assert ax.get_title() == f"{measured.key}: turvallisuus päivittäin"
    legend = _legend(ax)
    assert "tavanomainen (verrokki)" in legend and "lähtötaso 4,1" in legend
    assert "pienin tavoittelemisen arvoinen vaikutus (0,3)" in legend
    ax = plots.metric_over_time(tracker, measured, metric="unohtuneet", freq="W", lang="sv")
    assert ax.get_title() == f"{measured.key}: unohtuneet per vecka"
    assert "godtagbar försämring (0,02)" in _legend(ax) and "tavanomainen (kontrollgrupp)" in _legend(ax)


def test_effects_in_finnish_swedish_and_english(tracker: kokeilu.Tracker, measured: kokeilu.Experiment) -> None:
    ax = plots.effects(tracker, measured, metrics=["turvallisuus"], lang="fi")
    assert ax.get_title() == f"{measured.key}: turvallisuus, 95{NBSP}%:n luottamusvälit"
    assert ax.get_xlabel() == "pistettä (suurempi on parempi)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["etäkäynti vs. tavanomainen"]
    assert {"väli", "estimaatti", "ei vaikutusta", "pienin tavoittelemisen arvoinen vaikutus"} <= set(_legend(ax))
    ax = plots.effects(tracker, measured, lang="sv")
    assert ax.get_xlabel() == "effekten i minsta effekter värda att ha (höger är bättre)"
    assert "turvallisuus (huvudmätare)\netäkäynti mot tavanomainen" in [t.get_text() for t in ax.get_yticklabels()]
    ax = plots.effects(tracker, measured, metrics=["käynnit"], lang="fi")
    assert ax.get_xlabel() == "suhteellinen muutos (suurempi on parempi)"
    ticks = [ax.xaxis.get_major_formatter()(value, 0) for value in (0.25, -0.1)]
    assert ticks == [f"25{NBSP}%", f"\u221210{NBSP}%"]
    ax = plots.effects(tracker, measured, metrics=["turvallisuus"], lang="en")
    assert ax.get_title() == f"{measured.key}: turvallisuus with 95% intervals"
    assert ax.get_xlabel() == "pistettä (higher is better)"
    # A difference of shares in percentage points, as the sentences say it.
    ax = plots.effects(tracker, measured, metrics=["unohtuneet"], lang="fi")
    assert ax.get_xlabel() == "prosenttiyksiköt (pienempi on parempi)"
    ticks = [ax.xaxis.get_major_formatter()(value, 0) for value in (0.05, -0.025)]
    assert ticks == ["5", "\u22122,5"]


def test_cumulative_effect_names_its_date_in_the_language(
    tracker: kokeilu.Tracker, measured: kokeilu.Experiment
) -> None:
    ax = plots.cumulative_effect(tracker, measured, lang="fi")
    assert ax.get_title() == f"{measured.key}: kertynyt vaikutus, turvallisuus"
    assert ax.get_ylabel() == "pistettä (suurempi on parempi)"
    legend = _legend(ax)
    assert "aina pätevä väli" in legend
    excludes = [text for text in legend if text.startswith("ei sisällä nollaa")]
    if excludes:  # day-first, as Finnish writes dates
        assert excludes[0].endswith(".2025 alkaen")


def test_portfolio_plots_in_swedish(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    ax = plots.experiments_by_status(tracker, lang="sv")
    assert ax.get_title() == "Försök per status och organisation" and ax.get_xlabel() == "försök"
    assert {"pågår", "avslutat"} <= set(_legend(ax))
    ax = plots.verdicts_by_purpose(tracker, lang="sv")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["livskraft", "välfärd"]
    assert "hypotesen bekräftades" in _legend(ax) and ax.get_title() == "Utslag per syfte"
    ax = plots.time_to_decision(tracker, lang="fi")
    assert ax.get_title() == "Aika alusta päätökseen" and ax.get_xlabel() == "päivää"
    assert any(text.get_text() == " mediaani 48 pv" for text in ax.texts)
    fig = plots.portfolio_figure(tracker, lang="fi")
    titles = [a.get_title() for a in fig.axes]
    assert "Kokeilut tilan mukaan: organisaatio" in titles and "Johtopäätökset: tarkoitus" in titles


def test_an_unknown_language_is_refused_before_drawing(
    tracker: kokeilu.Tracker, measured: kokeilu.Experiment
) -> None:
    with pytest.raises(ValueError, match="lang: unknown language 'no'"):
        plots.effects(tracker, measured, lang="no")
    with pytest.raises(ValueError, match="lang: unknown language"):
        plots.portfolio_figure(tracker, lang="english")
    assert plt.get_fignums() == []


def test_plots_follow_the_current_language(tracker: kokeilu.Tracker, measured: kokeilu.Experiment) -> None:
    kokeilu.set_language("sv")
    assert plots.cumulative_effect(tracker, measured).get_title().endswith("kumulativ effekt på turvallisuus")


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_plot_text_is_left_in_english(tracker: kokeilu.Tracker, measured: kokeilu.Experiment, lang: str) -> None:
    _portfolio(tracker)
    axes = [
        plots.metric_over_time(tracker, measured, lang=lang),
        plots.metric_over_time(tracker, measured, metric="unohtuneet", freq="MS", lang=lang),
        plots.metric_over_time(tracker, measured, freq="2D", lang=lang),
        plots.effects(tracker, measured, lang=lang),
        plots.effects(tracker, measured, metrics=["turvallisuus"], lang=lang),
        plots.effects_side_by_side(tracker, lang=lang),
        plots.cumulative_effect(tracker, measured, lang=lang),
        plots.cumulative_effect(tracker, measured, metric="unohtuneet", lang=lang),
        plots.cost_per_supported(tracker, None, lang=lang),
        *plots.portfolio_figure(tracker, lang=lang).axes,
    ]
    empty = tracker.create(**_fields(title="tyhjä", metrics=_fields()["metrics"][:1]))
    tracker.start(empty, on=D(2025, 1, 13))
    tracker.log(empty, 4.0, arm="tavanomainen", at=datetime.datetime(2025, 1, 14, 9))
    axes.append(plots.effects(tracker, empty, metrics=["turvallisuus"], lang=lang))
    shown = " | ".join(text for ax in axes for text in _texts(ax))
    assert untranslated(shown, lang) == []
