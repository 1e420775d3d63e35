"""Slope and descent: the derivative is the slope, and gradient descent steps against it.

The picture, its controls, what the walk did in words and "the numbers for one step" are the live descent
widget: it reruns the descent in the browser (torch.optim's arithmetic, to the last bit) while a control moves,
says what the walk drawn did, and hands the values back on release. The page says what torch.optim refuses.
"""

import streamlit as st

from explorer.descent import LABELS
from explorer.figures.descent import curve_caption
from explorer.outcomes import plural
from explorer.surfaces import CURVES
from explorer.ui import url_state
from explorer.ui.descent import function_box as fbox
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.descent.refusals import refused
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, page_body, plain, setup_page
from explorer.ui.widgets import live_descent
from explorer.ui.widgets.live_descent import Lesson

PARAMS = TABLES["descent_1d"]
WIDGET = "gd1.live"

big = setup_page(
    "Slope and descent",
    "Gradient is another word for slope: the steeper the curve, the bigger the gradient, and a negative one "
    "means downhill is to the right. The derivative gives that slope — gradient descent steps against it.",
)


def body() -> None:
    """The function, the optimizer and the live picture with its sentences; what cannot run; the lesson's reset."""
    fbox.link_defaults("gd1", CURVES)
    url_state.restore(PARAMS)

    pick, formula, which = st.columns([1, 1, 1], gap="medium")
    chosen = fbox.function_box("gd1", CURVES, ((-4.0, 4.0),), places=(pick, formula))
    with which:
        (optimizer,) = obox.choose("gd1", multi=False)
    st.session_state["gd1.k"] = min(st.session_state["gd1.k"], st.session_state["gd1.steps"] - 1)  # k of a shorter run
    values = obox.values("gd1", "steps", "x0", "k")
    preset = chosen.preset
    minima = preset.minima if preset is not None else ()
    lesson = None if preset is None else Lesson(preset.facts, preset.note, (
        f"This curve's lesson is about its own run — {LABELS[preset.racers[0]]} from x₀ = {preset.start[0]:g} at "
        f"η = {preset.lr:g} for {plural(preset.steps, 'step')} — and this run shows something else."))
    live_descent.curve(chosen.f, chosen.domain[0], values, optimizer, obox.RANGES, key=WIDGET, prefix="gd1",
                       classroom=big, minima=minima, span=chosen.domain[0][1] - chosen.domain[0][0], lesson=lesson)

    settings = obox.torch_settings([optimizer], values)[optimizer]
    try:  # e.g. the function is undefined at the start, or Nesterov without momentum
        why = refused(chosen.f, (float(values["x0"]),), {optimizer: (optimizer, values["lr"], settings)})
    except ValueError as err:
        why = {optimizer: err}
    if why:
        st.error(plain(f"Can't run this: {why[optimizer]}"))
        url_state.publish(PARAMS)
        st.stop()
    # said only of a run that runs: a refused one draws no steps and no loss
    caption(curve_caption(minima) + " Drag a control, the start on the curve or the step k: the picture follows.")
    if preset is not None:
        st.button("Reset the lesson", on_click=fbox.use_preset, args=("gd1", preset), help="Its start, learning rate, steps and optimizer.")

    url_state.publish(PARAMS)
    url_state.share_link(PARAMS)


page_body(body)
