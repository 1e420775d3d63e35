"""One script run at a time per server process: a class's reruns queue instead of sharing the GIL.

Streamlit runs each session's script in its own thread, and all of them share one GIL. Thirty
sessions' scripts running at once gain no CPU from it, and every torch call on the way gives the
GIL up and must win it back from up to thirty runnable threads (each win can wait a whole switch
interval, 5 ms): a rerun that makes a few thousand torch calls — a descent race, a fit — takes
seconds instead of tens of milliseconds, and the class's CPU per rerun doubles. Taking turns, a
run holds the GIL against the event loop's thread alone, and a queued run waits in a lock (no
GIL). A run that holds its turn longer than :data:`PATIENCE_S` (a stuck script) no longer makes
the others wait: they run beside it, as Streamlit would without the gate.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections import deque
from collections.abc import Iterator

from explorer.settings import env_number

PATIENCE_S = 5.0  # how long a queued run waits for its turn before running beside the one ahead
RUNS_AT_ONCE = env_number("EXPLORER_SCRIPT_RUNS", 1, whole=True)  # 0: no gate (every run at once)


class Gate:
    """A first-come, first-served turnstile for ``width`` runs at once, with a patience limit."""

    def __init__(self, width: int = 1, patience_s: float = PATIENCE_S) -> None:
        self.width = width
        self.patience_s = patience_s
        self._lock = threading.Lock()
        self._running = 0
        self._queue: deque[threading.Event] = deque()
        self._held = threading.local()  # .turns: per turn this thread is in, whether it holds its place now

    @contextlib.contextmanager
    def turn(self) -> Iterator[bool]:
        """Hold a turn for the block; yields whether the turn was given (False: ran beside after waiting too long)."""
        place = [self._wait()]
        turns = self._held.__dict__.setdefault("turns", [])
        turns.append(place)
        try:
            yield place[0]
        finally:
            turns.pop()
            if place[0]:
                self._leave()

    @contextlib.contextmanager
    def aside(self) -> Iterator[None]:
        """Give this thread's turn up for the block (it waits on something else, e.g. another process), then take
        the next free turn, ahead of runs that have not started: the others run meanwhile, and a run that had its
        turn finishes before new ones begin."""
        turns = getattr(self._held, "turns", None)
        if not turns or not turns[-1][0]:
            yield
            return
        place = turns[-1]
        self._leave()
        place[0] = False
        try:
            yield
        finally:
            place[0] = self._wait(first=True)

    def _wait(self, first: bool = False) -> bool:
        with self._lock:
            if self._running < self.width and not self._queue:
                self._running += 1
                return True
            ticket = threading.Event()
            if first:  # a run coming back from aside(): it had its turn already
                self._queue.appendleft(ticket)
            else:
                self._queue.append(ticket)
        if ticket.wait(self.patience_s):
            return True  # _leave handed its place to this ticket
        with self._lock:
            if ticket.is_set():  # handed over while timing out
                return True
            self._queue.remove(ticket)
        return False

    def _leave(self) -> None:
        with self._lock:
            if self._queue:
                self._queue.popleft().set()  # the place passes on: _running stays the same
            else:
                self._running -= 1

    @property
    def waiting(self) -> int:
        return len(self._queue)


GATE = Gate(RUNS_AT_ONCE) if RUNS_AT_ONCE > 0 else None


def turn() -> contextlib.AbstractContextManager:
    """This process's turn for one script run (no wait when the gate is off)."""
    return GATE.turn() if GATE is not None else contextlib.nullcontext(True)


def aside() -> contextlib.AbstractContextManager:
    """Step out of the line while this run waits without the GIL (no-op when the gate is off or not held)."""
    return GATE.aside() if GATE is not None else contextlib.nullcontext()


class _SessionLock:
    """A lock that lives while some run of its session holds a reference to it."""

    __slots__ = ("lock", "__weakref__")

    def __init__(self) -> None:
        self.lock = threading.Lock()


_sessions: weakref.WeakValueDictionary[str, _SessionLock] = weakref.WeakValueDictionary()
_sessions_lock = threading.Lock()


@contextlib.contextmanager
def session_turn(session_id: str, patience_s: float = PATIENCE_S) -> Iterator[bool]:
    """One run at a time per session, whatever the gate does: a run that stepped aside can still be finishing
    (it stops at its next element) when Streamlit starts the session's next run, and the two runs' elements must
    not interleave in the browser. Yields whether the turn was given (False after ``patience_s``, as the gate)."""
    with _sessions_lock:
        held = _sessions.get(session_id)
        if held is None:
            held = _sessions[session_id] = _SessionLock()
    given = held.lock.acquire(timeout=patience_s)
    try:
        yield given
    finally:
        if given:
            held.lock.release()
