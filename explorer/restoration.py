"""Denoise and inpaint digits with the networks and the classical baselines, and score both.

The denoise/inpaint page is a thin shell over these functions, and the manifest's held-out
scores (``explorer.metrics``) are these same functions on the 1,000 test digits. ``denoiser(x_noisy) -> x`` and
``inpainter(x_masked, mask) -> x`` are the contract of ``explorer.zoo``; images are
(N, 1, 28, 28) in [0, 1] and masks are 1 where the pixel is known.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from explorer import SEED, corrupt
from explorer.baselines import apply_filter, best_filter, mean_fill
from explorer.data import digits
from explorer.scores import hole_mse, psnr

NOISES = ("gaussian", "salt-and-pepper")
MASKS = ("rectangle", "horizontal stripe", "vertical stripe", "half", "random pixels", "centre hole")
CURVE_LEVELS = tuple(round(0.1 * k, 1) for k in range(1, 11))  # 0.1 .. 1.0; zero noise has PSNR ∞

Denoiser = Callable[[Tensor], Tensor]
Inpainter = Callable[[Tensor, Tensor], Tensor]


def add_noise(x: Tensor, kind: str, level: float, seed: int = SEED) -> Tensor:
    """Gaussian noise of std ``level`` or salt-and-pepper on a fraction ``level`` of pixels."""
    if kind == "gaussian":
        return corrupt.gaussian_noise(x, level, seed)
    if kind == "salt-and-pepper":
        return corrupt.salt_and_pepper(x, level, seed)
    raise ValueError(f"noise must be one of {', '.join(NOISES)}, not {kind!r}")


def make_mask(shape: str, top: int = 8, left: int = 8, height: int = 12, width: int = 12,
              side: str = "bottom", fraction: float = 0.5, seed: int = SEED) -> Tensor:
    """One mask (1, 1, 28, 28) of a named shape; stripes use ``top``/``left`` and ``height``/``width``."""
    if shape == "rectangle":
        return corrupt.rectangle(top, left, height, width)
    if shape == "horizontal stripe":
        return corrupt.stripe("horizontal", top, height)
    if shape == "vertical stripe":
        return corrupt.stripe("vertical", left, width)
    if shape == "half":
        return corrupt.half(side)
    if shape == "random pixels":
        return corrupt.random_pixels(fraction, generator=seed)
    if shape == "centre hole":
        return corrupt.centre_hole()
    raise ValueError(f"mask must be one of {', '.join(MASKS)}, not {shape!r}")


def tuning_digits() -> Tensor:
    """100 training digits (every 40th: ten per class) on which a baseline's filter is chosen."""
    return digits("mnist-5k", "train")[0][::40]  # (100, 1, 28, 28)


def curve_digits() -> Tensor:
    """200 test digits (every 5th: twenty per class) for the PSNR curve: a network pass over all
    1,000 at ten noise levels takes minutes on a shared CPU, 200 keep it to seconds."""
    return digits("mnist-5k", "test")[0][::5]  # (200, 1, 28, 28)


def choose_filter(kind: str, level: float, tuning: Tensor, seed: int = SEED) -> str:
    """The classical filter with the best PSNR on ``tuning`` digits for this noise (not the scored ones)."""
    return best_filter(add_noise(tuning, kind, level, seed), tuning)


@dataclass
class Denoising:
    """One digit, noised and restored three ways, with PSNRs in dB (``inf`` when identical)."""

    clean: Tensor  # (1, 1, 28, 28)
    noisy: Tensor
    denoised: Tensor
    baseline: Tensor
    filter_name: str
    psnr_noisy: float
    psnr_denoised: float
    psnr_baseline: float

    @property
    def error(self) -> Tensor:
        """Per-pixel absolute error of the network's output, (28, 28) in [0, 1]."""
        return (self.denoised - self.clean).abs()[0, 0]


@torch.inference_mode()
def denoise(denoiser: Denoiser, clean: Tensor, kind: str, level: float, filter_name: str,
            seed: int = SEED) -> Denoising:
    """Noise ``clean`` (1, 1, 28, 28) reproducibly from ``seed``, then restore it with the network and a filter."""
    noisy = add_noise(clean, kind, level, seed)
    out = denoiser(noisy).clamp(0, 1)
    base = apply_filter(filter_name, noisy)
    return Denoising(clean, noisy, out, base, filter_name,
                     psnr(noisy, clean), psnr(out, clean), psnr(base, clean))


@dataclass
class Inpainting:
    """One digit with a hole, filled by the network and by mean-fill; MSE over the hole only."""

    truth: Tensor  # (1, 1, 28, 28)
    mask: Tensor  # (1, 1, 28, 28), 1 = known
    masked: Tensor
    inpainted: Tensor
    filled: Tensor  # mean-fill baseline
    mse_inpainted: float | None  # None: no missing pixel
    mse_mean_fill: float | None

    @property
    def missing(self) -> int:
        """How many pixels the mask hides."""
        return int((self.mask == 0).sum().item())


@torch.inference_mode()
def inpaint(inpainter: Inpainter, truth: Tensor, mask: Tensor) -> Inpainting:
    """Hide the pixels where ``mask`` is 0, fill them with the network and with mean-fill, and score both."""
    masked = corrupt.apply_mask(truth, mask)
    out = inpainter(masked, mask).clamp(0, 1)
    filled = mean_fill(masked, mask)
    return Inpainting(truth, mask, masked, out, filled,
                      hole_mse(out, truth, mask), hole_mse(filled, truth, mask))


@dataclass
class Curve:
    """PSNR (dB, pooled over the digits) at each noise level for input, network and best filter."""

    kind: str
    levels: np.ndarray  # (L,)
    noisy: np.ndarray  # (L,)
    learned: np.ndarray  # (L,)
    baseline: np.ndarray  # (L,)
    filters: tuple[str, ...]  # the filter chosen at each level


@torch.inference_mode()
def psnr_curve(denoiser: Denoiser, images: Tensor, kind: str, tuning: Tensor,
               levels: tuple[float, ...] = CURVE_LEVELS, seed: int = SEED) -> Curve:
    """Noise all ``images`` at each level (one batch per level) and score input, network and filter."""
    noisy, learned, baseline, filters = [], [], [], []
    for level in levels:
        x = add_noise(images, kind, level, seed)  # (N, 1, 28, 28)
        name = choose_filter(kind, level, tuning, seed)
        noisy.append(psnr(x, images))
        learned.append(psnr(denoiser(x).clamp(0, 1), images))
        baseline.append(psnr(apply_filter(name, x), images))
        filters.append(name)
    return Curve(kind, np.array(levels), np.array(noisy), np.array(learned), np.array(baseline),
                 tuple(filters))
