"""The demo's sharing story: Kajaani, Ii and Kuusamo each keep a tracker file of their own beside
the home file (Oulu's, which also keeps the earlier demo experiments of all four), and bundles
travel between them (see kokeilu.demo and docs/sharing.md).

One change, a text message reminding a client of a dental appointment two days before it, is run
first in Oulu and then replicated in Kajaani and Kuusamo, with the same customer-impact metric
(the share of appointments kept) and effects and sizes of their own:

1. Oulu concludes its experiment (``OULU-2026-005``: supported, scale up, about four months
   before the demo's last data) and sends its cards to Kajaani and Kuusamo and its weekly sums
   (``aggregate``) to Ii.
2. Kajaani and Kuusamo import the cards and run the replication, linked to Oulu's as a
   ``replication``; Ii plans an adaptation (a draft linked as an ``adaptation``).
3. Kajaani sends its replication back at ``aggregate`` level, Kuusamo at ``units`` level; Oulu
   imports both, and Kajaani's bundle a second time, which changes nothing.

Every random number comes from a generator spawned from the seed apart from the home file's, so
the earlier demo experiments are the same with or without this story.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ._demo_stories import _arm_labels, _bernoulli, _Date, _Rng, _times
from ._tracker import Tracker, open

#: The other municipalities' files, named after the home file: kokeilut.db → kokeilut.kajaani.db.
OTHER_MUNICIPALITIES = ("kajaani", "ii", "kuusamo")
#: The experiment run in Oulu and replicated in Kajaani and Kuusamo.
REPLICATED_KEY = "OULU-2026-005"


def municipality_path(home: Path, municipality: str) -> Path:
    """The file of ``municipality`` beside the home file ``home``."""
    return home.with_name(f"{home.stem}.{municipality}{home.suffix or '.db'}")


def bundles_path(home: Path) -> Path:
    """The folder of the bundles the demo sends, beside the home file (and the exporters'
    secrets and ledgers, in its ``secrets`` folder)."""
    return home.with_name(f"{home.stem}.bundles")


def demo_paths(home: Path) -> list[Path]:
    """Every file and folder the sharing story writes beside the home file."""
    return [municipality_path(home, m) for m in OTHER_MUNICIPALITIES] + [bundles_path(home)]


def remove_story(home: Path) -> None:
    """Removes what an earlier run of the story wrote beside ``home``."""
    for path in demo_paths(home):
        if path.is_dir():
            shutil.rmtree(path)
        else:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


@dataclass(frozen=True)
class _Replication:
    """One municipality's run of the reminder: where, when, how many appointments, how many kept."""

    key: str
    organisation: str
    unit: str
    owner: str
    first: _Date
    last: _Date
    appointments: int  # an arm
    kept: tuple[float, float]  # the shares of appointments kept without and with the reminder
    decided_on: _Date
    observed: str
    learned: str
    therefore: str


# The Learning Card's observation, with the shares as this seed's data gives them.
_OBSERVED = "muistutuksen saaneista {treatment} % tuli vastaanotolle, ilman muistutusta {control} %"

_OULU = _Replication(
    REPLICATED_KEY, "Oulu", "suun terveydenhuolto", "Riikka Pesonen", _Date(2026, 3, 2), _Date(2026, 5, 29), 900,
    (0.880, 0.925), _Date(2026, 7, 20),
    _OBSERVED,
    "peruutukset tulevat nyt ajoissa, ja vapautuneet ajat saadaan täytettyä jonosta",
    "otamme muistutuksen käyttöön kaikissa Oulun hammashoitoloissa elokuusta",
)
_KAJAANI = _Replication(
    "KAJAANI-2026-005", "Kajaani", "suun terveydenhuolto", "Laura Kinnunen", _Date(2026, 8, 17), _Date(2026, 10, 30),
    520, (0.860, 0.895), _Date(2026, 11, 13),
    _OBSERVED,
    "vaikutus on Oulua pienempi; moni asiakas tuli jo ennestään paperikutsun perusteella",
    "jatkamme muistutusta ja lisäämme siihen peruutuslinkin",
)
_KUUSAMO = _Replication(
    "KUUSAMO-2026-004", "Kuusamo", "suun terveydenhuolto", "Jaana Määttä", _Date(2026, 8, 24), _Date(2026, 11, 6),
    310, (0.895, 0.950), _Date(2026, 11, 16),
    _OBSERVED,
    "pitkien ajomatkojen vuoksi unohtunut käynti maksaa asiakkaalle ja hoitolalle eniten",
    "muistutus käyttöön koko kunnassa; kokeilemme myös iltapäivän muistutusta",
)


