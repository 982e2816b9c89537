"""`kokeilu new` and `kokeilu conclude` on a terminal, driven through a pseudo-terminal."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from cli_support import Terminal, call  # noqa: E402

import kokeilu  # noqa: E402

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kokeilut.db"
    assert call(["init"], db=path).code == 0
    return path


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    opened: list[Terminal] = []
    yield opened
    for terminal in opened:
        terminal.kill()


def test_new_walks_through_the_test_card_in_finnish(db: Path, terminals: list[Terminal]) -> None:
    t = Terminal(["new", "--organisation", "Kuusamo"], db=db, env={"LANG": "fi_FI.UTF-8"})
    terminals.append(t)
    t.expect("Uusi kokeilu.")
    t.answer("Kokeilun nimi: ", "")  # required: asked again
    t.expect("Virhe: vastaus on pakollinen")
    t.answer("Kokeilun nimi: ", "Chat-neuvonta ennen rakennuslupahakemusta")
    t.answer("Yksikkö tai palvelu: ", "rakennusvalvonta")
    t.answer("Vastuuhenkilö", "Eero Juntunen")
    t.answer("Tehtävät pilkuin eroteltuina", "onnellisuus")  # not a purpose: asked again
    t.expect(
        "Virhe: 'onnellisuus' ei kelpaa; vaihtoehdot: wellbeing (hyvinvointi), vitality (elinvoima), "
        "democracy (demokratia)"
    )
    t.answer("Tehtävät pilkuin eroteltuina", "elinvoima, demokratia")
    t.answer("Tunnisteet", "rakennusluvat, chat")
    t.answer("Uskomme, että ...: ", "neuvonta chatissa ennen hakemusta vähentää puutteellisia hakemuksia")
    t.answer("Varmistaaksemme sen ...: ", "tarjoamme chat-neuvontaa puolelle hakijoista")
    # The first metric is an activity: warned, and the user chooses to measure something else.
    t.answer("Päämittarin nimi", "chat-keskustelujen määrä")
    t.answer("Mittarin nimi luettavassa muodossa", "")  # none: the name reads as it is
    t.answer("Sen yksikkö", "kpl")
    t.answer("Laji", "tapahtumamäärä")
    t.answer("Suunta", "")
    t.answer("Mittaako se asiakasvaikutusta vai toiminnan määrää?", "toiminnan määrä")
    t.expect("Varoitus: 'chat-keskustelujen määrä' mittaa toiminnan määrää, ei asiakasvaikutusta.")
    t.answer("Pidetäänkö toiminnan määrän mittari silti? [k/E]", "e")
    t.answer("Päämittarin nimi", "valmis_ensimmäisellä_kerralla")
    # The identifier's underscores are offered as spaces: what sentences, tables and plots say.
    t.answer("Mittarin nimi luettavassa muodossa (lauseissa, taulukoissa ja kuvissa) [valmis ensimmäisellä kerralla]", "")
    t.answer("Sen yksikkö", "osuus")
    t.answer("Laji", "osuus")
    t.answer("Suunta", "suurempi on parempi")
    t.answer("Mittaako se asiakasvaikutusta vai toiminnan määrää?", "")
    t.answer("Ilmoitetaanko vaikutus absoluuttisena vai suhteellisena?", "")
    t.answer("Pienin merkityksellinen vaikutus", "-0,1")  # must be above 0: asked again
    t.expect("Virhe: luvun on oltava suurempi kuin 0, nyt −0,1")
    t.answer("Pienin merkityksellinen vaikutus", "15")  # a share cannot move by 15: asked again
    t.expect("Virhe: osuus ei voi muuttua")
    t.answer("Pienin merkityksellinen vaikutus", "0,15")
    t.answer("Tunnettu lähtötaso", "0,55")
    # The criterion is offered from the metric; Enter accepts it.
    t.answer("Ja mittaamme ... [valmis ensimmäisellä kerralla (osuus)]: ", "")
    t.answer("Olemme oikeassa, jos ... [valmis ensimmäisellä kerralla nousee vähintään 15 prosenttiyksikköä]: ", "")
    # Asked before the design; the answer is part of the Test Card.
    t.answer("Onko aineistoa jo nähty?", "ei, syksyn hakemukset avataan vasta lukitsemisen jälkeen")
    t.answer("Asetelma", "ennen ja jälkeen")
    t.answer("Kaksi jaksoa pilkulla eroteltuina (ennen, jälkeen) [ennen, jälkeen]", "syksy")  # one period only
    t.expect("Virhe: asetelma ennen ja jälkeen tarvitsee täsmälleen kaksi jaksoa")
    t.answer("Kaksi jaksoa", "syksy 2025, kevät 2026")
    t.answer("Suunniteltu alkupäivä", "1.2.2026")
    t.answer("Suunniteltu loppupäivä", "2026-01-15")  # before the start: asked again
    t.expect("Virhe: loppupäivä (15.1.2026) on ennen alkupäivää (1.2.2026)")
    t.answer("Suunniteltu loppupäivä", "")  # the default, 90 days on
    t.answer("Tallennetaanko kokeilu? [K/e]", "k")
    t.expect("Kokeilu ")
    t.expect(" luotiin: Chat-neuvonta ennen rakennuslupahakemusta.")
    assert t.wait() == 0

    with kokeilu.open(db, read_only=True) as tracker:
        [e] = tracker.experiments()
    assert e.organisation == "Kuusamo"
    assert e.owner == "Eero Juntunen"
    assert [p.name for p in e.purposes] == ["vitality", "democracy"]
    assert e.tags == ["chat", "rakennusluvat"]
    assert e.design.name == "before_after"
    assert [(a.name, a.role.name) for a in e.arms] == [("syksy 2025", "before"), ("kevät 2026", "after")]
    [m] = e.metrics
    assert (m.name, m.kind.name, m.impact.name, m.minimum_effect, m.baseline) == (
        "valmis_ensimmäisellä_kerralla",
        "proportion",
        "customer_outcome",
        0.15,
        0.55,
    )
    assert m.unit == "share"  # "osuus" names the code, so the difference is in percentage points
    assert m.label == "valmis ensimmäisellä kerralla"
    assert e.test_card.right_if == "valmis ensimmäisellä kerralla nousee vähintään 15 prosenttiyksikköä"
    assert e.test_card.data_seen == "ei, syksyn hakemukset avataan vasta lukitsemisen jälkeen"
    assert str(e.planned_start) == "2026-02-01" and str(e.planned_end) == "2026-05-02"


def test_new_in_english_can_be_declined(db: Path, terminals: list[Terminal]) -> None:
    flags = ["--title", "Callback", "--organisation", "Oulu", "--purpose", "wellbeing", "--tag", "x", "--unit", "cs"]
    flags += ["--owner", "me", "--we-believe", "a", "--to-verify", "b", "--metric", "resolved", "--metric-unit", ""]
    flags += ["--kind", "proportion"]
    flags += ["--direction", "higher_is_better", "--impact", "customer_outcome", "--effect-scale", "relative"]
    t = Terminal(["new", *flags], db=db, env={"LANG": "en_GB.UTF-8"})
    terminals.append(t)
    t.answer("The metric's name as people read it", "")
    t.answer("Minimum worthwhile effect", "0.1")
    t.answer("Known baseline level", "")
    t.answer("And measure ... [resolved]: ", "the share of calls resolved on first contact")
    t.answer("We are right if ... [resolved rises by at least 10 % of the control]: ", "")
    t.answer("Has any of the data been seen already?", "")  # may be left unanswered
    t.answer("Design", "")
    t.answer("Arms, separated by commas", "queue, callback:treatment")
    t.answer("Planned shares of the arms queue : callback", "1:0")  # not above 0: asked again
    t.expect("must be a number above 0, got 0")
    t.answer("Planned shares of the arms queue : callback", "1:2:3")
    t.expect("give one share for each arm (arms: 2, shares: 3)")
    t.answer("twice the units of the first) [1:1]", "")
    t.answer("Planned start", "")
    t.answer("Planned end", "")
    t.answer("Save the experiment? [Y/n]", "n")
    t.expect("Nothing was saved.")
    assert t.wait() == 1
    assert json.loads(call(["list", "--json"], db=db).out) == []


def _library_draft(tracker: kokeilu.Tracker) -> kokeilu.Experiment:
    """Kajaani's library open without staff: a before/after draft with a count metric."""
    return tracker.create(
        title="Self-service opening hours",
        organisation="Kajaani",
        purposes=["vitality"],
        we_believe="working-age residents visit more when the library is open without staff",
        to_verify="we open 7-9 and 20-22 without staff",
        and_measure="visits by working-age residents per week",
        right_if="visits rise by 10 %",
        design="before_after",
        arms={"before": "before", "after": "after"},
        metrics=[{"name": "visits", "kind": "count", "minimum_effect": 0.1, "effect_scale": "relative"}],
    )


