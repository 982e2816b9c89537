"""A realistic demo tracker: experiments of Oulu, Kajaani, Ii and Kuusamo, the same every time.

The experiments are shaped on the work of internal developers of northern Finnish municipalities:
home care, libraries, youth services, building permits, customer service, public transport and
democracy. They cover every lifecycle state, the three designs, unit-level and pre-aggregated
data, a small-sample proportion, one event stream of about a million rows, and concluded
experiments whose verdicts are supported, refuted and inconclusive::

    import kokeilu.demo

    keys = kokeilu.demo.create_demo("demo.db")

Every random number comes from ``numpy.random.default_rng``, one generator per experiment spawned
from the seed, and the identities (keys and UUIDs) are derived from the seed too, so two runs with
the same seed give the same experiments and the same observations. Only the bookkeeping times the
tracker stamps itself (created, updated, locked) are those of the run.
"""

from __future__ import annotations

import datetime
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._tracker import Tracker, open

__all__ = ["DEFAULT_EVENT_ROWS", "DEFAULT_SEED", "create_demo", "fill_demo"]

DEFAULT_SEED = 2026
#: Rows of the event-stream experiment (the mobile ticket purchase flow in Oulu).
DEFAULT_EVENT_ROWS = 1_000_000

_Date = datetime.date
_Rng = np.random.Generator
_FloatArray = npt.NDArray[np.float64]


def _times(rng: _Rng, first: _Date, last: _Date, size: int, hours: tuple[int, int] = (6, 15)) -> npt.NDArray[Any]:
    """`size` sorted UTC times on the days first..last, within office hours (Finnish time is
    UTC+2/+3, so 6-15 UTC is 8/9-17/18 local)."""
    days = (last - first).days + 1
    day = rng.integers(0, days, size)
    seconds = rng.integers(hours[0] * 3600, hours[1] * 3600, size)
    start = np.datetime64(first, "D").astype("datetime64[us]")
    at = start + day.astype("timedelta64[D]") + seconds.astype("timedelta64[s]")
    return np.sort(at.astype("datetime64[us]"))


def _times_on(rng: _Rng, days: npt.NDArray[Any], size: int, hours: tuple[int, int] = (6, 15)) -> npt.NDArray[Any]:
    """`size` sorted UTC times on the given days (datetime64[D]), within office hours."""
    day = days[rng.integers(0, len(days), size)].astype("datetime64[us]")
    seconds = rng.integers(hours[0] * 3600, hours[1] * 3600, size)
    return np.sort(day + seconds.astype("timedelta64[s]"))


def _day_times(first: _Date, last: _Date, hour: int = 20) -> npt.NDArray[Any]:
    """One time per day first..last, at `hour` UTC (the end of the day's counting)."""
    start = np.datetime64(first, "D")
    days = np.arange(start, np.datetime64(last, "D") + 1, dtype="datetime64[D]")
    return days.astype("datetime64[us]") + np.timedelta64(hour, "h")


def _survey_answers(rng: _Rng, size: int, mean: float, sd: float) -> _FloatArray:
    """Answers on a 1-5 scale: a rounded normal, clipped to the scale."""
    return np.clip(np.rint(rng.normal(mean, sd, size)), 1, 5).astype(np.float64)


def _arm_labels(names: Sequence[str], sizes: Sequence[int]) -> pd.Categorical:
    """Arm names as a Categorical: sizes[i] rows of names[i], in order (cheap for many rows)."""
    codes = np.repeat(np.arange(len(names), dtype=np.int8), sizes)
    return pd.Categorical.from_codes(codes, categories=pd.Index(list(names)))


def _bernoulli(rng: _Rng, size: int, p: float) -> _FloatArray:
    return (rng.random(size) < p).astype(np.float64)


@dataclass
class _Spec:
    """One demo experiment: how it is created and what happens to it."""

    key: str
    fields: dict[str, Any]
    start: _Date | None = None
    # Called after start, to log data, amend and write notes.
    run: Callable[[Tracker, str, _Rng], None] | None = None
    stop: tuple[_Date, str] | None = None
    conclude: dict[str, Any] | None = None
    costs: dict[str, float] = field(default_factory=dict)


# -- the experiments, one function per data-generating story ----------------------------------


def _oulu_video_visits(t: Tracker, key: str, rng: _Rng) -> None:
    first, last = _Date(2025, 3, 3), _Date(2025, 8, 29)
    control = _survey_answers(rng, 142, 4.08, 0.85)
    video = _survey_answers(rng, 137, 4.7, 0.65)
    values = np.concatenate([control, video])
    arms = _arm_labels(["tavanomainen", "etäkäynti"], [len(control), len(video)])
    at = np.concatenate([_times(rng, first, last, len(control)), _times(rng, first, last, len(video))])
    t.log_many(key, values, arm=arms, at=at)
    # Guardrail: every evening visit (or video call) records whether a dose was missed.
    visits = 2600
    missed = np.concatenate([_bernoulli(rng, visits, 0.013), _bernoulli(rng, visits, 0.015)])
    visit_arms = _arm_labels(["tavanomainen", "etäkäynti"], [visits, visits])
    visit_at = np.concatenate([_times(rng, first, last, visits, (15, 20)), _times(rng, first, last, visits, (15, 20))])
    t.log_many(key, missed, arm=visit_arms, at=visit_at, metric="missed_medication")
    t.note(
        key,
        "Ensimmäiset 20 asiakasta mukana; kaksi tablettia vaihdettiin isompiin näyttöihin.",
        author="Aino Kemppainen",
        at=datetime.datetime(2025, 3, 14, 12, 0),
    )
    t.note(
        key,
        "Kyselyn vastausprosentti 78 %. Omaiset kiittelevät joustavuutta.",
        author="Aino Kemppainen",
        at=datetime.datetime(2025, 6, 2, 9, 30),
    )


