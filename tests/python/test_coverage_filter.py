"""The branch filter of `make coverage` keeps decisions and drops what gcc adds by itself.

The coverage gate is only as honest as this filter: if it dropped the branches of an `if`, coverage
would rise without a test. So the cases below are the lines kokeilu's code is made of.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "coverage" / "gcov_branch_filter.py"
_spec = importlib.util.spec_from_file_location("gcov_branch_filter", _PATH)
assert _spec is not None and _spec.loader is not None
gcov_branch_filter = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gcov_branch_filter)

SOURCE = """\
    if (observed.size() < 2) {
        throw InvalidArgument("observed", Message{"stats.srm.too_few_arms",
                                                  {{"arms", static_cast<std::int64_t>(observed.size())}}});
    }
    for (std::size_t i = 0; i < n; ++i) {
    const double mean = flag ? a : b;
    const bool both = ready && started;
    std::vector<double> shares(observed.size(), 1.0);
    Message m{"stats.warning.before_after", {}};  // a comment with if and ? in it
    const auto s = "a string with < and > and ||";
    while (step()) {
    switch (kind) {
    x = a == b;
    y = compute(first,
                second != third);
    }
    read_frames(log, [&](int page) {
        if (page == 1) return true;
        return false;
    });
""".splitlines()


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (1, True),  # if
        (2, False),  # first line of a coded throw
        (3, False),  # its last line: judged with the lines it continues
        (4, False),  # a closing brace
        (5, True),  # for
        (6, True),  # ?:
        (7, True),  # &&
        (8, False),  # a constructor call
        (9, False),  # conditionals only in a string and a comment
        (10, False),  # ... and only in a string
        (11, True),  # while
        (12, True),  # switch
        (13, True),  # ==
        (14, True),  # a call whose second line compares
        (15, True),  # that second line itself
        (17, True),  # an if inside a lambda
        (19, False),  # the lambda's end, where its locals are destroyed
    ],
)
def test_a_line_keeps_its_branches_only_when_its_statement_has_a_conditional(line: int, kept: bool) -> None:
    assert gcov_branch_filter.contains_conditional(SOURCE, line) is kept, SOURCE[line - 1]


def test_exception_edges_and_branches_of_plain_lines_leave_the_report(tmp_path: Path) -> None:
    source = tmp_path / "f.cpp"
    source.write_text("\n".join(SOURCE) + "\n")
    branch = {"count": 1, "fallthrough": True, "throw": False}
    edge = {"count": 0, "fallthrough": False, "throw": True}
    report = {
        "files": [
            {
                "file": str(source),
                "lines": [
                    {"line_number": 1, "branches": [branch, dict(branch), edge]},
                    {"line_number": 3, "branches": [branch, dict(branch)]},
                ],
            }
        ]
    }
    gcov_branch_filter.filter_report(report)
    lines = report["files"][0]["lines"]
    assert [len(line["branches"]) for line in lines] == [2, 0]
