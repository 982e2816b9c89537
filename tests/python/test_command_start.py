"""The commands that scripts call in loops start without pandas, numpy and matplotlib.

Importing pandas alone takes most of a second on a busy machine, many times the work of writing
one value; ``kokeilu --version``, ``--help`` and ``log`` need none of them. Each case runs the
console script's entry point in a fresh interpreter and lists the heavy modules it loaded: the
check is what was imported, not how long it took (speed is for the benchmark, make bench).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import child_env  # noqa: E402
from conftest import FieldsFactory  # noqa: E402

import kokeilu  # noqa: E402

HEAVY = ("pandas", "numpy", "matplotlib", "scipy", "rich")

# The console script's own entry point (kokeilu = kokeilu.cli:main), run as the script runs it;
# the modules loaded are written to a file when it exits, however it exits.
_CHILD = """
import atexit, json, sys
from importlib.metadata import entry_points

report, args = sys.argv[1], sys.argv[2:]
heavy = {heavy!r}

def _report() -> None:
    with open(report, "w", encoding="utf-8") as out:
        json.dump(sorted(name for name in heavy if name in sys.modules), out)

atexit.register(_report)
(main,) = [e.load() for e in entry_points(group="console_scripts", name="kokeilu")]
sys.argv = ["kokeilu", *args]
sys.exit(main())
"""


def _heavy_modules_of(args: list[str], tmp_path: Path, db: Path | None = None) -> tuple[int, str, list[str]]:
    report = tmp_path / "modules.json"
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD.format(heavy=HEAVY), str(report), *args],
        env=child_env(db),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    loaded: list[str] = json.loads(report.read_text(encoding="utf-8"))
    return completed.returncode, completed.stdout + completed.stderr, loaded


@pytest.mark.parametrize("args", [["--version"], ["--help"]], ids=["version", "help"])
def test_version_and_help_load_no_heavy_module(args: list[str], tmp_path: Path) -> None:
    code, output, loaded = _heavy_modules_of(args, tmp_path)
    assert code == 0, output
    assert loaded == []


def test_log_writes_the_value_without_heavy_modules(tmp_path: Path, home_care_fields: FieldsFactory) -> None:
    db = tmp_path / "kokeilut.db"
    with kokeilu.open(str(db)) as tracker:
        e = tracker.create(**home_care_fields())
        tracker.start(e)

    code, output, loaded = _heavy_modules_of(
        ["log", e.key, "4", "--arm", "video", "--metric", "sense_of_security"], tmp_path, db
    )

    assert code == 0, output
    assert loaded == []
    with kokeilu.open(str(db), read_only=True) as tracker:
        assert tracker.count_observations(e.key) == 1


def test_the_check_sees_a_heavy_import(tmp_path: Path) -> None:
    """The report is of the child's own modules: a child that imports numpy is caught."""
    report = tmp_path / "modules.json"
    child = _CHILD.format(heavy=HEAVY).replace("atexit.register(_report)", "atexit.register(_report)\nimport numpy")
    subprocess.run([sys.executable, "-c", child, str(report), "--version"], env=child_env(None), capture_output=True,
                   timeout=120, check=False)
    assert "numpy" in json.loads(report.read_text(encoding="utf-8"))
