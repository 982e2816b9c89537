"""A metric adjusted for each subject's pre-period value (``Metric.covariate``), end to end: logged
through the Tracker, the analysis equals statsmodels' OLS(y ~ treated + (x - mean(x))) with HC2 to
1e-9 relative, the variance reduction equals the hand formula, the sentence says it in fi, sv and
en; hostile values are refused at every door (Python and the command) naming the field, leaving
nothing written; rows round-trip; a file of schema 9 migrates."""

from __future__ import annotations

import json
import math
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest
import statsmodels.api as sm

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402

import kokeilu  # noqa: E402

REL = 1e-9
START = "2025-03-03"
FloatArray = npt.NDArray[np.float64]


def close(ours: float, theirs: float) -> bool:
    return math.isclose(ours, theirs, rel_tol=REL, abs_tol=1e-300)


def create(t: kokeilu.Tracker, arms: Any = None, **metric: Any) -> kokeilu.Experiment:
    fields = {"name": "visits", "kind": "mean", "minimum_effect": 0.5, "covariate": "käynnit_2025", **metric}
    e = t.create(
        title="Evening video visits", organisation="Oulu", purposes=["wellbeing"],
        we_believe="a", to_verify="b", and_measure="c", right_if="d",
        arms=arms or {"control": "control", "video": "treatment"}, metrics=[fields],
    )  # fmt: skip
    return t.start(e, on=START)


def subjects(seed: int, arms: tuple[str, ...] = ("control", "video")) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(40, 200))
    arm = np.array(arms)[rng.integers(0, len(arms), size=n)]
    # Pre-period values far from 0, so that the centring matters.
    x = rng.normal(1e4, 6.0, size=n)
    effect = np.select([arm == a for a in arms], [0.0, 1.5, -0.7][: len(arms)])
    y = 5 + 0.8 * (x - 1e4) + effect + rng.normal(0, np.where(arm == "control", 2.0, 3.0))
    times = np.datetime64("2025-03-04T09:00") + np.arange(n) * np.timedelta64(7, "m")
    return pd.DataFrame({"value": y, "arm": arm, "at": times, "käynnit_2025": x})


def reference(frame: pd.DataFrame, arm: str, alpha: float = 0.05) -> tuple[Any, Any]:
    """statsmodels' adjusted and plain fits of `arm` against control, with HC2."""
    part = frame[frame["arm"].isin(["control", arm])]
    y = part["value"].to_numpy()
    treated = (part["arm"] == arm).to_numpy(dtype=float)
    x = part["käynnit_2025"].to_numpy()
    adjusted = sm.OLS(y, np.column_stack([np.ones_like(y), treated, x - x.mean()])).fit(cov_type="HC2")
    plain = sm.OLS(y, np.column_stack([np.ones_like(y), treated])).fit(cov_type="HC2")
    return adjusted, plain


def agrees(row: dict[str, Any], fit: Any, alpha: float) -> None:
    low, high = np.asarray(fit.conf_int(alpha=alpha))[1]
    assert close(row["estimate"], float(fit.params[1]))
    assert close(row["std_error"], float(fit.bse[1]))
    assert close(row["p_value"], float(fit.pvalues[1]))
    assert close(row["ci_low"], float(low))
    assert close(row["ci_high"], float(high))


@pytest.fixture
def t() -> Iterator[kokeilu.Tracker]:
    with kokeilu.open(":memory:") as tracker:
        yield tracker


@pytest.mark.parametrize("seed", range(4))
def test_the_adjusted_analysis_is_statsmodels_ancova_with_hc2(t: kokeilu.Tracker, seed: int) -> None:
    e = create(t)
    frame = subjects(20261207 + seed)
    # Half through log_frame (the covariate's column by the metric's name), half through log_many.
    half = len(frame) // 2
    t.log_frame(e, frame.iloc[:half])
    rest = frame.iloc[half:]
    t.log_many(e, rest["value"], arm=rest["arm"], at=rest["at"], covariate=rest["käynnit_2025"])
    analysis = t.analyze(e, check=False)
    [row] = analysis.comparisons.to_dict("records")
    adjusted, plain = reference(frame, "video")
    agrees(row, adjusted, 0.05)
    assert row["method"] == "ancova_hc2" and row["adjusted"] == "käynnit_2025"
    assert close(row["unadjusted_estimate"], float(plain.params[1]))
    # By hand: the unadjusted variance of a difference of two means with HC2 is s_t²/n_t + s_c²/n_c.
    video = frame.loc[frame["arm"] == "video", "value"].to_numpy()
    control = frame.loc[frame["arm"] == "control", "value"].to_numpy()
    unadjusted = video.var(ddof=1) / len(video) + control.var(ddof=1) / len(control)
    assert close(row["variance_reduction"], 1 - row["std_error"] ** 2 / unadjusted)
    assert row["variance_reduction"] > 0.5
    # The verdict is judged on the adjusted estimate.
    assert close(analysis.verdict.improvement, float(adjusted.params[1]))
    assert math.isnan(row["chance_to_beat"])  # no Bayesian view of an adjusted comparison