def _oulu_callback(t: Tracker, key: str, rng: _Rng) -> None:
    # Alternating working days: the queue on one, the callback on the next (the phone system could
    # not randomise calls).
    days = np.arange(np.datetime64("2025-09-01"), np.datetime64("2025-11-15"), dtype="datetime64[D]")
    days = days[np.is_busday(days)]
    queue_days, callback_days = days[0::2], days[1::2]
    queue_at = _times_on(rng, queue_days, 1710)
    callback_at = _times_on(rng, callback_days, 1664)
    resolved = np.concatenate([_bernoulli(rng, len(queue_at), 0.724), _bernoulli(rng, len(callback_at), 0.709)])
    arms = _arm_labels(["jono", "takaisinsoitto"], [len(queue_at), len(callback_at)])
    t.log_many(key, resolved, arm=arms, at=np.concatenate([queue_at, callback_at]))
    satisfaction = np.concatenate([_survey_answers(rng, 402, 3.9, 0.9), _survey_answers(rng, 388, 3.95, 0.9)])
    survey_arms = _arm_labels(["jono", "takaisinsoitto"], [402, 388])
    survey_at = np.concatenate([_times_on(rng, queue_days, 402), _times_on(rng, callback_days, 388)])
    t.log_many(key, satisfaction, arm=survey_arms, at=survey_at, metric="satisfaction")
    t.note(
        key,
        "Takaisinsoitot venyivät ruuhkapäivinä seuraavaan päivään; asiakas joutui selittämään asiansa uudelleen.",
        author="Mikko Haapala",
        at=datetime.datetime(2025, 10, 9, 13, 0),
    )


def _make_ticket_flow(event_rows: int) -> Callable[[Tracker, str, _Rng], None]:
    def run(t: Tracker, key: str, rng: _Rng) -> None:
        # One row per purchase session that reached the payment page: 1 = ticket bought. Logged
        # through the columnar path in one transaction, as an event stream is.
        first, last = _Date(2026, 9, 14), _Date(2026, 11, 20)
        arm_codes = rng.integers(0, 2, event_rows).astype(np.int8)
        p = np.where(arm_codes == 0, 0.812, 0.819)
        completed = (rng.random(event_rows) < p).astype(np.float64)
        at = _times(rng, first, last, event_rows, (4, 21))
        arms = pd.Categorical.from_codes(arm_codes, categories=pd.Index(["nykyinen", "lyhyt polku"]))
        t.log_many(key, completed, arm=arms, at=at)
        t.note(
            key,
            "Seurantanäkymä tarkistetaan joka aamu; SRM-tarkistus viikoittain.",
            author="Sanna Rautio",
            at=datetime.datetime(2026, 9, 21, 7, 0),
        )

    return run


def _oulu_early_education(t: Tracker, key: str, rng: _Rng) -> None:
    before = _times(rng, _Date(2026, 1, 5), _Date(2026, 1, 30), 118)
    after = _times(rng, _Date(2026, 2, 2), _Date(2026, 3, 13), 61)
    complete = np.concatenate([_bernoulli(rng, len(before), 0.61), _bernoulli(rng, len(after), 0.66)])
    arms = _arm_labels(["ennen", "jälkeen"], [len(before), len(after)])
    t.log_many(key, complete, arm=arms, at=np.concatenate([before, after]), backfill=True)


def _kajaani_self_service(t: Tracker, key: str, rng: _Rng) -> None:
    # Gate counter: working-age visitors a day; exposure 1/7 week so that the rate is per week.
    before_days = _day_times(_Date(2025, 1, 7), _Date(2025, 3, 30))
    after_days = _day_times(_Date(2025, 3, 31), _Date(2025, 6, 22))
    before = rng.poisson(905 / 7, len(before_days)).astype(np.float64)
    after = rng.poisson(1080 / 7, len(after_days)).astype(np.float64)
    arms = _arm_labels(["ennen", "jälkeen"], [len(before), len(after)])
    t.log_many(
        key,
        np.concatenate([before, after]),
        arm=arms,
        at=np.concatenate([before_days, after_days]),
        exposure=np.full(len(before) + len(after), 1 / 7),
        backfill=True,
    )
    # Cost per opening hour, week by week, from the library's bookkeeping.
    weeks_before = _day_times(_Date(2025, 1, 12), _Date(2025, 3, 30))[::7]
    weeks_after = _day_times(_Date(2025, 4, 6), _Date(2025, 6, 22))[::7]
    cost = np.concatenate([rng.normal(96.0, 4.0, len(weeks_before)), rng.normal(61.0, 5.0, len(weeks_after))])
    cost_arms = _arm_labels(["ennen", "jälkeen"], [len(weeks_before), len(weeks_after)])
    t.log_many(
        key,
        np.round(cost, 2),
        arm=cost_arms,
        at=np.concatenate([weeks_before, weeks_after]),
        metric="cost_per_opening_hour",
        backfill=True,
    )
    t.note(
        key,
        "Kulunvalvonta ja kamerat asennettu; ensimmäisellä viikolla 140 uutta kirjastokortin PIN-koodia.",
        author="Jari Heikkinen",
        at=datetime.datetime(2025, 4, 4, 10, 0),
    )


def _kajaani_chatbot(t: Tracker, key: str, rng: _Rng) -> None:
    days = _day_times(_Date(2026, 10, 5), _Date(2026, 11, 20))
    bookings = rng.poisson(46 / 7, len(days)).astype(np.float64)
    t.log_many(key, bookings, at=days, exposure=np.full(len(days), 1 / 7))
    t.note(
        key,
        "Mittari kertoo vain varausten määrän, ei sitä, saiko asiakas apua. Lisätään seuraavaan "
        "versioon asiakkaan arvio asian hoitumisesta.",
        author="Laura Kinnunen",
        at=datetime.datetime(2026, 11, 2, 11, 0),
    )


def _kajaani_dose_robots(t: Tracker, key: str, rng: _Rng) -> None:
    # Missed doses a day in each arm; exposure in client-months (clients / 30 a day). Only six
    # robots arrived, and only for the first four weeks.
    days = _day_times(_Date(2025, 4, 7), _Date(2025, 5, 30))
    robot_days = days[:28]
    control_clients, robot_clients = 24, 6
    control = rng.poisson(1.2 * control_clients / 30, len(days)).astype(np.float64)
    robot = rng.poisson(0.7 * robot_clients / 30, len(robot_days)).astype(np.float64)
    arms = _arm_labels(["tavanomainen", "robotti"], [len(control), len(robot)])
    exposure = np.concatenate([np.full(len(control), control_clients / 30), np.full(len(robot), robot_clients / 30)])
    t.log_many(
        key, np.concatenate([control, robot]), arm=arms, at=np.concatenate([days, robot_days]), exposure=exposure
    )


