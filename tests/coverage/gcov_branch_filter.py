#!/usr/bin/env python3
"""gcov for geninfo, minus the branches gcov itself marks as exception edges ("throw": true).

geninfo's `--rc geninfo_no_exception_branch=1` is meant to drop those branches, the ones gcc adds
from every call that may throw to its unwinding path. Debian 12's lcov 1.16 defines the JSON
reading code twice, and the later copy, which Perl keeps, ignores the setting. Run as
`--gcov-tool` (geninfo runs it in a scratch directory), this program calls gcov with the same
arguments and removes exactly the branches the setting would have removed from the JSON it wrote,
so the setting means what it says on either lcov.
"""

import gzip
import json
import subprocess
import sys
from pathlib import Path


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
        for source in data.get("files", []):
            for line in source.get("lines", []):
                line["branches"] = [b for b in line.get("branches", []) if not b.get("throw", False)]
        report.write_bytes(gzip.compress(json.dumps(data).encode()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
