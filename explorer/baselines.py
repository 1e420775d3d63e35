"""Classical restorers to measure the networks against: Gaussian blur, median filter, mean-fill.

Images are (N, 1, 28, 28) float tensors in [0, 1]; a mask is 1 where the pixel is known.
A baseline gets one fair chance: ``best_filter`` picks, for a given kind and level of noise,
the filter with the highest PSNR on digits the comparison is not scored on.
"""

from __future__ import annotations

import math

import torch.nn.functional as F
from torch import Tensor
from torchvision.transforms.functional import gaussian_blur as tv_gaussian_blur

from explorer.metrics import psnr

# the filters a teacher could reach for; names are what the page shows
FILTERS = ("blur σ=0.5", "blur σ=0.8", "blur σ=1.2", "blur σ=1.8", "median 3×3", "median 5×5")


def gaussian_blur(x: Tensor, sigma: float) -> Tensor:
    """Gaussian blur with standard deviation ``sigma`` pixels (kernel ±2σ, reflected edges)."""
    k = 2 * math.ceil(2 * sigma) + 1  # odd kernel covering ±2 sigma
    return tv_gaussian_blur(x, [k, k], [sigma, sigma])


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
