"""What a bundle may say about people: the privacy level of an export, the pseudonyms of subjects
under the organisation's secret, and (from :mod:`kokeilu._suppression`, re-exported here) the
suppression of small aggregate cells and the ledger that keeps a later export from being
differenced against an earlier one.

Privacy levels
==============

An export has one level, ``aggregate`` unless asked otherwise (:func:`parse_privacy_level` refuses
any other word, with ``privacy.unknown_level``):

- ``cards``: the Test and Learning Cards and the verdicts, no data at all;
- ``aggregate``: per-arm summaries per period (n and the sums), with every cell of fewer than
  ``min_cell_size`` units suppressed (:func:`suppress`, :func:`protect_against_differencing`);
- ``units``: one row per unit, the subject replaced by its pseudonym and free-text notes left out
  unless asked for.

Pseudonyms
==========

A unit export never holds a subject's key as it was entered. Each subject becomes

    pseudonym = lowercase hex of HMAC-SHA256(secret, b"kokeilu-subject/1" + 0x00 + NFC(subject) as UTF-8)

(64 hexadecimal digits), keyed pseudonymisation as ENISA recommends ("Pseudonymisation techniques
and best practices", 2019, section 5.2: a keyed hash with a secret kept apart from the data; a plain
hash of a personal number can be reversed by trying every number). The same subject gets the same
pseudonym in every export of one organisation, so its follow-ups can be joined, and another one in
every other organisation's. The empty subject (a row without one) stays empty. The prefix keeps
these hashes apart from any other use of the secret, such as :func:`secret_id`.

The organisation's secret
=========================

:func:`organisation_secret` gives 32 random bytes (``secrets.token_bytes``), made once per
organisation and kept outside the tracker file, so that a tracker file or bundle that leaks does
not leak the key to its pseudonyms; it is never exported. The folder is the one given, else
``$KOKEILU_SECRETS_DIR``, else ``$XDG_CONFIG_HOME/kokeilu/secrets`` (``~/.config/kokeilu/secrets``).
There is one file per organisation, named by :func:`secret_file_name`: a readable slug of the
organisation's name (NFC, case folded, spaces around it removed; ASCII letters and digits only, at
most 32 characters) and 32
hexadecimal digits of the SHA-256 of the folded name, so no name ("../x", "a/b", one of 10,000
characters) can reach outside the folder, and names that differ only by case or Unicode form
share one secret. The file is one line, ``kokeilu-secret/1 <64 hexadecimal digits>``.

- A missing folder is made with permissions 0700; a folder that others may write to is refused.
- A new file is written whole to a temporary file (``O_CREAT | O_EXCL``, 0600) and linked to its
  name, which fails if the name exists: of two processes making it at once, one secret wins and
  the other process reads it. The file is never half-written under its name.
- An existing file is read without following links and is refused, never replaced, when it is not
  a regular file, belongs to another user, can be read or written by group or others, or is not
  exactly one well-formed line: a new secret would silently change every pseudonym.

:func:`secret_id` is the secret's public fingerprint, 16 hexadecimal digits of
HMAC-SHA256(secret, b"kokeilu-secret-id/1"): a bundle carries it so that a receiver can tell
whether two bundles' pseudonyms are comparable (the same secret) without learning anything of it.

Where POSIX permissions do not exist (Windows), the owner and mode checks are left out.
"""

from __future__ import annotations

import contextlib
import enum
import hashlib
import hmac
import os
import re
import secrets
import stat
import unicodedata
from pathlib import Path
from typing import Any

from . import _checks
from ._suppression import (
    DEFAULT_MIN_CELL_SIZE,
    Cell,
    CellKey,
    LedgerCell,
    SentCell,
    SuppressionResult,
    ledger_entries,
    ledger_from_dict,
    ledger_to_dict,
    protect_against_differencing,
    suppress,
    validate_min_cell_size,
)

__all__ = [
    "DEFAULT_LEVEL",
    "DEFAULT_MIN_CELL_SIZE",
    "SECRET_BYTES",
    "Cell",
    "CellKey",
    "LedgerCell",
    "PrivacyLevel",
    "SentCell",
    "SuppressionResult",
    "ledger_entries",
    "ledger_from_dict",
    "ledger_to_dict",
    "organisation_secret",
    "parse_privacy_level",
    "protect_against_differencing",
    "pseudonym",
    "secret_file_name",
    "secret_id",
    "secrets_directory",
    "suppress",
    "validate_min_cell_size",
]


class PrivacyLevel(str, enum.Enum):
    """How much of an experiment an export holds (see the module's text)."""

    CARDS = "cards"
    AGGREGATE = "aggregate"
    UNITS = "units"


DEFAULT_LEVEL = PrivacyLevel.AGGREGATE


def parse_privacy_level(value: Any, field: str = "privacy") -> PrivacyLevel:
    """A privacy level from its word (or a PrivacyLevel); anything else is refused naming `field`."""
    if isinstance(value, PrivacyLevel):
        return value
    if isinstance(value, str):
        for level in PrivacyLevel:
            if value == level.value:
                return level
    _checks.invalid(field, "privacy.unknown_level", value=str(value))


# ---------------------------------------------------------------------------------------------
# Pseudonyms

#: The length of an organisation's secret in bytes (256 bits, the size of HMAC-SHA256's output).
SECRET_BYTES = 32
_SUBJECT_PREFIX = b"kokeilu-subject/1\x00"
_SECRET_ID_MESSAGE = b"kokeilu-secret-id/1"


def _check_secret(secret: Any, field: str = "secret") -> bytes:
    if not isinstance(secret, (bytes, bytearray)):
        raise TypeError(f"{field}: expected bytes, got {type(secret).__name__}")
    if len(secret) != SECRET_BYTES:
        _checks.invalid(field, "privacy.secret_length", expected=SECRET_BYTES, got=len(secret))
    return bytes(secret)


