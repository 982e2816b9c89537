"""Running the kokeilu command in tests: in a child process, in a pseudo-terminal, or in-process.

Child processes (``run``) test the command exactly as a user runs it. The in-process runner
(``call``) goes through the same ``kokeilu.cli.main`` with the same arguments, exit codes and
streams, without paying for a new interpreter, so the many error cases stay fast.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

# A locale that says nothing about the language, so that tests choose it explicitly.
NEUTRAL_LOCALE = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": "", "KOKEILU_LANG": ""}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def __repr__(self) -> str:  # shown by pytest when an assertion fails
        return f"Result(code={self.code},\n--- out ---\n{self.out}\n--- err ---\n{self.err})"


def child_env(db: Path | None, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(NEUTRAL_LOCALE)
    env.pop("KOKEILU_DB", None)
    env["PYTHONIOENCODING"] = "utf-8"
    env["COLUMNS"] = "160"
    if db is not None:
        env["KOKEILU_DB"] = str(db)
    env.update(extra or {})
    return env


def run(
    args: Sequence[str],
    *,
    db: Path | None = None,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 60,
) -> Result:
    """Runs ``python -m kokeilu ARGS`` in a child process (stdin not a terminal)."""
    completed = subprocess.run(
        [sys.executable, "-m", "kokeilu", *args],
        env=child_env(db, env),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)


def call(
    args: Sequence[str],
    *,
    db: Path | None = None,
    env: Mapping[str, str] | None = None,
) -> Result:
    """Runs ``kokeilu.cli.main(ARGS)`` in this process, as the console script would."""
    from kokeilu.cli import main

    environment = {**NEUTRAL_LOCALE, **(env or {})}
    if db is not None:
        environment["KOKEILU_DB"] = str(db)
    out, err = io.StringIO(), io.StringIO()
    code: int | str | None = 0
    with mock.patch.dict(os.environ, environment), mock.patch.object(sys, "stdin", io.StringIO("")):
        if db is None:
            os.environ.pop("KOKEILU_DB", None)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                main(list(args))
            except SystemExit as exit_:
                code = exit_.code
    return Result(code if isinstance(code, int) else (0 if code is None else 1), out.getvalue(), err.getvalue())


class Terminal:
    """The command on a pseudo-terminal: answer its questions as a person would."""

    def __init__(
        self, args: Sequence[str], *, db: Path, env: Mapping[str, str] | None = None, timeout: float = 30
    ) -> None:
        self.timeout = timeout
        self.master, slave = os.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kokeilu", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=child_env(db, env),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.buffer = ""
        self.seen = 0

    def _read(self, deadline: float) -> bool:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([self.master], [], [], remaining)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # the child closed the terminal
            return False
        if not chunk:
            return False
        self.buffer += chunk.decode("utf-8", errors="replace")
        return True

    def expect(self, text: str) -> str:
        """Waits for ``text`` after what was already matched; returns the output up to it."""
        deadline = time.monotonic() + self.timeout
        while True:
            found = self.buffer.find(text, self.seen)
            if found >= 0:
                before = self.buffer[self.seen : found]
                self.seen = found + len(text)
                return before
            if not self._read(deadline):
                raise AssertionError(f"did not see {text!r}; the terminal showed:\n{self.buffer[self.seen :]}")

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode("utf-8"))

    def answer(self, prompt: str, line: str) -> str:
        before = self.expect(prompt)
        self.send(line)
        return before

    def wait(self) -> int:
        deadline = time.monotonic() + self.timeout
        while self._read(deadline):
            pass
        try:
            return self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        finally:
            os.close(self.master)

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


#: Options of `kokeilu new` for a complete experiment: remote video visits in Oulu home care.
HOME_CARE = [
    "--title", "Etäkäynnit iltaisin",
    "--organisation", "Oulu",
    "--unit", "kotihoito",
    "--owner", "Aino Kemppainen",
    "--purpose", "wellbeing",
    "--tag", "kotihoito",
    "--we-believe", "osa iltakäynneistä voidaan tehdä videolla ilman, että asiakkaan turvallisuudentunne heikkenee",
    "--to-verify", "korvaamme joka kolmannen iltakäynnin videokäynnillä vapaaehtoisille asiakkaille",
    "--and-measure", "asiakkaiden turvallisuudentunnetta kyselyllä (1–5)",
    "--right-if", "turvallisuudentunne ei laske yli 0,3 pistettä",
    "--metric", "turvallisuudentunne",
    "--metric-unit", "pistettä (1–5)",
    "--kind", "mean",
    "--minimum-effect", "0.3",
    "--arm", "kontrolli",
    "--arm", "video",
    "--planned-start", "2025-01-06",
    "--planned-end", "2025-05-01",
]  # fmt: skip
