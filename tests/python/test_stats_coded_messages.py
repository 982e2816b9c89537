"""The analysis' warnings, statuses and verdict as codes and parameters, and said from the
catalogues in Finnish, Swedish and English with the language's numbers."""

from __future__ import annotations

import re

import datetime
import sys
from pathlib import Path

import pytest

import kokeilu
from kokeilu.cli.i18n import Messages
from kokeilu.cli.render import warning_text

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import run  # noqa: E402

T = datetime.datetime
WIDE = {"COLUMNS": "220"}
KEY = "OULU-2026-001"
# Twenty answers per arm: control averages 4.0, video 4.5 (a rise of 0.5 points).
CONTROL = [3.0, 4.0, 5.0, 4.0] * 5
VIDEO = [4.0, 5.0, 5.0, 4.0] * 5


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kokeilut.db"
    with kokeilu.open(path) as tracker:
        e = tracker.create(
            key=KEY,
            title="Etäkäynnit iltaisin",
            organisation="Oulu",
            unit="kotihoito",
            we_believe="osa iltakäynneistä voidaan tehdä videolla",
            to_verify="korvaamme joka kolmannen iltakäynnin videokäynnillä",
            and_measure="turvallisuudentunnetta kyselyllä (1–5)",
            right_if="turvallisuudentunne nousee vähintään 0,3 pistettä",
            purposes=["wellbeing"],
            design="concurrent",
            arms={"kontrolli": "control", "video": "treatment"},
            metrics=[{"name": "turva", "unit": "pistettä", "kind": "mean", "minimum_effect": 0.3}],
        )
        tracker.start(e, on=datetime.date(2025, 1, 13))
        at = [T(2025, 1, 13 + i % 10, 9) for i in range(20)]
        tracker.log_many(e, CONTROL, arm="kontrolli", at=at)
        tracker.log_many(e, VIDEO, arm="video", at=at)
    return path


def analysis(db: Path) -> kokeilu.Analysis:
    with kokeilu.open(db, read_only=True) as tracker:
        return tracker.analyze(KEY)


def test_warnings_have_codes_beside_their_english(db: Path) -> None:
    a = analysis(db)
    assert len(a.warning_messages) == len(a.warnings) > 0
    codes = [code for code, _ in a.warning_messages]
    few = a.warning_messages[codes.index("stats.warning.few_observations")]
    assert few[1] == {"metric": "turva", "n": 20, "minimum": 30}
    templates = kokeilu._core.message_templates()
    for (code, params), english in zip(a.warning_messages, a.warnings):
        # The same words; the catalogue's English groups the digits of a count (1,422), the core's not.
        assert re.sub(r"(?<=\d),(?=\d{3}\b)", "", Messages("en").core(code, params) or "") == english
        assert code in templates


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fi", "Vähän havaintoja: mittarin turva yhdessä ryhmässä havaintoja on vain 20, alle 30;"),
        ("sv", "Få observationer: en grupp av turva har bara 20, färre än 30;"),
        ("en", "Few observations: an arm of turva has 20, fewer than 30;"),
    ],
)
def test_a_warning_in_each_language(db: Path, lang: str, expected: str) -> None:
    a = analysis(db)
    texts = [warning_text(Messages(lang), code, params) for code, params in a.warning_messages]
    assert any(text.startswith(expected) for text in texts), texts
    shown = run(["analyze", KEY, "--lang", lang], db=db, env=WIDE)
    assert shown.code == 0, shown
    assert expected in " ".join(shown.out.split())


def test_a_guardrail_warning_writes_its_number_the_languages_way() -> None:
    params = {"metric": "lääke_unohtui", "arm": "video", "minimum": 0.05}
    assert warning_text(Messages("fi"), "stats.warning.guardrail", params) == (
        "Varomittari lääke_unohtui (video) on voinut heiketä enemmän kuin hyväksyttävän määrän 0,05."
    )
    assert warning_text(Messages("sv"), "stats.warning.guardrail", params) == (
        "Skyddsmåttet lääke_unohtui (video) kan ha försämrats mer än det godtagbara 0,05."
    )
    assert warning_text(Messages("en"), "stats.warning.guardrail", params) == (
        "Guardrail lääke_unohtui (video): it may have worsened by more than the acceptable 0.05."
    )


