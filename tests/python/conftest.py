"""Shared fixtures: in-memory trackers and a valid experiment from the domain (Oulu home care)."""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import kokeilu

# Property tests open a tracker per example; the first example also pays for imports.
settings.register_profile(
    "kokeilu", deadline=None, suppress_health_check=[HealthCheck.too_slow], max_examples=100
)
settings.register_profile("ci", parent=settings.get_profile("kokeilu"), max_examples=300)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "kokeilu"))


@pytest.fixture(autouse=True)
def _english_displays() -> Iterator[None]:
    """Displays and plots in English whatever the machine's locale; a test may choose another."""
    kokeilu.set_language("en")
    yield
    kokeilu.set_language(None)


def _home_care_fields(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for Tracker.create: remote video visits in Oulu home care."""
    fields: dict[str, Any] = {
        "title": "Remote video visits in the evening",
        "organisation": "Oulu",
        "unit": "home care",
        "owner": "Aino Kemppainen",
        "we_believe": "that part of the evening visits can be made by video without clients feeling less safe",
        "to_verify": "we will replace one evening visit in three by a video visit for volunteering clients",
        "and_measure": "the clients' sense of security on a 1-5 survey, and missed medication",
        "right_if": "the sense of security does not fall by more than 0.3 points",
        "purposes": ["wellbeing"],
        "tags": ["home care", "digital"],
        "design": "concurrent",
        "arms": {"control": "control", "video": "treatment"},
        "metrics": [
            kokeilu.Metric(
                "sense_of_security", unit="points (1-5)", kind="mean", minimum_effect=0.3, baseline=4.1
            ),
            {"name": "missed_medication", "kind": "proportion", "role": "guardrail",
             "direction": "lower_is_better", "minimum_effect": 0.02},
        ],
        "planned_start": datetime.date(2025, 1, 13),
        "planned_end": datetime.date(2025, 7, 1),
        "planned_cost_eur": 12000.0,
        "planned_effort_hours": 300.0,
    }
    fields.update(overrides)
    return fields


FieldsFactory = Callable[..., dict[str, Any]]


@pytest.fixture
def home_care_fields() -> FieldsFactory:
    """A factory of Tracker.create keywords, with overrides."""
    return _home_care_fields


@pytest.fixture
def tracker() -> Iterator[kokeilu.Tracker]:
    with kokeilu.open(":memory:") as t:
        yield t


@pytest.fixture
def draft(tracker: kokeilu.Tracker) -> kokeilu.Experiment:
    return tracker.create(**_home_care_fields())


@pytest.fixture
def running(tracker: kokeilu.Tracker, draft: kokeilu.Experiment) -> kokeilu.Experiment:
    return tracker.start(draft, on=datetime.date(2025, 1, 13))
