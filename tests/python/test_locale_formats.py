"""Numbers, per cents and dates in Finnish, Swedish and English, as CLDR (through Babel) writes them."""

from __future__ import annotations

import datetime
import subprocess
import sys

import pytest

from kokeilu.cli import locale_formats as lf

NBSP = "\u00a0"
MINUS = "\u2212"


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_finnish_and_swedish_numbers(lang: str) -> None:
    assert lf.number(lang, -1234.5) == f"{MINUS}1{NBSP}234,5"
    assert lf.number(lang, 0.3) == "0,3"
    assert lf.number(lang, 1234567) == f"1{NBSP}234{NBSP}567"
    assert lf.figure(lang, 0.012345) == "0,0123"
    assert lf.figure(lang, -1234.4) == f"{MINUS}1{NBSP}234"
    assert lf.figure(lang, 1.5e13) == "1,50e+13"
    assert lf.percent(lang, 0.083) == f"8,3{NBSP}%"
    assert lf.percent(lang, -0.125) == f"{MINUS}12,5{NBSP}%"
    assert lf.percent(lang, 0.5, sign=True) == f"+50{NBSP}%"
    assert lf.date(lang, datetime.date(2026, 3, 1)) == "1.3.2026"


def test_english_numbers() -> None:
    assert lf.number("en", -1234.5) == "-1,234.5"
    assert lf.number("en", 7) == "7"
    assert lf.figure("en", 12.345) == "12.3"
    assert lf.figure("en", -0.000012345) == "-1.23e-05"
    assert lf.percent("en", 0.083) == "8.3%"
    assert lf.percent("en", -0.125, sign=True) == "-12.5%"
    assert lf.date("en", datetime.date(2026, 3, 1)) == "2026-03-01"


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_missing_values_and_zero(lang: str) -> None:
    assert lf.number(lang, None) == lf.figure(lang, None) == lf.percent(lang, None) == lf.date(lang, None) == "–"
    assert lf.figure(lang, float("inf")) == lf.percent(lang, float("nan")) == "–"
    # A share that rounds to nothing is 0, never a signed zero.
    assert lf.percent(lang, -0.0001).startswith("0")
    assert lf.percent(lang, 0.0001, sign=True).startswith("0")


def test_babel_is_not_loaded_by_importing_the_command() -> None:
    code = "import sys, kokeilu.cli, kokeilu.cli.locale_formats; print('babel' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
