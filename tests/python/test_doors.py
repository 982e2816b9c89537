"""Every door gives the same verdict on the same input.

One observation (a value, an arm, a time) goes in by each door: ``log``, ``log_many`` (lists, and
numpy arrays with one arm and one time for every row), ``log_frame``, the C++ API's ``log_many``
of Observation objects, and the CSV import where the input has a text form. Either every door
accepts it and stores the same row, or every door refuses it naming the same field (``value``,
``arm``, ``at``: a door that takes columns names the row too, ``at[0]``, which is the same field
of the only row). The inputs mix good values with the hostile ones of docs/bad-input.md, so that
a rule applied at one door and forgotten at another fails here.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kokeilu
from kokeilu import _core
from kokeilu.cli import csv_import
from kokeilu.cli.i18n import Messages

UTC = datetime.timezone.utc
START = datetime.date(2025, 1, 13)


@dataclass(frozen=True)
class Atom:
    """One part of an input: its Python value, whether the rules accept it, and its CSV text (None:
    the CSV door has no way to say it)."""

    value: Any
    good: bool
    text: str | None


def _atom(value: Any, good: bool, text: str | None = "") -> Atom:
    return Atom(value, good, str(value) if text == "" else text)


VALUES = [
    _atom(3.0, True), _atom(1, True, "1"), _atom(5.0, True), _atom(True, True, None), _atom(np.float32(2.5), True, "2.5"),
    _atom(float("nan"), False), _atom(float("inf"), False), _atom(-float("inf"), False),
    _atom(9.0, False),  # outside the valid range 1-5
    _atom(0.5, False),  # below it
    _atom("3", False, None),  # text is not a number (a CSV cell is text by nature)
    _atom(1 + 2j, False, None),
]
TIMES = [
    _atom("2025-03-03T09:00:00Z", True), _atom("2025-03-03 11:00+02:00", True), _atom("2025-03-03", True),
    _atom(datetime.datetime(2025, 3, 3, 9, tzinfo=UTC), True, "2025-03-03T09:00:00+00:00"),
    _atom(datetime.datetime(2025, 3, 3, 9), True, "2025-03-03T09:00:00"),
    _atom(np.datetime64("2025-03-03T09:00:00"), True, "2025-03-03T09:00:00"),
    _atom(pd.Timestamp("2025-03-03T09:00Z"), True, "2025-03-03T09:00:00+00:00"),
    _atom(datetime.date(2025, 3, 3), True, "2025-03-03"),
    _atom("3.3.2025", False), _atom("03/03/2025", False), _atom("2025-3-3", False), _atom("2025-03-03T25:00", False),
    _atom("2030-01-01T00:00Z", False),  # more than a day in the future
    _atom("2025-01-01T00:00Z", False),  # before the start
    _atom(1740992400, False),  # epoch seconds, no unit
    _atom(np.datetime64("0001-01-01"), False, "0001-01-01"),
    _atom(np.datetime64("12000-01-01"), False, None),
]
ARMS = [
    _atom("chat", True), _atom("CONTROL", True), _atom("kahvila\u0301", False), _atom("caf\u00e9", True),
    _atom("cafe\u0301", True),  # the same arm typed in NFD
    _atom("phone", False), _atom("con\u200btrol", False), _atom("", False),  # an arm is required: there are four
]


def _new_tracker() -> tuple[kokeilu.Tracker, str]:
    tracker = kokeilu.open(":memory:")
    e = tracker.create(
        title="Doors", organisation="Kuusamo", purposes=["vitality"], we_believe="a", to_verify="b",
        and_measure="c", right_if="d",
        arms=[("control", "control"), ("chat", "treatment"), ("caf\u00e9", "treatment"), ("kahvila", "treatment")],
        metrics=[{"name": "satisfaction", "kind": "mean", "minimum_effect": 0.3, "valid_min": 1.0, "valid_max": 5.0}],
    )
    return tracker, tracker.start(e, on=START).key


_ROW = re.compile(r"^(?:observations\[0\]\.)?(\w+)(?:\[0\])?$")


def _field(error: BaseException) -> str:
    """The field of the only row: at[0], observations[0].at and at are the same field."""
    field = getattr(error, "field", "") or ""
    match = _ROW.match(field)
    return match.group(1) if match else f"<{type(error).__name__}: {error}>"


Outcome = tuple[str, Any]  # ("stored", (value, at_us, arm)) or ("refused", field)


def _through(door: Any) -> Outcome:
    tracker, key = _new_tracker()
    try:
        door(tracker, key)
    except (kokeilu.InvalidArgumentError, TypeError) as error:
        assert tracker.count_observations(key) == 0, "a refused write left rows"
        return "refused", _field(error)
    finally:
        pass
    rows = tracker.observation_arrays(key)
    assert len(rows) == 1
    stored = (float(rows.value[0]), int(rows.at.view(np.int64)[0]), rows.arm_names[rows.arm_codes[0]])
    tracker.close()
    return "stored", stored


def _doors(value: Any, arm: Any, at: Any) -> dict[str, Any]:
    def core_api(t: kokeilu.Tracker, key: str) -> None:
        # The C++ API's Tracker::log_many of Observation objects, through the bindings as they are.
        t._core.log_many(key, [kokeilu.Observation(value, arm=arm, at=at)])

    doors = {
        "log": lambda t, key: t.log(key, value, arm=arm, at=at),
        "log_many lists": lambda t, key: t.log_many(key, [value], arm=[arm], at=[at]),
        "log_many arrays": lambda t, key: t.log_many(key, np.array([value]), arm=arm, at=at),
        "log_frame": lambda t, key: t.log_frame(key, pd.DataFrame({"value": [value], "arm": [arm], "at": [at]})),
    }
    # The C++ API takes a double: text or a complex number cannot even be written there.
    if isinstance(value, (bool, int, float, np.floating)):
        doors["C++ API"] = core_api
    return doors


def _csv(tmp: Path, value: Atom, arm: Atom, at: Atom) -> Outcome:
    tracker, key = _new_tracker()
    path = tmp / "rows.csv"
    path.write_text(f"value,arm,at\n{value.text},{arm.text},{at.text}\n", encoding="utf-8")
    msgs = Messages("en")
    importer = csv_import.Importer(msgs, tracker.get(key), metric="", backfill=False, tracker=tracker)
    try:
        checked = importer.check(str(path))
        csv_import.write(tracker, key, checked, backfill=False, msgs=msgs)
    except csv_import.Rejected as rejected:
        assert tracker.count_observations(key) == 0
        return "refused", {p.column for p in rejected.problems}
    rows = tracker.observation_arrays(key)
    stored = (float(rows.value[0]), int(rows.at.view(np.int64)[0]), rows.arm_names[rows.arm_codes[0]])
    tracker.close()
    return "stored", stored


@given(value=st.sampled_from(VALUES), arm=st.sampled_from(ARMS), at=st.sampled_from(TIMES))
def test_every_door_gives_the_same_verdict(value: Atom, arm: Atom, at: Atom, tmp_path_factory: Any) -> None:
    outcomes = {name: _through(door) for name, door in _doors(value.value, arm.value, at.value).items()}
    distinct = set(outcomes.values())
    assert len(distinct) == 1, outcomes
    verdict, detail = distinct.pop()
    good = value.good and arm.good and at.good
    assert (verdict == "stored") == good, outcomes
    if verdict == "refused":
        # The first field at fault: a value that is no number at all is refused while converting,
        # before any rule; then the core's order, the time, the arm, the value.
        no_number = not isinstance(value.value, (bool, int, float, np.floating))
        order = (("value", value),) if no_number else ()
        first = next(name for name, atom in (*order, ("at", at), ("arm", arm), ("value", value)) if not atom.good)
        assert detail == first, outcomes

    if None in (value.text, arm.text, at.text):
        return
    csv_verdict, csv_detail = _csv(tmp_path_factory.mktemp("csv"), value, arm, at)
    assert csv_verdict == verdict, (csv_verdict, csv_detail, outcomes)
    if verdict == "stored":
        # The CSV import is the command's door: a text without an offset, a date alone included, is
        # wall-clock time in the tracker's zone (Europe/Helsinki) there, and UTC in the API.
        if not re.search(r"(Z|[+-]\d\d:?\d\d)$", at.text):
            local = _core.parse_time_texts([at.text], "at", 1, "Europe/Helsinki")[0][0]
            detail = (detail[0], int(local), detail[2])
        assert csv_detail == detail
    else:
        # The import reports every problem of the row; the one the other doors name is among them,
        # unless the text of another cell could not be read at all (then the row goes no further).
        bad = {name for name, atom in (("at", at), ("arm", arm), ("value", value)) if not atom.good}
        assert csv_detail <= bad and csv_detail, (csv_detail, bad)
        if len(bad) == 1:
            assert csv_detail == bad


def test_the_doors_store_a_good_row_identically() -> None:
    at = datetime.datetime(2025, 3, 3, 9, tzinfo=UTC)
    outcomes = {name: _through(door) for name, door in _doors(4.0, "cafe\u0301", at).items()}
    assert set(outcomes.values()) == {("stored", (4.0, 1740992400_000_000, "caf\u00e9"))}


@pytest.mark.parametrize("door", ["log", "log_many lists", "log_many arrays", "log_frame", "C++ API"])
def test_each_door_refuses_a_future_time_with_the_same_words(door: str) -> None:
    tracker, key = _new_tracker()
    with pytest.raises(kokeilu.InvalidArgumentError, match="more than a day in the future") as caught:
        _doors(3.0, "chat", "2030-01-01T00:00Z")[door](tracker, key)
    assert _field(caught.value) == "at"
    assert "allow_future" in str(caught.value)
    assert _core.same_name("chat", "CHAT")
