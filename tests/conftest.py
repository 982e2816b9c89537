"""Shared by every pytest suite under tests/: the guard against silent skips (skip_guard.py)."""

from __future__ import annotations

import importlib.util
import pathlib

# Loaded by path: the suites run with --import-mode=importlib, so tests/ is not on sys.path.
_spec = importlib.util.spec_from_file_location("kokeilu_skip_guard", pathlib.Path(__file__).with_name("skip_guard.py"))
assert _spec is not None and _spec.loader is not None
_guard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_guard)

pytest_collectreport = _guard.pytest_collectreport
pytest_runtest_logreport = _guard.pytest_runtest_logreport
pytest_sessionfinish = _guard.pytest_sessionfinish
