"""The run behind the descent pages: real torch.optim on the chosen function, cached by its plain arguments."""

from __future__ import annotations

import streamlit as st

from explorer.descent import Trajectory, descend
from explorer.expressions import parse


@st.cache_data(max_entries=512, show_spinner=False)
def run(formula: str, start: tuple[float, ...], optimizer: str, lr: float, steps: int, hyper: dict) -> Trajectory:
    """One optimizer's path from ``start``; ValueError when it cannot run (e.g. undefined at the start)."""
    return descend(parse(formula), start, optimizer, float(lr), int(steps), **hyper)
