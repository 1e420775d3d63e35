"""Background training: a broken checkpoint retrains in a worker thread while the app keeps serving.

``request(name, dataset, reason)`` queues one job per model (a second request returns the same job,
so every session sees one training); one worker thread per process trains them one at a time, the
model pages need first first (``PRIORITY``: the 2-D VAE before the rest), so two trainings never
share the two cores. Across processes on one host (replicas) a lock file in the models folder lets
one process train a model while the others wait for it and then load what it saved. A job reports
its epoch, loss and time left as it goes; a failed one keeps its reason until ``retry``.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from torch import nn

from explorer import zoo

try:
    import fcntl
except ImportError:  # not POSIX: no lock across processes (one process still trains each model once)
    fcntl = None

PRIORITY = ("vae", "classifier", "denoiser", "inpainter", "ae", "vae8", "vae16")  # what the pages need first


class Cancelled(Exception):
    """A job was stopped (see :func:`cancel_all`)."""


@dataclass
class Job:
    """One model's training as the pages see it."""

    name: str
    dataset: str
    reason: str  # why the checkpoint could not be used
    root: str | None = None
    state: str = "queued"  # queued | training | done | failed
    epoch: int = 0
    epochs: int = 0
    loss: float | None = None
    started: float | None = None
    seconds: float = 0.0  # training time so far
    error: str | None = None  # why it failed
    message: str | None = None  # what happened, once done (saved, or kept in memory)
    model: nn.Module | None = None  # the trained model when it could not be saved
    attempts: int = 1
    cancelled: bool = field(default=False, repr=False)

    def seconds_left(self) -> float | None:
        """From the time per epoch so far; None before the first epoch ends."""
        if self.epoch <= 0 or not self.epochs:
            return None
        return self.seconds / self.epoch * (self.epochs - self.epoch)


_jobs: dict[tuple[str, str, str], Job] = {}
_wake = threading.Condition()
_worker: threading.Thread | None = None


def _key(name: str, dataset: str, root) -> tuple[str, str, str]:
    return name, dataset, str(zoo.models_dir(root).resolve())


def job(name: str, dataset: str, root: str | None = None) -> Job | None:
    """The job for this model, if one was ever requested in this process."""
    return _jobs.get(_key(name, dataset, root))


def request(name: str, dataset: str, reason: str, root: str | None = None) -> Job:
    """Queue a training of ``name`` (once: later requests get the same job, whatever its state)."""
    key = _key(name, dataset, root)
    with _wake:
        if key not in _jobs:
            _jobs[key] = Job(name, dataset, reason, root)
            _start_worker()
            _wake.notify_all()
        return _jobs[key]


def retry(name: str, dataset: str, root: str | None = None) -> Job | None:
    """Queue a failed job again."""
    with _wake:
        j = _jobs.get(_key(name, dataset, root))
        if j is not None and j.state == "failed":
            j.state, j.error, j.epoch, j.loss, j.cancelled = "queued", None, 0, None, False
            j.attempts += 1
            _start_worker()
            _wake.notify_all()
        return j


def waiting_for(j: Job) -> list[str]:
    """The models queued or training before ``j`` (it trains when they are done)."""
    with _wake:
        ahead = [o for o in _jobs.values() if o is not j and o.state in ("queued", "training")]
    return [o.name for o in ahead if o.state == "training" or _rank(o) < _rank(j)]


def cancel_all() -> None:
    """Stop every job at its next epoch and forget them all (tests; a training's thread ends soon after)."""
    with _wake:
        for j in _jobs.values():
            j.cancelled = True
        _jobs.clear()
        _wake.notify_all()


def _rank(j: Job) -> int:
    return PRIORITY.index(j.name) if j.name in PRIORITY else len(PRIORITY)


def _start_worker() -> None:
    global _worker
    if _worker is None:
        _worker = threading.Thread(target=_work, name="explorer-training", daemon=True)
        _worker.start()


def _work() -> None:
    global _worker
    while True:
        with _wake:
            queued = [j for j in _jobs.values() if j.state == "queued"]
            if not queued:
                _wake.wait(timeout=30)
                if not any(o.state == "queued" for o in _jobs.values()):  # idle: the next request starts a worker
                    _worker = None
                    return
                continue
            j = min(queued, key=_rank)
            j.state, j.started = "training", time.monotonic()
        _run(j)


def _run(j: Job) -> None:
    try:
        with _host_lock(j):
            try:  # another process may have trained it while this one waited for the lock
                zoo.load(j.name, j.dataset, j.root)
                j.message, j.state = f"{j.reason}; another process trained and saved a fresh model.", "done"
                return
            except zoo.CheckpointError:
                pass
            model, record = zoo.train_model(j.name, j.dataset, progress=lambda e, n, m: _progress(j, e, n, m))
            try:
                zoo.save(j.name, model, j.dataset, record=record, root=j.root)
                j.message = f"{j.reason}; trained and saved a fresh model ({record['train_seconds']:.0f} s)."
            except OSError as err:  # a read-only folder: serve the model from memory
                j.model = model
                j.message = (f"{j.reason}; trained a fresh model ({record['train_seconds']:.0f} s) but could not "
                             f"save it ({err}).")
            j.state = "done"
    except Cancelled:
        j.state, j.error = "failed", "stopped"
    except Exception as err:  # noqa: BLE001 - any failure is shown on the page with a retry, never raised
        j.state, j.error = "failed", f"{type(err).__name__}: {err}"


def _progress(j: Job, epoch: int, epochs: int, metrics: dict) -> None:
    if j.cancelled:
        raise Cancelled
    j.epoch, j.epochs, j.loss, j.seconds = epoch, epochs, float(metrics["loss"]), float(metrics["seconds"])


@contextlib.contextmanager
def _host_lock(j: Job):
    """An exclusive lock on ``.training-<model>-<dataset>.lock`` in the models folder (none where it can't be made)."""
    folder = zoo.models_dir(j.root)
    path = Path(folder) / f".training-{j.name}-{j.dataset}.lock"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:  # a read-only folder: this process trains on its own
        yield
        return
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock
