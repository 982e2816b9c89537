"""The command's three languages: how one is chosen, and that every text exists in each."""

from __future__ import annotations

import datetime
import re
import string
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import call  # noqa: E402

from kokeilu import DesignKind  # noqa: E402
from kokeilu.cli import i18n  # noqa: E402

CLI_SOURCES = sorted((Path(i18n.__file__).parent).glob("*.py"))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


KEYS = sorted(i18n.english_texts())


@pytest.mark.parametrize("key", KEYS)
def test_every_message_has_all_languages_with_the_same_placeholders(key: str) -> None:
    """Through Messages, as the command reads them (the .po files are checked in test_catalogue_files)."""
    for count in (1, 2):
        english = i18n.Messages("en").text(key, count)
        assert english.strip()
        for lang in ("fi", "sv"):
            text = i18n.Messages(lang).text(key, count)
            assert text.strip(), (lang, key)
            assert placeholders(text) == placeholders(english), lang


def test_a_counted_message_takes_the_form_of_its_count() -> None:
    fi, sv, en = (i18n.Messages(lang) for lang in ("fi", "sv", "en"))
    assert fi("history.batch", batch=1, rows=1, key="") == "erä 1: 1 rivi"
    assert fi("history.batch", batch=1, rows=3, key="") == "erä 1: 3 riviä"
    assert en("history.batch", batch=1, rows=1, key="") == "batch 1: 1 row"
    assert sv("voided", count=1, key="K", void=1, entry=2, reason="r").startswith("1 observation ")


def test_every_message_the_code_uses_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for source in CLI_SOURCES:
        used |= set(re.findall(r"""msgs\(\s*["']([a-z_.]+)["']""", source.read_text(encoding="utf-8")))
    assert len(used) > 50, "the pattern no longer matches the code"
    # Keys the code builds from a name.
    used |= {
        f"prompt.{name}" for name in ("verdict", "decision", "we_believed", "we_observed", "we_learned", "therefore")
    }
    used |= {f"tc.{part}" for part in ("we_believe", "to_verify", "and_measure", "right_if")}
    used |= {f"lc.{part}" for part in ("we_believed", "we_observed", "we_learned", "therefore")}
    used |= {f"export.{what}" for what in ("experiments", "observations")}
    used |= {f"prompt.arms_count_{design}" for design in DesignKind.__members__}
    assert sorted(used - set(KEYS)) == []


def test_every_enumeration_value_has_a_label_in_every_language() -> None:
    from kokeilu import _core  # every enumeration with labels, exported by kokeilu or not (HistoryKind)

    label_keys = [key.split(":") for key in KEYS if key.startswith("label:")]
    for enum_name in {enum_name for _, enum_name, _ in label_keys}:
        enum = getattr(_core, enum_name)
        names = {name for _, owner, name in label_keys if owner == enum_name}
        assert names == set(enum.__members__), enum_name
        for lang in i18n.LANGUAGES:
            assert all(i18n.Messages(lang).labels(enum_name).values()), (enum_name, lang)


@pytest.mark.parametrize(
    "argv, environ, expected",
    [
        (["list"], {}, "en"),
        (["list"], {"LANG": "fi_FI.UTF-8"}, "fi"),
        (["list"], {"LANG": "en_US.UTF-8", "LC_ALL": "fi_FI.UTF-8"}, "fi"),
        (["list"], {"LANG": "fi_FI.UTF-8", "LC_MESSAGES": "C"}, "en"),
        (["list"], {"LANG": "fi_FI.UTF-8", "LC_ALL": ""}, "fi"),
        (["--lang", "en", "list"], {"LANG": "fi_FI.UTF-8"}, "en"),
        (["list", "--lang=fi"], {}, "fi"),
        (["note", "K", "--", "--lang", "fi"], {}, "en"),
        (["list"], {"LANG": "sv_FI.UTF-8"}, "sv"),
        (["list"], {"LC_ALL": "sv_SE.UTF-8"}, "sv"),
        (["list"], {"KOKEILU_LANG": "sv", "LANG": "fi_FI.UTF-8"}, "sv"),
        (["list"], {"KOKEILU_LANG": "en", "LC_ALL": "sv_FI.UTF-8"}, "en"),
        (["--lang", "fi", "list"], {"KOKEILU_LANG": "sv"}, "fi"),
        (["list"], {"KOKEILU_LANG": "de", "LANG": "sv_FI.UTF-8"}, "sv"),
    ],
)
def test_language_choice(argv: list[str], environ: dict[str, str], expected: str) -> None:
    assert i18n.detect_language(argv, environ) == expected


