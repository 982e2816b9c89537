"""Every notebook in notebooks/ is stored without outputs and runs without errors (nbclient)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import ipykernel  # noqa: F401  (the kernel the notebooks run in: missing, the run fails)
import matplotlib  # noqa: F401
import nbclient
import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_the_notebooks_are_there() -> None:
    names = [p.name for p in PATHS]
    assert {"01_quick_start.ipynb", "02_one_experiment.ipynb", "03_portfolio.ipynb", "04_sharing.ipynb"} <= set(names)


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_stored_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {index} has stored outputs"
            assert cell.execution_count is None, f"cell {index} has an execution count"


def _files(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if ".ipynb_checkpoints" not in p.parts}


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_runs_without_errors(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = nbformat.read(path, as_version=4)
    work = tmp_path / "work"
    work.mkdir()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    # The kernel inherits the environment: its temporary files go under tmp_path, the demo is small,
    # and matplotlib draws without a display.
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.setenv("KOKEILU_DEMO_EVENT_ROWS", "20000")
    monkeypatch.delenv("KOKEILU_DEMO_DB", raising=False)
    before = _files(NOTEBOOKS)
    client = nbclient.NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}}
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error"
    ]
    assert errors == []
    # Something was shown: tables, HTML or figures.
    shown = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert any("image/png" in o.get("data", {}) for o in shown)
    assert any("text/html" in o.get("data", {}) for o in shown)
    # Nothing was written beside the notebooks, nor in the working directory.
    assert _files(NOTEBOOKS) == before
    assert _files(work) == set()
    assert os.listdir(scratch), "the notebook should keep its tracker in a temporary directory"
