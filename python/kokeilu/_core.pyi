# Type stubs of the compiled module kokeilu._core (bindings/register_*.cpp). Keep in step with the
# bindings: tests/python/test_stubs.py checks that every name here exists in the module.
import builtins
import datetime
import enum
from typing import Any, final

import numpy as np
import numpy.typing as npt

# What the type casters accept for a date and for a time (pandas.Timestamp is a datetime).
_DateLike = datetime.date | np.datetime64 | str
_TimeLike = datetime.datetime | datetime.date | np.datetime64 | str

default_tracker_path: str

class KokeiluError(Exception): ...
class NotFoundError(KokeiluError, KeyError): ...

class InvalidArgumentError(KokeiluError, ValueError):
    field: str

class InvalidStateError(KokeiluError): ...

class StorageError(KokeiluError):
    sqlite_code: int

class SchemaError(KokeiluError): ...

class Status(enum.Enum):
    draft = 0
    running = 1
    stopped = 2
    concluded = 3

class Purpose(enum.Enum):
    wellbeing = 0
    vitality = 1
    democracy = 2

class DesignKind(enum.Enum):
    concurrent = 0
    before_after = 1
    one_sample = 2

class ArmRole(enum.Enum):
    control = 0
    treatment = 1
    before = 2
    after = 3
    group = 4

class MetricKind(enum.Enum):
    mean = 0
    proportion = 1
    count = 2

class MetricRole(enum.Enum):
    primary = 0
    secondary = 1
    guardrail = 2

class Direction(enum.Enum):
    higher_is_better = 0
    lower_is_better = 1

class ImpactClass(enum.Enum):
    customer_outcome = 0
    activity_output = 1

class EffectScale(enum.Enum):
    absolute = 0
    relative = 1

class Verdict(enum.Enum):
    supported = 0
    refuted = 1
    inconclusive = 2

class Decision(enum.Enum):
    scale_up = 0
    adapt = 1
    stop = 2

def unix_micros(time: _TimeLike) -> int: ...
def from_unix_micros(micros: int) -> datetime.datetime: ...
def now() -> datetime.datetime: ...
def today() -> datetime.date: ...
def parse_time(text: str, field: str = "time") -> datetime.datetime: ...
def parse_date(text: str, field: str = "date") -> datetime.date: ...

class TestCard:
    __test__: bool
    we_believe: str
    to_verify: str
    and_measure: str
    right_if: str
    def __init__(self, we_believe: str = "", to_verify: str = "", and_measure: str = "", right_if: str = "") -> None: ...
    def __copy__(self) -> TestCard: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> TestCard: ...

class LearningCard:
    we_believed: str
    we_observed: str
    we_learned: str
    therefore: str
    def __init__(
        self, we_believed: str = "", we_observed: str = "", we_learned: str = "", therefore: str = ""
    ) -> None: ...
    def __copy__(self) -> LearningCard: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> LearningCard: ...

class Outcome:
    learning: LearningCard
    decided_on: datetime.date | None
    @property
    def verdict(self) -> Verdict: ...
    @verdict.setter
    def verdict(self, value: Verdict | str) -> None: ...
    @property
    def decision(self) -> Decision: ...
    @decision.setter
    def decision(self, value: Decision | str) -> None: ...
    def __init__(
        self,
        verdict: Verdict | str = ...,
        learning: LearningCard = ...,
        decision: Decision | str = ...,
        decided_on: _DateLike | None = None,
    ) -> None: ...
    def __copy__(self) -> Outcome: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> Outcome: ...

class Arm:
    @property
    def id(self) -> int: ...
    name: str
    description: str
    @property
    def role(self) -> ArmRole: ...
    @role.setter
    def role(self, value: ArmRole | str) -> None: ...
    def __init__(self, name: str = "", role: ArmRole | str = ..., description: str = "") -> None: ...
    def __copy__(self) -> Arm: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> Arm: ...

class Metric:
    @property
    def id(self) -> int: ...
    name: str
    unit: str
    description: str
    baseline: float | None
    baseline_sd: float | None
    minimum_effect: float
    confidence: float
    @property
    def kind(self) -> MetricKind: ...
    @kind.setter
    def kind(self, value: MetricKind | str) -> None: ...
    @property
    def role(self) -> MetricRole: ...
    @role.setter
    def role(self, value: MetricRole | str) -> None: ...
    @property
    def direction(self) -> Direction: ...
    @direction.setter
    def direction(self, value: Direction | str) -> None: ...
    @property
    def impact(self) -> ImpactClass: ...
    @impact.setter
    def impact(self, value: ImpactClass | str) -> None: ...
    @property
    def effect_scale(self) -> EffectScale: ...
    @effect_scale.setter
    def effect_scale(self, value: EffectScale | str) -> None: ...
    def __init__(
        self,
        name: str = "",
        *,
        unit: str = "",
        description: str = "",
        kind: MetricKind | str = ...,
        role: MetricRole | str = ...,
        direction: Direction | str = ...,
        impact: ImpactClass | str = ...,
        baseline: float | None = None,
        baseline_sd: float | None = None,
        minimum_effect: float = 0.0,
        effect_scale: EffectScale | str = ...,
        confidence: float = 0.95,
    ) -> None: ...
    def __copy__(self) -> Metric: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> Metric: ...

