"""`kokeilu analyze` and the latest summary in `kokeilu show`, end to end in child processes, in
English and in Finnish."""

from __future__ import annotations

import datetime
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import run  # noqa: E402

import kokeilu  # noqa: E402

T = datetime.datetime
# Wide enough that no table cell wraps.
WIDE = {"COLUMNS": "220"}
# Twenty answers per arm: control averages 4.0, video 4.5 (a rise of 0.5 points).
CONTROL = [3.0, 4.0, 5.0, 4.0] * 5
VIDEO = [4.0, 5.0, 5.0, 4.0] * 5
MISSED_CONTROL = [0.0] * 18 + [1.0, 1.0]
MISSED_VIDEO = [0.0] * 19 + [1.0]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kokeilut.db"
    with kokeilu.open(path) as tracker:
        e = tracker.create(
            key="OULU-2026-001",
            title="Etäkäynnit iltaisin",
            organisation="Oulu",
            unit="kotihoito",
            we_believe="osa iltakäynneistä voidaan tehdä videolla",
            to_verify="korvaamme joka kolmannen iltakäynnin videokäynnillä",
            and_measure="turvallisuudentunnetta kyselyllä (1–5)",
            right_if="turvallisuudentunne nousee vähintään 0,3 pistettä",
            purposes=["wellbeing"],
            design="concurrent",
            arms={"kontrolli": "control", "video": "treatment"},
            metrics=[
                {"name": "turvallisuudentunne", "unit": "pistettä", "kind": "mean", "minimum_effect": 0.3},
                {
                    "name": "lääke_unohtui",
                    "kind": "proportion",
                    "role": "guardrail",
                    "direction": "lower_is_better",
                    "minimum_effect": 0.05,
                },
            ],
        )
        tracker.start(e, on=datetime.date(2025, 1, 13))
        at = [T(2025, 1, 13 + i % 10, 9) for i in range(20)]
        tracker.log_many(e, CONTROL, arm="kontrolli", at=at)
        tracker.log_many(e, VIDEO, arm="video", at=at)
        tracker.log_many(e, MISSED_CONTROL, arm="kontrolli", metric="lääke_unohtui", at=at)
        tracker.log_many(e, MISSED_VIDEO, arm="video", metric="lääke_unohtui", at=at)
        tracker.create(**{**_draft_fields(), "key": "OULU-2026-002"})
    return path


def _draft_fields() -> dict[str, object]:
    return {
        "title": "Luonnos",
        "organisation": "Oulu",
        "purposes": ["wellbeing"],
        "design": "concurrent",
        "arms": {"a": "control", "b": "treatment"},
        "metrics": [{"name": "m", "kind": "mean", "minimum_effect": 1.0}],
    }


def _expected(db: Path) -> kokeilu.Analysis:
    with kokeilu.open(db, read_only=True) as tracker:
        return tracker.analyze("OULU-2026-001")


def test_analyze_in_english(db: Path) -> None:
    result = run(["analyze", "OULU-2026-001"], db=db, env=WIDE)
    assert result.code == 0, result
    out = result.out
    expected = _expected(db)
    assert np.mean(VIDEO) - np.mean(CONTROL) == pytest.approx(0.5)
    assert expected.primary["estimate"] == pytest.approx(0.5)
    for text in ("Observations per arm", "Comparisons", "95% interval", "Chance to be better", "Method"):
        assert text in out
    assert "4 pistettä" in out and "4.5 pistettä" in out  # the arms' means
    assert "+0.5 pistettä" in out  # the effect
    assert "10%" in out and "5%" in out  # missed medication, as shares
    assert "video vs kontrolli" in out and "welch_t" in out
    assert f"Verdict: {expected.verdict.verdict}" in out
    assert " ".join(expected.verdict.sentence_en.split()) in " ".join(out.split())
    assert "Judged against the criterion: turvallisuudentunne nousee vähintään 0,3 pistettä" in out
    assert "Warnings" in out and "Few observations: an arm of turvallisuudentunne has 20, fewer than 30" in " ".join(
        out.split()
    )
    assert result.err == ""


def test_analyze_in_finnish(db: Path) -> None:
    result = run(["analyze", "OULU-2026-001"], db=db, env={**WIDE, "LANG": "fi_FI.UTF-8"})
    assert result.code == 0, result
    out = " ".join(result.out.split())
    expected = _expected(db)
    for text in ("Havainnot ryhmittäin", "Vertailut", "95 %:n luottamusväli", "Menetelmä", "Varoitukset"):
        assert text in out
    assert "4,5 pistettä" in out and "+0,5 pistettä" in out
    assert "10 %" in out and "video vs. kontrolli" in out
    label = {"supported": "hypoteesi vahvistui", "refuted": "hypoteesi kumoutui", "inconclusive": "ei selvää tulosta"}
    assert f"Johtopäätös: {label[expected.verdict.verdict]}" in out
    assert " ".join(expected.verdict.sentence_fi.split()) in out
    assert expected.verdict.sentence_en not in out
    assert "Arvioitu kriteeriä vasten: turvallisuudentunne nousee vähintään 0,3 pistettä" in out
    assert "Vähän havaintoja: mittarin turvallisuudentunne yhdessä ryhmässä havaintoja on vain 20, alle 30" in out
    assert "Few observations" not in out


