"""Tensors and kernels: a digit as 1-D…4-D tensors, a 3×3 kernel sliding over it, and what a CNN's layers see.

A *kernel* is a small grid of weights. Convolution slides it over the image: at every position the
nine pixels under the window are multiplied by the nine weights and summed (plus the layer's bias),
which gives one pixel of the output, the *feature map*. :func:`feature_map` does exactly that, nine
shifted products at a time, and :func:`window` does it for one position, so a test can check both
against ``torch.nn.functional.conv2d``. Models are shared read-only: everything runs under
``torch.inference_mode()``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import torch
from torch import Tensor, nn

SIZE = 28  # MNIST digits are 28×28
PAD = 1  # the classifier's 3×3 convs pad by one pixel of zeros, so a feature map stays 28×28
BATCH = 4  # digits in the example batch
STRIDE = 100  # the test split holds 100 digits per class in order: a stride of 100 gives one of each class
LIMIT = 10.0  # a typed kernel weight must lie in [-LIMIT, LIMIT]
MAX_CHARS = 12  # a typed entry longer than this is refused, not parsed
CELLS = tuple((r, c) for r in range(3) for c in range(3))  # row-major, as the grid of entries is drawn

PRESETS = {  # each weight written as a person would type it
    "identity": ("0", "0", "0", "0", "1", "0", "0", "0", "0"),
    "blur": ("1/16", "2/16", "1/16", "2/16", "4/16", "2/16", "1/16", "2/16", "1/16"),
    "sharpen": ("0", "-1", "0", "-1", "5", "-1", "0", "-1", "0"),
    "vertical edge": ("-1", "0", "1", "-2", "0", "2", "-1", "0", "1"),  # left dark, right bright: strong
    "horizontal edge": ("-1", "-2", "-1", "0", "0", "0", "1", "2", "1"),  # top dark, bottom bright: strong
}
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def batch_indices(digit: int, n: int = BATCH) -> list[int]:
    """Test-split indices of the example batch: the chosen digit first, then the same place in the next classes."""
    return [(digit + STRIDE * k) % 1000 for k in range(n)]


@dataclass(frozen=True)
class View:
    """One way to hold the same number: a tensor of ``dims`` dimensions, how it is made, and how it is indexed."""

    dims: int
    name: str  # the variable, e.g. "digit"
    made: str  # how it is cut from x, e.g. "x[2, 0]"
    shape: tuple[int, ...]
    index: tuple[int, ...]
    value: float

    @property
    def code(self) -> str:
        """The indexing that picks the number, e.g. ``x[2, 0, 14, 9]``."""
        return f"{self.name}[{', '.join(str(i) for i in self.index)}]"


def views(x: Tensor, n: int, row: int, col: int) -> list[View]:
    """The element (n, row, col) of a batch ``x`` (N, 1, 28, 28) reached through a 4-, 3-, 2- and 1-D tensor.

    Each step in drops one index: the batch x, the digits without their channel axis, one digit,
    one row of it. Shapes and values are read from the tensors themselves.
    """
    if not (0 <= n < x.shape[0] and 0 <= row < x.shape[2] and 0 <= col < x.shape[3]):
        raise IndexError(f"({n}, {row}, {col}) is outside a batch of shape {tuple(x.shape)}")
    cuts = (("x", "x", x, (n, 0, row, col)),
            ("batch", "x[:, 0]", x[:, 0], (n, row, col)),  # (N, 28, 28)
            ("digit", f"x[{n}, 0]", x[n, 0], (row, col)),  # (28, 28)
            ("row", f"x[{n}, 0, {row}]", x[n, 0, row], (col,)))  # (28,)
    return [View(t.dim(), name, made, tuple(t.shape), index, float(t[index])) for name, made, t, index in cuts]


def index_code(vs: list[View]) -> str:
    """The views as Python lines with their shapes and the one number they all pick, for st.code."""
    lines = [f"x.shape  # {vs[0].shape}  {vs[0].dims}-D"]
    lines += [f"{v.name} = {v.made}  # {v.shape}  {v.dims}-D" for v in vs[1:]]
    lines += [f"{v.code}  # {v.value:.4f}" for v in vs]
    width = max(len(line.split("  #")[0]) for line in lines)
    return "\n".join(f"{code:<{width}}  #{note}" for code, note in (line.split("  #", 1) for line in lines))


def first_layer(net: nn.Module) -> tuple[Tensor, Tensor]:
    """The classifier's first conv layer: kernels (C, 3, 3) and biases (C,), detached copies."""
    conv = next(m for m in net.modules() if isinstance(m, nn.Conv2d))
    return conv.weight.detach()[:, 0].clone(), conv.bias.detach().clone()  # ordinary tensors: the caller may change them


def padded(image: Tensor) -> Tensor:
    """A (28, 28) image with a ring of PAD zeros: (30, 30)."""
    return torch.nn.functional.pad(image.reshape(SIZE, SIZE), (PAD, PAD, PAD, PAD))


