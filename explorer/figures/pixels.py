"""Digits as pictures: whole-pixel enlargement (a browser would smooth a small image), tiling, and a picture's
own pixels as a PNG data URL."""

from __future__ import annotations

import base64
import io
from functools import lru_cache

import numpy as np
from PIL import Image


def as_uint8(img) -> np.ndarray:
    """A grey image in [0, 1] (array or tensor, any leading 1s), or a uint8 picture (grey, or RGB as (H, W, 3)) -> uint8."""
    a = np.asarray(img.detach().cpu() if hasattr(img, "detach") else img)
    if a.dtype == np.uint8 or a.ndim == 3 and a.shape[-1] == 3:  # a picture (a tiling, the error map): already uint8
        return a.astype(np.uint8)
    a = a.reshape(a.shape[-2], a.shape[-1]).astype(np.float32)
    return (np.clip(a, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


KEPT_PICTURE_BYTES = 28 * 28 * 3  # a digit, grey or in colour (an error map): its URL is kept once encoded


def png_data_url(img) -> str:
    """The picture at its own size as a ``data:image/png`` URL: a few hundred bytes that travel with the page
    (no file for the browser to fetch); shown large with CSS ``image-rendering: pixelated``, it stays crisp."""
    pixels = np.ascontiguousarray(as_uint8(img))
    if pixels.nbytes > KEPT_PICTURE_BYTES:  # a strip or grid of digits: encoded each time (a class's grids would pile up)
        return _encoded(pixels.tobytes(), pixels.shape)
    return _kept_encoded(pixels.tobytes(), pixels.shape)


def _encoded(pixels: bytes, shape: tuple[int, ...]) -> str:
    buffer = io.BytesIO()
    Image.fromarray(np.frombuffer(pixels, dtype=np.uint8).reshape(shape)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


# a rerun that shows the same digits again costs a dictionary lookup, not a PNG encoder (2,048 digits: ~7 MB)
_kept_encoded = lru_cache(maxsize=2048)(_encoded)


def upscale(img, px: int) -> np.ndarray:
    """A (28, 28) grey image in [0, 1] (array or tensor) or an (H, W, 3) uint8 picture -> uint8,
    enlarged by the whole factor px // width (nearest neighbour)."""
    rgb = as_uint8(img)
    k = max(1, px // rgb.shape[1])
    return rgb.repeat(k, axis=0).repeat(k, axis=1)  # repeat on uint8: cheaper than kron on floats


def tile(images: np.ndarray, nrow: int, px: int = 28, padding: int = 0, pad_value: float = 1.0) -> np.ndarray:
    """(N, 28, 28) in [0, 1] -> one uint8 picture, ``nrow`` digits per row, each enlarged to ``px`` (whole pixels),
    with ``padding`` source pixels of ``pad_value`` around every digit (as torchvision's make_grid lays them out)."""
    a = np.clip(np.asarray(images, dtype=np.float32), 0.0, 1.0)  # (N, H, W)
    n, h, w = a.shape
    k, rows = max(1, px // w), -(-n // nrow)
    pad = padding * k
    cell_h, cell_w = h * k + pad, w * k + pad
    grid = np.full((rows * cell_h + pad, min(n, nrow) * cell_w + pad), pad_value, dtype=np.float32)
    big = a.repeat(k, axis=1).repeat(k, axis=2)  # (N, H·k, W·k): nearest neighbour, crisp
    for i in range(n):
        r, c = divmod(i, nrow)
        grid[pad + r * cell_h: pad + r * cell_h + h * k, pad + c * cell_w: pad + c * cell_w + w * k] = big[i]
    return (grid * 255 + 0.5).astype(np.uint8)
