"""The latent page's sections below the map: manifold grid, interpolation, sampling, encoding.

Each section is a function of a ``Ctx``; some also have an ``*_overlay(ctx)`` that returns what
they add to the live map above (small data: points, colours, labels), which the page calls first.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np
import streamlit as st
from torch import nn

from explorer import latent
from explorer.data import class_example, digits
from explorer.figures import latent as figs
from explorer.figures.pixels import png_data_url, tile
from explorer.figures.spec import WrittenFigure
from explorer.ui.digit_pick import randomise
from explorer.ui.latent import state
from explorer.ui.theme import caption, digit_image

STATIC = {"displayModeBar": False}  # plotly config: no toolbar on a projected page
SPACING_LABELS = {"linear": "even steps in z", "icdf": "equal probability (Φ⁻¹)"}


@dataclass(frozen=True)
class Ctx:
    """What every section needs: the VAE, its codes of the test digits, the map range, the point z."""

    vae: nn.Module
    mu: np.ndarray  # (N, 2)
    logvar: np.ndarray  # (N, 2)
    labels: np.ndarray  # (N,)
    half_width: float
    big: bool
    z: tuple[float, float]

    def decode(self, codes) -> np.ndarray:
        """The VAE's images at ``codes`` (cached per code)."""
        return state.decode("vae", self.vae, codes)


