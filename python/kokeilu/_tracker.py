"""The Python face of the tracker: keyword arguments in, experiments and DataFrames out."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any, Union

from . import _core
from ._checks import NOT_UTF8, check_text, invalid, invalid_as, is_utf8
from ._history import Verification, history_frame, voids_frame, warn_if_differs
from ._tracker_follow_ups import FollowUps
from ._tracker_logging import ExperimentRef, ObservationLogging, TimeLike, _key

from ._core import (
    Aggregate,
    Arm,
    ArmRole,
    DesignKind,
    Experiment,
    ExperimentLink,
    JournalEntry,
    LearningCard,
    LinkKind,
    Metric,
    Observation,
    Outcome,
    Purpose,
    Status,
    TestCard,
)

# numpy, pandas, the column conversions and the statistics are imported by the methods that use
# them: opening a tracker and writing one value (the ``kokeilu log`` of scripts) never need them.
if TYPE_CHECKING:
    from . import bundle as _bundle
    import numpy as np
    import pandas as pd

    from . import stats as _stats
    from ._columns import ObservationArrays
    from ._stats_meta import MetaAnalysis

__all__ = ["Tracker", "open"]

#: What kokeilu accepts for a calendar date.
DateLike = Union[datetime.date, "np.datetime64", str]

_TEST_CARD_PARTS = ("we_believe", "to_verify", "and_measure", "right_if", "data_seen")
_PLAIN_FIELDS = (
    "key",
    "uuid",
    "title",
    "summary",
    "organisation",
    "unit",
    "owner",
    "risk",
    "planned_start",
    "planned_end",
    "planned_cost_eur",
    "actual_cost_eur",
    "planned_effort_hours",
    "actual_effort_hours",
    "design",
)
_METRIC_FIELDS = (
    "name",
    "label",
    "unit",
    "description",
    "kind",
    "role",
    "direction",
    "impact",
    "baseline",
    "baseline_sd",
    "minimum_effect",
    "effect_scale",
    "confidence",
    "valid_min",
    "valid_max",
    "covariate",
)
_ARM_FIELDS = ("name", "role", "description", "share")
#: Every keyword that Tracker.create and Tracker.amend accept.
EXPERIMENT_FIELDS = (*_PLAIN_FIELDS, *_TEST_CARD_PARTS, "test_card", "metrics", "arms", "purposes", "tags", "links")


def _set(target: object, field: str, name: str, value: Any) -> None:
    """setattr that names the field in errors: `field` is the caller's name for target.name."""
    try:
        setattr(target, name, value)
    except _core.InvalidArgumentError as error:
        invalid_as(field, error)
    except TypeError:
        # A str that is no valid Unicode (a lone surrogate, e.g. from undecodable bytes) cannot
        # become UTF-8: that is the problem to name, not the type.
        if isinstance(value, str) and not is_utf8(value):
            invalid(field, NOT_UTF8)
        raise TypeError(f"{field}: {type(value).__name__} is not accepted here") from None


def _same_name(a: str, b: str) -> bool:
    """Names as the core compares them (NFC, ignoring case), after the trimming it does."""
    return is_utf8(a) and is_utf8(b) and _core.same_name(a.strip(), b.strip())


def _copy_fields(target: Any, source: Any, fields: tuple[str, ...]) -> None:
    for name in fields:
        setattr(target, name, getattr(source, name))


def _metric(item: Any, index: int, existing: list[Metric]) -> Metric:
    if isinstance(item, Metric):
        given = item
        name = item.name
    elif isinstance(item, Mapping):
        name = str(item.get("name", ""))
        base = next((m for m in existing if name and _same_name(m.name, name)), None)
        given = Metric() if base is None else base.__copy__()
        for field, value in item.items():
            if field not in _METRIC_FIELDS:
                raise TypeError(f"metrics[{index}]: unknown field {field!r}; known: {', '.join(_METRIC_FIELDS)}")
            _set(given, f"metrics[{name or index}].{field}", field, value)
    else:
        raise TypeError(f"metrics[{index}]: expected a Metric or a dict, got {type(item).__name__}")
    # Keep the store's id of a metric of the same name, so that a change is an update, not a
    # delete and insert (which would lose its observations).
    base = next((m for m in existing if name and _same_name(m.name, name)), None)
    if base is None:
        return given.__copy__()
    merged = base.__copy__()
    _copy_fields(merged, given, _METRIC_FIELDS)
    return merged


