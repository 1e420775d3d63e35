"""VAE latent map: 1,000 test digits on a 2-D map; click anywhere and the decoder draws that point."""

from dataclasses import replace

import streamlit as st

from explorer import latent
from explorer.figures import words
from explorer.figures.latent import assemble, marker_trace
from explorer.ui import url_state
from explorer.ui.describe import describe
from explorer.ui.latent import sections, state
from explorer.ui.latent.menu import MENU, follows_z
from explorer.ui.models import load_model
from explorer.ui.state_tables import TABLES
from explorer.ui.theme import caption, digit_image, setup_page

PARAMS = TABLES["latent"]

big = setup_page(
    "VAE latent map",
    "An autoencoder squeezes each digit into a few numbers, its <b>latent variables</b>, and a decoder "
    "draws the digit back from them. With two of them every digit is a point on this map — and every "
    "point of the map, even an empty one, decodes to a digit.",
)
url_state.restore(PARAMS)
vae = load_model("vae", state.DATASET)
if vae is None:  # load_model has said why
    st.stop()
mu, logvar, labels = state.codes("vae", state.DATASET, vae)
half = latent.extent(mu)  # the map is the square [-half, half]²
section = st.session_state["latent.section"]
state.take_click()  # a selection put into session state directly (the chart's callback covers clicks)
state.clamp_z(half)
ctx = sections.Ctx(vae, mu, logvar, labels, half, big, state.z())


def explore(ctx: sections.Ctx, section: str) -> None:
    """The map, the decoded digit and the z sliders; with the link, since the link carries z."""
    ctx = replace(ctx, z=state.z())  # in a fragment rerun the arguments are the last full run's
    z = ctx.z
    map_col, digit_col = st.columns([5, 3], gap="medium")
    with digit_col:  # filled before the map: a click swaps this image without waiting for the chart
        digit_image(ctx.decode(z), ctx.big, alt=words.decoded_digit(z))
        st.markdown(f"### z = ({z[0]:.2f}, {z[1]:.2f})")
        caption("The decoder's drawing of the point z — the white star on the map.")
        st.slider("z₁", -ctx.half_width, ctx.half_width, step=0.01, format="%.2f", key="latent.z1")
        st.slider("z₂", -ctx.half_width, ctx.half_width, step=0.01, format="%.2f", key="latent.z2")
        url_state.publish(PARAMS)
        url_state.share_link(PARAMS)
    with map_col:  # the cached map plus a few small traces: the thousands of points never change
        base = state.base_map("vae", state.DATASET, ctx.half_width, ctx.big, 520 if ctx.big else 470,
                              _mu=ctx.mu, _labels=ctx.labels)
        overlay = MENU[section].overlay
        extra = overlay(ctx) if overlay else []
        st.plotly_chart(assemble(base, extra + [marker_trace(z, ctx.big)]), key=state.MAP_KEY,
                        on_select=state.on_click, selection_mode="points", config=sections.STATIC)
        describe(state.MAP_KEY, *words.latent_map(z, len(ctx.labels)))
        caption("Each dot is one of 1,000 test digits at its code μ, coloured by class; click anywhere — "
                "on a dot or between them — to decode that point.")


# a move of z reruns only the map and the digit, unless the section below draws z too
(explore if follows_z(section) else st.fragment(explore))(ctx, section)
st.segmented_control("Explore", tuple(MENU), key="latent.section", required=True, label_visibility="collapsed")
MENU[section].show(ctx)
url_state.publish(PARAMS)  # a section may have changed its own controls