def _ii_job_path(t: Tracker, key: str, rng: _Rng) -> None:
    # Follow-up six months after joining: employed or in training (1) or not (0). Small n: the
    # counts are those of the story (8 of 19 against 10 of 17), in a random order.
    control = rng.permutation(np.repeat([1.0, 0.0], [8, 11]))
    coach = rng.permutation(np.repeat([1.0, 0.0], [10, 7]))
    at = np.concatenate(
        [
            _times(rng, _Date(2025, 7, 14), _Date(2025, 10, 17), 19),
            _times(rng, _Date(2025, 7, 14), _Date(2025, 10, 17), 17),
        ]
    )
    arms = _arm_labels(["tavanomainen ohjaus", "työpolkuvalmentaja"], [19, 17])
    t.log_many(key, np.concatenate([control, coach]), arm=arms, at=at)
    t.note(
        key,
        "Kolme nuorta muutti pois Iistä ennen seurantaa; heidät tavoitettiin puhelimella.",
        author="Heikki Väyrynen",
        at=datetime.datetime(2025, 9, 1, 10, 0),
    )


def _ii_digital_support(t: Tracker, key: str, rng: _Rng) -> None:
    passed = _bernoulli(rng, 72, 0.68)
    at = _times(rng, _Date(2025, 10, 6), _Date(2025, 12, 12), 72)
    t.log_many(key, passed, at=at)


def _ii_citizens_panel(t: Tracker, key: str, rng: _Rng) -> None:
    # A survey summary per village area: only n, sum and sum of squares were delivered.
    areas = ["Ii keskusta", "Kuivaniemi", "Jakkukylä", "Olhava", "Oijärvi"]
    sizes = np.array([168, 74, 41, 52, 23])
    rows = []
    for arm, when, mean in (
        ("ennen", datetime.datetime(2026, 1, 20, 12), 3.04),
        ("jälkeen", datetime.datetime(2026, 6, 1, 12), 3.11),
    ):
        for area, n in zip(areas, sizes, strict=True):
            n_area = int(rng.binomial(n, 0.92))
            answers = _survey_answers(rng, n_area, mean, 0.95)
            rows.append(
                {
                    "arm": arm,
                    "at": when,
                    "n": n_area,
                    "sum": float(answers.sum()),
                    "sum_sq": float((answers**2).sum()),
                    "area": area,
                }
            )
    t.log_aggregates(key, pd.DataFrame(rows), backfill=True)


def _kuusamo_chat(t: Tracker, key: str, rng: _Rng) -> None:
    before = _times(rng, _Date(2025, 9, 1), _Date(2026, 2, 27), 148)
    after = _times(rng, _Date(2026, 3, 2), _Date(2026, 11, 20), 231)
    complete = np.concatenate([_bernoulli(rng, len(before), 0.52), _bernoulli(rng, len(after), 0.64)])
    arms = _arm_labels(["ennen", "jälkeen"], [len(before), len(after)])
    at = np.concatenate([before, after])
    t.log_many(key, complete, arm=arms, at=at, backfill=True)
    wait = np.concatenate([rng.gamma(4.0, 38.0 / 4.0, len(before)), rng.gamma(4.0, 31.0 / 4.0, len(after))])
    t.log_many(key, np.round(wait), arm=arms, at=at, metric="wait_days", backfill=True)
    t.amend(
        key,
        "Kesän lupamäärät ovat pienet; odotusajan kriteeri tarkennettu vastaamaan koko vuoden vaihtelua.",
        author="Petri Kuukasjärvi",
        metrics=[{"name": "complete_first_submission"}, {"name": "wait_days", "minimum_effect": 5.0}],
    )
    # An amendment of the success criterion itself: the analysis then gives the verdict against the
    # criterion as locked and, beside it, an exploratory one against the amended criterion.
    t.amend(
        key,
        "Lautakunta pitää jo 8 prosenttiyksikön nousua chat-neuvonnan kustannusten arvoisena.",
        author="Petri Kuukasjärvi",
        metrics=[{"name": "complete_first_submission", "minimum_effect": 0.08}, {"name": "wait_days"}],
    )
    t.note(
        key,
        "Chat-ajat lisätty myös lauantaiaamuihin mökkirakentajien toiveesta.",
        author="Petri Kuukasjärvi",
        at=datetime.datetime(2026, 5, 16, 8, 0),
    )


def _kuusamo_remote_physio(t: Tracker, key: str, rng: _Rng) -> None:
    control = np.round(rng.normal(0.6, 1.8, 38))
    remote = np.round(rng.normal(0.95, 1.8, 41))
    at = np.concatenate(
        [
            _times(rng, _Date(2025, 8, 4), _Date(2025, 11, 21), 38),
            _times(rng, _Date(2025, 8, 4), _Date(2025, 11, 21), 41),
        ]
    )
    arms = _arm_labels(["vastaanotto", "etäfysioterapia"], [38, 41])
    t.log_many(key, np.concatenate([control, remote]), arm=arms, at=at)


_CONCURRENT = "concurrent"
_BEFORE_AFTER = "before_after"


