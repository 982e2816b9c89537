"""The command's two languages: how one is chosen, and that every text exists in both."""

from __future__ import annotations

import datetime
import re
import string
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import call  # noqa: E402

from kokeilu.cli import i18n  # noqa: E402

CLI_SOURCES = sorted((Path(i18n.__file__).parent).glob("*.py"))


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(i18n.CATALOGUE))
def test_every_message_has_both_languages_with_the_same_placeholders(key: str) -> None:
    english, finnish = i18n.CATALOGUE[key]
    assert english.strip() and finnish.strip()
    assert placeholders(english) == placeholders(finnish)


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
    used |= {f"prompt.arms_count_{design}" for design in ("concurrent", "before_after", "one_sample")}
    assert sorted(used - set(i18n.CATALOGUE)) == []


def test_every_enumeration_value_has_both_labels() -> None:
    import kokeilu

    for enum_name, labels in i18n.LABELS.items():
        enum = getattr(kokeilu, enum_name)
        assert set(labels) == set(enum.__members__), enum_name
        for english, finnish in labels.values():
            assert english and finnish


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


def test_core_errors_in_finnish() -> None:
    fi = i18n.Messages("fi")
    assert fi.core_problem("unknown arm 'x'; known: a, b") == "tuntematon ryhmä 'x'. Tunnetut: a, b"
    assert fi.core_problem("a new problem the table does not know") == "a new problem the table does not know"
    assert i18n.Messages("en").core_problem("is required") == "is required"


def test_help_in_both_languages(tmp_path: Path) -> None:
    finnish = call(["--help"], env={"LC_ALL": "fi_FI.UTF-8"})
    assert finnish.code == 0
    assert "Käyttö: kokeilu [VALITSIMET]" in finnish.out and "Komennot:" in finnish.out
    english = call(["log", "--help"])
    assert "Usage: kokeilu log [OPTIONS] KEY VALUE" in english.out and "--backfill" in english.out
