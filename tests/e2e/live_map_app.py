"""Browser-test harness for the live latent map: the real VAE and test digits, a run counter.

Run: ``streamlit run tests/e2e/live_map_app.py``. Query flags: ``classroom=1`` for classroom sizes,
``fallback=1`` for a decoder the browser cannot run (an extra layer it lacks; the same pictures),
``overlay=1`` for a path drawn on the map and a marked point drawn on it from a fragment below (its "Move the
marked point" button reruns only the fragment), ``lose=K``: the first K runs withhold the
decoder as if the browser already had it, as when a run's answer is lost on the way. The page prints the picked z in
``#h-z`` and the number of script runs in ``#h-runs``, so a test can see that hovering, dragging
and sliding never rerun the script and that a release does; "Jump" moves z from the server.
"""

import copy

import numpy as np
import streamlit as st
from torch import nn

from explorer.data import digits
from explorer.figures.latent import path_overlay, point_overlay
from explorer.latent import encode, extent
from explorer.ui.models import load_model
from explorer.ui.widgets import live_map

st.set_page_config(page_title="Live map harness", layout="wide")
st.session_state.runs = st.session_state.get("runs", 0) + 1
classroom = st.query_params.get("classroom") == "1"


@st.cache_data
def codes(_vae, name: str):
    """Test-digit codes (N, 2) and labels (N,); ``name`` keys the cache (models are unhashable)."""
    images, labels = digits("mnist-5k", "test")
    mu, _ = encode(_vae, images)
    return mu, labels.numpy()


@st.cache_resource
def without_browser_decoder(_vae) -> nn.Module:
    """The same VAE with an Identity at the end of its decoder: no browser version, same pictures."""
    odd = copy.deepcopy(_vae)
    odd.decoder = nn.Sequential(*odd.decoder, nn.Identity())
    return odd


def set_z(z1: float, z2: float) -> None:
    st.session_state["h.z1"], st.session_state["h.z2"] = round(z1, 2), round(z2, 2)


vae = load_model("vae")
if vae is None:  # load_model has said why
    st.stop()
mu, labels = codes(vae, "vae")
r = extent(mu)
st.session_state.setdefault("h.z1", 0.0)
st.session_state.setdefault("h.z2", 0.0)
st.title("Live latent map")
st.button("Jump", on_click=set_z, args=(1.0, 1.0))
model = without_browser_decoder(vae) if st.query_params.get("fallback") == "1" else vae
overlays = []
if st.query_params.get("overlay") == "1":
    overlays = [path_overlay(np.array([[-2.0, -2.0], [-1.0, 0.0], [0.0, 2.0]]))]
z = (st.session_state["h.z1"], st.session_state["h.z2"])
if st.session_state.runs <= int(st.query_params.get("lose", "0")):
    st.session_state["h.live.decoder_sent"] = live_map._export(model)[0]["id"]
picked = live_map.show(model, mu, labels, z, r, classroom, set_z, key="h.live", overlays=overlays)
st.html(f'<p id="h-z">z = {z[0]:.2f}, {z[1]:.2f}</p><p id="h-runs">script runs: {st.session_state.runs}</p>'
        f'<p id="h-picked">picked this run: {picked}</p>')


@st.fragment
def marked_point() -> None:
    """A point drawn on the map from below it, by a fragment whose button reruns only the fragment."""
    if st.button("Move the marked point"):
        st.session_state["h.mark"] = -st.session_state.get("h.mark", 2.0)
    at = st.session_state.get("h.mark", 2.0)
    live_map.show_overlays([point_overlay((at, -at), "#D55E00", "a marked point")], key="h.live")


if st.query_params.get("overlay") == "1":
    marked_point()