def _specs(event_rows: int) -> list[_Spec]:
    return [
        _Spec(
            key="OULU-2025-001",
            fields={
                "title": "Iltakäyntien korvaaminen osittain etäkäynneillä",
                "summary": "Home care replaces one evening visit in three by a video visit for volunteering clients.",
                "organisation": "Oulu",
                "unit": "kotihoito",
                "owner": "Aino Kemppainen",
                "we_believe": "että osa kotihoidon iltakäynneistä voidaan tehdä videoyhteydellä niin, että asiakkaan "
                "turvallisuuden tunne paranee, kun käynnin ajankohta joustaa asiakkaan toiveiden mukaan",
                "to_verify": "korvaamme joka kolmannen iltakäynnin etäkäynnillä vapaaehtoisille asiakkaille "
                "Kaakkurin ja Kaukovainion tiimeissä maalis-elokuussa",
                "and_measure": "asiakkaan kokemaa turvallisuuden tunnetta kyselyllä (1–5) sekä unohtuneita "
                "lääkeannoksia",
                "right_if": "turvallisuuden tunne paranee vähintään 0,2 pistettä eikä unohtuneiden lääkeannosten "
                "osuus kasva yli 2 prosenttiyksikköä",
                "risk": "Asiakas jää ilman apua, jos yhteys pätkii; varakäynti sovitaan aina.",
                "purposes": ["wellbeing"],
                "tags": ["kotihoito", "digi", "ikäihmiset"],
                "design": _CONCURRENT,
                "arms": [("tavanomainen", "control"), ("etäkäynti", "treatment")],
                "metrics": [
                    {
                        "name": "sense_of_security",
                        "unit": "pistettä (1–5)",
                        "kind": "mean",
                        "description": "Asiakkaan turvallisuuden tunne, kuukausikysely",
                        "baseline": 4.1,
                        "baseline_sd": 0.8,
                        "minimum_effect": 0.2,
                    },
                    {
                        "name": "missed_medication",
                        "unit": "osuus käynneistä",
                        "kind": "proportion",
                        "role": "guardrail",
                        "direction": "lower_is_better",
                        "minimum_effect": 0.02,
                        "description": "Unohtunut lääkeannos käynnillä",
                    },
                ],
                "planned_start": _Date(2025, 3, 3),
                "planned_end": _Date(2025, 8, 31),
                "planned_cost_eur": 12000.0,
                "planned_effort_hours": 320.0,
            },
            start=_Date(2025, 3, 3),
            run=_oulu_video_visits,
            costs={"actual_cost_eur": 13400.0, "actual_effort_hours": 352.0},
            conclude={
                "verdict": "supported",
                "decision": "scale_up",
                "decided_on": _Date(2025, 9, 15),
                "we_believed": "että etäkäynnit parantavat turvallisuuden tunnetta, kun ajankohta joustaa",
                "we_observed": "turvallisuuden tunne oli etäkäyntiryhmässä noin puoli pistettä korkeampi; "
                "unohtuneita lääkeannoksia ei ollut merkittävästi enemmän",
                "we_learned": "asiakkaat arvostavat sitä, että hoitaja ehtii jutella kiireettä videolla",
                "therefore": "laajennamme etäkäynnit kaikkiin Oulun kotihoidon tiimeihin vuonna 2026",
            },
        ),
        _Spec(
            key="OULU-2025-002",
            fields={
                "title": "Takaisinsoitto jonottamisen sijaan",
                "summary": "Customer service offers a callback instead of waiting in the phone queue.",
                "organisation": "Oulu",
                "unit": "asiakaspalvelu",
                "owner": "Mikko Haapala",
                "we_believe": "että asiakkaan asia hoituu useammin ensimmäisellä yhteydenotolla, kun hän saa "
                "takaisinsoiton eikä joudu jonottamaan",
                "to_verify": "tarjoamme Oulu10-palvelunumerossa joka toisena arkipäivänä "
                "takaisinsoittoa jonottamisen sijaan",
                "and_measure": "ensimmäisellä yhteydenotolla ratkenneiden asioiden osuutta ja asiakastyytyväisyyttä",
                "right_if": "ensimmäisellä yhteydenotolla ratkenneiden osuus kasvaa vähintään 5 prosenttiyksikköä",
                "purposes": ["wellbeing", "vitality"],
                "tags": ["asiakaspalvelu", "puhelin"],
                "design": _CONCURRENT,
                "arms": [("jono", "control"), ("takaisinsoitto", "treatment")],
                "metrics": [
                    {
                        "name": "resolved_first_contact",
                        "unit": "osuus",
                        "kind": "proportion",
                        "baseline": 0.72,
                        "minimum_effect": 0.05,
                        "description": "Asia ratkesi ensimmäisellä yhteydenotolla",
                    },
                    {
                        "name": "satisfaction",
                        "unit": "pistettä (1–5)",
                        "kind": "mean",
                        "role": "secondary",
                        "minimum_effect": 0.2,
                    },
                ],
                "planned_start": _Date(2025, 9, 1),
                "planned_end": _Date(2025, 11, 14),
                "planned_cost_eur": 4500.0,
                "planned_effort_hours": 120.0,
            },
            start=_Date(2025, 9, 1),
            run=_oulu_callback,
            costs={"actual_cost_eur": 5200.0, "actual_effort_hours": 146.0},
            conclude={
                "verdict": "refuted",
                "decision": "stop",
                "decided_on": _Date(2025, 11, 28),
                "we_believed": "että takaisinsoitto lisää ensimmäisellä kerralla ratkeavia asioita",
                "we_observed": "ratkenneiden osuus pysyi ennallaan, noin kolmessa neljästä; ruuhkapäivinä "
                "takaisinsoitto siirtyi seuraavaan päivään",
                "we_learned": "jonon pituus ei ollut syy siihen, ettei asia ratkennut: puuttuva tieto oli",
                "therefore": "lopetamme takaisinsoittokokeilun ja kokeilemme seuraavaksi "
                "asiointiohjeita tekstiviestillä",
            },
        ),
        _Spec(
            key="OULU-2026-003",
            fields={
                "title": "Mobiililipun ostopolun lyhentäminen",
                "summary": "A shorter purchase flow for the mobile bus ticket, A/B tested on all sessions.",
                "organisation": "Oulu",
                "unit": "joukkoliikenne",
                "owner": "Sanna Rautio",
                "we_believe": "että useampi matkustaja saa lipun ostettua, kun maksusivulle pääsee kahdella "
                "napautuksella neljän sijaan",
                "to_verify": "ohjaamme puolet ostoistunnoista lyhyeen ostopolkuun satunnaisesti",
                "and_measure": "maksusivulle päässeistä istunnoista niiden osuutta, joissa lippu ostettiin",
                "right_if": "ostoon päättyvien istuntojen osuus kasvaa vähintään 0,5 prosenttiyksikköä",
                "purposes": ["vitality"],
                "tags": ["digi", "joukkoliikenne", "a/b"],
                "design": _CONCURRENT,
                "arms": [("nykyinen", "control"), ("lyhyt polku", "treatment")],
                "metrics": [
                    {
                        "name": "purchase_completed",
                        "unit": "osuus istunnoista",
                        "kind": "proportion",
                        "baseline": 0.81,
                        "minimum_effect": 0.005,
                        "description": "Istunto päättyi lipun ostoon",
                    },
                ],
                "planned_start": _Date(2026, 9, 14),
                "planned_end": _Date(2026, 12, 13),
                "planned_cost_eur": 9000.0,
                "planned_effort_hours": 160.0,
            },
            start=_Date(2026, 9, 14),
            run=_make_ticket_flow(event_rows),
        ),
        _Spec(
            key="OULU-2026-004",
            fields={
                "title": "Varhaiskasvatushakemuksen video-opastus",
                "summary": "A short video guide linked from the early childhood education application.",
                "organisation": "Oulu",
                "unit": "varhaiskasvatus",
                "owner": "Riikka Pesonen",
                "we_believe": "että perheet täyttävät varhaiskasvatushakemuksen kerralla oikein, kun lomakkeelta "
                "löytyy kahden minuutin opasvideo",
                "to_verify": "linkitämme opasvideon hakemuslomakkeelle helmikuun alusta",
                "and_measure": "ilman täydennyspyyntöä käsiteltyjen hakemusten osuutta",
                "right_if": "kerralla valmiiden hakemusten osuus kasvaa vähintään 10 prosenttiyksikköä",
                "purposes": ["wellbeing"],
                "tags": ["varhaiskasvatus", "digi"],
                "design": _BEFORE_AFTER,
                "arms": [("ennen", "before"), ("jälkeen", "after")],
                "metrics": [
                    {"name": "complete_application", "unit": "osuus", "kind": "proportion", "minimum_effect": 0.10}
                ],
                "planned_start": _Date(2026, 2, 2),
                "planned_end": _Date(2026, 5, 29),
                "planned_cost_eur": 3000.0,
                "planned_effort_hours": 80.0,
            },
            start=_Date(2026, 2, 2),
            run=_oulu_early_education,
            stop=(
                _Date(2026, 3, 16),
                "Hakemusjärjestelmän päivitys vaihtoi lomakkeen, eikä videolinkkiä saatu "
                "uuteen lomakkeeseen kevään aikana.",
            ),
            costs={"actual_cost_eur": 1850.0, "actual_effort_hours": 64.0},
        ),
        _Spec(
            key="KAJAANI-2025-001",
            fields={
                "title": "Omatoimikirjasto arki-iltaisin ja lauantaisin",
                "summary": "The main library opens without staff on weekday evenings and Saturdays.",
                "organisation": "Kajaani",
                "unit": "kirjasto",
                "owner": "Jari Heikkinen",
                "we_believe": "että työikäiset kajaanilaiset käyttävät kirjastoa enemmän, kun se on auki myös "
                "työpäivän jälkeen ilman henkilökuntaa",
                "to_verify": "avaamme pääkirjaston omatoimisena arkisin klo 17–21 ja lauantaisin klo 15–20",
                "and_measure": "työikäisten käyntejä viikossa porttilaskurista sekä kustannusta aukiolotuntia kohden",
                "right_if": "työikäisten käynnit viikossa kasvavat vähintään 10 %",
                "purposes": ["wellbeing", "vitality"],
                "tags": ["kirjasto", "aukioloajat"],
                "design": _BEFORE_AFTER,
                "arms": [("ennen", "before"), ("jälkeen", "after")],
                "metrics": [
                    {
                        "name": "working_age_visits",
                        "unit": "käyntiä / viikko",
                        "kind": "count",
                        "baseline": 900.0,
                        "minimum_effect": 0.10,
                        "effect_scale": "relative",
                        "description": "Työikäisten (18–64 v) käynnit porttilaskurin mukaan",
                    },
                    {
                        "name": "cost_per_opening_hour",
                        "unit": "€ / aukiolotunti",
                        "kind": "mean",
                        "role": "secondary",
                        "direction": "lower_is_better",
                        "impact": "activity_output",
                        "minimum_effect": 0.15,
                        "effect_scale": "relative",
                    },
                ],
                "planned_start": _Date(2025, 3, 31),
                "planned_end": _Date(2025, 6, 22),
                "planned_cost_eur": 18000.0,
                "planned_effort_hours": 240.0,
            },
            start=_Date(2025, 3, 31),
            run=_kajaani_self_service,
            costs={"actual_cost_eur": 16500.0, "actual_effort_hours": 262.0},
            conclude={
                "verdict": "supported",
                "decision": "scale_up",
                "decided_on": _Date(2025, 8, 20),
                "we_believed": "että omatoiminen aukiolo tuo työikäisiä kirjastoon",
                "we_observed": "työikäisten käynnit kasvoivat lähes viidenneksen "
                "ja aukiolotunnin hinta laski kolmanneksella",
                "we_learned": "ilta-aukiolo on tärkeämpää kuin palvelu tiskillä; PIN-koodin saaminen oli kynnys",
                "therefore": "teemme omatoimiaukiolosta pysyvän ja kokeilemme sitä Vuolijoen lähikirjastossa",
            },
        ),
        _Spec(
            key="KAJAANI-2026-002",
            fields={
                "title": "Aikuissosiaalityön ajanvaraus chatbotilla",
                "summary": "A chatbot books appointments in adult social work; counted bookings only.",
                "organisation": "Kajaani",
                "unit": "aikuissosiaalityö",
                "owner": "Laura Kinnunen",
                "we_believe": "että asiakkaat varaavat ajan mieluummin chatbotilla kuin puhelimella",
                "to_verify": "otamme chatbot-ajanvarauksen käyttöön verkkosivuilla lokakuussa",
                "and_measure": "chatbotilla tehtyjä ajanvarauksia viikossa",
                "right_if": "chatbotilla tehdään vähintään 40 varausta viikossa",
                "purposes": ["wellbeing"],
                "tags": ["digi", "sosiaalityö"],
                "design": "one_sample",
                "arms": [("chatbot", "group")],
                "metrics": [
                    {
                        "name": "chatbot_bookings",
                        "unit": "varausta / viikko",
                        "kind": "count",
                        "impact": "activity_output",
                        "baseline": 35.0,
                        "minimum_effect": 5.0,
                    }
                ],
                "planned_start": _Date(2026, 10, 5),
                "planned_end": _Date(2026, 12, 18),
                "planned_cost_eur": 7500.0,
                "planned_effort_hours": 90.0,
            },
            start=_Date(2026, 10, 5),
            run=_kajaani_chatbot,
        ),
        _Spec(
            key="KAJAANI-2026-003",
            fields={
                "title": "Nuorisotila auki sunnuntai-iltaisin",
                "summary": "Two youth centres open on Sunday evenings; one stays closed for comparison.",
                "organisation": "Kajaani",
                "unit": "nuorisopalvelut",
                "owner": "Tuomas Karjalainen",
                "we_believe": "että nuorilla on turvallinen paikka viettää sunnuntai-iltaa, kun nuorisotila on auki",
                "to_verify": "avaamme Lehtikankaan ja Kätönlahden nuorisotilat sunnuntaisin klo 17–21",
                "and_measure": "niiden nuorten osuutta, jotka kertovat kyselyssä tietävänsä turvallisen paikan "
                "sunnuntai-illalle",
                "right_if": "osuus on vähintään 10 prosenttiyksikköä suurempi kuin Keskustan nuorisotilan nuorilla",
                "purposes": ["wellbeing", "democracy"],
                "tags": ["nuoret"],
                "design": _CONCURRENT,
                "arms": [("keskusta", "control"), ("sunnuntai auki", "treatment")],
                "metrics": [
                    {"name": "safe_place_sunday", "unit": "osuus", "kind": "proportion", "minimum_effect": 0.10}
                ],
                "planned_start": _Date(2026, 12, 6),
                "planned_end": _Date(2027, 3, 28),
                "planned_cost_eur": 6800.0,
                "planned_effort_hours": 210.0,
            },
        ),
        _Spec(
            key="KAJAANI-2025-004",
            fields={
                "title": "Lääkeannostelurobotit kotihoidon asiakkaille",
                "summary": "Medication dispensing robots at home; stopped when the devices did not arrive.",
                "organisation": "Kajaani",
                "unit": "kotihoito",
                "owner": "Minna Heikkinen",
                "we_believe": "että lääkeannostelurobotti vähentää unohtuneita lääkeannoksia",
                "to_verify": "asennamme robotin 30 asiakkaalle, joilla on säännöllinen lääkitys",
                "and_measure": "unohtuneita annoksia asiakaskuukautta kohden",
                "right_if": "unohtuneet annokset vähenevät vähintään 30 %",
                "purposes": ["wellbeing"],
                "tags": ["kotihoito", "robotiikka"],
                "design": _CONCURRENT,
                "arms": [("tavanomainen", "control"), ("robotti", "treatment")],
                "metrics": [
                    {
                        "name": "missed_doses",
                        "unit": "annosta / asiakaskuukausi",
                        "kind": "count",
                        "direction": "lower_is_better",
                        "minimum_effect": 0.30,
                        "effect_scale": "relative",
                    }
                ],
                "planned_start": _Date(2025, 4, 7),
                "planned_end": _Date(2025, 10, 31),
                "planned_cost_eur": 22000.0,
                "planned_effort_hours": 300.0,
            },
            start=_Date(2025, 4, 7),
            run=_kajaani_dose_robots,
            stop=(
                _Date(2025, 6, 10),
                "Laitetoimittaja ei saanut toimitettua kuin kuusi robottia; vertailuun "
                "ei saada riittävästi asiakkaita tänä vuonna.",
            ),
            costs={"actual_cost_eur": 4200.0, "actual_effort_hours": 95.0},
        ),
        _Spec(
            key="II-2025-001",
            fields={
                "title": "Työpolkuvalmentaja työttömille nuorille",
                "summary": "A personal job-path coach for unemployed young people in Ii; a small sample.",
                "organisation": "Ii",
                "unit": "nuorisopalvelut",
                "owner": "Heikki Väyrynen",
                "we_believe": "että henkilökohtainen työpolkuvalmentaja auttaa työttömän nuoren "
                "töihin tai koulutukseen",
                "to_verify": "tarjoamme valmentajan puolelle kevään aikana ohjaukseen tulleista alle 29-vuotiaista",
                "and_measure": "työssä tai koulutuksessa olevien osuutta kuusi kuukautta ohjauksen alusta",
                "right_if": "osuus on vähintään 15 prosenttiyksikköä suurempi kuin tavanomaisessa ohjauksessa",
                "purposes": ["wellbeing", "vitality"],
                "tags": ["nuoret", "työllisyys"],
                "design": _CONCURRENT,
                "arms": [("tavanomainen ohjaus", "control"), ("työpolkuvalmentaja", "treatment")],
                "metrics": [
                    {
                        "name": "employed_or_training_6m",
                        "unit": "osuus",
                        "kind": "proportion",
                        "baseline": 0.40,
                        "minimum_effect": 0.15,
                        "description": "Työssä tai koulutuksessa 6 kk kuluttua",
                    }
                ],
                "planned_start": _Date(2025, 1, 13),
                "planned_end": _Date(2025, 10, 17),
                "planned_cost_eur": 24000.0,
                "planned_effort_hours": 700.0,
            },
            start=_Date(2025, 1, 13),
            run=_ii_job_path,
            costs={"actual_cost_eur": 25200.0, "actual_effort_hours": 724.0},
            conclude={
                "verdict": "inconclusive",
                "decision": "adapt",
                "decided_on": _Date(2025, 10, 31),
                "we_believed": "että valmentaja lisää työllistymistä",
                "we_observed": "valmennetuista useampi oli töissä tai koulutuksessa, mutta 36 nuoren joukossa ero "
                "voi olla sattumaa",
                "we_learned": "Iin kokoisessa kunnassa yksi kevät ei tuo riittävästi nuoria luotettavaan vertailuun",
                "therefore": "jatkamme valmennusta ja kokeilemme sitä yhdessä Oulunkaaren kuntien kanssa",
            },
        ),
        _Spec(
            key="II-2025-002",
            fields={
                "title": "Ikäihmisten digitukiryhmät kirjastossa",
                "summary": "Small-group digital support for older residents at the Ii library.",
                "organisation": "Ii",
                "unit": "kirjasto",
                "owner": "Elina Tervo",
                "we_believe": "että ikäihmiset oppivat asioimaan verkossa itsenäisesti pienryhmässä vertaisen tuella",
                "to_verify": "järjestämme kirjastossa neljän kerran digitukiryhmiä syksyn aikana",
                "and_measure": "niiden osallistujien osuutta, jotka tekevät kurssin lopussa Omakanta-tehtävän itse",
                "right_if": "osuus on vähintään 15 prosenttiyksikköä suurempi kuin aiemmin mitattu 35 %",
                "purposes": ["wellbeing", "democracy"],
                "tags": ["ikäihmiset", "digituki", "kirjasto"],
                "design": "one_sample",
                "arms": [("digitukiryhmä", "group")],
                "metrics": [
                    {
                        "name": "independent_eservice_use",
                        "unit": "osuus",
                        "kind": "proportion",
                        "baseline": 0.35,
                        "minimum_effect": 0.15,
                    }
                ],
                "planned_start": _Date(2025, 9, 29),
                "planned_end": _Date(2025, 12, 12),
                "planned_cost_eur": 3500.0,
                "planned_effort_hours": 150.0,
            },
            start=_Date(2025, 9, 29),
            run=_ii_digital_support,
            costs={"actual_cost_eur": 3100.0, "actual_effort_hours": 164.0},
            conclude={
                "verdict": "supported",
                "decision": "scale_up",
                "decided_on": _Date(2026, 1, 23),
                "we_believed": "että pienryhmä vertaisen kanssa opettaa itsenäistä asiointia",
                "we_observed": "noin kaksi kolmesta osallistujasta teki tehtävän itse kurssin lopussa",
                "we_learned": "vertaisohjaaja ja oma laite ovat tärkeämpiä kuin kurssin pituus",
                "therefore": "vakiinnutamme ryhmät ja jaamme mallin Kuusamolle ja Kajaanille",
            },
        ),
        _Spec(
            key="II-2026-003",
            fields={
                "title": "Kuntalaisraati talousarvion valmistelussa",
                "summary": "A randomly drawn citizens' panel prepares proposals for the 2027 budget.",
                "organisation": "Ii",
                "unit": "kuntakehitys",
                "owner": "Antti Pesälä",
                "we_believe": "että asukkaiden luottamus kunnan päätöksentekoon kasvaa, kun arvottu kuntalaisraati "
                "valmistelee talousarvioesityksiä",
                "to_verify": "kokoamme 24 hengen raadin, joka kokoontuu kuusi kertaa keväällä",
                "and_measure": "luottamusta päätöksentekoon asukaskyselyssä (1–5) ennen ja jälkeen",
                "right_if": "luottamus kasvaa vähintään 0,3 pistettä",
                "purposes": ["democracy"],
                "tags": ["osallisuus", "talousarvio"],
                "design": _BEFORE_AFTER,
                "arms": [("ennen", "before"), ("jälkeen", "after")],
                "metrics": [
                    {
                        "name": "trust_in_decisions",
                        "unit": "pistettä (1–5)",
                        "kind": "mean",
                        "baseline": 3.0,
                        "minimum_effect": 0.3,
                    }
                ],
                "planned_start": _Date(2026, 2, 2),
                "planned_end": _Date(2026, 5, 29),
                "planned_cost_eur": 6000.0,
                "planned_effort_hours": 260.0,
            },
            start=_Date(2026, 2, 2),
            run=_ii_citizens_panel,
            costs={"actual_cost_eur": 6900.0, "actual_effort_hours": 285.0},
            conclude={
                "verdict": "refuted",
                "decision": "adapt",
                "decided_on": _Date(2026, 6, 15),
                "we_believed": "että kuntalaisraati lisää luottamusta päätöksentekoon",
                "we_observed": "luottamus ei juuri muuttunut; moni vastaaja ei tiennyt raadista",
                "we_learned": "raati vaikuttaa osallistujiin, mutta muut asukkaat eivät kuule siitä",
                "therefore": "kokeilemme raatia uudelleen niin, että sen työ näkyy "
                "kylätilaisuuksissa ja Iijokiseudussa",
            },
        ),
        _Spec(
            key="KUUSAMO-2026-001",
            fields={
                "title": "Rakennuslupien chat-neuvonta ennen hakemusta",
                "summary": "Chat advice from the building inspection before the permit application is filed.",
                "organisation": "Kuusamo",
                "unit": "rakennusvalvonta",
                "owner": "Petri Kuukasjärvi",
                "we_believe": "että lupahakemukset ovat useammin kerralla valmiita, kun hakija saa neuvoa chatissa "
                "ennen hakemuksen jättämistä",
                "to_verify": "avaamme Lupapiste-palvelun rinnalle chat-neuvonnan maaliskuun alusta",
                "and_measure": "ensimmäisellä jättökerralla valmiiden hakemusten osuutta ja odotusaikaa päätökseen",
                "right_if": "kerralla valmiiden osuus kasvaa vähintään 10 prosenttiyksikköä eikä odotusaika pitene",
                "data_seen": "kyllä: edellisen syksyn hakemustilasto on nähty, kevään hakemuksia ei",
                "purposes": ["vitality"],
                "tags": ["luvat", "chat", "neuvonta"],
                "design": _BEFORE_AFTER,
                "arms": [("ennen", "before"), ("jälkeen", "after")],
                "metrics": [
                    {
                        "name": "complete_first_submission",
                        "unit": "osuus",
                        "kind": "proportion",
                        "baseline": 0.52,
                        "minimum_effect": 0.10,
                    },
                    {
                        "name": "wait_days",
                        "unit": "päivää",
                        "kind": "mean",
                        "role": "secondary",
                        "direction": "lower_is_better",
                        "minimum_effect": 7.0,
                    },
                ],
                "planned_start": _Date(2026, 3, 2),
                "planned_end": _Date(2026, 12, 31),
                "planned_cost_eur": 5200.0,
                "planned_effort_hours": 180.0,
            },
            start=_Date(2026, 3, 2),
            run=_kuusamo_chat,
        ),
        _Spec(
            key="KUUSAMO-2025-002",
            fields={
                "title": "Etäfysioterapia kylien ikäihmisille",
                "summary": "Remote physiotherapy for older people living in the villages, against clinic visits.",
                "organisation": "Kuusamo",
                "unit": "kuntoutus",
                "owner": "Kaisa Niskanen",
                "we_believe": "että etäfysioterapia ylläpitää kylillä asuvien ikäihmisten toimintakykyä yhtä hyvin tai "
                "paremmin kuin vastaanotolla käynnit, koska harjoittelu on säännöllisempää",
                "to_verify": "tarjoamme 12 viikon etäfysioterapian Rukan ja Käylän suunnan asiakkaille",
                "and_measure": "SPPB-testin muutosta 12 viikon aikana",
                "right_if": "SPPB-pisteet paranevat vähintään yhden pisteen enemmän kuin vastaanottoryhmässä",
                "purposes": ["wellbeing"],
                "tags": ["kuntoutus", "etäpalvelu", "ikäihmiset"],
                "design": _CONCURRENT,
                "arms": [("vastaanotto", "control"), ("etäfysioterapia", "treatment")],
                "metrics": [
                    {
                        "name": "sppb_change",
                        "unit": "pistettä (0–12)",
                        "kind": "mean",
                        "baseline": 0.5,
                        "baseline_sd": 1.8,
                        "minimum_effect": 1.0,
                    }
                ],
                "planned_start": _Date(2025, 5, 5),
                "planned_end": _Date(2025, 11, 28),
                "planned_cost_eur": 8800.0,
                "planned_effort_hours": 260.0,
            },
            start=_Date(2025, 5, 5),
            run=_kuusamo_remote_physio,
            costs={"actual_cost_eur": 9400.0, "actual_effort_hours": 241.0},
            conclude={
                "verdict": "inconclusive",
                "decision": "adapt",
                "decided_on": _Date(2025, 12, 12),
                "we_believed": "että etäfysioterapia parantaa toimintakykyä enemmän kuin vastaanottokäynnit",
                "we_observed": "etäryhmän SPPB parani hieman enemmän, mutta epävarmuus on suuri",
                "we_learned": "asiakkaat säästivät 60–120 km ajomatkan käyntiä kohden; "
                "mittaus tarvitsee isomman joukon",
                "therefore": "jatkamme etäfysioterapiaa ja mittaamme uudelleen yhdessä Posion kanssa",
            },
        ),
        _Spec(
            key="KUUSAMO-2026-003",
            fields={
                "title": "Koulukyytien myöhästymisistä tekstiviesti huoltajille",
                "summary": "Guardians get a text message when a school taxi or bus is late.",
                "organisation": "Kuusamo",
                "unit": "sivistyspalvelut",
                "owner": "Jaana Määttä",
                "we_believe": "että huoltajat tietävät koulukyydin myöhästymisestä ajoissa, kun kuljettaja ilmoittaa "
                "siitä sovelluksella ja huoltaja saa tekstiviestin",
                "to_verify": "otamme ilmoitukset käyttöön kuudella koulureitillä tammikuusta",
                "and_measure": "niiden huoltajien osuutta, jotka kertovat saaneensa tiedon ajoissa",
                "right_if": "osuus kasvaa vähintään 20 prosenttiyksikköä",
                "purposes": ["wellbeing"],
                "tags": ["koulukyydit", "viestintä"],
                "design": _BEFORE_AFTER,
                "arms": [("ennen", "before"), ("jälkeen", "after")],
                "metrics": [
                    {"name": "informed_in_time", "unit": "osuus", "kind": "proportion", "minimum_effect": 0.20}
                ],
                "planned_start": _Date(2027, 1, 7),
                "planned_end": _Date(2027, 4, 30),
                "planned_cost_eur": 2500.0,
                "planned_effort_hours": 70.0,
            },
        ),
    ]


