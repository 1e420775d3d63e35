"""Classical restorers to measure the networks against: Gaussian blur, median filter, mean-fill.

Images are (N, 1, 28, 28) float tensors in [0, 1]; a mask is 1 where the pixel is known.
A baseline gets one fair chance: ``best_filter`` picks, for a given kind and level of noise,
the filter with the highest PSNR on digits the comparison is not scored on.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from explorer.scores import psnr

# the filters a teacher could reach for; names are what the page shows
FILTERS = ("blur σ=0.5", "blur σ=0.8", "blur σ=1.2", "blur σ=1.8", "median 3×3", "median 5×5")


def gaussian_blur(x: Tensor, sigma: float) -> Tensor:
    """Gaussian blur with standard deviation ``sigma`` pixels (kernel ±2σ, reflected edges).

    The same numbers as torchvision's ``gaussian_blur``, without importing torchvision (seconds).
    """
    r = math.ceil(2 * sigma)  # odd kernel 2r + 1 covering ±2 sigma
    taps = torch.exp(-0.5 * (torch.linspace(-r, r, 2 * r + 1, dtype=x.dtype) / sigma) ** 2)
    taps = taps / taps.sum()
    n, c, h, w = x.shape
    flat = F.pad(x.reshape(n * c, 1, h, w), (r, r, r, r), mode="reflect")
    rows = F.conv2d(flat, taps.reshape(1, 1, 1, -1))  # separable: along rows, then columns
    return F.conv2d(rows, taps.reshape(1, 1, -1, 1)).reshape(n, c, h, w)


def median_filter(x: Tensor, size: int = 3) -> Tensor:
    """Median of each ``size``×``size`` neighbourhood (reflected edges); ``size`` odd."""
    if size % 2 != 1:
        raise ValueError(f"median filter size must be odd, got {size}")
    r = size // 2
    n, c, h, w = x.shape
    windows = F.pad(x, (r, r, r, r), mode="reflect").unfold(2, size, 1).unfold(3, size, 1)  # (N, C, H, W, s, s)
    return windows.reshape(n, c, h, w, size * size).median(dim=-1).values


def apply_filter(name: str, x: Tensor) -> Tensor:
    """Run the filter called ``name`` (one of FILTERS) on a batch."""
    kind, arg = name.split(" ")
    if kind == "blur":
        return gaussian_blur(x, float(arg.removeprefix("σ=")))
    if kind == "median":
        return median_filter(x, int(arg.split("×")[0]))
    raise ValueError(f"unknown filter {name!r}: choose one of {', '.join(FILTERS)}")


def best_filter(noisy: Tensor, clean: Tensor) -> str:
    """The name of the filter in FILTERS that gives the highest PSNR on this batch."""
    return max(FILTERS, key=lambda name: psnr(apply_filter(name, noisy), clean))


def mean_fill(x_masked: Tensor, mask: Tensor) -> Tensor:
    """Fill each image's missing pixels with the mean of its known pixels (0 if none is known)."""
    mask = mask.expand_as(x_masked)
    known = mask.flatten(1).sum(1).clamp(min=1)  # (N,) never divide by zero
    mean = (x_masked * mask).flatten(1).sum(1) / known  # (N,)
    return mask * x_masked + (1 - mask) * mean.reshape(-1, 1, 1, 1)
