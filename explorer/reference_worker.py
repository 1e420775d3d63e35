"""The reference worker's loop, in a process of its own: calls arrive on a pipe and answers go back on it.

A reference run (a descent page's race, Fit a line's training) joins the one :class:`~explorer.lanes.Runner`
as lanes and steps with every other run then in progress; it is answered the moment its own last step is
recorded, so a short run never waits behind a long one and thirty students' runs share each step's fixed
cost. Any other call (a join QR code) runs as it arrives, between two steps.

A message is ``(id, fn, args, kwargs)``; an answer ``(id, ok, value)``: ``ok`` True with the result, False with
the exception ``fn`` raised, or None when the worker could not compute it (the asker then computes it itself).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from multiprocessing.connection import Connection

import torch

from explorer.descent import race_formula, race_formula_job
from explorer.fitline import train, train_job
from explorer.lanes import Job, Runner

_LOG = logging.getLogger(__name__)
JOBS = {race_formula: race_formula_job, train: train_job}  # a call of the key, answered by the same run as lanes
MAX_PROBLEMS = 256  # functions kept for sharing while runs go on (all are let go whenever the worker is idle)


def serve(conn: Connection, parent: int) -> None:
    """The worker process's main: answer calls until the pipe closes or the parent is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    threading.Thread(target=_watch, args=(parent,), name="parent-watch", daemon=True).start()
    torch.set_num_threads(1)
    runner, asked, problems = Runner(), {}, {}
    while True:
        if not runner:
            problems.clear()
        wait = 0 if runner else None  # idle: sleep until a call comes
        while conn.poll(wait):
            try:
                message = conn.recv()
            except (EOFError, OSError):
                return
            _take(conn, message, runner, asked, problems)
            wait = 0
        if not runner:
            continue
        try:
            finished = runner.step()
        except Exception:  # noqa: BLE001 — a function that fails mid-run: every asker computes its own run instead
            _LOG.exception("a reference step failed; its askers compute their runs themselves")
            for job in list(asked):
                _send(conn, asked.pop(job), None, None)
            runner = Runner()
            continue
        for job in finished:
            _answer(conn, asked.pop(job), job)


def _take(conn: Connection, message, runner: Runner, asked: dict, problems: dict) -> None:
    rid, fn, args, kwargs = message
    make = JOBS.get(fn)
    try:
        if make is None:
            _send(conn, rid, True, fn(*args, **kwargs))
            return
        if len(problems) > MAX_PROBLEMS:
            problems.clear()  # runs already joined keep theirs; later ones share anew
        job = make(*args, problems=problems, **kwargs)
    except Exception as err:  # noqa: BLE001 — the asker gets the exception as it is
        _send(conn, rid, False, err)
        return
    if job.done:  # every optimizer was refused: nothing to step
        _answer(conn, rid, job)
        return
    runner.add(job)
    asked[job] = rid


def _answer(conn: Connection, rid: int, job: Job) -> None:
    try:
        value = job.answer(job.lanes)
    except Exception as err:  # noqa: BLE001 — e.g. a function undefined at the start: the asker's ValueError
        _send(conn, rid, False, err)
        return
    _send(conn, rid, True, value)


def _send(conn: Connection, rid: int, ok: bool | None, value) -> None:
    try:
        conn.send((rid, ok, value))
    except (OSError, ValueError):  # the pipe is gone: the loop ends at its next read
        pass
    except Exception:  # noqa: BLE001 — a value that does not pickle: the asker computes it itself
        conn.send((rid, None, None))


def _watch(parent: int) -> None:
    """Exit when the server that started this worker is gone."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)
