"""atheris target: JSON out of kokeilu (`kokeilu show --json`, `export --format json`). Whatever
text an experiment holds (any Unicode: quotes, backslashes, control characters, the "</script>"
of an HTML page), the JSON written must parse back to exactly the same values.

python tests/fuzz/fuzz_json.py [libFuzzer options] [corpus dirs]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import atheris
import numpy  # noqa: F401 - imported before instrumenting: only kokeilu's own code is instrumented
import pandas  # noqa: F401

with atheris.instrument_imports(include=["kokeilu"]):
    import kokeilu
    from kokeilu.cli import render

sys.path.insert(0, str(Path(__file__).parents[1] / "reliability"))
from writer import experiment_fields  # noqa: E402

TRACKER = kokeilu.open(":memory:")
TEXT_FIELDS = ("title", "summary", "owner", "risk", "we_believe", "to_verify", "and_measure", "right_if")
_PLAIN = ("title", "summary", "owner", "risk")
COUNTER = [0]


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    texts = {field: provider.ConsumeUnicodeNoSurrogates(300) for field in TEXT_FIELDS}
    note = provider.ConsumeUnicodeNoSurrogates(300)
    COUNTER[0] += 1
    key = f"JSON-{COUNTER[0]:06d}"
    try:
        experiment = TRACKER.create(**{**experiment_fields(), **texts, "key": key})
    except kokeilu.InvalidArgumentError:
        return  # refused input (too long, NUL, control characters in a name): nothing to show
    record = render.experiment_dict(experiment)
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record
    # Every stored text (kokeilu trims names and titles) is in the JSON as stored.
    shown = json.dumps(record, ensure_ascii=False)
    for field in TEXT_FIELDS:
        stored = getattr(experiment, field) if field in _PLAIN else getattr(experiment.test_card, field)
        assert json.dumps(stored, ensure_ascii=False) in shown, (field, stored)
    try:
        TRACKER.start(key)
        TRACKER.log(key, 3.0, arm="control", note=note)
    except kokeilu.InvalidArgumentError:
        return
    frame = TRACKER.observations(key)
    text = frame.to_json(orient="records", force_ascii=False)
    assert json.loads(text)[0]["note"] == note


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
