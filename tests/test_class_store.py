"""The class store, SQLite and a real redis-server: codes, the teacher's secret, pause, students, expiry,
and two processes writing at once."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from redis_server import redis_server

from explorer.lessons.store import (
    ALPHABET,
    ClassNotFound,
    NotTeacher,
    normalise_code,
    open_store,
    pretty_code,
)
from explorer.lessons.store.sqlite_store import SqliteStore

LESSON = "lesson: 1\ntitle: t\nsteps: []\n"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(params=["sqlite", "redis"])
def target(request, tmp_path):
    """(how to open the store in any process, the store) for each backend."""
    if request.param == "sqlite":
        spec = ("sqlite", str(tmp_path / "classes.sqlite3"))
    else:
        spec = ("redis", request.getfixturevalue("redis_url"))
    return spec, opened(spec)


def opened(spec, ttl: float = 3600.0):
    kind, where = spec
    return SqliteStore(where, ttl=ttl) if kind == "sqlite" else open_store(where, ttl=ttl)


def test_a_new_class_starts_at_step_0_with_a_short_readable_code(target):
    _, store = target
    new = store.create(LESSON, steps=5)
    assert len(new.code) == 6 and set(new.code) <= set(ALPHABET)
    view = store.peek(new.code)
    assert (view.step, view.paused, view.rev) == (0, False, 0)
    assert store.lesson(new.code) == LESSON
    assert store.peek("ZZZZZZ") is None and store.lesson("ZZZZZZ") is None


def test_only_the_teacher_secret_changes_the_step(target):
    _, store = target
    a, b = store.create(LESSON, steps=5), store.create(LESSON, steps=5)
    assert a.code != b.code
    view = store.set_step(a.code, a.secret, 3)
    assert (view.step, view.rev) == (3, 1)
    with pytest.raises(NotTeacher):
        store.set_step(a.code, b.secret, 1)  # another class's teacher
    with pytest.raises(NotTeacher):
        store.set_paused(a.code, "", True)  # a student has no secret
    with pytest.raises(ValueError, match="outside 0..4"):
        store.set_step(a.code, a.secret, 5)
    with pytest.raises(ClassNotFound, match="No class with the code"):
        store.set_step("ZZZZZZ", a.secret, 1)
    assert store.peek(a.code).step == 3 and store.peek(a.code).rev == 1  # refused changes left no trace


def test_pause_and_resume_bump_the_revision_a_poll_watches(target):
    _, store = target
    new = store.create(LESSON, steps=3)
    assert store.set_paused(new.code, new.secret, True).paused
    view = store.peek(new.code)
    assert view.paused and view.rev == 1
    view = store.set_paused(new.code, new.secret, False)
    assert not view.paused and view.rev == 2 and view.step == 0


def test_a_revealed_answer_is_hidden_again_by_the_next_step(target):
    _, store = target
    new = store.create(LESSON, steps=3)
    assert not store.peek(new.code).revealed
    assert store.set_revealed(new.code, new.secret, True).revealed and store.peek(new.code).revealed
    view = store.set_step(new.code, new.secret, 1)
    assert not view.revealed and not store.peek(new.code).revealed and view.rev == 2
    with pytest.raises(NotTeacher):
        store.set_revealed(new.code, "x", True)


def test_students_are_counted_once_each_and_only_for_a_live_class(target):
    _, store = target
    new = store.create(LESSON, steps=3)
    assert store.students(new.code) == 0
    assert store.join(new.code, "s1") and store.join(new.code, "s2") and store.join(new.code, "s1")
    assert store.students(new.code) == 2
    assert not store.join("ZZZZZZ", "s3")
    store.end(new.code, new.secret)
    assert store.peek(new.code) is None and not store.join(new.code, "s4")


def test_ending_needs_the_secret(target):
    _, store = target
    new = store.create(LESSON, steps=3)
    with pytest.raises(NotTeacher):
        store.end(new.code, "guess")
    assert store.peek(new.code) is not None


def test_sqlite_sweep_deletes_expired_classes(tmp_path):
    now = [1000.0]
    store = SqliteStore(tmp_path / "c.sqlite3", ttl=60.0, clock=lambda: now[0])
    old = store.create(LESSON, steps=2)
    store.join(old.code, "s1")
    now[0] += 30.0
    store.set_step(old.code, old.secret, 1)  # a teacher's change extends the class by the TTL
    now[0] += 61.0
    with pytest.raises(ClassNotFound):  # expired: gone for the teacher at once...
        store.set_step(old.code, old.secret, 0)
    assert store.sweep(force=True) == 1  # ...and deleted by the sweep, students too
    count = store._db().execute("SELECT (SELECT COUNT(*) FROM classes) + (SELECT COUNT(*) FROM students)")
    assert count.fetchone()[0] == 0
    assert store.peek(old.code) is None


def test_sqlite_a_teacher_change_keeps_the_class_alive(tmp_path):
    now = [1000.0]
    store = SqliteStore(tmp_path / "c.sqlite3", ttl=60.0, clock=lambda: now[0])
    new = store.create(LESSON, steps=2)
    for _ in range(3):
        now[0] += 50.0
        store.set_step(new.code, new.secret, 1)
    assert store.peek(new.code) is not None  # 150 s after creation, 50 s after the last change


def test_redis_classes_expire_by_ttl(redis_url):
    store = open_store(redis_url, ttl=0.4)
    new = store.create(LESSON, steps=2)
    store.join(new.code, "s1")
    assert store.peek(new.code) is not None
    assert 0 < store.r.pttl("explorer:class:" + new.code) <= 400
    time.sleep(0.6)
    assert store.peek(new.code) is None and store.lesson(new.code) is None
    assert not store.r.exists("explorer:class:" + new.code + ":students")
    with pytest.raises(ClassNotFound):
        store.set_paused(new.code, new.secret, True)


def _writer(spec, code, secret, n, offset, out):
    """In another process: n step changes on one class and a few new classes."""
    store = opened(spec)
    revs, codes = [], []
    for i in range(n):
        revs.append(store.set_step(code, secret, (i + offset) % 10).rev)
        if i % 10 == 0:
            codes.append(store.create(LESSON, steps=3).code)
    out.put((revs, codes))


def test_two_processes_writing_at_once_lose_no_change(target):
    spec, store = target
    new = store.create(LESSON, steps=10)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    n = 150
    procs = [ctx.Process(target=_writer, args=(spec, new.code, new.secret, n, k, out)) for k in range(2)]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(30)
        assert p.exitcode == 0
    revs = [r for rs, _ in results for r in rs]
    codes = [c for _, cs in results for c in cs]
    assert sorted(revs) == list(range(1, 2 * n + 1))  # every change got its own revision: none lost or merged
    assert store.peek(new.code).rev == 2 * n
    assert len(set(codes)) == len(codes) == 2 * (n // 10)
    assert all(store.peek(c) is not None for c in codes)


def test_codes_typed_by_a_student_are_normalised():
    assert normalise_code(" k7m-q2p ") == "K7MQ2P"
    assert normalise_code("K7M Q2P") == "K7MQ2P"
    assert normalise_code("K7MQ2") is None  # too short
    assert normalise_code("K7MQ20") is None  # 0 is never in a code (it reads as O)
    assert normalise_code("") is None and normalise_code(None) is None
    assert pretty_code("K7MQ2P") == "K7M-Q2P"


def test_the_environment_picks_the_store(tmp_path, monkeypatch, redis_url):
    monkeypatch.setenv("EXPLORER_CLASS_DIR", str(tmp_path / "classes"))
    monkeypatch.delenv("EXPLORER_CLASS_STORE", raising=False)
    sql = open_store()
    assert isinstance(sql, SqliteStore) and sql.path == tmp_path / "classes" / "classes.sqlite3"
    assert sql._db().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    monkeypatch.setenv("EXPLORER_CLASS_STORE", redis_url)
    assert type(open_store()).__name__ == "RedisStore"
    monkeypatch.setenv("EXPLORER_CLASS_STORE", "mysql://x")
    with pytest.raises(ValueError, match="EXPLORER_CLASS_STORE"):
        open_store()


def test_sqlite_starting_classes_sweeps_at_most_once_a_minute(tmp_path):
    now = [1000.0]
    store = SqliteStore(tmp_path / "c.sqlite3", ttl=60.0, clock=lambda: now[0])

    def rows() -> set:
        return {code for (code,) in store._db().execute("SELECT code FROM classes")}

    a = store.create(LESSON, steps=2)  # sweeps (the first time)
    now[0] = 1059.5
    b = store.create(LESSON, steps=2)  # 59.5 s after the last sweep: none
    now[0] = 1061.0
    c = store.create(LESSON, steps=2)  # a minute on: sweeps a, which has expired
    assert rows() == {b.code, c.code} and a.code not in rows()
    now[0] = 1120.5
    d = store.create(LESSON, steps=2)  # b has expired, but the last sweep was 59.5 s ago: it stays a while
    assert rows() == {b.code, c.code, d.code} and store.peek(b.code) is None  # ...gone for everyone already


def test_sqlite_the_sweep_finds_expired_classes_by_an_index(tmp_path):
    store = SqliteStore(tmp_path / "c.sqlite3", ttl=60.0)
    plan = " ".join(row[-1] for row in store._db().execute("EXPLAIN QUERY PLAN DELETE FROM classes WHERE expires <= 1"))
    assert "classes_by_expiry" in plan, plan  # not a scan of every class and its lesson text