def _uuid(rng: _Rng) -> str:
    return str(uuid.UUID(bytes=rng.bytes(16), version=4))


def fill_demo(tracker: Tracker, *, seed: int = DEFAULT_SEED, event_rows: int = DEFAULT_EVENT_ROWS) -> list[str]:
    """Writes the demo experiments into an open, empty tracker; returns their keys in order."""
    given: Any = event_rows  # checked at run time: callers may pass anything
    if isinstance(given, bool) or not isinstance(given, (int, np.integer)) or int(given) < 2:
        raise ValueError(f"event_rows: must be a whole number of at least 2, got {event_rows!r}")
    if tracker.experiments():
        raise ValueError(f"tracker: {tracker.path!r} already holds experiments; the demo needs an empty tracker")
    specs = _specs(int(event_rows))
    # One independent stream per experiment and one for the identities, all from the seed: the
    # size of the event stream, or another experiment's data, never changes an experiment's data.
    streams = np.random.SeedSequence(seed).spawn(len(specs) + 1)
    id_rng = np.random.default_rng(streams[-1])
    keys: list[str] = []
    for spec, stream in zip(specs, streams[:-1], strict=True):
        e = tracker.create(key=spec.key, uuid=_uuid(id_rng), **spec.fields)
        if spec.start is not None:
            tracker.start(e, on=spec.start)
            if spec.run is not None:
                spec.run(tracker, e.key, np.random.default_rng(stream))
        if spec.costs:
            tracker.update(e, **spec.costs)
        if spec.stop is not None:
            tracker.stop(e, spec.stop[1], on=spec.stop[0], author=spec.fields.get("owner", ""))
        if spec.conclude is not None:
            outcome = dict(spec.conclude)
            tracker.conclude(e, outcome.pop("verdict"), **outcome)
        keys.append(e.key)
    return keys


