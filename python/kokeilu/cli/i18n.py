"""The command's language: choosing Finnish, Swedish or English, and reading its texts.

The texts live in one gettext catalogue per language (``kokeilu/locale/<lang>/LC_MESSAGES/kokeilu.po``,
compiled to ``.mo`` when the wheel is built). Each entry's context (msgctxt) is the key the code asks
for (``"error"``, ``"label:Status:running"``, ``"field:title"``) and its msgid the English text, so
an entry not yet translated falls back to English. Arm, metric and experiment names are the user's
data and are shown exactly as typed.
"""

from __future__ import annotations

import datetime
import functools
import gettext
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from .. import _core
from .._checks import core_templates, english_value
from . import locale_formats

LANGUAGES = ("fi", "sv", "en")

#: Where the compiled catalogues are installed, beside the package's sources.
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "kokeilu"

# The POSIX order of precedence: LC_ALL overrides LC_MESSAGES, which overrides LANG.
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def detect_language(argv: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language asked for with --lang anywhere on the command line, else $KOKEILU_LANG, else the
    locale's (sv_FI and every other sv* is Swedish, fi* Finnish), else English.

    The command line is parsed properly by click later; this look-up only has to know the
    language before the commands (and their help texts) are built.
    """
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        value = None
        if arg == "--lang" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            return value
    chosen = environ.get("KOKEILU_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            return _locale_language(value)
    return "en"


def _locale_language(locale_name: str) -> str:
    """The command's language for a POSIX locale name such as sv_FI.UTF-8."""
    prefix = locale_name.lower()[:2]
    return prefix if prefix in ("fi", "sv") else "en"


@functools.lru_cache(maxsize=None)
def _translation(lang: str) -> gettext.NullTranslations:
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True)


#: The placeholder that counts, in a message with a singular and a plural form ("1 row", "2 rows").
_COUNTS = ("count", "rows", "days")


@functools.lru_cache(maxsize=1)
def english_texts() -> dict[str, str | tuple[str, str]]:
    """Key (msgctxt) -> English text, or (singular, plural) for a counted message; read from the
    English catalogue, whose msgstr is its msgid.

    The code asks for a text by its key; gettext looks an entry up by context and msgid, so the
    English text of each key is the bridge to the other languages.
    """
    catalogue = getattr(_translation("en"), "_catalog", None)
    if not catalogue:
        raise RuntimeError(f"the English catalogue {DOMAIN}.mo is missing under {LOCALE_DIR}; reinstall kokeilu")
    texts: dict[str, str | tuple[str, str]] = {}
    plurals: dict[str, dict[int, str]] = {}
    for entry, text in catalogue.items():
        # Entries without a context are click's own texts (see click_texts), not the command's.
        if isinstance(entry, tuple):  # (context + "\x04" + singular, form) of a counted message
            if "\x04" in entry[0]:
                context, _, _ = entry[0].partition("\x04")
                plurals.setdefault(context, {})[entry[1]] = text
        elif "\x04" in entry:
            context, _, _ = entry.partition("\x04")
            texts[context] = text
    for context, forms in plurals.items():
        texts[context] = (forms[0], forms[1])
    return texts


_ISO_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_UTC_MINUTE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d UTC$")
_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")

#: The parameters of the core's messages that hold a date or time it wrote (never one the user
#: typed, which is shown as typed).
_MOMENT_PARAMS = frozenset({"at", "now", "start", "end", "locked"})

# The API's options as the command names them.
_OPTIONS = (
    ("use backfill", "use --backfill"),
    ("pass allow_future", "pass --allow-future"),
    ("(amended_verdict)", "(--amended-verdict)"),
)


def command_options(text: str) -> str:
    """A core message with the command's names of the API's options (``--backfill``): the core's
    English names what a Python caller passes."""
    for api, command in _OPTIONS:
        text = text.replace(api, command)
    return text


#: Catalogue contexts of the core's message codes: "core:value.not_finite".
CORE_CONTEXT = "core:"


