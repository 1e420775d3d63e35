"""Small view pieces shared by the denoise and inpaint tabs: number formats and a row of big images."""

from __future__ import annotations

import math

import numpy as np
import streamlit as st

from explorer.figures.pixels import png_data_url
from explorer.figures.style import sizes
from explorer.ui.theme import digit_image, whole_pixels


def psnr_metric(column, label: str, value: float, reference: float | None = None) -> None:
    """A PSNR as a big number; identical images have infinite PSNR, shown as ∞ with "identical" under it.

    With a ``reference`` the small line under it is the gain over it, e.g. "+3.2 dB".
    """
    if math.isinf(value):
        column.metric(label, "∞", "identical", delta_color="off", delta_arrow="off")
        return
    delta = None if reference is None or math.isinf(reference) else f"{value - reference:+.1f} dB"
    column.metric(label, f"{value:.1f} dB", delta)


def fmt_mse(value: float | None) -> str:
    """MSE over the hole, or a plain word when the mask hides nothing."""
    return "no hole" if value is None else f"{value:.4f}"


def rgb_image(rgb: np.ndarray, classroom: bool, label: str, alt: str) -> None:
    """An (28, 28, 3) uint8 picture enlarged by whole pixels, as PNG (the error map, the hole)."""
    st.image(png_data_url(rgb), caption=label, width=whole_pixels(sizes(classroom)["digit_px"], rgb.shape[1]), alt=alt)


def image_row(items: list[tuple[str, np.ndarray, str]], classroom: bool) -> None:
    """Pictures side by side, each with its label and alt text: grey (28, 28) digits or (28, 28, 3) RGB maps."""
    for col, (label, img, alt) in zip(st.columns(len(items)), items):
        with col:
            if img.ndim == 3:
                rgb_image(img, classroom, label, alt)
            else:
                digit_image(img, classroom, caption_text=label, alt=alt)
