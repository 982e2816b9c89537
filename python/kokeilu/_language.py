"""The language of the Python API's displays: notebook HTML, text summaries and plot labels.

The texts come from the command's gettext catalogues (keys ``html.*`` and ``plot.*`` beside the
command's own), read through :class:`kokeilu.cli.i18n.Messages`, so one catalogue per language
serves both. The language is chosen by :func:`set_language`, else ``$KOKEILU_LANG``, else the
locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else English, exactly as the command chooses it
without ``--lang``. A display function's ``lang=`` argument overrides it for one call.

``kokeilu.cli.i18n`` is imported when a text is first needed, not here: it loads click, and the
package must import quickly for scripts that only write.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cli.i18n import Messages

LANGUAGES = ("fi", "sv", "en")

# None: follow the environment, read again at each call (so a changed $KOKEILU_LANG counts).
_chosen: str | None = None


def _checked(lang: object, argument: str) -> str:
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValueError(f"{argument}: unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    return lang


def set_language(lang: str | None) -> None:
    """Chooses the language of displays and plots: "fi", "sv" or "en"; None goes back to
    ``$KOKEILU_LANG``, else the locale, else English."""
    global _chosen
    _chosen = None if lang is None else _checked(lang, "lang")


def get_language() -> str:
    """The language displays and plots are written in now ("fi", "sv" or "en")."""
    if _chosen is not None:
        return _chosen
    from .cli.i18n import detect_language

    return detect_language((), os.environ)


def language(lang: str | None = None) -> str:
    """``lang`` checked (a ValueError names the argument ``lang``), or the current language."""
    return get_language() if lang is None else _checked(lang, "lang")


def messages(lang: str | None = None) -> Messages:
    """The texts of ``lang`` (default: the current language)."""
    from .cli.i18n import Messages

    return Messages(language(lang))


def error_text(error: BaseException, lang: str | None = None) -> str:
    """An error of kokeilu in ``lang`` (default: the current language), from its code and
    parameters: ``kokeilu.error_text(e, "fi")`` for ``value: must be a finite number, got nan`` is
    ``value: on oltava äärellinen luku, nyt nan``. The field keeps the caller's name. An error
    without a code of its own (or not kokeilu's) is its English text."""
    msgs = messages(lang)
    text = msgs.core(getattr(error, "code", "") or "", getattr(error, "params", None))
    if text is None:
        return str(error)
    field = getattr(error, "field", "")
    return f"{field}: {text}" if field else text
