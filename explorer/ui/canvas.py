"""Draw your own digit or mask (streamlit-drawable-canvas), or upload a picture, as MNIST-like input.

MNIST digits are white ink on black, the ink's bounding box scaled to fit 20×20 pixels and the
centre of mass put at (14, 14) of a 28×28 field; ``to_mnist`` does the same to a drawing.
"""

from __future__ import annotations

import io

import numpy as np
import streamlit as st
from PIL import Image, UnidentifiedImageError
from streamlit.errors import StreamlitAPIException

from explorer.figures.pixels import upscale

SIDE = 280  # canvas size in screen pixels: 10 per digit pixel
MAX_UPLOAD = 1_000_000  # bytes
FORMATS = ("PNG", "JPEG")
INK = 0.05  # pixels brighter than this count as ink


def to_mnist(ink: np.ndarray) -> np.ndarray | None:
    """Bright ink on dark (H, W) in [0, 1] -> (28, 28) in [0, 1] framed like MNIST; None if blank."""
    rows, cols = np.flatnonzero(ink.max(1) > INK), np.flatnonzero(ink.max(0) > INK)
    if rows.size == 0:
        return None
    crop = ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    scale = 20 / max(crop.shape)  # the longer side becomes 20 px, as in MNIST
    h, w = (max(1, round(s * scale)) for s in crop.shape)
    small = Image.fromarray((crop * 255).astype(np.uint8)).resize((w, h), Image.Resampling.LANCZOS)
    out = np.zeros((28, 28), dtype=np.float32)
    top, left = (28 - h) // 2, (28 - w) // 2
    out[top:top + h, left:left + w] = np.asarray(small, dtype=np.float32) / 255
    r = np.arange(28)
    cy, cx = (out.sum(1) @ r) / out.sum(), (out.sum(0) @ r) / out.sum()
    return _shift(out, round(14 - cy), round(14 - cx))


def _shift(img: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Move an image by whole pixels, filling with black (np.roll would wrap ink around)."""
    out = np.zeros_like(img)
    h, w = img.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        img[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def decode_upload(data: bytes) -> np.ndarray:
    """PNG/JPEG bytes (≤ 1 MB) -> grey (H, W) in [0, 1] with bright ink; ValueError says what is wrong."""
    if len(data) > MAX_UPLOAD:
        raise ValueError(f"The file is {len(data) / 1e6:.1f} MB; the limit is 1 MB.")
    try:
        img = Image.open(io.BytesIO(data))
        if img.format not in FORMATS:
            raise ValueError(f"That is a {img.format} file; upload a PNG or JPEG picture.")
        img.thumbnail((1024, 1024))  # bounds the work on a huge photo
        grey = np.asarray(img.convert("L"), dtype=np.float32) / 255
    except (UnidentifiedImageError, OSError) as err:
        raise ValueError("That file is not a picture Explorer can read (PNG or JPEG).") from err
    # dark ink on light paper (most photos and scans): flip it to MNIST's white on black
    return 1 - grey if np.median(grey) > 0.5 else grey


def instructions(html: str) -> None:
    """What to do with the canvas, with room below for its toolbar (it floats above the canvas)."""
    st.html(f'<div style="margin-bottom: 2.4rem">{html}</div>')


def _canvas(key: str, **kwargs):
    """The drawable canvas, or None (with a warning) when the component fails to load."""
    try:  # importing registers the component, which needs a running app
        from streamlit_drawable_canvas import st_canvas
    except (ImportError, StreamlitAPIException) as err:  # a broken component must not take the page down
        st.warning(f"The drawing canvas is not available here ({type(err).__name__}); "
                   "upload a picture instead.")
        return None
    return st_canvas(key=key, height=SIDE, width=SIDE, return_image_data=True, **kwargs)


def draw_digit(key: str) -> np.ndarray | None:
    """A black canvas to draw a digit on with a thick white pen; (28, 28) in [0, 1] or None if blank."""
    result = _canvas(key, stroke_width=22, stroke_color="#FFFFFF", background_color="#000000")
    if result is None or result.image_data is None:
        return None
    rgba = result.image_data.astype(np.float32) / 255  # (280, 280, 4)
    return to_mnist(rgba[..., :3].mean(-1) * rgba[..., 3])


def draw_mask(key: str, digit: np.ndarray) -> np.ndarray | None:
    """Paint over a digit to hide pixels; mask (28, 28), 1 = known, or None before any stroke."""
    background = Image.fromarray(upscale(digit, SIDE)).convert("RGB")
    result = _canvas(key, stroke_width=24, stroke_color="rgba(86, 180, 233, 0.9)",
                     background_image=background)
    if result is None or result.image_data is None:
        return None
    alpha = result.image_data[..., 3].astype(np.float32) / 255  # strokes only: the background is not sent
    cell = alpha.shape[0] // 28
    cover = alpha[:28 * cell, :28 * cell].reshape(28, cell, 28, cell).mean((1, 3))  # (28, 28)
    return (cover < 0.3).astype(np.float32)  # a digit pixel a third painted over is hidden


def upload_digit(key: str) -> np.ndarray | None:
    """A file uploader for a picture of one digit; (28, 28) in [0, 1], or None (with a message)."""
    file = st.file_uploader("A picture of one digit (PNG or JPEG, up to 1 MB)", type=["png", "jpg", "jpeg"],
                            key=key, max_upload_size=1)
    if file is None:
        return None
    try:
        digit = to_mnist(decode_upload(file.getvalue()))
    except ValueError as err:
        st.error(str(err))
        return None
    if digit is None:
        st.warning("The picture looks empty: no ink found.")
    return digit
