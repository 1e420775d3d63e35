"""Tensors and kernels: a digit as tensors, a CNN's kernels as its weights, and a convolution step by step."""

import streamlit as st

from explorer.ui import model_card, url_state
from explorer.ui.models import load_model
from explorer.ui.state_tables import TABLES
from explorer.ui.tensors import own_kernel, sections
from explorer.ui.tensors.choices import TABS
from explorer.ui.theme import page_body, setup_page

PARAMS = TABLES["tensors"]

big = setup_page(
    "Tensors and kernels",
    "A <b>tensor</b> is an array of numbers with any number of dimensions: 1-D is a plain array, 2-D is "
    "arrays inside an array, 3-D is three arrays deep before you reach a number. A <b>model</b> is a neural "
    "net and its <b>kernels</b> are weights: in a convolutional net (CNN) each small kernel slides over the "
    "image and turns it into a feature map.",
)


@st.fragment
def open_section(name: str, section, ctx: sections.Ctx) -> None:
    """One tab's controls and pictures: a control inside reruns only this, with the link that carries it."""
    section(ctx)
    if st.session_state["tensors.tab"] != name:  # a button sent us to another tab: that needs the whole page
        st.rerun()
    url_state.publish(PARAMS)
    url_state.share_link(PARAMS)


def body() -> None:
    """The test digit and the open tab's tensors, kernels or convolution."""
    url_state.restore(PARAMS)

    pick, about = st.columns([1, 2], vertical_alignment="bottom")
    index = pick.number_input("Test digit (0–999)", 0, 999, step=1, key="tensors.digit",
                              help="The 1,000 held-out test digits, 100 of each class in order.")
    net = load_model("classifier")  # None (with a message) when unavailable: the sections that need it say so
    ctx = sections.context(index, net, big)
    about.markdown(f"Test digit **{index}** is a **{ctx.label}**: the classifier never saw it in training.")
    model_card.show("classifier")

    # stateful tabs run only the open one, so a control reruns one section's work
    tabs = st.tabs(list(TABS), key="tensors.tab", on_change="rerun")
    show = (sections.tensors, sections.kernels, sections.sliding_window,
            lambda c: own_kernel.section(c.image, c.index, c.big),
            lambda c: sections.layers(c, st.session_state["tensors.kernel"]))

    for name, tab, section in zip(TABS, tabs, show):
        if tab.open:
            with tab:
                open_section(name, section, ctx)
    url_state.publish(PARAMS)  # the digit and the tab live outside the fragment


page_body(body)