def _arm(item: Any, index: int, existing: list[Arm]) -> Arm:
    if isinstance(item, Arm):
        given = item
    elif isinstance(item, str):
        given = Arm(item, item) if item in ArmRole.__members__ else Arm(item, ArmRole.treatment)
    elif isinstance(item, tuple):
        try:
            given = Arm(*item)
        except _core.InvalidArgumentError as error:
            invalid_as(f"arms[{index}].{error.field}", error)
    elif isinstance(item, Mapping):
        # Fields left out keep their values when the dict names an existing arm, as for metrics.
        name = str(item.get("name", ""))
        base = next((a for a in existing if name and _same_name(a.name, name)), None)
        given = Arm() if base is None else base.__copy__()
        for field, value in item.items():
            if field not in _ARM_FIELDS:
                raise TypeError(f"arms[{index}]: unknown field {field!r}; known: {', '.join(_ARM_FIELDS)}")
            _set(given, f"arms[{name or index}].{field}", field, value)
    else:
        raise TypeError(f"arms[{index}]: expected an Arm, a name, a (name, role) tuple or a dict")
    base = next((a for a in existing if given.name and _same_name(a.name, given.name)), None)
    if base is None:
        return given.__copy__()
    merged = base.__copy__()
    _copy_fields(merged, given, _ARM_FIELDS)
    return merged


def _arms(value: Any, existing: list[Arm]) -> list[Arm]:
    if isinstance(value, Mapping):
        # {"control": "control", "video visits": "treatment"}, or with more than the role:
        # {"control": "control", "video visits": {"role": "treatment", "share": 2}}
        items: list[Any] = [
            {"name": name, **fields} if isinstance(fields, Mapping) else (name, fields) for name, fields in value.items()
        ]
    elif isinstance(value, (Arm, str)):
        items = [value]
    else:
        items = list(value)
    return [_arm(item, i, existing) for i, item in enumerate(items)]


def _metrics(value: Any, existing: list[Metric]) -> list[Metric]:
    items = [value] if isinstance(value, (Metric, Mapping)) else list(value)
    return [_metric(item, i, existing) for i, item in enumerate(items)]


def _other(experiment: ExperimentRef) -> str:
    """The experiment a link names: an Experiment by its UUID, which holds in every tracker."""
    return experiment.uuid if isinstance(experiment, Experiment) else _key(experiment)


def _links(value: Any) -> list[ExperimentLink]:
    """Links as ExperimentLink, (kind, uuid) pairs or {"kind": ..., "of": ...} mappings."""
    links = []
    for index, item in enumerate(value):
        if isinstance(item, ExperimentLink):
            links.append(item)
            continue
        kind, of = (item.get("kind"), item.get("of")) if isinstance(item, Mapping) else tuple(item)
        link = ExperimentLink(LinkKind.replication, "")
        _set(link, f"links[{index}].kind", "kind", kind)
        _set(link, f"links[{index}].of", "of", of)
        links.append(link)
    return links


def _test_card(value: Any) -> TestCard:
    if isinstance(value, TestCard):
        return value
    if isinstance(value, Mapping):
        card = TestCard()
        for part, text in value.items():
            if part not in _TEST_CARD_PARTS:
                raise TypeError(f"test_card: unknown part {part!r}; known: {', '.join(_TEST_CARD_PARTS)}")
            _set(card, f"test_card.{part}", part, text)
        return card
    raise TypeError(f"test_card: expected a TestCard or a dict, got {type(value).__name__}")


def apply_changes(experiment: Experiment, changes: Mapping[str, Any]) -> None:
    """Applies keyword changes to an experiment in place (the rules of Tracker.create)."""
    for name, value in changes.items():
        if name in _TEST_CARD_PARTS:
            card = experiment.test_card
            _set(card, f"test_card.{name}", name, value)
            experiment.test_card = card
        elif name == "test_card":
            experiment.test_card = _test_card(value)
        elif name == "metrics":
            experiment.metrics = _metrics(value, experiment.metrics)
        elif name == "arms":
            experiment.arms = _arms(value, experiment.arms)
        elif name == "purposes":
            purposes = [value] if isinstance(value, (str, Purpose)) else list(value)
            _set(experiment, "purposes", "purposes", purposes)
        elif name == "tags":
            _set(experiment, "tags", "tags", [value] if isinstance(value, str) else list(value))
        elif name == "links":
            experiment.links = _links(value)
        elif name in _PLAIN_FIELDS:
            _set(experiment, name, name, value)
        else:
            raise TypeError(f"unknown experiment field {name!r}; known: {', '.join(EXPERIMENT_FIELDS)}")


def _learning_card(value: Any) -> LearningCard:
    if isinstance(value, LearningCard):
        return value
    if isinstance(value, Mapping):
        return LearningCard(**value)
    raise TypeError(f"learning: expected a LearningCard or a dict, got {type(value).__name__}")


def _name(value: Any) -> str:
    return "" if value is None else str(getattr(value, "name", value))


