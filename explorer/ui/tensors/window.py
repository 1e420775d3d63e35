"""The sliding window: a 3×3 kernel moves over a digit in the browser (Components v2, no iframe).

The widget gets the digit, the kernel and its bias (a few kB of JSON) and does the window's
arithmetic itself, so Play and the row/column sliders never rerun the script. When the window stops
(pause, the end, a slider released) it sends its position back as the ``position`` state, which
``show`` copies into the page's ``tensors.wrow``/``tensors.wcol`` so the link keeps it.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import streamlit as st

from explorer.figures.kernels import DIVERGING, PICK, symmetric
from explorer.figures.style import sizes


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


_WINDOW = st.components.v2.component("explorer.sliding_window", css=_asset("window.css"), js=_asset("window.js"))
COLOURS = {"negative": DIVERGING[0][1], "zero": DIVERGING[2][1], "positive": DIVERGING[-1][1], "pick": PICK}
ROW, COL = "tensors.wrow", "tensors.wcol"


def window_data(image, kernel, bias: float, feature_map, position: tuple[int, int], kernel_name: str,
                classroom: bool, target: str) -> dict:
    """The JSON the widget receives: pixels and weights to 6 decimals, the output's colour range, sizes."""
    return {
        "image": np.round(np.asarray(image, dtype=np.float64).reshape(-1), 6).tolist(),  # (784,) row-major
        "kernel": np.round(np.asarray(kernel, dtype=np.float64).reshape(-1), 6).tolist(),  # (9,) row-major
        "bias": round(float(bias), 6),
        "scale": symmetric(feature_map),  # the output map's colours run from -scale to +scale
        "position": [int(position[0]), int(position[1])],
        "kernel_name": kernel_name,
        "colours": COLOURS,
        "sizes": dict(sizes(classroom)),
        "target": target,
    }


def show(image, kernel, bias: float, feature_map, kernel_name: str, classroom: bool,
         key: str = "tensors.window") -> None:
    """Mount the widget at the page's window position; a position it reports becomes the page's."""
    applied = f"_{key}.applied"  # the last reported position taken over: an old report must not undo a link

    def moved() -> None:
        state = st.session_state.get(key)
        at = state.get("position") if hasattr(state, "get") else None
        if not (isinstance(at, (list, tuple)) and len(at) == 2) or list(at) == st.session_state.get(applied):
            return
        st.session_state[applied] = list(at)
        st.session_state[ROW], st.session_state[COL] = (min(max(int(v), 0), 27) for v in at)

    moved()  # also takes a state put into session state directly (as a test does); the callback covers the browser
    position = (st.session_state[ROW], st.session_state[COL])
    _WINDOW(data=window_data(image, kernel, bias, feature_map, position, kernel_name, classroom, key),
            key=key, on_position_change=moved)
