"""The networks' results kept per question for the whole process: a rerun that leaves the digit, the noise and the
mask as they were (a box opened, the link shared, classroom mode) shows the kept result instead of running the
networks, the filter and the scores again. Sessions share a kept result, so nothing may write to its tensors.

A new question is computed by the reference worker (explorer/models_by_weights.py) while the asking run steps
aside from the script gate: in the server, the network's forward pass took the GIL from every other session's run.
The worker answers with its own copy of the model only while its weights are the server's, else here."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from torch import Tensor, nn

from explorer import models_by_weights as there
from explorer.data import BUNDLED
from explorer.restoration import Denoising, Inpainting
from explorer.ui import reference_pool

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


def _thawed(key: tuple[bytes, str, tuple[int, ...]]) -> np.ndarray:
    pixels, dtype, shape = key
    return np.frombuffer(pixels, dtype=np.dtype(dtype)).reshape(shape).copy()  # writable: torch.from_numpy takes it


@lru_cache(maxsize=KEPT)
def _denoised(denoiser, clean, kind, level, filter_name, seed) -> Denoising:
    return there.denoising(reference_pool.run_unless_declined(
        there.denoised_plain, "denoiser", BUNDLED, there.hold(denoiser), _thawed(clean), kind, level, filter_name, seed))


@lru_cache(maxsize=KEPT)
def _inpainted(inpainter, truth, mask) -> Inpainting:
    return there.inpainting(reference_pool.run_unless_declined(
        there.inpainted_plain, "inpainter", BUNDLED, there.hold(inpainter), _thawed(truth), _thawed(mask)))