def test_several_treatment_arms_are_each_adjusted_against_control(t: kokeilu.Tracker) -> None:
    e = create(t, arms={"control": "control", "video": "treatment", "phone": "treatment"})
    frame = subjects(77, ("control", "video", "phone"))
    t.log_frame(e, frame)
    rows = t.analyze(e, check=False).comparisons.to_dict("records")
    assert [r["arm"] for r in rows] == ["video", "phone"]
    for r in rows:
        adjusted, _ = reference(frame, r["arm"])
        # The primary metric's error budget is shared by the two arms (Bonferroni).
        agrees(r, adjusted, 0.05 / 2)


def test_a_share_is_adjusted_as_a_linear_probability_model(t: kokeilu.Tracker) -> None:
    e = create(t, kind="proportion", minimum_effect=0.1)
    rng = np.random.default_rng(5)
    frame = subjects(5)
    frame["value"] = (rng.random(len(frame)) < 0.3 + 0.02 * (frame["käynnit_2025"] - 1e4)).astype(float)
    t.log_frame(e, frame)
    [row] = t.analyze(e, check=False).comparisons.to_dict("records")
    agrees(row, reference(frame, "video")[0], 0.05)


def test_the_sentence_says_the_adjustment_and_what_it_bought(t: kokeilu.Tracker) -> None:
    e = create(t)
    t.log_frame(e, subjects(3))
    analysis = t.analyze(e, check=False)
    percent = round(100 * float(analysis.comparisons["variance_reduction"].iloc[0]))
    assert f"adjusted for the pre-period value käynnit_2025, which reduced the variance of the estimate by {percent} %" in (
        analysis.verdict.sentence("en")
    )
    assert f"vakioitu kokeilua edeltävällä arvolla käynnit_2025, mikä pienensi estimaatin varianssia {percent} %" in (
        analysis.verdict.sentence("fi")
    )
    assert f"justerad för värdet före försöket, käynnit_2025, vilket minskade skattningens varians med {percent} %" in (
        analysis.verdict.sentence("sv")
    )
    assert "käynnit_2025" in analysis.text(lang="fi") and "varianssin pienenemä" in analysis.text(lang="fi")
    page = analysis.html(lang="en")
    assert "variance reduction" in page and "adjusted for" in page
    assert "variance reduction" not in t.analyze(create(t, covariate=""), check=False).html(lang="en")


def test_too_few_rows_is_not_enough_data(t: kokeilu.Tracker) -> None:
    e = create(t)
    t.log(e, 3.0, arm="control", at="2025-03-04T09:00", covariate=2.0)
    analysis = t.analyze(e, check=False)
    assert analysis.comparisons["status"].iloc[0].startswith("not enough data")
    assert analysis.verdict.verdict == "inconclusive"


def test_rows_round_trip_with_their_pre_period_values(t: kokeilu.Tracker) -> None:
    e = create(t)
    frame = subjects(11)
    t.log_frame(e, frame)
    t.log(e, 4.0, arm="video", at="2025-03-05T09:00", covariate=np.float64(9999.5))
    back = t.observations(e)
    assert list(back["covariate"]) == [*frame["käynnit_2025"], 9999.5]
    assert list(t.observation_arrays(e).covariate) == list(back["covariate"])
    plain = create(t, covariate="")
    t.log(plain, 4.0, arm="video", at="2025-03-05T09:00")
    assert "covariate" not in t.observations(plain).columns
    assert t.observation_arrays(plain).covariate is None


# -- hostile values, at every door ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "error", "code"),
    [
        (math.nan, kokeilu.InvalidArgumentError, "input.value_not_finite"),
        (math.inf, kokeilu.InvalidArgumentError, "input.value_not_finite"),
        ("12", kokeilu.InvalidArgumentError, "input.not_a_number"),
        (None, kokeilu.InvalidArgumentError, "input.covariate_missing"),
    ],
)
def test_log_refuses_a_bad_pre_period_value(t: kokeilu.Tracker, bad: Any, error: type, code: str) -> None:
    e = create(t)
    with pytest.raises(error) as caught:
        t.log(e, 3.0, arm="control", at="2025-03-04T09:00", covariate=bad)
    assert (caught.value.field, caught.value.code) == ("covariate", code)
    assert t.count_observations(e) == 0


