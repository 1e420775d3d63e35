"""The races behind Descent on surfaces' 3-D view: real torch.optim, computed through
:mod:`explorer.ui.reference_pool` (in its worker process when that is on) and kept for the whole process, the
longest run per question, so a move that leaves a run as it was (another racer's setting, fewer steps, a racer added
to the race) does not run it again. (What the pages say about their runs is written in the browser from the runs
it draws: :mod:`explorer.ui.widgets.live_descent`.)

Not ``st.cache_data``: it holds a per-question lock while it computes, and a run waiting aside on the worker with
that lock held would make the next run asking the same question wait for it while holding the script gate, so both
would stand still for the gate's patience (:data:`explorer.ui.script_gate.PATIENCE_S`). Two runs asking at once
both ask the worker instead. Kept runs are shared by every session, so their arrays are read-only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from explorer.descent import Trajectory, race_formula
from explorer.ui import reference_pool

MAX_PATHS = 512  # racers' paths kept per process (a 500-step path is ~20 KB)


class Longest:
    """The longest run kept per key (the least recently used go past ``limit``), any shorter run cut from it."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._runs: OrderedDict[tuple, Trajectory] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple, steps: int):
        """The kept run for ``key`` cut to ``steps`` steps, or None when none is kept that long."""
        with self._lock:
            run = self._runs.get(key)
            if run is not None:
                self._runs.move_to_end(key)
        if run is None or not run.diverged and run.steps_run < steps:
            return None
        return run.first(steps)

    def keep(self, key: tuple, run) -> None:
        _read_only(run)
        with self._lock:
            old = self._runs.get(key)
            if old is None or not old.diverged and (run.diverged or run.steps_run > old.steps_run):
                self._runs[key] = run
            self._runs.move_to_end(key)
            while len(self._runs) > self.limit:
                self._runs.popitem(last=False)

    def __len__(self) -> int:
        return len(self._runs)

    def clear(self) -> None:
        with self._lock:
            self._runs.clear()


PATHS = Longest(MAX_PATHS)  # (formula, start, optimizer, lr, settings) -> that racer's longest path


def run_race(formula: str, start: tuple[float, ...], optimizers: tuple[str, ...], lr: float, steps: int,
             hyper: dict) -> dict[str, Trajectory | ValueError]:
    """Each optimizer's path from one ``start``, stepped together (one backward per step for all of them);
    an optimizer that cannot be made gets its ValueError, and a start where the function is undefined raises one."""
    return paths(formula, start, optimizers, lr, steps, hyper)


def paths(formula: str, start: tuple[float, ...], optimizers, lr: float, steps: int,
          hyper: dict) -> dict[str, Trajectory | ValueError]:
    """Each racer's path: from the kept paths where one covers ``steps``, the others raced together in the worker
    (each racer's path in a race is the one it takes alone, bit for bit)."""
    keys = {name: _key(formula, start, name, lr, hyper[name]) for name in optimizers}
    found = {name: PATHS.get(keys[name], steps) for name in optimizers}
    missing = [name for name in optimizers if found[name] is None]
    if missing:
        racers = {name: (name, float(lr), hyper[name]) for name in missing}
        for name, outcome in reference_pool.run(race_formula, formula, start, racers, int(steps)).items():
            if isinstance(outcome, Trajectory):
                PATHS.keep(keys[name], outcome)
            found[name] = outcome
    return {name: found[name] for name in optimizers}


def _key(formula: str, start, optimizer: str, lr: float, settings: dict) -> tuple:
    return formula, tuple(float(v) for v in start), optimizer, float(lr), tuple(sorted(settings.items()))


def _read_only(run: Trajectory) -> None:
    """Every array of a kept run made read-only: sessions share it."""
    for value in vars(run).values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