def feature_map(image: Tensor, kernel: Tensor, bias: float = 0.0) -> Tensor:
    """Slide the 3×3 ``kernel`` over the (28, 28) ``image`` (zero padding 1): out[r, c] = Σ x·w + bias, (28, 28).

    Written out as nine shifted products — what the window does at every position at once.
    """
    with torch.inference_mode():
        p = padded(image).to(torch.float64)
        k = kernel.reshape(3, 3).to(torch.float64)
        out = torch.full((SIZE, SIZE), float(bias), dtype=torch.float64)
        for i, j in CELLS:
            out += k[i, j] * p[i:i + SIZE, j:j + SIZE]
        return out.to(torch.float32)


@dataclass(frozen=True)
class Window:
    """The 3×3 window at one position: the pixels under it, the products with the weights, their sum."""

    row: int
    col: int
    pixels: Tensor  # (3, 3): the padded image under the window, centred on (row, col)
    weights: Tensor  # (3, 3)
    products: Tensor  # (3, 3) = pixels * weights
    total: float  # the sum of the nine products
    bias: float
    output: float  # total + bias: the feature-map pixel (row, col)


def window(image: Tensor, kernel: Tensor, row: int, col: int, bias: float = 0.0) -> Window:
    """The step-by-step convolution at output pixel (row, col)."""
    if not (0 <= row < SIZE and 0 <= col < SIZE):
        raise IndexError(f"position ({row}, {col}) is outside the {SIZE}×{SIZE} image")
    with torch.inference_mode():
        pixels = padded(image)[row:row + 3, col:col + 3].to(torch.float64)  # padded index r+1 is image row r
        weights = kernel.reshape(3, 3).to(torch.float64)
        products = pixels * weights
        total = float(products.sum())
    return Window(row, col, pixels, weights, products, total, float(bias), total + float(bias))


class KernelError(ValueError):
    """Typed kernel entries that cannot be used; ``problems`` holds one sentence per bad cell."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def cell_name(k: int) -> str:
    """The k-th entry (row-major) as people name it: "row 2, column 3"."""
    r, c = CELLS[k]
    return f"row {r + 1}, column {c + 1}"


def parse_weight(text: str) -> float:
    """One typed weight: a decimal ("0.5", "-1", "2e-1") or a fraction ("1/16"). Raises ValueError saying why."""
    t = text.strip().replace("\u2212", "-").replace(",", ".")  # a typographic minus, a decimal comma
    if not t:
        raise ValueError("is empty: type a number such as 0, 1 or -0.5")
    if len(t) > MAX_CHARS:
        raise ValueError(f"is longer than {MAX_CHARS} characters")
    parts = t.split("/")
    if len(parts) > 2 or not all(_NUMBER.fullmatch(p.strip()) for p in parts):
        raise ValueError(f"'{text.strip()}' is not a number (write e.g. 0.25, -1 or 1/16)")
    value = float(parts[0])
    if len(parts) == 2:
        if float(parts[1]) == 0:
            raise ValueError(f"'{t}' divides by zero")
        value /= float(parts[1])
    if not math.isfinite(value) or abs(value) > LIMIT:
        raise ValueError(f"{t} is outside the range {-LIMIT:g} to {LIMIT:g}")
    return value


def parse_kernel(cells: list[str] | tuple[str, ...]) -> Tensor:
    """Nine typed entries (row-major) -> a (3, 3) kernel; raises KernelError naming every bad cell."""
    if len(cells) != 9:
        raise KernelError([f"A 3×3 kernel needs 9 entries, got {len(cells)}."])
    values, problems = [], []
    for k, text in enumerate(cells):
        try:
            values.append(parse_weight(str(text)))
        except ValueError as err:
            problems.append(f"Kernel {cell_name(k)}: {err}.")
    if problems:
        raise KernelError(problems)
    return torch.tensor(values, dtype=torch.float32).reshape(3, 3)


@dataclass(frozen=True)
class Layers:
    """What the classifier computes for one digit, layer by layer."""

    conv1: Tensor  # (C, 28, 28): after the first conv and ReLU
    conv2: Tensor  # (2C, 14, 14): after pooling, the second conv and ReLU
    logits: Tensor  # (10,)
    probs: Tensor  # (10,): softmax of the logits


def layers(net: nn.Module, image: Tensor) -> Layers:
    """Run the classifier's layers one at a time on a (1, 28, 28) or (28, 28) image and keep each conv's maps."""
    seen: list[Tensor] = []
    with torch.inference_mode():
        h = image.reshape(1, 1, SIZE, SIZE)
        for layer in net.net:
            h = layer(h)
            if isinstance(layer, nn.ReLU) and h.dim() == 4:  # the ReLU after a conv: that conv's feature maps
                seen.append(h[0].clone())
        logits = h[0]
        return Layers(seen[0], seen[1], logits, torch.softmax(logits, dim=0))
