"""Writes docs/coverage.md from an lcov tracefile of libkokeilu, and fails when the store or the
statistics are under the required branch coverage.

Usage: report.py TRACEFILE --root DIR --out FILE --min-branches PERCENT --command TEXT --flags TEXT
The notes on branches no test can reach are kept by hand in tests/coverage/unreached.md and
copied into the report as they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Counts:
    lines: int = 0
    lines_hit: int = 0
    branches: int = 0
    branches_hit: int = 0

    def add(self, other: Counts) -> None:
        self.lines += other.lines
        self.lines_hit += other.lines_hit
        self.branches += other.branches
        self.branches_hit += other.branches_hit

    @property
    def branch_rate(self) -> float | None:
        return 100.0 * self.branches_hit / self.branches if self.branches else None

    @property
    def line_rate(self) -> float | None:
        return 100.0 * self.lines_hit / self.lines if self.lines else None


@dataclass
class Group:
    name: str
    description: str
    files: list[str] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


def read_tracefile(path: Path, root: Path) -> dict[str, Counts]:
    """Per source file (relative to the project root) the lines and branches found and hit. The
    DA and BRDA records are counted, not the LF/BRF summaries, so a file seen by several test
    runs is counted once per line and branch."""
    lines: dict[str, dict[int, int]] = {}
    branches: dict[str, dict[tuple[str, ...], int]] = {}
    current = None
    for raw in path.read_text().splitlines():
        if raw.startswith("SF:"):
            current = str(Path(raw[3:]).resolve().relative_to(root))
            lines.setdefault(current, {})
            branches.setdefault(current, {})
        elif raw.startswith("DA:") and current is not None:
            number, count = raw[3:].split(",")[:2]
            lines[current][int(number)] = lines[current].get(int(number), 0) + int(count)
        elif raw.startswith("BRDA:") and current is not None:
            line, block, branch, taken = raw[5:].split(",")
            key = (line, block, branch)
            hits = 0 if taken == "-" else int(taken)
            branches[current][key] = branches[current].get(key, 0) + hits
    result = {}
    for name in lines:
        result[name] = Counts(
            lines=len(lines[name]),
            lines_hit=sum(1 for c in lines[name].values() if c > 0),
            branches=len(branches[name]),
            branches_hit=sum(1 for c in branches[name].values() if c > 0),
        )
    return result


def percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1f} %"


def tool_version(command: list[str]) -> str:
    try:
        out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return out.splitlines()[0].strip() if out else "unknown"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tracefile", type=Path)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--min-branches", type=float, required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--flags", required=True)
    args = parser.parse_args()
    root = args.root.resolve()

    files = read_tracefile(args.tracefile, root)
    if not files:
        print(f"coverage: no libkokeilu sources in {args.tracefile}", file=sys.stderr)
        return 1

    store = Group("the store", "`src/sqlite_*` (the store, its schema, running summaries and support)")
    stats = Group("the statistics", "`src/stats/*.cpp`")
    everything = Group("all of libkokeilu", "every source and header under `libkokeilu/`")
    for name, counts in sorted(files.items()):
        path = Path(name)
        if path.parent.as_posix() == "libkokeilu/src" and path.name.startswith("sqlite_"):
            store.files.append(name)
            store.counts.add(counts)
        if path.parent.as_posix() == "libkokeilu/src/stats" and path.suffix == ".cpp":
            stats.files.append(name)
            stats.counts.add(counts)
        everything.counts.add(counts)
    gated = [store, stats]

    failures = [
        g for g in gated if g.counts.branch_rate is None or g.counts.branch_rate < args.min_branches
    ]
    unreached = Path(__file__).with_name("unreached.md").read_text().strip()

    out = []
    out.append("# Test coverage of libkokeilu\n")
    out.append(
        "Line and branch coverage of the C++ library under the Catch2 suite (`tests/cpp`), measured by "
        f"`{args.command}` on {dt.date.today().isoformat()} and written by `tests/coverage/report.py`; "
        "do not edit by hand. The library and the tests are built with gcc `--coverage -O0` in "
        "`build/coverage`, the suite runs once, and lcov collects the counts of the files under "
        "`libkokeilu/` (sources and headers; a file no test reaches counts as 0 %, from lcov's "
        "`--initial` baseline).\n"
    )
    out.append(f"- Compiler: {tool_version(['g++', '--version'])}; {tool_version(['lcov', '--version'])}")
    out.append(f"- lcov settings: `{args.flags}`")
    out.append(
        "- Only branches that are decisions in the source count. gcov runs through "
        "`tests/coverage/gcov_branch_filter.py`, which removes two kinds of branch gcc adds by itself: "
        "the edge from every call that may throw to its unwinding path (gcov marks it `\"throw\": true`; "
        "`geninfo_no_exception_branch=1` should drop it, but Debian 12's lcov 1.16 ignores that setting "
        "when it reads gcov's JSON), and every branch of a statement with no conditional in it, such as "
        "the loops that destroy a coded error's parameters (`Message{\"code\", {{\"field\", name}}}`), "
        "half of them reachable only while an exception unwinds. The second is lcov 2's `--filter "
        "branch` (`containsConditional`), ported because lcov 1.16 has no filters, and extended to judge "
        "a statement's last line together with the lines it continues.\n"
    )
    out.append(f"`make coverage` fails when the store or the statistics are under {args.min_branches:g} % "
               "of their branches.\n")
    out.append("| part | files | lines | branches | required |")
    out.append("|---|---|---:|---:|---|")
    for g in [*gated, everything]:
        c = g.counts
        required = f"≥ {args.min_branches:g} % branches" if g in gated else "–"
        out.append(
            f"| {g.name} | {g.description} | {percent(c.line_rate)} ({c.lines_hit}/{c.lines}) | "
            f"{percent(c.branch_rate)} ({c.branches_hit}/{c.branches}) | {required} |"
        )
    out.append("\n## Per file\n")
    out.append("| file | lines | branches |")
    out.append("|---|---:|---:|")
    for name, c in sorted(files.items()):
        short = name.removeprefix("libkokeilu/")
        out.append(
            f"| `{short}` | {percent(c.line_rate)} ({c.lines_hit}/{c.lines}) | "
            f"{percent(c.branch_rate)} ({c.branches_hit}/{c.branches}) |"
        )
    out.append("\n" + unreached + "\n")
    args.out.write_text("\n".join(out))

    for g in [*gated, everything]:
        print(f"coverage: {g.name}: branches {percent(g.counts.branch_rate)}, lines {percent(g.counts.line_rate)}")
    for g in failures:
        print(
            f"coverage: {g.name} has {percent(g.counts.branch_rate)} branch coverage, "
            f"under the required {args.min_branches:g} %",
            file=sys.stderr,
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
