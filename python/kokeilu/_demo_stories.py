"""The demo's experiments as stories: for each, the data it logs, the amendments and notes after its
start (see kokeilu.demo). Every random number comes from the generator given to each story."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._tracker import Tracker

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
