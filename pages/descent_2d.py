"""Descent on surfaces: real torch.optim optimizers race across a 2-D landscape from one start.

The map, the racers, their controls, what each racer did in words and the folded 3-D view are the live descent
widget: it reruns the race in the browser (torch.optim's arithmetic, to the last bit) while a control or the start
moves, and draws and says what the race did. The page says what torch.optim refuses.
"""

import math

import streamlit as st

from explorer.descent import LABELS
from explorer.expressions import parse
from explorer.figures.descent import contour_caption, contour_layers
from explorer.surfaces import SURFACES, grid
from explorer.ui import url_state
from explorer.ui.descent import function_box as fbox
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.descent.refusals import refused
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import page_body, plain, setup_page
from explorer.ui.widgets import live_descent
from explorer.ui.widgets.live_descent import Lesson

PARAMS = TABLES["descent_2d"]
WIDGET = "gd2.live"
ELSEWHERE = "This surface's lesson is about its own run, and this run shows something else."


@st.cache_data(max_entries=64, show_spinner=False)
def landscape(formula: str, domain: tuple, n: int):
    return grid(parse(formula), domain, n=n)


@st.cache_resource(max_entries=64, show_spinner=False)
def contour(formula: str, domain: tuple, classroom: bool):
    """The map's picture and colour bar, made once per landscape and shared, read-only, by every session: moving the
    racers' controls leaves them as they are (not copied out of a cache on every run: the picture is ~100 KB)."""
    return contour_layers(*landscape(formula, domain, 300), classroom)


def around(domain, start, margin=0.5):
    """The preset's domain, widened to whole units when the start lies outside it: nearby starts share one map."""
    return tuple((min(lo, float(math.floor(s - margin))), max(hi, float(math.ceil(s + margin))))
                 for (lo, hi), s in zip(domain, start))


big = setup_page(
    "Descent on surfaces",
    "With two inputs the gradient holds the slope in each direction and points uphill; stepping against it "
    "walks down the landscape. Optimizers use the same slopes differently — race them from one start.",
)


def body() -> None:
    """The surface, the racers and the live map with its sentences and 3-D view; what cannot run."""
    fbox.link_defaults("gd2", SURFACES)
    url_state.restore(PARAMS)

    pick, formula, which = st.columns([1, 1, 1.2], gap="medium")
    chosen = fbox.function_box("gd2", SURFACES, ((-3.0, 3.0), (-3.0, 3.0)), places=(pick, formula))
    with which:
        names = obox.choose("gd2", multi=True)
    values = obox.values("gd2", "steps", "start")
    start = tuple(float(v) for v in values["start"])
    domain = around(chosen.domain, start)
    minima = chosen.preset.minima if chosen.preset is not None else ()
    span = max(hi - lo for lo, hi in chosen.domain)  # what counts as a small move
    lesson = None if chosen.preset is None else Lesson(chosen.preset.facts, chosen.preset.note, ELSEWHERE)
    if names:
        live_descent.surface(chosen.f, domain, contour(chosen.f.text, domain, big), values, names, obox.RANGES, key=WIDGET,
                             prefix="gd2", classroom=big, minima=minima, span=span, lesson=lesson,
                             caption=contour_caption(minima))
    else:
        st.info("Pick at least one optimizer to race.")

    hyper = obox.torch_settings(names, values)
    racers = {name: (name, values["lr"], hyper[name]) for name in names}
    try:
        why = refused(chosen.f, start, racers)
    except ValueError as err:  # e.g. undefined at the start: no racer can run
        why = dict.fromkeys(names, err)
    for name, err in why.items():
        st.error(plain(f"{LABELS[name]} can't run: {err}"))
    if chosen.preset is not None:
        st.button("Reset the lesson", on_click=fbox.use_preset, args=("gd2", chosen.preset),
                  help="Its start, learning rate, racers and steps: the run its note is about.")

    url_state.publish(PARAMS)
    url_state.share_link(PARAMS)


page_body(body)
