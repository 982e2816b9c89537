#!/usr/bin/env python3
"""Mutation testing of the Python layer with mutmut, over the pytest suites.

    .venv/bin/python tests/mutation/run_py_mutants.py [--only python/kokeilu/_columns.py ...]

mutmut names a mutant after its module path from its working directory, and the tests import
`kokeilu`; the package here lives in python/kokeilu and is installed non-editable with a compiled
module that the source tree does not hold. So mutmut runs in build/mutation/python, laid anew for
every run: kokeilu/ is the installed package (its _core and compiled catalogues) with the .py
files of python/kokeilu copied over it, tests/ and pyproject.toml are copies of the repository's
([tool.mutmut] there is the configuration), and python/kokeilu and notebooks/ are copies for the
tests that read the catalogues, the type stubs and the notebooks from there. mutmut puts its
mutants/ first on sys.path of the tests it runs in its own process. A child that a test starts
(`python -m kokeilu`, a notebook's kernel) imports kokeilu from its own working directory or the
installed package, and mutmut records which tests reach a mutant only in its own process: a
mutant that only such children reach counts as "no tests". (Pointing PYTHONPATH at mutants/ would
break the children that run elsewhere: mutmut's trampolines read its configuration from the
working directory.)

Writes build/mutation/py_results.json (counts per file and the surviving mutants) and
build/mutation/py_survivors.txt (the diff of each survivor).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "build" / "mutation" / "python"

# mutmut's exit codes of a mutant's test run, as mutmut 3 reads them (mutmut/stats.py).
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped",
          36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout", None: "not checked"}


def installed_package(python: str) -> Path:
    out = subprocess.run([python, "-c", "import kokeilu, os; print(os.path.dirname(kokeilu.__file__))"],
                         cwd="/", capture_output=True, text=True, check=True)
    return Path(out.stdout.strip())


def module_pattern(path: str) -> str:
    """python/kokeilu/cli/ or python/kokeilu/_columns.py -> the only_mutate pattern of the copy."""
    relative = Path(path).resolve().relative_to(ROOT / "python")
    if (ROOT / "python" / relative).is_dir():
        return f"{relative}/*"
    return str(relative)


def lay_out(python: str, only: list[str]) -> None:
    if WORK.exists():
        shutil.rmtree(WORK)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(installed_package(python), WORK / "kokeilu", ignore=ignore)
    shutil.copytree(ROOT / "python" / "kokeilu", WORK / "kokeilu", ignore=ignore, dirs_exist_ok=True)
    (WORK / "tests").mkdir()
    for name in ("conftest.py", "skip_guard.py"):
        shutil.copy2(ROOT / "tests" / name, WORK / "tests" / name)
    shutil.copytree(ROOT / "tests" / "python", WORK / "tests" / "python", ignore=ignore)
    shutil.copytree(ROOT / "python" / "kokeilu", WORK / "python" / "kokeilu", ignore=ignore)
    shutil.copytree(ROOT / "notebooks", WORK / "notebooks", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    config = (ROOT / "pyproject.toml").read_text()
    if only:
        patterns = ", ".join(f'"{module_pattern(p)}"' for p in only)
        config, count = re.subn(r"(?m)^only_mutate = \[.*\]$", f"only_mutate = [{patterns}]", config)
        if count != 1:
            sys.exit("pyproject.toml: [tool.mutmut] has no one-line only_mutate to narrow")
    (WORK / "pyproject.toml").write_text(config)


def collect() -> dict:
    files = {}
    for meta in sorted((WORK / "mutants").rglob("*.py.meta")):
        data = json.loads(meta.read_text())
        statuses = {name: STATUS.get(code, "suspicious") for name, code in data["exit_code_by_key"].items()}
        source = "python/" + str(meta.relative_to(WORK / "mutants"))[: -len(".meta")]
        files[source] = {"counts": dict(Counter(statuses.values())),
                         "survived": sorted(n for n, s in statuses.items() if s == "survived"),
                         "no_tests": sorted(n for n, s in statuses.items() if s == "no tests")}
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", default=str(ROOT / ".venv/bin/python"))
    parser.add_argument("--only", nargs="*", default=[], help="files or folders under python/kokeilu to mutate")
    parser.add_argument("--max-children", type=int, default=2)
    args = parser.parse_args()

    lay_out(args.python, args.only)
    env = dict(os.environ)
    mutmut = str(Path(args.python).parent / "mutmut")
    started = time.monotonic()
    status = subprocess.run([mutmut, "run", "--max-children", str(args.max_children)], cwd=WORK, env=env).returncode
    seconds = round(time.monotonic() - started)
    files = collect()
    survivors = [n for f in files.values() for n in f["survived"]]
    out = ROOT / "build" / "mutation"
    (out / "py_results.json").write_text(json.dumps({"seconds": seconds, "files": files}, indent=1) + "\n")
    with (out / "py_survivors.txt").open("w") as f:
        for name in survivors:
            shown = subprocess.run([mutmut, "show", name], cwd=WORK, env=env, capture_output=True, text=True)
            f.write(f"# {name}\n{shown.stdout}\n")

    total = Counter()
    for source, data in files.items():
        total.update(data["counts"])
        print(f"{source:45} {dict(data['counts'])}")
    killed, survived = total["killed"], total["survived"]
    judged = killed + survived + total["timeout"]
    score = f"{100 * (killed + total['timeout']) / judged:.0f} %" if judged else "-"
    print(f"mutmut: {dict(total)}; score {score} (killed or timed out / tested); {seconds} s")
    print(f"results in {out / 'py_results.json'}, survivors' diffs in {out / 'py_survivors.txt'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
