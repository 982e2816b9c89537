"""The commands of replications: link, unlink, replications (text, --json, --plot) and the links
in ``show``, in English and Finnish."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import kokeilu

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import call  # noqa: E402
from test_replications import experiment  # noqa: E402


def _ok(result):  # type: ignore[no-untyped-def]
    assert result.code == 0, result
    return result


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    with kokeilu.open(str(path)) as t:
        experiment(t, "Oulu", "OULU-2025-001", effect=0.1, seed=1)
        experiment(t, "Kajaani", "KAJ-2025-001", effect=0.6, seed=2)
        experiment(t, "Kuusamo", "KUU-2025-001", effect=1.0, seed=3)
        experiment(t, "Ii", "II-2025-001", effect=0.4, seed=4)
    return path


def test_link_replications_and_unlink(db: Path, tmp_path: Path) -> None:
    out = _ok(call(["link", "KAJ-2025-001", "--replication-of", "OULU-2025-001"], db=db)).out
    assert "KAJ-2025-001: replicates OULU-2025-001 (Oulu)" in out
    _ok(call(["link", "KUU-2025-001", "--replication-of", "KAJ-2025-001"], db=db))
    _ok(call(["link", "II-2025-001", "--adaptation-of", "OULU-2025-001"], db=db))
    refused = call(["link", "II-2025-001", "--adaptation-of", "OULU-2025-001", "--follow-up-of", "KAJ-2025-001"], db=db)
    assert refused.code != 0 and "exactly one" in refused.err

    out = _ok(call(["replications", "OULU-2025-001"], db=db)).out
    assert "Replications of OULU-2025-001 on sense_of_security:" in out
    assert "KUU-2025-001 (Kuusamo) · concluded" in out and "pooled" in out
    assert "not pooled: an adaptation" in out
    assert "Meta-analysis of 3 municipalities" in out and "τ² = " in out and "I² = " in out
    assert "Random effects (REML" in out and "Fixed effect" in out and "prediction interval" in out
    assert "Very few municipalities (3)" in out

    with kokeilu.open(str(db)) as t:
        expected = t.meta_analysis("OULU-2025-001")
    data = json.loads(_ok(call(["replications", "KUU-2025-001", "--json"], db=db)).out)
    assert [s["key"] for s in data["studies"]] == ["KUU-2025-001", "KAJ-2025-001", "OULU-2025-001", "II-2025-001"]
    assert [s["pooled"] for s in data["studies"]] == [True, True, True, False]
    meta = data["meta_analysis"]
    assert meta["k"] == 3 and meta["random"]["estimate"] == pytest.approx(expected.random.estimate, rel=1e-12)
    assert meta["prediction"] is not None and meta["cautions"][0]["code"] == "stats.meta.few_studies"

    fi = _ok(call(["--lang", "fi", "replications", "OULU-2025-001"], db=db)).out
    assert "Kokeilun OULU-2025-001 toistot mittarilla sense_of_security:" in fi
    assert "ei yhdistetty: mukautus" in fi

    show = _ok(call(["show", "KAJ-2025-001"], db=db)).out
    assert "replicates OULU-2025-001 (Oulu)" in show
    shown = json.loads(_ok(call(["show", "KAJ-2025-001", "--json"], db=db)).out)
    assert shown["links"][0]["kind"] == "replication"

    plot = tmp_path / "forest.png"
    _ok(call(["replications", "OULU-2025-001", "--plot", str(plot)], db=db))
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    out = _ok(call(["unlink", "KUU-2025-001", "KAJ-2025-001"], db=db)).out
    assert "KUU-2025-001 no longer links to KAJ-2025-001" in out
    out = _ok(call(["replications", "OULU-2025-001"], db=db)).out
    assert "Meta-analysis of 2 municipalities" in out and "no random-effects claim" in out
    _ok(call(["unlink", "KAJ-2025-001", "OULU-2025-001"], db=db))
    out = _ok(call(["replications", "OULU-2025-001"], db=db)).out
    assert "Fewer than two replications can be pooled (1)" in out
