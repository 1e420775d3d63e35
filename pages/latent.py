"""VAE latent map: 1,000 test digits on a 2-D map; hover, drag or slide z and the decoder draws that point."""

from dataclasses import replace

import streamlit as st

from explorer import latent
from explorer.ui import model_card, url_state
from explorer.ui.latent import sections, state
from explorer.ui.latent.menu import MENU, follows_z
from explorer.ui.models import load_model
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, page_body, setup_page
from explorer.ui.widgets import live_map

PARAMS = TABLES["latent"]

big = setup_page(
    "VAE latent map",
    "An autoencoder squeezes each digit into two numbers, its <b>latent variables</b>, and a decoder draws "
    "it back from them: every digit is a point on this map — and every point, even an empty one, decodes "
    "to a digit.",
)


def explore(ctx: sections.Ctx) -> None:
    """The live map with its digit and z ranges, and the link, since the link carries z."""
    ctx = replace(ctx, z=state.z())  # in a fragment rerun the arguments are the last full run's
    live_map.show(ctx.vae, ctx.mu, ctx.labels, ctx.z, ctx.half_width, ctx.big, on_pick=state.set_z,
                  key=state.MAP_KEY, image=ctx.decode(ctx.z))
    caption("Each dot is one of 1,000 test digits at its code μ, coloured by class. Hover anywhere — on a dot "
            "or between them — and your browser decodes that point; click, drag or slide z₁ and z₂ to move "
            "z, the white star.")
    url_state.publish(PARAMS)
    url_state.share_link(PARAMS)


def body() -> None:
    """The live map and its digit, then the open section."""
    url_state.restore(PARAMS)
    vae = load_model("vae", state.DATASET)
    if vae is None:  # load_model has said why; the card says which model the map waits for
        model_card.show("vae", state.DATASET)
        st.stop()
    mu, logvar, labels = state.codes("vae", state.DATASET, vae)
    half = latent.extent(mu)  # the map is the square [-half, half]²
    section = st.session_state["latent.section"]
    state.clamp_z(half)
    ctx = sections.Ctx(vae, mu, logvar, labels, half, big, state.z())

    # a move of z reruns only the map, unless the section below draws z too
    drawn_follows = follows_z(section)
    (explore if drawn_follows else st.fragment(explore))(ctx)
    model_card.show("vae", state.DATASET)
    st.segmented_control("Explore", tuple(MENU), key="latent.section", required=True, label_visibility="collapsed")
    st.fragment(open_section)(ctx, section, drawn_follows)


def open_section(ctx: sections.Ctx, section: str, drawn_follows: bool) -> None:
    """The open section and what it draws on the map: a fragment, so its own controls rerun only it (the map
    redraws their overlays in the browser). A control that moves z, or makes the section draw z, reruns the page."""
    if st.session_state.pop(state.MOVED_Z, False) or follows_z(section) != drawn_follows:
        st.rerun()  # the map above (drawn by the page's run) must show the new z, or rerun with the section
    ctx = replace(ctx, z=state.z())
    MENU[section].show(ctx)
    overlay = MENU[section].overlay
    live_map.show_overlays(overlay(ctx) if overlay else (), key=state.MAP_KEY)
    url_state.publish(PARAMS)  # a section may have changed its own controls


page_body(body)