def _fields(r: _Replication, *, replication: bool) -> dict[str, Any]:
    where = "Oulun" if not replication else f"Oulun kokeilun mukaisesti {r.organisation}"
    return {
        "title": "Tekstiviestimuistutus hammashoitolan vastaanottoajasta",
        "summary": "Clients get a text message two days before a dental appointment.",
        "organisation": r.organisation,
        "unit": r.unit,
        "owner": r.owner,
        "we_believe": "että asiakas tulee varatulle hammashoitoajalle tai peruu sen ajoissa useammin, kun hän "
        "saa tekstiviestimuistutuksen kaksi päivää ennen käyntiä",
        "to_verify": f"lähetämme {where} hammashoitoloissa muistutuksen joka toiselle asiakkaalle "
        "arvonnan perusteella",
        "and_measure": "niiden vastaanottoaikojen osuutta, joille asiakas tuli",
        "right_if": "osuus kasvaa vähintään 3 prosenttiyksikköä",
        "purposes": ["wellbeing"],
        "tags": ["suun terveydenhuolto", "tekstiviesti", "replikointi" if replication else "muistutus"],
        "design": "concurrent",
        "arms": [("ei muistutusta", "control"), ("tekstiviesti", "treatment")],
        "metrics": [
            {
                "name": "appointment_kept",
                "unit": "share",
                "kind": "proportion",
                "baseline": r.kept[0],
                "minimum_effect": 0.03,
                "description": "Asiakas tuli varatulle vastaanottoajalle",
            }
        ],
        "planned_start": r.first,
        "planned_end": r.last,
        "planned_cost_eur": 1500.0 if replication else 4000.0,
        "planned_effort_hours": 40.0 if replication else 110.0,
    }


def _run(tracker: Tracker, r: _Replication, uuid: str, rng: _Rng, links: list[tuple[str, str]]) -> str:
    from .demo import _FixedTimeline

    e = tracker.create(key=r.key, uuid=uuid, links=links, **_fields(r, replication=bool(links)))
    tracker.start(e, on=r.first)
    n = r.appointments
    kept = np.concatenate([_bernoulli(rng, n, r.kept[0]), _bernoulli(rng, n, r.kept[1])])
    at = np.concatenate([_times(rng, r.first, r.last, n), _times(rng, r.first, r.last, n)])
    _FixedTimeline(tracker._core).log_many(e, kept, arm=_arm_labels(["ei muistutusta", "tekstiviesti"], [n, n]), at=at)
    verdict = tracker.analyze(e).verdict.verdict
    observed = r.observed.format(control=round(100 * kept[:n].mean()), treatment=round(100 * kept[n:].mean()))
    tracker.conclude(
        e, verdict, decision="scale_up" if verdict == "supported" else "adapt", decided_on=r.decided_on,
        we_believed="että tekstiviestimuistutus vähentää käyttämättä jääviä vastaanottoaikoja",
        we_observed=observed, we_learned=r.learned, therefore=r.therefore,
    )
    return e.key


def _ii_adaptation(tracker: Tracker, uuid: str) -> str:
    e = tracker.create(
        key="II-2027-004", uuid=uuid,
        title="Tekstiviestimuistutus neuvolan terveystarkastuksesta",
        summary="Oulu's dental reminder, adapted to child health clinic check-ups.",
        organisation="Ii", unit="neuvola", owner="Heikki Väyrynen",
        we_believe="että perheet tulevat neuvolan määräaikaistarkastukseen useammin, kun he saavat "
        "tekstiviestimuistutuksen kaksi päivää ennen",
        to_verify="lähetämme muistutuksen joka toiselle perheelle arvonnan perusteella keväällä 2027",
        and_measure="niiden tarkastusaikojen osuutta, joille perhe tuli",
        right_if="osuus kasvaa vähintään 3 prosenttiyksikköä",
        purposes=["wellbeing"], tags=["neuvola", "tekstiviesti"], design="concurrent",
        arms=[("ei muistutusta", "control"), ("tekstiviesti", "treatment")],
        metrics=[{"name": "appointment_kept", "unit": "share", "kind": "proportion", "minimum_effect": 0.03}],
        planned_start=_Date(2027, 2, 1), planned_end=_Date(2027, 5, 28),
        planned_cost_eur=900.0, planned_effort_hours=30.0,
        links=[("adaptation", tracker.get(REPLICATED_KEY).uuid)],
    )
    return e.key