def _remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{suffix}")
        if candidate.exists():
            candidate.unlink()


def create_demo(
    path: str | os.PathLike[str],
    *,
    seed: int = DEFAULT_SEED,
    event_rows: int = DEFAULT_EVENT_ROWS,
    overwrite: bool = False,
) -> list[str]:
    """Creates the demo tracker file at ``path`` and returns the keys of its experiments.

    Fourteen experiments in Oulu, Kajaani, Ii and Kuusamo, from drafts to concluded ones; one of
    them (``OULU-2026-003``, the mobile ticket purchase flow) is an event stream of ``event_rows``
    sessions. The same ``seed`` gives the same experiments and observations every time.

    An existing non-empty file is refused unless ``overwrite`` is true, which replaces it.
    """
    target = Path(os.fspath(path))
    if str(target) == ":memory:":
        raise ValueError("path: the demo is written to a file; use fill_demo() with an open tracker for ':memory:'")
    if target.exists() and target.stat().st_size > 0:
        if not overwrite:
            raise FileExistsError(f"path: {str(target)!r} exists and is not empty; pass overwrite=True to replace it")
        _remove(target)
    elif target.exists():
        _remove(target)
    with open(target) as tracker:
        return fill_demo(tracker, seed=seed, event_rows=event_rows)


def _main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - a convenience for `python -m`
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kokeilu.demo", description=create_demo.__doc__)
    parser.add_argument("path", nargs="?", default="kokeilu-demo.db")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--event-rows", type=int, default=DEFAULT_EVENT_ROWS)
    parser.add_argument("--overwrite", action="store_true")
    args = parser.parse_args(argv)
    keys = create_demo(args.path, seed=args.seed, event_rows=args.event_rows, overwrite=args.overwrite)
    print(f"{len(keys)} experiments in {args.path}: {', '.join(keys)}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main())
