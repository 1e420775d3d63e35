"""Fit a line: one neuron y = w·x + b learns Celsius → Fahrenheit by gradient descent."""

import numpy as np
import streamlit as st

from explorer.figures.descent import loss_figure
from explorer.figures.fit import fit_figure, loss_picture, wb_window
from explorer.fitline import TRUE_B, TRUE_W, celsius_data, exact_fit, mse, train
from explorer.outcomes import fit_outcome, plural, stopped
from explorer.ui import url_state
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, plain, setup_page

PARAMS = TABLES["fit_line"]
STEPS = url_state.find(PARAMS, "fit.steps")


@st.cache_data(max_entries=256, show_spinner=False)
def fitted(optimizer: str, lr: float, steps: int, scale: bool, hyper: tuple):
    """Train the neuron once per distinct set of plain arguments."""
    c, f = celsius_data()
    return train(c, f, optimizer, lr, steps, scale=scale, **dict(hyper))


@st.cache_data(max_entries=64, show_spinner=False)
def loss_map(w_range: tuple, b_range: tuple) -> dict:
    """The loss picture of one (w, b) window, made once per window (that is, per set of training settings)."""
    c, f = celsius_data()
    return loss_picture(c, f, w_range, b_range)


big = setup_page(
    "Fit a line",
    "One neuron with a weight w and a bias b draws the line y = w·x + b. Training is gradient descent on "
    "the loss over (w, b): step by step it follows the slope until the line turns °C into °F.",
)
url_state.restore(PARAMS)

c_opt, c_run, c_extra = st.columns(3, gap="large")
(optimizer,), lr, hyper = obox.optimizer_box("fit", False, c_opt, c_extra)
with c_run:
    steps = st.slider("Steps (each uses all the points)", STEPS.lo, STEPS.hi, key="fit.steps")
    scale = st.toggle("Feature scaling", key="fit.scale",
                      help="Standardise first: feed the neuron x = (C − mean) / std instead of raw °C.")

c, f = celsius_data()
try:
    fit = fitted(optimizer, float(lr), int(steps), bool(scale), tuple(sorted(hyper[optimizer].items())))
except ValueError as err:  # e.g. Nesterov without momentum
    st.error(plain(f"Can't train: {err}"))
    url_state.publish(PARAMS)
    st.stop()
if fit.diverged:
    st.warning(plain(f"{stopped(fit.trajectory).capitalize()}. Try a smaller learning rate"
                     + ("." if scale else ", or switch on feature scaling.")), icon=":material/warning:")

best_w, best_b = exact_fit(c, f)
st.plotly_chart(fit_figure(c, f, fit, big, loss_map(*wb_window(fit, (best_w, best_b)))), key="fit.chart", width="stretch")
caption("Left: the Celsius–Fahrenheit measurements and the neuron's line after each step; right: the loss for every "
        "(w, b), the path training took and the star where the loss is lowest (press ▶ to replay the training).")

st.markdown(
    f"**Learned** after {plural(len(fit.w) - 1, 'step')}"
    + (f" (step {fit.trajectory.diverged_at} diverged)" if fit.diverged else "")
    + f": w = **{fit.w[-1]:.3f}**, b = **{fit.b[-1]:.2f}** "
    f"(loss {fit.losses[-1]:.4g}).  \n"
    f"**The rule** F = {TRUE_W}·C + {TRUE_B:g}: w = {TRUE_W}, b = {TRUE_B:g}.  \n"
    f"**Best possible** for these noisy points (least squares): w = {best_w:.3f}, b = {best_b:.2f}."
)
if scale:
    st.info(f"Feature scaling: the neuron sees x = (C − {fit.scaling.mean:.1f}) / {fit.scaling.std:.1f}, so both "
            "of its weights matter about equally and one learning rate suits both. The w and b shown are turned "
            f"back into °F per °C and °F. Switch it off: with raw °C the loss is {np.mean(c ** 2):.0f}× steeper "
            "along w than along b, and no single learning rate suits both.",
            icon=":material/straighten:")
st.plotly_chart(loss_figure({optimizer: fit.trajectory}, big), key="fit.loss", width="stretch")
caption("The loss (mean squared error, °F²) after each step. "
        + fit_outcome(fit.losses, float(mse(best_w, best_b, c, f)), fit.diverged)[1])
st.caption(f"{len(c)} points from F = 1.8·C + 32 plus noise (fixed seed); mean of C = {np.mean(c):.1f} °C.")

url_state.publish(PARAMS)
url_state.share_link(PARAMS)
