"""The runs behind the descent pages: real torch.optim on the chosen function, computed through
:mod:`explorer.ui.reference_pool` (in its worker process when that is on) and kept per racer, so a move that leaves a racer's path as it was
(another racer's setting, fewer steps, a racer added to the race) does not run it again."""

from __future__ import annotations

import threading
from collections import OrderedDict

import streamlit as st

from explorer.descent import Trajectory, race_formula
from explorer.ui import reference_pool

MAX_PATHS = 512  # racers' paths kept per process (a 500-step path is ~20 KB)
_paths: OrderedDict[tuple, Trajectory] = OrderedDict()  # (formula, start, optimizer, lr, settings) -> longest run
_lock = threading.Lock()


@st.cache_data(max_entries=512, show_spinner=False)
def run(formula: str, start: tuple[float, ...], optimizer: str, lr: float, steps: int, hyper: dict) -> Trajectory:
    """One optimizer's path from ``start``; ValueError when it cannot run (e.g. undefined at the start)."""
    outcome = paths(formula, start, (optimizer,), lr, steps, {optimizer: hyper})[optimizer]
    if isinstance(outcome, ValueError):
        raise outcome
    return outcome


@st.cache_data(max_entries=256, show_spinner=False)
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
    found = {name: known(keys[name], steps) for name in optimizers}
    missing = [name for name in optimizers if found[name] is None]
    if missing:
        racers = {name: (name, float(lr), hyper[name]) for name in missing}
        for name, outcome in reference_pool.run(race_formula, formula, start, racers, int(steps)).items():
            if isinstance(outcome, Trajectory):
                _keep(keys[name], outcome)
            found[name] = outcome
    return {name: found[name] for name in optimizers}


def known(key: tuple, steps: int) -> Trajectory | None:
    """The kept path for ``key`` cut to ``steps`` steps, or None when none is kept that long."""
    with _lock:
        path = _paths.get(key)
        if path is not None:
            _paths.move_to_end(key)
    if path is None or not path.diverged and path.steps_run < steps:
        return None
    return path.first(steps)


def _keep(key: tuple, path: Trajectory) -> None:
    with _lock:
        old = _paths.get(key)
        if old is None or not old.diverged and (path.diverged or path.steps_run > old.steps_run):
            _paths[key] = path
        _paths.move_to_end(key)
        while len(_paths) > MAX_PATHS:
            _paths.popitem(last=False)


def _key(formula: str, start, optimizer: str, lr: float, settings: dict) -> tuple:
    return formula, tuple(float(v) for v in start), optimizer, float(lr), tuple(sorted(settings.items()))
