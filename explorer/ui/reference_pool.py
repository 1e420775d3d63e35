"""Work a script run must wait for, in a worker process: a new class's join QR code (segno's mask search, about
4 ms of pure Python), what torch.optim refuses of a descent page's runs (a 0-step race: a run's tiny torch calls
cost several times more in the server, where each hands the GIL to the busy event loop), Denoise and inpaint's
networks on a new question (explorer/models_by_weights.py), and torch.optim reference runs (no page asks for
whole runs now: the descent pages' runs are made in the browser).

In the server process such time is taken from every other session's script. :func:`run` sends the call to a
worker process instead (the same function, the same torch, the same float64: the result is the one the server
would have computed) and, while it waits, gives its turn at the script gate to the next run. In the worker
(:mod:`explorer.reference_worker`) the torch.optim runs of a whole class step together, each answered as soon as
its own last step is done.

The worker is started in the background by the first call; until it has imported torch, and
whenever it cannot answer (it died, or it takes longer than :data:`TIMEOUT_S`), calls run here as
before. ``EXPLORER_REFERENCE_WORKERS=0`` turns it off (every call runs here); more than one starts that
many, each call going to the one with the fewest calls open.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

from explorer.settings import env_number
from explorer.ui import script_gate

_LOG = logging.getLogger(__name__)
WORKERS = env_number("EXPLORER_REFERENCE_WORKERS", 1, whole=True)  # 0: every call in the server
TIMEOUT_S = 30.0  # a call the worker has not answered by then runs here instead
START_TIMEOUT_S = 120.0  # spawning a worker imports torch: seconds on a busy machine
RETRY_S = 60.0  # after a worker failed to start, how long calls run here before another try

T = TypeVar("T")
_lock = threading.Lock()
_pool: _Pool | None = None  # set once the worker has answered its warm-up call
_starting = False
_failed_at = -RETRY_S  # monotonic time of the last failed start


def run(fn: Callable[..., T], *args, **kwargs) -> T:
    """``fn(*args, **kwargs)``, computed by the worker process when it is up (else here).

    ``fn`` must be a module-level function and its arguments plain data (they travel pickled).
    An exception ``fn`` raises reaches the caller as it is, from either place. Never call it inside
    ``st.cache_data``/``st.cache_resource``: their per-key lock, held while this run waits aside, would make
    a run asking the same question hold the gate while it waits.
    """
    pool = _ready_pool()
    if pool is None:
        return fn(*args, **kwargs)
    try:
        future = pool.submit(fn, *args, **kwargs)
    except WorkerGone:  # the worker died: start another
        _forget(pool)
        return fn(*args, **kwargs)
    with script_gate.aside():  # no GIL is needed to wait: the next session's run goes meanwhile
        try:
            return future.result(timeout=TIMEOUT_S)
        except WorkerGone:
            broken = True
        except Unanswered:  # it could not compute this one (it says why in its log)
            return fn(*args, **kwargs)
        except TimeoutError:
            broken = False
    if broken:
        _forget(pool)
    _LOG.warning("the reference worker did not answer %s; computing it in the server", getattr(fn, "__name__", fn))
    return fn(*args, **kwargs)


def run_unless_declined(fn: Callable[..., T | None], *args) -> T:
    """:func:`run`, where ``fn`` answers None in a process that has not what the call needs (the worker without the
    asker's model: explorer/models_by_weights.py): then it is computed here."""
    answer = run(fn, *args)
    return fn(*args) if answer is None else answer


def worker_pid() -> int | None:
    """The worker process's id once it is up (for tests and the bench), else None."""
    pool = _pool
    if pool is None:
        return None
    return pool.submit(os.getpid).result(timeout=TIMEOUT_S)


def wait_ready(timeout_s: float = START_TIMEOUT_S) -> bool:
    """Start the worker if needed and wait until it answers (tests, the bench); False if it is off or not up."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if _ready_pool() is not None:
            return True
        if WORKERS <= 0:
            return False
        time.sleep(0.05)
    return False


def _ready_pool() -> _Pool | None:
    """The worker pool if it is up; otherwise start it in the background (once) and return None."""
    global _starting
    if WORKERS <= 0:
        return None
    if _pool is not None:
        return _pool
    with _lock:
        if not _starting and time.monotonic() - _failed_at >= RETRY_S:
            _starting = True
            threading.Thread(target=_start, name="explorer-reference-pool", daemon=True).start()
    return None


def _start() -> None:
    global _pool, _starting, _failed_at
    pool = _Pool()
    try:
        pool.spawn(WORKERS)
        for warming in [worker.submit(_warm) for worker in pool.workers]:  # all start at once
            warming.result(timeout=START_TIMEOUT_S)
    except Exception as err:  # noqa: BLE001 — no worker then: every call runs in the server, as before
        _LOG.warning("the reference worker did not start (%s); references run in the server", err)
        pool.shutdown()
        with _lock:
            _starting, _failed_at = False, time.monotonic()
        return
    with _lock:
        _pool, _starting = pool, False


def _forget(pool: _Pool) -> None:
    """Drop a broken pool; the next call starts a new worker."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    pool.shutdown()


class WorkerGone(RuntimeError):
    """The worker process ended (or its pipe broke) before it answered."""


class Unanswered(RuntimeError):
    """The worker could not compute this call; the asker computes it."""


class _Worker:
    """One worker process (spawned: a fresh interpreter, not a fork of a server with threads and torch state), its
    pipe, and the calls it has not answered yet; a thread reads its answers as they come."""

    def __init__(self) -> None:
        from explorer.reference_worker import serve

        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, os.getpid()), name="explorer-reference",
                                       daemon=True)
        self.process.start()
        child.close()
        self.open: dict[int, Future] = {}
        self._ids = itertools.count()
        self._send = threading.Lock()
        self.gone = False
        threading.Thread(target=self._read, name="explorer-reference-answers", daemon=True).start()

    def submit(self, fn: Callable, *args, **kwargs) -> Future:
        future: Future = Future()
        with self._send:
            if self.gone:
                raise WorkerGone("the reference worker has ended")
            rid = next(self._ids)
            self.open[rid] = future
            try:
                self.conn.send((rid, fn, args, kwargs))
            except OSError as err:
                self._end()
                raise WorkerGone(str(err)) from None
            except Exception:
                del self.open[rid]  # e.g. an argument that does not pickle: the caller's own error
                raise
        return future

    def _read(self) -> None:
        while True:
            try:
                rid, ok, value = self.conn.recv()
            except (EOFError, OSError):
                break
            future = self.open.pop(rid, None)
            if future is None or future.done():
                continue
            if ok is True:
                future.set_result(value)
            else:
                future.set_exception(value if ok is False else Unanswered("the reference worker could not compute it"))
        self._end()

    def _end(self) -> None:
        self.gone = True
        for future in list(self.open.values()):
            if not future.done():
                future.set_exception(WorkerGone("the reference worker has ended"))
        self.open.clear()

    def shutdown(self) -> None:
        self.gone = True
        self.process.terminate()  # its end of the pipe closes: the reading thread sees it and stops
        self.conn.close()


class _Pool:
    """The workers; a call goes to the one with the fewest calls open."""

    def __init__(self) -> None:
        self.workers: list[_Worker] = []

    def spawn(self, n: int) -> None:
        for _ in range(max(1, n)):
            self.workers.append(_Worker())  # one that fails to start leaves those before it to shutdown()

    def submit(self, fn: Callable, *args, **kwargs) -> Future:
        worker = min(self.workers, key=lambda w: len(w.open))
        return worker.submit(fn, *args, **kwargs)

    def shutdown(self) -> None:
        for worker in self.workers:
            worker.shutdown()


def _warm() -> int:
    """In the worker: what the first call would wait on (torch, the optimizers, the parser, the restorers)."""
    from explorer.descent import descend
    from explorer.expressions import parse
    from explorer.models_by_weights import preload

    descend(parse("x^2"), (1.0,), "adam", 0.1, 2)
    preload()
    return os.getpid()
