"""Small view pieces shared by the denoise and inpaint tabs: number formats and a row of big images."""

from __future__ import annotations

import html
import math

import numpy as np
import streamlit as st

from explorer.figures.pixels import png_data_url
from explorer.figures.style import sizes
from explorer.ui.theme import whole_pixels


def psnr_metric(box, label: str, value: float, reference: float | None = None) -> None:
    """A PSNR as a big number; identical images have infinite PSNR, shown as ∞ with "identical" under it.

    With a ``reference`` the small line under it is the gain over it, e.g. "+3.2 dB".
    """
    if math.isinf(value):
        box.metric(label, "∞", "identical", delta_color="off", delta_arrow="off")
        return
    delta = None if reference is None or math.isinf(reference) else f"{value - reference:+.1f} dB"
    box.metric(label, f"{value:.1f} dB", delta)


def side_by_side():
    """A row of controls or numbers, each as wide as its content: one flex block, not a block per column."""
    return st.container(horizontal=True, gap="medium")


def fmt_mse(value: float | None) -> str:
    """MSE over the hole, or a plain word when the mask hides nothing."""
    return "no hole" if value is None else f"{value:.4f}"


def image_row(items: list[tuple[str, np.ndarray, str]], classroom: bool) -> None:
    """Pictures side by side, each with its label and alt text: grey (28, 28) digits or (28, 28, 3) RGB maps.
    One HTML element for the row (each picture its own 28 × 28 PNG, enlarged by a whole factor): a move of
    a control sends one element, not four images in four columns."""
    width = whole_pixels(sizes(classroom)["digit_px"])
    figures = "".join(
        f'<figure style="width: {width}px"><img src="{png_data_url(img)}" width="{width}" height="{width}" '
        f'alt="{html.escape(alt)}"><figcaption>{html.escape(label)}</figcaption></figure>' for label, img, alt in items)
    st.html(f'<div class="explorer-digits">{figures}</div>')