def test_a_metric_without_a_covariate_refuses_one_at_every_door(t: kokeilu.Tracker) -> None:
    e = create(t, covariate="")
    frame = subjects(1)
    doors = [
        lambda: t.log(e, 3.0, arm="control", at="2025-03-04T09:00", covariate=2.0),
        lambda: t.log_many(e, frame["value"], arm=frame["arm"], at=frame["at"], covariate=frame["käynnit_2025"]),
        lambda: t.log_frame(e, frame, covariate="käynnit_2025"),
    ]
    for door in doors:
        with pytest.raises(kokeilu.InvalidArgumentError) as caught:
            door()
        assert caught.value.code == "input.covariate_unexpected"
    assert t.count_observations(e) == 0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_many_rows_with_one_bad_value_write_nothing(t: kokeilu.Tracker, bad: float) -> None:
    e = create(t)
    frame = subjects(2)
    frame.loc[7, "käynnit_2025"] = bad
    code = "input.covariate_missing" if math.isnan(bad) else "input.value_not_finite"
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.log_frame(e, frame)
    assert (caught.value.field, caught.value.code) == ("käynnit_2025[7]", code)
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.log_many(e, frame["value"], arm=frame["arm"], at=frame["at"], covariate=frame["käynnit_2025"])
    assert (caught.value.field, caught.value.code) == ("covariate[7]", code)
    assert t.count_observations(e) == 0


def test_a_missing_or_textual_column_is_refused_naming_it(t: kokeilu.Tracker) -> None:
    e = create(t)
    frame = subjects(2)
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.log_frame(e, frame.drop(columns=["käynnit_2025"]))
    assert (caught.value.field, caught.value.code) == ("käynnit_2025", "input.no_such_column")
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.log_many(e, frame["value"], arm=frame["arm"], at=frame["at"])
    assert (caught.value.field, caught.value.code) == ("covariate", "input.covariate_missing")
    texts = frame.assign(**{"käynnit_2025": frame["käynnit_2025"].astype(str)})
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.log_frame(e, texts)
    assert caught.value.field.startswith("käynnit_2025")
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.log_aggregate(e, n=10, sum=30.0, sum_sq=100.0, arm="control", at="2025-03-04T09:00")
    assert caught.value.code == "input.covariate_aggregate"
    assert t.count_observations(e) == 0


def test_dicts_and_metric_objects_take_a_covariate(t: kokeilu.Tracker) -> None:
    assert "covariate='käynnit_2025'" in repr(kokeilu.Metric("visits", minimum_effect=1.0, covariate="käynnit_2025"))
    counted = {"name": "visits", "kind": "count", "minimum_effect": 0.5, "covariate": "käynnit_2025"}
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        t.create(
            title="x", organisation="Oulu", purposes=["wellbeing"], we_believe="a", to_verify="b", and_measure="c",
            right_if="d", arms={"control": "control", "video": "treatment"}, metrics=[counted],
        )  # fmt: skip
    assert (caught.value.field, caught.value.code) == ("metrics[visits].covariate", "input.covariate_kind")
    e = create(t)
    amended = t.amend(e, "adjust for the year before", metrics=[{"name": "visits", "covariate": "käynnit_2024"}])
    assert amended.metrics[0].covariate == "käynnit_2024"
    assert amended.amendments[-1].field == "metrics[visits].covariate"


# -- the command ------------------------------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kokeilut.db"
    assert call(["init"], db=path).code == 0
    return path


def started(db: Path, *extra: str) -> str:
    key = str(json.loads(call(["new", *HOME_CARE, *extra, "--json"], db=db).out)["key"])
    assert call(["start", key, "--on", "2025-01-13"], db=db).code == 0
    return key


def count(db: Path, key: str) -> int:
    with kokeilu.open(db, read_only=True) as tracker:
        return tracker.count_observations(key)


