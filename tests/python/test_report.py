"""The portfolio report: one self-contained HTML file in fi, sv or en, its words from the catalogues,
its numbers as the language writes them (the browser's view of it is in test_report_browser.py)."""

from __future__ import annotations

import datetime
import html
import re
import string
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

import kokeilu
from kokeilu import report
from kokeilu.cli.i18n import Messages, english_texts
from kokeilu.demo import create_demo

LANGS = ("fi", "sv", "en")
DAY = datetime.date(2026, 3, 1)


class _Page(HTMLParser):
    """The tags of a page with their attributes, its text (not its style sheet), and the text of
    its headings."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.headings: list[str] = []
        self._in_heading = False
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"
        if tag in ("h1", "h2", "h3"):
            self._in_heading = True
            self.headings.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False
        if tag in ("h1", "h2", "h3"):
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            return
        self.text.append(data)
        if self._in_heading:
            self.headings[-1] += data


def _parse(source: str) -> _Page:
    page = _Page()
    page.feed(source)
    page.close()
    return page


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "demo.db"
    # Oulu's file, with the other municipalities' replications imported: the report's sharing section.
    create_demo(path, event_rows=3000, municipalities=True)
    return path


@pytest.fixture(scope="module")
def pages(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    out = tmp_path_factory.mktemp("pages")
    return {
        lang: report.build_report(demo_db, out / f"{lang}.html", lang, today=DAY).read_text(encoding="utf-8")
        for lang in LANGS
    }


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_is_one_self_contained_file(pages: dict[str, str], lang: str) -> None:
    page = _parse(pages[lang])
    assert ("html", {"lang": lang}) in page.tags
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe"), (tag, attrs)
        if tag == "img":
            assert str(attrs.get("src")).startswith("data:image/png;base64,")
            assert (attrs.get("alt") or "").strip()
    assert sum(1 for tag, _ in page.tags if tag == "img") == 8  # the forest plot of the replications too
    assert "http://" not in pages[lang] and "https://" not in pages[lang]


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_has_its_sections_in_the_language(pages: dict[str, str], demo_db: Path, lang: str) -> None:
    msgs = Messages(lang)
    page = _parse(pages[lang])
    for key in ("report.title", "report.summary", "report.portfolio", "report.experiments", "report.plots"):
        assert msgs.text(key) in page.headings, key
    text = " ".join(page.text)
    assert msgs("report.made", date=msgs.date(DAY), name="demo.db") in text
    # Every experiment has its card, with its Test Card; the concluded ones their verdict sentence.
    with kokeilu.open(demo_db, read_only=True) as tracker:
        experiments = tracker.experiments()
    for e in experiments:
        assert any(h.startswith(f"{e.key} · {e.title} ") for h in page.headings), e.key
        if e.outcome is not None:
            assert msgs.date(e.outcome.decided_on) in text
    assert pages[lang].count(f"<h4>{html.escape(msgs.text('html.test_card'))}</h4>") == len(experiments)
    assert "KAJAANI-2025-001" in text and "Kuusamo" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_sharing_section_says_what_came_from_whom_and_pools_the_replications(
    pages: dict[str, str], lang: str
) -> None:
    msgs = Messages(lang)
    page = _parse(pages[lang])
    assert msgs.text("report.sharing") in page.headings
    text = " ".join(page.text)
    # The imported copies: from whom, at which level.
    for key, level in (("KAJAANI-2026-005", "aggregate"), ("KUUSAMO-2026-004", "units")):
        assert key in text and msgs.text(f"report.sharing.level.{level}") in text
    assert msgs.text("report.sharing.column.organisation") in text
    # The meta-analysis of the reminder in three municipalities, and its forest plot.
    title = "Tekstiviestimuistutus hammashoitolan vastaanottoajasta"
    assert msgs("report.sharing.meta", key="OULU-2026-005", title=title) in page.headings
    assert msgs("html.meta.title", count=msgs.number(3)) in text
    alt = msgs("report.alt.forest", key="OULU-2026-005", metric="appointment_kept")
    assert any(tag == "img" and attrs.get("alt") == alt for tag, attrs in page.tags)


@pytest.mark.parametrize("lang", LANGS)
def test_the_follow_ups_due_by_the_reports_day_are_listed(demo_db: Path, tmp_path: Path, lang: str) -> None:
    msgs = Messages(lang)
    day = datetime.date(2027, 1, 10)
    source = report.build_report(demo_db, tmp_path / "report.html", lang, today=day).read_text(encoding="utf-8")
    page = _parse(source)
    assert msgs.text("report.follow_ups") in page.headings
    until = day + datetime.timedelta(days=report.FOLLOW_UP_HORIZON_DAYS)
    text = " ".join(page.text)
    assert msgs("report.follow_ups_intro", date=msgs.date(until)) in text
    with kokeilu.open(demo_db, read_only=True) as tracker:
        due = tracker.due(on=day, within_days=report.FOLLOW_UP_HORIZON_DAYS)
    table = source[source.index('id="follow-ups-due"'):]
    table = table[: table.index("</table>")]
    assert table.count("<tr>") == len(due) + 1  # the heading's row, then one a slot
    # Oulu's reminder was scaled up on 20 July 2026: three months on is 20 October, 82 days before
    # the report's day; six months on, 20 January 2027, is due within the horizon.
    cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", table)]
    rows = [cells[i:i + 8] for i in range(0, len(cells), 8)]
    reminder = [r for r in rows if "OULU-2026-005" in r[0]]
    assert [r[3:6] for r in reminder] == [
        [msgs.number(3), msgs.date(datetime.date(2026, 10, 20)), msgs.number(82)],
        [msgs.number(6), msgs.date(datetime.date(2027, 1, 20)), "–"],
    ]
    assert all(r[6] == "–" for r in reminder)  # no follow-up made yet


def test_a_day_with_nothing_due_says_so(demo_db: Path, tmp_path: Path) -> None:
    msgs = Messages("en")
    with kokeilu.open(demo_db, read_only=True) as tracker:
        # The day of the first decision that scheduled follow-ups: its first slot is three months off.
        day = min(e.outcome.decided_on for e in tracker.experiments()
                  if e.outcome is not None and e.outcome.follow_up_months)
        assert tracker.due(on=day, within_days=report.FOLLOW_UP_HORIZON_DAYS).empty
    page = _parse(report.build_report(demo_db, tmp_path / "report.html", "en", today=day).read_text(encoding="utf-8"))
    until = day + datetime.timedelta(days=report.FOLLOW_UP_HORIZON_DAYS)
    assert msgs("report.follow_ups.none", date=msgs.date(until)) in " ".join(page.text)


def test_a_file_that_shared_nothing_has_no_sharing_section(tmp_path: Path) -> None:
    path = tmp_path / "alone.db"
    create_demo(path, event_rows=200)
    page = report.build_report(path, tmp_path / "alone.html", "en", today=DAY).read_text(encoding="utf-8")
    assert 'id="sharing"' not in page and Messages("en").text("report.sharing") not in page


@pytest.mark.parametrize("lang", LANGS)
def test_nothing_unknown_is_shown_as_nan_or_none(pages: dict[str, str], demo_db: Path, lang: str) -> None:
    text = " ".join(_parse(pages[lang]).text)
    words = set(text.replace("(", " ").replace(")", " ").split())
    for word in ("NaN", "nan", "None", "0.333333", "5000.000000"):
        assert word not in words, word
    assert "KOKEILU_DEMO_DB" not in pages[lang]
    assert "–" in text  # an unknown figure is a dash
    # No absolute path of this machine: the tracker is named by its file's name.
    assert str(demo_db.parent) not in pages[lang]


def test_numbers_are_written_as_the_language_writes_them(pages: dict[str, str]) -> None:
    fi, sv, en = (" ".join(_parse(pages[lang]).text) for lang in LANGS)
    # Money with the language's grouping and per cents with its decimal sign and spacing.
    assert "\u00a0€" in fi or " €" in fi
    assert any(f"{n}\u00a0000 €" in fi or f"{n} 000 €" in fi for n in range(1, 100))
    assert any(f"{n},000 €" in en for n in range(1, 100))
    # Shares and decimals: "43 %" and "0,64" in Finnish and Swedish, "43%" and "0.64" in English.
    for text in (fi, sv):
        assert re.search(r"\d[\u00a0 ]%", text) and re.search(r"\b\d,\d\d\b", text)
    assert re.search(r"\d%", en) and re.search(r"\b\d\.\d\d\b", en)
    # Dates: 1.3.2026 in Finnish, the ISO date in English.
    assert "1.3.2026" in fi and "2026-03-01" in en


def _literals(template: str) -> list[str]:
    """The parts of a template between its placeholders."""
    return [text.strip(" .:…") for text, _, _, _ in string.Formatter().parse(template) if text.strip(" .:…")]


@pytest.mark.parametrize("lang", ("fi", "sv"))
def test_no_english_catalogue_text_in_finnish_or_swedish(pages: dict[str, str], lang: str) -> None:
    msgs = Messages(lang)
    text = " ".join(_parse(pages[lang]).text)
    attributes = " ".join(str(v) for _, attrs in _parse(pages[lang]).tags for v in attrs.values())
    checked = 0
    for key, english in english_texts().items():
        if not key.startswith("report.") or isinstance(english, tuple) or msgs.text(key) == english:
            continue
        for part in _literals(english):
            if len(part) >= 6 and part not in msgs.text(key):
                assert part not in text and part not in attributes, (key, part)
                checked += 1
    assert checked > 20


def test_a_tracker_object_and_the_default_language(demo_db: Path, tmp_path: Path) -> None:
    kokeilu.set_language("sv")
    try:
        with kokeilu.open(demo_db, read_only=True) as tracker:
            out = report.build_report(tracker, tmp_path / "r.html", today=DAY)
    finally:
        kokeilu.set_language(None)
    assert _parse(out.read_text(encoding="utf-8")).tags[0] == ("html", {"lang": "sv"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


def test_missing_inputs_are_named(tmp_path: Path, demo_db: Path) -> None:
    with pytest.raises(FileNotFoundError, match="tracker_or_path: there is no tracker file"):
        report.build_report(tmp_path / "none.db", tmp_path / "r.html")
    with pytest.raises(FileNotFoundError, match="out_html: the directory"):
        report.build_report(demo_db, tmp_path / "no" / "r.html")
    with pytest.raises(ValueError, match="lang: unknown language 'de'"):
        report.build_report(demo_db, tmp_path / "r.html", "de")
    assert not list(tmp_path.iterdir())


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=300, check=False, cwd=cwd)


def test_kokeilu_report_command(demo_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "build" / "fi.html"
    done = _run("-m", "kokeilu", "report", "--db", str(demo_db), "--output", str(out), "--lang", "fi", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Raportti kirjoitettu: {out}"
    page = _parse(out.read_text(encoding="utf-8"))
    assert page.tags[0] == ("html", {"lang": "fi"}) and "Kokeilusalkun raportti" in page.headings
    missing = _run("-m", "kokeilu", "report", "--db", str(tmp_path / "none.db"), "--lang", "en", cwd=tmp_path)
    assert missing.returncode != 0 and "there is no tracker file" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_python_m_kokeilu_report(demo_db: Path, tmp_path: Path) -> None:
    nested = tmp_path / "build" / "report" / "portfolio.html"
    done = _run("-m", "kokeilu.report", "--db", str(demo_db), "--out", str(nested), "--lang", "sv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(nested) and nested.is_file()
    assert "Rapport om försöksportföljen" in nested.read_text(encoding="utf-8")
    missing = _run("-m", "kokeilu.report", "--db", str(tmp_path / "none.db"), cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: tracker_or_path: there is no tracker file")
    assert "Traceback" not in missing.stderr


def test_an_empty_tracker_and_one_draft(tmp_path: Path, tracker: kokeilu.Tracker, draft: kokeilu.Experiment) -> None:
    empty = tmp_path / "empty.db"
    kokeilu.open(empty).close()
    page = _parse(report.build_report(empty, tmp_path / "empty.html", "fi", today=DAY).read_text(encoding="utf-8"))
    assert Messages("fi").text("report.empty") in " ".join(page.text)
    assert not any(tag == "img" for tag, _ in page.tags)
    # One draft: no verdict, no decision, no cost per learning; every unknown figure is a dash.
    source = report.report_html(tracker, "en", today=DAY)
    text = " ".join(_parse(source).text)
    assert Messages("en").text("report.pending.draft") in text
    assert not {"NaN", "nan", "None"} & set(text.split())
    assert source.count("<img ") == 6  # no effects to draw without a concluded experiment
