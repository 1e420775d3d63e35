"""The two restoration scores, one definition for the page, the PSNR curve and the manifest.

Images are (N, 1, 28, 28) float tensors in [0, 1]; a mask is 1 where the pixel is known.
"""

from __future__ import annotations

import math

import torch.nn.functional as F
from torch import Tensor


def psnr(x: Tensor, ref: Tensor) -> float:
    """Peak signal-to-noise ratio in dB for pixels in [0, 1]: 10 log10(1 / MSE), pooled over all images."""
    mse = F.mse_loss(x, ref).item()
    return float("inf") if mse == 0 else -10.0 * math.log10(mse)


def hole_mse(x: Tensor, ref: Tensor, mask: Tensor) -> float | None:
    """Mean squared error over the missing pixels (mask == 0) only; None when nothing is missing."""
    missing = (1 - mask).expand_as(ref)
    count = missing.sum().item()
    return None if count == 0 else (((x - ref) ** 2) * missing).sum().item() / count
