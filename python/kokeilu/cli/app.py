"""The subcommands of ``kokeilu``, built for one language.

The commands are built after the language is known (see :func:`kokeilu.cli.main`), so that help
texts, prompts and messages all come from the same catalogue.
"""

from __future__ import annotations

import datetime
import difflib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

import kokeilu
from kokeilu import demo, report, units

from .._shown import finder, link_texts, shown_name
from . import render
from .amend_fields import (
    LEARNING_CARD,
    amend_changes,
    parse_metric_spec,
)
from .i18n import LANGUAGES, Messages
from .new_experiment import collect_new, warn_activity
from .prompts import default_author, is_interactive
from .values import (
    Parsed,
    UserError,
    choice_names,
    parse_arm_spec,
    parse_assignment,
    parse_choice,
    parse_date,
    parse_non_negative,
    parse_number,
    parse_positive,
    parse_shares,
    parse_time,
    resolve_time,
)

# pandas and the modules built on it (import, export) are imported by the commands that use them:
# scripts call `kokeilu log` in loops, and it starts in a fraction of the time without them.
if TYPE_CHECKING:
    import pandas as pd

    from . import csv_import, export_formats

F = TypeVar("F", bound=Callable[..., Any])


# The refusals of a read-only open of a file whose schema is older: the first open that may write
# upgrades it.
_OLDER_SCHEMA = ("store.older_schema_read_only", "store.missed_migration_read_only")

# How long a write waits for another one to finish when neither --wait nor KOKEILU_WAIT says.
DEFAULT_WAIT_SECONDS = 300.0


@dataclass
class State:
    """What the options shared by every command decide: the file, the language, --debug, --wait."""

    msgs: Messages
    db: str | None = None
    debug: bool = False
    wait: str | None = None

    @property
    def path(self) -> str:
        return self.db or os.environ.get("KOKEILU_DB") or kokeilu.DEFAULT_PATH

    @property
    def wait_seconds(self) -> float:
        """--wait, else $KOKEILU_WAIT, else the default: seconds a write waits for another one."""
        name, text = ("--wait", self.wait) if self.wait is not None else ("KOKEILU_WAIT", os.environ.get("KOKEILU_WAIT"))
        if text is None or text.strip() == "":
            return DEFAULT_WAIT_SECONDS
        try:
            seconds = float(text.strip().replace(",", "."))
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds <= 86_400:  # also refuses nan and inf
            raise UserError(self.msgs("value.wait", name=name, value=text))
        return seconds

    def open_path(self, path: str, *, read_only: bool = False) -> kokeilu.Tracker:
        """Opens `path` waiting up to --wait for other writers, with a notice on stderr while it waits."""
        seconds = self.wait_seconds
        limit = self.msgs.duration(seconds)

        def notice() -> None:
            click.echo(self.msgs("db.waiting", path=path, limit=limit), err=True)

        return kokeilu.open(path, read_only=read_only, busy_timeout_ms=round(seconds * 1000), on_wait=notice)

    def open(self, *, read_only: bool = False) -> kokeilu.Tracker:
        """Opens the tracker; a missing file is an error (only ``init`` creates one), so that a
        mistyped --db does not quietly start a new, empty tracker."""
        path = self.path
        if path != ":memory:" and not os.path.exists(path):
            raise UserError(self.msgs("db.missing", path=path))
        try:
            tracker = self.open_path(path, read_only=read_only)
        except kokeilu.SchemaError as error:
            # A file of an older schema is upgraded by the first open that may write.
            if not (read_only and error.code in _OLDER_SCHEMA):
                raise
            tracker = self.open_path(path)
        # Times are shown in the tracker's zone, also after the file is closed.
        self.msgs.time_zone = tracker.time_zone
        return tracker


def load(state: State, tracker: kokeilu.Tracker, key: str) -> kokeilu.Experiment:
    """The experiment of that key or UUID, or a user error that suggests a near key."""
    try:
        return tracker.get(key)
    except kokeilu.NotFoundError:
        keys = [e.key for e in tracker.experiments()]
        close = difflib.get_close_matches(key.upper(), keys, n=1) or difflib.get_close_matches(key, keys, n=1)
        if close:
            raise UserError(state.msgs("experiment.not_found_hint", key=key, path=state.path, hint=close[0])) from None
        raise UserError(state.msgs("experiment.not_found", key=key, path=state.path)) from None


def _latest_analysis(tracker: kokeilu.Tracker, e: kokeilu.Experiment) -> kokeilu.Analysis | None:
    """The analysis `show` summarises: none for a draft, or when the data cannot be analysed yet."""
    if e.status.name == "draft":
        return None
    try:
        return tracker.analyze(e, check=False)  # the command checks and warns in its own words
    except kokeilu.InvalidArgumentError:
        return None


# -- help in the user's language --------------------------------------------------------------


