"""The portfolio report: the portfolio notebook, executed headlessly against a tracker, as one
self-contained HTML file.

The report is what a development manager opens in a browser after the demo is made. It is one
file that works offline and can be mailed on: the plots are embedded as PNG images, the
styles are inlined, and nothing is loaded from the network (no require.js, MathJax or Mermaid
from a CDN)::

    python -m kokeilu.report --db kokeilut.db --output portfolio.html

The notebook is taken from the source tree (``notebooks/03_portfolio.ipynb`` at the root of the
repository); another one is given with ``notebook=`` (``--notebook``). It reads the tracker's path
from the environment variable ``KOKEILU_DEMO_DB``, which the report sets for the kernel.

Needs the notebook extras (``pip install kokeilu[notebook]``): nbformat, nbclient, nbconvert,
ipykernel and matplotlib.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_NOTEBOOK", "build_report", "default_notebook", "main"]

#: The notebook of the report, relative to the root of the source tree.
DEFAULT_NOTEBOOK = Path("notebooks") / "03_portfolio.ipynb"

# The lab template without the scripts it would load from a CDN. The notebooks draw with
# matplotlib and show HTML tables, so none of those scripts is needed to read the report.
_TEMPLATE_NAME = "kokeilu_report.html.j2"
_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
"""


def default_notebook() -> Path:
    """The portfolio notebook of the source tree this package runs from, else the one under the
    current directory (``notebooks/03_portfolio.ipynb``)."""
    # python/kokeilu/report.py -> the root of the repository is two levels above the package.
    source_root = Path(__file__).resolve().parents[2]
    for root in (source_root, Path.cwd()):
        candidate = root / DEFAULT_NOTEBOOK
        if candidate.is_file():
            return candidate
    return source_root / DEFAULT_NOTEBOOK


def _title(notebook: Any) -> str:
    """The notebook's first heading, as the page title."""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in str(cell.source).splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return "kokeilu report"


def build_report(
    db_path: str | os.PathLike[str],
    out_html: str | os.PathLike[str],
    *,
    notebook: str | os.PathLike[str] | None = None,
    timeout: float = 900.0,
    include_code: bool = False,
    kernel_name: str = "python3",
) -> Path:
    """Executes the portfolio notebook against the tracker file ``db_path`` and writes the result
    as one self-contained HTML file ``out_html``; returns its path.

    ``notebook`` defaults to :func:`default_notebook`. Each cell may run for ``timeout`` seconds.
    The code cells are left out of the report unless ``include_code``; their outputs (tables,
    plots, text) are always in it. The notebook runs in a temporary working directory, so it
    writes nothing beside itself; the tracker is only read.

    Raises FileNotFoundError when the tracker or the notebook is missing, and
    ``nbclient.exceptions.CellExecutionError`` when a cell fails (nothing is written then).
    """
    import nbformat
    from jinja2 import DictLoader
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    db = Path(os.fspath(db_path)).resolve()
    if not db.is_file():
        raise FileNotFoundError(
            f"db_path: there is no tracker file {str(db)!r}; create one, e.g. with 'kokeilu demo --db {db}'"
        )
    source = Path(os.fspath(notebook)) if notebook is not None else default_notebook()
    if not source.is_file():
        raise FileNotFoundError(
            f"notebook: there is no notebook {str(source)!r}; run from the source tree of kokeilu or give "
            "the notebook's path"
        )
    if timeout <= 0:
        raise ValueError(f"timeout: must be above 0 seconds, got {timeout!r}")
    out = Path(os.fspath(out_html))
    if not out.parent.is_dir():
        raise FileNotFoundError(f"out_html: the directory {str(out.parent)!r} does not exist")

    document = nbformat.read(source, as_version=4)  # type: ignore[no-untyped-call,unused-ignore]
    env = dict(os.environ)
    env["KOKEILU_DEMO_DB"] = str(db)
    # Plots are drawn without a display and kept in the outputs as PNG images.
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    with tempfile.TemporaryDirectory(prefix="kokeilu-report-") as work:
        client = NotebookClient(
            document,
            timeout=int(timeout),
            kernel_name=kernel_name,
            resources={"metadata": {"path": work}},
        )
        client.execute(env=env)

    exporter = HTMLExporter(  # type: ignore[no-untyped-call,unused-ignore]
        template_name="lab",
        template_file=_TEMPLATE_NAME,
        extra_loaders=[DictLoader({_TEMPLATE_NAME: _TEMPLATE})],
        embed_images=True,
        exclude_input=not include_code,
        exclude_input_prompt=not include_code,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    body, _ = exporter.from_notebook_node(document, resources={"metadata": {"name": _title(document)}})
    # Written whole or not at all: a reader never finds half a report.
    partial = out.with_name(out.name + ".part")
    partial.write_text(body, encoding="utf-8")
    partial.replace(out)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m kokeilu.report``: builds the report and prints its path."""
    parser = argparse.ArgumentParser(
        prog="python -m kokeilu.report",
        description="Execute the portfolio notebook against a tracker and write a self-contained HTML report.",
    )
    parser.add_argument(
        "--db",
        default=os.environ.get("KOKEILU_DB") or None,
        help="the tracker file (default: $KOKEILU_DB, else kokeilut.db in the current directory)",
    )
    parser.add_argument(
        "--output", "--out", "-o", default="kokeilu-report.html", help="the HTML file to write (its directory is made)"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print only the report's path")
    parser.add_argument("--notebook", help=f"the notebook to execute (default: {DEFAULT_NOTEBOOK} of the source tree)")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds each cell may run (default 900)")
    parser.add_argument("--with-code", action="store_true", help="show the code cells too")
    args = parser.parse_args(argv)
    if args.db is None:
        from . import DEFAULT_PATH

        args.db = DEFAULT_PATH
    try:
        if Path(args.db).is_file():
            Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        path = build_report(
            args.db, args.output, notebook=args.notebook, timeout=args.timeout, include_code=args.with_code
        )
    except (FileNotFoundError, ValueError) as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - a failing cell: its name and message, not the kernel's traceback
        name = type(error).__name__
        first = str(error).strip().splitlines()[-1] if str(error).strip() else ""
        print(f"Error: the notebook failed ({name}): {first}", file=sys.stderr)
        return 1
    if not args.quiet:
        print(portfolio_text(args.db))
        print()
    print(path)
    return 0


_TEXT_COLUMNS = (
    "experiments",
    "concluded",
    "supported",
    "refuted",
    "inconclusive",
    "win_rate",
    "median_days_to_decision",
    "cost_per_learning",
    "cost_per_supported",
    "customer_outcome_share",
)


def portfolio_text(db_path: str | os.PathLike[str], by: str = "organisation") -> str:
    """The portfolio table by ``by`` with its ``all`` row, as plain text for a terminal."""
    from . import open as open_tracker
    from . import portfolio

    with open_tracker(db_path, read_only=True) as tracker:
        table = portfolio.summary(tracker, by)[list(_TEXT_COLUMNS)]

    def share(value: float) -> str:
        return "–" if value != value else f"{value:.0%}"

    def euros(value: float) -> str:
        return "–" if value != value else f"{value:,.0f} €"

    def days(value: float) -> str:
        return "–" if value != value else f"{value:.0f} d"

    formatters = {
        "win_rate": share,
        "customer_outcome_share": share,
        "cost_per_learning": euros,
        "cost_per_supported": euros,
        "median_days_to_decision": days,
    }
    shown = table.rename(columns=lambda c: str(c).replace("_", " "))
    text: str = shown.to_string(formatters={k.replace("_", " "): f for k, f in formatters.items()}, na_rep="–")
    return text


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
