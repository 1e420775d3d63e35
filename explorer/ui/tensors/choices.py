"""The tensors-and-kernels page's option lists, shared by its controls and its URL table (ui/state_tables)."""

from __future__ import annotations

from explorer.specs import SPECS

TABS = ("Tensors", "Kernels", "Sliding window", "Your own kernel", "What the layers see")
OWN = "own"  # the kernel choice that means "the one typed in 'Your own kernel'"
KERNELS = tuple(str(k) for k in range(SPECS["classifier"].hparams["width"])) + (OWN,)
START_PRESET = "vertical edge"

CELL_KEYS = tuple(f"tensors.k{i}" for i in range(9))