def _localized_classes(msgs: Messages) -> tuple[type[click.Command], type[click.Group]]:
    """Command and Group classes whose help headings and help option speak the user's language."""

    class Localized(click.Command):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.setdefault("options_metavar", msgs("help.options_metavar"))
            super().__init__(*args, **kwargs)

        def get_help_option(self, ctx: click.Context) -> click.Option | None:
            option = super().get_help_option(ctx)
            if option is not None:
                option.help = msgs("help.help")
            return option

        def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=msgs("help.usage"))

        def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            records = [
                record
                for p in self.get_params(ctx)
                if isinstance(p, click.Option) and (record := p.get_help_record(ctx)) is not None
            ]
            if records:
                with formatter.section(msgs("help.options")):
                    formatter.write_dl(records)

    class Command(Localized):
        pass

    class Group(Localized, click.Group):
        command_class = Command

        def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            Localized.format_options(self, ctx, formatter)
            self.format_commands(ctx, formatter)

        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            commands = [
                (name, self.commands[name]) for name in self.list_commands(ctx) if not self.commands[name].hidden
            ]
            if commands:
                limit = formatter.width - 6 - max(len(name) for name, _ in commands)
                with formatter.section(msgs("help.commands")):
                    formatter.write_dl([(name, command.get_short_help_str(limit)) for name, command in commands])

    return Command, Group


# -- the options every command has ---------------------------------------------------------------


