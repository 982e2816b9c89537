"""The core's coded messages: every code the library can produce has its text in fi, sv and en,
with exactly the template's parameters, and the errors carry their code and parameters to Python.
"""

from __future__ import annotations

import re
import string

import pytest

import kokeilu
from kokeilu import _core
from kokeilu.cli.i18n import CORE_CONTEXT, Messages

from .test_catalogue_files import LANGS, SOURCE_LOCALE, TEMPLATE, parse_po

CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
TEMPLATES = _core.message_templates()
CATALOGUES = {lang: parse_po(SOURCE_LOCALE / lang / "LC_MESSAGES" / "kokeilu.po") for lang in LANGS}


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_core_has_codes() -> None:
    assert len(TEMPLATES) > 0
    bad = [code for code in TEMPLATES if not CODE.match(code)]
    assert bad == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_a_text_with_every_parameter(lang: str) -> None:
    catalogue = CATALOGUES[lang]
    missing, wrong_msgid, untranslated, wrong_params = [], [], [], []
    for code, english in TEMPLATES.items():
        entry = catalogue.get(CORE_CONTEXT + code)
        if entry is None:
            missing.append(code)
            continue
        if entry["msgid"] != english:
            wrong_msgid.append(code)
        text = entry.get("msgstr", "")
        if not text.strip():
            untranslated.append(code)
        elif placeholders(text) != placeholders(english):
            wrong_params.append((code, sorted(placeholders(text) ^ placeholders(english))))
    assert missing == []
    assert wrong_msgid == [], "the catalogue's msgid must be the core's English template"
    assert untranslated == []
    assert wrong_params == []


def test_the_template_lists_every_code_and_no_other() -> None:
    listed = {key[len(CORE_CONTEXT) :] for key in TEMPLATE if key.startswith(CORE_CONTEXT)}
    assert sorted(set(TEMPLATES) - listed) == []
    assert sorted(listed - set(TEMPLATES)) == [], "a catalogue entry for a code the core no longer has"


def test_an_error_carries_its_code_and_parameters(running: kokeilu.Experiment, tracker: kokeilu.Tracker) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        tracker.log(running, float("nan"), arm="video")
    assert raised.value.code == "input.value_not_finite"
    assert raised.value.field == "value"
    assert raised.value.params is not None and str(raised.value.params["value"]) == "nan"
    with pytest.raises(kokeilu.InvalidArgumentError) as unknown:
        tracker.log(running, 1.0, arm="nobody")
    assert unknown.value.code == "input.unknown_arm"
    assert unknown.value.params == {"name": "nobody", "known": "control, video"}


def test_a_part_of_a_message_is_said_in_the_same_language() -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        _core.parse_date("2026-13-01", "on")
    error = raised.value
    assert error.code == "input.not_iso.date" and error.params["reason_code"] == "input.iso.no_such_day"
    assert "no such day in the calendar" in str(error)
    assert Messages("fi").core(error.code, error.params) == "'2026-13-01' ei ole ISO 8601 -päivämäärä (kalenterissa ei ole sellaista päivää)"
    assert "den dagen finns inte i kalendern" in (Messages("sv").core(error.code, error.params) or "")


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_formats_in_every_language(lang: str) -> None:
    msgs = Messages(lang)
    for code, english in TEMPLATES.items():
        params = {name: 7 for name in placeholders(english)}
        text = msgs.core(code, params)
        assert text is not None and "{" not in text, code


@pytest.mark.parametrize("lang", LANGS)
def test_a_coded_error_in_each_language(lang: str) -> None:
    msgs = Messages(lang)
    code = next(iter(TEMPLATES))
    params = {name: 1 for name in placeholders(TEMPLATES[code])}
    text = msgs.core(code, params)
    assert text is not None and "{" not in text


def test_an_unknown_code_has_no_text() -> None:
    assert Messages("fi").core("no.such.code", {}) is None


def test_given_numbers_are_written_exactly_in_each_language() -> None:
    assert Messages("en").core_value(0.1) == "0.1"
    assert Messages("fi").core_value(-0.125) == "\u22120,125"
    assert Messages("sv").core_value(2.0) == "2"
    assert Messages("fi").core_value(1e300) == "1e+300"
    assert Messages("fi").core_value("x.y") == "x.y"


def test_the_python_doors_raise_the_cores_codes(running: kokeilu.Experiment, tracker: kokeilu.Tracker) -> None:
    """Shapes and types checked in Python carry the same codes as the core's own checks."""
    import datetime

    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        tracker.log_many(running, [1.0, 2.0], arm="video", at=[datetime.datetime(2025, 1, 14)] * 3)
    assert (raised.value.code, raised.value.params) == ("input.rows_expected", {"rows": 3, "expected": 2})
    assert str(raised.value) == "at: has 3 rows, expected 2"
    with pytest.raises(kokeilu.InvalidArgumentError) as text:
        tracker.log_many(running, ["1", "0"], arm="video")
    assert text.value.code == "input.not_a_number" and text.value.field == "value[0]"
    assert "odotettiin lukua" in (Messages("fi").core(text.value.code, text.value.params) or "")


def test_an_error_in_the_callers_language(running: kokeilu.Experiment, tracker: kokeilu.Tracker) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as raised:
        tracker.log(running, float("nan"), arm="video")
    assert kokeilu.error_text(raised.value, "fi") == "value: on oltava äärellinen luku, nyt nan"
    assert kokeilu.error_text(raised.value, "sv") == "value: måste vara ett ändligt tal, nu nan"
    assert kokeilu.error_text(raised.value, "en") == str(raised.value)
    assert kokeilu.error_text(ValueError("plain"), "fi") == "plain"
    with pytest.raises(ValueError, match="lang"):
        kokeilu.error_text(raised.value, "de")
