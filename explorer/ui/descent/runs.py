"""The runs behind the descent pages: real torch.optim on the chosen function, cached by their plain arguments."""

from __future__ import annotations

import streamlit as st

from explorer.descent import Trajectory, descend, race
from explorer.expressions import parse


@st.cache_data(max_entries=512, show_spinner=False)
def run(formula: str, start: tuple[float, ...], optimizer: str, lr: float, steps: int, hyper: dict) -> Trajectory:
    """One optimizer's path from ``start``; ValueError when it cannot run (e.g. undefined at the start)."""
    return descend(parse(formula), start, optimizer, float(lr), int(steps), **hyper)


@st.cache_data(max_entries=256, show_spinner=False)
def run_race(formula: str, start: tuple[float, ...], optimizers: tuple[str, ...], lr: float, steps: int,
             hyper: dict) -> dict[str, Trajectory | ValueError]:
    """Each optimizer's path from one ``start``, stepped together (one backward per step for all of them);
    an optimizer that cannot be made gets its ValueError, and a start where the function is undefined raises one."""
    return race(parse(formula), start, {name: (name, float(lr), hyper[name]) for name in optimizers}, int(steps))
