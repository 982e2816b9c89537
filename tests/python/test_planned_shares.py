"""An arm's planned share: given through every door (Tracker.create and amend, the Arm class,
`kokeilu new`), refused at each when it is not a weight above 0 (naming the field), shown by
`show` and the notebook display, and what the sample-ratio check tests the units against
(checked against scipy.stats.chisquare). Files made before shares existed open, verify and
analyse as before."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.stats

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402
from schema_support import as_schema_2  # noqa: E402

import kokeilu  # noqa: E402

START = "2025-01-13"
OPTIONS = [*HOME_CARE[: HOME_CARE.index("--planned-start")], "--planned-start", START, "--planned-end", "2025-06-30"]


def create(t: kokeilu.Tracker, arms: Any) -> kokeilu.Experiment:
    return t.create(
        title="Chat advice", organisation="Kuusamo", purposes=["vitality"],
        we_believe="a", to_verify="b", and_measure="c", right_if="d",
        arms=arms,
        metrics=[{"name": "complete", "kind": "proportion", "minimum_effect": 0.1}],
    )  # fmt: skip


def log_units(t: kokeilu.Tracker, key: str, control: int, chat: int) -> None:
    arms = np.array(["control"] * control + ["chat"] * chat)
    values = (np.arange(control + chat) % 3 == 0).astype(float)
    times = np.datetime64("2025-01-14T09:00") + np.arange(control + chat) * np.timedelta64(1, "m")
    t.log_many(key, values, arm=arms, at=times)


@pytest.fixture
def t() -> Iterator[kokeilu.Tracker]:
    with kokeilu.open(":memory:") as tracker:
        yield tracker


def test_every_form_of_arms_takes_a_share(t: kokeilu.Tracker) -> None:
    forms: list[Any] = [
        {"control": "control", "chat": {"role": "treatment", "share": 2}},
        [{"name": "control", "role": "control", "share": 1}, {"name": "chat", "role": "treatment", "share": 2}],
        [kokeilu.Arm("control", "control", share=1.0), kokeilu.Arm("chat", "treatment", share=2.0)],
    ]
    expected = {"dict of dicts": [None, 2.0], "list of dicts": [1.0, 2.0], "Arm objects": [1.0, 2.0]}
    for (name, shares), arms in zip(expected.items(), forms):
        if shares[0] is None:
            with pytest.raises(kokeilu.InvalidArgumentError) as caught:
                create(t, arms)  # a share for one arm only: the core asks for every arm or none
            assert caught.value.field == "arms[control].share", name
            continue
        e = create(t, arms)
        assert [a.share for a in t.get(e).arms] == shares, name
    assert [a.share for a in create(t, {"control": "control", "chat": "treatment"}).arms] == [None, None]
    assert "share=2.0" in repr(kokeilu.Arm("chat", "treatment", share=2.0))


@pytest.mark.parametrize("bad", [0, -1.0, math.nan, math.inf])
def test_a_share_that_is_no_weight_above_0_is_refused_naming_the_field(t: kokeilu.Tracker, bad: float) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        create(t, [{"name": "control", "role": "control", "share": 1}, {"name": "chat", "role": "treatment", "share": bad}])
    assert caught.value.field == "arms[chat].share"
    assert caught.value.code == "input.not_positive"


def test_a_share_as_text_is_refused_naming_the_field(t: kokeilu.Tracker) -> None:
    with pytest.raises(TypeError, match=r"arms\[chat\]\.share"):
        create(t, [{"name": "control", "role": "control"}, {"name": "chat", "role": "treatment", "share": "2"}])


def test_a_share_has_no_meaning_in_periods(t: kokeilu.Tracker) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.create(
            title="After", organisation="Kuusamo", purposes=["vitality"], design="before_after",
            arms=[{"name": "before", "role": "before", "share": 1}, {"name": "after", "role": "after", "share": 1}],
            metrics=[{"name": "complete", "kind": "proportion", "minimum_effect": 0.1}],
        )  # fmt: skip
    assert caught.value.field == "arms[before].share"
    assert caught.value.code == "input.planned_share_design"


def test_the_sample_ratio_check_tests_against_the_plan_as_scipy_does(t: kokeilu.Tracker) -> None:
    planned = create(t, {"control": {"role": "control", "share": 1}, "chat": {"role": "treatment", "share": 2}}).key
    equal = create(t, {"control": "control", "chat": "treatment"}).key
    for key in (planned, equal):
        t.start(key, on=START)
        log_units(t, key, 980, 2020)

    with_plan = t.analyze(planned).sample_ratio
    assert with_plan is not None and not with_plan.mismatch
    reference = scipy.stats.chisquare([980, 2020], f_exp=[1000, 2000])
    assert with_plan.statistic == pytest.approx(reference.statistic, rel=1e-12)
    assert with_plan.p_value == pytest.approx(reference.pvalue, rel=1e-12)

    against_equal = t.analyze(equal).sample_ratio
    assert against_equal is not None and against_equal.mismatch
    reference = scipy.stats.chisquare([980, 2020])
    assert against_equal.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert any("Sample-ratio mismatch" in w for w in t.analyze(equal).warnings)
    assert not any("Sample-ratio mismatch" in w for w in t.analyze(planned).warnings)


def test_amending_the_plan_after_the_start_is_an_amendment(t: kokeilu.Tracker) -> None:
    key = create(t, {"control": "control", "chat": "treatment"}).key
    t.start(key, on=START)
    e = t.amend(key, "the plan was 1:2", arms=[{"name": "control", "share": 1}, {"name": "chat", "share": 2}])
    assert [(a.field, a.old_value, a.new_value) for a in e.amendments] == [
        ("arms[control].share", "(none)", "1"),
        ("arms[chat].share", "(none)", "2"),
    ]
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.amend(key, "typo", arms=[{"name": "control", "share": 1}, {"name": "chat", "share": -2}])
    assert caught.value.field == "arms[chat].share"
    assert t.verify().ok


def test_a_file_from_before_shares_opens_and_analyses_as_before(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with kokeilu.open(db) as t:
        key = create(t, {"control": "control", "chat": "treatment"}).key
        t.start(key, on=START)
        log_units(t, key, 90, 130)
        before = t.analyze(key).sample_ratio
        lock = t.get(key).lock_hash
    as_schema_2(db)
    with kokeilu.open(db) as t:
        e = t.get(key)
        assert [a.share for a in e.arms] == [None, None]
        assert e.lock_hash == lock
        after = t.analyze(key).sample_ratio
        assert before is not None and after is not None
        assert after.p_value == before.p_value
        assert after.p_value == pytest.approx(scipy.stats.chisquare([90, 130]).pvalue, rel=1e-12)


def test_new_takes_shares_and_show_shows_them(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    made = call(["new", *OPTIONS, "--shares", "1:2", "--json"], db=db)
    assert made.code == 0, made
    assert [a["share"] for a in json.loads(made.out)["arms"]] == [1.0, 2.0]
    key = json.loads(made.out)["key"]
    shown = call(["--lang", "fi", "show", key], db=db, env={"COLUMNS": "220"})
    assert "Suunniteltu osuus" in shown.out and "2 (66,7\u00a0%)" in shown.out
    equal = call(["new", *OPTIONS, "--shares", "1:1", "--json"], db=db)
    assert [a["share"] for a in json.loads(equal.out)["arms"]] == [None, None]  # equal shares: nothing to record
    plain = call(["new", *OPTIONS, "--json"], db=db)
    assert "Planned share" not in call(["show", json.loads(plain.out)["key"]], db=db).out


@pytest.mark.parametrize(
    ("shares", "words"),
    [("0:1", "must be a number above 0"), ("-1:2", "must be a number above 0"), ("nan:1", "finite"),
     ("x:1", "not a number"), ("1:2:3", "one share for each arm")],
)  # fmt: skip
def test_new_refuses_bad_shares_naming_the_option(tmp_path: Path, shares: str, words: str) -> None:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    refused = call(["new", *OPTIONS, "--shares", shares], db=db)
    assert refused.code != 0
    assert "--shares" in refused.err and words in refused.err, refused


def test_new_leaves_the_rule_of_designs_to_the_core(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    periods = [*OPTIONS[: OPTIONS.index("--arm")], "--design", "before_after", "--arm", "ennen", "--arm", "jälkeen"]
    refused = call(["new", *periods, "--planned-start", START, "--shares", "1:2"], db=db)
    assert refused.code == 1
    assert "arms[ennen].share" in refused.err and "concurrent" in refused.err, refused


def test_the_notebook_display_shows_the_plan(t: kokeilu.Tracker) -> None:
    from kokeilu import display

    e = create(t, {"control": {"role": "control", "share": 1}, "chat": {"role": "treatment", "share": 3}})
    page = display.experiment_html(e, lang="en")
    assert "planned share" in page and "3 (75%)" in page
    assert "planned share" not in display.experiment_html(create(t, {"control": "control", "chat": "treatment"}), lang="en")


def test_amend_sets_an_arms_share_naming_what_is_wrong(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    key = json.loads(call(["new", *OPTIONS, "--json"], db=db).out)["key"]
    assert call(["start", key, "--on", START], db=db).code == 0
    partial = call(["amend", key, "--reason", "1:2", "--set", "video.share=2"], db=db)
    assert partial.code == 1 and "arms[kontrolli].share" in partial.err, partial  # every arm or none
    done = call(["amend", key, "--reason", "1:2", "--set", "video.share=2", "--set", "kontrolli.share=1"], db=db)
    assert done.code == 0, done
    with kokeilu.open(db, read_only=True) as tracker:
        assert [a.share for a in tracker.get(key).arms] == [1.0, 2.0]
    assert "arms[video].share" in call(["amend", key, "--reason", "x", "--set", "video.share=0"], db=db).err
    assert "unknown arm 'puhelin'" in call(["amend", key, "--reason", "x", "--set", "puhelin.share=1"], db=db).err
    cleared = call(["amend", key, "--reason", "equal after all", "--set", "video.share=", "--set", "kontrolli.share="], db=db)
    assert cleared.code == 0, cleared
