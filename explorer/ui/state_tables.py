"""Every page's shareable state, declared once: page (its file stem) -> its table of URL parameters.

Like tensorflow/playground's ``state.ts``: each control is a ``Param(key, type, default, range
or choices)``; ``url_state`` mirrors a table into the address bar and reads a link back, and
lessons validate a step's state against the same table. A page reads ``TABLES["<its stem>"]``.
"""

from __future__ import annotations

from explorer import SEED, latent
from explorer.kernels import BATCH, PRESETS, SIZE
from explorer.restoration import NOISES
from explorer.surfaces import CURVES, SURFACES
from explorer.ui.descent import function_box as fbox
from explorer.ui.descent import optimizer_box as obox
from explorer.ui.latent.menu import MENU
from explorer.ui.latent.state import Z_LIMIT
from explorer.ui.restore.choices import SHAPES, SIDES, SOURCES, TABS
from explorer.ui.tensors.choices import KERNELS, START_PRESET
from explorer.ui.tensors.choices import TABS as TENSOR_TABS
from explorer.ui.url_state import Param

CURVE, SURFACE = CURVES["bowl"], SURFACES["elongated"]  # the presets each descent page opens with
TAPE_FORMULA = "(x*y + sin(x))^2"
LOGIT_LIMIT = 20.0  # the logit sliders' range ±LIMIT: the trained classifier's logits stay within it

TABLES: dict[str, list[Param]] = {
    "descent_1d": [
        *fbox.params("gd1", CURVES, CURVE.key),
        Param("gd1.x0", float, CURVE.start[0], lo=-1000.0, hi=1000.0, label="Start x₀"),
        Param("gd1.steps", int, CURVE.steps, lo=1, hi=500, label="Steps"),
        *obox.params("gd1", multi=False, default=CURVE.racers, lr=CURVE.lr),
        Param("gd1.k", int, 0, lo=0, hi=499, label="Step k"),  # the step whose numbers are written out
    ],
    "descent_2d": [
        *fbox.params("gd2", SURFACES, SURFACE.key),
        Param("gd2.start", "floats", SURFACE.start, lo=-1000.0, hi=1000.0, label="Start (x, y)", size=(2,)),
        Param("gd2.steps", int, SURFACE.steps, lo=1, hi=500, label="Steps"),
        *obox.params("gd2", multi=True, default=SURFACE.racers, lr=SURFACE.lr, hyper=SURFACE.hyper),
    ],
    "fit_line": [
        *obox.params("fit", multi=False, lr=0.1),
        Param("fit.steps", int, 60, lo=1, hi=500, label="Steps"),
        Param("fit.scale", bool, True, label="Feature scaling"),
    ],
    "gradient_tape": [
        Param("tape.f", str, TAPE_FORMULA),
        Param("tape.x", float, 2.0, lo=-10.0, hi=10.0),
        Param("tape.y", float, 3.0, lo=-10.0, hi=10.0),
        Param("tape.step", int, 0, lo=0, hi=200),  # backward steps played
    ],
    "softmax": [
        *(Param(f"softmax.z{k}", float, z, lo=-LOGIT_LIMIT, hi=LOGIT_LIMIT)
          for k, z in enumerate((1.0, -0.5, 0.5, 2.0, -1.0, 0.0, -2.0, 3.0, 1.5, -1.5))),  # the ten logits
        Param("softmax.T", float, 1.0, lo=0.1, hi=5.0),
        Param("softmax.true", int, 7, choices=tuple(range(10))),
        Param("softmax.digit", int, 0, lo=0, hi=999),
    ],
    "tensors": [
    Param("tensors.tab", str, TENSOR_TABS[0], choices=TENSOR_TABS),
    Param("tensors.digit", int, 700, lo=0, hi=999),  # a test digit (a clear 7); the batch starts with it
    Param("tensors.n", int, 2, lo=0, hi=BATCH - 1),  # the picked element x[n, 0, row, col]
    Param("tensors.row", int, 14, lo=0, hi=SIZE - 1),
    Param("tensors.col", int, 16, lo=0, hi=SIZE - 1),
    Param("tensors.kernel", str, "11", choices=KERNELS),  # learned a horizontal edge: + above, − below
    Param("tensors.wrow", int, 10, lo=0, hi=SIZE - 1),  # the sliding window's position
    Param("tensors.wcol", int, 12, lo=0, hi=SIZE - 1),
    *(Param(f"tensors.k{i}", str, PRESETS[START_PRESET][i]) for i in range(9)),  # your own kernel, row-major
    ],
    "latent": [
        Param("latent.z1", float, 0.0, lo=-Z_LIMIT, hi=Z_LIMIT),  # the decoded point: sliders and clicks
        Param("latent.z2", float, 0.0, lo=-Z_LIMIT, hi=Z_LIMIT),
        Param("latent.prev", "floats", (), lo=-Z_LIMIT, hi=Z_LIMIT),  # the click before: one end of a path
        Param("latent.section", str, next(iter(MENU)), choices=tuple(MENU)),
        Param("latent.spacing", str, "linear", choices=latent.SPACINGS),
        Param("latent.path", str, "digits", choices=("digits", "clicks")),
        Param("latent.from", int, 1, lo=0, hi=9),
        Param("latent.to", int, 7, lo=0, hi=9),
        Param("latent.steps", int, 10, lo=3, hi=16),
        Param("latent.digit", int, 3, lo=0, hi=9),
        Param("latent.example", int, 0, lo=0, hi=99),
        Param("latent.samples", int, 200, lo=10, hi=1000),
        Param("latent.seed", int, 0, lo=0, hi=1_000_000),
    ],
    "restore": [
        Param("restore.source", str, "test set", choices=SOURCES),
        Param("restore.digit", int, 5, lo=0, hi=9),  # class
        Param("restore.index", int, 0, lo=0, hi=99),  # which of the class's 100 test digits
        Param("restore.mode", str, TABS[0], choices=TABS),
        Param("restore.kind", str, NOISES[0], choices=NOISES),
        Param("restore.noise", float, 0.5, lo=0.0, hi=1.0),  # sigma, or the fraction of pixels hit
        Param("restore.seed", int, SEED, lo=0, hi=999_999),
        Param("restore.mask", str, "centre hole", choices=SHAPES),
        Param("restore.top", int, 8, lo=0, hi=27),
        Param("restore.left", int, 8, lo=0, hi=27),
        Param("restore.height", int, 12, lo=1, hi=28),
        Param("restore.width", int, 12, lo=1, hi=28),
        Param("restore.side", str, "bottom", choices=SIDES),
        Param("restore.fraction", float, 0.5, lo=0.0, hi=1.0),
    ],
}
