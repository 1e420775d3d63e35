"""Digits as pictures: whole-pixel enlargement (a browser would smooth a small image) and tiling."""

from __future__ import annotations

import numpy as np
import torch
from torchvision.utils import make_grid


def upscale(img, px: int) -> np.ndarray:
    """A (28, 28) grey image in [0, 1] (array or tensor) or an (H, W, 3) uint8 picture -> uint8,
    enlarged by the whole factor px // width (nearest neighbour)."""
    a = np.asarray(img.detach().cpu() if hasattr(img, "detach") else img)
    if a.ndim == 3 and a.shape[-1] == 3:  # an RGB picture (error map, hole outline): already uint8
        rgb = a.astype(np.uint8)
    else:
        a = a.reshape(a.shape[-2], a.shape[-1]).astype(np.float32)
        rgb = (np.clip(a, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    k = max(1, px // rgb.shape[1])
    return rgb.repeat(k, axis=0).repeat(k, axis=1)  # repeat on uint8: cheaper than kron on floats


def tile(images: np.ndarray, nrow: int, px: int = 28, padding: int = 0, pad_value: float = 1.0) -> np.ndarray:
    """(N, 28, 28) in [0, 1] -> one uint8 picture, ``nrow`` digits per row, each enlarged to ``px`` (whole pixels)."""
    t = torch.as_tensor(np.asarray(images, dtype=np.float32))[:, None]  # (N, 1, 28, 28)
    k = max(1, px // t.shape[-1])
    t = torch.nn.functional.interpolate(t, scale_factor=k, mode="nearest")  # crisp, no smoothing
    grid = make_grid(t, nrow=nrow, padding=padding * k, pad_value=pad_value)  # (3, H, W)
    return (grid[0].clamp(0, 1) * 255 + 0.5).to(torch.uint8).numpy()