@dataclass(frozen=True)
class Story:
    """What the sharing story wrote: the files, the bundles and what each import did."""

    home: Path
    files: dict[str, Path]
    bundles: dict[str, Path]
    imports: list[tuple[str, str, str, tuple[tuple[str, str], ...]]]  # (into, bundle, level, ((key, action),))
    home_keys: list[str]


def _import(tracker: Tracker, into: str, path: Path, level: str, log: list[Any]) -> None:
    result = tracker.import_bundle(path)
    log.append((into, path.name, level, tuple((e.key, e.action.name) for e in result.experiments)))


def tell_story(home: Path, seed: int) -> Story:
    """Writes the story into the home file (which holds the earlier demo experiments) and the
    other municipalities' new files beside it; returns what it wrote."""
    from .demo import _uuid

    streams = np.random.SeedSequence([seed, 5]).spawn(4)
    ids = np.random.default_rng(streams[-1])
    uuids = [_uuid(ids) for _ in range(4)]
    files = {m: municipality_path(home, m) for m in OTHER_MUNICIPALITIES}
    folder = bundles_path(home)
    folder.mkdir()
    secrets = folder / "secrets"
    bundles = {
        "oulu_cards": folder / "oulu-2026-005.cards.kokeilu",
        "oulu_aggregate": folder / "oulu-2026-005.aggregate.kokeilu",
        "kajaani_aggregate": folder / "kajaani-2026-005.aggregate.kokeilu",
        "kuusamo_units": folder / "kuusamo-2026-004.units.kokeilu",
    }
    log: list[Any] = []
    with open(home) as oulu:
        keys = [_run(oulu, _OULU, uuids[0], np.random.default_rng(streams[0]), [])]
        oulu.export_bundle(REPLICATED_KEY, bundles["oulu_cards"], level="cards", exporter=_OULU.owner,
                           secrets_dir=secrets)
        oulu.export_bundle(REPLICATED_KEY, bundles["oulu_aggregate"], level="aggregate", exporter=_OULU.owner,
                           recipient="Ii", secrets_dir=secrets)
    for name, r, uuid, stream, level in (
        ("kajaani", _KAJAANI, uuids[1], streams[1], "aggregate"),
        ("kuusamo", _KUUSAMO, uuids[2], streams[2], "units"),
    ):
        with open(files[name]) as tracker:
            _import(tracker, r.organisation, bundles["oulu_cards"], "cards", log)
            # The link names Oulu's experiment by its UUID, read from the copy the cards made.
            original = tracker.get(REPLICATED_KEY).uuid
            _run(tracker, r, uuid, np.random.default_rng(stream), [("replication", original)])
            tracker.export_bundle(r.key, bundles[f"{name}_{level}"], level=level, exporter=r.owner,
                                  recipient="Oulu", secrets_dir=secrets)
    with open(files["ii"]) as ii:
        _import(ii, "Ii", bundles["oulu_aggregate"], "aggregate", log)
        _ii_adaptation(ii, uuids[3])
    with open(home) as oulu:
        _import(oulu, "Oulu", bundles["kajaani_aggregate"], "aggregate", log)
        _import(oulu, "Oulu", bundles["kuusamo_units"], "units", log)
        # A bundle that arrives twice (mailed again, say) changes nothing.
        _import(oulu, "Oulu", bundles["kajaani_aggregate"], "aggregate", log)
    return Story(home, files, bundles, log, keys)


def refuse_existing(home: Path) -> None:
    """Refuses when a file or folder the story writes is already there (unless it is replaced)."""
    for path in demo_paths(home):
        if path.exists() and (path.is_dir() or path.stat().st_size > 0):
            raise FileExistsError(f"path: {str(path)!r} exists and is not empty; pass overwrite=True to replace it")

