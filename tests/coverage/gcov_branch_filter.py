#!/usr/bin/env python3
"""gcov for geninfo, keeping only the branches that are decisions written in the source.

Two kinds of branch that gcc adds by itself are removed from the JSON gcov writes, so that a branch
counted is an `if`, a loop, a `?:`, a `&&` or a `||` of kokeilu's code:

* exception edges, from every call that may throw to its unwinding path, which gcov marks
  `"throw": true`. geninfo's `--rc geninfo_no_exception_branch=1` is meant to drop these, but
  Debian 12's lcov 1.16 defines its JSON reading code twice, and the later copy, which Perl keeps,
  ignores the setting;
* the branches of lines with no conditional at all: the loops gcc generates to destroy an
  initializer list or a half-built array of temporaries, on the normal path and again in the
  landing pad. A coded error such as `throw InputError(Message{"code", {{"field", name}}})` gets
  four or more of them, half reachable only while an exception unwinds. This is lcov 2's `branch`
  filter (`--filter branch`, lcovutil.pm `containsConditional`), ported here line for line because
  Debian 12 ships lcov 1.16, which has no filters.

Run as `--gcov-tool` (geninfo runs it in a scratch directory), it calls gcov with the same arguments
and rewrites only the reports that run wrote.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import subprocess
import sys
from pathlib import Path

# lcov 2's defaults: how many lines a statement is followed over, and bitwise operators are not
# conditionals (source_filter_lookahead = 10, source_filter_bitwise_are_conditional = 0).
LOOKAHEAD = 10
CONDITIONAL = re.compile(r"([?!><]|&&|\|\||==|!=|\b(if|switch|case|while|for)\b)")
_ID = r"(::)?\w+\s*(::\s*\w+\s*)*"
_TEMPLATE_ARGUMENTS = re.compile(rf"<\s*{_ID}(,\s*{_ID})*([*&]\s*)?>")
_CAST = rf"\s*{_ID}(\s+{_ID})?[*&]\s*"
_STRING_OR_COMMENT = re.compile(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'|//.*$|/\*.*?\*/')


def simplified(code: str) -> str:
    """lcov's simplifyCode: the line without what only looks like a conditional."""
    code = _STRING_OR_COMMENT.sub("", code)
    code = re.sub(r"\b(const|volatile|typename)\b", "", code)
    while True:
        shorter = _TEMPLATE_ARGUMENTS.sub("", code)
        if shorter == code:
            break
        code = shorter
    code = re.sub(rf"^\s*{_ID}[&*]\s*({_ID})", r"\3", code)
    code = re.sub(rf"\({_CAST}\)", "", code)
    code = re.sub(rf"\b(reinterpret|dynamic|const)_cast<{_CAST}>", "", code)
    return re.sub(r"(->|>>|<<|::)", "", code)


def balanced_parentheses(code: str) -> bool:
    opened, closed = code.count("("), code.count(")")
    return opened == closed or (closed > opened and "{lambda(" in code)


@functools.cache
def source_lines(path: str) -> list[str] | None:
    try:
        return Path(path).read_text(errors="replace").splitlines()
    except OSError:
        return None


def statement_start(lines: list[str], number: int) -> int:
    """The line where the statement that line `number` continues begins.

    lcov only looks ahead, so the last line of a call spread over several lines, which closes more
    parentheses than it opens, counts there as "not sure" and keeps its branches. Looking back to
    where the parentheses balance judges the whole statement instead.
    """
    code = simplified(lines[number - 1])
    start = number
    while code.count(")") > code.count("(") and start > 1 and number - start < LOOKAHEAD:
        start -= 1
        code = simplified(lines[start - 1]) + code
    return start


def contains_conditional(lines: list[str], number: int) -> bool:
    """lcov's containsConditional for the 1-based line `number`."""
    if number < 1 or number > len(lines):
        return True  # not sure: keep the branch
    if re.fullmatch(r"\s*}[\s)\]};]*", _STRING_OR_COMMENT.sub("", lines[number - 1])):
        # A closing brace, alone or ending a lambda's call (`});`): the destruction of the scope's
        # locals, on the normal path and in the exception handler. A decision is counted on the
        # line of its condition, never here.
        return False
    start = statement_start(lines, number)
    if start != number:
        return contains_conditional_from(lines, start, until=number)
    return contains_conditional_from(lines, number, until=number)


def contains_conditional_from(lines: list[str], number: int, until: int) -> bool:
    """Whether the statement from line `number` (through at least line `until`) has a conditional."""
    code = ""
    source = lines[number - 1]
    for following in range(number + 1, until + LOOKAHEAD):
        source = simplified(source)
        if CONDITIONAL.search(source):
            return True
        code += source
        if following > until and balanced_parentheses(code):
            return False
        if re.search(r"[{;]\s*$", source):
            return True  # the statement ended with its parentheses open: it may be a conditional
        source = lines[following - 1] if following <= len(lines) else ""
    return True


def filter_report(data: dict) -> None:
    for source in data.get("files", []):
        lines = source_lines(source.get("file", ""))
        for line in source.get("lines", []):
            branches = [b for b in line.get("branches", []) if not b.get("throw", False)]
            if branches and lines is not None and not contains_conditional(lines, line["line_number"]):
                branches = []
            line["branches"] = branches


def written_reports() -> dict[Path, int]:
    return {p: p.stat().st_mtime_ns for p in Path.cwd().glob("*.gcov.json.gz")}


def main() -> int:
    before = written_reports()
    result = subprocess.run(["gcov", *sys.argv[1:]], check=False)
    if result.returncode != 0:
        return result.returncode
    # Only what this gcov run wrote (gcc 12 writes JSON for geninfo's -i).
    for report, stamp in written_reports().items():
        if before.get(report) == stamp:
            continue
        data = json.loads(gzip.decompress(report.read_bytes()))
        filter_report(data)
        report.write_bytes(gzip.compress(json.dumps(data).encode()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