def test_conclude_asks_for_the_learning_card(db: Path, terminals: list[Terminal]) -> None:
    with kokeilu.open(db) as tracker:
        e = tracker.start(_library_draft(tracker))
    t = Terminal(["conclude", e.key, "--decision", "scale_up"], db=db)
    terminals.append(t)
    t.expect("We are right if: visits rise by 10 %")
    t.expect("Minimum worthwhile effect (visits): 10 % of the control")
    t.answer("Verdict", "probably")
    t.expect("Error: 'probably' is not one of: supported, refuted, inconclusive")
    t.answer("Verdict", "supported")
    t.answer("We believed that ... [working-age residents visit more", "")
    t.answer("We observed ...: ", "visits rose by a fifth")
    t.answer("From that we learned ...: ", "evening hours matter most")
    t.answer("Therefore, we will ...: ", "open without staff in all branches")
    t.expect(f"Experiment {e.key} concluded: supported; decision: scale up.")
    assert t.wait() == 0
    with kokeilu.open(db, read_only=True) as tracker:
        outcome = tracker.get(e.key).outcome
    assert outcome is not None
    assert outcome.learning.we_believed == e.test_card.we_believe
    assert outcome.learning.therefore == "open without staff in all branches"


def test_conclude_on_a_terminal_refuses_before_asking(db: Path, terminals: list[Terminal]) -> None:
    with kokeilu.open(db) as tracker:
        e = _library_draft(tracker)
    # A draft cannot be concluded: said at once, not after the verdict and the Learning Card were asked.
    t = Terminal(["conclude", e.key], db=db)
    terminals.append(t)
    t.expect(f"Error: cannot conclude {e.key}: its status is draft; only a running experiment can be concluded")
    assert t.wait() == 1


def test_ctrl_d_cancels_without_saving(db: Path, terminals: list[Terminal]) -> None:
    t = Terminal(["--lang", "fi", "new"], db=db)
    terminals.append(t)
    t.expect("Kokeilun nimi: ")
    t.send("\x04")  # end of input
    t.expect("Keskeytetty.")
    assert t.wait() == 1
    assert json.loads(call(["list", "--json"], db=db).out) == []
