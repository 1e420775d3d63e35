"""Fit a line: one neuron y = w·x + b learns Celsius → Fahrenheit by gradient descent.

The pictures, the training controls and the sentences about the run are the live descent widget: it trains
in the browser (torch.optim's arithmetic, to the last bit) whenever a control moves and says what the run
drawn did. The page checks that torch.optim takes the settings, and writes what does not depend on the run.
"""

import numpy as np
import streamlit as st
import torch

from explorer.descent import make_optimizer
from explorer.fitline import TRUE_B, TRUE_W, Scaling, celsius_data, exact_fit
from explorer.ui import url_state
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, page_body, plain, setup_page
from explorer.ui.widgets import live_descent

PARAMS = TABLES["fit_line"]
WIDGET = "fit.live"


big = setup_page(
    "Fit a line",
    "One neuron with a weight w and a bias b draws the line y = w·x + b. Training is gradient descent on "
    "the loss over (w, b): step by step it follows the slope until the line turns °C into °F.",
)


def body() -> None:
    """The optimizer, scaling and the live training with its sentences, then the rule and the best line."""
    url_state.restore(PARAMS)

    c_opt, c_scale = st.columns(2, gap="large")
    with c_opt:
        (optimizer,) = obox.choose("fit", multi=False)
    with c_scale:
        scale = st.toggle("Feature scaling", key="fit.scale",
                          help="Standardise first: feed the neuron x = (C − mean) / std instead of raw °C.")
    values = obox.values("fit", "steps")
    c, f = celsius_data()
    live_descent.fit(c, f, values, optimizer, obox.RANGES, scale=bool(scale), key=WIDGET, prefix="fit", classroom=big,
                     labels={"steps": "Steps (each uses all the points)"})

    hyper = obox.torch_settings([optimizer], values)[optimizer]
    try:  # the optimizer torch.optim would train with: made, not stepped
        make_optimizer(optimizer, [torch.zeros(2, dtype=torch.float64)], float(values["lr"]), **hyper)
    except ValueError as err:  # e.g. Nesterov without momentum
        st.error(plain(f"Can't train: {err}"))
        url_state.publish(PARAMS)
        st.stop()
    # said only of a training that runs: a refused one draws no line, path or loss
    caption("Left: the Celsius–Fahrenheit measurements and the neuron's line at step k; right: the loss for every "
            "(w, b), the path training took and the star where the loss is lowest; below: the loss after each step "
            "(press ▶ to replay the training, drag a control and it trains again).")
    best_w, best_b = exact_fit(c, f)
    scaling = Scaling.of(c)
    st.markdown(
        f"**The rule** F = {TRUE_W}·C + {TRUE_B:g}: w = {TRUE_W}, b = {TRUE_B:g}.  \n"
        f"**Best possible** for these noisy points (least squares): w = {best_w:.3f}, b = {best_b:.2f}."
    )
    if scale:
        st.info(f"Feature scaling: the neuron sees x = (C − {scaling.mean:.1f}) / {scaling.std:.1f}, so both "
                "of its weights matter about equally and one learning rate suits both. The w and b shown are turned "
                f"back into °F per °C and °F. Switch it off: with raw °C the loss is {np.mean(c ** 2):.0f}× steeper "
                "along w than along b, and no single learning rate suits both.",
                icon=":material/straighten:")
    st.caption(f"{len(c)} points from F = 1.8·C + 32 plus noise (fixed seed); mean of C = {np.mean(c):.1f} °C.")

    url_state.publish(PARAMS)
    url_state.share_link(PARAMS)


page_body(body)