def test_analyze_json_is_the_analysis(db: Path) -> None:
    result = run(["analyze", "OULU-2026-001", "--json"], db=db)
    assert result.code == 0, result
    data = json.loads(result.out)
    expected = _expected(db)
    assert data["key"] == "OULU-2026-001"
    assert data["verdict"]["verdict"] == expected.verdict.verdict
    assert data["verdict"]["sentence_fi"] == expected.verdict.sentence_fi
    assert [c["metric"] for c in data["comparisons"]] == ["turvallisuudentunne", "lääke_unohtui"]
    primary, guardrail = data["comparisons"]
    assert primary["estimate"] == pytest.approx(0.5)
    interval = (expected.primary["ci_low"], expected.primary["ci_high"])
    assert (primary["ci_low"], primary["ci_high"]) == pytest.approx(interval)
    assert guardrail["estimate"] == pytest.approx(np.mean(MISSED_VIDEO) - np.mean(MISSED_CONTROL))
    assert guardrail["adjusted_p_value"] is None  # NaN becomes null
    means = {(s["metric"], s["arm"]): s["mean"] for s in data["summaries"]}
    assert means[("turvallisuudentunne", "kontrolli")] == pytest.approx(4.0)
    assert means[("turvallisuudentunne", "video")] == pytest.approx(4.5)
    assert data["warnings"] == expected.warnings
    assert data["sample_ratio"]["mismatch"] is False


def test_analyze_until_a_time_before_the_data(db: Path) -> None:
    english = run(["analyze", "OULU-2026-001", "--until", "2025-01-13T00:00"], db=db, env=WIDE)
    assert english.code == 0, english
    assert "not enough data" in english.out
    finnish = run(["--lang", "fi", "analyze", "OULU-2026-001", "--until", "2025-01-13T00:00"], db=db, env=WIDE)
    assert finnish.code == 0, finnish
    assert "liian vähän havaintoja" in finnish.out
    data = json.loads(run(["analyze", "OULU-2026-001", "--until", "2025-01-15", "--json"], db=db).out)
    n = {(s["metric"], s["arm"]): s["n"] for s in data["summaries"]}
    # 12 and 13 January: two days of ten, two answers a day per arm.
    assert n[("turvallisuudentunne", "video")] == 4


def test_analyze_errors_in_both_languages(db: Path) -> None:
    draft = run(["analyze", "OULU-2026-002"], db=db)
    assert draft.code == 1
    assert draft.err.strip() == (
        "Error: OULU-2026-002 is a draft: start it and record observations before analysing it"
    )
    luonnos = run(["--lang", "fi", "analyze", "OULU-2026-002"], db=db)
    assert luonnos.code == 1
    assert "OULU-2026-002 on luonnos: käynnistä se" in luonnos.err
    unknown = run(["analyze", "OULU-2026-01"], db=db)
    assert unknown.code == 1 and "there is no experiment 'OULU-2026-01'" in unknown.err
    assert "Traceback" not in unknown.err
    bad_time = run(["--lang", "fi", "analyze", "OULU-2026-001", "--until", "eilen"], db=db)
    assert bad_time.code == 2 and "'eilen' ei ole ajankohta" in bad_time.err


def test_show_gains_the_latest_summary(db: Path) -> None:
    expected = _expected(db)
    english = run(["show", "OULU-2026-001"], db=db, env=WIDE)
    assert english.code == 0, english
    out = " ".join(english.out.split())
    assert "Latest summary: turvallisuudentunne" in out
    assert "4.5 pistettä" in out
    assert " ".join(expected.verdict.sentence_en.split()) in out
    finnish = run(["show", "OULU-2026-001"], db=db, env={**WIDE, "LC_ALL": "fi_FI.UTF-8"})
    out = " ".join(finnish.out.split())
    assert "Viimeisin tilanne: turvallisuudentunne" in out and "4,5 pistettä" in out
    assert " ".join(expected.verdict.sentence_fi.split()) in out

    record = json.loads(run(["show", "OULU-2026-001", "--json"], db=db).out)
    latest = record["latest_summary"]
    assert latest["metric"] == "turvallisuudentunne" and latest["verdict"] == expected.verdict.verdict
    assert latest["arms"] == [
        {"arm": "kontrolli", "n": 20, "level": pytest.approx(4.0)},
        {"arm": "video", "n": 20, "level": pytest.approx(4.5)},
    ]
    # A draft has nothing to summarise yet.
    draft = run(["show", "OULU-2026-002", "--json"], db=db)
    assert json.loads(draft.out)["latest_summary"] is None
    assert "Latest summary" not in run(["show", "OULU-2026-002"], db=db).out