@final
class Amendment:
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def field(self) -> str: ...
    @property
    def old_value(self) -> str: ...
    @property
    def new_value(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def author(self) -> str: ...
    def __copy__(self) -> Amendment: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> Amendment: ...

@final
class JournalEntry:
    @property
    def id(self) -> int: ...
    @property
    def at(self) -> datetime.datetime: ...
    @property
    def author(self) -> str: ...
    @property
    def text(self) -> str: ...
    def __copy__(self) -> JournalEntry: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> JournalEntry: ...

class Experiment:
    def __init__(self) -> None: ...
    @property
    def id(self) -> int: ...
    uuid: str
    key: str
    title: str
    summary: str
    organisation: str
    unit: str
    owner: str
    tags: list[str]
    @property
    def purposes(self) -> list[Purpose]: ...
    @purposes.setter
    def purposes(self, value: list[Purpose | str]) -> None: ...
    planned_start: datetime.date | None
    planned_end: datetime.date | None
    @property
    def actual_start(self) -> datetime.date | None: ...
    @property
    def actual_end(self) -> datetime.date | None: ...
    planned_cost_eur: float | None
    actual_cost_eur: float | None
    planned_effort_hours: float | None
    actual_effort_hours: float | None
    risk: str
    test_card: TestCard
    @property
    def design(self) -> DesignKind: ...
    @design.setter
    def design(self, value: DesignKind | str) -> None: ...
    arms: list[Arm]
    metrics: list[Metric]
    @property
    def status(self) -> Status: ...
    @property
    def stop_reason(self) -> str: ...
    @property
    def outcome(self) -> Outcome | None: ...
    @property
    def lock_hash(self) -> str: ...
    @property
    def locked_at(self) -> datetime.datetime | None: ...
    @property
    def amendments(self) -> list[Amendment]: ...
    @property
    def created_at(self) -> datetime.datetime: ...
    @property
    def updated_at(self) -> datetime.datetime: ...
    @property
    def revision(self) -> int: ...
    @property
    def is_locked(self) -> bool: ...
    @property
    def amended_after_start(self) -> bool: ...
    @property
    def primary_metric(self) -> Metric: ...
    def metric(self, name: str) -> Metric: ...
    def arm(self, name: str) -> Arm: ...
    def __copy__(self) -> Experiment: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> Experiment: ...

class Aggregate:
    n: int
    sum: float
    sum_sq: float | None
    def __init__(self, n: int, sum: float, sum_sq: float | None = None) -> None: ...
    @staticmethod
    def mean(n: int, sum: float, sum_sq: float) -> Aggregate: ...
    @staticmethod
    def proportion(successes: int, trials: int) -> Aggregate: ...
    @staticmethod
    def events(units: int, events: float) -> Aggregate: ...
    def __copy__(self) -> Aggregate: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> Aggregate: ...

class Observation:
    at: datetime.datetime | None
    metric: str
    arm: str
    value: float
    aggregate: Aggregate | None
    exposure: float | None
    subject: str
    note: str
    def __init__(
        self,
        value: float = 0.0,
        *,
        arm: str = "",
        metric: str = "",
        at: _TimeLike | None = None,
        aggregate: Aggregate | None = None,
        exposure: float | None = None,
        subject: str = "",
        note: str = "",
    ) -> None: ...
    def __copy__(self) -> Observation: ...
    def __deepcopy__(self, memo: dict[Any, Any]) -> Observation: ...

@final
class Tracker:
    @staticmethod
    def open(path: str, *, read_only: bool = False, busy_timeout_ms: int = 10000) -> Tracker: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    @property
    def path(self) -> str: ...
    def create(self, draft: Experiment) -> Experiment: ...
    def get(self, key_or_uuid: str) -> Experiment: ...
    def list(
        self,
        *,
        status: Status | str | None = None,
        organisation: str = "",
        unit: str = "",
        tag: str = "",
        purpose: Purpose | str | None = None,
        since: _DateLike | None = None,
        until: _DateLike | None = None,
        text: str = "",
    ) -> builtins.list[Experiment]: ...
    def update(self, revised: Experiment, reason: str = "", author: str = "") -> Experiment: ...
    def start(self, key: str, on: _DateLike | None = None) -> Experiment: ...
    def stop(self, key: str, reason: str, on: _DateLike | None = None, author: str = "") -> Experiment: ...
    def conclude(self, key: str, outcome: Outcome) -> Experiment: ...
    def add_note(self, key: str, text: str, author: str = "", at: _TimeLike | None = None) -> JournalEntry: ...
    def journal(self, key: str) -> builtins.list[JournalEntry]: ...
    def log(self, key: str, observation: Observation, *, backfill: bool = False) -> None: ...
    def log_many(self, key: str, observations: builtins.list[Observation], *, backfill: bool = False) -> int: ...
    def log_columns(
        self,
        key: str,
        metric: str,
        at_us: npt.ArrayLike,
        values: npt.ArrayLike,
        arm_codes: npt.ArrayLike,
        arm_names: builtins.list[str],
        *,
        exposure: npt.ArrayLike | None = None,
        backfill: bool = False,
    ) -> int: ...
    def log_aggregates(
        self,
        key: str,
        metric: str,
        at_us: npt.ArrayLike,
        arm_codes: npt.ArrayLike,
        arm_names: builtins.list[str],
        n: npt.ArrayLike,
        sum: npt.ArrayLike,
        sum_sq: npt.ArrayLike,
        *,
        exposure: npt.ArrayLike | None = None,
        backfill: bool = False,
    ) -> int: ...
    def observations(
        self,
        key: str,
        *,
        metric: str = "",
        arms: builtins.list[str] = ...,
        since: _TimeLike | None = None,
        until: _TimeLike | None = None,
    ) -> dict[str, Any]: ...
    def count_observations(self, key: str) -> int: ...
__version__: str
