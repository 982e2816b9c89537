"""The gettext catalogues themselves: every entry of the template is translated into fi, sv and en
with the same placeholders, counted messages have both plural forms, and the wheel holds the
compiled .mo files that the command reads.

The .po files are parsed here with a few lines rather than with gettext tools, so the test also
runs where msgfmt is not installed; the build's `msgfmt --check` is the other half of the check.
"""

from __future__ import annotations

import ast
import gettext
import string
from pathlib import Path

import pytest

import kokeilu

SOURCE_LOCALE = Path(__file__).resolve().parents[2] / "python" / "kokeilu" / "locale"
INSTALLED_LOCALE = Path(kokeilu.__file__).resolve().parent / "locale"
LANGS = ("fi", "sv", "en")


def parse_po(path: Path) -> dict[str, dict[str, str]]:
    """msgctxt -> {"msgid": ..., "msgid_plural": ..., "msgstr" or "msgstr[0]": ...}; the header is left out.

    click's own texts have no context (click looks them up by msgid alone): they are keyed
    "click:<msgid>"."""
    entries: dict[str, dict[str, str]] = {}
    entry: dict[str, str] = {}
    field = ""

    def finish() -> None:
        if entry.get("msgid") and "msgctxt" not in entry:
            entry["msgctxt"] = "click:" + entry["msgid"]
        if "msgctxt" in entry:
            assert entry["msgctxt"] not in entries, f"{path}: {entry['msgctxt']} appears twice"
            entries[entry["msgctxt"]] = dict(entry)
        entry.clear()

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            finish()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[field] += ast.literal_eval(line)
        else:
            field, _, text = line.partition(" ")
            entry[field] = ast.literal_eval(text)
    finish()
    return entries


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


TEMPLATE = parse_po(SOURCE_LOCALE / "kokeilu.pot")
CATALOGUES = {lang: parse_po(SOURCE_LOCALE / lang / "LC_MESSAGES" / "kokeilu.po") for lang in LANGS}


def test_the_template_holds_every_kind_of_text() -> None:
    assert len(TEMPLATE) > 400
    assert "error" in TEMPLATE and "label:Status:running" in TEMPLATE and "field:title" in TEMPLATE
    assert "metavar:PATH" in TEMPLATE and "click:Show this message and exit." in TEMPLATE


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_exactly_the_entries_of_the_template(lang: str) -> None:
    assert set(CATALOGUES[lang]) == set(TEMPLATE)
    for key, entry in CATALOGUES[lang].items():
        assert entry["msgid"] == TEMPLATE[key]["msgid"], key
        assert entry.get("msgid_plural") == TEMPLATE[key].get("msgid_plural"), key


@pytest.mark.parametrize("lang", LANGS)
def test_every_translation_keeps_the_placeholders_of_the_english(lang: str) -> None:
    for key, entry in CATALOGUES[lang].items():
        if "msgid_plural" in entry:
            pairs = [(entry["msgstr[0]"], entry["msgid"]), (entry["msgstr[1]"], entry["msgid_plural"])]
        else:
            pairs = [(entry["msgstr"], entry["msgid"])]
        for text, english in pairs:
            assert text.strip(), f"{lang}: {key} is not translated"
            assert placeholders(text) == placeholders(english), f"{lang}: {key}: {text!r}"


def test_swedish_is_not_a_copy_of_the_english() -> None:
    swedish = CATALOGUES["sv"]
    same = [key for key, entry in swedish.items() if entry.get("msgstr") == entry["msgid"] and placeholders(entry["msgid"]) == set()]
    # Names that are the same in both (Status, Organisation, Risk, n, p ...) are few.
    assert len(same) < 20, same
    assert swedish["label:Status:running"]["msgstr"] == "pågår"
    assert swedish["help.usage"]["msgstr"] == "Användning: "


def test_counted_messages_have_a_singular_and_a_plural() -> None:
    finnish = CATALOGUES["fi"]
    assert finnish["history.batch"]["msgstr[0]"].format(batch=1, rows=1, key="") == "erä 1: 1 rivi"
    assert finnish["history.batch"]["msgstr[1]"].format(batch=1, rows=2, key="") == "erä 1: 2 riviä"
    assert "1 päivä ennen" in finnish["show.early_start"]["msgstr[0]"].format(days=1, start="a", locked="b")
    swedish = CATALOGUES["sv"]
    assert swedish["voided"]["msgstr[0]"].startswith("{count} observation ")
    assert swedish["voided"]["msgstr[1]"].startswith("{count} observationer ")


@pytest.mark.parametrize("lang", LANGS)
def test_the_package_holds_the_compiled_catalogue(lang: str) -> None:
    mo = INSTALLED_LOCALE / lang / "LC_MESSAGES" / "kokeilu.mo"
    assert mo.is_file(), f"{mo} is missing: the build did not compile {lang}"
    with mo.open("rb") as handle:
        translation = gettext.GNUTranslations(handle)
    for key, entry in CATALOGUES[lang].items():
        if "msgid_plural" in entry and key.startswith("click:"):
            assert translation.ngettext(entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"], key
        elif "msgid_plural" in entry:
            assert translation.npgettext(key, entry["msgid"], entry["msgid_plural"], 1) == entry["msgstr[0]"], key
            assert translation.npgettext(key, entry["msgid"], entry["msgid_plural"], 5) == entry["msgstr[1]"], key
        elif key.startswith("click:"):
            assert translation.gettext(entry["msgid"]) == entry["msgstr"], key
        else:
            assert translation.pgettext(key, entry["msgid"]) == entry["msgstr"], key
