"""The class store in Redis, for replicas on several hosts: one hash per class, expired by Redis (TTL).

``explorer:class:<code>`` holds the secret's hash, the lesson, the step count, the step, the paused
flag and the revision; ``…:students`` is a sorted set of student ids scored by when each was last
seen. A teacher's change checks the secret and writes inside one WATCH/MULTI transaction, so a
change never lands on a class that expired or was replaced in between.
"""

from __future__ import annotations

import time

import redis

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

PREFIX = "explorer:class:"


class _Taken(Exception):
    """The drawn code belongs to a live class."""


class RedisStore:
    """:class:`explorer.lessons.store.ClassStore` on a Redis server."""

    def __init__(self, url: str, ttl: float = TTL):
        self.ttl_ms = int(ttl * 1000)
        self.r = redis.Redis.from_url(url, decode_responses=True, socket_timeout=5, socket_connect_timeout=5,
                                      health_check_interval=30)

    @staticmethod
    def _keys(code: str) -> tuple[str, str]:
        return PREFIX + code, PREFIX + code + ":students"

    def create(self, lesson: str, steps: int) -> NewClass:
        check_new(lesson, steps)
        secret = new_secret()
        fields = {"secret": digest(secret), "lesson": lesson, "steps": steps, "step": 0, "paused": 0, "revealed": 0,
                  "rev": 0}
        for _ in range(20):
            key, _ = self._keys(code := new_code())

            def claim(p: redis.client.Pipeline, key: str = key):
                if p.exists(key):  # a clash among 890 million codes is rare; try another
                    raise _Taken
                p.multi()
                p.hset(key, mapping=fields).pexpire(key, self.ttl_ms)

            try:
                self.r.transaction(claim, key)  # the hash and its TTL appear together, or not at all
                return NewClass(code, secret)
            except _Taken:
                continue
        raise RuntimeError("no free class code found")

    def peek(self, code: str) -> ClassView | None:
        step, paused, rev, revealed = self.r.hmget(self._keys(code)[0], "step", "paused", "rev", "revealed")
        return None if rev is None else ClassView(int(step), paused == "1", int(rev), revealed == "1")

    def lesson(self, code: str) -> str | None:
        return self.r.hget(self._keys(code)[0], "lesson")

    def _change(self, code: str, secret: str, name: str, value: int, step: bool = False) -> ClassView:
        key, students = self._keys(code)

        def work(p: redis.client.Pipeline):
            held, steps = p.hmget(key, "secret", "steps")
            if held is None:
                raise ClassNotFound(code)
            if held != digest(secret):
                raise NotTeacher("only the teacher who started this class can change it")
            if step:
                check_step(value, int(steps))
            p.multi()
            p.hset(key, mapping={name: value, **({"revealed": 0} if step else {})})  # a new step: answer hidden
            p.hincrby(key, "rev", 1).hmget(key, "step", "paused", "revealed")
            p.pexpire(key, self.ttl_ms).pexpire(students, self.ttl_ms)

        _, rev, (now_step, paused, revealed), *_ = self.r.transaction(work, key)
        return ClassView(int(now_step), paused == "1", int(rev), revealed == "1")

    def set_step(self, code: str, secret: str, step: int) -> ClassView:
        return self._change(code, secret, "step", step, step=True)

    def set_paused(self, code: str, secret: str, paused: bool) -> ClassView:
        return self._change(code, secret, "paused", int(bool(paused)))

    def set_revealed(self, code: str, secret: str, revealed: bool) -> ClassView:
        return self._change(code, secret, "revealed", int(bool(revealed)))

    def join(self, code: str, student: str) -> bool:
        """Count ``student`` as following (again); False when the class does not exist."""
        key, students = self._keys(code)
        left = self.r.pttl(key)  # -2: no such class
        if left < 0:
            return False
        with self.r.pipeline() as p:
            p.zadd(students, {student[:64]: time.time()}).pexpire(students, max(left, 1)).execute()
        return True

    def students(self, code: str) -> int:
        return int(self.r.zcount(self._keys(code)[1], time.time() - ACTIVE, "+inf"))

    def end(self, code: str, secret: str) -> None:
        key, students = self._keys(code)

        def work(p: redis.client.Pipeline):
            held = p.hget(key, "secret")
            if held is None:
                raise ClassNotFound(code)
            if held != digest(secret):
                raise NotTeacher("only the teacher who started this class can change it")
            p.multi()
            p.delete(key, students)

        self.r.transaction(work, key)

    def sweep(self) -> int:
        """Redis expires classes itself (TTL); nothing to sweep."""
        return 0
