"""Replications and their meta-analysis: three municipalities' trackers exchange bundles, the
set is found through replication links both ways and transitively, adaptations and other metrics
are listed but not pooled, and the pooled result is kokeilu.stats.meta_analysis of the effects each
municipality computes at home, cross-checked with statsmodels' combine_effects."""

from __future__ import annotations

import datetime
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from statsmodels.stats.meta_analysis import combine_effects

import kokeilu
from kokeilu import stats

sys.path.insert(0, str(Path(__file__).parent))
from test_bundle import START, fields  # noqa: E402

RTOL = 1e-8
ELSEWHERE = "0b4e28ba-2fa1-41d2-883f-0016d3cca427"


def experiment(
    tracker: kokeilu.Tracker, organisation: str, key: str, *, effect: float, seed: int, conclude: bool = True,
    **overrides: Any,
) -> kokeilu.Experiment:
    """An experiment with four weeks of unit rows on its primary metric (the treatment arm
    ``effect`` higher), concluded with the verdict its analysis gives unless ``conclude`` is False."""
    e = tracker.create(**{**fields(organisation, key), **overrides})
    tracker.start(e, on=START)
    rng = np.random.default_rng(seed)
    days = 28
    at = np.datetime64("2025-03-03T09:00", "us") + np.repeat(np.arange(days), 6) * np.timedelta64(1, "D")
    arms = np.tile(np.array(["control", "video"] * 3), days)
    values = np.round(rng.normal(3.4, 0.8, size=at.size) + (arms == "video") * effect, 2)
    metric = e.metrics[0].name
    tracker.log_many(e, values, arm=arms, at=at, metric=metric, backfill=True)
    if conclude:
        verdict = tracker.analyze(e).verdict.verdict
        tracker.conclude(e, verdict, decision="adapt", we_observed="see the analysis",
                         decided_on=datetime.date(2025, 4, 7))
    return tracker.get(e)


def primary_effect(tracker: kokeilu.Tracker, e: kokeilu.Experiment) -> tuple[float, float]:
    row = tracker.analyze(e).primary
    return float(row["estimate"]), float(row["std_error"])


def share(
    source: kokeilu.Tracker, e: kokeilu.Experiment, target: kokeilu.Tracker, path: Path, level: str = "aggregate"
) -> None:
    source.export_bundle(e, path, level=level, secrets_dir=path.parent / "secrets")
    target.import_bundle(path)


def pad(tracker: kokeilu.Tracker, organisation: str, count: int) -> None:
    """Drafts that take arm and metric ids (two of each, as every experiment here has)."""
    for i in range(count):
        tracker.create(**fields(organisation, f"PAD-{organisation.upper()}-{i + 1}"))


@pytest.fixture
def three(tmp_path: Path) -> Any:
    """Oulu's experiment A; Kajaani's B replicates A; Kuusamo's C replicates B (not A). Ii's D adapts
    A, Raahe's E replicates A on another metric. Oulu gathers everything; Kuusamo has B and A.

    An imported copy's locked criterion names its arms and metrics by the exporter's ids, and the
    copy's analysis finds its locked metrics only where the receiver gives the copy the same ids
    (test_a_copy_whose_ids_differ_from_the_exporters_keeps_its_effect). The drafts that pad()
    makes keep the ids of every copy at Oulu the exporter's: A 1-2, B 3-4, C 5-6, D 7-8, E 9-10."""
    oulu = kokeilu.open(str(tmp_path / "oulu.db"))
    kajaani = kokeilu.open(str(tmp_path / "kajaani.db"))
    kuusamo = kokeilu.open(str(tmp_path / "kuusamo.db"))
    a = experiment(oulu, "Oulu", "OULU-2025-001", effect=0.1, seed=1)
    pad(kajaani, "Kajaani", 1)
    b = experiment(kajaani, "Kajaani", "KAJ-2025-001", effect=0.6, seed=2, links=[("replication", a.uuid)])
    pad(kuusamo, "Kuusamo", 2)
    c = experiment(kuusamo, "Kuusamo", "KUU-2025-001", effect=1.0, seed=3)
    c = kuusamo.link(c, "replication", b.uuid)
    pad(kajaani, "Ii", 1)
    d = experiment(kajaani, "Ii", "II-2025-001", effect=0.4, seed=4, links=[("adaptation", a.uuid)])
    other = [kokeilu.Metric("calls_back", kind="mean", minimum_effect=0.3),
             {"name": "missed", "kind": "proportion", "role": "guardrail", "minimum_effect": 0.02}]
    e = experiment(kajaani, "Raahe", "RAA-2025-001", effect=0.2, seed=5, links=[("replication", a.uuid)],
                   metrics=other)
    home = {x.key: primary_effect(t, x) for t, x in ((oulu, a), (kajaani, b), (kuusamo, c))}
    share(kajaani, b, oulu, tmp_path / "b.kokeilu", level="units")
    share(kuusamo, c, oulu, tmp_path / "c.kokeilu")
    share(kajaani, d, oulu, tmp_path / "d.kokeilu")
    share(kajaani, e, oulu, tmp_path / "e.kokeilu")
    share(kajaani, b, kuusamo, tmp_path / "b2.kokeilu")
    share(oulu, a, kuusamo, tmp_path / "a.kokeilu")
    yield {"oulu": oulu, "kajaani": kajaani, "kuusamo": kuusamo, "a": a, "b": b, "c": c, "d": d, "e": e,
           "home": home}
    for t in (oulu, kajaani, kuusamo):
        t.close()


def test_the_set_is_found_both_ways_and_transitively(three: dict[str, Any]) -> None:
    a, b, c, d, e = (three[k] for k in "abcde")
    # From A, at Oulu: B links to A, C to B (backward, transitively).
    frame = three["oulu"].replications(a)
    assert list(frame["key"]) == [a.key, b.key, c.key, e.key, d.key]
    assert list(frame["relation"]) == ["replication"] * 4 + ["adaptation"]
    assert list(frame["imported"]) == [False, True, True, True, True]
    assert list(frame["pooled"]) == [True, True, True, False, False]
    assert list(frame["reason_code"]) == ["", "", "", "no_metric", "adaptation"]
    assert frame["reason"].iloc[3] == "it has no metric sense_of_security"
    # From C, at Kuusamo: C links to B, B to A (forward, transitively); the others are not there.
    there = three["kuusamo"].replications(c)
    assert list(there["key"]) == [c.key, b.key, a.key]
    assert list(there["relation"]) == ["replication"] * 3 and list(there["imported"]) == [False, True, True]


def test_each_effect_is_the_one_its_municipality_computes_at_home(three: dict[str, Any]) -> None:
    frame = three["oulu"].replications(three["a"]).set_index("key")
    for key, (estimate, se) in three["home"].items():
        # B came at the units level, C at the aggregate level: both give the home analysis exactly.
        assert frame.loc[key, "estimate"] == pytest.approx(estimate, rel=1e-12, abs=1e-12)
        assert frame.loc[key, "std_error"] == pytest.approx(se, rel=1e-12, abs=1e-12)
    assert frame.loc[three["a"].key, "n_arm"] == 84 and frame.loc[three["a"].key, "n_reference"] == 84


def test_the_pooled_result_is_the_meta_analysis_of_those_effects(three: dict[str, Any]) -> None:
    oulu, a = three["oulu"], three["a"]
    pooled = oulu.replications(a)
    pooled = pooled[pooled["pooled"]]
    y, se = list(pooled["estimate"]), list(pooled["std_error"])
    m = oulu.meta_analysis(a)
    direct = stats.meta_analysis(y, se)
    assert m.labels == ("Oulu (OULU-2025-001)", "Kajaani (KAJ-2025-001)", "Kuusamo (KUU-2025-001)")
    assert m.k == 3 and m.method == "reml"
    assert m.random is not None and m.prediction is not None  # three: random effects and prediction
    assert direct.random is not None and direct.prediction is not None
    for ours, theirs in ((m.fixed, direct.fixed), (m.random, direct.random)):
        assert (ours.estimate, ours.std_error, ours.ci_low, ours.ci_high, ours.p_value) == (
            theirs.estimate, theirs.std_error, theirs.ci_low, theirs.ci_high, theirs.p_value)
    assert (m.prediction.low, m.prediction.high) == (direct.prediction.low, direct.prediction.high)
    assert m.tau_squared == direct.tau_squared and m.i_squared == direct.i_squared
    assert [code for code, _ in m.cautions] == ["stats.meta.few_studies"]

    # statsmodels' combine_effects, by Paule-Mandel (its "iterated") and DerSimonian-Laird ("chi2").
    for method, method_re, options in (("pm", "iterated", {"atol": 1e-11, "maxiter": 1000}), ("dl", "chi2", {})):
        sm = combine_effects(np.asarray(y), np.asarray(se) ** 2, method_re=method_re, **options)
        ours = oulu.meta_analysis(a, method=method)
        assert sm.q > 2  # heterogeneous: no truncation of tau^2 on either side
        assert ours.fixed.estimate == pytest.approx(sm.mean_effect_fe, rel=RTOL)
        assert ours.fixed.std_error == pytest.approx(sm.sd_eff_w_fe, rel=RTOL)
        assert ours.tau_squared == pytest.approx(sm.tau2, rel=RTOL)
        assert ours.random_normal is not None and ours.random_hartung_knapp is not None
        assert ours.random_normal.estimate == pytest.approx(sm.mean_effect_re, rel=RTOL)
        assert ours.random_hartung_knapp.std_error == pytest.approx(sm.sd_eff_w_re_hksj, rel=RTOL)
        low, high = sm.conf_int(use_t=True)[3]
        assert ours.random_hartung_knapp.ci_low == pytest.approx(low, rel=RTOL)
        assert ours.random_hartung_knapp.ci_high == pytest.approx(high, rel=RTOL)


def test_two_give_the_fixed_effect_only_and_one_is_an_error(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        a = experiment(t, "Oulu", "OULU-2025-001", effect=0.2, seed=1)
        b = experiment(t, "Kajaani", "KAJ-2025-001", effect=0.5, seed=2, links=[("replication", a.uuid)])
        running = experiment(t, "Ii", "II-2025-001", effect=0.5, seed=3, conclude=False,
                             links=[("replication", b.uuid), ("follow_up", ELSEWHERE)])
        frame = t.replications(b)
        assert list(frame["key"]) == [b.key, running.key, a.key, ELSEWHERE]
        assert list(frame["reason_code"]) == ["", "not_concluded", "", "elsewhere"]
        assert list(frame["relation"]) == ["replication"] * 3 + ["follow_up"]
        assert math.isfinite(frame["estimate"].iloc[1])  # a running experiment's effect is shown
        m = t.meta_analysis(a)
        assert m.k == 2 and m.random is None and m.prediction is None and m.tau_squared is None
        assert [code for code, _ in m.cautions] == ["stats.meta.few_studies", "stats.meta.fixed_only"]
        t.unlink(b, a)
        with pytest.raises(kokeilu.InvalidArgumentError) as error:
            t.meta_analysis(a)
        assert error.value.field == "experiment" and error.value.code == "stats.meta.too_few_pooled"
        assert "OULU-2025-001 has 1 replications" in str(error.value)
        assert "meta-analyysi" in kokeilu.error_text(error.value, "fi")


def test_a_metric_of_another_effect_scale_and_a_chosen_metric(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "t.db")) as t:
        a = experiment(t, "Oulu", "OULU-2025-001", effect=0.2, seed=1)
        relative = [kokeilu.Metric("sense_of_security", kind="mean", minimum_effect=0.1, effect_scale="relative")]
        b = experiment(t, "Kajaani", "KAJ-2025-001", effect=0.5, seed=2, links=[("replication", a.uuid)],
                       metrics=relative)
        frame = t.replications(a)
        assert list(frame["reason_code"]) == ["", "other_effect"]
        with pytest.raises(kokeilu.InvalidArgumentError) as error:
            t.replications(a, metric="nope")
        assert error.value.field == "metric"
        assert list(t.replications(b, metric="sense_of_security")["key"]) == [b.key, a.key]


def test_links_are_shown_by_key_and_organisation(three: dict[str, Any]) -> None:
    from kokeilu._shown import finder, link_texts
    from kokeilu._language import messages

    oulu, b, c = three["oulu"], three["b"], three["c"]
    assert link_texts(messages("en"), oulu.get(b.uuid), finder(oulu)) == ["replicates OULU-2025-001 (Oulu)"]
    assert link_texts(messages("fi"), oulu.get(c.uuid), finder(oulu)) == [
        "toistaa kokeilun KAJ-2025-001 (Kajaani)"
    ]
    copy = three["kajaani"].get(b.uuid)  # Kajaani does not hold A
    assert link_texts(messages("sv"), copy, finder(three["kajaani"])) == [
        f"upprepar försöket {three['a'].uuid} (finns inte i den här uppföljningen)"
    ]
    from kokeilu import display

    html = display.experiment_html(oulu.get(b.uuid), oulu, lang="en")
    assert "replicates OULU-2025-001 (Oulu)" in html


def test_a_copy_whose_ids_differ_from_the_exporters_keeps_its_effect(tmp_path: Path) -> None:
    with kokeilu.open(str(tmp_path / "k.db")) as kajaani, kokeilu.open(str(tmp_path / "o.db")) as oulu:
        pad(oulu, "Oulu", 1)  # the copy gets ids 3-4 here, the exporter's are 1-2
        b = experiment(kajaani, "Kajaani", "KAJ-2025-001", effect=0.6, seed=2)
        share(kajaani, b, oulu, tmp_path / "b.kokeilu", level="units")
        assert primary_effect(oulu, oulu.get(b.uuid)) == primary_effect(kajaani, b)
