"""The command ``search``: the learning library, every experiment of the tracker, its own and those
imported from other municipalities' bundles, found by words and narrowed by facets
(``Tracker.search``; docs/sharing.md).

Added to the command group by :func:`kokeilu.cli.app.build_cli`, with its shared options.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import click

from . import render
from .app import State
from .i18n import Messages
from .values import Parsed, choice_names, parse_choice

if TYPE_CHECKING:
    import pandas as pd

# The table's columns: those of the library (kokeilu._library.LIBRARY_COLUMNS) that fit a terminal
# of 120 characters, with their headings' catalogue keys; --json has them all.
_TABLE = (
    ("key", "col.key"),
    ("title", "col.title"),
    ("organisation", "col.organisation"),
    ("status", "col.status"),
    ("verdict", "col.verdict"),
    ("decision", "col.decision"),
    ("imported_from", "col.imported_from"),
    ("we_learned", "col.we_learned"),
)
# The enumeration of each column whose values are shown by their labels.
_LABELLED = {"status": "Status", "verdict": "Verdict", "decision": "Decision"}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The library's rows for JSON: enumerations by their names, null where there is none."""
    records: list[dict[str, Any]] = frame.astype(object).to_dict("records")
    for record in records:
        for name, value in record.items():
            if isinstance(value, float) and math.isnan(value):
                record[name] = None
    return records


def _render(msgs: Messages, path: str, frame: pd.DataFrame) -> None:
    table = render._table(msgs("search.title", path=path))
    for name, heading in _TABLE:
        # A key is read whole (it is what show and analyze take); the texts wrap.
        table.add_column(msgs(heading), overflow="fold", no_wrap=name == "key")
    for record in _records(frame):
        cells = []
        for name, _ in _TABLE:
            value = record[name]
            if name in _LABELLED:
                cells.append("" if value is None else msgs.enum_label(_LABELLED[name], value))
            else:
                cells.append("" if value is None else str(value))
        table.add_row(*cells)
    render.console().print(table)


def add_search_command(
    cli: click.Group, msgs: Messages, common: Callable[[Any], Any], json_option: Callable[[Any], Any]
) -> None:
    def enum_type(enum_name: str) -> Parsed[str]:
        return Parsed("|".join(choice_names(enum_name)), lambda text: parse_choice(text, enum_name, msgs))

    @cli.command("search", help=msgs("help.search"))
    @common
    @click.argument("text", default="", metavar="[TEXT]")
    @click.option("--purpose", type=enum_type("Purpose"), help=msgs("help.purpose_filter"))
    @click.option("--unit", default="", help=msgs("help.search_unit"))
    @click.option("--metric", default="", help=msgs("help.search_metric"))
    @click.option("--organisation", default="", help=msgs("help.search_organisation"))
    @click.option("--verdict", type=enum_type("Verdict"), help=msgs("help.search_verdict"))
    @click.option("--decision", type=enum_type("Decision"), help=msgs("help.search_decision"))
    @click.option("--status", type=enum_type("Status"), help=msgs("help.status"))
    @click.option("--imported/--own", "imported", default=None, help=msgs("help.search_imported"))
    @json_option
    @click.pass_obj
    def search(
        state: State,
        text: str,
        purpose: str | None,
        unit: str,
        metric: str,
        organisation: str,
        verdict: str | None,
        decision: str | None,
        status: str | None,
        imported: bool | None,
        as_json: bool,
    ) -> None:
        with state.open(read_only=True) as tracker:
            found = tracker.search(
                text, purpose=purpose, unit=unit, metric=metric, organisation=organisation, verdict=verdict,
                decision=decision, status=status, imported=imported,
            )
        if as_json:
            render.print_json(_records(found))
        elif found.empty:
            click.echo(msgs("search.none"))
        else:
            _render(msgs, state.path, found)
