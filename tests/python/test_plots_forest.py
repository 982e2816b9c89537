"""The forest plot of a meta-analysis: the numbers drawn are the result's (read back from the
artists), the labels come from the catalogue."""

from __future__ import annotations

from collections.abc import Iterator

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.patches import Polygon

from kokeilu import plots, stats


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    yield
    plt.close("all")


def _segments(ax: plt.Axes) -> list[np.ndarray]:
    return [c.get_segments() for c in ax.collections if isinstance(c, LineCollection)]


def test_every_study_and_both_pooled_results_are_drawn() -> None:
    names = ["Oulu", "Kemi", "Salla", "Inari"]
    meta = stats.meta_analysis([0.10, 0.45, 0.80, 0.30], [0.10, 0.12, 0.15, 0.20], labels=names)
    ax = plots.forest(meta, lang="fi")
    assert ax.figure is not None
    studies, prediction = _segments(ax)
    frame = meta.frame()
    rows = frame[frame["row"] == "study"]
    assert [s[0][0] for s in studies] == pytest.approx(list(rows["ci_low"]))
    assert [s[1][0] for s in studies] == pytest.approx(list(rows["ci_high"]))
    assert meta.prediction is not None
    assert (prediction[0][0][0], prediction[0][1][0]) == pytest.approx((meta.prediction.low, meta.prediction.high))
    squares = next(c for c in ax.collections if isinstance(c, PathCollection))
    assert list(squares.get_offsets()[:, 0]) == pytest.approx(list(rows["estimate"]))
    # The squares' areas follow the random-effects weights: the heaviest is the largest.
    assert meta.random_weights is not None
    assert int(np.argmax(squares.get_sizes())) == int(np.argmax(meta.random_weights))
    diamonds = [p for p in ax.patches if isinstance(p, Polygon)]
    assert len(diamonds) == 2
    assert meta.random is not None
    for diamond, e in zip(diamonds, (meta.fixed, meta.random)):
        xs = diamond.get_xy()[:, 0]
        assert (xs.min(), xs.max()) == pytest.approx((e.ci_low, e.ci_high))
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [*names, "kiinteä vaikutus", "satunnaisvaikutukset (HKSJ)", "ennusteväli"]
    assert ax.get_title() == "4 kunnan meta-analyysi (95\u00a0%:n välit)"
    assert ax.get_xlabel() == "vaikutus"


def test_two_municipalities_have_the_fixed_diamond_only() -> None:
    meta = stats.meta_analysis([0.30, 0.10], [0.10, 0.15])
    ax = plots.forest(meta, lang="sv")
    assert len([p for p in ax.patches if isinstance(p, Polygon)]) == 1
    assert len(_segments(ax)) == 1
    assert [t.get_text() for t in ax.get_yticklabels()] == ["1", "2", "fix effekt"]
    assert ax.get_title() == "Metaanalys av 2 kommuner (95\u00a0% intervall)"