def test_the_start_before_the_lock_is_said_with_the_languages_dates() -> None:
    params = {"days": 1, "start": "2025-03-03", "locked": "2025-03-04 09:15 UTC"}
    fi = warning_text(Messages("fi"), "stats.warning.started_before_lock_one_day", params)
    assert fi.startswith("Aloitettu 1 päivä ennen testikortin lukitsemista: aineistoa 3.3.2025–4.3.2025 klo 9.15")
    sv = warning_text(Messages("sv"), "stats.warning.started_before_lock_one_day", params)
    assert sv.startswith("Startade 1 dag innan testkortet låstes")
    en = warning_text(Messages("en"), "stats.warning.started_before_lock_one_day", params)
    assert en.startswith("Started 1 day before the Test Card was locked: data from 2025-03-03 to 2025-03-04 09:15")


def test_the_verdict_carries_its_code_and_numbers(db: Path) -> None:
    v = analysis(db).verdict
    code, params = v.message
    assert code.startswith("stats.verdict.")
    assert params["metric"] == "turva" and params["unit"] == "pistettä"
    assert params["estimate"] == pytest.approx(0.5)
    assert params["minimum_effect"] == pytest.approx(0.3)
    assert params["confidence"] == pytest.approx(0.95)
    assert params["low"] < 0.5 < params["high"]


def test_the_verdict_in_each_language(db: Path) -> None:
    v = analysis(db).verdict
    low, high = v.message[1]["low"], v.message[1]["high"]
    fi, sv, en = v.sentence("fi"), v.sentence("sv"), v.sentence("en")
    assert fi == v.sentence_fi and en == v.sentence_en
    finnish, swedish = Messages("fi"), Messages("sv")
    fi_interval = f"(suurempi on parempi; 95 %:n luottamusväli {finnish.figure(low)} … {finnish.figure(high)})"
    assert "turva nousi 0,5 pistettä" in fi and fi_interval in fi
    sv_interval = f"(högre är bättre; 95 % konfidensintervall {swedish.figure(low)} … {swedish.figure(high)})"
    assert "turva steg med 0,5 pistettä" in sv and sv_interval in sv
    assert "turva rose by 0.5 pistettä" in en and "(higher is better; 95% interval" in en
    with pytest.raises(ValueError):
        v.sentence("de")
    for lang, sentence in (("fi", fi), ("sv", sv), ("en", en)):
        shown = run(["analyze", KEY, "--lang", lang], db=db, env=WIDE)
        assert " ".join(sentence.split()) in " ".join(shown.out.split())


