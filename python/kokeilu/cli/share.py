"""The commands of sharing: ``share export`` writes experiments to a bundle file, ``share show``
checks a bundle whole and says what it holds (docs/sharing.md).

Added to the command group by :func:`kokeilu.cli.app.build_cli`, with its shared options.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from . import render
from .app import State, load
from .i18n import Messages


def add_share_commands(
    cli: click.Group, msgs: Messages, common: Callable[[Any], Any], json_option: Callable[[Any], Any]
) -> None:
    from kokeilu import bundle

    @cli.group("share", help=msgs("help.share"))
    def share() -> None:
        pass

    @share.command("export", help=msgs("help.share_export"))
    @common
    @click.argument("keys", nargs=-1, required=True, metavar="KEY...")
    @click.option("-o", "--output", required=True, metavar="PATH", help=msgs("help.share_output"))
    @click.option("--level", type=click.Choice(bundle.LEVELS), default="aggregate", show_default=True,
                  help=msgs("help.share_level"))
    @click.option("--min-cell-size", type=click.IntRange(min=2), default=bundle.DEFAULT_MIN_CELL_SIZE,
                  show_default=True, help=msgs("help.share_min_cell"))
    @click.option("--journal", is_flag=True, help=msgs("help.share_journal"))
    @click.option("--notes", is_flag=True, help=msgs("help.share_notes"))
    @click.option("--exporter", default="", help=msgs("help.share_exporter"))
    @click.option("--recipient", default="", help=msgs("help.share_recipient"))
    @click.pass_obj
    def export(
        state: State,
        keys: tuple[str, ...],
        output: str,
        level: str,
        min_cell_size: int,
        journal: bool,
        notes: bool,
        exporter: str,
        recipient: str,
    ) -> None:
        with state.open(read_only=True) as tracker:
            chosen = [load(state, tracker, key) for key in keys]
            summary = bundle.export_bundle(
                tracker, chosen, output, level=level, min_cell_size=min_cell_size, journal=journal, notes=notes,
                exporter=exporter, recipient=recipient,
            )
        click.echo(msgs("share.exported", count=len(summary.experiments), path=output, level=level, rows=summary.rows))
        click.echo(msgs("share.bundle_id", bundle_id=summary.bundle_id))
        if summary.suppressed_cells:
            click.echo(msgs("share.suppressed", count=summary.suppressed_cells, k=min_cell_size))

    @share.command("import", help=msgs("help.share_import"))
    @common
    @click.argument("path", metavar="PATH")
    @json_option
    @click.pass_obj
    def import_(state: State, path: str, as_json: bool) -> None:
        with state.open() as tracker:
            summary = bundle.import_bundle(tracker, path)
        if as_json:
            render.print_json(
                {
                    "organisation": summary.organisation,
                    "changed": summary.changed,
                    "experiments": [
                        {
                            "uuid": e.uuid,
                            "key": e.key,
                            "action": e.action.name,
                            "rows": e.rows,
                            "reason": None if e.reason is None else {"code": e.reason.code, "params": e.reason.params},
                        }
                        for e in summary.experiments
                    ],
                }
            )
            return
        for e in summary.experiments:
            line = msgs(f"share.import.{e.action.name}", key=e.key, count=e.rows)
            if e.reason is not None:
                line += " " + (msgs.core(e.reason.code, e.reason.params) or "")
            click.echo(line)
        if not summary.changed:
            click.echo(msgs("share.import.nothing", path=path))

    @share.command("show", help=msgs("help.share_show"))
    @common
    @click.argument("path", metavar="PATH")
    @json_option
    def show(path: str, as_json: bool) -> None:
        read = bundle.read_bundle(path)
        if as_json:
            render.print_json(
                {
                    "bundle_id": read.bundle_id,
                    "manifest": read.manifest,
                    "experiments": [{k: v for k, v in e.items() if k != "record"} for e in read.experiments],
                    "journal": len(read.journal),
                    "observations": len(read.observations),
                    "cells": len(read.cells),
                }
            )
            return
        m = read.manifest
        click.echo(msgs("share.checked", path=path))
        click.echo(
            msgs("share.from", organisation=m["organisation"], exporter=m["exporter"] or "-",
                 at=m["exported_at"], version=m["tool_version"], level=m["privacy"])
        )
        click.echo(msgs("share.checkpoint", checkpoint=read.checkpoint))
        click.echo(msgs("share.bundle_id", bundle_id=read.bundle_id))
        for e in read.experiments:
            status = msgs.enum_label("Status", e["status"])
            click.echo(msgs("share.experiment", key=e["key"], title=e["title"], organisation=e["organisation"],
                            status=status))
