"""The public surface: every name documented, the stubs in step with the compiled module, mypy clean."""

from __future__ import annotations

import ast
import inspect
import pathlib
import shutil
import subprocess
import sys

import pytest

import kokeilu
from kokeilu import _core

PACKAGE = pathlib.Path(kokeilu.__file__).resolve().parent
SOURCE_PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "python" / "kokeilu"


def test_all_names_exist_and_have_docstrings() -> None:
    missing_docs = []
    for name in kokeilu.__all__:
        obj = getattr(kokeilu, name)
        if name.isupper() or name == "__version__":
            continue  # constants
        if not inspect.getdoc(obj):
            missing_docs.append(name)
        if inspect.isclass(obj):
            for member_name, member in vars(obj).items():
                if member_name.startswith("_") or not callable(member) and not isinstance(member, property):
                    continue
                if not inspect.getdoc(member):
                    missing_docs.append(f"{name}.{member_name}")
    assert missing_docs == []


def test_version_matches_the_package_metadata() -> None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        assert kokeilu.__version__ == version("kokeilu")
    except PackageNotFoundError:
        pytest.skip("kokeilu is not installed as a distribution")


def _stub_names() -> set[str]:
    tree = ast.parse((SOURCE_PACKAGE / "_core.pyi").read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_") or n == "__version__"}


def test_stubs_match_the_compiled_module() -> None:
    module_names = {n for n in dir(_core) if not n.startswith("_") or n == "__version__"}
    assert _stub_names() == module_names


def test_enum_members_match_the_stubs() -> None:
    tree = ast.parse((SOURCE_PACKAGE / "_core.pyi").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and any(getattr(b, "attr", "") == "Enum" for b in node.bases):
            stub_members = [t.targets[0].id for t in node.body if isinstance(t, ast.Assign)]  # type: ignore[attr-defined]
            assert stub_members == list(getattr(_core, node.name).__members__), node.name


@pytest.mark.skipif(shutil.which("mypy") is None and not (pathlib.Path(sys.executable).parent / "mypy").exists(),
                    reason="mypy is not installed")
def test_mypy_strict_passes() -> None:
    root = SOURCE_PACKAGE.parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "python/kokeilu"],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