def test_numbers_dates_and_times_as_finns_write_them() -> None:
    fi, en = i18n.Messages("fi"), i18n.Messages("en")
    assert (fi.number(0.25), en.number(0.25)) == ("0,25", "0.25")
    assert (fi.date(datetime.date(2026, 3, 1)), en.date(datetime.date(2026, 3, 1))) == ("1.3.2026", "2026-03-01")
    moment = datetime.datetime(2026, 3, 1, 7, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert fi.time(moment) == "1.3.2026 klo 5.05 UTC"
    assert en.time(moment) == "2026-03-01 05:05 UTC"


def test_numbers_and_dates_in_swedish_as_in_finland() -> None:
    sv = i18n.Messages("sv")
    assert sv.number(0.25) == "0,25" and sv.figure(-1.5) == "−1,5"
    assert sv.percent(0.083) == "8,3\u00a0%"  # CLDR's no-break space before the sign
    assert sv.number(-1234.5) == "\u22121\u00a0234,5"
    assert sv.date(datetime.date(2026, 3, 1)) == "1.3.2026"


def test_core_errors_in_finnish() -> None:
    fi = i18n.Messages("fi")
    params = {"name": "x", "known": "a, b"}
    assert fi.core_problem_of("unknown arm 'x'; known: a, b", "input.unknown_arm", params) == (
        "tuntematon ryhmä 'x'. Tunnetut: a, b"
    )
    # Text without a code of kokeilu's (not kokeilu's error) is shown as it is.
    assert fi.core_problem_of("a problem of another library", "error", None) == "a problem of another library"
    assert i18n.Messages("en").core_problem_of("is required", "input.required", {}) == "is required"


def test_help_in_both_languages(tmp_path: Path) -> None:
    finnish = call(["--help"], env={"LC_ALL": "fi_FI.UTF-8"})
    assert finnish.code == 0
    assert "Käyttö: kokeilu [VALITSIMET]" in finnish.out and "Komennot:" in finnish.out
    english = call(["log", "--help"])
    assert "Usage: kokeilu log [OPTIONS] KEY VALUE" in english.out and "--backfill" in english.out


def test_help_in_swedish() -> None:
    swedish = call(["--lang", "sv", "--help"])
    assert swedish.code == 0
    assert "Användning: kokeilu [FLAGGOR]" in swedish.out and "Kommandon:" in swedish.out
    assert "Följ upp försök" in swedish.out and "Commands:" not in swedish.out
    assert "Användning: kokeilu log [FLAGGOR] NYCKEL" in call(["log", "--help"], env={"KOKEILU_LANG": "sv"}).out
    # click's own texts follow the language chosen last in the process, English included.
    assert "Usage: kokeilu log [OPTIONS] KEY VALUE" in call(["log", "--help"]).out


def test_kokeilu_lang_chooses_the_language_and_lang_overrides_it() -> None:
    assert "Komennot:" in call(["--help"], env={"KOKEILU_LANG": "fi", "LC_ALL": "en_GB.UTF-8"}).out
    english = call(["--lang", "en", "--help"], env={"KOKEILU_LANG": "fi"})
    assert "Commands:" in english.out and "Komennot:" not in english.out
