"""Noise and masks for digits: what the denoise/inpaint page applies and the restorer trains on.

Images are (N, 1, 28, 28) float tensors in [0, 1]. A mask is a float tensor of the same shape
(or (1, 1, 28, 28), broadcastable), **1 where the pixel is known, 0 where it is missing**.
Random functions take ``generator``: a ``torch.Generator`` or an int seed (the same seed always
gives the same result); geometric masks (rectangle, stripe, half, centre hole) are fixed shapes.
"""

from __future__ import annotations

import torch
from torch import Tensor

from explorer import SEED

SIZE = 28
HOLE = (8, 8, 12, 12)  # centre hole: rows and columns 8-19 (top, left, height, width)
Seed = torch.Generator | int | None


def as_generator(generator: Seed = None) -> torch.Generator:
    """A torch.Generator from a generator (returned as is), an int seed, or None (SEED)."""
    if isinstance(generator, torch.Generator):
        return generator
    return torch.Generator().manual_seed(SEED if generator is None else int(generator))


def gaussian_noise(x: Tensor, sigma: float | Tensor, generator: Seed = None) -> Tensor:
    """x + N(0, sigma^2) per pixel, clipped to [0, 1]. ``sigma`` a float or (N,) per image."""
    sigma = torch.as_tensor(sigma, dtype=x.dtype).reshape(-1, 1, 1, 1)
    eps = torch.randn(x.shape, generator=as_generator(generator), dtype=x.dtype)
    return (x + sigma * eps).clamp(0.0, 1.0)


def salt_and_pepper(x: Tensor, amount: float | Tensor, generator: Seed = None) -> Tensor:
    """Set a fraction ``amount`` of the pixels to 0 or 1 (half each, on average)."""
    gen = as_generator(generator)
    amount = torch.as_tensor(amount, dtype=x.dtype).reshape(-1, 1, 1, 1)
    hit = torch.rand(x.shape, generator=gen) < amount
    salt = (torch.rand(x.shape, generator=gen) < 0.5).to(x.dtype)
    return torch.where(hit, salt, x)


def _grid() -> tuple[Tensor, Tensor]:
    rows = torch.arange(SIZE).reshape(1, 1, SIZE, 1)
    return rows, torch.arange(SIZE).reshape(1, 1, 1, SIZE)


def _boxes(top: Tensor, left: Tensor, height: Tensor, width: Tensor) -> Tensor:
    """Masks (N, 1, 28, 28) with a zero box per image; arguments are (N,) int tensors."""
    rows, cols = _grid()
    t, lft = top.reshape(-1, 1, 1, 1), left.reshape(-1, 1, 1, 1)
    in_rows = (rows >= t) & (rows < t + height.reshape(-1, 1, 1, 1))  # (N, 1, 28, 1)
    inside = in_rows & (cols >= lft) & (cols < lft + width.reshape(-1, 1, 1, 1))  # (N, 1, 28, 28)
    return (~inside).float()


def rectangle(top: int, left: int, height: int, width: int, n: int = 1) -> Tensor:
    """Mask (n, 1, 28, 28): rows top..top+height-1, columns left..left+width-1 missing."""
    args = [torch.full((n,), int(v)) for v in (top, left, height, width)]
    return _boxes(*args)


def stripe(orientation: str = "horizontal", start: int = 12, thickness: int = 4, n: int = 1) -> Tensor:
    """A full-width horizontal (rows start..) or full-height vertical (columns start..) gap."""
    if orientation == "horizontal":
        return rectangle(start, 0, thickness, SIZE, n)
    if orientation == "vertical":
        return rectangle(0, start, SIZE, thickness, n)
    raise ValueError(f"orientation must be 'horizontal' or 'vertical', not {orientation!r}")


def half(side: str = "bottom", n: int = 1) -> Tensor:
    """The ``side`` half ('top', 'bottom', 'left', 'right') of the image missing."""
    boxes = {"top": (0, 0, 14, 28), "bottom": (14, 0, 14, 28),
             "left": (0, 0, 28, 14), "right": (0, 14, 28, 14)}
    if side not in boxes:
        raise ValueError(f"side must be one of {', '.join(boxes)}, not {side!r}")
    return rectangle(*boxes[side], n=n)


