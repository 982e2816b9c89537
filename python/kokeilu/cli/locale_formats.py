"""Numbers, per cents and dates as each of the command's languages writes them, from CLDR via Babel.

Finnish and Swedish are written as in Finland (Babel's fi_FI and sv_FI): a no-break space between
groups of thousands and before the per cent sign, a decimal comma and the minus sign U+2212
(``−1 234,5``, ``8,3 %``); English with a comma between thousands (``-1,234.5``, ``8.3%``). English
dates stay ISO (2026-03-01): the command's English is read in Finland too, where 3/1/26 misleads.

Babel is imported inside each function, not at the top: loading its locale data costs more than
the command's start-up may, and most commands print no number at all.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

DASH = "–"  # what a missing or infinite value shows

_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en"}
# Enough optional decimals that the pattern never rounds a text Python already rounded.
_FRACTION = "#" * 20


def _locale(lang: str) -> str:
    return _LOCALES.get(lang, "en")


def _decimal(text: str, lang: str, *, grouping: bool = True) -> str:
    """A decimal number already rounded (as text, e.g. "-1234.5") in the language's symbols."""
    from babel.numbers import format_decimal, get_minus_sign_symbol

    value = Decimal(text)
    pattern = ("#,##0" if grouping else "0") + ("." + _FRACTION if value != value.to_integral_value() else "")
    formatted = format_decimal(abs(value), format=pattern, locale=_locale(lang))
    # Babel writes a negative number with the pattern's ASCII hyphen; CLDR's minus sign is U+2212
    # in Finnish and Swedish.
    return get_minus_sign_symbol(_locale(lang)) + formatted if value < 0 else formatted


def _scientific(text: str, lang: str) -> str:
    """Python's exponent notation ("1.23e+15") with the language's decimal and minus signs."""
    from babel.numbers import get_decimal_symbol, get_minus_sign_symbol

    locale = _locale(lang)
    return text.replace("-", get_minus_sign_symbol(locale)).replace(".", get_decimal_symbol(locale))


def number(lang: str, value: float | int | None) -> str:
    """A number as written in the language: an int in full, a float to six significant digits."""
    if value is None:
        return DASH
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    text = f"{value:g}" if isinstance(value, float) else str(int(value))
    return _scientific(text, lang) if "e" in text else _decimal(text, lang)


def figure(lang: str, value: float | None, digits: int = 3) -> str:
    """A measured number to ``digits`` significant digits; whole units once it has that many."""
    if value is None or not math.isfinite(value):
        return DASH
    if abs(value) >= 1e12:
        return _scientific(f"{value:.{digits - 1}e}", lang)  # not a line of digits
    if abs(value) >= 10 ** (digits - 1):
        return _decimal(f"{value:.0f}", lang)  # 1 234, not 1.23e+03: whole units read better
    text = f"{value:.{digits}g}"
    if "e" in text:
        return _scientific(f"{value:.{digits - 1}e}", lang)
    return _decimal(text, lang)


def percent(lang: str, share: float | None, *, sign: bool = False) -> str:
    """A share as a percentage to at most one decimal: 12.5% in English, 12,5 % in Finnish."""
    if share is None or not math.isfinite(share):
        return DASH
    from babel.numbers import format_percent, get_minus_sign_symbol

    rounded = round(Decimal(repr(share)) * 100, 1)
    if rounded == 0:
        rounded = Decimal(0)  # never "−0 %"
    # The language's own pattern ("#,##0 %" with a no-break space in fi and sv), with one optional decimal.
    from babel import Locale

    pattern = Locale.parse(_locale(lang)).percent_formats[None].pattern.replace("#,##0", "#,##0.#", 1)
    text = format_percent(abs(rounded) / 100, format=pattern, locale=_locale(lang))
    if rounded < 0:
        text = get_minus_sign_symbol(_locale(lang)) + text
    elif sign and rounded > 0:
        text = "+" + text
    return text


def date(lang: str, value: datetime.date | None) -> str:
    """A date: 1.3.2026 in Finnish and Swedish, 2026-03-01 in English."""
    if value is None:
        return DASH
    from babel.dates import format_date

    return format_date(value, "yyyy-MM-dd" if lang == "en" else "d.M.yyyy", locale=_locale(lang))
