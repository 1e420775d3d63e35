"""The class store: which step a teacher's class is on, shared by every server process.

A class has a short code (students type it), a secret only the teacher's session holds (needed
to change the step, pause or end it), the lesson's text, the current step, a paused flag, whether
the step's answer is revealed, and a revision that grows with every change, so a follower's poll is one tiny read. Classes expire
``ttl`` seconds after the teacher's last change.

SQLite (stdlib, WAL) in the folder ``EXPLORER_CLASS_DIR`` is the default, so replicas on one
host share it; ``EXPLORER_CLASS_STORE=redis://host:port/db`` uses Redis instead, for replicas on
several hosts. Both have the interface of :class:`ClassStore`.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from explorer.settings import env_number

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a projector without mistakes
CODE_LENGTH = 6  # 31⁶ ≈ 890 million codes
TTL = 4 * 3600.0  # seconds a class lives after the teacher's last change: a double period and then some
ACTIVE = 45.0  # a student seen within this many seconds counts as following
MAX_LESSON_CHARS = 64 * 1024
STORE_ENV, DIR_ENV, TTL_ENV = "EXPLORER_CLASS_STORE", "EXPLORER_CLASS_DIR", "EXPLORER_CLASS_TTL"


class ClassNotFound(KeyError):
    """No class with that code: it was mistyped, or it has ended or expired."""

    def __str__(self) -> str:
        return f"No class with the code {self.args[0]}: check the code, or the class has ended."


class NotTeacher(PermissionError):
    """A change to a class without its teacher's secret."""


@dataclass(frozen=True)
class ClassView:
    """What a follower's poll reads: the teacher's step, whether the class is paused, the revision."""

    step: int
    paused: bool
    rev: int
    revealed: bool = False  # the step's answer is shown to the class


@dataclass(frozen=True)
class NewClass:
    code: str
    secret: str  # only the teacher's session keeps it; the store keeps its hash


class ClassStore(Protocol):
    def create(self, lesson: str, steps: int) -> NewClass: ...
    def peek(self, code: str) -> ClassView | None: ...
    def lesson(self, code: str) -> str | None: ...
    def set_step(self, code: str, secret: str, step: int) -> ClassView: ...
    def set_paused(self, code: str, secret: str, paused: bool) -> ClassView: ...
    def set_revealed(self, code: str, secret: str, revealed: bool) -> ClassView: ...
    def join(self, code: str, student: str) -> bool: ...
    def students(self, code: str) -> int: ...
    def end(self, code: str, secret: str) -> None: ...
    def sweep(self) -> int: ...


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def new_secret() -> str:
    return secrets.token_urlsafe(24)


def digest(secret: str) -> str:
    """The stored form of a teacher's secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(text: str) -> str | None:
    """What a student typed -> a well-formed code (upper case, no spaces or dashes), or None."""
    code = re.sub(r"[\s\-]", "", str(text or "")).upper()
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def pretty_code(code: str) -> str:
    """K7MQ2P -> K7M-Q2P, easier to read aloud and to copy from a projector."""
    return f"{code[:3]}-{code[3:]}"


def check_new(lesson: str, steps: int) -> None:
    if len(lesson) > MAX_LESSON_CHARS:
        raise ValueError(f"lesson text over {MAX_LESSON_CHARS} characters")
    if not 1 <= steps <= 1000:
        raise ValueError(f"a class needs 1 to 1000 steps, not {steps}")


def check_step(step: int, steps: int) -> None:
    if not isinstance(step, int) or not 0 <= step < steps:
        raise ValueError(f"step {step} is outside 0..{steps - 1}")


def default_dir() -> Path:
    """The SQLite folder: EXPLORER_CLASS_DIR, else one fixed folder under the system temp dir
    (the same for every replica on the host)."""
    return Path(os.environ.get(DIR_ENV) or Path(tempfile.gettempdir()) / "explorer-classes")


def open_store(url: str | None = None, ttl: float | None = None) -> ClassStore:
    """The store named by ``url`` or EXPLORER_CLASS_STORE: ``redis://…`` (or ``rediss://``, ``unix://``)
    for Redis; empty or ``sqlite`` for SQLite in :func:`default_dir`."""
    url = os.environ.get(STORE_ENV, "") if url is None else url
    ttl = env_number(TTL_ENV, TTL, minimum=1) if ttl is None else ttl
    if url.startswith(("redis://", "rediss://", "unix://")):
        from explorer.lessons.store.redis_store import RedisStore

        return RedisStore(url, ttl=ttl)
    if url not in ("", "sqlite"):
        raise ValueError(f"{STORE_ENV} must be empty, 'sqlite' or a redis:// URL, not {url!r}")
    from explorer.lessons.store.sqlite_store import SqliteStore

    return SqliteStore(default_dir() / "classes.sqlite3", ttl=ttl)