_FRAME_COLUMNS = (
    "key",
    "title",
    "organisation",
    "unit",
    "owner",
    "status",
    "design",
    "purposes",
    "tags",
    "primary_metric",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "planned_cost_eur",
    "actual_cost_eur",
    "planned_effort_hours",
    "actual_effort_hours",
    "verdict",
    "amended_verdict",
    "judged_against",
    "decision",
    "amended_after_start",
    "days_started_before_lock",
    "uuid",
    "created_at",
    "updated_at",
)


def experiments_to_frame(experiments: Iterable[Experiment]) -> pd.DataFrame:
    """One row per experiment, one column per summary field (see Tracker.experiments_frame)."""
    import pandas as pd

    rows = []
    for e in experiments:
        primary = next((m.name for m in e.metrics if m.role.name == "primary"), "")
        outcome = e.outcome
        rows.append(
            {
                "key": e.key,
                "title": e.title,
                "organisation": e.organisation,
                "unit": e.unit,
                "owner": e.owner,
                "status": e.status.name,
                "design": e.design.name,
                "purposes": ", ".join(p.name for p in e.purposes),
                "tags": ", ".join(e.tags),
                "primary_metric": primary,
                "planned_start": e.planned_start,
                "planned_end": e.planned_end,
                "actual_start": e.actual_start,
                "actual_end": e.actual_end,
                "planned_cost_eur": e.planned_cost_eur,
                "actual_cost_eur": e.actual_cost_eur,
                "planned_effort_hours": e.planned_effort_hours,
                "actual_effort_hours": e.actual_effort_hours,
                "verdict": None if outcome is None else outcome.verdict.name,
                "amended_verdict": None
                if outcome is None or outcome.amended_verdict is None
                else outcome.amended_verdict.name,
                "judged_against": None if outcome is None else outcome.judged_against.name,
                "decision": None if outcome is None else outcome.decision.name,
                "amended_after_start": e.amended_after_start,
                "days_started_before_lock": e.days_started_before_lock,
                "uuid": e.uuid,
                "created_at": e.created_at,
                "updated_at": e.updated_at,
            }
        )
    frame: pd.DataFrame = pd.DataFrame(rows, columns=list(_FRAME_COLUMNS))
    for column in ("key", "title", "organisation", "unit", "owner", "purposes", "tags", "primary_metric", "uuid"):
        frame[column] = frame[column].astype("str")
    frame["status"] = pd.Categorical(frame["status"], categories=list(Status.__members__))
    frame["design"] = pd.Categorical(frame["design"], categories=list(DesignKind.__members__))
    frame["verdict"] = pd.Categorical(frame["verdict"], categories=list(_core.Verdict.__members__))
    frame["amended_verdict"] = pd.Categorical(frame["amended_verdict"], categories=list(_core.Verdict.__members__))
    frame["judged_against"] = pd.Categorical(frame["judged_against"], categories=list(_core.Criterion.__members__))
    frame["days_started_before_lock"] = frame["days_started_before_lock"].astype("Int64")
    frame["decision"] = pd.Categorical(frame["decision"], categories=list(_core.Decision.__members__))
    for column in ("planned_start", "planned_end", "actual_start", "actual_end"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    for column in ("planned_cost_eur", "actual_cost_eur", "planned_effort_hours", "actual_effort_hours"):
        frame[column] = frame[column].astype("float64")
    frame["amended_after_start"] = frame["amended_after_start"].astype("bool")
    for column in ("created_at", "updated_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True).astype("datetime64[us, UTC]")
    return frame


class Tracker(ObservationLogging, FollowUps):
    """A kokeilu tracker over one SQLite file (or ``":memory:"``).

    Get one with :func:`kokeilu.open`; use it as a context manager to close the file at the end.
    Every method that takes an experiment accepts its key, its UUID or the Experiment object.
    """

    def __init__(self, core: _core.Tracker) -> None:
        """Wraps an opened core tracker; use :func:`kokeilu.open` instead."""
        self._core = core

    # -- the file ---------------------------------------------------------------------------

    @property
    def path(self) -> str:
        """The path the tracker was opened with."""
        return self._core.path

    @property
    def time_zone(self) -> str:
        """The IANA name of the tracker's time zone (``"Europe/Helsinki"`` unless set).

        A calendar day (``start(on=...)``, an experiment's first day) is that day in this zone;
        stored times stay UTC, and a naive ``datetime`` given to the API is still UTC.
        """
        return self._core.time_zone

    def set_time_zone(self, name: str) -> None:
        """Sets the tracker's time zone by its IANA name (``"Europe/Stockholm"``).

        Refused with InvalidStateError once any experiment of the file has started, since it
        would move the first day of its window; an unknown name raises InvalidArgumentError
        naming ``time_zone``.
        """
        self._core.set_time_zone(name)

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._core.closed

    def close(self) -> None:
        """Closes the file. Later calls raise InvalidStateError. Closing twice is harmless."""
        self._core.close()

    def __enter__(self) -> Tracker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<kokeilu.Tracker {self.path!r} {'closed' if self.closed else 'open'}>"

    # -- experiments ------------------------------------------------------------------------

    def create(self, experiment: Experiment | None = None, /, **fields: Any) -> Experiment:
        """Creates a draft experiment and returns it as stored (with its key and UUID).

        Keyword arguments: ``title``, ``summary``, ``organisation``, ``unit``, ``owner``, ``risk``,
        the Test Card as ``we_believe``, ``to_verify``, ``and_measure``, ``right_if`` and the
        optional ``data_seen`` (the answer to "has any of the data been seen already?"), or whole
        as ``test_card``; ``metrics`` (Metric objects or dicts of their fields), ``arms`` (Arm
        objects, ``(name, role)`` tuples, dicts of their fields, or a dict ``{name: role}`` or
        ``{name: {"role": role, "share": 2}}``; an arm's ``share`` is its planned share of the
        units in a concurrent design, a weight, equal for all when left out), ``design``,
        ``purposes``, ``tags``, ``planned_start``, ``planned_end``, ``planned_cost_eur``,
        ``planned_effort_hours``, ``key`` and ``uuid`` (generated when not given). Enumerations
        may be given by name (``design="before_after"``).

        With a ``key`` that is already stored the call is a repeat (a notebook cell run again): the
        stored experiment is returned and nothing is written when its content is the same, and an
        InvalidArgumentError names the fields that differ when it is not.
        """
        draft = Experiment() if experiment is None else experiment.__copy__()
        apply_changes(draft, fields)
        return self._core.create(draft)

    def get(self, experiment: ExperimentRef) -> Experiment:
        """The experiment of that key or UUID; NotFoundError (a KeyError) when there is none."""
        return self._core.get(_key(experiment))

    def experiments(
        self,
        *,
        status: Status | str | None = None,
        organisation: str = "",
        unit: str = "",
        tag: str = "",
        purpose: Purpose | str | None = None,
        since: DateLike | None = None,
        until: DateLike | None = None,
        text: str = "",
    ) -> list[Experiment]:
        """Experiments that pass every filter given, ordered by key.

        ``organisation`` and ``unit`` match exactly (ignoring case), ``tag`` is one tag,
        ``since``/``until`` select experiments whose period overlaps those dates, and ``text`` is a
        case-insensitive substring of the title, summary or Test Card.
        """
        return self._core.list(
            status=status,
            organisation=organisation,
            unit=unit,
            tag=tag,
            purpose=purpose,
            since=since,
            until=until,
            text=text,
        )

    def experiments_frame(
        self,
        *,
        status: Status | str | None = None,
        organisation: str = "",
        unit: str = "",
        tag: str = "",
        purpose: Purpose | str | None = None,
        since: DateLike | None = None,
        until: DateLike | None = None,
        text: str = "",
    ) -> pd.DataFrame:
        """The experiments of :meth:`experiments` as a DataFrame, one row each."""
        return experiments_to_frame(
            self.experiments(
                status=status,
                organisation=organisation,
                unit=unit,
                tag=tag,
                purpose=purpose,
                since=since,
                until=until,
                text=text,
            )
        )

    def search(
        self,
        text: str = "",
        *,
        purpose: Purpose | str | None = None,
        unit: str = "",
        metric: str = "",
        organisation: str = "",
        verdict: _core.Verdict | str | None = None,
        decision: _core.Decision | str | None = None,
        status: Status | str | None = None,
        imported: bool | None = None,
    ) -> pd.DataFrame:
        """The learning library: every experiment, own and imported, that meets every criterion given,
        one row each (columns in ``kokeilu._library.LIBRARY_COLUMNS``; no rows when none matches).

        ``text`` is words, each found as the beginning of a word anywhere in the experiment (its key,
        title, summary, organisation, unit, owner, tags, purposes, Test Card, metric names and labels,
        Learning Card, verdict and decision): "kirjasto" finds "kirjastossa"; ä, ö and å are letters
        of their own. Quotes and operators in it are searched for like any text. With text the best
        match comes first, else the order is by key. ``unit``, ``metric`` (a metric's name) and
        ``organisation`` match exactly, ignoring case; ``verdict`` is the judgement the team chose;
        ``imported`` True keeps only copies imported from other trackers, False only this tracker's own.
        """
        from ._library import library_frame

        for value, field in ((text, "text"), (unit, "unit"), (metric, "metric"), (organisation, "organisation")):
            check_text(value, field)
        try:
            found = self._core.search(
                text,
                purpose=purpose,
                unit=unit,
                metric=metric,
                organisation=organisation,
                verdict=verdict,
                decision=decision,
                status=status,
                imported=imported,
            )
        except _core.InvalidArgumentError as error:
            # The core's parser names an experiment's field ("purposes"); the argument is "purpose".
            if error.field == "purposes":
                invalid_as("purpose", error)
            raise
        return library_frame(found)

    def update(self, experiment: ExperimentRef, **changes: Any) -> Experiment:
        """Changes fields of an experiment (the keywords of :meth:`create`) and saves it.

        For a draft anything may change. Once started, the Test Card, design, arms and metrics are
        locked: change them with :meth:`amend`, which records the reason.
        """
        return self.amend(experiment, "", **changes)

    def amend(self, experiment: ExperimentRef, reason: str, /, *, author: str = "", **changes: Any) -> Experiment:
        """Changes fields of an experiment with a reason, and saves it.

        After the start, each change to a locked part (Test Card, design, arms, metrics) is
        recorded as an Amendment with this reason. ``metrics`` and ``arms`` replace the lists; an
        item naming an existing metric or arm keeps its identity (and its observations), and a
        dict naming one changes only the keys it gives.
        """
        current = self.get(experiment)
        apply_changes(current, changes)
        return self._core.update(current, reason, author)

    def delete(self, experiment: ExperimentRef) -> None:
        """Deletes a draft. A started experiment is never deleted: void wrong observations instead."""
        self._core.delete_draft(_key(experiment))

    def save(self, experiment: Experiment, reason: str = "", *, author: str = "") -> Experiment:
        """Saves an experiment that was got from this tracker and edited."""
        return self._core.update(experiment, reason, author)

    def start(self, experiment: ExperimentRef, on: DateLike | None = None) -> Experiment:
        """Starts a draft (default today in the tracker's time zone) and locks its Test Card and success criteria."""
        return self._core.start(_key(experiment), on)

    def stop(
        self, experiment: ExperimentRef, reason: str, *, on: DateLike | None = None, author: str = ""
    ) -> Experiment:
        """Stops a draft or running experiment early; the reason also goes to the journal."""
        return self._core.stop(_key(experiment), reason, on, author)

    def conclude(
        self,
        experiment: ExperimentRef,
        verdict: _core.Verdict | str,
        *,
        decision: _core.Decision | str,
        we_believed: str = "",
        we_observed: str = "",
        we_learned: str = "",
        therefore: str = "",
        learning: LearningCard | Mapping[str, str] | None = None,
        decided_on: DateLike | None = None,
        amended_verdict: _core.Verdict | str | None = None,
        judged_against: _core.Criterion | str = "locked",
        follow_up_months: Iterable[int] | None = None,
    ) -> Experiment:
        """Concludes a running experiment with its verdict, Learning Card and decision.

        ``verdict`` is judged against the criterion locked at the start. When the success criterion
        was amended after the start (``Experiment.criterion_changes``), ``amended_verdict`` records
        the exploratory judgement against the amended one, and ``judged_against`` which of the two
        the team stands by ("locked", the default, or "amended"). The Learning Card is given by its
        four parts, or whole as ``learning``. ``decided_on`` defaults to today (UTC).
        ``follow_up_months`` are the months after the decision at which to measure again whether
        the change lasted (:meth:`due`, :meth:`follow_up`): by default 3, 6 and 12 for
        ``decision="scale_up"`` and none otherwise; ``[]`` schedules none.
        """
        card = (
            LearningCard(we_believed, we_observed, we_learned, therefore)
            if learning is None
            else _learning_card(learning)
        )
        outcome = Outcome(
            verdict=verdict,
            learning=card,
            decision=decision,
            decided_on=decided_on,
            amended_verdict=amended_verdict,
            judged_against=judged_against,
            follow_up_months=None if follow_up_months is None else list(follow_up_months),
        )
        return self._core.conclude(_key(experiment), outcome)

    def link(self, experiment: ExperimentRef, kind: LinkKind | str, of: ExperimentRef) -> Experiment:
        """Links the experiment to another as a ``replication``, ``adaptation`` or ``follow_up`` of it.

        ``of`` is an experiment of this tracker (object, key or UUID) or the UUID of one elsewhere,
        for example another municipality's, not imported. The link is an update, kept in the
        history; it is not part of the pre-registration, so a running or concluded experiment can
        be linked too. Linking again as the same kind changes nothing.
        """
        return self._core.link(_key(experiment), kind, _other(of))

    def unlink(self, experiment: ExperimentRef, of: ExperimentRef) -> Experiment:
        """Removes the experiment's link to another (object, key or UUID)."""
        return self._core.unlink(_key(experiment), _other(of))

    def replications(self, experiment: ExperimentRef, metric: str | None = None) -> pd.DataFrame:
        """The experiment's replications: one row per experiment linked to it as a replication,
        both ways and transitively (itself first), then the adaptations and follow-ups beside and
        links to experiments not held here, with each one's effect on ``metric`` (by name; the
        primary metric by default) as :meth:`analyze` gives it and whether it is pooled, with the
        reason when not (docs/sharing.md). Columns: ``key``, ``uuid``, ``organisation``,
        ``imported``, ``relation``, ``status``, ``metric``, ``arm``, ``reference``,
        ``n_reference``, ``n_arm``, ``estimate``, ``std_error``, ``ci_low``, ``ci_high``,
        ``verdict``, ``pooled``, ``reason_code``, ``reason``."""
        from ._replications import replications

        return replications(self, experiment, metric).frame

    def meta_analysis(
        self, experiment: ExperimentRef, metric: str | None = None, method: str = "reml", alpha: float = 0.05
    ) -> MetaAnalysis:
        """The random-effects meta-analysis (:func:`kokeilu.stats.meta_analysis`) of the pooled
        rows of :meth:`replications`, labelled by organisation and key; InvalidArgumentError
        ("experiment") with fewer than two to pool."""
        from ._replications import replications

        return replications(self, experiment, metric).meta_analysis(method=method, alpha=alpha)

    def note(
        self, experiment: ExperimentRef, text: str, *, author: str = "", at: TimeLike | None = None
    ) -> JournalEntry:
        """Adds a journal note (default time: now)."""
        return self._core.add_note(_key(experiment), text, author, at)

    def journal(self, experiment: ExperimentRef) -> list[JournalEntry]:
        """The journal notes, oldest first."""
        return self._core.journal(_key(experiment))

    # -- reading observations (writing them: ObservationLogging) ----------------------------

    def observation_arrays(
        self,
        experiment: ExperimentRef,
        *,
        metric: str = "",
        arms: Iterable[str] | None = None,
        since: TimeLike | None = None,
        until: TimeLike | None = None,
    ) -> ObservationArrays:
        """Observations of one metric (default: primary) as numpy arrays, in time order.

        ``arms`` limits to those arms; ``since`` is inclusive and ``until`` exclusive.
        """
        from ._columns import ObservationArrays

        return ObservationArrays.from_core(self._core_observations(experiment, metric, arms, since, until))

    def _core_observations(
        self,
        experiment: ExperimentRef,
        metric: str,
        arms: Iterable[str] | None,
        since: TimeLike | None,
        until: TimeLike | None,
        include_voided: bool = False,
    ) -> dict[str, Any]:
        """The core's columns of observation_arrays and observations."""
        return self._core.observations(
            _key(experiment),
            metric=metric,
            arms=[] if arms is None else [arms] if isinstance(arms, str) else list(arms),
            since=since,
            until=until,
            include_voided=include_voided,
        )

    def observations(
        self,
        experiment: ExperimentRef,
        *,
        metric: str = "",
        arms: Iterable[str] | None = None,
        since: TimeLike | None = None,
        until: TimeLike | None = None,
        include_voided: bool = False,
    ) -> pd.DataFrame:
        """Observations of one metric (default: primary) as a DataFrame, in time order.

        Columns: ``id``, ``at`` (tz-aware UTC), ``arm`` (categorical over the experiment's arms),
        ``value`` (NaN on pre-aggregated rows), ``n``, ``sum``, ``sum_sq`` (0 and NaN on unit-level
        rows), ``exposure``, ``subject``, ``note``. Voided rows are left out; with
        ``include_voided`` they are read too, and a boolean column ``voided`` says which they are.
        """
        import numpy as np

        from ._columns import observations_frame

        columns = self._core_observations(experiment, metric, arms, since, until, include_voided)
        frame = observations_frame(columns)
        if include_voided:
            frame["voided"] = np.asarray(columns["voided"], dtype=bool)
        return frame

    # -- corrections and the history ---------------------------------------------------------

    def void(
        self,
        experiment: ExperimentRef,
        *,
        ids: Iterable[int] | None = None,
        batch: int | None = None,
        reason: str,
        author: str = "",
    ) -> _core.VoidRecord:
        """Voids observations, by their ``ids`` or every row of one ``batch`` (one write), with a
        ``reason`` and an ``author``.

        Nothing is deleted: voided rows stay in the file and in the history (:meth:`voids`,
        ``observations(include_voided=True)``), and every summary, scan and analysis leaves them
        out from then on. Rows voided before are refused with an error that says when and why.
        """
        import numpy as np

        id_list = [] if ids is None else [int(i) for i in ([ids] if isinstance(ids, (int, np.integer)) else ids)]
        return self._core.void_observations(
            _key(experiment), ids=id_list, batch=0 if batch is None else int(batch), reason=reason, author=author
        )

    def voids(self, experiment: ExperimentRef) -> pd.DataFrame:
        """The voided observations: one row each, with ``void``, ``observation_id``, ``at``,
        ``batch`` (0 when voided by id), ``reason`` and ``author``."""
        return voids_frame(self._core.voids(_key(experiment)))

    def history(self, experiment: ExperimentRef | None = None) -> pd.DataFrame:
        """The history (of one experiment, or of the whole file), oldest first: one row per entry
        with its ``index``, ``at``, ``kind``, ``experiment``, the batch of a write (``batch``,
        ``rows``, ids, ``content_sha256``, ``idempotency_key``), the ``payload`` and ``leaf_hash``."""
        entries = self._core.history(None if experiment is None else _key(experiment))
        keys = {e.uuid: e.key for e in self._core.list()}
        return history_frame(entries, keys)

    # -- sharing ----------------------------------------------------------------------------

    def export_bundle(
        self,
        experiments: ExperimentRef | Iterable[ExperimentRef],
        path: str | os.PathLike[str],
        *,
        level: str = "aggregate",
        min_cell_size: int = 5,
        journal: bool = False,
        notes: bool = False,
        exporter: str = "",
        recipient: str = "",
        secrets_dir: str | os.PathLike[str] | None = None,
    ) -> _bundle.ExportSummary:
        """Writes experiments to a bundle file another municipality can import (docs/sharing.md).

        ``level``: ``cards`` (the Test and Learning Cards and verdicts, no data), ``aggregate``
        (per arm and week, the number of units and their sums; cells of fewer than
        ``min_cell_size`` units suppressed) or ``units`` (rows, subjects pseudonymised under the
        organisation's secret kept in ``secrets_dir``). ``journal`` adds the journal, ``notes``
        the rows' free-text notes. The ledger beside the secret records what ``recipient`` has
        received, so that a later export to them cannot be differenced against this one.
        """
        from . import bundle

        chosen = [experiments] if isinstance(experiments, (str, Experiment)) else list(experiments)
        return bundle.export_bundle(
            self, chosen, path, level=level, min_cell_size=min_cell_size, journal=journal, notes=notes,
            exporter=exporter, recipient=recipient, secrets_dir=secrets_dir,
        )

    def import_bundle(self, path: str | os.PathLike[str]) -> _bundle.ImportSummary:
        """Reads a bundle, checks all of it, and merges its experiments by UUID in one transaction:
        new ones become read-only copies, the same bundle again changes nothing, a newer state from
        the same tracker replaces the copy, and a conflict is reported, never written over."""
        from . import bundle

        return bundle.import_bundle(self, path)

    def checkpoint(self) -> str:
        """The log's current checkpoint, one line to write down or send: give it to
        ``verify(since=...)`` later to prove that the log only grew since."""
        return str(self._core.checkpoint())

    def verify(self, *, since: str | None = None) -> Verification:
        """Recomputes the history and checks everything stored against it: the chain of entries,
        each experiment's fields (the Test Card against its lock hash), the journal, every batch of
        observations against its SHA-256, the voids, and the running summaries against the rows.
        Reads every row once. ``since``, a checkpoint taken earlier, also proves that the log
        only grew since then (a checkpoint of another file is refused)."""
        return Verification.from_core(self._core.verify(since))

    def check(self, experiment: ExperimentRef) -> list[_core.VerificationProblem]:
        """The quick check of one experiment that :meth:`analyze` makes (a few look-ups at any
        size): its stored record against the history's latest one, field by field (the Test Card
        against its lock hash), and rows added to the file outside kokeilu. A value edited in
        place, a row deleted and a rewritten history are found only by :meth:`verify`."""
        return self._core.quick_check(_key(experiment))

    def count_observations(self, experiment: ExperimentRef) -> int:
        """Number of observations of the experiment, over all its metrics."""
        return self._core.count_observations(_key(experiment))

    # -- analysis ---------------------------------------------------------------------------

    def summaries(
        self, experiment: ExperimentRef, *, until: TimeLike | None = None
    ) -> dict[str, dict[str, _stats.Summary]]:
        """Summaries of every metric in every arm (``{metric: {arm: Summary}}``), one pass each.

        ``until`` (exclusive) analyses the data as it stood at that time.
        """
        return self._core.summaries(_key(experiment), until)

    def analyze(
        self,
        experiment: ExperimentRef,
        *,
        until: TimeLike | None = None,
        srm_threshold: float = 0.001,
        small_sample: int = 30,
        power: float = 0.8,
        check: bool = True,
        period: str = "day",
    ) -> _stats.Analysis:
        """Analyses the whole experiment: every metric, the verdict and the warnings.

        The verdict is judged against the criterion as locked at the start; when the success
        criterion was amended since, ``.amended_verdict`` adds the exploratory judgement against the
        amended one. Returns a :class:`kokeilu.Analysis` (``.comparisons`` and ``.summaries``
        DataFrames, ``.verdict``, ``.amended_verdict``, ``.warnings``, ``.sample_ratio``,
        ``.planned_per_group``). ``until``
        (exclusive) analyses the data as it stood then; ``srm_threshold`` is the p-value below
        which a sample-ratio mismatch is reported; below ``small_sample`` observations per arm a
        warning suggests the resampling methods; ``power`` is used for the planned sample size.
        With ``check`` (the default) an :class:`kokeilu.IntegrityWarning` says when the experiment
        differs from its history (see :meth:`check`). ``period`` ("day" or "week": seven days from
        the change's day) groups the series of a difference in differences or a time series.
        """
        from . import stats as _stats
        from ._design_analysis import analyse

        e = self.get(experiment)
        if check:
            warn_if_differs(e.key, self._core.quick_check(e.key))
        summaries = self.summaries(e, until=until)
        options = {"srm_threshold": srm_threshold, "small_sample": small_sample, "power": power}
        return _stats.Analysis(e, analyse(self._core, e, summaries, until, period, options), summaries)

    def cumulative_effect(
        self,
        experiment: ExperimentRef,
        *,
        freq: str = "D",
        metric: str = "",
        arm: str = "",
        confidence: float | None = None,
        tuning_n: float | None = None,
    ) -> pd.DataFrame:
        """The always-valid interval of a metric's effect (default: the primary) as data accumulated.

        One row per period of ``freq`` ("day", "week" Monday to Sunday, "month", "hour", or a pandas
        alias of either generation: "D", "W", "M", "ME", "MS", "h", "2D") that has data:
        ``at`` (the start of the period, UTC), ``estimate``, ``ci_low``, ``ci_high`` (all data up to
        the end of the period; NaN while an arm has too little), ``n_control``, ``n_treatment``.
        The interval is the mixture SPRT of :func:`kokeilu.stats.sequential`, valid at every look;
        ``tuning_n`` defaults to the planned total sample (or 5000 when the metric cannot be
        planned). ``arm`` picks the treatment (or after) arm; the default is the first. Concurrent
        and before/after designs only.
        """
        import numpy as np
        import pandas as pd

        from . import stats as _stats
        from ._periods import period_alias

        e = self.get(experiment)
        m = e.metric(metric) if metric else e.primary_metric
        reference = next((a.name for a in e.arms if a.role in (ArmRole.control, ArmRole.before)), None)
        treated = [a.name for a in e.arms if a.role in (ArmRole.treatment, ArmRole.after)]
        if reference is None or not treated:
            invalid("design", "input.cumulative_needs_arms")
        chosen = arm or treated[0]
        if chosen not in treated:
            invalid("arm", "input.not_a_treatment_arm", arm=repr(chosen), arms=", ".join(treated))
        if tuning_n is None:
            tuning_n = _stats.plan_tuning_n(m, e.design) or 5000.0
        a = self.observation_arrays(e, metric=m.name)
        periods = pd.PeriodIndex(pd.DatetimeIndex(a.at), freq=period_alias(freq))
        kind = _core.EffectKind.relative if m.effect_scale == _core.EffectScale.relative else _core.EffectKind.absolute
        columns = _core.cumulative_effect(
            periods.asi8, a.arm_codes, a.value, a.n, a.sum, a.sum_sq, a.exposure,
            treatment=a.arm_names.index(chosen), control=a.arm_names.index(reference),
            binary=m.kind == _core.MetricKind.proportion,
            confidence=m.confidence if confidence is None else confidence,
            tuning_n=tuning_n, kind=kind,
        )
        ordinals = periods.asi8
        first_rows = np.searchsorted(ordinals, columns["period"])
        starts = periods[first_rows].to_timestamp()
        frame: pd.DataFrame = pd.DataFrame(
            {
                "at": pd.DatetimeIndex(starts).tz_localize("UTC").astype("datetime64[us, UTC]"),
                "estimate": columns["estimate"],
                "ci_low": columns["ci_low"],
                "ci_high": columns["ci_high"],
                "n_control": columns["n_control"],
                "n_treatment": columns["n_treatment"],
            }
        )
        return frame


def open(  # noqa: A001 - kokeilu.open reads like the built-in on purpose
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    busy_timeout_ms: int = 300_000,
    on_wait: Callable[[], object] | None = None,
) -> Tracker:
    """Opens a tracker file, creating it when missing; ``":memory:"`` gives a private one.

    The default path is ``kokeilut.db`` in the current directory, the same file the ``kokeilu``
    command uses. ``read_only`` opens an existing file without ever writing to it.

    A write waits up to ``busy_timeout_ms`` (default five minutes) for another process's write to
    finish (a bulk write of millions of rows holds the file for seconds); ``on_wait()`` is called
    once a wait has lasted a second and a half, e.g. to tell the user why nothing happens.
    """
    target = _core.default_tracker_path if path is None else os.fspath(path)
    return Tracker(
        _core.Tracker.open(target, read_only=read_only, busy_timeout_ms=busy_timeout_ms, on_wait=on_wait)
    )