def pseudonym(secret: bytes, subject: str) -> str:
    """The subject's pseudonym under the organisation's `secret`: 64 lowercase hexadecimal digits
    of HMAC-SHA256 over the prefixed NFC UTF-8 bytes of the subject; "" for "" (no subject)."""
    key = _check_secret(secret)
    _checks.check_text(subject, "subject")
    if subject == "":
        return ""
    message = _SUBJECT_PREFIX + unicodedata.normalize("NFC", subject).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def secret_id(secret: bytes) -> str:
    """The secret's public fingerprint (16 hexadecimal digits): equal for equal secrets, and a
    one-way keyed hash, so it tells nothing of the secret or of any pseudonym."""
    key = _check_secret(secret)
    return hmac.new(key, _SECRET_ID_MESSAGE, hashlib.sha256).hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# The organisation's secret file

_FILE_HEADER = "kokeilu-secret/1"
_FILE_LINE = re.compile(r"kokeilu-secret/1 ([0-9a-f]{64})\n")
_SLUG_LENGTH = 32
_POSIX = os.name == "posix"


def secrets_directory(directory: Path | str | None = None) -> Path:
    """The folder of the organisations' secrets: `directory`, else $KOKEILU_SECRETS_DIR, else
    $XDG_CONFIG_HOME/kokeilu/secrets (XDG's default ~/.config when it is unset or empty)."""
    if directory is not None:
        return Path(directory)
    if os.environ.get("KOKEILU_SECRETS_DIR"):
        return Path(os.environ["KOKEILU_SECRETS_DIR"])
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "kokeilu" / "secrets"


def _folded(organisation: Any) -> str:
    _checks.check_text(organisation, "organisation")
    if "\x00" in organisation:
        _checks.invalid("organisation", "input.text_nul")
    folded = unicodedata.normalize("NFC", unicodedata.normalize("NFC", organisation).casefold()).strip()
    if not folded:
        _checks.invalid("organisation", "input.required")
    return folded


def secret_file_name(organisation: str) -> str:
    """The file name of an organisation's secret: ``<slug>-<32 hex>.secret``. The slug (ASCII
    letters and digits of the folded name, runs of anything else as one "-", at most 32
    characters) is for people; the hash of the whole folded name makes the name unique. Neither
    can hold a separator, a dot-dot or a NUL, so the file stays inside its folder."""
    folded = _folded(organisation)
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")[:_SLUG_LENGTH].strip("-") or "organisation"
    digest = hashlib.sha256(folded.encode("utf-8")).hexdigest()[:32]
    return f"{slug}-{digest}.secret"


def organisation_secret(organisation: str, directory: Path | str | None = None) -> bytes:
    """The organisation's secret of pseudonyms (32 bytes), made the first time it is asked for and
    read from its file ever after (see the module's text for where, and what is refused)."""
    folder = secrets_directory(directory)
    path = folder / secret_file_name(organisation)
    _ensure_folder(folder)
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    _create_secret(path)
    # Read back what is under the name now: ours, or the secret of a process that linked first.
    return _read_secret(path)


def _ensure_folder(folder: Path) -> None:
    if not folder.exists():
        # Parents as the user's umask makes them; the folder itself is the owner's alone.
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
            os.chmod(folder, 0o700)  # mkdir's mode passes through the umask
    info = os.stat(folder)
    if not stat.S_ISDIR(info.st_mode):
        _checks.invalid(str(folder), "privacy.secret_not_file")
    _check_owner(folder, info, 0o022, "700")


def _check_owner(path: Path, info: os.stat_result, forbidden: int, wanted: str) -> None:
    """The secret's file or folder belongs to this user and grants none of the `forbidden` bits."""
    if not _POSIX:
        return
    if info.st_uid != os.getuid():
        _checks.invalid(str(path), "privacy.secret_owner")
    if info.st_mode & forbidden:
        _checks.invalid(str(path), "privacy.secret_unsafe", mode=_mode(info.st_mode), wanted=wanted)


def _mode(st_mode: int) -> str:
    return format(stat.S_IMODE(st_mode), "03o")


def _read_secret(path: Path) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(path, flags)
    except FileNotFoundError:
        raise
    except OSError:
        # O_NOFOLLOW on a symbolic link (ELOOP), or a name that is no file at all.
        if path.is_symlink() or path.exists():
            _checks.invalid(str(path), "privacy.secret_not_file")
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            _checks.invalid(str(path), "privacy.secret_not_file")
        _check_owner(path, info, 0o077, "600")
        # One byte more than a well-formed file holds, so that anything after its line shows.
        content = os.read(descriptor, len(_FILE_HEADER) + 1 + 2 * SECRET_BYTES + 2)
    finally:
        os.close(descriptor)
    try:
        text = content.decode("ascii")
    except UnicodeDecodeError:
        text = ""
    match = _FILE_LINE.fullmatch(text)
    if match is None:
        _checks.invalid(str(path), "privacy.secret_malformed")
    return bytes.fromhex(match.group(1))


def _create_secret(path: Path) -> None:
    """Write a new secret whole under a temporary name and link it to `path`; if another process
    linked its secret first, keep theirs (the caller reads whatever is under the name)."""
    line = f"{_FILE_HEADER} {secrets.token_bytes(SECRET_BYTES).hex()}\n".encode("ascii")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.new")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(temporary, flags, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)  # fails if the name exists: the first secret stays
        except FileExistsError:
            pass
        else:
            _sync_folder(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _sync_folder(folder: Path) -> None:
    """Make the new name durable (a crash right after must not lose the secret pseudonyms use)."""
    if not _POSIX:
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
