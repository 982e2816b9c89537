"""The displays for analysts in Finnish, Swedish and English: choosing the language, the translated
texts, numbers and dates as each language writes them, and no English left in fi or sv."""

from __future__ import annotations

import datetime
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import kokeilu
from kokeilu import portfolio
from kokeilu.display import early_start_text, experiment_html, portfolio_html

sys.path.insert(0, str(Path(__file__).parent))
from language_support import untranslated  # noqa: E402

D = datetime.date
NBSP = "\u00a0"  # between thousands and before the per cent sign in Finnish and Swedish
_LOCALE_VARIABLES = ("KOKEILU_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


class _Text(HTMLParser):
    """The text of an HTML fragment, with its title attributes (tooltips are read too)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.extend(value for name, value in attrs if name == "title" and value)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    parser.close()
    return " ".join(parser.parts)


def _fields(**overrides: Any) -> dict[str, Any]:
    """A Finnish experiment: names and Test Card as a Finnish team writes them."""
    fields: dict[str, Any] = {
        "title": "Iltakäynnit etänä",
        "organisation": "Oulu",
        "unit": "kotihoito",
        "owner": "Aino Kemppainen",
        "we_believe": "etäkäynti parantaa turvallisuuden tunnetta",
        "to_verify": "korvaamme joka kolmannen iltakäynnin",
        "and_measure": "turvallisuuden tunnetta (1–5)",
        "right_if": "tunne paranee vähintään 0,3 pistettä",
        "purposes": ["wellbeing"],
        "design": "concurrent",
        "arms": {"tavanomainen": "control", "etäkäynti": "treatment"},
        "metrics": [
            {"name": "turvallisuus", "kind": "mean", "unit": "pistettä", "minimum_effect": 0.3, "baseline": 4.1,
             "baseline_sd": 0.8},
            {"name": "lääkkeet_unohtuneet", "kind": "proportion", "role": "guardrail",
             "direction": "lower_is_better", "minimum_effect": 0.02},
        ],
        "planned_cost_eur": 12000.0,
        "planned_effort_hours": 1500.0,
    }
    fields.update(overrides)
    return fields


def _started_with_scores(
    tracker: kokeilu.Tracker, usual: float, remote: float, seed: int
) -> kokeilu.Experiment:
    """Started on 13.1.2025, with 80 scores a group around the given means, from the 14th on."""
    e = tracker.create(**_fields())
    tracker.start(e, on=D(2025, 1, 13))
    rng = np.random.default_rng(seed)
    at = np.datetime64("2025-01-14T09:00") + np.arange(80) * np.timedelta64(3, "h")
    tracker.log_many(e, rng.normal(usual, 0.8, 80).round(1), arm="tavanomainen", at=at)
    tracker.log_many(e, rng.normal(remote, 0.8, 80).round(1), arm="etäkäynti", at=at)
    return e


def _measured(tracker: kokeilu.Tracker) -> kokeilu.Experiment:
    """Started on 13.1.2025; the remote arm's sense of security about 0.6 points higher."""
    e = _started_with_scores(tracker, 4.0, 4.6, seed=5)
    for i in range(7):
        tracker.note(e, f"muistiinpano {i}", author="Aino", at=datetime.datetime(2025, 1, 15 + i, 9))
    return tracker.get(e)


def _amended_and_concluded(tracker: kokeilu.Tracker) -> kokeilu.Experiment:
    e = _measured(tracker)
    metrics = _fields()["metrics"]
    metrics[0] = {**metrics[0], "minimum_effect": 0.1}
    tracker.amend(e, "ohjausryhmä tarkensi kriteeriä", author="Aino", metrics=metrics)
    return tracker.conclude(
        e,
        "supported",
        amended_verdict="supported",
        decision="scale_up",
        decided_on=D(2025, 7, 1),
        we_believed="uskoimme",
        we_observed="havaitsimme",
        we_learned="opimme",
        therefore="laajennamme",
    )


# -- choosing the language --------------------------------------------------------------------------


def test_set_language_chooses_and_get_language_tells(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    kokeilu.set_language("sv")
    monkeypatch.setenv("KOKEILU_LANG", "fi")
    assert kokeilu.get_language() == "sv"  # a choice made in the code wins over the environment
    kokeilu.set_language(None)
    assert kokeilu.get_language() == "fi"


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({}, "en"),
        ({"KOKEILU_LANG": "sv"}, "sv"),
        ({"KOKEILU_LANG": "de", "LANG": "fi_FI.UTF-8"}, "fi"),
        ({"LANG": "sv_FI.UTF-8"}, "sv"),
        ({"LANG": "fi_FI.UTF-8", "LC_MESSAGES": "C"}, "en"),
        ({"LANG": "en_GB.UTF-8", "LC_ALL": "fi_FI.UTF-8"}, "fi"),
    ],
)
def test_without_a_choice_the_environment_decides(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], expected: str
) -> None:
    for name in _LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    kokeilu.set_language(None)
    assert kokeilu.get_language() == expected


