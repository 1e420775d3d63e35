"""Slope and descent: the derivative is the slope, and gradient descent steps against it."""

import streamlit as st

from explorer.expressions import parse
from explorer.figures import words
from explorer.figures.descent import LABELS, curve_caption, curve_figure, view_range
from explorer.outcomes import classify, first_jump, lesson_holds, plural, stopped
from explorer.surfaces import CURVES, grid
from explorer.ui import url_state
from explorer.ui.descent import function_box as fbox
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.descent.runs import run
from explorer.ui.describe import describe
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, plain, setup_page
from explorer.update_rule import IN_WORDS, update_rule

PARAMS = TABLES["descent_1d"]
X0, STEPS = url_state.find(PARAMS, "gd1.x0"), url_state.find(PARAMS, "gd1.steps")


@st.cache_data(max_entries=64, show_spinner=False)
def curve(formula: str, lo: float, hi: float):
    return grid(parse(formula), ((lo, hi),), n=400)


big = setup_page(
    "Slope and descent",
    "Gradient is another word for slope: the steeper the curve, the bigger the gradient, and a negative one "
    "means downhill is to the right. The derivative gives that slope — gradient descent steps against it.",
)
fbox.link_defaults("gd1", CURVES)
url_state.restore(PARAMS)

controls, picture = st.columns([1, 2.6], gap="large")
with controls:
    chosen = fbox.function_box("gd1", CURVES, ((-4.0, 4.0),))
    x0 = url_state.number_box(X0, "Start x₀", step=0.1, format="%.3f")
    steps = st.slider("Steps", STEPS.lo, STEPS.hi, key="gd1.steps")
(optimizer,), lr, hyper = obox.optimizer_box("gd1", False, controls, controls)

try:
    traj = run(chosen.f.text, (float(x0),), optimizer, lr, steps, hyper[optimizer])
except ValueError as err:  # e.g. the function is undefined at the start, or Nesterov without momentum
    picture.error(plain(f"Can't run this: {err}"))
    url_state.publish(PARAMS)
    st.stop()

st.session_state["gd1.k"] = min(st.session_state["gd1.k"], max(traj.steps_run - 1, 0))
k = st.session_state["gd1.k"]
xs, ys = curve(chosen.f.text, *view_range(chosen.domain[0], traj.points[:, 0]))
minima = chosen.preset.minima if chosen.preset is not None else ()
span = chosen.domain[0][1] - chosen.domain[0][0]  # what counts as a small move
outcome = classify(traj, span, chosen.f, minima)
with picture:
    if traj.diverged:
        advice = " Try a smaller learning rate." if traj.reason.startswith("learning rate") else ""
        st.warning(plain(f"{stopped(traj).capitalize()}.{advice}"), icon=":material/warning:")
    if first_jump(traj, span):
        st.warning(plain(first_jump(traj, span)), icon=":material/warning:")
    st.plotly_chart(curve_figure(xs, ys, traj, k, big, minima), key="gd1.chart", width="stretch")
    describe("gd1.chart", *words.walk(traj))
    caption(curve_caption(minima))
    if not traj.diverged:
        st.markdown(f"**After {plural(traj.steps_run, 'step')}** the walk {plain(outcome.text)}.")
    if chosen.preset is not None and lesson_holds(chosen.preset.facts, {optimizer: outcome}):
        st.info(chosen.preset.note, icon=":material/lightbulb:")
    elif chosen.preset is not None:
        own = chosen.preset
        st.caption(plain(f"This curve's lesson is about its own run — {LABELS[own.racers[0]]} from x₀ = {own.start[0]:g} "
                         f"at η = {own.lr:g} for {plural(own.steps, 'step')} — and this run shows something else."))
        st.button("Reset the lesson", on_click=fbox.use_preset, args=("gd1", own), help="Its start, learning rate, steps and optimizer.")

st.subheader("The numbers for one step")
if traj.steps_run >= 2:
    k = st.slider("Show the numbers for step k", 0, traj.steps_run - 1, key="gd1.k")
x_k, f_k, g_k = traj.points[k, 0], traj.losses[k], traj.grads[k, 0]
if traj.steps_run >= 1:
    rule = update_rule(traj, k, hyper[optimizer])
    downhill = "so downhill is to the " + ("left" if g_k > 0 else "right") if g_k else "flat: no way is downhill here"
    st.markdown(f"At step **{k}**: x = **{x_k:.4g}**, f(x) = **{f_k:.4g}**, slope f′(x) = **{g_k:.4g}** "
                f"— {downhill}.")
    for line in rule.lines:
        st.latex(line)
    st.caption(IN_WORDS[optimizer] + ("" if optimizer == "sgd" else
               r" Plain SGD would be $x_{k+1} = x_k - \eta\,f'(x_k)$."))
else:
    st.markdown(f"The run stopped before its first step: x = {x_k:.4g}, f(x) = {f_k:.4g}, slope {g_k:.4g}.")
stop = f" (step {traj.diverged_at} diverged, so the run stopped short of the {steps} asked for)" if traj.diverged else ""
st.markdown(f"After **{plural(traj.steps_run, 'step')}**{stop}: x = **{traj.points[-1, 0]:.4g}**, "
            f"f(x) = **{traj.losses[-1]:.4g}**.")

url_state.publish(PARAMS)
url_state.share_link(PARAMS)
