"""A pseudo-locale run of the command's flows: every text the catalogues give is marked ⟦…⟧, and
whatever the command shows outside a mark must be the user's own data (names, keys, numbers,
dates, the options typed). A word of English left outside a mark is text that did not come from
a catalogue — the command would show it untranslated in Finnish and Swedish too.
"""

from __future__ import annotations

import functools
import gettext
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402

from kokeilu.cli import click_texts, i18n  # noqa: E402

OPEN, CLOSE = "\u27e6", "\u27e7"
_INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
_WORD = re.compile(r"[^\W\d_]{3,}")
_UNCLOSED = re.compile(f"{OPEN}[^\n]*")

#: Words the command shows by design without translating them: time zone abbreviations (tzdata's),
#: the program's own name, and the model's field paths that name what an amendment changed
#: ("metrics[turvallisuudentunne].minimum_effect", the identifiers the API and --json use).
ALWAYS_ALLOWED = {"EET", "EEST", "UTC", "kokeilu", "metrics", "minimum_effect"}


def _mark(text: str) -> str:
    return OPEN + text + CLOSE


class PseudoTranslations(gettext.NullTranslations):
    """Every text marked; placeholders and plural choice as the English catalogue has them."""

    def gettext(self, message: str) -> str:
        return _mark(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _mark(singular if n == 1 else plural)

    def pgettext(self, context: str, message: str) -> str:
        return _mark(message)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return _mark(singular if n == 1 else plural)


@pytest.fixture
def pseudo(monkeypatch: pytest.MonkeyPatch) -> None:
    i18n.english_texts()  # read the real English catalogue first: it maps keys to msgids
    i18n.core_templates()
    monkeypatch.setattr(i18n, "_translation", lambda lang: PseudoTranslations())
    monkeypatch.setattr(click_texts.gettext, "translation", lambda *args, **kwargs: PseudoTranslations())
    yield
    click_texts.install("en")


def unmarked(text: str) -> str:
    """The text with every marked part (marks nest: a core message inside an error) taken out. A
    mark cut short (click shortens a command's help to its first words in the list of commands)
    runs to the end of its line."""
    previous = None
    while previous != text:
        previous, text = text, _INNERMOST.sub(" ", text)
    return _UNCLOSED.sub(" ", text)


@functools.lru_cache(maxsize=1)
def interface_words() -> frozenset[str]:
    """The names of the commands and options: the interface a user types, never translated."""
    from kokeilu.cli.app import build_cli

    words: set[str] = set()

    def walk(command: object) -> None:
        words.update(_WORD.findall(getattr(command, "name", "") or ""))
        for param in getattr(command, "params", []):
            for option in [*param.opts, *param.secondary_opts]:
                words.update(_WORD.findall(option))
        for child in getattr(command, "commands", {}).values():
            walk(child)

    walk(build_cli(i18n.Messages("en")))
    return frozenset(words)


def leaks(output: str, data: list[str]) -> list[str]:
    allowed = ALWAYS_ALLOWED | interface_words()
    for item in data:
        allowed.update(_WORD.findall(item))
    return sorted({word for word in _WORD.findall(unmarked(output)) if word not in allowed})


def test_the_command_flows_show_no_text_outside_the_catalogues(pseudo: None, tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    rows = tmp_path / "rows.csv"
    rows.write_text("value,arm,at\n3,kontrolli,2025-01-12T10:00:00Z\nx,video,2025-01-12T11:00:00Z\n"
                    "4,video,2031-01-12T11:00:00Z\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("value,arm,at\n3,kontrolli,2025-01-12T10:00:00Z\n4,video,2025-01-12T11:00:00Z\n", encoding="utf-8")
    steps: list[list[str]] = [
        ["init"],
        ["new", *HOME_CARE],
        ["list"],
        ["start", "{key}", "--on", "2025-01-06"],
        ["log", "{key}", "4.5", "--arm", "video", "--at", "2025-01-11T18:30:00+02:00"],
        ["log", "{key}", "4", "--arm", "videot"],
        ["log", "{key}", "nan", "--arm", "video"],
        ["log", "{key}", "4", "--arm", "video", "--at", "2024-01-01"],
        ["import", "{key}", str(rows)],
        ["import", "{key}", str(good)],
        ["note", "{key}", "Two clients asked to return to visits in person."],
        ["show", "{key}"],
        ["analyze", "{key}"],
        ["amend", "{key}", "--reason", "scale agreed", "--minimum-effect", "turvallisuudentunne=0.25"],
        ["history", "{key}"],
        ["verify"],
        ["stop", "{key}", "--reason", ""],
        ["conclude", "{key}", "--verdict", "inconclusive", "--decision", "adapt", "--we-observed", "same",
         "--we-learned", "tablets", "--therefore", "offer", "--on", "2025-05-03"],
        ["show", "{key}"],
        ["--help"],
        ["log", "--help"],
        ["log"],
        ["no-such-command"],
    ]  # fmt: skip
    key = ""
    found: dict[str, list[str]] = {}
    # The user's data: everything typed so far, and the files given.
    data = [str(tmp_path), rows.read_text(encoding="utf-8")]
    for step in steps:
        args = [arg.replace("{key}", key) for arg in step]
        data += args
        result = call(args, db=db, env={"COLUMNS": "250"})
        if step[0] == "new":
            key = re.findall(r"[A-ZÅÄÖ]+-\d{4}-\d{3}", result.out)[0]
            data.append(key)
        words = leaks(result.out + result.err, data)
        if words:
            found[" ".join(args)] = words
    assert found == {}, "\n".join(f"{step}: {words}" for step, words in found.items())
