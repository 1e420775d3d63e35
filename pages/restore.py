"""Denoise and inpaint: an autoencoder cleans noisy digits and fills holes, scored against classic filters."""

import streamlit as st

from explorer.ui import url_state
from explorer.ui.restore.choices import TABS
from explorer.ui.restore.denoise import show_denoise
from explorer.ui.restore.inpaint import show_inpaint
from explorer.ui.restore.pick import pick_digit
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import page_body, setup_page

big = setup_page(
    "Denoise and inpaint",
    "Feed an autoencoder noisy digits and train it to give back the clean ones: it learns to remove "
    "noise. Cut a hole in a digit instead and it learns to fill the missing part (inpainting).",
)


PARAMS = TABLES["restore"]


def body() -> None:
    """The digit, then the open tab: denoising or inpainting against the classic filters."""
    url_state.restore(PARAMS)

    clean, name = pick_digit()  # (1, 1, 28, 28)

    # stateful tabs run only the open one, so moving a slider redoes one tab's work
    denoise_tab, inpaint_tab = st.tabs(list(TABS), key="restore.mode", on_change="rerun")
    if denoise_tab.open:
        with denoise_tab:
            open_tab(show_denoise, clean, name)
    if inpaint_tab.open:
        with inpaint_tab:
            open_tab(show_inpaint, clean, name)


@st.fragment
def open_tab(show, clean, name: str) -> None:
    """The open tab, its URL and its link as a fragment of their own: a tab's control redraws the tab,
    not the digit picker above it (a new digit reruns the page's body, and with it this)."""
    show(clean, name, big)
    url_state.publish(PARAMS)
    own = st.session_state["restore.source"] != "test set"  # a drawing or an upload stays in this browser
    url_state.share_link(PARAMS, caveat="Your drawn or uploaded digit is not in the link: it opens on a test digit "
                                        "until the viewer draws or uploads one." if own else "")


page_body(body)
