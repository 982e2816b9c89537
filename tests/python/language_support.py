"""What the display-language tests share: finding an English display text left untranslated in a
Finnish or Swedish display, read from the catalogue itself (so a new key is checked too)."""

from __future__ import annotations

import re
import string

from kokeilu.cli.i18n import Messages, english_texts

_TRIM = " .,:;()·—–-…?\n"


def _literals(text: str) -> list[str]:
    """The fixed parts of a message, between its placeholders."""
    return [literal.strip(_TRIM) for literal, _, _, _ in string.Formatter().parse(text)]


def english_fragments(lang: str) -> dict[str, str]:
    """English fragment -> its key, for every html. and plot. text: the parts that a display in
    ``lang`` must not show. A fragment the language itself writes the same way (Swedish
    "organisation", "median") is left out, as are one- and two-letter ones ("p", "d")."""
    msgs = Messages(lang)
    keys = [key for key in english_texts() if key.startswith(("html.", "plot."))]
    translated = " | ".join(msgs.text(key, count) for key in keys for count in (1, 2))
    fragments: dict[str, str] = {}
    for key in keys:
        english = english_texts()[key]
        for form in english if isinstance(english, tuple) else (english,):
            for fragment in _literals(form):
                if len(fragment) >= 3 and not _occurs(fragment, translated):
                    fragments[fragment] = key
    return fragments


def _occurs(fragment: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(fragment)}(?!\w)", text) is not None


def untranslated(text: str, lang: str) -> list[tuple[str, str]]:
    """(key, English fragment) of each catalogue text of the displays that ``text`` shows in English."""
    return sorted((key, fragment) for fragment, key in english_fragments(lang).items() if _occurs(fragment, text))
