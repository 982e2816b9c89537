"""The commands of replications: ``link`` and ``unlink`` say how an experiment builds on another,
``replications`` lists an experiment's replications and pools their effects (docs/sharing.md,
"Replications and their meta-analysis").

Added to the command group by :func:`kokeilu.cli.app.build_cli`, with its shared options.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import click

from .app import State, load
from .i18n import Messages
from .render import print_json
from .values import UserError


def _figure(msgs: Messages, value: float) -> str:
    return "–" if math.isnan(value) else msgs.figure(value, 4)


def _estimate_dict(e: Any) -> dict[str, float] | None:
    if e is None:
        return None
    return {"estimate": e.estimate, "std_error": e.std_error, "ci_low": e.ci_low, "ci_high": e.ci_high,
            "p_value": e.p_value}


def _study_line(msgs: Messages, row: dict[str, Any]) -> str:
    name = msgs("links.known", key=row["key"], organisation=row["organisation"]) if row["organisation"] else row["key"]
    if row["imported"]:
        name += " " + msgs("replications.imported")
    # An experiment held elsewhere, or one without data on the metric, has no effect to show.
    effect = "" if math.isnan(row["estimate"]) else msgs(
        "replications.effect", estimate=_figure(msgs, row["estimate"]),
        interval=msgs.interval(_figure(msgs, row["ci_low"]), _figure(msgs, row["ci_high"])),
        n_reference=msgs.number(row["n_reference"]), n_arm=msgs.number(row["n_arm"]))
    status = msgs.enum_label("Status", row["status"]) if row["status"] else ""
    verdict = msgs.enum_label("Verdict", row["verdict"]) if row["verdict"] else ""
    judged = msgs("replications.pooled") if row["pooled"] else msgs("replications.not_pooled", reason=row["reason"])
    parts = [name, ", ".join(p for p in (status, verdict) if p), effect, judged]
    return " · ".join(p for p in parts if p)


def add_replication_commands(
    cli: click.Group, msgs: Messages, common: Callable[[Any], Any], json_option: Callable[[Any], Any]
) -> None:
    @cli.command("link", help=msgs("help.link"))
    @common
    @click.argument("key")
    @click.option("--replication-of", "replication", metavar="OTHER", help=msgs("help.link_replication"))
    @click.option("--adaptation-of", "adaptation", metavar="OTHER", help=msgs("help.link_adaptation"))
    @click.option("--follow-up-of", "follow_up", metavar="OTHER", help=msgs("help.link_follow_up"))
    @click.pass_obj
    def link(state: State, key: str, replication: str | None, adaptation: str | None, follow_up: str | None) -> None:
        from .._shown import finder, link_texts

        given = [(kind, of) for kind, of in (("replication", replication), ("adaptation", adaptation),
                                             ("follow_up", follow_up)) if of]
        if len(given) != 1:
            raise UserError(msgs("link.one_kind"))
        kind, of = given[0]
        with state.open() as tracker:
            e = load(state, tracker, key)
            linked = tracker.link(e, kind, of)
            texts = link_texts(msgs, linked, finder(tracker))
        click.echo(msgs("link.now", key=linked.key, links="; ".join(texts)))

    @cli.command("unlink", help=msgs("help.unlink"))
    @common
    @click.argument("key")
    @click.argument("other")
    @click.pass_obj
    def unlink(state: State, key: str, other: str) -> None:
        with state.open() as tracker:
            e = load(state, tracker, key)
            unlinked = tracker.unlink(e, other)
        click.echo(msgs("link.removed", key=unlinked.key, other=other))

    @cli.command("replications", help=msgs("help.replications"))
    @common
    @click.argument("key")
    @click.option("--metric", default=None, metavar="NAME", help=msgs("help.replications_metric"))
    @click.option("--plot", "plot_path", default=None, metavar="FILE.png", help=msgs("help.replications_plot"))
    @json_option
    @click.pass_obj
    def replications(state: State, key: str, metric: str | None, plot_path: str | None, as_json: bool) -> None:
        from .. import _replications

        with state.open(read_only=True) as tracker:
            e = load(state, tracker, key)
            found = _replications.replications(tracker, e, metric, lang=msgs.lang)
        rows = [{str(k): v for k, v in row.items()} for row in found.frame.to_dict("records")]
        meta = found.meta_analysis() if int(found.frame["pooled"].sum()) >= 2 else None
        if as_json:
            print_json({
                "key": found.key,
                "metric": found.metric,
                "studies": [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                            for r in rows],
                "meta_analysis": None if meta is None else {
                    "k": meta.k, "method": meta.method, "alpha": meta.alpha,
                    "fixed": _estimate_dict(meta.fixed), "random": _estimate_dict(meta.random),
                    "tau_squared": meta.tau_squared, "i_squared": meta.i_squared, "q": meta.q,
                    "q_p_value": meta.q_p_value,
                    "prediction": None if meta.prediction is None else
                    {"low": meta.prediction.low, "high": meta.prediction.high},
                    "cautions": [{"code": c, "params": p, "text": msgs.core(c, p)} for c, p in meta.cautions],
                },
            })
        else:
            click.echo(msgs("replications.heading", key=found.key, metric=found.metric))
            for row in rows:
                click.echo("  " + _study_line(msgs, row))
            if meta is None:
                click.echo(msgs("replications.too_few", count=int(found.frame["pooled"].sum())))
            else:
                click.echo(msgs("html.meta.title", count=msgs.number(meta.k)))
                for line in meta._lines(msgs):
                    click.echo("  " + line)
                for caution in meta._caution_texts(msgs):
                    click.echo(msgs("html.warning", warning=caution))
        if plot_path:
            if meta is None:
                raise UserError(msgs("replications.too_few", count=int(found.frame["pooled"].sum())))
            from matplotlib.figure import Figure

            from .. import plots

            # A figure of its own, not pyplot's: no window, no global state (as the report draws).
            figure = Figure(figsize=(8.0, max(3.0, 0.42 * (meta.k + 5) + 1.6)), layout="constrained")
            plots.forest(meta, ax=figure.add_subplot(), lang=msgs.lang)
            figure.savefig(plot_path, dpi=110)
            if not as_json:
                click.echo(msgs("replications.plot_written", path=plot_path))
