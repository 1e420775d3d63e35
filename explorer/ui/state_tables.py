"""Every page's URL-state table, importable without running the page (lessons validate steps with it).

Provisional: the tables are copied from the page scripts (which cannot be imported without
running them) and from the modules that already hold theirs. Keyed by the page's URL path,
which is its file stem.
"""

from __future__ import annotations

from explorer.surfaces import CURVES, SURFACES
from explorer.ui import function_box as fbox
from explorer.ui import latent_state, restore_params
from explorer.ui import optimizer_box as obox
from explorer.ui.url_state import Param

_CURVE, _SURFACE = CURVES["bowl"], SURFACES["elongated"]
_LOGITS = (1.0, -0.5, 0.5, 2.0, -1.0, 0.0, -2.0, 3.0, 1.5, -1.5)

TABLES: dict[str, list[Param]] = {
    "descent_1d": [
        *fbox.params("gd1", CURVES, _CURVE.key),
        Param("gd1.x0", float, _CURVE.start[0], lo=-1000.0, hi=1000.0),
        Param("gd1.steps", int, 30, lo=1, hi=500),
        *obox.params("gd1", multi=False, lr=_CURVE.lr),
        Param("gd1.k", int, 0, lo=0, hi=499),
    ],
    "descent_2d": [
        *fbox.params("gd2", SURFACES, _SURFACE.key),
        Param("gd2.start", "floats", _SURFACE.start, lo=-1000.0, hi=1000.0),
        Param("gd2.steps", int, 100, lo=1, hi=500),
        *obox.params("gd2", multi=True, default=("sgd", "momentum", "adam"), lr=_SURFACE.lr),
    ],
    "fit_line": [
        *obox.params("fit", multi=False, lr=0.1),
        Param("fit.steps", int, 60, lo=1, hi=500),
        Param("fit.scale", bool, True),
    ],
    "gradient_tape": [
        Param("tape.f", str, "(x*y + sin(x))^2"),
        Param("tape.x", float, 2.0, lo=-10.0, hi=10.0),
        Param("tape.y", float, 3.0, lo=-10.0, hi=10.0),
        Param("tape.step", int, 0, lo=0, hi=200),
    ],
    "softmax": [Param(f"softmax.z{k}", float, _LOGITS[k], lo=-20.0, hi=20.0) for k in range(10)] + [
        Param("softmax.T", float, 1.0, lo=0.1, hi=5.0),
        Param("softmax.true", int, 7, choices=tuple(range(10))),
        Param("softmax.digit", int, 0, lo=0, hi=999),
    ],
    "latent": list(latent_state.PARAMS),
    "restore": list(restore_params.PARAMS),
}
