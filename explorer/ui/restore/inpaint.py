"""The Inpaint tab: a mask from a shape and sliders (or painted by hand), the fills, MSE over the hole."""

from __future__ import annotations

import streamlit as st
import torch
from torch import Tensor

from explorer.figures import words
from explorer.figures.restore import hole_overlay
from explorer.restoration import make_mask
from explorer.ui import model_card
from explorer.ui.canvas import draw_mask, instructions
from explorer.ui.models import load_model
from explorer.ui.restore import kept
from explorer.ui.restore.choices import DRAWN, SHAPES, SIDES
from explorer.ui.restore.denoise import new_noise
from explorer.ui.restore.view import fmt_mse, image_row, side_by_side
from explorer.ui.theme import caption


def _shape_sliders(shape: str) -> dict:
    """Only the sliders this shape uses; returns make_mask's keyword arguments."""
    a, b = st.columns(2)
    if shape == "rectangle":
        return {"top": a.slider("Top row", 0, 27, key="restore.top"),
                    "left": b.slider("Left column", 0, 27, key="restore.left"),
                    "height": a.slider("Height", 1, 28, key="restore.height"),
                    "width": b.slider("Width", 1, 28, key="restore.width")}
    if shape == "horizontal stripe":
        return {"top": a.slider("Top row", 0, 27, key="restore.top"),
                    "height": b.slider("Thickness", 1, 28, key="restore.height")}
    if shape == "vertical stripe":
        return {"left": a.slider("Left column", 0, 27, key="restore.left"),
                    "width": b.slider("Thickness", 1, 28, key="restore.width")}
    if shape == "half":
        return {"side": a.radio("Hide the", SIDES, key="restore.side", horizontal=True)}
    if shape == "random pixels":
        b.button("New pattern", on_click=new_noise, icon=":material/refresh:", key="restore.new_pattern")
        return {"fraction": a.slider("Fraction hidden", 0.0, 1.0, step=0.05, key="restore.fraction"),
                    "seed": st.session_state["restore.seed"]}
    st.html("Rows and columns 8–19 hidden: the 12×12 hole the networks are benchmarked on.")
    return {}


def show_inpaint(clean: Tensor, name: str, classroom: bool) -> None:
    """Hide part of the digit, fill it with the network and with mean-fill, and score both over the hole."""
    pictures = st.container()  # the digits above their controls: in a projector's first screen
    shape_col, control_col = st.columns([1, 2])
    shape = shape_col.selectbox("Mask", SHAPES, key="restore.mask")
    with control_col:
        if shape == DRAWN:
            instructions("<b>Paint over the digit</b> to hide those pixels (a pixel a third covered is hidden).")
            painted = draw_mask("restore.mask_canvas", clean[0, 0].numpy())
            mask = torch.ones(1, 1, 28, 28) if painted is None else torch.as_tensor(painted).reshape(1, 1, 28, 28)
        else:
            mask = make_mask(shape, **_shape_sliders(shape))

    inpainter = load_model("inpainter")
    if inpainter is None:  # load_model has said why; the card says which model it waits for
        model_card.show("inpainter")
        return
    r = kept.inpainted(inpainter, clean, mask)
    with pictures:
        image_row(list(zip(("with the hole (blue)", "network's fill", "mean-fill", f"truth: {name}"),
                           (hole_overlay(r.masked[0, 0].numpy(), r.mask[0, 0].numpy()), r.inpainted[0, 0],
                            r.filled[0, 0], r.truth[0, 0]), words.inpaint_images(r, name))), classroom)
        caption("The network sees only the pixels outside the blue hole and draws the rest from the "
                "digits it was trained on; mean-fill paints the whole hole with the average of the visible pixels.")
    numbers = side_by_side()
    numbers.metric("Hidden pixels", f"{r.missing} of 784")
    numbers.metric("Hole MSE: network", fmt_mse(r.mse_inpainted))
    numbers.metric("Hole MSE: mean-fill", fmt_mse(r.mse_mean_fill))
    if r.missing == 0:
        st.info("The mask hides nothing yet: there is no hole to fill.")
    caption("Mean squared error over the hidden pixels only (0 = perfect, 1 = every pixel fully wrong); "
            "lower is better.")
    model_card.show("inpainter")
