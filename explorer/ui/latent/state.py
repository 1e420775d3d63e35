"""State of the latent page: the point z, and the cached codes and Plotly maps (its URL table: ui/state_tables)."""

from __future__ import annotations

import threading
import weakref

import numpy as np
import streamlit as st
from torch import nn

from explorer import latent
from explorer.data import digits
from explorer.figures import latent as figs
from explorer.ui import url_state

DATASET = "mnist-5k"
MAP_KEY = "latent.map"  # the live map widget: its "pick" trigger hands z back
MOVED_Z = "_latent.moved_z"  # set by a control below the map that moved z: the page reruns to redraw the map
Z_LIMIT = 50.0  # URL sanity bound; z is clamped to the map's range


def z() -> tuple[float, float]:
    """The current point of the map."""
    return float(st.session_state["latent.z1"]), float(st.session_state["latent.z2"])


def set_z(z1: float, z2: float) -> None:
    """Move the point; the one before becomes ``latent.prev`` (the map's pick callback and buttons call this)."""
    st.session_state["latent.prev"] = z()
    st.session_state["latent.z1"] = round(float(z1), 2)
    st.session_state["latent.z2"] = round(float(z2), 2)


def move_z_from_below(z1: float, z2: float) -> None:
    """``set_z`` for a button under the map: its section's run alone would leave the map at the old z."""
    set_z(z1, z2)
    st.session_state[MOVED_Z] = True


def clamp_z(half_width: float) -> None:
    """Keep z inside the map (a link may carry a point off this model's map), saying so."""
    clamped = []
    for key, name in (("latent.z1", "z₁"), ("latent.z2", "z₂")):
        value = float(st.session_state[key])
        used = float(np.clip(value, -half_width, half_width))
        if used != value:
            url_state.note(key, used, f"{name} = {value:g} lies off this model's map (±{half_width:g}), so the page uses {used:g}.")
            clamped.append(key)
        st.session_state[key] = used
    url_state.show_notices(clamped)


@st.cache_data(show_spinner=False, max_entries=16)
def codes(name: str, dataset: str, _model: nn.Module) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """mu (N, d), logvar (N, d) and labels (N,) of the test digits under model ``name``."""
    images, labels = digits(dataset, "test")
    mu, logvar = latent.encode(_model, images)
    return mu, logvar, labels.numpy()


_RECONSTRUCTED: weakref.WeakKeyDictionary[nn.Module, np.ndarray] = weakref.WeakKeyDictionary()
_RECONSTRUCTING = threading.Lock()


def reconstructions(model: nn.Module, dataset: str = DATASET) -> np.ndarray:
    """Every test digit decoded from its own μ under ``model``, (N, 28, 28), made once per model object (~0.1 s):
    a control that picks test digits then indexes it, whatever digit it picks."""
    with _RECONSTRUCTING:
        if model not in _RECONSTRUCTED:
            images, _ = digits(dataset, "test")
            mu, _ = latent.encode(model, images)
            _RECONSTRUCTED[model] = np.concatenate([latent.decode(model, mu[i:i + 500]) for i in range(0, len(mu), 500)])
        return _RECONSTRUCTED[model]


@st.cache_data(show_spinner=False, max_entries=512)
def _decoded(name: str, dataset: str, codes: np.ndarray, _model: nn.Module) -> np.ndarray:
    return latent.decode(_model, codes)


def decode(name: str, model: nn.Module, codes) -> np.ndarray:
    """Model ``name``'s images at ``codes`` (latent,) or (N, latent) -> (28, 28) or (N, 28, 28),
    cached: a rerun redraws the same section digits, and a slider often returns to a z."""
    return _decoded(name, DATASET, np.asarray(codes, dtype=np.float32), model)


@st.cache_resource(show_spinner=False, max_entries=16)
def base_map(name: str, dataset: str, half_width: float, classroom: bool, height: int, faint: bool = False,
             centre: tuple[float, float] = (0.0, 0.0), *, _mu: np.ndarray, _labels: np.ndarray) -> dict:
    """Model ``name``'s map without its marker, as a plain dict built once (callers never mutate it)."""
    return figs.map_figure(_mu, _labels, half_width, classroom, height, faint, centre).to_dict()
