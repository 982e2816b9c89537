"""A metric's unit with its number: the known codes inflected in Finnish, Swedish and English, the
user's own "singular|plural", older free-text units as before, and the command showing them."""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import call  # noqa: E402

import kokeilu  # noqa: E402
from kokeilu import display, units  # noqa: E402
from kokeilu.cli.i18n import Messages  # noqa: E402

NB = "\u00a0"  # Finnish and Swedish write a no-break space before "%"
MINUS = "\u2212"

# unit -> language -> what 1, 2, 0.5 and -3 are written as.
EXPECTED = {
    "points": {
        "fi": ("1 piste", "2 pistettä", "0,5 pistettä", f"{MINUS}3 pistettä"),
        "sv": ("1 poäng", "2 poäng", "0,5 poäng", f"{MINUS}3 poäng"),
        "en": ("1 point", "2 points", "0.5 points", "-3 points"),
    },
    "days": {
        "fi": ("1 päivä", "2 päivää", "0,5 päivää", f"{MINUS}3 päivää"),
        "sv": ("1 dag", "2 dagar", "0,5 dagar", f"{MINUS}3 dagar"),
        "en": ("1 day", "2 days", "0.5 days", "-3 days"),
    },
    "hours": {
        "fi": ("1 tunti", "2 tuntia", "0,5 tuntia", f"{MINUS}3 tuntia"),
        "sv": ("1 timme", "2 timmar", "0,5 timmar", f"{MINUS}3 timmar"),
        "en": ("1 hour", "2 hours", "0.5 hours", "-3 hours"),
    },
    "euros": {
        "fi": ("1 euro", "2 euroa", "0,5 euroa", f"{MINUS}3 euroa"),
        "sv": ("1 euro", "2 euro", "0,5 euro", f"{MINUS}3 euro"),
        "en": ("1 euro", "2 euros", "0.5 euros", "-3 euros"),
    },
    "visits": {
        "fi": ("1 käynti", "2 käyntiä", "0,5 käyntiä", f"{MINUS}3 käyntiä"),
        "sv": ("1 besök", "2 besök", "0,5 besök", f"{MINUS}3 besök"),
        "en": ("1 visit", "2 visits", "0.5 visits", "-3 visits"),
    },
    "people": {
        "fi": ("1 henkilö", "2 henkilöä", "0,5 henkilöä", f"{MINUS}3 henkilöä"),
        "sv": ("1 person", "2 personer", "0,5 personer", f"{MINUS}3 personer"),
        "en": ("1 person", "2 people", "0.5 people", "-3 people"),
    },
    "percent": {
        "fi": (f"1{NB}%", f"2{NB}%", f"0,5{NB}%", f"{MINUS}3{NB}%"),
        "sv": (f"1{NB}%", f"2{NB}%", f"0,5{NB}%", f"{MINUS}3{NB}%"),
        "en": ("1%", "2%", "0.5%", "-3%"),
    },
    "percentage_points": {
        "fi": ("1 prosenttiyksikkö", "2 prosenttiyksikköä", "0,5 prosenttiyksikköä", f"{MINUS}3 prosenttiyksikköä"),
        "sv": ("1 procentenhet", "2 procentenheter", "0,5 procentenheter", f"{MINUS}3 procentenheter"),
        "en": ("1 percentage point", "2 percentage points", "0.5 percentage points", "-3 percentage points"),
    },
}


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("unit", sorted(EXPECTED))
def test_every_known_unit_agrees_with_its_number(unit: str, lang: str) -> None:
    written = tuple(units.quantity(lang, value, unit) for value in (1, 2, 0.5, -3))
    assert written == EXPECTED[unit][lang]


def test_one_as_a_float_and_minus_one_take_the_singular() -> None:
    assert units.quantity("fi", 1.0, "days") == "1 päivä"
    assert units.quantity("sv", -1, "days") == f"{MINUS}1 dag"
    assert units.quantity("fi", 0, "days") == "0 päivää"


def test_a_share_is_written_as_per_cent_and_its_difference_in_percentage_points() -> None:
    assert units.quantity("fi", 0.083, "share") == f"8,3{NB}%"
    assert units.quantity("en", 0.5, "share") == "50%"
    assert units.quantity("sv", 0.01, "share", difference=True) == "1 procentenhet"
    assert units.quantity("fi", 0.1, "share", difference=True) == "10 prosenttiyksikköä"
    assert units.quantity("fi", 3, "percent", difference=True) == "3 prosenttiyksikköä"


