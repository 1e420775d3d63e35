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
from explorer.ui.restore.view import Number, fmt_mse, image_row, scores, side_by_side


def _shape_sliders(shape: str) -> dict:
    """Only the sliders this shape uses, beside the mask's box; returns make_mask's keyword arguments."""
    if shape == "rectangle":  # four in one row beside the box
        return {"top": st.slider("Top row", 0, 27, key="restore.top", width=150),
                "left": st.slider("Left column", 0, 27, key="restore.left", width=150),
                "height": st.slider("Height", 1, 28, key="restore.height", width=150),
                "width": st.slider("Width", 1, 28, key="restore.width", width=150)}
    if shape == "horizontal stripe":
        return {"top": st.slider("Top row", 0, 27, key="restore.top"),
                "height": st.slider("Thickness", 1, 28, key="restore.height")}
    if shape == "vertical stripe":
        return {"left": st.slider("Left column", 0, 27, key="restore.left"),
                "width": st.slider("Thickness", 1, 28, key="restore.width")}
    if shape == "half":
        return {"side": st.radio("Hide the", SIDES, key="restore.side", horizontal=True)}
    if shape == "random pixels":
        fraction = st.slider("Fraction hidden", 0.0, 1.0, step=0.05, key="restore.fraction")
        st.button("New pattern", on_click=new_noise, icon=":material/refresh:", key="restore.new_pattern")
        return {"fraction": fraction, "seed": st.session_state["restore.seed"]}
    st.html("Rows and columns 8–19 hidden: the 12×12 hole the networks are benchmarked on.")
    return {}


def show_inpaint(clean: Tensor, name: str, classroom: bool) -> None:
    """Hide part of the digit, fill it with the network and with mean-fill, and score both over the hole."""
    pictures = st.container()  # the digits above their controls: in a projector's first screen
    controls = side_by_side()
    shape = controls.selectbox("Mask", SHAPES, key="restore.mask", width=200)
    with controls:
        if shape == DRAWN:
            with st.container():  # the instructions above their canvas, beside the mask's box
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
    if r.missing == 0:
        st.info("The mask hides nothing yet: there is no hole to fill.")
    scores([Number("Hidden pixels", f"{r.missing} of 784"),
            Number("Hole MSE: network", fmt_mse(r.mse_inpainted)),
            Number("Hole MSE: mean-fill", fmt_mse(r.mse_mean_fill))],
           "The network sees only the pixels outside the blue hole and draws the rest from the "
           "digits it was trained on; mean-fill paints the whole hole with the average of the visible pixels.",
           "Mean squared error over the hidden pixels only (0 = perfect, 1 = every pixel fully wrong); "
           "lower is better.")
    model_card.show("inpainter")
