"""Browser-test harness for the live latent map: the real VAE and test digits, two sliders, a run counter.

Run: ``streamlit run tests/e2e/live_map_app.py`` (``?classroom=1`` for classroom sizes). The page
prints the sliders' z in ``#h-z`` and the number of script runs in ``#h-runs`` so a test can see
that hovering never reruns the script and that a click does.
"""

import streamlit as st

from explorer.data import digits
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


def on_pick(z1: float, z2: float) -> None:
    st.session_state["h.z1"], st.session_state["h.z2"] = round(z1, 2), round(z2, 2)


vae = load_model("vae")
if vae is None:  # load_model has said why
    st.stop()
mu, labels = codes(vae, "vae")
r = extent(mu)
st.session_state.setdefault("h.z1", 0.0)
st.session_state.setdefault("h.z2", 0.0)
st.title("Live latent map")
left, right = st.columns(2)
left.slider("z1", -r, r, step=0.01, key="h.z1")
right.slider("z2", -r, r, step=0.01, key="h.z2")
z = (st.session_state["h.z1"], st.session_state["h.z2"])
picked = live_map.show(vae, mu, labels, z, r, classroom, on_pick, key="h.live")
st.html(f'<p id="h-z">z = {z[0]:.2f}, {z[1]:.2f}</p><p id="h-runs">script runs: {st.session_state.runs}</p>'
        f'<p id="h-picked">picked this run: {picked}</p>')
