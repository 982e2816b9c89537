#!/usr/bin/env python3
"""Applies the mutants of tests/mutation/cpp_mutants.toml to libkokeilu one at a time and runs the
Catch2 tests each names: a mutant the tests fail on is killed, one they pass is a survivor.

    python3 tests/mutation/run_cpp_mutants.py [--only ID_OR_AREA ...] [--with-pytest] [--out FILE]

For each mutant: the original must occur exactly once in its file (else the mutant is stale, which
fails the run); the file is changed, `cmake --build BUILD --target kokeilu_tests` rebuilds what
depends on it, and the tests run. The file is put back in every case (finally, also on Ctrl-C),
and the build is made clean again at the end. A mutant that does not compile counts as killed by
the compiler, but the list is meant to hold only mutants that compile.

Exit status: 0 when every non-equivalent mutant was killed and none was stale; 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Mutant:
    id: str
    area: str
    file: str
    original: str
    replacement: str
    tests: str = ""
    equivalent: str = ""
    pytest: list[str] = field(default_factory=list)


def load(path: Path) -> list[Mutant]:
    with path.open("rb") as f:
        data = tomllib.load(f)
    mutants = [Mutant(**m) for m in data["mutant"]]
    seen: set[str] = set()
    for m in mutants:
        if m.id in seen:
            sys.exit(f"{path}: the id {m.id!r} is used twice")
        seen.add(m.id)
        if m.original == m.replacement:
            sys.exit(f"{path}: mutant {m.id!r} changes nothing")
    return mutants


def run(command: list[str], log, timeout: float | None = None) -> int:
    """Runs command with its output in the log; returns its exit status (124 on a timeout).

    The command runs in a process group of its own, killed whole when the run is stopped: a
    compiler left running would write an object built from the mutant after the source is back."""
    log.write(f"$ {' '.join(command)}\n")
    log.flush()
    process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        log.write(f"timed out after {timeout} s\n")
        return 124
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise


def build(build_dir: str, jobs: int, log) -> int:
    return run(["cmake", "--build", build_dir, "--target", "kokeilu_tests", "-j", str(jobs)], log)


def test(m: Mutant, build_dir: str, args, log) -> int:
    binary = str(Path(build_dir) / "tests" / "cpp" / "kokeilu_tests")
    command = [binary]
    if m.tests:
        command.append(m.tests)
    # A mutant can make a loop run for ever: a run far beyond the suite's own time counts as killed.
    status = run(command, log, timeout=args.test_timeout)
    if status == 0 and args.with_pytest and m.pytest:
        status = run([args.python, "-m", "pytest", "-q", "-x", "-p", "no:randomly", *m.pytest], log)
    return status


def stop(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    # A stop from outside (kill, a closed terminal, a run started in the background, where SIGINT
    # is ignored) must still put the mutated file back: every such signal unwinds through finally.
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutants", type=Path, default=ROOT / "tests/mutation/cpp_mutants.toml")
    parser.add_argument("--build", default=os.environ.get("BUILD", "build/cpp"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", nargs="*", default=[], help="mutant ids or areas to run (default: all)")
    parser.add_argument("--check", action="store_true", help="only check that every original occurs once")
    parser.add_argument("--with-pytest", action="store_true", help="also run a mutant's pytest paths")
    parser.add_argument("--python", default=str(ROOT / ".venv/bin/python"))
    parser.add_argument("--skip-baseline", action="store_true",
                        help="do not run the whole suite on the unmutated build first (it just passed)")
    parser.add_argument("--test-timeout", type=float, default=600.0)
    parser.add_argument("--out", type=Path, default=ROOT / "build/mutation/cpp_results.json")
    parser.add_argument("--log", type=Path, default=ROOT / "build/mutation/cpp_mutants.log")
    args = parser.parse_args()

    mutants = load(args.mutants)
    if args.only:
        # In the order asked for, so that a run cut short has measured what mattered most.
        rank = {name: i for i, name in enumerate(args.only)}
        mutants = [m for m in mutants if m.id in rank or m.area in rank]
        mutants.sort(key=lambda m: rank.get(m.id, rank.get(m.area)))

    stale = []
    for m in mutants:
        count = (ROOT / m.file).read_text().count(m.original)
        if count != 1:
            stale.append(m.id)
            print(f"STALE    {m.id}: the original occurs {count} times in {m.file}")
    if args.check or stale:
        print(f"{len(mutants)} mutants, {len(stale)} stale")
        return 1 if stale else 0

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    results = []
    started = time.monotonic()
    with args.log.open("w") as log:
        baseline = [] if args.skip_baseline else [str(Path(args.build) / "tests/cpp/kokeilu_tests")]
        if build(args.build, args.jobs, log) != 0 or (baseline and run(baseline, log) != 0):
            print(f"the unmutated build or its tests fail; see {args.log}")
            return 1
        try:
            for n, m in enumerate(mutants, 1):
                path = ROOT / m.file
                source = path.read_text()
                t0 = time.monotonic()
                try:
                    path.write_text(source.replace(m.original, m.replacement, 1))
                    log.write(f"\n=== mutant {m.id}\n")
                    if build(args.build, args.jobs, log) != 0:
                        outcome = "killed (compiler)"
                    else:
                        outcome = "killed" if test(m, args.build, args, log) != 0 else "survived"
                finally:
                    path.write_text(source)
                    os.utime(path)  # newer than any object built from the mutant
                seconds = round(time.monotonic() - t0, 1)
                if outcome == "survived" and m.equivalent:
                    outcome = "survived (equivalent)"
                results.append({"id": m.id, "area": m.area, "file": m.file, "outcome": outcome, "seconds": seconds})
                print(f"[{n}/{len(mutants)}] {outcome:22} {m.id} ({seconds} s)", flush=True)
                args.out.write_text(json.dumps(results, indent=1) + "\n")
        finally:
            # The sources are as they were; the objects built from mutants are rebuilt from them.
            build(args.build, args.jobs, log)

    total = round(time.monotonic() - started)
    print(summary(results), f"\n{len(results)} mutants in {total} s; results in {args.out}")
    return 1 if any(r["outcome"] == "survived" for r in results) else 0


def summary(results: list[dict]) -> str:
    """Mutation score per area: killed / (all - equivalent)."""
    lines = [f"{'area':12} {'mutants':>7} {'killed':>6} {'equiv.':>6} {'survived':>8} {'score':>6}"]
    for area in sorted({r["area"] for r in results}):
        rows = [r for r in results if r["area"] == area]
        killed = sum(r["outcome"].startswith("killed") for r in rows)
        equivalent = sum(r["outcome"] == "survived (equivalent)" for r in rows)
        survived = sum(r["outcome"] == "survived" for r in rows)
        judged = len(rows) - equivalent
        score = f"{100 * killed / judged:.0f} %" if judged else "-"
        lines.append(f"{area:12} {len(rows):7} {killed:6} {equivalent:6} {survived:8} {score:>6}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
