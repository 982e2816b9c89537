"""click's own texts ("Show this message and exit.", "[default: 300]", "[required]", "'x' is not a valid
integer.") and the names of values in the help (TEXT, PATH, KEY) in the command's language.

click looks its texts up with ``from gettext import gettext as _`` (and ``ngettext``) in the global
domain, whose language gettext takes from $LANGUAGE and the locale, not from --lang or
$KOKEILU_LANG. So :func:`install` points the ``_`` and ``ngettext`` that each click module imported
at kokeilu's own catalogue of the chosen language: click's msgids are in kokeilu.po without a
context, the names of values under the context ``metavar:<NAME>``. Nothing in the environment
changes, and a later install (another language in the same process, as in the tests) replaces it.

click's texts that kokeilu.cli reads back to reword ("Missing command", "No such command",
"Got unexpected extra argument") are deliberately not in the catalogue, so they stay English for it.
"""

from __future__ import annotations

import gettext
import re
import sys
from pathlib import Path
from typing import Any

import click
import click.core

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

# The click modules that import gettext's functions at their top.
_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "termui", "types", "utils", "_termui_impl")
_WORD = re.compile(r"[A-Z][A-Z_]*")

_current: gettext.NullTranslations = gettext.NullTranslations()
_originals: dict[type, Any] = {}


def _metavar(text: str) -> str:
    """Each capital word of a metavar in the language: "[KEY]..." -> "[TUNNUS]..."; a choice
    ("[draft|running]") is left as it is."""
    return _WORD.sub(lambda word: _current.pgettext(f"metavar:{word.group()}", word.group()), text)


def _wrap_make_metavar(cls: type) -> None:
    if cls in _originals:
        return
    original = cls.__dict__["make_metavar"]
    _originals[cls] = original

    def make_metavar(self: click.Parameter, *args: Any, **kwargs: Any) -> str:
        return _metavar(original(self, *args, **kwargs))

    cls.make_metavar = make_metavar  # type: ignore[attr-defined]


def _wrap_group_usage() -> None:
    """A group's usage line ends with its subcommand_metavar ("COMMAND [ARGS]..."), which click
    writes as it is rather than through make_metavar."""
    if click.core.Group in _originals:
        return
    original = click.core.Group.collect_usage_pieces
    _originals[click.core.Group] = original

    def collect_usage_pieces(self: click.Group, ctx: click.Context) -> list[str]:
        pieces = original(self, ctx)
        return [_metavar(piece) if piece == self.subcommand_metavar else piece for piece in pieces]

    click.core.Group.collect_usage_pieces = collect_usage_pieces  # type: ignore[method-assign]


def install(lang: str) -> None:
    """click speaks ``lang`` (fi, sv or en) from now on in this process."""
    global _current
    _current = gettext.translation("kokeilu", localedir=LOCALE_DIR, languages=[lang], fallback=True)

    def translate(message: str) -> str:
        return _current.gettext(message)

    def translate_plural(singular: str, plural: str, count: int) -> str:
        return _current.ngettext(singular, plural, count)

    for name in _MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None:
            continue
        if getattr(module, "_", None) is not None:
            module._ = translate  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is not None:
            module.ngettext = translate_plural  # type: ignore[attr-defined]
    for cls in (click.core.Parameter, click.core.Argument):
        if "make_metavar" in cls.__dict__:
            _wrap_make_metavar(cls)
    _wrap_group_usage()
