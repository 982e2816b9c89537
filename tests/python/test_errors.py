"""Every error class: what raises it, what it also is, and what it carries."""

from __future__ import annotations

import pathlib
import sqlite3
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import kokeilu

FieldsFactory = Callable[..., dict[str, Any]]


def test_classes_are_exported_with_their_bases() -> None:
    for cls in (kokeilu.NotFoundError, kokeilu.InvalidArgumentError, kokeilu.InvalidStateError,
                kokeilu.StorageError, kokeilu.SchemaError):
        assert issubclass(cls, kokeilu.KokeiluError)
        assert cls.__module__ == "kokeilu"
        assert cls.__doc__
    assert issubclass(kokeilu.KokeiluError, Exception)
    assert issubclass(kokeilu.NotFoundError, KeyError)
    assert issubclass(kokeilu.InvalidArgumentError, ValueError)
    assert not issubclass(kokeilu.InvalidStateError, ValueError)


def test_not_found_is_a_key_error_with_a_plain_message(tracker: kokeilu.Tracker) -> None:
    with pytest.raises(KeyError) as caught:
        tracker.get("IBAN-2026-999")
    assert isinstance(caught.value, kokeilu.NotFoundError)
    assert str(caught.value) == "experiment not found: IBAN-2026-999"


def test_not_found_metric_or_arm_on_an_experiment(draft: kokeilu.Experiment) -> None:
    with pytest.raises(kokeilu.NotFoundError, match="nosuch"):
        draft.metric("nosuch")
    with pytest.raises(kokeilu.NotFoundError, match="nosuch"):
        draft.arm("nosuch")


def test_invalid_argument_names_the_field(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    with pytest.raises(ValueError) as caught:
        tracker.create(**home_care_fields(title="  "))
    assert isinstance(caught.value, kokeilu.InvalidArgumentError)
    assert caught.value.field == "title"
    assert str(caught.value).startswith("title: ")
    assert tracker.experiments() == []  # nothing was written

    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.create(**home_care_fields(planned_start="2026-02-30"))
    assert caught.value.field == "planned_start"

    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.create(**home_care_fields(design="randomised"))
    assert caught.value.field == "design"
    assert "concurrent" in str(caught.value)  # the choices are listed

    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        kokeilu.Metric("x", kind="meen")
    assert caught.value.field == "kind"

    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.create(**home_care_fields(metrics=[{"name": "m", "minimum_effect": 0.0}]))
    assert caught.value.field == "metrics[m].minimum_effect"

    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.create(**home_care_fields(arms={"control": "control", "video": "treatmnt"}))
    assert caught.value.field.endswith("role")


def test_invalid_argument_from_the_python_layer(tracker: kokeilu.Tracker, running: kokeilu.Experiment) -> None:
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.log_many(running, np.zeros(3), arm=["control", "video"])
    assert caught.value.field == "arm"
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.log_many(running, np.zeros(2), arm=["control", None])
    assert caught.value.field == "arm[1]" and "missing arm name" in str(caught.value)
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.log_many(running, ["a", "b"], arm="control")
    assert caught.value.field == "value[0]"
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.log_many(running, [1.0, 2.0], arm="control", at=np.array(["2026-02-01", "NaT"], dtype="datetime64[us]"))
    assert caught.value.field == "at[1]" and "missing" in str(caught.value)
    assert tracker.count_observations(running) == 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"arm": 1}, "arm: expected a string, got int"),
        ({"note": None}, "note: expected a string, got NoneType"),
        ({"at": [2026]}, "at: expected a datetime, a date, a numpy datetime64, an ISO 8601 string or a number "
                         "with its unit, got list"),
    ],
)
def test_log_names_an_argument_of_the_wrong_type(
    tracker: kokeilu.Tracker, running: kokeilu.Experiment, arguments: dict[str, Any], message: str
) -> None:
    call: dict[str, Any] = {"value": 4.0, "arm": "control", **arguments}
    value = call.pop("value")
    with pytest.raises(TypeError) as caught:
        tracker.log(running, value, **call)
    assert str(caught.value) == message
    assert tracker.count_observations(running) == 0


@pytest.mark.parametrize(
    ("arguments", "field", "message"),
    [
        # A value that is no number is bad data, refused by log as log_many refuses a column of them.
        ({"value": "4"}, "value", "expected a number (bool, int or float), got str '4'"),
        ({"value": 1 + 2j}, "value", "expected a number (bool, int or float), got complex (1+2j)"),
        ({"exposure": "2"}, "exposure", "expected a number (bool, int or float), got str '2'"),
        # A number is a time only with its unit.
        ({"at": 5}, "at", "5 is a number, not a time: say what it counts"),
        ({"subject": "caf\udce9"}, "subject", "is not valid UTF-8"),
    ],
)
def test_log_names_a_value_that_is_no_such_value(
    tracker: kokeilu.Tracker, running: kokeilu.Experiment, arguments: dict[str, Any], field: str, message: str
) -> None:
    call: dict[str, Any] = {"value": 4.0, "arm": "control", **arguments}
    value = call.pop("value")
    with pytest.raises(kokeilu.InvalidArgumentError) as caught:
        tracker.log(running, value, **call)
    assert caught.value.field == field
    assert message in str(caught.value)
    assert tracker.count_observations(running) == 0


def test_log_names_an_experiment_of_the_wrong_type(tracker: kokeilu.Tracker) -> None:
    with pytest.raises(TypeError, match="^experiment: expected a key"):
        tracker.log(42, 4.0, arm="control")  # type: ignore[arg-type]


def test_unknown_keyword_is_a_type_error(tracker: kokeilu.Tracker, home_care_fields: FieldsFactory) -> None:
    with pytest.raises(TypeError, match="colour"):
        tracker.create(**home_care_fields(colour="blue"))


def test_invalid_state(tracker: kokeilu.Tracker, draft: kokeilu.Experiment) -> None:
    with pytest.raises(kokeilu.InvalidStateError, match="draft"):
        tracker.log(draft, 4.0, arm="control")
    with pytest.raises(kokeilu.InvalidStateError):
        tracker.conclude(draft, "supported", decision="scale_up")
    tracker.start(draft, on="2026-01-12")
    with pytest.raises(kokeilu.InvalidStateError):
        tracker.start(draft)
    with pytest.raises(kokeilu.InvalidStateError):
        tracker.amend(draft, "", right_if="the sense of security rises")  # locked: needs a reason


def test_storage_error_carries_the_sqlite_code(tmp_path: pathlib.Path) -> None:
    with pytest.raises(kokeilu.StorageError) as caught:
        kokeilu.open(tmp_path / "no" / "such" / "dir" / "kokeilut.db")
    assert caught.value.sqlite_code != 0


def test_schema_error_for_a_file_of_another_kind(tmp_path: pathlib.Path) -> None:
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database at all, just some notes\n" * 100)
    with pytest.raises(kokeilu.SchemaError):
        kokeilu.open(text_file)

    other_app = tmp_path / "other.db"
    with sqlite3.connect(other_app) as connection:
        connection.execute("CREATE TABLE t (x)")
        connection.execute("PRAGMA application_id = 12345")
    connection.close()
    with pytest.raises(kokeilu.SchemaError):
        kokeilu.open(other_app)
    assert text_file.read_text().startswith("not a database")  # left untouched


def test_errors_can_be_raised_and_caught_from_python() -> None:
    with pytest.raises(kokeilu.KokeiluError):
        raise kokeilu.InvalidStateError("by hand")
    error = kokeilu.InvalidArgumentError("x: bad")
    assert error.field == ""  # the class default when raised by hand
