"""The ``kokeilu`` command: create, log, show and conclude experiments from the shell.

Exit codes: 0 success, 1 a user error (one line on stderr saying what to fix), 2 a usage error
(the command line itself is wrong). A traceback is shown only with --debug.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from collections.abc import Sequence

import click

import kokeilu

from . import click_texts
from .app import State, build_cli
from .i18n import Messages, command_options, detect_language
from .values import UserError

__all__ = ["main"]

_NO_SUCH_COMMAND = re.compile(r"^No such command '(.*)'\.?$")
# Fields the core names that the command takes as options.
_FIELD_OPTIONS = {
    "reason": "--reason",
    "at": "--at",
    "arm": "--arm",
    "metric": "--metric",
    "on": "--on",
    "outcome.decided_on": "--on",
    "outcome.verdict": "--verdict",
    "outcome.amended_verdict": "--amended-verdict",
    "outcome.judged_against": "--judged-against",
    "text": "TEXT",
    "key": "--key",
    "title": "--title",
    "organisation": "--organisation",
    "planned_end": "--planned-end",
    "planned_start": "--planned-start",
}
_NEGATIVE_NUMBER = re.compile(r"^-\d[\d.,]*$")
_EXTRA_ARGUMENTS = re.compile(r"^Got unexpected extra arguments? \((.*)\)$")


def _param_name(param: click.Parameter | None) -> str:
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return max(param.opts, key=len)
    return (param.metavar or param.name or "").upper()


def _usage_message(msgs: Messages, error: click.UsageError) -> str:
    """click's usage errors, worded in the user's language."""
    if isinstance(error, click.MissingParameter):
        name = _param_name(error.param)
        key = "usage.missing_option" if isinstance(error.param, click.Option) else "usage.missing_argument"
        return msgs(key, option=name, argument=name)
    if isinstance(error, click.NoSuchOption):
        if _NEGATIVE_NUMBER.match(error.option_name):
            return msgs(
                "usage.negative_number",
                option=error.option_name,
                command=error.ctx.command_path if error.ctx else "kokeilu",
            )
        if error.possibilities:
            return msgs(
                "usage.no_such_option_hint", option=error.option_name, hint=", ".join(sorted(error.possibilities))
            )
        return msgs("usage.no_such_option", option=error.option_name)
    if isinstance(error, click.BadOptionUsage):
        return msgs("usage.needs_value", option=error.option_name)
    if isinstance(error, click.BadParameter):
        return msgs("usage.bad_value", param=_param_name(error.param) or "?", problem=error.message)
    if error.message.rstrip(".") == "Missing command":
        return msgs("usage.missing_command")
    match = _NO_SUCH_COMMAND.match(error.message)
    if match:
        return msgs("usage.no_such_command", command=match.group(1))
    match = _EXTRA_ARGUMENTS.match(error.message)
    if match:
        return msgs("usage.extra_arguments", arguments=match.group(1))
    return msgs("usage.other", message=error.message)


def _core_message(msgs: Messages, error: kokeilu.KokeiluError) -> str:
    """An error of the core in the user's language, by its code from the catalogues; an error
    without a code of its own (not kokeilu's) as its text."""
    coded = msgs.core(getattr(error, "code", ""), getattr(error, "params", None))
    if coded is not None:
        coded = command_options(coded)
        if isinstance(error, kokeilu.InvalidArgumentError):
            return f"{_FIELD_OPTIONS.get(error.field, error.field)}: {coded}"
        return coded
    text = str(error.args[0]) if error.args else str(error)
    if isinstance(error, kokeilu.InvalidArgumentError):
        field, _, problem = text.partition(": ")
        return f"{_FIELD_OPTIONS.get(field, field)}: {command_options(problem)}"
    return text


def main(argv: Sequence[str] | None = None) -> None:
    """Runs the command with ``argv`` (default: the process's arguments) and exits."""
    args = list(sys.argv[1:] if argv is None else argv)
    msgs = Messages(detect_language(args, os.environ))
    click_texts.install(msgs.lang)  # click's own texts too, before the commands and their help are built
    state = State(msgs, debug="--debug" in args)
    cli = build_cli(msgs)

    def fail(message: str, code: int = 1) -> None:
        if state.debug:
            traceback.print_exc()
        click.echo(msgs("error", message=message), err=True)
        sys.exit(code)

    try:
        result = cli.main(args=args, prog_name="kokeilu", standalone_mode=False, obj=state)
    except click.exceptions.NoArgsIsHelpError as error:  # type: ignore[attr-defined,unused-ignore]
        click.echo(error.ctx.get_help() if error.ctx else "")
        sys.exit(2)
    except click.UsageError as error:
        click.echo(msgs("error", message=_usage_message(msgs, error)), err=True)
        command = error.ctx.command_path if error.ctx is not None else "kokeilu"
        click.echo(msgs("usage.see_help", command=command), err=True)
        sys.exit(2)
    except click.Abort:
        click.echo("", err=True)
        click.echo(msgs("error.aborted"), err=True)
        sys.exit(1)
    except click.exceptions.Exit as error:
        sys.exit(error.exit_code)
    except UserError as error:
        fail(str(error))
    except kokeilu.KokeiluError as error:
        fail(_core_message(msgs, error))
    except click.ClickException as error:
        fail(error.format_message(), error.exit_code)
    except BrokenPipeError:
        # The reader went away (e.g. `kokeilu export | head`); nothing more to say.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - the last line of defence: one line, no traceback
        if state.debug:
            raise
        click.echo(msgs("error.unexpected", message=f"{type(error).__name__}: {error}"), err=True)
        sys.exit(1)
    sys.exit(result if isinstance(result, int) else 0)