def test_points_name_their_scale_from_the_valid_range() -> None:
    assert units.quantity("fi", 4, "points", 1, 5) == "4 pistettä asteikolla 1–5"
    assert units.quantity("fi", 1, "points", 1, 5) == "1 piste asteikolla 1–5"
    assert units.quantity("en", 4, "points", 1, 5) == "4 points on a scale of 1–5"
    assert units.quantity("sv", 4, "points", 1, 5) == "4 poäng på skalan 1–5"
    assert units.quantity("fi", 0.3, "points", 1, None) == "0,3 pistettä"  # no scale without both ends


def test_the_number_chooses_the_form_as_it_is_written() -> None:
    # 0.9996 written to three digits is "1": one day, not "1 päivää".
    assert units.quantity("fi", 0.9996, "days", number=lambda v: Messages("fi").figure(v)) == "1 päivä"
    assert units.quantity("fi", 1, "days", sign=True) == "+1 päivä"
    assert units.quantity("en", 2, "days", sign=True) == "+2 days"
    assert units.quantity("en", None, "days") == "–"


def test_a_unit_in_the_users_own_words_is_the_same_in_every_language() -> None:
    for lang in ("fi", "sv", "en"):
        assert units.quantity(lang, 1, "käynti|käyntiä") == "1 käynti"
        assert units.quantity(lang, 2, " käynti | käyntiä ").endswith(" käyntiä")
    assert units.quantity("fi", 0.5, "hakemus|hakemusta") == "0,5 hakemusta"
    assert units.unit_name("fi", "hakemus|hakemusta") == "hakemusta"


def test_an_older_free_text_unit_is_shown_after_the_number_as_before() -> None:
    assert units.quantity("fi", 1, "pistettä (1–5)") == "1 pistettä (1–5)"
    assert units.quantity("en", 2, "") == "2"
    assert units.quantity("en", 2, None) == "2"
    assert units.quantity("fi", 2, "a|") == "2 a|"  # not two forms: kept as typed
    assert units.unit_name("sv", "pistettä (1–5)") == "pistettä (1–5)"


def test_names_of_the_known_units_and_what_new_recognises() -> None:
    assert units.unit_name("fi", "days") == "päivät"
    assert units.unit_name("sv", "share") == "andel"
    assert units.recognise("fi", "päivää") == "days"
    assert units.recognise("fi", "Pisteet") == "points"
    assert units.recognise("sv", "dagar") == "days"
    assert units.recognise("en", "percentage points") == "percentage_points"
    assert units.recognise("fi", "%") == "%"  # per cent or share: only the code says which
    assert units.recognise("fi", "käyntiä / viikko") == "käyntiä / viikko"
    assert units.recognise("fi", "käynti|käyntiä") == "käynti|käyntiä"


def test_messages_quantity_takes_the_metric_unit_and_scale() -> None:
    metric = kokeilu.Metric("turva", kind="mean", minimum_effect=0.3, unit="points", valid_min=1, valid_max=5)
    assert Messages("fi").quantity(4, None, metric) == "4 pistettä asteikolla 1–5"
    assert Messages("sv").quantity(2, "days") == "2 dagar"


def test_the_smallest_effect_in_the_criterion_agrees_with_its_number() -> None:
    from kokeilu.cli.new_experiment import effect_phrase

    fi = Messages("fi")
    assert effect_phrase(fi, 0.3, "absolute", "points", 1, 5) == "0,3 pistettä asteikolla 1–5"
    assert effect_phrase(fi, 1, "absolute", "days") == "1 päivä"
    assert effect_phrase(Messages("sv"), 2, "absolute", "days") == "2 dagar"
    assert fi("right_if.higher", metric="turva", effect=effect_phrase(fi, 0.3, "absolute", "points", 1, 5)).endswith(
        "0,3 pistettä asteikolla 1–5"
    )


