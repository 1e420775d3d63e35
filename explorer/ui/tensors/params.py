"""The tensors-and-kernels page's shareable controls: one table, mirrored in the URL as ``tensors.*``."""

from __future__ import annotations

from explorer.kernels import BATCH, PRESETS, SIZE
from explorer.specs import SPECS
from explorer.ui.url_state import Param

TABS = ("Tensors", "Kernels", "Sliding window", "Your own kernel", "What the layers see")
OWN = "own"  # the kernel choice that means "the one typed in 'Your own kernel'"
KERNELS = tuple(str(k) for k in range(SPECS["classifier"].hparams["width"])) + (OWN,)
START_PRESET = "vertical edge"

PARAMS = [
    Param("tensors.tab", str, TABS[0], choices=TABS),
    Param("tensors.digit", int, 700, lo=0, hi=999),  # a test digit (a clear 7); the batch starts with it
    Param("tensors.n", int, 2, lo=0, hi=BATCH - 1),  # the picked element x[n, 0, row, col]
    Param("tensors.row", int, 14, lo=0, hi=SIZE - 1),
    Param("tensors.col", int, 16, lo=0, hi=SIZE - 1),
    Param("tensors.kernel", str, "11", choices=KERNELS),  # learned a horizontal edge: + above, − below
    Param("tensors.wrow", int, 10, lo=0, hi=SIZE - 1),  # the sliding window's position
    Param("tensors.wcol", int, 12, lo=0, hi=SIZE - 1),
    *(Param(f"tensors.k{i}", str, PRESETS[START_PRESET][i]) for i in range(9)),  # your own kernel, row-major
]
CELL_KEYS = tuple(f"tensors.k{i}" for i in range(9))