def test_the_command_creates_logs_imports_and_amends_a_covariate(db: Path, tmp_path: Path) -> None:
    key = started(db, "--metric-covariate", "käynnit_2025")
    with kokeilu.open(db, read_only=True) as tracker:
        assert tracker.get(key).metrics[0].covariate == "käynnit_2025"
    base = ["log", key, "3", "--arm", "video", "--at", "2025-01-14T09:00", "--lang", "en"]
    missing = call(base, db=db)
    assert missing.code == 1 and "covariate" in missing.err and "käynnit_2025" in missing.err, missing
    for bad in ("nan", "inf", "kolme"):
        refused = call([*base, "--covariate", bad], db=db)
        assert refused.code != 0 and "covariate" in refused.err, refused
    assert count(db, key) == 0
    assert call([*base, "--covariate", "2.5"], db=db).code == 0

    good = tmp_path / "good.csv"
    good.write_text("value;arm;at;covariate\n3,5;video;2025-01-15;2,5\n4;kontrolli;2025-01-15;3\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("value,arm,at,covariate\n3.5,video,2025-01-15,2.5\n4,kontrolli,2025-01-15,\n", encoding="utf-8")
    words = tmp_path / "words.csv"
    words.write_text("value,arm,at,covariate\n3.5,video,2025-01-15,kolme\n4,kontrolli,2025-01-15,inf\n", encoding="utf-8")
    no_column = tmp_path / "none.csv"
    no_column.write_text("value,arm,at\n3.5,video,2025-01-15\n", encoding="utf-8")
    for path in (bad, words, no_column):
        result = call(["import", key, str(path), "--lang", "en"], db=db)
        assert result.code != 0 and "covariate" in result.err, result
    assert count(db, key) == 1
    assert call(["import", key, str(good)], db=db).code == 0
    with kokeilu.open(db, read_only=True) as tracker:
        assert list(tracker.observations(key)["covariate"]) == [2.5, 2.5, 3.0]

    amended = call(["amend", key, "--reason", "last year", "--set", "turvallisuudentunne.covariate=käynnit_2024"], db=db)
    assert amended.code == 0, amended
    with kokeilu.open(db, read_only=True) as tracker:
        assert tracker.get(key).metrics[0].covariate == "käynnit_2024"


def test_the_command_refuses_a_covariate_on_a_plain_metric(db: Path, tmp_path: Path) -> None:
    key = started(db)
    refused = call(["log", key, "3", "--arm", "video", "--at", "2025-01-14T09:00", "--covariate", "2", "--lang", "en"], db=db)
    assert refused.code == 1 and "covariate" in refused.err, refused
    rows = tmp_path / "rows.csv"
    rows.write_text("value,arm,at,covariate\n3.5,video,2025-01-15,2.5\n", encoding="utf-8")
    assert call(["import", key, str(rows), "--lang", "en"], db=db).code != 0
    aggregated = tmp_path / "aggregated.csv"
    aggregated.write_text("n,sum,sum_sq,arm,at,covariate\n3,9,30,video,2025-01-15,2.5\n", encoding="utf-8")
    result = call(["import", key, str(aggregated), "--lang", "en"], db=db)
    assert result.code != 0 and "covariate" in result.err, result
    assert count(db, key) == 0
    counted = call(["new", *HOME_CARE, "--metric-covariate", "x", "--kind", "count"], db=db)
    assert counted.code == 1 and "covariate" in counted.err, counted


# -- a file of schema 9 -----------------------------------------------------------------------------


def test_a_file_of_schema_9_migrates_and_analyses_as_before(tmp_path: Path) -> None:
    path = tmp_path / "v9.db"
    with kokeilu.open(path) as tracker:
        e = create(tracker, covariate="")
        frame = subjects(9)
        tracker.log_frame(e, frame[["value", "arm", "at"]])
        before = tracker.analyze(e, check=False).comparisons["estimate"].iloc[0]
        lock = tracker.get(e).lock_hash
    with sqlite3.connect(path) as db:
        for table in ("metrics", "observations", "voided_observations"):
            db.execute(f"ALTER TABLE {table} DROP COLUMN covariate")
        db.execute("DROP TABLE experiment_origins")  # schema 11's, which a schema-9 file lacks
        db.execute("DROP TABLE experiment_links")  # schema 13's
        db.execute("DROP TABLE experiment_search")  # schema 12's
        db.execute("PRAGMA user_version = 9")
    with kokeilu.open(path) as tracker:
        e = tracker.get(e.key)
        assert e.lock_hash == lock and e.metrics[0].covariate == ""
        assert tracker.verify().ok
        assert tracker.analyze(e, check=False).comparisons["estimate"].iloc[0] == before
    with sqlite3.connect(path) as db:
        # Migrated to this version's schema, whatever comes after 10.
        assert db.execute("PRAGMA user_version").fetchone()[0] >= 10
        assert db.execute("SELECT count(*) FROM pragma_table_info('metrics') WHERE name = 'covariate'").fetchone()[0] == 1
