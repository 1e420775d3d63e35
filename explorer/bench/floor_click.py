"""The floor page's click twin: the same 5,000-point Scattergl and 28×28 image, but a click on a
point (not a slider) sets the image's brightness.

It is the floor of the latent map's click-to-image time (``explorer/bench/browser.py``): what a
click on a big WebGL chart costs when the server redraws a digit. The page and load figures keep
using ``floor_page.py``. Run it on its own with ``python -m streamlit run explorer/bench/floor_click.py``.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from explorer.ui.server_fixes import install

POINTS = 5_000  # as many dots as floor_page.py
SIDE = 28

install()  # the same server fixes as the app and the floor page, so the ratio compares pages only
rng = np.random.default_rng(0)  # the same cloud as floor_page.py
xy = rng.normal(size=(POINTS, 2))  # (POINTS, 2)
fig = go.Figure(go.Scattergl(x=xy[:, 0], y=xy[:, 1], mode="markers", marker={"size": 5, "color": xy[:, 0]}))
fig.update_layout(height=420, margin={"l": 10, "r": 10, "t": 10, "b": 10}, clickmode="event+select")
event = st.plotly_chart(fig, on_select="rerun", selection_mode="points", key="floor.click")

points = (event or {}).get("selection", {}).get("points", [])
# the clicked point's z1 sets the brightness, so every click on another point changes the picture
level = float(np.clip(0.5 + points[0]["x"] / 6, 0.02, 1.0)) if points else 0.5
ramp = np.linspace(0.0, 1.0, SIDE, dtype=np.float32)  # (28,)
img = np.outer(ramp, ramp) * level  # (28, 28) in [0, 1]
st.image((img * 255).astype(np.uint8), width=SIDE * 7, output_format="PNG")
