"""Browser-test harness for the live descent widget: one mode per page, a run counter, the released values.

Run: ``streamlit run tests/e2e/live_descent_app.py`` and open ``?mode=curve|surface|fit`` (``&preset=<key>``,
``&opt=<name>`` or ``&opts=a,b``, ``&classroom=1``; ``&lose=K``: the first K runs withhold the curve samples as
if the browser already had them, as when a run's answer is lost on the way; ``&alt=<key>``: a button swaps to that curve and
back). The page prints the number of script runs in ``#h-runs``
and the controls' session-state values in ``#h-values``, so a test can see that dragging never reruns the
script and that letting go does, once, with the values the browser had.
"""

import json

import streamlit as st

from explorer.figures.descent import contour_layers
from explorer.fitline import celsius_data
from explorer.surfaces import CURVES, SURFACES, grid
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.widgets import live_descent

st.set_page_config(page_title="Live descent harness", layout="wide")
st.session_state.runs = st.session_state.get("runs", 0) + 1
query = st.query_params
mode = query.get("mode", "curve")
classroom = query.get("classroom") == "1"
RANGES = live_descent.Ranges(obox.LEARNING_RATES, obox.EPSILONS, obox.USES)


@st.cache_data
def layers(key: str, big: bool):
    return contour_layers(*grid(SURFACES[key], n=300), big)


def span(s) -> float:  # the view's width, as the pages give it: what counts as a small move
    return max(hi - lo for lo, hi in s.domain)


def defaults(**extra) -> None:
    for name, value in {"momentum": 0.9, "alpha": 0.99, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, **extra}.items():
        st.session_state.setdefault(f"h.{name}", value)


NAMES = ["lr", "steps", "momentum", "alpha", "beta1", "beta2", "eps"]
st.title(f"Live descent: {mode}")
if mode == "curve":
    if "alt" in query:  # a button swaps between two curves, as a lesson's steps do
        st.button("Other curve", key="h.swap", on_click=lambda: st.session_state.update(other=not st.session_state.get("other")))
    s = CURVES[query["alt"] if st.session_state.get("other") else query.get("preset", "bowl")]
    defaults(lr=s.lr, steps=30, x0=s.start[0], k=0)
    values = live_descent.state_values("h", [*NAMES, "x0", "k"])
    if st.session_state.runs <= int(query.get("lose", "0")):
        asset = live_descent.curve_payload(s.f, s.domain[0], values, query.get("opt", "sgd"), RANGES, key="h.live", span=span(s))[1]
        st.session_state["h.live.assets_sent"] = {asset["id"]: None}
    live_descent.curve(s.f, s.domain[0], values, query.get("opt", "sgd"), RANGES, key="h.live", prefix="h",
                       classroom=classroom, minima=s.minima, span=span(s))
elif mode == "surface":
    s = SURFACES[query.get("preset", "elongated")]
    defaults(lr=s.lr, steps=100, start=s.start)
    values = live_descent.state_values("h", [*NAMES, "start"])
    live_descent.surface(s.f, s.domain, layers(s.key, classroom), values, query.get("opts", "sgd,momentum,adam").split(","),
                         RANGES, key="h.live", prefix="h", classroom=classroom, minima=s.minima, span=span(s))
else:
    defaults(lr=0.1, steps=60)
    values = live_descent.state_values("h", NAMES)
    c, f = celsius_data()
    live_descent.fit(c, f, values, query.get("opt", "sgd"), RANGES, scale=query.get("scale", "1") == "1", key="h.live",
                     prefix="h", classroom=classroom)
st.html(f'<p id="h-runs">script runs: {st.session_state.runs}</p>'
        f'<p id="h-values">{json.dumps({k: v for k, v in values.items()})}</p>')