def test_verdict_sentences_for_each_case_in_finnish_and_swedish() -> None:
    from kokeilu.verdict_text import verdict_sentence

    base = {
        "metric": "turva", "direction": "higher_is_better", "scale": "absolute", "unit": "pistettä",
        "estimate": 0.1, "low": -0.2, "high": 0.4, "confidence": 0.95, "minimum_effect": 0.3,
    }
    fi, sv = Messages("fi"), Messages("sv")
    one = verdict_sentence(fi, "locked", ("stats.verdict.undecided_one_more", {**base, "additional": 1}))
    assert one.endswith("; noin 1 havainto lisää todennäköisesti ratkaisisi asian.")
    many = verdict_sentence(fi, "locked", ("stats.verdict.undecided_more_data", {**base, "additional": 1250}))
    assert many.endswith("; noin 1\u00a0250 havaintoa lisää todennäköisesti ratkaisisi asian.") or many.endswith(
        "; noin 1 250 havaintoa lisää todennäköisesti ratkaisisi asian."
    )
    assert "(pienempi on parempi; 95 %:n luottamusväli \u22120,2 … 0,4)" in verdict_sentence(
        fi, "locked", ("stats.verdict.undecided", {**base, "direction": "lower_is_better"})
    )
    worse = verdict_sentence(sv, "locked", ("stats.verdict.wrong_direction", {**base, "estimate": -0.4}))
    assert worse.startswith("Experimentet motbevisade hypotesen: turva blev sämre, värdet sjönk med 0,4 pistettä")
    assert worse.endswith("i stället för att förbättras med minst 0,3 pistettä.")
    relative_params = {**base, "scale": "relative", "estimate": 0.02, "minimum_effect": 0.05}
    relative = verdict_sentence(fi, "locked", ("stats.verdict.too_small", relative_params))
    assert "turva nousi 2 %" in relative and "(5 %)" in relative
    explored = verdict_sentence(
        sv, "amended", ("stats.verdict.improvement", base), [("stats.verdict.customer_impact_note", {})]
    )
    assert explored.startswith("Explorativ bedömning mot det ändrade kriteriet")
    assert ": experimentet stödde hypotesen: turva steg med 0,1 pistettä" in explored
    assert explored.endswith(" Kundeffekten mättes inte.")
    noted = verdict_sentence(
        fi, "locked", ("stats.verdict.improvement", base), [("stats.verdict.amended_note", {"changes": "a: 1 → 2"})]
    )
    assert noted.endswith(" Kriteeriä muutettiin kokeilun alettua (a: 1 → 2); tämä johtopäätös on arvioitu "
                          "kriteeriä vasten sellaisena kuin se lukittiin alussa.")
    why = {"metric": "turva", "why": "not enough data: treatment: needs at least 2 observations, has 1",
           "why_code": "stats.mean.too_few", "why.n": 1, "why.field": "treatment"}
    assert verdict_sentence(fi, "locked", ("stats.verdict.not_enough_data", why)) == (
        "Mittarista turva ei ole vielä tarpeeksi havaintoja johtopäätöksiin "
        "(liian vähän havaintoja: treatment: tarvitsee vähintään 2 havaintoa, nyt 1)."
    )


def test_a_comparison_status_has_its_reasons_code(tmp_path: Path) -> None:
    with kokeilu.open(tmp_path / "t.db") as tracker:
        e = tracker.create(
            key="K-1", title="t", organisation="o", unit="u", we_believe="a", to_verify="b", and_measure="c",
            right_if="d", purposes=["wellbeing"], design="concurrent",
            arms={"kontrolli": "control", "video": "treatment"},
            metrics=[{"name": "turva", "kind": "mean", "minimum_effect": 0.3}],
        )
        tracker.start(e, on=datetime.date(2025, 1, 13))
        tracker.log(e, 4.0, arm="kontrolli", at=T(2025, 1, 13, 9))
        result = tracker.analyze("K-1").result
    status = result.comparisons[0].status_message
    assert status.code in kokeilu._core.message_templates()
    assert "field" in status.params
    assert result.comparisons[0].status.startswith("not enough data: ")
    assert result.verdict.message.code == "stats.verdict.not_enough_data"
    assert result.verdict.message.params["why_code"] == status.code


def _judgement(**changed: object) -> dict[str, object]:
    params: dict[str, object] = {
        "metric": "sense_of_security", "direction": "higher_is_better", "scale": "absolute", "unit": "points",
        "estimate": 0.5, "low": 0.35, "high": 0.65, "confidence": 0.95, "minimum_effect": 0.3,
    }
    params.update(changed)
    return params


def _fi(code: str, notes: tuple[tuple[str, dict[str, object]], ...] = (), criterion: str = "locked",
        **changed: object) -> str:
    from kokeilu.verdict_text import verdict_sentence

    return verdict_sentence(Messages("fi"), criterion, (code, _judgement(**changed)), notes)