def _tiled(images: np.ndarray, big: bool, per_row: int | None = None) -> tuple[np.ndarray, int]:
    """The digits as one picture of their own pixels and the whole factor it is enlarged by."""
    per_row = per_row or len(images)
    k = int(np.clip(30 // per_row, 2, 4 if big else 3))  # a row of 10 fits a 1280-px projector
    return tile(images, nrow=per_row, padding=1), k


def strip(images: np.ndarray, big: bool, label: str | None = None, per_row: int | None = None) -> None:
    """Digits in a row (or rows of ``per_row``) as one PNG of their own pixels, enlarged by a whole factor."""
    picture, k = _tiled(images, big, per_row)
    st.image(png_data_url(picture), caption=label, width=picture.shape[1] * k,
             alt=label or f"{len(images)} decoded digits in a row")


def labelled_strips(rows: list[tuple[str, np.ndarray]], big: bool) -> None:
    """Rows of digits, each after its bold label, as one HTML element: a move of a control sends one
    element, not a label, a picture and three layout blocks per row."""
    cells = []
    for label, images in rows:
        picture, k = _tiled(images, big)
        cells.append(f'<div><b>{html.escape(label)}</b></div><img src="{png_data_url(picture)}" '
                     f'width="{picture.shape[1] * k}" height="{picture.shape[0] * k}" '
                     f'alt="{html.escape(f"{label}: {len(images)} digits in a row")}">')
    st.html(f'<div class="explorer-rows">{"".join(cells)}</div>')


@st.cache_resource(show_spinner=False, max_entries=32)
def _manifold(name: str, spacing: str, half_width: float, big: bool, height: int, _vae: nn.Module) -> WrittenFigure:
    """The 20×20 manifold figure of model ``name``, decoded in one batch once, its JSON written once."""
    images = latent.decode(_vae, latent.manifold_codes(20, spacing, half_width))  # (400, 28, 28)
    return WrittenFigure(figs.manifold_figure(images, latent.grid_ticks(20, spacing, half_width), big, height).to_dict())


def manifold_base(vae: nn.Module, spacing: str, half_width: float, big: bool) -> WrittenFigure:
    """The VAE's manifold figure for this spacing and mode, built once per process."""
    return _manifold("vae", spacing, half_width, big, 640 if big else 560, vae)


def warm_manifolds(vae: nn.Module, half_width: float) -> None:
    """Every spacing in both modes (~0.1 s each): a first click on the other spacing never makes the class wait."""
    for big in (False, True):
        for spacing in latent.SPACINGS:
            manifold_base(vae, spacing, half_width, big)


def manifold(ctx: Ctx) -> None:
    """The decoder's digit at every point of a 20×20 grid, decoded in one batch."""
    spacing = st.segmented_control("Grid spacing", latent.SPACINGS, key="latent.spacing", required=True,
                                   format_func=SPACING_LABELS.get)
    st.markdown("**Even steps** cover the map's square evenly; **equal probability** gives each row and "
                "column an equal slice of the prior N(0, 1) — dense near 0, where most codes are.")
    st.plotly_chart(manifold_base(ctx.vae, spacing, ctx.half_width, ctx.big), config=STATIC)
    caption("Every square is what the decoder draws at the z under it: walk across the grid and "
            "one digit morphs into the next — there are no holes.")


def _ends(ctx: Ctx) -> tuple[np.ndarray, np.ndarray] | None:
    """The two ends of the interpolation: two chosen digits' mu, or the last two clicks."""
    if st.session_state["latent.path"] == "clicks":
        prev = st.session_state["latent.prev"]
        return (np.array(prev), np.array(ctx.z)) if len(prev) == 2 else None
    ex = st.session_state["latent.example"]
    a = class_example(ctx.labels, st.session_state["latent.from"], ex)
    b = class_example(ctx.labels, st.session_state["latent.to"], ex)
    return ctx.mu[a], ctx.mu[b]


def interpolate_overlay(ctx: Ctx) -> list[dict]:
    """The interpolation path, drawn on the live map."""
    ends = _ends(ctx)
    steps = st.session_state["latent.steps"]
    return [] if ends is None else [figs.path_overlay(latent.interpolate(*ends, steps))]


def interpolate(ctx: Ctx) -> None:
    """The straight path A → B (drawn on the map above) and the digits decoded along it."""
    row = st.container(horizontal=True, gap="large")  # a flex row: one block, not a block per column
    row.segmented_control("Ends", ("digits", "clicks"), key="latent.path", required=True,
                          format_func={"digits": "two digits", "clicks": "last two clicks"}.get)
    row.slider("Steps", 3, 16, key="latent.steps")
    if st.session_state["latent.path"] == "digits":
        row = st.container(horizontal=True, gap="medium")
        row.selectbox("From digit", range(10), key="latent.from", width=150)
        row.selectbox("To digit", range(10), key="latent.to", width=150)
        row.slider("Example", 0, 99, key="latent.example")
    ends = _ends(ctx)
    if ends is None:
        st.info("Pick two places on the map (click, or slide z₁ / z₂ and let go): the path runs from the "
                "one before to the last one.")
        return
    path = latent.interpolate(*ends, st.session_state["latent.steps"])  # (steps, 2)
    strip(ctx.decode(path), ctx.big)
    caption(f"The decoder's digits along the straight line from A ({ends[0][0]:.2f}, {ends[0][1]:.2f}) to "
            f"B ({ends[1][0]:.2f}, {ends[1][1]:.2f}) on the map: each step changes the digit a little.")


def pick(ctx: Ctx) -> int:
    """Choose a test digit by class and example (or at random); returns its test-set index."""
    st.segmented_control("Digit", range(10), key="latent.digit", required=True)
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    row.slider("Example", 0, 99, key="latent.example")
    row.button("Random", on_click=randomise, args=("latent.digit", "latent.example"), width=130)
    return class_example(ctx.labels, st.session_state["latent.digit"], st.session_state["latent.example"])


def chosen_overlay(ctx: Ctx) -> list[dict]:
    """The chosen digit's mu as a coloured star on the live map."""
    i = class_example(ctx.labels, st.session_state["latent.digit"], st.session_state["latent.example"])
    return [figs.point_overlay(ctx.mu[i], figs.PALETTE[ctx.labels[i]], f"μ of test #{i}, a {ctx.labels[i]}")]


def sampling(ctx: Ctx) -> None:
    """The reparameterisation trick: the same digit, many codes z = mu + σ·ε."""
    i = pick(ctx)
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    row.slider("Samples", 10, 1000, step=10, key="latent.samples")
    row.button("Draw again", width=130,
               on_click=lambda: st.session_state.update({"latent.seed": st.session_state["latent.seed"] + 1}))
    mu, logvar = ctx.mu[i], ctx.logvar[i]
    z = latent.sample(mu, logvar, st.session_state["latent.samples"], seed=st.session_state["latent.seed"])
    rings = {k: latent.ellipse(mu, logvar, k) for k in (1, 2)}
    left, right = st.columns([3, 2])
    with left:
        base = state.base_map("vae", state.DATASET, ctx.half_width, ctx.big, 480, faint=True,
                              _mu=ctx.mu, _labels=ctx.labels)
        fig = figs.assemble(base, figs.sampling_traces(mu, rings, z, ctx.big), figs.zoom(mu, rings))
        st.plotly_chart(fig, config=STATIC)
        sigma = np.exp(0.5 * logvar)
        caption(f"Zoomed in on test digit #{i}: the encoder gives μ = ({mu[0]:.2f}, {mu[1]:.2f}) and "
                f"σ = ({sigma[0]:.2f}, {sigma[1]:.2f}); each dot is one draw z = μ + σ·ε.")
    with right:
        digit_image(state.reconstructions(ctx.vae)[i], ctx.big, caption_text="decoded at μ", scale=0.6)
        strip(ctx.decode(z[:6]), ctx.big, label="decoded at the first 6 samples", per_row=3)
        caption("The same digit gives a different code each time, and each code decodes to a slightly "
                "different digit.")


def encode(ctx: Ctx) -> None:
    """A real test digit: its point on the map (the coloured star above) and its reconstruction."""
    i = pick(ctx)
    images, _ = digits(state.DATASET, "test")
    mu = ctx.mu[i]
    cols = st.columns(3, vertical_alignment="center")
    with cols[0]:
        digit_image(images[i], ctx.big, caption_text=f"test #{i}: a real {ctx.labels[i]}")
    with cols[1]:
        digit_image(state.reconstructions(ctx.vae)[i], ctx.big, caption_text="decoded from its μ")
    with cols[2]:
        st.markdown(f"μ = **({mu[0]:.2f}, {mu[1]:.2f})** — the coloured star on the map.")
        st.button("Decode this point on the map", on_click=state.move_z_from_below, args=(mu[0], mu[1]))
    caption("The encoder squeezes 784 pixels into two numbers; the decoder redraws the digit from "
            "those two numbers alone.")
