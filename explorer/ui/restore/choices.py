"""The denoise/inpaint page's option lists, shared by its controls and its URL table (ui/state_tables)."""

from __future__ import annotations

from explorer.restoration import MASKS

SOURCES = ("test set", "draw", "upload")
TABS = ("Denoise", "Inpaint")
SIDES = ("top", "bottom", "left", "right")
DRAWN = "draw it"  # the mask option that swaps the shape sliders for a canvas
SHAPES = MASKS + (DRAWN,)
