"""Slope and descent: the derivative is the slope, and gradient descent steps against it.

The picture, its controls and "the numbers for one step" are the live descent widget: it reruns the
descent in the browser while a control moves and hands the values back on release. The page then runs
real torch.optim on them (the reference) for the sentences under the picture.
"""

import streamlit as st

from explorer.figures import words
from explorer.figures.descent import LABELS, curve_caption
from explorer.outcomes import first_jump, lesson_holds, plural, stopped_sentence
from explorer.surfaces import CURVES
from explorer.ui import url_state
from explorer.ui.descent import function_box as fbox
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.descent.runs import classified, question, run
from explorer.ui.describe import describe
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, page_body, plain, setup_page
from explorer.ui.widgets import live_descent

PARAMS = TABLES["descent_1d"]
WIDGET = "gd1.live"

big = setup_page(
    "Slope and descent",
    "Gradient is another word for slope: the steeper the curve, the bigger the gradient, and a negative one "
    "means downhill is to the right. The derivative gives that slope — gradient descent steps against it.",
)


def body() -> None:
    """The function, the optimizer and the live picture, then torch.optim's reference run in words."""
    fbox.link_defaults("gd1", CURVES)
    url_state.restore(PARAMS)

    pick, formula, which = st.columns([1, 1, 1], gap="medium")
    chosen = fbox.function_box("gd1", CURVES, ((-4.0, 4.0),), places=(pick, formula))
    with which:
        (optimizer,) = obox.choose("gd1", multi=False)
    st.session_state["gd1.k"] = min(st.session_state["gd1.k"], st.session_state["gd1.steps"] - 1)  # k of a shorter run
    values = obox.values("gd1", "steps", "x0", "k")
    minima = chosen.preset.minima if chosen.preset is not None else ()
    live_descent.curve(chosen.f, chosen.domain[0], values, optimizer, obox.RANGES, key=WIDGET, prefix="gd1",
                       classroom=big, minima=minima)
    caption(curve_caption(minima) + " Drag a control, the start on the curve or the step k: the picture follows.")

    settings = obox.torch_settings([optimizer], values)[optimizer]
    try:
        traj = run(chosen.f.text, (float(values["x0"]),), optimizer, values["lr"], values["steps"], settings)
    except ValueError as err:  # e.g. the function is undefined at the start, or Nesterov without momentum
        st.error(plain(f"Can't run this: {err}"))
        url_state.publish(PARAMS)
        st.stop()

    span = chosen.domain[0][1] - chosen.domain[0][0]  # what counts as a small move
    asked = question(chosen.f.text, (float(values["x0"]),), optimizer, values["lr"], settings, values["steps"])
    outcome = classified(asked, traj, span, chosen.f, minima)
    if first_jump(traj, span):
        st.warning(plain(first_jump(traj, span)), icon=":material/warning:")
    if traj.diverged:
        st.markdown(f"**The run stopped.** {plain(stopped_sentence(traj))}")
    else:
        st.markdown(f"**After {plural(traj.steps_run, 'step')}** the walk {plain(outcome.text)}.")
    describe(WIDGET, None, words.walk(traj)[1])
    if chosen.preset is not None and lesson_holds(chosen.preset.facts, {optimizer: outcome}):
        st.info(chosen.preset.note, icon=":material/lightbulb:")
    elif chosen.preset is not None:
        own = chosen.preset
        st.caption(plain(f"This curve's lesson is about its own run — {LABELS[own.racers[0]]} from x₀ = {own.start[0]:g} "
                         f"at η = {own.lr:g} for {plural(own.steps, 'step')} — and this run shows something else."))
        st.button("Reset the lesson", on_click=fbox.use_preset, args=("gd1", own), help="Its start, learning rate, steps and optimizer.")

    url_state.publish(PARAMS)
    url_state.share_link(PARAMS)


page_body(body)
