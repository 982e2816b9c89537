"""HTML displays of an experiment and of the portfolio: content, lifecycle parts and escaping."""

from __future__ import annotations

import datetime
import html
import re
from html.parser import HTMLParser

import pytest

import kokeilu
from kokeilu import portfolio
from kokeilu.display import experiment_html, portfolio_html

HOSTILE = "<script>alert(\"x\")</script> & <b onclick='y'>"


class _Tags(HTMLParser):
    """Collects the tags and the text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(fragment: str) -> _Tags:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser


def _fields(**overrides: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "title": "Iltakäynnit etänä",
        "organisation": "Oulu",
        "unit": "kotihoito",
        "owner": "Aino Kemppainen",
        "we_believe": "että etäkäynti parantaa turvallisuuden tunnetta",
        "to_verify": "korvaamme joka kolmannen iltakäynnin",
        "and_measure": "turvallisuuden tunnetta (1–5)",
        "right_if": "tunne paranee vähintään 0,3 pistettä",
        "purposes": ["wellbeing"],
        "design": "concurrent",
        "arms": {"tavanomainen": "control", "etäkäynti": "treatment"},
        "metrics": [
            {
                "name": "sense_of_security",
                "kind": "mean",
                "unit": "points (1-5)",
                "minimum_effect": 0.3,
                "baseline": 4.1,
            },
            {
                "name": "missed_medication",
                "kind": "proportion",
                "role": "guardrail",
                "direction": "lower_is_better",
                "minimum_effect": 0.02,
            },
        ],
        "planned_cost_eur": 12000.0,
        "planned_effort_hours": 300.0,
    }
    fields.update(overrides)
    return fields


def test_draft_shows_test_card_metrics_arms_and_no_lock(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    page = experiment_html(e)
    text = " ".join(_parse(page).text)
    assert e.key in text and "Iltakäynnit etänä" in text
    assert "draft" in text
    for part in ("We believe that", "To verify that, we will", "And measure", "We are right if"):
        assert part in text
    assert "että etäkäynti parantaa turvallisuuden tunnetta" in text
    assert "sense_of_security" in text and "missed_medication" in text and "guardrail" in text
    assert "tavanomainen" in text and "etäkäynti" in text
    assert "Not locked yet" in text
    assert "12,000 €" in text  # English grouping; Finnish and Swedish in test_display_language


def test_every_user_string_is_escaped(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(
        **_fields(
            title=HOSTILE,
            summary=HOSTILE,
            owner=HOSTILE,
            unit=HOSTILE,
            tags=[HOSTILE],
            risk=HOSTILE,
            we_believe=HOSTILE,
            right_if=HOSTILE,
            arms=[{"name": "a<i>", "role": "control", "description": HOSTILE}, ("b&c", "treatment")],
            metrics=[{"name": "m", "kind": "mean", "minimum_effect": 1.0, "unit": HOSTILE, "description": HOSTILE}],
        )
    )
    tracker.start(e, on=datetime.date(2025, 1, 6))
    tracker.amend(e, HOSTILE, author=HOSTILE, right_if=HOSTILE + " (amended)")
    tracker.note(e, HOSTILE, author=HOSTILE)
    e = tracker.conclude(
        e, "refuted", decision="stop", we_believed=HOSTILE, therefore=HOSTILE, decided_on=datetime.date(2025, 2, 2)
    )
    page = experiment_html(e, tracker)
    parsed = _parse(page)
    assert "script" not in parsed.tags and "b" not in parsed.tags and "i" not in parsed.tags
    assert "onclick" not in re.sub(r"&[a-z#0-9]+;", "", page.replace(html.escape(HOSTILE), ""))
    assert html.escape(HOSTILE) in page
    # The text reads back exactly as written.
    assert HOSTILE in "".join(parsed.text)
    assert "a&lt;i&gt;" in page and "b&amp;c" in page


def test_running_experiment_shows_lock_and_amendments(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    tracker.start(e, on=datetime.date(2025, 1, 13))
    page = experiment_html(tracker.get(e))
    assert "Locked at start" in page and "No amendments since" in page
    e = tracker.amend(e, "Kriteeri tarkennettu ohjausryhmän kanssa", author="Aino", right_if="paranee 0,2")
    page = experiment_html(e)
    text = " ".join(_parse(page).text)
    assert "Amended after start" in text and "(1 change)" in text
    assert "test_card.right_if" in text
    assert "tunne paranee vähintään 0,3 pistettä" in text  # the locked value
    assert "paranee 0,2" in text and "Kriteeri tarkennettu ohjausryhmän kanssa" in text
    assert e.lock_hash[:12] in page


def test_concluded_shows_verdict_learning_card_and_decision(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    tracker.start(e, on=datetime.date(2025, 1, 13))
    e = tracker.conclude(
        e,
        "supported",
        decision="scale_up",
        decided_on=datetime.date(2025, 7, 1),
        we_believed="uskoimme",
        we_observed="havaitsimme",
        we_learned="opimme",
        therefore="laajennamme",
    )
    text = " ".join(_parse(experiment_html(e)).text)
    assert "supported" in text and "scale up" in text and "2025-07-01" in text
    for part in ("We believed that", "We observed", "From that we learned", "Therefore, we will"):
        assert part in text
    for written in ("uskoimme", "havaitsimme", "opimme", "laajennamme"):
        assert written in text


def test_stopped_shows_reason(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    tracker.start(e, on=datetime.date(2025, 1, 13))
    e = tracker.stop(e, "Laitteet eivät saapuneet", on=datetime.date(2025, 2, 2))
    text = " ".join(_parse(experiment_html(e)).text)
    assert "stopped" in text and "Laitteet eivät saapuneet" in text


def test_with_tracker_counts_observations_and_shows_notes(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields())
    tracker.start(e, on=datetime.date(2025, 1, 13))
    tracker.log_many(
        e, [4, 5, 3], arm=["tavanomainen", "etäkäynti", "etäkäynti"], at=datetime.datetime(2025, 1, 14, 10)
    )
    for i in range(7):
        tracker.note(e, f"muistiinpano {i}", author="Aino", at=datetime.datetime(2025, 1, 15 + i, 9))
    page = experiment_html(e, tracker, notes=5)
    text = " ".join(_parse(page).text)
    assert "3 observations" in text
    assert "latest 5 of 7" in text
    assert "muistiinpano 6" in text and "muistiinpano 2" in text and "muistiinpano 1" not in text


def test_activity_output_primary_is_flagged(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(
        **_fields(metrics=[{"name": "bookings", "kind": "count", "impact": "activity_output", "minimum_effect": 5.0}])
    )
    assert "an activity count is not a customer outcome" in experiment_html(e)


def test_experiment_html_refuses_other_objects() -> None:
    with pytest.raises(TypeError, match="experiment: expected an Experiment"):
        experiment_html("OULU-2026-001")  # type: ignore[arg-type]


def _portfolio(t: kokeilu.Tracker) -> None:
    for organisation, verdict in (("Oulu", "supported"), ("Oulu", "refuted"), ("<b>Ii</b>", "inconclusive")):
        e = t.create(**_fields(organisation=organisation, actual_cost_eur=1500.0))
        t.start(e, on=datetime.date(2025, 1, 13))
        t.conclude(e, verdict, decision="adapt", decided_on=datetime.date(2025, 3, 2))


def test_portfolio_html(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    page = portfolio_html(tracker)
    parsed = _parse(page)
    assert "b" not in parsed.tags
    assert "&lt;b&gt;Ii&lt;/b&gt;" in page
    rows = page.split("<tr>")[2:]
    oulu = next(r for r in rows if ">Oulu<" in r)
    assert ">50%<" in oulu  # win rate: one supported of two
    assert ">1,500 €<" in oulu  # cost per learning
    assert ">3,000 €<" in oulu  # cost per supported
    total = next(r for r in rows if "<strong>all</strong>" in r)
    assert ">33%<" in total and ">3<" in total


def test_portfolio_html_of_a_given_table_and_columns(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    table = portfolio.insights(tracker, by="purpose")
    page = portfolio_html(table, columns=["experiments", "win_rate"], title="Tarkoitukset & tulokset")
    text = " ".join(_parse(page).text)
    assert "wellbeing" in text and "win rate" in text and "cost per learning" not in text
    assert "Tarkoitukset &amp; tulokset" in page
    with pytest.raises(ValueError, match="columns: unknown nope"):
        portfolio_html(table, columns=["nope"])


def test_an_experiment_shows_itself_as_html_in_a_notebook(tracker: kokeilu.Tracker) -> None:
    e = tracker.create(**_fields(title="Iltakäynnit <etänä>"))
    assert e._repr_html_() == experiment_html(e)  # type: ignore[attr-defined]
    assert "Iltakäynnit &lt;etänä&gt;" in e._repr_html_()  # type: ignore[attr-defined]
    # Outside a notebook the plain repr stays short and useful.
    assert e.key in repr(e) and "<div" not in repr(e)


def test_a_portfolio_shows_itself_as_the_portfolio_table(tracker: kokeilu.Tracker) -> None:
    _portfolio(tracker)
    whole = portfolio.Portfolio(tracker)
    assert whole._repr_html_() == portfolio_html(tracker)
    assert len(whole) == 3
    assert repr(whole) == "<kokeilu Portfolio of 3 experiments (3 concluded)>"
    by_purpose = portfolio.Portfolio(tracker, by="purpose")
    assert ">wellbeing<" in by_purpose._repr_html_() and ">Oulu<" not in by_purpose._repr_html_()
    assert by_purpose.summary().loc["all", "concluded"] == 3
    assert by_purpose.insights("organisation").loc["Oulu", "win_rate"] == 0.5
    # A snapshot: it outlives the tracker it was read from.
    tracker.close()
    assert whole.status_counts().loc["Oulu", "concluded"] == 2
    assert whole.verdict_counts().loc["<b>Ii</b>", "inconclusive"] == 1
    assert whole.decisions_per_month()["total"].sum() == 3
    with pytest.raises(ValueError, match="by: unknown grouping 'town'"):
        portfolio.Portfolio(tracker, by="town")
