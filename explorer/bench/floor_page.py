"""The bare floor page: one slider, a 5,000-point Scattergl and one 28×28 image.

Every page's rerun cost is reported as a ratio to this page, measured in the same run: it is
what any Streamlit page with a big WebGL chart and a digit costs before it does real work.
Run it on its own from the repository root with ``python -m streamlit run explorer/bench/floor_page.py``.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer.ui.server_fixes import install

POINTS = 5_000  # as many dots as a big latent map
SIDE = 28  # one MNIST-sized image

install()  # the same server fixes as the app, so the ratio compares pages only
level = st.slider("Level", 0, 100, 50, key="floor.level")

rng = np.random.default_rng(0)  # the same cloud every rerun, as a page with fixed data shows
xy = rng.normal(size=(POINTS, 2))  # (POINTS, 2)
fig = go.Figure(go.Scattergl(x=xy[:, 0], y=xy[:, 1], mode="markers",
                             marker={"size": 5, "color": xy[:, 0]}))
fig.update_layout(height=420, margin={"l": 10, "r": 10, "t": 10, "b": 10})
st.plotly_chart(fig)

# a ramp whose brightness follows the slider, so the image really changes with the control
ramp = np.linspace(0.0, 1.0, SIDE, dtype=np.float32)  # (28,)
img = np.outer(ramp, ramp) * (level / 100.0)  # (28, 28) in [0, 1]
st.image((img * 255).astype(np.uint8), width=SIDE * 7, output_format="PNG")
