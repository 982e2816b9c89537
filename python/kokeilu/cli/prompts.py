"""Questions on a terminal: a default in [brackets], validation, and the question again on a bad answer."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import TypeVar

import click

from .i18n import Messages

T = TypeVar("T")


def _identity(text: str) -> str:
    return text


def is_interactive() -> bool:
    """Whether the command may ask: its input is a terminal."""
    return sys.stdin.isatty()


def default_author() -> str:
    """The login name, as the default author of amendments and notes."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (e.g. a container without a passwd entry)
        return ""


class Prompter:
    """Asks one question at a time on the terminal; errors go to stderr in the user's language."""

    def __init__(self, msgs: Messages) -> None:
        self.msgs = msgs

    def section(self, key: str) -> None:
        click.echo("")
        click.echo(self.msgs(key))

    def ask(
        self,
        question: str,
        read: Callable[[str], T] = _identity,  # type: ignore[assignment]
        *,
        default: str = "",
        required: bool = True,
    ) -> T:
        """Asks until ``read`` accepts the answer; Enter takes the default.

        An optional question answered with nothing gives ``read("")`` (callers pass readers that
        accept it, e.g. lists).
        """
        text = f"{question} [{default}]" if default else question
        while True:
            answer = click.prompt(text, default="", show_default=False, prompt_suffix=": ").strip()
            if not answer:
                answer = default
            if not answer and required:
                click.echo(self.msgs("error", message=self.msgs("value.required")), err=True)
                continue
            try:
                return read(answer)
            except ValueError as error:
                click.echo(self.msgs("error", message=str(error)), err=True)

    def confirm(self, question: str, *, default: bool = True) -> bool:
        """A yes/no question that takes k/kyllä/e/ei and j/ja/n/nej as well as y/yes/n/no."""
        yes, no = {"fi": ("K", "e"), "sv": ("J", "n")}.get(self.msgs.lang, ("Y", "n"))
        if not default:
            yes, no = yes.lower(), no.upper()
        while True:
            answer = click.prompt(f"{question} [{yes}/{no}]", default="", show_default=False, prompt_suffix=" ")
            word = answer.strip().casefold()
            if not word:
                return default
            if word in ("k", "kyllä", "kylla", "j", "ja", "y", "yes"):
                return True
            if word in ("e", "ei", "nej", "n", "no"):
                return False
            click.echo(self.msgs("error", message=self.msgs("prompt.yes_no_invalid")), err=True)
