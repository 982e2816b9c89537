"""atheris target: bundle import (kokeilu share import). Any bytes as a bundle file must be refused
with InvalidArgumentError and change nothing, or be imported whole: the history grows and the
experiments are there, in one transaction. Never another exception.

The seeds (tests/fuzz/corpus/fuzz_bundle) are bundles at each privacy level, written by
tests/fuzz/make_bundle_seeds.py.

python tests/fuzz/fuzz_bundle.py [libFuzzer options] [corpus dirs]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris
import numpy  # noqa: F401 - imported before instrumenting: only kokeilu's own code is instrumented
import pandas  # noqa: F401

with atheris.instrument_imports(include=["kokeilu"]):
    import kokeilu
    from kokeilu import bundle

SCRATCH = Path(tempfile.mkdtemp(prefix="kokeilu-fuzz-bundle-"))
FILE = SCRATCH / "input.kokeilu"


def test_one_input(data: bytes) -> None:
    FILE.write_bytes(data)
    with kokeilu.open(":memory:") as tracker:
        try:
            summary = bundle.import_bundle(tracker, FILE)
        except kokeilu.InvalidArgumentError:
            # Refused: nothing of it was written.
            assert tracker.experiments() == [], "a refused bundle left experiments behind"
            assert len(tracker.history()) == 1, "a refused bundle left history entries behind"
            return
        added = [e for e in summary.experiments if e.action.name == "added"]
        assert len(tracker.experiments()) == len(added)
        assert tracker.verify().ok, "an imported bundle does not verify"


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
