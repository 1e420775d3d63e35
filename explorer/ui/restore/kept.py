"""The networks' results kept per question for the whole process: a rerun that leaves the digit, the noise and the
mask as they were (a box opened, the link shared, classroom mode) shows the kept result instead of running the
networks, the filter and the scores again. Sessions share a kept result, so nothing may write to its tensors."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch
from torch import Tensor, nn

from explorer.restoration import Denoising, Inpainting, denoise, inpaint

KEPT = 256  # results per tab (a digit's result is a few 28 × 28 tensors)


def denoised(denoiser: nn.Module, clean: Tensor, kind: str, level: float, filter_name: str, seed: int) -> Denoising:
    """:func:`explorer.restoration.denoise`, once per model, digit, noise, filter and seed."""
    return _denoised(denoiser, _frozen(clean), kind, float(level), filter_name, int(seed))


def inpainted(inpainter: nn.Module, truth: Tensor, mask: Tensor) -> Inpainting:
    """:func:`explorer.restoration.inpaint`, once per model, digit and mask."""
    return _inpainted(inpainter, _frozen(truth), _frozen(mask))


def _frozen(t: Tensor) -> tuple[bytes, str, tuple[int, ...]]:
    """A tensor as a hashable key (its bytes, dtype and shape): a digit is 3 KB."""
    a = np.ascontiguousarray(t.detach().cpu().numpy())
    return a.tobytes(), a.dtype.str, a.shape


def _thawed(key: tuple[bytes, str, tuple[int, ...]]) -> Tensor:
    pixels, dtype, shape = key
    return torch.from_numpy(np.frombuffer(pixels, dtype=np.dtype(dtype)).reshape(shape).copy())


@lru_cache(maxsize=KEPT)
def _denoised(denoiser, clean, kind, level, filter_name, seed) -> Denoising:
    return denoise(denoiser, _thawed(clean), kind, level, filter_name, seed)


@lru_cache(maxsize=KEPT)
def _inpainted(inpainter, truth, mask) -> Inpainting:
    return inpaint(inpainter, _thawed(truth), _thawed(mask))
