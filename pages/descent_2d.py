"""Descent on surfaces: real torch.optim optimizers race across a 2-D landscape from one start."""

import streamlit as st

from explorer.descent import LABELS
from explorer.expressions import parse
from explorer.figures import words
from explorer.figures.descent import (
    GRID_CURVE,
    contour_caption,
    contour_figure,
    contour_layers,
    loss_figure,
    surface_figure,
)
from explorer.outcomes import classify, first_jump, lesson_holds, plural, standings, stopped
from explorer.surfaces import SURFACES, grid
from explorer.ui import url_state
from explorer.ui.descent import function_box as fbox
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.descent.runs import run
from explorer.ui.describe import describe
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, plain, setup_page

CHART = "gd2.chart"  # the contour's selection state: where the map was clicked
PARAMS = TABLES["descent_2d"]
STEPS = url_state.find(PARAMS, "gd2.steps")


@st.cache_data(max_entries=64, show_spinner=False)
def landscape(formula: str, domain: tuple, n: int):
    return grid(parse(formula), domain, n=n)


@st.cache_data(max_entries=64, show_spinner=False)
def contour(formula: str, domain: tuple, classroom: bool):
    """The map's picture and colour bar, made once per landscape: moving the racers' controls leaves them as they are."""
    return contour_layers(*landscape(formula, domain, 300), classroom)


def take_click() -> None:
    """A new click on the map (a point of the invisible grid) becomes the start; a lingering one is not re-applied."""
    event = st.session_state.get(CHART) or {}
    points = [p for p in event.get("selection", {}).get("points", []) if p.get("curve_number") == GRID_CURVE]
    clicked = (round(float(points[0]["x"]), 3), round(float(points[0]["y"]), 3)) if points else None
    if clicked is not None and clicked != st.session_state.get("_gd2.clicked"):
        st.session_state["gd2.start"] = clicked
    st.session_state["_gd2.clicked"] = clicked


def around(domain, start, margin=0.5):
    """The preset's domain, widened when the start lies outside it."""
    return tuple((min(lo, s - margin), max(hi, s + margin)) for (lo, hi), s in zip(domain, start))


big = setup_page(
    "Descent on surfaces",
    "With two inputs the gradient holds the slope in each direction and points uphill; stepping against it "
    "walks down the landscape. Optimizers use the same slopes differently — race them from one start.",
)
fbox.link_defaults("gd2", SURFACES)
url_state.restore(PARAMS)
take_click()

controls, picture = st.columns([1.15, 2.5], gap="large")
with controls:
    chosen = fbox.function_box("gd2", SURFACES, ((-3.0, 3.0), (-3.0, 3.0)))
names, lr, hyper = obox.optimizer_box("gd2", True, controls, controls)
with controls:
    steps = st.slider("Steps", STEPS.lo, STEPS.hi, key="gd2.steps")
    if chosen.preset is not None:
        st.button("Reset the lesson", on_click=fbox.use_preset, args=("gd2", chosen.preset),
                  help="Its start, learning rate, racers and steps: the run its note is about.")

start = tuple(float(v) for v in st.session_state["gd2.start"])
domain = around(chosen.domain, start)
runs = {}
for name in names:
    try:
        runs[name] = run(chosen.f.text, start, name, lr, steps, hyper[name])
    except ValueError as err:  # e.g. undefined at the start, or Nesterov without momentum
        picture.error(plain(f"{LABELS[name]} can't run: {err}"))
minima = chosen.preset.minima if chosen.preset is not None else ()
span = max(hi - lo for lo, hi in chosen.domain)  # what counts as a small move
outcomes = {name: classify(t, span, chosen.f, minima) for name, t in runs.items()}

with picture:
    st.markdown(f"**Start** x = {start[0]:.3f}, y = {start[1]:.3f} — click anywhere on the map to move it.")
    for name, t in runs.items():
        if t.diverged:
            st.warning(plain(f"{LABELS[name]}: {stopped(t)}."), icon=":material/warning:")
        elif first_jump(t, span):
            st.warning(plain(f"{LABELS[name]}: {first_jump(t, span)}"), icon=":material/warning:")
    if not names:
        st.info("Pick at least one optimizer to race.")
    elif chosen.preset is not None and lesson_holds(chosen.preset.facts, outcomes):
        st.info(chosen.preset.note, icon=":material/lightbulb:")
    elif chosen.preset is not None:
        st.caption(plain("This surface's lesson is about its own run (\"Reset the lesson\" brings it back), "
                         "and this run shows something else."))
    flat, solid = st.tabs(["Contour map (click to set the start)", "3-D surface"])
    with flat:
        xs, ys, zs = landscape(chosen.f.text, domain, 300)
        layers = contour(chosen.f.text, domain, big)
        st.plotly_chart(contour_figure(xs, ys, zs, runs, start, big, minima, layers), key=CHART, on_select="rerun",
                        selection_mode="points", width="stretch")
        describe(CHART, *words.race(runs))
        caption(contour_caption(minima))
    with solid:
        xs3, ys3, zs3 = landscape(chosen.f.text, domain, 70)
        st.plotly_chart(surface_figure(xs3, ys3, zs3, runs, big), key="gd2.surface", width="stretch")
        caption("The same landscape in 3-D (drag to turn it), with each optimizer's path lying on the surface.")
    if runs:
        st.plotly_chart(loss_figure(runs, big), key="gd2.loss", width="stretch")
        caption("The loss after each step, one line per optimizer. " + standings(runs, LABELS))
        st.markdown("  \n".join(f"**{LABELS[n]}** ({plural(t.steps_run, 'step')}) {plain(outcomes[n].text)}."
                                 for n, t in runs.items()))

url_state.publish(PARAMS)
url_state.share_link(PARAMS)
