"""State of the latent page: its URL table, the clicked z, and the cached codes and base map."""

from __future__ import annotations

import json
from importlib.util import find_spec

import numpy as np
import streamlit as st
from torch import nn

from explorer import latent
from explorer.data import digits
from explorer.figures import latent as figs
from explorer.ui import url_state
from explorer.ui.url_state import Param

DATASET = "mnist-5k"
MAP_KEY = "latent.map"  # the map chart's selection state
_APPLIED = "_latent.applied"  # the last selection turned into z (a stale one must not undo a slider)
_CLICKABLE = {figs.GRID_CURVE, *figs.CLASS_CURVES}  # not the marker or overlays drawn on top
Z_LIMIT = 50.0  # URL sanity bound; the sliders clamp z to the map's range
SECTIONS = ("Manifold", "Interpolate", "Sampling", "Encode", "AE vs VAE", "More latents", "Live map")

PARAMS = [
    Param("latent.z1", float, 0.0, lo=-Z_LIMIT, hi=Z_LIMIT),  # the decoded point: sliders and clicks
    Param("latent.z2", float, 0.0, lo=-Z_LIMIT, hi=Z_LIMIT),
    Param("latent.prev", "floats", (), lo=-Z_LIMIT, hi=Z_LIMIT),  # the click before: one end of a path
    Param("latent.section", str, "Manifold", choices=SECTIONS),
    Param("latent.spacing", str, "linear", choices=latent.SPACINGS),
    Param("latent.path", str, "digits", choices=("digits", "clicks")),
    Param("latent.from", int, 1, lo=0, hi=9),
    Param("latent.to", int, 7, lo=0, hi=9),
    Param("latent.steps", int, 10, lo=3, hi=16),
    Param("latent.digit", int, 3, lo=0, hi=9),
    Param("latent.example", int, 0, lo=0, hi=99),
    Param("latent.samples", int, 200, lo=10, hi=1000),
    Param("latent.seed", int, 0, lo=0, hi=1_000_000),
]


def keep_values() -> None:
    """Re-assign every control's value to itself before url_state.restore, so the widgets of a
    section that is not shown keep their values: Streamlit drops an unrendered widget's value and
    would bring back the last value a script assigned, not the last one the user chose."""
    for p in PARAMS:
        if p.key in st.session_state:
            st.session_state[p.key] = st.session_state[p.key]


def sections() -> tuple[str, ...]:
    """The section tabs; "Live map" only when its component (issue 8) is installed."""
    has_live = find_spec("explorer.ui.live_map") is not None
    return SECTIONS if has_live else SECTIONS[:-1]


def z() -> tuple[float, float]:
    """The current point of the map, as the sliders hold it."""
    return float(st.session_state["latent.z1"]), float(st.session_state["latent.z2"])


def set_z(z1: float, z2: float) -> None:
    """Move the point (call before the sliders exist: from a callback or at the top of the script)."""
    st.session_state["latent.prev"] = z()
    st.session_state["latent.z1"] = round(float(z1), 2)
    st.session_state["latent.z2"] = round(float(z2), 2)


def clamp_z(half_width: float) -> None:
    """Keep z inside the sliders' range (a link may carry a point off this model's map), saying so."""
    clamped = []
    for key, name in (("latent.z1", "z₁"), ("latent.z2", "z₂")):
        value = float(st.session_state[key])
        used = float(np.clip(value, -half_width, half_width))
        if used != value:
            url_state.note(key, used, f"{name} = {value:g} lies off this model's map (±{half_width:g}), so the page uses {used:g}.")
            clamped.append(key)
        st.session_state[key] = used
    url_state.show_notices(clamped)


def take_click(force: bool = False) -> None:
    """Turn the map's selection into z. The chart's on_select callback forces it; at the top of
    the script only a selection not yet applied counts (one set through session state, e.g. by
    a test), so a stale click never undoes a slider move."""
    points = (st.session_state.get(MAP_KEY) or {}).get("selection", {}).get("points", [])
    points = [p for p in points if p.get("curve_number") in _CLICKABLE and "x" in p]
    if not points:
        return
    signature = json.dumps([points[0]["x"], points[0]["y"]])
    if force or st.session_state.get(_APPLIED) != signature:
        st.session_state[_APPLIED] = signature
        set_z(points[0]["x"], points[0]["y"])


def on_click() -> None:
    """The map's on_select callback: runs before the rerun, so the sliders already show the click."""
    take_click(force=True)


def on_pick(z1: float, z2: float) -> None:
    """The live map's pick callback: the same state as a click on the Plotly map."""
    set_z(z1, z2)


@st.cache_data(show_spinner=False, max_entries=16)
def codes(name: str, dataset: str, _model: nn.Module) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """mu (N, d), logvar (N, d) and labels (N,) of the test digits under model ``name``."""
    images, labels = digits(dataset, "test")
    mu, logvar = latent.encode(_model, images)
    return mu, logvar, labels.numpy()


@st.cache_data(show_spinner=False, max_entries=512)
def _decoded(name: str, dataset: str, codes: np.ndarray, _model: nn.Module) -> np.ndarray:
    return latent.decode(_model, codes)


def decode(name: str, model: nn.Module, codes) -> np.ndarray:
    """Model ``name``'s images at ``codes`` (latent,) or (N, latent) -> (28, 28) or (N, 28, 28),
    cached: a rerun redraws the same section digits, and a slider often returns to a z."""
    return _decoded(name, DATASET, np.asarray(codes, dtype=np.float32), model)


@st.cache_resource(show_spinner=False, max_entries=16)
def base_map(name: str, dataset: str, half_width: float, classroom: bool, height: int, clickable: bool = True,
             faint: bool = False, centre: tuple[float, float] = (0.0, 0.0), *, _mu: np.ndarray,
             _labels: np.ndarray) -> dict:
    """Model ``name``'s map without its marker, as a plain dict built once (callers never mutate it)."""
    return figs.map_figure(_mu, _labels, half_width, classroom, height, clickable, faint, centre).to_dict()