def centre_hole(n: int = 1) -> Tensor:
    """The 12x12 centre square (rows and columns 8-19) missing: the inpainting benchmark."""
    return rectangle(*HOLE, n=n)


def random_pixels(fraction: float, n: int = 1, generator: Seed = None) -> Tensor:
    """Each pixel missing independently with probability ``fraction``."""
    u = torch.rand((n, 1, SIZE, SIZE), generator=as_generator(generator))
    return (u >= fraction).float()


def apply_mask(x: Tensor, mask: Tensor) -> Tensor:
    """Zero the missing pixels (what the inpainter receives)."""
    return x * mask


def training_noise(x: Tensor, generator: Seed = None) -> Tensor:
    """Random noise per image for training: 75% Gaussian, 25% salt-and-pepper.

    Gaussian sigma: half the images uniform in [0.05, 1] (the page's range), half near 0.5 (the
    benchmark level); salt-and-pepper amount uniform in [0.05, 0.7].
    """
    gen = as_generator(generator)
    n = len(x)
    wide = 0.05 + 0.95 * torch.rand(n, generator=gen)
    near = (0.5 + 0.1 * torch.randn(n, generator=gen)).clamp(0.3, 0.7)
    sigma = torch.where(torch.rand(n, generator=gen) < 0.5, wide, near)
    amount = 0.05 + 0.65 * torch.rand(n, generator=gen)
    use_gauss = (torch.rand(n, generator=gen) < 0.75).reshape(-1, 1, 1, 1)
    return torch.where(use_gauss, gaussian_noise(x, sigma, gen), salt_and_pepper(x, amount, gen))


def training_masks(n: int, generator: Seed = None) -> Tensor:
    """Random masks (n, 1, 28, 28) for training: boxes, stripes, halves, centre holes, pixels."""
    gen = as_generator(generator)

    def ints(lo: int, hi: int) -> Tensor:  # uniform integers in [lo, hi]
        return torch.randint(lo, hi + 1, (n,), generator=gen)

    kind = ints(0, 4)
    h, w = ints(6, 16), ints(6, 16)
    top, left = (ints(0, 27) % (SIZE - h + 1)), (ints(0, 27) % (SIZE - w + 1))  # box inside
    thick, start, vertical = ints(3, 10), ints(4, 18), ints(0, 1).bool()
    side = ints(0, 3)
    full, zero, mid = torch.full((n,), SIZE), torch.zeros(n, dtype=torch.int64), torch.full((n,), 14)
    # kind 1: stripe
    s_top, s_left = torch.where(vertical, zero, start), torch.where(vertical, start, zero)
    s_h, s_w = torch.where(vertical, full, thick), torch.where(vertical, thick, full)
    # kind 2: half (0 top, 1 bottom, 2 left, 3 right)
    h_top = torch.where(side == 1, mid, zero)
    h_left = torch.where(side == 3, mid, zero)
    h_h, h_w = torch.where(side < 2, mid, full), torch.where(side < 2, full, mid)
    # kind 3: centre hole; kind 4: random pixels (box of size 0 here)
    c = torch.full((n,), HOLE[0])
    c_size = torch.full((n,), HOLE[2])
    pick = [kind == k for k in range(4)]

    def choose(*options: Tensor) -> Tensor:
        return torch.where(pick[0], options[0], torch.where(pick[1], options[1],
                           torch.where(pick[2], options[2], torch.where(pick[3], options[3], zero))))

    boxes = _boxes(choose(top, s_top, h_top, c), choose(left, s_left, h_left, c),
                   choose(h, s_h, h_h, c_size), choose(w, s_w, h_w, c_size))
    fraction = (0.3 + 0.6 * torch.rand(n, generator=gen)).reshape(-1, 1, 1, 1)
    pixels = (torch.rand((n, 1, SIZE, SIZE), generator=gen) >= fraction).float()
    return torch.where((kind == 4).reshape(-1, 1, 1, 1), pixels, boxes)
