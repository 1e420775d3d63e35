"""The denoise/inpaint page's shareable controls: one table, mirrored in the URL as ``restore.*``."""

from __future__ import annotations

from explorer import SEED
from explorer.restoration import MASKS, NOISES
from explorer.ui.url_state import Param

SOURCES = ("test set", "draw", "upload")
TABS = ("Denoise", "Inpaint")
SIDES = ("top", "bottom", "left", "right")
DRAWN = "draw it"  # the mask option that swaps the shape sliders for a canvas

PARAMS = [
    Param("restore.source", str, "test set", choices=SOURCES),
    Param("restore.digit", int, 5, lo=0, hi=9),  # class
    Param("restore.index", int, 0, lo=0, hi=99),  # which of the class's 100 test digits
    Param("restore.mode", str, TABS[0], choices=TABS),
    Param("restore.kind", str, NOISES[0], choices=NOISES),
    Param("restore.noise", float, 0.5, lo=0.0, hi=1.0),  # sigma, or the fraction of pixels hit
    Param("restore.seed", int, SEED, lo=0, hi=999_999),
    Param("restore.mask", str, "centre hole", choices=MASKS + (DRAWN,)),
    Param("restore.top", int, 8, lo=0, hi=27),
    Param("restore.left", int, 8, lo=0, hi=27),
    Param("restore.height", int, 12, lo=1, hi=28),
    Param("restore.width", int, 12, lo=1, hi=28),
    Param("restore.side", str, "bottom", choices=SIDES),
    Param("restore.fraction", float, 0.5, lo=0.0, hi=1.0),
]
