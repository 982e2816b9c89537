"""No silent skips: under `make test` (KOKEILU_FORBID_SKIPS=1) a skipped test fails the run.

A skip hides a test as well as a deletion would: a reference that no longer imports, a tool that
is missing on the machine. Skips stay allowed only for what tests/allowed_skips.txt lists, each with
the reason it cannot run everywhere. Outside `make test` (a developer's quick run) skips are only
reported, as pytest reports them.
"""

from __future__ import annotations

import fnmatch
import os
import pathlib

import pytest

ALLOW_LIST = pathlib.Path(__file__).with_name("allowed_skips.txt")

_skipped: list[tuple[str, str]] = []


def allowed_patterns(path: pathlib.Path = ALLOW_LIST) -> list[str]:
    """The node id patterns of the allow-list: one per line, '#' starts a comment."""
    lines = (line.partition("#")[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def _reason(report: pytest.CollectReport | pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2])
    return str(longrepr)


def _record(report: pytest.CollectReport | pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append((report.nodeid, _reason(report)))


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _record(report)  # a module that skips as a whole (pytest.importorskip at its top)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _record(report)


def unlisted(skipped: list[tuple[str, str]], patterns: list[str]) -> list[tuple[str, str]]:
    """The skipped tests that no pattern of the allow-list matches."""
    return [(node, why) for node, why in skipped if not any(fnmatch.fnmatchcase(node, p) for p in patterns)]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("KOKEILU_FORBID_SKIPS") != "1":
        return
    bad = unlisted(_skipped, allowed_patterns())
    if not bad:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(f"{len(bad)} test(s) skipped without being on {ALLOW_LIST.name}:", red=True)
        for node, why in bad:
            reporter.write_line(f"  {node}: {why}", red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
