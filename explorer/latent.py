"""The 2-D latent space of a (variational) autoencoder: encode, decode, grids, paths, samples.

Everything returns NumPy arrays so pages and figures never hold autograd graphs; every network
call runs under ``torch.inference_mode``.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from explorer import SEED

SPACINGS = ("linear", "icdf")


def encode(model: nn.Module, images: torch.Tensor, batch: int = 500) -> tuple[np.ndarray, np.ndarray]:
    """Images (N, 1, 28, 28) -> (mu, logvar), each float32 (N, latent).

    A VAE's ``encode`` returns (mu, logvar); a plain autoencoder's returns the code alone, which
    is returned as ``mu`` with ``logvar`` = -inf (zero variance: one fixed code per digit).
    """
    mus, logvars = [], []
    with torch.inference_mode():
        for start in range(0, len(images), batch):
            out = model.encode(images[start:start + batch])
            mu, logvar = out if isinstance(out, tuple) else (out, torch.full_like(out, -math.inf))
            mus.append(mu)
            logvars.append(logvar)
    return torch.cat(mus).numpy(), torch.cat(logvars).numpy()


def decode(model: nn.Module, z) -> np.ndarray:
    """Latent codes (latent,) or (N, latent) -> mean images in [0, 1], float32 (28, 28) or (N, 28, 28)."""
    z = np.asarray(z, dtype=np.float32)
    single = z.ndim == 1
    with torch.inference_mode():
        logits = model.decode(torch.from_numpy(np.atleast_2d(z)))  # (N, 1, 28, 28)
        images = torch.sigmoid(logits)[:, 0].numpy()  # (N, 28, 28)
    return images[0] if single else images


def extent(mu: np.ndarray, pad: float = 1.05, step: float = 0.5) -> float:
    """Half-width R of a square map [-R, R]² holding every code, rounded up to ``step``."""
    reach = float(np.max(np.abs(mu[:, :2]))) * pad
    return max(step, math.ceil(reach / step) * step)


def square_around(points: np.ndarray, pad: float = 1.05) -> tuple[tuple[float, float], float]:
    """Centre and half-width of the smallest square holding every point (with ``pad``): a map
    for codes that need not sit around 0, like a plain autoencoder's."""
    lo, hi = points[:, :2].min(0), points[:, :2].max(0)
    centre = (lo + hi) / 2
    return (float(centre[0]), float(centre[1])), max(float((hi - lo).max()) / 2 * pad, 0.5)


def grid_axis(n: int, spacing: str = "linear", half_width: float = 3.0) -> np.ndarray:
    """n increasing z values at the centres of n equal cells.

    ``linear``: cells of equal width across [-half_width, half_width].
    ``icdf``: cells of equal probability under the prior N(0, 1): z_k = Φ⁻¹((k + ½) / n),
    so the grid is dense where the codes are dense and never hits ±∞.
    """
    centres = (torch.arange(n, dtype=torch.float64) + 0.5) / n  # (n,) in (0, 1)
    if spacing == "linear":
        return ((2 * centres - 1) * half_width).numpy()
    if spacing == "icdf":
        return torch.distributions.Normal(0.0, 1.0).icdf(centres).numpy()
    raise ValueError(f"spacing must be one of {SPACINGS}, not {spacing!r}")


def grid_ticks(n: int, spacing: str = "linear", half_width: float = 3.0) -> tuple[np.ndarray, np.ndarray]:
    """Round z values (0 among them) and where they fall on an n-cell grid axis, 0 to n cells.

    The inverse of :func:`grid_axis`: cell k spans [k, k + 1], and its centre is z_k. Ticks at round z
    read better than the cells' own centres (−1.44, −0.06, …) and never skip 0.
    """
    if spacing == "icdf":
        values = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0])  # dense near 0, like the cells
        position = torch.distributions.Normal(0.0, 1.0).cdf(torch.as_tensor(values)).numpy() * n
    elif spacing == "linear":
        step = next((s for s in (0.5, 1.0, 2.0, 5.0) if 2 * half_width / s <= 7), half_width)  # ≤ 7 ticks
        values = np.arange(-np.floor(half_width / step), np.floor(half_width / step) + 1) * step
        position = (values + half_width) / (2 * half_width) * n
    else:
        raise ValueError(f"spacing must be one of {SPACINGS}, not {spacing!r}")
    return position, values


def manifold_codes(n: int, spacing: str = "linear", half_width: float = 3.0) -> np.ndarray:
    """(n·n, 2) codes of an n×n grid in image order: rows top (high z2) to bottom, columns left to right."""
    axis = grid_axis(n, spacing, half_width)
    z1, z2 = np.meshgrid(axis, axis[::-1])  # row 0 is the top of the picture: the largest z2
    return np.stack([z1.ravel(), z2.ravel()], axis=1).astype(np.float32)


def interpolate(a, b, steps: int) -> np.ndarray:
    """``steps`` evenly spaced codes on the straight line from a to b, both ends included: (steps, d)."""
    a, b = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    t = np.linspace(0.0, 1.0, steps, dtype=np.float32)[:, None]  # (steps, 1)
    return (1 - t) * a + t * b


def sample(mu, logvar, n: int, seed: int = SEED) -> np.ndarray:
    """The reparameterisation trick: n codes z = mu + σ·ε, σ = exp(logvar / 2), ε ~ N(0, I): (n, d)."""
    mu = torch.as_tensor(np.asarray(mu, dtype=np.float32))
    sigma = torch.exp(0.5 * torch.as_tensor(np.asarray(logvar, dtype=np.float32)))
    eps = torch.randn((n, mu.numel()), generator=torch.Generator().manual_seed(seed))
    return (mu + sigma * eps).numpy()


def ellipse(mu, logvar, k: float = 1.0, points: int = 90) -> np.ndarray:
    """(points, 2) outline of the k-σ ellipse of N(mu, diag(exp(logvar))) in 2-D; closed (first = last)."""
    radii = k * np.exp(0.5 * np.asarray(logvar, dtype=np.float64)[:2])
    t = np.linspace(0.0, 2 * np.pi, points)
    return np.asarray(mu, dtype=np.float64)[:2] + radii * np.stack([np.cos(t), np.sin(t)], axis=1)