def test_an_unknown_language_is_refused_naming_the_argument(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    with pytest.raises(ValueError, match=r"lang: unknown language 'de'; choose one of fi, sv, en"):
        kokeilu.set_language("de")
    assert kokeilu.get_language() == "en"  # unchanged
    with pytest.raises(ValueError, match="lang: unknown language 'FI'"):
        experiment_html(e, lang="FI")
    with pytest.raises(ValueError, match="lang: unknown language"):
        portfolio_html(tracker, lang="suomi")


def test_repr_html_follows_the_current_language(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    kokeilu.set_language("fi")
    assert "Testikortti" in e._repr_html_()  # type: ignore[attr-defined]
    kokeilu.set_language("sv")
    assert "Testkort" in e._repr_html_()  # type: ignore[attr-defined]
    assert "Testikortti" in experiment_html(e, lang="fi")  # lang= wins for one call
    kokeilu.set_language("en")
    assert "Test Card" in e._repr_html_()  # type: ignore[attr-defined]


# -- the experiment ---------------------------------------------------------------------------------


def test_experiment_in_finnish(tracker: kokeilu.Tracker) -> None:
    e = _amended_and_concluded(tracker)
    text = _text(experiment_html(e, tracker, lang="fi"))
    for words in ("Testikortti", "Uskomme, että", "Olemme oikeassa, jos", "Mittarit", "Ryhmät", "Päiväkirja",
                  "Muutettu alun jälkeen", "(1 muutos):", "Itse onnistumisen kriteeriä muutettiin",
                  "Havaitsimme", "Siitä opimme", "laajennetaan", "hypoteesi vahvistui", "verrokki",
                  "varomittari", "hyvinvointi", "suurempi on parempi", "(viimeisimmät 5/7)"):
        assert words in text, words
    assert f"12{NBSP}000 €" in text and f"1{NBSP}500 h" in text
    assert "4,1 (keskihajonta 0,8)" in text and f"95{NBSP}%" in text and "2 prosenttiyksikköä" in text
    assert "13.1.2025 – 1.7.2025" in text and "päätetty 1.7.2025" in text
    assert "160 havaintoa kaikissa mittareissa yhteensä." in text


def test_experiment_in_swedish(tracker: kokeilu.Tracker) -> None:
    e = _amended_and_concluded(tracker)
    text = _text(experiment_html(e, tracker, lang="sv"))
    for words in ("Testkort", "Vi tror att", "Vi har rätt om", "Mätare", "Grupper", "Dagbok",
                  "Ändrat efter starten", "(1 ändring):", "Själva framgångskriteriet ändrades",
                  "Vi observerade", "hypotesen bekräftades", "kontrollgrupp", "skyddsmätare", "välfärd",
                  "(de senaste 5 av 7)", "160 observationer för alla mätare sammanlagt."):
        assert words in text, words
    assert f"12{NBSP}000 €" in text and "4,1 (standardavvikelse 0,8)" in text and f"95{NBSP}%" in text
    assert "13.1.2025 – 1.7.2025" in text and "fattat 1.7.2025" in text


def test_experiment_in_english_writes_english_numbers(tracker: kokeilu.Tracker) -> None:
    e = _amended_and_concluded(tracker)
    text = _text(experiment_html(e, tracker, lang="en"))
    assert "12,000 €" in text and "1,500 h" in text and "4.1 (sd 0.8)" in text and "95%" in text
    assert "2025-01-13 – 2025-07-01" in text and "decided on 2025-07-01" in text
    assert "(1 change):" in text and "160 observations over all metrics." in text


def test_counted_texts_take_the_singular_for_one(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    tracker.start(e, on=D(2025, 1, 13))
    tracker.log(e, 4.0, arm="tavanomainen", at=datetime.datetime(2025, 1, 14, 9))
    assert "1 havainto kaikissa mittareissa yhteensä." in _text(experiment_html(tracker.get(e), tracker, lang="fi"))
    assert "1 observation för alla mätare" in _text(experiment_html(tracker.get(e), tracker, lang="sv"))


def test_early_start_in_the_language(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    e = tracker.start(e, on=D(2025, 1, 13))
    assert e.days_started_before_lock is not None and e.days_started_before_lock > 1
    finnish = early_start_text(e, lang="fi")
    assert finnish.startswith(f"Aloitettu {e.days_started_before_lock} päivää ennen testikortin lukitsemista")
    assert "aineistoa 13.1.2025–" in finnish
    assert early_start_text(e, lang="sv") != early_start_text(e, lang="en")


# -- the analysis -----------------------------------------------------------------------------------


def test_analysis_in_finnish_shows_the_finnish_sentence_and_decimal_commas(tracker: kokeilu.Tracker) -> None:
    analysis = tracker.analyze(_measured(tracker))
    page = analysis.html(lang="fi")
    text = _text(page)
    assert analysis.verdict.sentence_fi in text and analysis.verdict.sentence_en not in text
    assert "hypoteesi vahvistui" in text and "todennäköisyys olla parempi" in text and "p-arvo" in text
    estimate = analysis.primary["estimate"]
    assert f"{estimate:.4g}".replace(".", ",") in text
    assert f"{estimate:.4g}" not in text
    lines = analysis.text(lang="fi")
    assert "hypoteesi vahvistui" in lines and "turvallisuus [päämittari] etäkäynti vs. tavanomainen" in lines


def test_a_negative_interval_reads_unambiguously_in_every_language(tracker: kokeilu.Tracker) -> None:
    # The remote arm about 0.5 points lower: both ends of the interval are negative.
    analysis = tracker.analyze(_started_with_scores(tracker, 4.6, 4.1, seed=11))
    assert analysis.primary["ci_high"] < 0
    for lang, minus in (("fi", "\u2212"), ("sv", "\u2212"), ("en", "-")):
        for shown in (analysis.text(lang=lang), analysis.verdict.sentence(lang), _text(analysis.html(lang=lang))):
            assert f" … {minus}0" in shown or f" to {minus}0" in shown, (lang, shown)
            assert f"–{minus}" not in shown and f"-{minus}" not in shown, (lang, shown)


def test_a_proportions_change_is_in_percentage_points_whatever_its_unit_names(tracker: kokeilu.Tracker) -> None:
    metrics = [{"name": "valmis", "kind": "proportion", "unit": "osuus hakemuksista", "minimum_effect": 0.05}]
    e = tracker.create(**_fields(metrics=metrics))
    tracker.start(e, on=D(2025, 1, 13))
    at = np.datetime64("2025-01-14T09:00") + np.arange(400) * np.timedelta64(1, "h")
    tracker.log_many(e, (np.arange(400) % 10 < 5).astype(float), arm="tavanomainen", at=at)
    tracker.log_many(e, (np.arange(400) % 10 < 7).astype(float), arm="etäkäynti", at=at)
    analysis = tracker.analyze(e)
    assert abs(analysis.primary["estimate"] - 0.2) < 1e-12
    assert "nousi 20 prosenttiyksikköä" in analysis.verdict.sentence("fi")
    assert "steg med 20 procentenheter" in analysis.verdict.sentence("sv")
    english = analysis.verdict.sentence("en")
    assert "rose by 20 percentage points" in english and "osuus hakemuksista" not in english
    # The core's own English says it too, for a program that embeds the library.
    assert "20 percentage points" in analysis.result.verdict.message.english()
    assert "20 percentage points (13.27 … 26.55)" in analysis.text(lang="en")
    finnish = analysis.text(lang="fi")
    assert "20 prosenttiyksikköä (13,27 … 26,55)" in finnish
    # The warnings too are said in Finnish (the experiment started before its Test Card was locked).
    assert "Started" not in finnish and "Rows logged" not in finnish


def test_analysis_in_swedish_and_english(tracker: kokeilu.Tracker) -> None:
    analysis = tracker.analyze(_measured(tracker))
    swedish = _text(analysis.html(lang="sv"))
    assert analysis.verdict.sentence("sv") in swedish and analysis.verdict.sentence_en not in swedish
    assert "hypotesen bekräftades" in swedish and "sannolikhet att vara bättre" in swedish
    assert "etäkäynti mot tavanomainen" in analysis.text(lang="sv")
    english = _text(analysis.html(lang="en"))
    assert "chance to beat" in english and analysis.verdict.sentence_en in english
    kokeilu.set_language("fi")
    assert analysis.verdict.sentence_fi in analysis._repr_html_() and "etäkäynti vs." in repr(analysis)


# -- the portfolio ----------------------------------------------------------------------------------


def _portfolio(tracker: kokeilu.Tracker) -> None:
    for organisation, verdict in (("Oulu", "supported"), ("Oulu", "refuted"), ("Ii", "inconclusive")):
        e = tracker.create(**_fields(organisation=organisation, actual_cost_eur=1500.0))
        tracker.start(e, on=D(2025, 1, 13))
        tracker.conclude(e, verdict, decision="adapt", decided_on=D(2025, 3, 2))


def test_portfolio_in_finnish_swedish_and_english(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    finnish = portfolio_html(tracker, lang="fi")
    assert "Kokeilusalkku" in finnish and "onnistumisosuus" in finnish and ">kaikki<" in finnish
    assert f">50{NBSP}%<" in finnish and f">1{NBSP}500 €<" in finnish and ">hypoteesi kumoutui<" in finnish
    by_purpose = portfolio_html(tracker, "purpose", lang="sv")
    assert ">välfärd<" in by_purpose and "andel framgångar" in by_purpose and ">syfte<" in by_purpose
    english = portfolio_html(tracker, lang="en")
    assert ">50%<" in english and ">1,500 €<" in english and "win rate" in english
    whole = portfolio.Portfolio(tracker)
    assert whole.text(lang="fi") == "<kokeilu Kokeilusalkku, 3 kokeilua (3 päätetty)>"
    assert whole.text(lang="sv") == "<kokeilu Försöksportfölj med 3 försök (3 avslutat)>"
    kokeilu.set_language("fi")
    assert repr(whole) == whole.text(lang="fi") and "Kokeilusalkku" in whole._repr_html_()


# -- nothing left in English ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_no_display_text_is_left_in_english(tracker: kokeilu.Tracker, lang: str) -> None:
    concluded = _amended_and_concluded(tracker)
    draft = tracker.create(**_fields(title="Luonnos"))
    stopped = tracker.stop(tracker.start(tracker.create(**_fields()), on=D(2025, 2, 3)), "laitteet puuttuivat")
    _portfolio(tracker)
    analysis = tracker.analyze(concluded)
    # The verdict sentences in Swedish and the warnings are the core's own texts (in English for now),
    # and journal notes are data (the core writes one when an experiment stops).
    exceptions = [analysis.verdict.sentence_en, *analysis.warnings]
    exceptions += [note.text for e in (concluded, stopped) for note in tracker.journal(e)]
    if analysis.amended_verdict is not None:
        exceptions.append(analysis.amended_verdict.sentence_en)
    pages = [
        *(experiment_html(e, tracker, lang=lang) for e in (concluded, draft, stopped)),
        analysis.html(lang=lang),
        portfolio_html(tracker, lang=lang),
        portfolio_html(tracker, ["organisation", "purpose"], lang=lang),
    ]
    shown = " ".join(_text(page) for page in pages)
    shown += " " + analysis.text(lang=lang) + " " + portfolio.Portfolio(tracker).text(lang=lang)
    for exception in exceptions:
        shown = shown.replace(exception, "")
    assert untranslated(shown, lang) == []


def test_a_comparison_without_data_says_why_in_the_readers_language(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    tracker.start(e, on=D(2025, 1, 13))
    tracker.log(e, 4.0, arm="tavanomainen", at=datetime.datetime(2025, 1, 14, 9, tzinfo=datetime.timezone.utc))
    analysis = tracker.analyze(e)
    assert analysis.primary["status"].startswith("not enough data")
    finnish = analysis.text(lang="fi") + _text(analysis.html(lang="fi"))
    assert "not enough data" not in finnish and "liian vähän havaintoja" in finnish
    assert "not enough data" in analysis.text(lang="en")
