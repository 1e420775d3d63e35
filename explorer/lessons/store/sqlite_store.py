"""The class store in one SQLite file (stdlib sqlite3, WAL): every process on the host shares it.

One connection per thread (Streamlit runs each session's script in its own thread); writes are
single statements or ``BEGIN IMMEDIATE`` transactions, so two processes never interleave a
change; WAL lets the followers' polls read while a teacher writes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from explorer.lessons.store import (
    ACTIVE,
    TTL,
    ClassNotFound,
    ClassView,
    NewClass,
    NotTeacher,
    check_new,
    check_step,
    digest,
    new_code,
    new_secret,
)

SWEEP_EVERY = 60.0  # seconds between sweeps of expired classes
SCHEMA = """
CREATE TABLE IF NOT EXISTS classes (
    code TEXT PRIMARY KEY, secret TEXT NOT NULL, lesson TEXT NOT NULL, steps INTEGER NOT NULL,
    step INTEGER NOT NULL DEFAULT 0, paused INTEGER NOT NULL DEFAULT 0, revealed INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL DEFAULT 0,
    expires REAL NOT NULL);
CREATE TABLE IF NOT EXISTS students (
    code TEXT NOT NULL, student TEXT NOT NULL, seen REAL NOT NULL, PRIMARY KEY (code, student));
CREATE INDEX IF NOT EXISTS classes_by_expiry ON classes (expires);
"""  # the sweep finds expired classes by the index, not by reading every lesson stored


class SqliteStore:
    """:class:`explorer.lessons.store.ClassStore` on a SQLite file."""

    def __init__(self, path: str | Path, ttl: float = TTL, clock: Callable[[], float] = time.time):
        self.path, self.ttl, self.clock = Path(path), float(ttl), clock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._last_sweep = 0.0
        with self._db() as db:
            db.executescript(SCHEMA)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable enough for a class, no fsync per step
            self._local.db = db
        return db

    def create(self, lesson: str, steps: int) -> NewClass:
        check_new(lesson, steps)
        self.sweep()  # at most once a minute, as every other call: starting a class need not wait for it
        secret = new_secret()
        for _ in range(20):  # a clash among 890 million codes is rare; try again on one
            code = new_code()
            try:
                self._db().execute("INSERT INTO classes (code, secret, lesson, steps, expires) VALUES (?, ?, ?, ?, ?)",
                                   (code, digest(secret), lesson, steps, self.clock() + self.ttl))
                return NewClass(code, secret)
            except sqlite3.IntegrityError:
                continue
        raise RuntimeError("no free class code found")

    def peek(self, code: str) -> ClassView | None:
        row = self._db().execute("SELECT step, paused, rev, revealed FROM classes WHERE code = ? AND expires > ?",
                                 (code, self.clock())).fetchone()
        self.sweep()
        return None if row is None else ClassView(row[0], bool(row[1]), row[2], bool(row[3]))

    def lesson(self, code: str) -> str | None:
        row = self._db().execute("SELECT lesson FROM classes WHERE code = ? AND expires > ?",
                                 (code, self.clock())).fetchone()
        return None if row is None else row[0]

    def _verified(self, db: sqlite3.Connection, code: str, secret: str) -> int:
        """Inside a write transaction: the class's step count, once the secret is the teacher's."""
        row = db.execute("SELECT secret, steps FROM classes WHERE code = ? AND expires > ?",
                         (code, self.clock())).fetchone()
        if row is None:
            raise ClassNotFound(code)
        if row[0] != digest(secret):
            raise NotTeacher("only the teacher who started this class can change it")
        return row[1]

    def _write(self, work: Callable[[sqlite3.Connection], object]):
        db = self._db()
        db.execute("BEGIN IMMEDIATE")  # takes the write lock now: no other process can change the row between
        try:
            out = work(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return out

    def _change(self, code: str, secret: str, assignment: str, value: int, step: bool = False) -> ClassView:
        def work(db):
            steps = self._verified(db, code, secret)
            if step:
                check_step(value, steps)
            hide = ", revealed = 0" if step else ""  # a new step starts with its answer hidden
            return db.execute(f"UPDATE classes SET {assignment} = ?{hide}, rev = rev + 1, expires = ? WHERE code = ? "
                              "RETURNING step, paused, rev, revealed", (value, self.clock() + self.ttl, code)).fetchone()
        out = self._write(work)
        return ClassView(out[0], bool(out[1]), out[2], bool(out[3]))

    def set_step(self, code: str, secret: str, step: int) -> ClassView:
        return self._change(code, secret, "step", step, step=True)

    def set_paused(self, code: str, secret: str, paused: bool) -> ClassView:
        return self._change(code, secret, "paused", int(bool(paused)))

    def set_revealed(self, code: str, secret: str, revealed: bool) -> ClassView:
        return self._change(code, secret, "revealed", int(bool(revealed)))

    def join(self, code: str, student: str) -> bool:
        """Count ``student`` as following (again); False when the class does not exist."""
        now = self.clock()
        cur = self._db().execute("INSERT INTO students (code, student, seen) SELECT ?, ?, ? WHERE EXISTS "
                                 "(SELECT 1 FROM classes WHERE code = ? AND expires > ?) "
                                 "ON CONFLICT (code, student) DO UPDATE SET seen = excluded.seen",
                                 (code, student[:64], now, code, now))
        return cur.rowcount > 0

    def students(self, code: str) -> int:
        row = self._db().execute("SELECT COUNT(*) FROM students WHERE code = ? AND seen > ?",
                                 (code, self.clock() - ACTIVE)).fetchone()
        return int(row[0])

    def end(self, code: str, secret: str) -> None:
        def work(db):
            self._verified(db, code, secret)
            db.execute("DELETE FROM classes WHERE code = ?", (code,))
            db.execute("DELETE FROM students WHERE code = ?", (code,))
        self._write(work)

    def sweep(self, force: bool = False) -> int:
        """Delete expired classes and their students; at most once a minute unless forced."""
        now = self.clock()
        if not force and now - self._last_sweep < SWEEP_EVERY:
            return 0
        self._last_sweep = now

        def work(db):
            gone = db.execute("DELETE FROM classes WHERE expires <= ?", (now,)).rowcount
            db.execute("DELETE FROM students WHERE code NOT IN (SELECT code FROM classes) OR seen <= ?",
                       (now - self.ttl,))
            return gone
        return self._write(work)