def _experiment(db: Path, unit: str) -> None:
    with kokeilu.open(db) as tracker:
        e = tracker.create(
            key="OULU-2026-001",
            title="Etäkäynnit iltaisin",
            organisation="Oulu",
            we_believe="a",
            to_verify="b",
            and_measure="c",
            right_if="d",
            purposes=["wellbeing"],
            arms={"kontrolli": "control", "video": "treatment"},
            metrics=[
                {"name": "turva", "unit": unit, "kind": "mean", "minimum_effect": 0.5, "valid_min": 1, "valid_max": 5}
            ],
        )
        tracker.start(e, on=datetime.date(2025, 1, 13))
        at = [datetime.datetime(2025, 1, 13 + i % 10, 9) for i in range(20)]
        tracker.log_many(e, [4.0] * 20, arm="kontrolli", at=at)
        tracker.log_many(e, [3.0, 4.0] * 10, arm="video", at=at)


WIDE = {"COLUMNS": "240"}


def test_the_command_shows_points_on_their_scale_in_finnish_and_swedish(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    _experiment(db, "points")
    fi = call(["--lang", "fi", "show", "OULU-2026-001"], db=db, env=WIDE)
    assert fi.code == 0, fi
    assert "0,5 pistettä asteikolla 1–5" in fi.out  # the smallest effect worth having
    assert "4 pistettä asteikolla 1–5" in fi.out  # the level of the control arm
    assert "turva (pisteet)" in fi.out
    sv = call(["--lang", "sv", "analyze", "OULU-2026-001"], db=db, env=WIDE)
    assert sv.code == 0, sv
    assert "4 poäng på skalan 1–5" in sv.out
    assert "−0,5 poäng på skalan 1–5" in sv.out  # the estimated effect


def test_the_command_shows_the_users_forms_and_an_old_unit(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    _experiment(db, "käynti|käyntiä")
    fi = call(["--lang", "fi", "analyze", "OULU-2026-001"], db=db, env=WIDE)
    assert fi.code == 0, fi
    assert "4 käyntiä" in fi.out and "3,5 käyntiä" in fi.out
    old = tmp_path / "old.db"
    _experiment(old, "pistettä (1–5)")
    shown = call(["--lang", "fi", "show", "OULU-2026-001"], db=old, env=WIDE)
    assert shown.code == 0, shown
    assert "0,5 pistettä (1–5)" in shown.out


def test_new_stores_a_recognised_unit_as_its_code_and_writes_the_criterion_with_it(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    args = ["--lang", "fi", "new", "--title", "t", "--organisation", "Oulu", "--purpose", "wellbeing"]
    args += ["--we-believe", "a", "--to-verify", "b", "--and-measure", "c", "--right-if", "d"]
    args += ["--metric", "odotus", "--metric-unit", "päivää", "--minimum-effect", "1", "--kind", "mean"]
    args += ["--planned-start", "2025-01-06", "--planned-end", "2025-05-01"]
    assert call(["init"], db=db).code == 0
    result = call(args, db=db)
    assert result.code == 0, result
    with kokeilu.open(db) as tracker:
        (e,) = tracker.experiments()
        assert e.primary_metric.unit == "days"
    shown = call(["--lang", "sv", "show", e.key], db=db, env=WIDE)
    assert "1 dag" in shown.out and "odotus (dagar)" in shown.out


def test_the_analysis_display_writes_the_estimate_with_its_unit(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    _experiment(db, "points")
    with kokeilu.open(db) as tracker:
        analysis = tracker.analyze("OULU-2026-001")
    assert "−0,5 pistettä asteikolla 1–5" in analysis.text(lang="fi")
    assert "−0,5 poäng på skalan 1–5" in analysis.html(lang="sv")
    assert "-0.5 points on a scale of 1–5" in analysis.text(lang="en")
    html = display.experiment_html(analysis.experiment, lang="fi")
    assert "0,5 pistettä asteikolla 1–5" in html and "pisteet" in html


def test_counted_messages_agree_with_counts_of_every_type() -> None:
    import numpy as np

    fi = Messages("fi")
    assert fi("html.changes", count=np.int64(1)) == "(1 muutos):"
    assert fi("html.changes", count=1.0).startswith("(1")
    assert fi("html.changes", count=1.0).endswith("muutos):")
    assert fi("html.changes", count="1") == "(1 muutos):"  # already written as text
    assert fi("html.changes", count="2") == "(2 muutosta):"
    assert fi("show.early_start", days=1, start="a", locked="b").startswith("Aloitettu 1 päivä ennen")
    assert Messages("sv")("html.changes", count=np.int64(3)) == "(3 ändringar):"
