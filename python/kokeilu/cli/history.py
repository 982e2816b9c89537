"""The commands of corrections and the history: ``void``, ``delete``, ``history`` and ``verify``.

Added to the command group by :func:`kokeilu.cli.app.build_cli`, with its shared options.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

import kokeilu

from . import render
from .app import State, load
from .prompts import default_author
from .i18n import Messages
from .values import UserError

def warn_if_differs(msgs: Messages, tracker: kokeilu.Tracker, e: kokeilu.Experiment) -> None:
    """The quick check of show and analyze: a warning on stderr when the experiment differs from
    its history."""
    problems = tracker.check(e)
    if problems:
        first = problems[0]
        click.echo(msgs("integrity.warning", key=e.key, field=first.field, problem=first.problem), err=True)


def _observation_ids(msgs: Messages, texts: tuple[str, ...]) -> list[int]:
    ids = []
    for text in texts:
        for part in text.replace(",", " ").split():
            if not part.isdigit() or int(part) == 0:
                raise UserError(msgs("void.bad_id", value=part))
            ids.append(int(part))
    return ids


def add_history_commands(
    cli: click.Group, msgs: Messages, common: Callable[[Any], Any], json_option: Callable[[Any], Any]
) -> None:
    @cli.command("void", help=msgs("help.void"))
    @common
    @click.argument("key")
    @click.argument("ids", nargs=-1, metavar="[ID]...")
    @click.option("--batch", type=click.IntRange(min=1), help=msgs("help.batch"))
    @click.option("--reason", help=msgs("help.reason"))
    @click.option("--author", help=msgs("help.author"))
    @click.pass_context
    def void(
        ctx: click.Context, key: str, ids: tuple[str, ...], batch: int | None, reason: str | None, author: str | None
    ) -> None:
        state: State = ctx.obj
        if reason is None:
            param = next(p for p in ctx.command.params if p.name == "reason")
            raise click.MissingParameter(ctx=ctx, param=param)
        observation_ids = _observation_ids(msgs, ids)
        if not observation_ids and batch is None:
            raise UserError(msgs("void.nothing"))
        if observation_ids and batch is not None:
            raise UserError(msgs("void.both"))
        with state.open() as tracker:
            e = load(state, tracker, key)
            record = tracker.void(
                e,
                ids=observation_ids or None,
                batch=batch,
                reason=reason,
                author=default_author() if author is None else author,
            )
        click.echo(
            msgs(
                "voided",
                count=len(record.observation_ids),
                key=e.key,
                void=record.id,
                entry=record.history_index,
                reason=record.reason,
            )
        )

    @cli.command("delete", help=msgs("help.delete"))
    @common
    @click.argument("key")
    @click.pass_obj
    def delete(state: State, key: str) -> None:
        with state.open() as tracker:
            e = load(state, tracker, key)
            if e.status.name != "draft":
                raise UserError(msgs("delete.not_draft", key=e.key, status=msgs.label(e.status)))
            tracker.delete(e)
        click.echo(msgs("deleted", key=e.key))

    @cli.command("history", help=msgs("help.history"))
    @common
    @click.argument("key", required=False)
    @json_option
    @click.pass_obj
    def history(state: State, key: str | None, as_json: bool) -> None:
        # pandas and rich here, not at the top: this module is imported on every command's start.
        import pandas as pd
        from rich.table import Table

        with state.open(read_only=True) as tracker:
            e = None if key is None else load(state, tracker, key)
            frame = tracker.history(e)
        if as_json:
            records = frame.drop(columns=["payload"]).astype(object)
            render.print_json(records.where(records.notna(), None).to_dict(orient="records"))
            return
        if frame.empty:
            click.echo(msgs("history.none"))
            return
        out = render.console()
        table = Table(title=msgs("history.title", what=e.key if e is not None else msgs("history.file")))
        for column in ("col.index", "col.at", "col.entry", "col.what"):
            table.add_column(msgs(column))
        kinds = msgs.labels("HistoryKind")
        for row in frame.itertuples():
            what = str(row.experiment) if key is None else ""
            if row.batch is not None and row.batch is not pd.NA:
                what = " ".join(
                    part
                    for part in (
                        what,
                        msgs(
                            "history.batch",
                            batch=row.batch,
                            rows=row.rows,
                            key=msgs("history.key", key=row.idempotency_key)
                            if isinstance(row.idempotency_key, str) and row.idempotency_key
                            else "",
                        ),
                    )
                    if part
                )
            at: Any = row.at
            table.add_row(str(row.index), msgs.time(pd.Timestamp(at).to_pydatetime()), kinds.get(str(row.kind), str(row.kind)), what)
        out.print(table)

    @cli.command("verify", help=msgs("help.verify"))
    @common
    @click.option("--checkpoint", "print_checkpoint", is_flag=True, help=msgs("help.checkpoint"))
    @click.option("--since", metavar="CHECKPOINT", help=msgs("help.since"))
    @json_option
    @click.pass_obj
    def verify(state: State, print_checkpoint: bool, since: str | None, as_json: bool) -> None:
        import pandas as pd

        with state.open(read_only=True) as tracker:
            if print_checkpoint and since is None:
                checkpoint = tracker.checkpoint()
                if as_json:
                    render.print_json({"checkpoint": checkpoint})
                else:
                    click.echo(msgs("verify.checkpoint"), err=True)
                    click.echo(checkpoint)
                return
            result = tracker.verify(since=since)
        if as_json:
            render.print_json(
                {
                    "ok": result.ok,
                    "checkpoint": result.checkpoint,
                    "started_at_migration": result.started_at_migration,
                    "from_schema": result.from_schema,
                    "problems": result.problems.astype(object).where(result.problems.notna(), None).to_dict(
                        orient="records"
                    ),
                }
            )
        else:
            if result.started_at_migration:
                click.echo(msgs("verify.migrated", version=result.from_schema, date=msgs.date(result.started_at.date())))
            if result.ok:
                click.echo(
                    msgs(
                        "verify.ok",
                        experiments=result.experiments,
                        batches=result.batches,
                        rows=result.observations,
                        entries=result.entries,
                    )
                )
                if since is not None:
                    click.echo(msgs("verify.since_ok", size=since.split()[2]))
            else:
                click.echo(msgs("verify.problems", count=len(result.problems)), err=True)
                for p in result.problems.itertuples():
                    row = "" if p.row is pd.NA else msgs("verify.row", row=p.row)
                    where = " ".join(part for part in (str(p.experiment), f"{p.field}{row}") if part)
                    click.echo(f"  {where}: {p.problem}", err=True)
            if print_checkpoint:
                click.echo(result.checkpoint)
        if not result.ok:
            raise click.exceptions.Exit(1)
        sys.stdout.flush()
