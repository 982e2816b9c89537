"""The command's flows in Finnish, Swedish and English: the same steps end the same way in every
language, and a Finnish or Swedish run shows no English sentence of the catalogues (an entry that
fell back to English, or English text the command wrote itself, is caught by the pseudo-locale run).
"""

from __future__ import annotations

import re
import string
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402
from test_catalogue_files import LANGS, SOURCE_LOCALE, parse_po  # noqa: E402

ENGLISH = parse_po(SOURCE_LOCALE / "en" / "LC_MESSAGES" / "kokeilu.po")


def english_fragments(lang: str) -> set[str]:
    """The literal pieces (between placeholders) of every English text whose translation in
    ``lang`` differs, long enough to be a sentence rather than a shared word."""
    translated = parse_po(SOURCE_LOCALE / lang / "LC_MESSAGES" / "kokeilu.po")
    fragments: set[str] = set()
    for key, entry in ENGLISH.items():
        own = translated.get(key, {})
        if own.get("msgstr", own.get("msgstr[0]", "")) == entry.get("msgstr", entry.get("msgstr[0]", "")):
            continue
        for text in (entry.get("msgid", ""), entry.get("msgid_plural", "")):
            for literal, *_ in string.Formatter().parse(text):
                if literal and len(literal.strip()) >= 24:
                    fragments.add(literal.strip())
    return fragments


def flow(tmp_path: Path, lang: str) -> list[tuple[list[str], int, str]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    db = tmp_path / f"{lang}.db"
    rows = tmp_path / "rows.csv"
    rows.write_text("value,arm,at\n3,kontrolli,2025-01-12T10:00:00Z\nx,video,2025-01-12T11:00:00Z\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("value,arm,at\n3,kontrolli,2025-01-12T10:00:00Z\n4,video,2025-01-12T11:00:00Z\n", encoding="utf-8")
    steps: list[list[str]] = [
        ["init"],
        ["new", *HOME_CARE],
        ["list"],
        ["start", "{key}", "--on", "2025-01-06"],
        ["log", "{key}", "4.5", "--arm", "video", "--at", "2025-01-11T18:30:00+02:00"],
        ["log", "{key}", "4", "--arm", "videot"],
        ["log", "{key}", "4", "--arm", "video", "--at", "2024-01-01"],
        ["import", "{key}", str(rows)],
        ["import", "{key}", str(good)],
        ["import", "{key}", str(good)],
        ["note", "{key}", "Kaksi asiakasta pyysi palata käynteihin."],
        ["show", "{key}"],
        ["analyze", "{key}"],
        ["amend", "{key}", "--reason", "asteikko sovittiin", "--minimum-effect", "turvallisuudentunne=0.25"],
        ["history", "{key}"],
        ["verify"],
        ["stop", "{key}", "--reason", " "],
        ["conclude", "{key}", "--verdict", "inconclusive", "--decision", "adapt", "--we-observed", "sama",
         "--we-learned", "tabletit", "--therefore", "tarjotaan", "--on", "2025-05-03"],
        ["show", "{key}"],
        ["log", "--help"],
        ["no-such-command"],
    ]  # fmt: skip
    key = ""
    results = []
    for step in steps:
        args = ["--lang", lang, *[arg.replace("{key}", key) for arg in step]]
        result = call(args, db=db, env={"COLUMNS": "250"})
        if step[0] == "new":
            key = re.findall(r"[A-ZÅÄÖ]+-\d{4}-\d{3}", result.out)[0]
        results.append((step, result.code, result.out + result.err))
    return results


def test_every_language_ends_every_step_alike(tmp_path: Path) -> None:
    codes = {lang: [code for _, code, _ in flow(tmp_path / lang, lang)] for lang in LANGS}
    assert codes["fi"] == codes["en"]
    assert codes["sv"] == codes["en"]
    assert 0 in codes["en"] and 1 in codes["en"] and 2 in codes["en"]


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_a_finnish_or_swedish_run_shows_no_english_sentence(tmp_path: Path, lang: str) -> None:
    fragments = english_fragments(lang)
    assert len(fragments) > 100
    found = {}
    for step, _, output in flow(tmp_path, lang):
        seen = sorted(fragment for fragment in fragments if fragment in output)
        if seen:
            found[" ".join(step[:2])] = seen
    assert found == {}
