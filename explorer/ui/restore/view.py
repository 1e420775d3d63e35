"""Small view pieces shared by the denoise and inpaint tabs: a row of big images, a row of controls, and the
numbers that score the images with the sentences that explain them."""

from __future__ import annotations

import html
import math
from typing import NamedTuple

import numpy as np
import streamlit as st

from explorer.figures.pixels import png_data_url
from explorer.figures.style import sizes
from explorer.ui.theme import caption_html, whole_pixels


class Number(NamedTuple):
    """One number under the pictures: its label, its value as shown, and the small line under it."""

    label: str
    value: str
    change: str | None = None


def psnr_number(label: str, value: float, reference: float | None = None) -> Number:
    """A PSNR; identical images have infinite PSNR, shown as ∞ with "identical" under it.

    With a ``reference`` the small line under it is the gain over it, e.g. "+3.2 dB".
    """
    if math.isinf(value):
        return Number(label, "∞", "identical")
    delta = None if reference is None or math.isinf(reference) else f"{value - reference:+.1f} dB"
    return Number(label, f"{value:.1f} dB", delta)


def side_by_side():
    """A row of controls on one baseline: one flex block, not a block per column (sliders share the width the
    others leave)."""
    return st.container(horizontal=True, gap="medium", vertical_alignment="bottom")


def fmt_mse(value: float | None) -> str:
    """MSE over the hole, or a plain word when the mask hides nothing."""
    return "no hole" if value is None else f"{value:.4f}"


def _arrow(change: str) -> str:
    # the sign in the text carries the meaning; the coloured arrow only repeats it
    if change.startswith("+"):
        return '<span class="explorer-up" aria-hidden="true">▲</span> '
    if change.startswith("-"):
        return '<span class="explorer-down" aria-hidden="true">▼</span> '
    return ""


def _numbers(numbers: list[Number]) -> str:
    items = "".join(
        f"<div><dt>{html.escape(n.label)}</dt><dd>{html.escape(n.value)}</dd>"
        + (f'<dd class="explorer-change">{_arrow(n.change)}{html.escape(n.change)}</dd>' if n.change else "")
        + "</div>" for n in numbers)
    return f'<dl class="explorer-numbers">{items}</dl>'


def image_row(items: list[tuple[str, np.ndarray, str]], classroom: bool) -> None:
    """Pictures side by side, each with its label and alt text: grey (28, 28) digits or (28, 28, 3) RGB maps.
    One HTML element for the row (each picture its own 28 × 28 PNG, enlarged by a whole factor): a move of
    a control sends one element, not four images in four columns."""
    width = whole_pixels(sizes(classroom)["digit_px"])
    figures = "".join(
        f'<figure style="width: {width}px"><img src="{png_data_url(img)}" width="{width}" height="{width}" '
        f'alt="{html.escape(alt)}"><figcaption>{html.escape(label)}</figcaption></figure>' for label, img, alt in items)
    st.html(f'<div class="explorer-digits">{figures}</div>')


def scores(numbers: list[Number], *notes: str) -> None:
    """The numbers that score the pictures, then the sentences that say what they mean: one HTML element,
    not a block, a metric per number and a caption per sentence."""
    st.html(_numbers(numbers) + "".join(caption_html(note) for note in notes))
