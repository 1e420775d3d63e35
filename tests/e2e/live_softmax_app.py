"""Browser-test harness for the live softmax widget: the widget alone, a run counter, the values and torch's loss.

Run: ``streamlit run tests/e2e/live_softmax_app.py`` (``?classroom=1`` for classroom sizes). The page prints the
number of script runs in ``#h-runs``, the controls' session-state values in ``#h-values`` and torch's
cross-entropy for them in ``#h-loss``, so a test can see that dragging never reruns the script and that letting
go does, once, with the values the browser had. "Load logits" sets logits and the true class from Python, as
the page's classifier button does.
"""

import json

import streamlit as st
import torch

from explorer import softmax as sm
from explorer.figures import words
from explorer.ui.state_tables import TABLES
from explorer.ui.widgets import live_softmax

LOADED = [-3.2, 0.4, 7.5, 1.1, -0.6, 2.2, -20.0, 20.0, 0.0, 4.4]  # what "Load logits" puts on the sliders
LOADED_TRUE = 2

st.set_page_config(page_title="Live softmax harness", layout="wide")
st.session_state.runs = st.session_state.get("runs", 0) + 1
for p in TABLES["softmax"]:
    st.session_state.setdefault(p.key, p.default)


def load() -> None:
    for k, z in enumerate(LOADED):
        st.session_state[f"softmax.z{k}"] = z
    st.session_state["softmax.true"] = LOADED_TRUE


values = live_softmax.state_values()
z = torch.tensor([values[f"z{k}"] for k in range(10)], dtype=torch.float64)
T, true = values["T"], values["true"]
probs, loss = sm.softmax(z, T), float(sm.cross_entropy(z, true, T))
said = {"probs": words.softmax_bars(z.tolist(), probs.tolist(), T, true),
        "grad": words.gradient_bars(sm.cross_entropy_grad(z, true, T).tolist(), true, loss)}
st.title("Live softmax")
live_softmax.show(values, said, key="softmax.live", classroom=st.query_params.get("classroom") == "1")
st.button("Load logits", on_click=load)
st.html(f'<p id="h-runs">script runs: {st.session_state.runs}</p>'
        f'<p id="h-values">{json.dumps(values)}</p><p id="h-loss">{loss!r}</p>')
