"""A metric's unit and a number written with it, agreeing in every language.

``Metric.unit`` stays a text in the file. It is read in one of three ways:

- a **known code** the catalogues inflect (entries ``unit:<code>``, with a form after 1 and a form
  after every other number, and ``unit_name:<code>`` for tables): ``points`` (points on a scale;
  with the metric's valid range the scale is named: "4 pistettä asteikolla 1–5"), ``days``,
  ``hours``, ``euros``, ``visits``, ``people``, ``percent`` (values already in per cent: 8.3 is
  "8,3 %"), ``percentage_points`` and ``share`` (values from 0 to 1, written as per cent: 0.083 is
  "8,3 %"). A *difference* of a per cent or a share is written in percentage points;
- **the user's own word with its two forms**, ``"singular|plural"`` ("käynti|käyntiä"): the same
  words in every language, since they are the user's;
- any other text (files written before the codes): shown as before, after the number.

The form is chosen by the number as written: "1" (or −1) takes the singular, every other number
(0, 0,5, 2) the plural, which is the Finnish partitive ("2 päivää", "0,5 päivää") and the English
and Swedish plural.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cli.i18n import Messages

#: The unit codes the catalogues inflect, in the order they are offered.
CODES = ("points", "days", "hours", "euros", "visits", "people", "percent", "percentage_points", "share")

#: Between the singular and the plural of a unit the user gives in their own words.
FORMS_SEPARATOR = "|"

_SIGNS = "+-\u2212"
_DASH = "–"  # a missing value, as locale_formats shows it


def _number(lang: str, value: float) -> str:
    # Imported here: kokeilu.cli loads click, and the package must import quickly.
    from .cli import locale_formats

    return locale_formats.number(lang, value)


def _messages(lang: str) -> Messages:
    from .cli.i18n import Messages  # loads click: only when a text is first shown

    return Messages(lang)


def custom_forms(unit: str) -> tuple[str, str] | None:
    """(singular, plural) of a unit written "singular|plural", else None."""
    if FORMS_SEPARATOR not in unit:
        return None
    singular, _, plural = unit.partition(FORMS_SEPARATOR)
    singular, plural = singular.strip(), plural.strip()
    if not singular or not plural or FORMS_SEPARATOR in plural:
        return None
    return singular, plural


def is_singular(written: str) -> bool:
    """Whether a number as written takes the singular: exactly one, with or without a sign."""
    return written.strip().lstrip(_SIGNS).strip() == "1"


def quantity(
    lang: str,
    value: float | None,
    unit: str | None,
    valid_min: float | None = None,
    valid_max: float | None = None,
    *,
    number: Callable[[float], str] | None = None,
    sign: bool = False,
    difference: bool = False,
) -> str:
    """``value`` with its ``unit`` as ``lang`` writes it: "1 päivä", "2 dagar", "0.5 days".

    ``number`` writes the number (default ``locale_formats.number``; the analysis passes its
    significant-digit figure); ``sign`` puts "+" before a positive number (an effect);
    ``difference`` says the value is a difference, so a per cent or share is in percentage points.
    ``valid_min`` and ``valid_max`` name the scale of ``points``. A missing value is "–".
    """
    if value is None or value != value:
        return _DASH
    unit = (unit or "").strip()
    code = unit if unit in CODES else None
    if difference and code in ("percent", "share"):
        value, code = (value * 100 if code == "share" else value), "percentage_points"
    elif code == "share":
        value = value * 100
    written = number(value) if number is not None else _number(lang, value)
    if sign and value > 0 and not written.startswith("+"):
        written = "+" + written
    if code is not None:
        msgs = _messages(lang)
        count = 1 if is_singular(written) else 2
        if code == "points" and valid_min is not None and valid_max is not None:
            scale = {"low": _number(lang, valid_min), "high": _number(lang, valid_max)}
            return msgs.text("unit:points_scale", count).format(number=written, **scale)
        return msgs.text(f"unit:{code}", count).format(number=written)
    forms = custom_forms(unit)
    if forms is not None:
        return f"{written} {forms[0] if is_singular(written) else forms[1]}"
    return f"{written} {unit}".strip()


def unit_name(lang: str, unit: str | None) -> str:
    """The unit as a table names it: "päivät" for ``days``, the plural of "käynti|käyntiä", else
    the text as given."""
    unit = (unit or "").strip()
    if unit in CODES:
        return _messages(lang).text(f"unit_name:{unit}")
    forms = custom_forms(unit)
    return forms[1] if forms is not None else unit


def metric_unit(metric: object) -> str:
    """The unit a metric's numbers are written in: its own, except that a proportion's values are
    shares whatever its unit text names ("osuus käynneistä" says what is counted), so that its
    change is said in percentage points."""
    kind = getattr(metric, "kind", None)
    if getattr(kind, "name", kind) == "proportion":
        return "share"
    return str(getattr(metric, "unit", "") or "")


def metric_quantity(lang: str, value: float | None, metric: object, **options: object) -> str:
    """:func:`quantity` in a metric's unit, with its valid range as the scale of points."""
    return quantity(
        lang,
        value,
        metric_unit(metric),
        getattr(metric, "valid_min", None),
        getattr(metric, "valid_max", None),
        **options,  # type: ignore[arg-type]
    )


def recognise(lang: str, text: str) -> str:
    """A unit typed in ``kokeilu new``: a known code as it is, the name or a form of a known unit
    in ``lang`` ("päivää", "dagar") as its code, anything else unchanged (every text is accepted)."""
    stripped = text.strip()
    if stripped in CODES or not stripped or FORMS_SEPARATOR in stripped:
        return stripped
    msgs = _messages(lang)
    wanted = stripped.casefold()
    for code in CODES:
        words = {msgs.text(f"unit_name:{code}")}
        if code not in ("percent", "share"):  # "%" is both: only the code or the name says which
            words |= {msgs.text(f"unit:{code}", count).replace("{number}", "").strip() for count in (1, 2)}
        if wanted in {word.casefold() for word in words}:
            return code
    return stripped


def describe_codes(lang: str) -> str:
    """The known codes as ``kokeilu new`` offers them: "points (pisteet), days (päivät), …" in
    Finnish and Swedish, the codes alone in English, where they are the names."""
    msgs = _messages(lang)
    if lang == "en":
        return ", ".join(CODES)
    return ", ".join(f"{code} ({msgs.text(f'unit_name:{code}')})" for code in CODES)


def shown_value(value: float | None, unit: str | None, *, difference: bool = False) -> float | None:
    """``value`` on the scale :func:`quantity` writes it: a share (or a difference of shares) in
    per cent or percentage points, every other unit as it is; for bounds written without the unit."""
    if value is None or (unit or "").strip() != "share":
        return value
    return value * 100
