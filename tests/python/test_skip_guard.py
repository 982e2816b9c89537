"""The guard against silent skips fails a run with an unlisted skip, and only then."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest

TESTS = pathlib.Path(__file__).resolve().parents[1]


def run_suite(tmp_path: pathlib.Path, body: str, forbid: bool) -> subprocess.CompletedProcess[str]:
    """Runs a one-file suite that loads the real guard, as tests/conftest.py does."""
    (tmp_path / "conftest.py").write_text((TESTS / "conftest.py").read_text(encoding="utf-8").replace(
        'pathlib.Path(__file__).with_name("skip_guard.py")', repr(str(TESTS / "skip_guard.py"))
    ), encoding="utf-8")
    (tmp_path / "test_sample.py").write_text("import pytest\n\n" + body, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "KOKEILU_FORBID_SKIPS"}
    if forbid:
        env["KOKEILU_FORBID_SKIPS"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--rootdir", str(tmp_path),
         "-c", os.devnull, str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120,
    )


SKIPPING = "def test_ok():\n    pass\n\n\ndef test_hidden():\n    pytest.skip('scipy is missing')\n"


def test_an_unlisted_skip_fails_the_run_under_make_test(tmp_path: pathlib.Path) -> None:
    result = run_suite(tmp_path, SKIPPING, forbid=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "skipped without being on allowed_skips.txt" in result.stdout
    assert "test_sample.py::test_hidden: Skipped: scipy is missing" in result.stdout


def test_a_module_that_skips_as_a_whole_fails_too(tmp_path: pathlib.Path) -> None:
    result = run_suite(tmp_path, "pytest.importorskip('no_such_reference_module')\n\n\ndef test_x():\n    pass\n",
                       forbid=True)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "test_sample.py" in result.stdout and "no_such_reference_module" in result.stdout


def test_skips_are_only_reported_outside_make_test(tmp_path: pathlib.Path) -> None:
    result = run_suite(tmp_path, SKIPPING, forbid=False)
    assert result.returncode == 0, result.stdout + result.stderr
    result = run_suite(tmp_path, "def test_ok():\n    pass\n", forbid=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_expected_failures_are_not_skips(tmp_path: pathlib.Path) -> None:
    body = "@pytest.mark.xfail(strict=True)\ndef test_known():\n    assert False\n"
    assert run_suite(tmp_path, body, forbid=True).returncode == 0


def test_the_allow_list_names_tests_that_exist() -> None:
    guard = _load_guard()
    patterns = guard.allowed_patterns()
    assert patterns, "the allow-list is read"
    for pattern in patterns:
        path = TESTS.parent / pattern.split("::")[0]
        assert path.is_file(), pattern
        name = pattern.split("::")[1].rstrip("*")
        assert f"def {name}" in path.read_text(encoding="utf-8"), pattern
    assert guard.unlisted([("tests/reliability/test_readonly_fulldisk.py::test_full_disk", "no root"),
                           ("tests/python/test_x.py::test_y", "gone")], patterns) == [
        ("tests/python/test_x.py::test_y", "gone")
    ]


def _load_guard():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("skip_guard_under_test", TESTS / "skip_guard.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