def _set_db(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(State).db = value  # type: ignore[union-attr]


def _set_debug(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_object(State).debug = True  # type: ignore[union-attr]


def _set_wait(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        ctx.find_object(State).wait = value  # type: ignore[union-attr]


def _common(msgs: Messages) -> Callable[[F], F]:
    """--db, --lang, --wait and --debug, accepted before or after the subcommand's name."""

    def decorate(function: F) -> F:
        function = click.option(
            "--wait", metavar="SECONDS", expose_value=False, callback=_set_wait, help=msgs("help.wait")
        )(function)
        function = click.option(
            "--debug", is_flag=True, expose_value=False, callback=_set_debug, help=msgs("help.debug")
        )(function)
        # The language was chosen from the command line before the commands were built; the option
        # is declared so that click accepts it and checks its value.
        function = click.option("--lang", type=click.Choice(LANGUAGES), expose_value=False, help=msgs("help.lang"))(
            function
        )
        function = click.option("--db", metavar="PATH", expose_value=False, callback=_set_db, help=msgs("help.db"))(
            function
        )
        return function

    return decorate


def _missing_option(ctx: click.Context, name: str) -> click.MissingParameter:
    param = next(p for p in ctx.command.params if p.name == name)
    return click.MissingParameter(ctx=ctx, param=param)


# -- export --------------------------------------------------------------------------------------


def _experiment_row(msgs: Messages, e: kokeilu.Experiment) -> dict[str, Any]:
    """One flat CSV row per experiment."""
    record = render.experiment_dict(e)
    primary = next((m for m in e.metrics if m.role.name == "primary"), None)
    outcome = record["outcome"] or {}
    learning = outcome.get("learning_card", {})
    row = {
        name: record[name]
        for name in (
            "key",
            "uuid",
            "title",
            "summary",
            "organisation",
            "unit",
            "owner",
            "status",
            "design",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "planned_cost_eur",
            "actual_cost_eur",
            "planned_effort_hours",
            "actual_effort_hours",
            "risk",
            "stop_reason",
        )
    }
    row["purposes"] = ";".join(record["purposes"])
    row["tags"] = ";".join(record["tags"])
    row["arms"] = ";".join(f"{a['name']}:{a['role']}" for a in record["arms"])
    row.update(record["test_card"])
    row["primary_metric"] = primary.name if primary else ""
    row["primary_kind"] = primary.kind.name if primary else ""
    row["primary_impact"] = primary.impact.name if primary else ""
    row["minimum_effect"] = primary.minimum_effect if primary else None
    row["effect_scale"] = primary.effect_scale.name if primary else ""
    row["verdict"] = outcome.get("verdict")
    row["amended_verdict"] = outcome.get("amended_verdict")
    row["judged_against"] = outcome.get("judged_against")
    row["decision"] = outcome.get("decision")
    row["decided_on"] = outcome.get("decided_on")
    for part in LEARNING_CARD:
        row[part] = learning.get(part)
    row["amendments"] = len(record["amendments"])
    row["criterion_changes"] = ";".join(
        f"{c['field']}: {c['locked']} -> {c['amended']}" for c in record["criterion_changes"]
    )
    row["locked_at"] = record["locked_at"]
    row["days_started_before_lock"] = record["days_started_before_lock"]
    row["lock_note"] = render.early_start_text(msgs, e)
    row["created_at"] = record["created_at"]
    row["updated_at"] = record["updated_at"]
    return row


_OBSERVATION_COLUMNS = (
    "key",
    "metric",
    "id",
    "at",
    "arm",
    "value",
    "n",
    "sum",
    "sum_sq",
    "exposure",
    "subject",
    "note",
    "covariate",
)


def _observation_frame(tracker: kokeilu.Tracker, experiments: Sequence[kokeilu.Experiment]) -> pd.DataFrame:
    """Every observation of the experiments, all metrics, one row each (whole-column operations)."""
    import pandas as pd

    parts = []
    for e in experiments:
        for metric in e.metrics:
            frame = tracker.observations(e, metric=metric.name)
            if frame.empty:
                continue
            aggregated = frame["n"] > 0
            parts.append(
                pd.DataFrame(
                    {
                        "key": e.key,
                        "metric": metric.name,
                        "id": frame["id"],
                        "at": frame["at"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                        "arm": frame["arm"].astype(str),
                        "value": frame["value"].where(~aggregated),
                        "n": frame["n"].astype("Int64").where(aggregated),
                        "sum": frame["sum"].where(aggregated),
                        "sum_sq": frame["sum_sq"].where(aggregated),
                        "exposure": frame["exposure"],
                        "subject": frame["subject"],
                        "note": frame["note"],
                        # Each subject's pre-period value, for a metric adjusted for one (else empty).
                        "covariate": frame["covariate"] if "covariate" in frame.columns else float("nan"),
                    }
                )
            )
    if not parts:
        return cast(pd.DataFrame, pd.DataFrame(columns=list(_OBSERVATION_COLUMNS)))
    return cast(pd.DataFrame, pd.concat(parts, ignore_index=True))


def _frame_table(frame: pd.DataFrame) -> export_formats.Table:
    from . import export_formats

    columns = [str(c) for c in frame.columns]
    data = [frame[c].tolist() for c in frame.columns]  # Python scalars: NaN and NA stay missing
    return export_formats.Table(columns, list(zip(*data)) if columns else [])


def _rows_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> export_formats.Table:
    from . import export_formats

    return export_formats.Table(list(columns), [[row.get(c) for c in columns] for row in rows])


# -- the commands ----------------------------------------------------------------------------------


def build_cli(msgs: Messages) -> click.Group:
    """The ``kokeilu`` command group with every subcommand, speaking ``msgs``' language."""
    _, Group = _localized_classes(msgs)
    common = _common(msgs)
    date_type = Parsed("DATE", lambda text: parse_date(text, msgs))
    time_type = Parsed("TIME", lambda text: parse_time(text, msgs))
    number_type = Parsed("NUMBER", lambda text: parse_number(text, msgs))
    positive_type = Parsed("NUMBER", lambda text: parse_positive(text, msgs))
    amount_type = Parsed("NUMBER", lambda text: parse_non_negative(text, msgs))
    assignment_type = Parsed("NAME=VALUE", lambda text: parse_assignment(text, msgs))
    arm_type = Parsed("NAME[:ROLE]", lambda text: parse_arm_spec(text, msgs))
    shares_type = Parsed("SHARE:SHARE[:...]", lambda text: parse_shares(text, msgs))
    metric_spec_type = Parsed("name=NAME,FIELD=VALUE,...", lambda text: parse_metric_spec(text, msgs))

    def enum_type(enum_name: str) -> Parsed[str]:
        return Parsed("|".join(choice_names(enum_name)), lambda text: parse_choice(text, enum_name, msgs))

    def json_option(function: F) -> F:
        return click.option("--json", "as_json", is_flag=True, help=msgs("help.json"))(function)

    from . import follow_ups, history, replications, search, share  # here: they take State and load from this module


    @click.group(cls=Group, help=msgs("help.main"), context_settings={"help_option_names": ["-h", "--help"]})
    @common
    @click.version_option(
        kokeilu.__version__, "--version", prog_name="kokeilu", message="%(prog)s %(version)s", help=msgs("help.version")
    )
    def cli() -> None:
        pass

    @cli.command("init", help=msgs("help.init"))
    @common
    @click.pass_obj
    def init(state: State) -> None:
        path = state.path
        existed = os.path.exists(path)
        directory = os.path.dirname(os.path.abspath(path))
        if not existed and not os.path.isdir(directory):
            raise UserError(msgs("db.no_directory", path=path, directory=directory))
        state.open_path(path).close()
        click.echo(msgs("init.exists" if existed else "init.created", path=path))

    @cli.group("config", help=msgs("help.config"))
    def config() -> None:
        pass

    @config.command("time-zone", help=msgs("help.time_zone"))
    @common
    @click.argument("name", required=False)
    @click.pass_obj
    def time_zone(state: State, name: str | None) -> None:
        with state.open(read_only=name is None) as tracker:
            if name is not None:
                tracker.set_time_zone(name.strip())
            click.echo(msgs("time_zone.shown", name=tracker.time_zone))

    @cli.command("new", help=msgs("help.new"))
    @common
    @click.option("--title", help=msgs("help.field", label=msgs.field("title")))
    @click.option("--summary", help=msgs("help.field", label=msgs.field("summary")))
    @click.option("--organisation", help=msgs("help.organisation"))
    @click.option("--unit", help=msgs("help.field", label=msgs.field("unit")))
    @click.option("--owner", help=msgs("help.field", label=msgs.field("owner")))
    @click.option("--purpose", multiple=True, type=enum_type("Purpose"), help=msgs("help.purpose"))
    @click.option("--tag", multiple=True, help=msgs("help.field", label=msgs.field("tags")))
    @click.option("--risk", help=msgs("help.field", label=msgs.field("risk")))
    @click.option("--we-believe", help=msgs("help.field", label=msgs("tc.we_believe")))
    @click.option("--to-verify", help=msgs("help.field", label=msgs("tc.to_verify")))
    @click.option("--and-measure", help=msgs("help.field", label=msgs("tc.and_measure")))
    @click.option("--right-if", help=msgs("help.field", label=msgs("tc.right_if")))
    @click.option("--data-seen", help=msgs("help.data_seen"))
    @click.option("--metric", help=msgs("help.primary_metric"))
    @click.option("--metric-label", help=msgs("help.metric_label"))
    @click.option("--metric-covariate", help=msgs("help.metric_covariate"))
    @click.option("--metric-unit", help=msgs("help.metric_unit", codes=", ".join(units.CODES)))
    @click.option("--kind", type=enum_type("MetricKind"), help=msgs("help.field", label=msgs("col.kind")))
    @click.option("--direction", type=enum_type("Direction"), help=msgs("help.field", label=msgs("col.direction")))
    @click.option("--impact", type=enum_type("ImpactClass"), help=msgs("help.impact"))
    @click.option("--minimum-effect", type=positive_type, help=msgs("help.minimum_effect"))
    @click.option("--effect-scale", type=enum_type("EffectScale"), help=msgs("help.effect_scale"))
    @click.option("--baseline", type=number_type, help=msgs("help.field", label=msgs("col.baseline")))
    @click.option("--baseline-sd", type=positive_type, help=msgs("help.baseline_sd"))
    @click.option("--confidence", type=positive_type, help=msgs("help.confidence"))
    @click.option("--valid-min", type=number_type, help=msgs("help.valid_min"))
    @click.option("--valid-max", type=number_type, help=msgs("help.valid_max"))
    @click.option("--add-metric", "added_metrics", multiple=True, type=metric_spec_type, help=msgs("help.add_metric"))
    @click.option("--design", type=enum_type("DesignKind"), help=msgs("help.field", label=msgs.field("design")))
    @click.option("--arm", multiple=True, type=arm_type, help=msgs("help.arm_spec"))
    @click.option("--shares", type=shares_type, help=msgs("help.shares"))
    @click.option("--planned-start", type=date_type, help=msgs("help.field", label=msgs.field("planned_start")))
    @click.option("--planned-end", type=date_type, help=msgs("help.field", label=msgs.field("planned_end")))
    @click.option("--planned-cost", type=amount_type, help=msgs("help.field", label=msgs.field("planned_cost_eur")))
    @click.option(
        "--planned-effort", type=amount_type, help=msgs("help.field", label=msgs.field("planned_effort_hours"))
    )
    @click.option("--key", help=msgs("help.new_key"))
    @click.option("--yes", "-y", is_flag=True, help=msgs("help.yes"))
    @json_option
    @click.pass_obj
    def new(state: State, /, as_json: bool, **given: Any) -> None:
        with state.open() as tracker:
            fields = collect_new(state.msgs, given)
            if fields is None:
                click.echo(msgs("prompt.cancelled"), err=True)
                raise click.exceptions.Exit(1)
            if not is_interactive() and fields["metrics"][0]["impact"] == "activity_output":
                warn_activity(msgs, fields["metrics"][0]["name"])
            existed = bool(fields.get("key")) and _exists(tracker, fields["key"])
            e = tracker.create(**fields)
        if as_json:
            render.print_json(render.experiment_dict(e))
        elif existed:
            click.echo(msgs("new.exists", key=e.key))
        else:
            click.echo(msgs("new.created", key=e.key, title=e.title))

    @cli.command("list", help=msgs("help.list"))
    @common
    @click.option("--status", type=enum_type("Status"), help=msgs("help.status"))
    @click.option("--organisation", default="", help=msgs("help.organisation"))
    @click.option("--unit", default="", help=msgs("help.field", label=msgs.field("unit")))
    @click.option("--tag", default="", help=msgs("help.tag"))
    @click.option("--purpose", type=enum_type("Purpose"), help=msgs("help.purpose_filter"))
    @click.option("--text", default="", help=msgs("help.text_filter"))
    @json_option
    @click.pass_obj
    def list_(
        state: State,
        status: str | None,
        organisation: str,
        unit: str,
        tag: str,
        purpose: str | None,
        text: str,
        as_json: bool,
    ) -> None:
        with state.open(read_only=True) as tracker:
            found = tracker.experiments(
                status=status, organisation=organisation, unit=unit, tag=tag, purpose=purpose, text=text
            )
        if as_json:
            render.print_json([render.experiment_dict(e) for e in found])
        elif not found:
            click.echo(msgs("list.none"))
        else:
            render.render_list(msgs, state.path, found)

    @cli.command("show", help=msgs("help.show"))
    @common
    @click.argument("key")
    @json_option
    @click.pass_obj
    def show(state: State, key: str, as_json: bool) -> None:
        with state.open(read_only=True) as tracker:
            e = load(state, tracker, key)
            history.warn_if_differs(msgs, tracker, e)
            journal = tracker.journal(e)
            counts = render.observation_counts(tracker, e)
            analysis = _latest_analysis(tracker, e)
            later = follow_ups.follow_up_rows(tracker, e)
            links = link_texts(msgs, e, finder(tracker))
        if as_json:
            record = render.experiment_dict(e)
            record["journal"] = render.journal_dicts(journal)
            record["observations"] = counts
            record["latest_summary"] = None if analysis is None else render.latest_summary_dict(analysis)
            record["follow_ups"] = follow_ups.follow_up_dicts(later)
            render.print_json(record)
        else:
            render.render_show(msgs, e, journal, counts, analysis, links)
            follow_ups.render_follow_ups(msgs, later, follow_ups.original_effect_text(msgs, e, analysis))

    @cli.command("analyze", help=msgs("help.analyze"))
    @common
    @click.argument("key")
    @click.option("--until", type=time_type, help=msgs("help.until"))
    @click.option("--period", default="day", show_default=True, help=msgs("help.series_period"))
    @json_option
    @click.pass_obj
    def analyze(state: State, key: str, until: str | None, period: str, as_json: bool) -> None:
        with state.open(read_only=True) as tracker:
            e = load(state, tracker, key)
            if e.status.name == "draft":
                raise UserError(msgs("analyze.draft", key=e.key))
            history.warn_if_differs(msgs, tracker, e)
            # The core checks the period ("day" or "week") and names the option in its error.
            analysis = tracker.analyze(e, until=resolve_time(tracker, until, "until"), check=False, period=period)
        if as_json:
            render.print_json(render.analysis_dict(analysis))
        else:
            render.render_analysis(msgs, analysis)

    @cli.command("start", help=msgs("help.start"))
    @common
    @click.argument("key")
    @click.option("--on", type=date_type, help=msgs("help.on"))
    @click.pass_obj
    def start(state: State, key: str, on: datetime.date | None) -> None:
        with state.open() as tracker:
            e = tracker.start(load(state, tracker, key), on)
        click.echo(msgs("started", key=e.key, date=msgs.date(e.actual_start)))

    @cli.command("stop", help=msgs("help.stop"))
    @common
    @click.argument("key")
    @click.option("--reason", help=msgs("help.reason"))
    @click.option("--on", type=date_type, help=msgs("help.on"))
    @click.option("--author", help=msgs("help.author"))
    @click.pass_context
    def stop(ctx: click.Context, key: str, reason: str | None, on: datetime.date | None, author: str | None) -> None:
        state: State = ctx.obj
        if reason is None:
            raise _missing_option(ctx, "reason")
        with state.open() as tracker:
            e = load(state, tracker, key)
            e = tracker.stop(e, reason, on=on, author=default_author() if author is None else author)
        click.echo(msgs("stopped", key=e.key, date=msgs.date(e.actual_end)))

    @cli.command("amend", help=msgs("help.amend"))
    @common
    @click.argument("key")
    @click.option("--reason", help=msgs("help.reason"))
    @click.option("--set", "assignments", multiple=True, type=assignment_type, help=msgs("help.set"))
    @click.option("--title", help=msgs("help.field", label=msgs.field("title")))
    @click.option("--we-believe", help=msgs("help.field", label=msgs("tc.we_believe")))
    @click.option("--to-verify", help=msgs("help.field", label=msgs("tc.to_verify")))
    @click.option("--and-measure", help=msgs("help.field", label=msgs("tc.and_measure")))
    @click.option("--right-if", help=msgs("help.field", label=msgs("tc.right_if")))
    @click.option("--data-seen", help=msgs("help.data_seen"))
    @click.option("--planned-end", help=msgs("help.field", label=msgs.field("planned_end")))
    @click.option(
        "--minimum-effect", "minimum_effects", multiple=True, type=assignment_type, help=msgs("help.minimum_effect_set")
    )
    @click.option("--add-metric", "added_metrics", multiple=True, type=metric_spec_type, help=msgs("help.add_metric"))
    @click.option("--author", help=msgs("help.author"))
    @click.pass_context
    def amend(
        ctx: click.Context,
        /,
        key: str,
        reason: str | None,
        assignments: tuple[tuple[str, str], ...],
        minimum_effects: tuple[tuple[str, str], ...],
        added_metrics: tuple[dict[str, Any], ...],
        author: str | None,
        **fields: str | None,
    ) -> None:
        state: State = ctx.obj
        if reason is None:
            raise _missing_option(ctx, "reason")
        pairs = [(name, text) for name, text in fields.items() if text is not None]
        pairs += list(assignments)
        pairs += [(f"{metric}.minimum_effect", text) for metric, text in minimum_effects]
        if not pairs and not added_metrics:
            raise UserError(msgs("amend.nothing"))
        with state.open() as tracker:
            e = load(state, tracker, key)
            changes, touched = amend_changes(msgs, e, pairs)
            if added_metrics:
                changes["metrics"] = [*changes.get("metrics", e.metrics), *added_metrics]
                touched += [msgs("amend.added_metric", name=m["name"]) for m in added_metrics]
            before = len(e.amendments)
            revised = tracker.amend(e, reason, author=default_author() if author is None else author, **changes)
        if revised.revision == e.revision:
            click.echo(msgs("amend.unchanged", key=e.key))
            return
        click.echo(msgs("amend.done", key=e.key, changed=", ".join(touched)))
        recorded = len(revised.amendments) - before
        if recorded:
            click.echo(msgs("amend.recorded", count=recorded))

    @cli.command("note", help=msgs("help.note"))
    @common
    @click.argument("key")
    @click.argument("text")
    @click.option("--author", help=msgs("help.author"))
    @click.option("--at", type=time_type, help=msgs("help.at"))
    @click.pass_obj
    def note(state: State, key: str, text: str, author: str | None, at: str | None) -> None:
        with state.open() as tracker:
            e = load(state, tracker, key)
            when = resolve_time(tracker, at, "at")
            tracker.note(e, text, author=default_author() if author is None else author, at=when)
        click.echo(msgs("noted", key=e.key))

    @cli.command("log", help=msgs("help.log"))
    @common
    @click.argument("key")
    @click.argument("value", type=number_type)
    @click.option("--arm", help=msgs("help.arm"))
    @click.option("--metric", help=msgs("help.metric"))
    @click.option("--at", type=time_type, help=msgs("help.at"))
    @click.option("--backfill", is_flag=True, help=msgs("help.backfill"))
    @click.option("--allow-future", is_flag=True, help=msgs("help.allow_future"))
    @click.option("--exposure", type=positive_type, help=msgs("help.exposure"))
    @click.option("--subject", default="", help=msgs("help.subject"))
    @click.option("--note", default="", help=msgs("help.note_text"))
    @click.option("--covariate", type=number_type, help=msgs("help.covariate"))
    @click.pass_obj
    def log(
        state: State,
        key: str,
        value: float,
        arm: str | None,
        metric: str | None,
        at: str | None,
        backfill: bool,
        allow_future: bool,
        exposure: float | None,
        subject: str,
        note: str,
        covariate: float | None,
    ) -> None:
        with state.open() as tracker:
            e = load(state, tracker, key)
            when = resolve_time(tracker, at, "at") or datetime.datetime.now(datetime.timezone.utc)
            # Every rule of the row (its metric, arm, value and time) is the core's, the same at
            # every door; the command shows the core's coded error in the user's language.
            tracker.log(
                e,
                value,
                arm=arm or "",
                metric=metric or "",
                at=when,
                exposure=exposure,
                subject=subject,
                note=note,
                backfill=backfill,
                allow_future=allow_future,
                covariate=covariate,
            )
        # Accepted, so the names resolve: the look-ups only find how the experiment spells them.
        metric_name = shown_name(e.metric(metric) if metric else e.primary_metric)
        arm_name = e.arm(arm).name if arm else e.arms[0].name
        click.echo(msgs("logged", value=msgs.number(value), key=e.key, metric=metric_name, arm=arm_name, at=msgs.time(when)))

    @cli.command("import", help=msgs("help.import"))
    @common
    @click.argument("key")
    @click.argument("file", metavar="FILE.csv")
    @click.option("--metric", default="", help=msgs("help.metric"))
    @click.option("--backfill", is_flag=True, help=msgs("help.backfill"))
    @click.option("--allow-future", is_flag=True, help=msgs("help.allow_future"))
    @click.option("--idempotency-key", help=msgs("help.idempotency_key"))
    @click.pass_obj
    def import_(
        state: State, key: str, file: str, metric: str, backfill: bool, allow_future: bool, idempotency_key: str | None
    ) -> None:
        from . import csv_import

        with state.open() as tracker:
            e = load(state, tracker, key)
            importer = csv_import.Importer(
                msgs, e, metric=metric, backfill=backfill, allow_future=allow_future, tracker=tracker
            )
            try:
                checked = importer.check(file)
                # The file's own SHA-256 by default: importing the same file again writes nothing.
                write_key = idempotency_key if idempotency_key is not None else csv_import.file_sha256(file)
                count = csv_import.write(
                    tracker, e.key, checked, backfill=backfill, allow_future=allow_future, msgs=msgs,
                    idempotency_key=write_key,
                )
            except csv_import.Rejected as rejected:
                _report_rejected(msgs, file, rejected.problems, rejected.total)
                raise click.exceptions.Exit(1) from None
        if count.repeated:
            click.echo(
                msgs("import.repeated", path=file, key=e.key, batch=count.batch, idempotency_key=write_key)
            )
            return
        click.echo(msgs("import.done", count=msgs.number(count), key=e.key))

    @cli.command("export", help=msgs("help.export"))
    @common
    @click.argument("what", type=click.Choice(["experiments", "observations"]), default="experiments")
    @click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx"]), help=msgs("help.format"))
    @click.option("--excel", is_flag=True, help=msgs("help.excel"))
    @click.option("--output", "-o", metavar="FILE", help=msgs("help.output"))
    @click.option("--key", "keys", multiple=True, help=msgs("help.key_filter"))
    @click.option("--status", type=enum_type("Status"), help=msgs("help.status"))
    @click.option("--organisation", default="", help=msgs("help.organisation"))
    @click.pass_obj
    def export(
        state: State,
        what: str,
        fmt: str | None,
        excel: bool,
        output: str | None,
        keys: tuple[str, ...],
        status: str | None,
        organisation: str,
    ) -> None:
        from . import export_formats

        fmt = _export_format(msgs, fmt, excel, output)
        with state.open(read_only=True) as tracker:
            if keys:
                experiments = [load(state, tracker, key) for key in keys]
            else:
                experiments = tracker.experiments(status=status, organisation=organisation)
            text = ""
            table = export_formats.Table([], [])
            if what == "experiments":
                count = len(experiments)
                if fmt == "json":
                    text = (
                        json.dumps([render.experiment_dict(e) for e in experiments], ensure_ascii=False, indent=2)
                        + "\n"
                    )
                else:
                    rows = [_experiment_row(msgs, e) for e in experiments]
                    table = _rows_table(rows, list(rows[0]) if rows else _experiment_row_columns(msgs))
            else:
                frame = _observation_frame(tracker, experiments)
                count = len(frame)
                if fmt == "json":
                    text = frame.to_json(orient="records", force_ascii=False, indent=2) + "\n"
                else:
                    table = _frame_table(frame)
        if fmt == "xlsx":
            assert output is not None  # _export_format refuses xlsx without a file
            try:
                export_formats.write_xlsx(table, output, sheet=msgs(f"export.{what}"))
            except export_formats.TooManyRows:
                raise UserError(msgs("export.too_many_rows", count=count, limit=export_formats.XLSX_MAX_ROWS - 1)) from None
            except OSError as error:
                raise UserError(msgs("export.unwritable", path=output, problem=error.strerror or error)) from None
            click.echo(msgs("exported", count=count, what=msgs(f"export.{what}"), path=output), err=True)
            return
        if fmt == "csv":
            text = export_formats.to_excel_csv(table) if excel else export_formats.to_csv(table)
        if output is None:
            click.echo(text, nl=False)
            return
        try:
            with open(output, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
        except OSError as error:
            raise UserError(msgs("export.unwritable", path=output, problem=error.strerror or error)) from None
        click.echo(msgs("exported", count=count, what=msgs(f"export.{what}"), path=output), err=True)

    def whole_number(minimum: int) -> Parsed[int]:
        def read(text: str) -> int:
            try:
                number = int(text.strip().replace("_", ""))
            except ValueError:
                number = minimum - 1
            if number < minimum:
                raise ValueError(msgs("value.whole_at_least", minimum=minimum, value=text))
            return number

        return Parsed("N", read)

    @cli.command("demo", help=msgs("help.demo"))
    @common
    @click.option(
        "--seed", type=whole_number(0), default=demo.DEFAULT_SEED, help=msgs("help.seed", seed=demo.DEFAULT_SEED)
    )
    @click.option(
        "--event-rows",
        type=whole_number(2),
        default=demo.DEFAULT_EVENT_ROWS,
        help=msgs("help.event_rows", rows=demo.DEFAULT_EVENT_ROWS),
    )
    @click.option("--overwrite", is_flag=True, help=msgs("help.overwrite"))
    @click.option("--one-file", is_flag=True, help=msgs("help.one_file"))
    @json_option
    @click.pass_obj
    def demo_(state: State, seed: int, event_rows: int, overwrite: bool, one_file: bool, as_json: bool) -> None:
        from pathlib import Path

        from kokeilu import _demo_municipalities as story

        path = state.path
        if path == ":memory:":
            raise UserError(msgs("demo.memory"))
        directory = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(directory):
            raise UserError(msgs("db.no_directory", path=path, directory=directory))
        municipalities = not one_file

        def refuse_others() -> None:
            # Another municipality's file or the bundles of an earlier run are never replaced unasked.
            for other in story.demo_paths(Path(path)) if municipalities and not overwrite else []:
                if other.exists() and (other.is_dir() or other.stat().st_size > 0):
                    raise UserError(msgs("demo.exists", path=str(other)))

        def announce() -> None:
            if not as_json:
                click.echo(msgs("demo.creating", path=path, rows=msgs.number(event_rows)), err=True)

        if os.path.exists(path) and os.path.getsize(path) > 0 and not overwrite:
            # A tracker that `kokeilu init` made is filled; one with experiments is left alone.
            with state.open_path(path) as tracker:
                if tracker.experiments():
                    raise UserError(msgs("demo.exists", path=path))
                refuse_others()
                announce()
                keys = demo.fill_demo(tracker, seed=seed, event_rows=event_rows)
            if municipalities:
                keys += story.tell_story(Path(path), seed).home_keys
        else:
            refuse_others()
            announce()
            keys = demo.create_demo(
                path, seed=seed, event_rows=event_rows, overwrite=overwrite, municipalities=municipalities
            )
        files = {m: str(story.municipality_path(Path(path), m)) for m in story.OTHER_MUNICIPALITIES}
        bundles = str(story.bundles_path(Path(path)))
        if as_json:
            shared = {"files": files, "bundles": bundles} if municipalities else {}
            render.print_json({"path": path, "experiments": keys, **shared})
            return
        click.echo(msgs("demo.created", path=path, count=len(keys)))
        if municipalities:
            click.echo(msgs("demo.municipalities", files=", ".join(files.values()), bundles=bundles))
        click.echo(msgs("demo.next", path=path))

    @cli.command("report", help=msgs("report.help"))
    @common
    @click.option(
        "--output", "--out", "-o", metavar="FILE", default=report.DEFAULT_OUTPUT,
        help=msgs("report.help_output", path=report.DEFAULT_OUTPUT),
    )
    @click.pass_obj
    def report_(state: State, output: str) -> None:
        # matplotlib and pandas are loaded here, not when the command starts.
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise UserError(msgs("report.needs_matplotlib")) from None
        with state.open(read_only=True) as tracker:
            directory = os.path.dirname(os.path.abspath(output))
            try:
                os.makedirs(directory, exist_ok=True)
                html_text = report.report_html(tracker, msgs.lang, name=os.path.basename(state.path))
                partial = output + ".part"
                with open(partial, "w", encoding="utf-8") as out:
                    out.write(html_text)
                os.replace(partial, output)
            except OSError as error:
                raise UserError(msgs("report.unwritable", path=output, problem=error.strerror or error)) from None
        click.echo(msgs("report.written", path=output))

    history.add_history_commands(cli, msgs, common, json_option)
    share.add_share_commands(cli, msgs, common, json_option)
    follow_ups.add_follow_up_commands(cli, msgs, common, json_option, enum_type, date_type)
    search.add_search_command(cli, msgs, common, json_option)
    replications.add_replication_commands(cli, msgs, common, json_option)
    return cli


def _export_format(msgs: Messages, fmt: str | None, excel: bool, output: str | None) -> str:
    """The format to write, from --format, --excel and the output's name; refuses a combination
    that would put one format into a file named as another (CSV text in a .xlsx file)."""
    from . import export_formats

    suffix = os.path.splitext(output)[1].lower() if output is not None else ""
    if fmt is None:
        fmt = {".json": "json", ".xlsx": "xlsx"}.get(suffix, "csv")
    if excel and fmt != "csv":
        raise UserError(msgs("export.excel_only_csv", format=fmt))
    if fmt == "xlsx":
        if output is None:
            raise UserError(msgs("export.xlsx_needs_output"))
        if suffix != ".xlsx":
            raise UserError(msgs("export.xlsx_suffix", path=output))
        try:
            import openpyxl  # noqa: F401 - only whether it is there
        except ImportError:
            raise UserError(msgs("export.needs_openpyxl")) from None
    elif suffix in export_formats.SPREADSHEET_SUFFIXES:
        raise UserError(msgs("export.spreadsheet_suffix", path=output, format=fmt.upper()))
    return fmt


def _exists(tracker: kokeilu.Tracker, key: str) -> bool:
    try:
        tracker.get(key)
    except kokeilu.NotFoundError:
        return False
    return True


def _experiment_row_columns(msgs: Messages) -> list[str]:
    draft = kokeilu.Experiment()
    return list(_experiment_row(msgs, draft))


def _report_rejected(msgs: Messages, path: str, problems: Sequence[csv_import.Problem], total: int) -> None:
    from . import csv_import

    click.echo(msgs("import.rejected", path=path, count=total), err=True)
    for problem in problems[: csv_import.SHOWN_PROBLEMS]:
        if problem.row is None:
            line = msgs("import.problem_file", problem=problem.text)
        else:
            line = msgs("import.problem", row=problem.row, column=problem.column or "", problem=problem.text)
        click.echo(f"  {line}", err=True)
    if total > csv_import.SHOWN_PROBLEMS:
        click.echo("  " + msgs("import.more", count=total - csv_import.SHOWN_PROBLEMS), err=True)