class _Keep(dict):  # type: ignore[type-arg]
    """Leaves a placeholder without a value as it is, so a catalogue entry naming a parameter the
    core did not give shows it rather than failing."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def enum_names(enum_name: str) -> list[str]:
    """The value names of an enumeration that has labels, in the enumeration's order."""
    from .. import _core  # already loaded by the command; imported here to keep this module light

    return list(getattr(_core, enum_name).__members__)


def _count(value: object) -> int:
    """The number that picks a plural form: a whole number (also 1.0 from a float column, or a
    count already written as text, "1") as it is; anything else takes the plural."""
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        return int(float(value))
    if isinstance(value, str):
        from ..units import is_singular

        return 1 if is_singular(value) else 2
    return 2


class Messages:
    """The texts of one language: ``messages("key", name=value)`` formats a message."""

    def __init__(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"unknown language {lang!r}")
        self.lang = lang
        self._english = english_texts()
        self._translation = _translation(lang)
        # The IANA zone times are shown in; the command sets it to the tracker's when it opens one.
        self.time_zone = "UTC"

    def text(self, key: str, count: int = 2) -> str:
        """The text of a key in this language, English where it is not translated yet; a counted
        message in its form for ``count``."""
        english = self._english[key]
        if isinstance(english, tuple):
            return self._translation.npgettext(key, english[0], english[1], count)
        return self._translation.pgettext(key, english)

    def __call__(self, message_id: str, /, **values: object) -> str:
        english = self._english[message_id]
        if isinstance(english, tuple):
            counted = next(name for name in _COUNTS if name in values)
            return self.text(message_id, _count(values[counted])).format(**values)
        return self.text(message_id).format(**values)

    def label(self, value: object) -> str:
        """The name of an enumeration value in this language (e.g. Status.running -> "käynnissä")."""
        return self.enum_label(type(value).__name__, str(getattr(value, "name", value)))

    def enum_label(self, enum_name: str, name: str) -> str:
        """The label of the value ``name`` of an enumeration (the core's text names: "running")."""
        key = f"label:{enum_name}:{name}"
        return self.text(key) if key in self._english else name

    def labels(self, enum_name: str) -> dict[str, str]:
        """Value name -> label, for one enumeration."""
        return {name: self.text(f"label:{enum_name}:{name}") for name in enum_names(enum_name)}

    def field(self, name: str) -> str:
        """The name of a field as shown to the user."""
        key = f"field:{name}"
        return self.text(key) if key in self._english else name

    def number(self, value: float | int | None) -> str:
        """A number as written in this language (CLDR via Babel): -1,234.5 in English, −1 234,5 in
        Finnish and Swedish."""
        return locale_formats.number(self.lang, value)

    def quantity(self, value: float | None, unit: str | None, metric: object = None, **options: object) -> str:
        """``value`` with its unit in this language ("1 päivä", "2 dagar"); with ``metric``, in the
        metric's unit and scale (``unit`` None). Options as :func:`kokeilu.units.quantity`."""
        from .. import units

        if metric is not None and unit is None:
            return units.metric_quantity(self.lang, value, metric, **options)
        low, high = (getattr(metric, "valid_min", None), getattr(metric, "valid_max", None)) if metric else (None, None)
        return units.quantity(self.lang, value, unit, low, high, **options)  # type: ignore[arg-type]

    def date(self, value: datetime.date | None) -> str:
        """A date as written in this language: 2026-03-01 in English, 1.3.2026 in Finnish."""
        return locale_formats.date(self.lang, value)

    def duration(self, seconds: float) -> str:
        """A wait as written in this language: 300 s is "5 min", 90 s "90 s"."""
        if seconds >= 120 and seconds % 60 == 0:
            return f"{self.number(int(seconds // 60))} min"
        return f"{self.number(int(seconds) if float(seconds).is_integer() else seconds)} s"

    def time(self, value: datetime.datetime | None) -> str:
        """A time to the minute in the tracker's zone with its abbreviation ("2026-03-29 04:00
        EEST"), by the core's rule of the zone; in UTC before a tracker is open."""
        if value is None:
            return "–"
        utc = value.astimezone(datetime.timezone.utc).replace(tzinfo=None) if value.tzinfo else value
        day, clock, zone = _core.local_time_text(utc, self.time_zone).split(" ")
        hour, minute = clock.split(":")
        if self.lang == "fi":
            return f"{self.date(datetime.date.fromisoformat(day))} klo {int(hour)}.{minute} {zone}"
        if self.lang == "sv":
            return f"{self.date(datetime.date.fromisoformat(day))} kl. {int(hour)}.{minute} {zone}"
        return f"{day} {clock} {zone}"

    def core(self, code: str, params: Mapping[str, object] | None) -> str | None:
        """The core's message of ``code`` in this language (catalogue context ``core:<code>``, msgid
        the core's English template), its parameters written as this language writes them; None
        for a code the core has no template of (an error without a code of its own)."""
        template = core_templates().get(code)
        if template is None:
            return None
        text = self._translation.pgettext(CORE_CONTEXT + code, template)
        # A parameter named "..._code" is the code of a part of the message: said in this language too.
        values = {
            name: (self.core(str(value), None) or str(value))
            if name.endswith("_code")
            else self.enum_label("Status", str(value))
            if name == "status"
            else self.core_moment(value)
            if name in _MOMENT_PARAMS
            else self.core_value(value)
            for name, value in (params or {}).items()
        }
        return text.format_map(_Keep(values))

    def core_moment(self, value: object) -> str:
        """A date or time the core wrote in ISO 8601 (UTC), as this language writes it: times to
        the minute in the tracker's zone, with the zone."""
        text = str(value)
        try:
            if _ISO_DATE.match(text):
                return self.date(datetime.date.fromisoformat(text))
            if _ISO_TIME.match(text):
                return self.time(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")))
            if _UTC_MINUTE.match(text):  # "2026-12-06 22:09 UTC", the lock as the core writes it
                return self.time(datetime.datetime.fromisoformat(text[:-4].replace(" ", "T")))
        except ValueError:
            pass
        return text

    def core_value(self, value: object) -> str:
        """A parameter of a core message: counts as numbers, a given number exactly (every digit
        the caller wrote, "0.1", "1e+300", with this language's decimal comma and minus sign), texts
        as they are."""
        if isinstance(value, str):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, int):
            return self.number(value)
        text = english_value(value)
        if self.lang in ("fi", "sv"):
            text = text.replace(".", ",")
            if text.startswith("-"):
                text = "\u2212" + text[1:]
        return text

    def core_problem_of(self, english: str, code: str, params: Mapping[str, object] | None) -> str:
        """A problem the core reported, by its code (its English text when it has none: an error
        that is not kokeilu's), with the command's names of the API's options (``--backfill``)."""
        coded = self.core(code, params)
        return command_options(english if coded is None else coded)

    def figure(self, value: float | None, digits: int = 3) -> str:
        """A measured number to ``digits`` significant digits, as written in this language."""
        return locale_formats.figure(self.lang, value, digits)

    def interval(self, low: str, high: str) -> str:
        """Two numbers already written that bound an interval: "−0,60 … −0,32", where a dash
        between them would read as one more minus."""
        return self("number.interval", low=low, high=high)

    def span(self, low: str, high: str) -> str:
        """The bounds of a range ("1–5"); apart, as an interval, when a bound is negative."""
        if low.startswith(("-", "\u2212")) or high.startswith(("-", "\u2212")):
            return self.interval(low, high)
        return f"{low}–{high}"
    def percent(self, share: float | None, *, sign: bool = False) -> str:
        """A share as a percentage to one decimal: 12.5% in English, 12,5 % in Finnish and Swedish."""
        return locale_formats.percent(self.lang, share, sign=sign)
