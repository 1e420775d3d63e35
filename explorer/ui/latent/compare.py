"""The latent page's comparison sections: AE vs VAE, and more latents = sharper."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explorer import latent
from explorer.data import class_example, digits
from explorer.figures import latent as figs
from explorer.ui import model_card
from explorer.ui.latent import state
from explorer.ui.latent.sections import STATIC, Ctx, labelled_strips
from explorer.ui.models import load_model
from explorer.ui.theme import caption, digit_image

SIZES = (("vae", 2), ("vae8", 8), ("vae16", 16))  # model name, latent variables
VAE_WORDS = ("The VAE's codes fill one round cloud around 0 — its prior N(0, 1) — so nearly every z near "
             "the middle decodes to a digit.")
AE_WORDS = ("The plain autoencoder puts its codes wherever training left them, on its own scale: nothing "
            "says which z are safe to decode.")


def ae_vs_vae(ctx: Ctx) -> None:
    """The plain autoencoder's map beside the VAE's, and both decoders at the same z."""
    ae = load_model("ae", state.DATASET)
    if ae is None:  # load_model has said why; the card says which model it waits for
        model_card.show("ae", state.DATASET)
        return
    ae_mu, _, _ = state.codes("ae", state.DATASET, ae)
    # the AE's codes sit wherever training put them: frame them and every z the sliders can reach
    corners = ctx.half_width * np.array([[-1.0, -1.0], [1.0, 1.0]])
    ae_centre, ae_half = latent.square_around(np.vstack([ae_mu, corners]))
    height = 440 if ctx.big else 400
    views = (("VAE", "vae", ctx.vae, ctx.mu, ctx.half_width, (0.0, 0.0), VAE_WORDS),
             ("Plain autoencoder", "ae", ae, ae_mu, ae_half, ae_centre, AE_WORDS))
    for col, (title, name, model, mu, r, centre, words) in zip(st.columns(2), views):
        with col:
            st.markdown(f"**{title}** — the same 1,000 test digits")
            base = state.base_map(name, state.DATASET, r, ctx.big, height, centre=centre,
                                  _mu=mu, _labels=ctx.labels)
            st.plotly_chart(figs.assemble(base, [figs.marker_trace(ctx.z, ctx.big)]), config=STATIC,
                            key=f"latent.map_{name}")
            caption(words)
            digit_image(state.decode(name, model, ctx.z), ctx.big, scale=0.6,
                        caption_text=f"{title} decoder at z = ({ctx.z[0]:.2f}, {ctx.z[1]:.2f})")
    caption("Pick a point on the big map above: the star moves on both maps and each decoder draws the same two "
            "numbers — which mean something different to each; away from the AE's codes its drawing is "
            "often a smudge.")
    model_card.show("ae", state.DATASET)


def more_latents(ctx: Ctx) -> None:
    """The same ten digits reconstructed through 2, 8 and 16 latent variables."""
    st.slider("Example", 0, 99, key="latent.example")
    idx = [class_example(ctx.labels, k, st.session_state["latent.example"]) for k in range(10)]
    images, _ = digits(state.DATASET, "test")
    originals = images[idx, 0].numpy()  # (10, 28, 28)
    rows = [("original", originals)]
    for name, d in SIZES:
        model = ctx.vae if name == "vae" else load_model(name, state.DATASET)
        if model is None:  # load_model has said why
            continue
        rec = state.reconstructions(model)[idx]
        rows.append((f"{d} latents · error {np.mean((rec - originals) ** 2):.3f}", rec))
    labelled_strips(rows, ctx.big)
    caption("Top: real test digits. Below: what comes back through 2, 8 and 16 numbers — more latent "
            "variables can keep more detail; the error beside each row (mean squared, per pixel) says how "
            "close each one came.")
    for name, _ in SIZES[1:]:
        model_card.show(name, state.DATASET)
