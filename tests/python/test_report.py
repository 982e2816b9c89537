"""The portfolio report: the notebook executed headlessly into one self-contained HTML file."""

from __future__ import annotations

import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import ipykernel  # noqa: F401  (what the report needs: missing, the run fails rather than skips)
import matplotlib  # noqa: F401
import nbclient  # noqa: F401
import nbconvert  # noqa: F401
import nbformat
import pytest

from kokeilu import report
from kokeilu.demo import create_demo

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


class _Page(HTMLParser):
    """The tags of a page with their attributes, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def _assert_self_contained(page: _Page) -> None:
    """Nothing is fetched when the page is opened: no script, style or image from elsewhere."""
    for tag, attrs in page.tags:
        if tag == "script":
            assert attrs.get("src") is None, attrs
        if tag == "link":
            assert attrs.get("rel") not in ("stylesheet", "preload", "modulepreload"), attrs
            assert not str(attrs.get("href") or "").startswith(("http:", "https:", "//")), attrs
        if tag in ("img", "iframe", "embed", "source"):
            assert str(attrs.get("src") or "").startswith("data:"), attrs


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "demo.db"
    create_demo(path, event_rows=3000)
    return path


def test_the_portfolio_report_is_one_self_contained_file(demo_db: Path, tmp_path: Path) -> None:
    notebook_before = (NOTEBOOKS / "03_portfolio.ipynb").read_bytes()
    out = report.build_report(demo_db, tmp_path / "portfolio.html")
    assert out == tmp_path / "portfolio.html"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["portfolio.html"]
    page = _parse(out)
    _assert_self_contained(page)
    source = out.read_text(encoding="utf-8")
    assert "cdnjs" not in source and "require.js" not in source.lower()
    images = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    assert len(images) >= 6 and all(str(src).startswith("data:image/png;base64,") for src in images)
    text = " ".join(page.text)
    # The notebook ran against this tracker: its experiments and the portfolio table are shown.
    assert "14 experiments in" in text and str(demo_db) in text
    assert "KAJAANI-2025-001" in text and "Kuusamo" in text and "win rate" in text
    # A report for readers: the code cells are left out, their outputs are kept.
    assert "import kokeilu" not in text
    assert any(tag == "title" for tag, _ in page.tags) and "The portfolio" in text
    # The notebook itself is left as it was: without outputs.
    assert (NOTEBOOKS / "03_portfolio.ipynb").read_bytes() == notebook_before


def _tiny_notebook(path: Path) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A tiny report"),
        nbformat.v4.new_code_cell(
            "import os\n"
            "import matplotlib.pyplot as plt\n"
            "import kokeilu\n"
            "with kokeilu.open(os.environ['KOKEILU_DEMO_DB'], read_only=True) as t:\n"
            "    print('experiments:', len(t.experiments()))\n"
            "plt.plot([0, 1], [1, 0]);"
        ),
    ]
    nbformat.write(notebook, path)
    return path


def test_another_notebook_with_its_code(demo_db: Path, tmp_path: Path) -> None:
    notebook = _tiny_notebook(tmp_path / "tiny.ipynb")
    out = report.build_report(demo_db, tmp_path / "tiny.html", notebook=notebook, include_code=True)
    page = _parse(out)
    _assert_self_contained(page)
    text = " ".join(page.text)
    assert "experiments: 14" in text and "A tiny report" in text
    assert "read_only" in text  # the code is shown
    assert sum(1 for tag, _ in page.tags if tag == "img") == 1


def test_a_failing_notebook_writes_nothing(demo_db: Path, tmp_path: Path) -> None:
    from nbclient.exceptions import CellExecutionError

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("raise RuntimeError('the data are not there')")]
    nbformat.write(notebook, tmp_path / "bad.ipynb")
    with pytest.raises(CellExecutionError, match="the data are not there"):
        report.build_report(demo_db, tmp_path / "bad.html", notebook=tmp_path / "bad.ipynb")
    assert not (tmp_path / "bad.html").exists()


def test_missing_inputs_are_named(tmp_path: Path, demo_db: Path) -> None:
    with pytest.raises(FileNotFoundError, match="db_path: there is no tracker file"):
        report.build_report(tmp_path / "none.db", tmp_path / "r.html")
    with pytest.raises(FileNotFoundError, match="notebook: there is no notebook"):
        report.build_report(demo_db, tmp_path / "r.html", notebook=tmp_path / "none.ipynb")
    with pytest.raises(FileNotFoundError, match="out_html: the directory"):
        report.build_report(demo_db, tmp_path / "no" / "r.html")
    assert report.default_notebook() == NOTEBOOKS / "03_portfolio.ipynb"


def test_python_m_kokeilu_report(demo_db: Path, tmp_path: Path) -> None:
    notebook = _tiny_notebook(tmp_path / "tiny.ipynb")
    out = tmp_path / "r.html"
    done = subprocess.run(
        [sys.executable, "-m", "kokeilu.report", "--db", str(demo_db), "--notebook", str(notebook), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *table, path = done.stdout.strip().splitlines()
    assert path == str(out)
    assert "experiments: 14" in out.read_text(encoding="utf-8")
    # The portfolio table is printed first: one row per organisation and the whole portfolio.
    rows = {line.split()[0]: line.split() for line in table if line.strip()}
    assert set(rows) >= {"Ii", "Kajaani", "Kuusamo", "Oulu", "all"}
    assert rows["all"][1] == "14" and "win rate" in table[0]
    # --quiet prints the path only, and the directory of the report is made.
    nested = tmp_path / "build" / "report" / "r.html"
    quiet = subprocess.run(
        [sys.executable, "-m", "kokeilu.report", "--db", str(demo_db), "--notebook", str(notebook), "--out",
         str(nested), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.strip() == str(nested) and nested.is_file()
    missing = subprocess.run(
        [sys.executable, "-m", "kokeilu.report", "--db", str(tmp_path / "none.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 1
    assert missing.stderr.startswith("Error: db_path: there is no tracker file") and "Traceback" not in missing.stderr
