"""A metric's label, the name a person reads: given through every door, checked as names are
(NFC, no characters that show nothing), and said by the verdict's sentence in fi, sv and en, the
analysis' text and HTML tables, the notebook display, the plots and the command, while the
identifier stays what observations and the data frames name the metric by."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import HOME_CARE, call  # noqa: E402

import kokeilu  # noqa: E402
from kokeilu import display, plots  # noqa: E402
from kokeilu._shown import shown_name  # noqa: E402

IDENTIFIER = "valmis_ensimmaisella_kerralla"
LABEL = "valmis ensimmäisellä kerralla"
START = "2025-01-13"


def create(t: kokeilu.Tracker, label: str = LABEL) -> kokeilu.Experiment:
    return t.create(
        title="Chat advice", organisation="Kuusamo", purposes=["vitality"],
        we_believe="a", to_verify="b", and_measure="c", right_if="d",
        arms={"control": "control", "chat": "treatment"},
        metrics=[{"name": IDENTIFIER, "label": label, "kind": "proportion", "minimum_effect": 0.1}],
    )  # fmt: skip


@pytest.fixture
def t() -> Iterator[kokeilu.Tracker]:
    with kokeilu.open(":memory:") as tracker:
        yield tracker


@pytest.fixture
def running(t: kokeilu.Tracker) -> str:
    key = create(t).key
    t.start(key, on=START)
    arms = np.where(np.arange(400) % 2 == 0, "control", "chat")
    values = (np.arange(400) % 5 < np.where(arms == "chat", 4, 2)).astype(float)
    times = np.datetime64("2025-01-14T09:00") + np.arange(400) * np.timedelta64(1, "h")
    t.log_many(key, values, arm=arms, at=times)
    return key


def test_the_label_is_kept_in_nfc_and_refused_like_a_name(t: kokeilu.Tracker) -> None:
    assert t.get(create(t, label="vastaus kahvila\u0301ssa").key).metrics[0].label == "vastaus kahvilássa"
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        create(t, label="valmis\u200bensimmäisellä")
    assert caught.value.field == f"metrics[{IDENTIFIER}].label"
    metric = kokeilu.Metric("x", label="the x")
    assert shown_name(metric) == "the x" and shown_name(kokeilu.Metric("x")) == "x"
    assert "label='the x'" in repr(metric)


def test_the_verdict_says_the_label_in_every_language(t: kokeilu.Tracker, running: str) -> None:
    analysis = t.analyze(running)
    assert analysis.verdict.metric == IDENTIFIER
    for lang in ("fi", "sv", "en"):
        sentence = analysis.verdict.sentence(lang)
        assert LABEL in sentence and IDENTIFIER not in sentence, (lang, sentence)
    assert set(analysis.comparisons["metric"]) == {IDENTIFIER}  # the data keep the identifier
    for text in (analysis.text(lang="fi"), analysis.html(lang="en")):
        assert LABEL in text and IDENTIFIER not in text


def test_the_display_shows_the_label_and_the_identifier_to_log_by(t: kokeilu.Tracker) -> None:
    page = display.experiment_html(create(t), lang="fi")
    assert f"<strong>{LABEL}</strong> <code>{IDENTIFIER}</code>" in page


def test_the_plots_say_the_label(t: kokeilu.Tracker, running: str) -> None:
    for draw in (
        lambda: plots.metric_over_time(t, running, lang="en"),
        lambda: plots.effects(t, running, lang="en"),
        lambda: plots.cumulative_effect(t, running, lang="en"),
    ):
        ax = draw()
        assert LABEL in ax.get_title() and IDENTIFIER not in ax.get_title()
        plt.close(ax.figure)


def test_the_command_takes_shows_and_amends_the_label(tmp_path: Path) -> None:
    db = tmp_path / "kokeilut.db"
    assert call(["init"], db=db).code == 0
    options = [*HOME_CARE[: HOME_CARE.index("--planned-start")], "--planned-start", START]
    made = call(["new", *options, "--metric-label", "turvallisuuden tunne", "--json"], db=db)
    assert made.code == 0, made
    record = json.loads(made.out)
    assert record["metrics"][0]["label"] == "turvallisuuden tunne"
    key = record["key"]
    shown = call(["--lang", "fi", "show", key], db=db, env={"COLUMNS": "220"})
    assert "turvallisuuden tunne [turvallisuudentunne]" in shown.out
    assert call(["start", key, "--on", START], db=db).code == 0
    for i, (arm, value) in enumerate([("kontrolli", "3"), ("video", "4")] * 10):
        at = f"2025-01-14T{9 + i % 10:02d}:{i:02d}Z"
        assert call(["log", key, value, "--arm", arm, "--at", at], db=db).code == 0
    analysed = call(["--lang", "fi", "analyze", key], db=db, env={"COLUMNS": "220"})
    assert "turvallisuuden tunne" in analysed.out, analysed
    amended = call(["amend", key, "--reason", "selkeämpi", "--set", "turvallisuudentunne.label=turvallisuus"], db=db)
    assert amended.code == 0, amended
    with kokeilu.open(db, read_only=True) as tracker:
        e = tracker.get(key)
    assert e.metrics[0].label == "turvallisuus"
    assert e.amendments[-1].field == "metrics[turvallisuudentunne].label"
    refused = call(["amend", key, "--reason", "x", "--set", "turvallisuudentunne.label=a\u200bb"], db=db)
    assert refused.code == 1 and "metrics[turvallisuudentunne].label" in refused.err