def test_the_finnish_sentences_read_as_before() -> None:
    supported = _fi("stats.verdict.improvement")
    assert supported.startswith("Kokeilu tuki hypoteesia: sense_of_security nousi 0,5 pistettä")
    assert "(suurempi on parempi; 95 %:n luottamusväli 0,35 … 0,65)" in supported
    assert _fi("stats.verdict.too_small", estimate=0.1, low=0.02, high=0.18).startswith("Kokeilu kumosi hypoteesin")
    assert "heikkeni" in _fi("stats.verdict.wrong_direction", estimate=-0.4, low=-0.6, high=-0.2)
    fell = _fi("stats.verdict.improvement", metric="waiting_days", unit="days", direction="lower_is_better",
               estimate=-3.0, low=-4.5, high=-1.5, minimum_effect=2.0)
    assert "waiting_days laski 3 päivää" in fell and "pienempi on parempi" in fell
    more = _fi("stats.verdict.undecided_more_data", estimate=0.2, low=-0.1, high=0.5, additional=125)
    assert more.endswith("noin 125 havaintoa lisää todennäköisesti ratkaisisi asian.")
    assert _fi("stats.verdict.customer_impact_unmeasured").startswith("Asiakasvaikuttavuutta ei mitattu")
    zero = _fi("stats.verdict.undecided", estimate=0.0, low=-0.4, high=0.4)
    assert "sense_of_security ei muuttunut (suurempi on parempi; 95 %:n luottamusväli \u22120,4 … 0,4)" in zero
    worse = _fi("stats.verdict.wrong_direction", unit="", estimate=-0.45, low=-0.62, high=-0.28)
    assert "se laski 0,45 (suurempi on parempi; 95 %:n luottamusväli \u22120,62 … \u22120,28)" in worse
    assert worse.endswith("vähintään 0,3.")
    relative = _fi("stats.verdict.improvement", scale="relative", estimate=0.15, low=0.12, high=0.18,
                   minimum_effect=0.1)
    assert "nousi 15 % (suurempi on parempi; 95 %:n luottamusväli 12 % … 18 %)" in relative
    amended = (("stats.verdict.amended_note", {"changes": "metric[sense_of_security].minimum_effect: 0.2 → 0.1"}),)
    assert " Kriteeriä muutettiin kokeilun alettua (metric[sense_of_security]" in _fi(
        "stats.verdict.improvement", amended)
    explored = _fi("stats.verdict.improvement", criterion="amended")
    assert explored.startswith("Suuntaa antava arvio muutettua kriteeriä vasten (kriteeriä muutettiin, kun aineistoa "
                               "oli jo nähty): kokeilu tuki hypoteesia")
    note = (("stats.verdict.customer_impact_note", {}),)
    assert _fi("stats.verdict.undecided", note, estimate=0.5, low=-0.1, high=1.1).endswith(
        ". Asiakasvaikuttavuutta ei mitattu.")
    from kokeilu.verdict_text import verdict_sentence

    no_data = verdict_sentence(Messages("fi"), "locked",
                               ("stats.verdict.not_enough_data", {"metric": "visits_made", "why": "no observations"}),
                               note)
    assert no_data == (
        "Mittarista visits_made ei ole vielä tarpeeksi havaintoja johtopäätöksiin (no observations). "
        "Asiakasvaikuttavuutta ei mitattu."
    )
    unusable = verdict_sentence(Messages("fi"), "locked",
                                ("stats.verdict.values_unusable", {"metric": "m", "why": "too large"}))
    assert "tallennettuja arvoja ei voi arvioida" in unusable


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_every_judgement_says_the_change_as_it_happened_and_which_way_is_better(lang: str) -> None:
    from kokeilu.verdict_text import verdict_sentence

    rose, fell = {"fi": ("nousi", "laski"), "sv": ("steg med", "sjönk med")}[lang]
    better = {
        "fi": ("suurempi on parempi", "pienempi on parempi"),
        "sv": ("högre är bättre", "lägre är bättre"),
    }[lang]
    codes = [code for code in kokeilu._core.message_templates()
             if code.startswith("stats.verdict.") and "{change}" in kokeilu._core.message_templates()[code]]
    assert len(codes) == 8  # every reason with an estimate, and its variants
    for code in codes:
        for direction, said in zip(("higher_is_better", "lower_is_better"), better):
            for estimate in (-0.2, 0.0, 0.2):
                params = _judgement(direction=direction, estimate=estimate, low=-0.3, high=0.3, additional=3)
                text = verdict_sentence(Messages(lang), "locked", (code, params))
                assert (rose in text) == (estimate > 0), text
                assert (fell in text) == (estimate < 0), text
                assert said in text, text
                assert "{" not in text, text
