"""Live descent: the descent pages' run recomputed in the browser while a control is dragged.

One Streamlit Components-v2 widget (no iframe; plain JS/CSS files of this package joined into one
ES module) serves the three descent pages through its mode: :func:`curve` (Slope and descent),
:func:`surface` (Descent on surfaces) and :func:`fit` (Fit a line). It holds the moving controls
itself — native, labelled ``<input type="range">`` for the learning rate, steps, start and the
optimizer's settings, a step scrubber and play/pause — and on every ``input`` event reruns
descent_engine.js (torch.optim's arithmetic, to the last bit) and redraws; nothing goes to the
server while a control moves. When a control is let go (``change``, or the pointer released on the
picture) it sends every value back once as the ``release`` trigger; its callback writes them to
``st.session_state["<prefix>.<name>"]`` before the page reruns, like a widget's ``on_change``, so
URL state and "copy link" follow. What the pages say about the runs is written in the
browser from the run it draws (live_descent_said.js, tested against the Python words on torch.optim's run):
they follow a dragged control as the picture does, and a release needs no run on the server.

Control names (and so session-state keys after the prefix): ``lr``, ``steps``, ``momentum``,
``alpha``, ``beta1``, ``beta2``, ``eps`` (the settings of the chosen optimizers only), and ``x0``
plus ``k`` (curve) or ``start`` (surface, a pair rounded to 3 decimals).
"""

from __future__ import annotations

import base64
import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import streamlit as st

from explorer.descent import BOUND, OPTIMIZERS
from explorer.descent import LABELS as OPTIMIZER_LABELS
from explorer.expression_json import tree
from explorer.expressions import Expression, parse
from explorer.figures.descent import MINIMUM_COLOUR, START_COLOUR, colour
from explorer.figures.style import PALETTE, sizes
from explorer.fitline import TRUE_B, TRUE_W, Scaling, exact_fit, mse
from explorer.surfaces import grid
from explorer.update_rule import IN_WORDS


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


_FILES = ("descent_exact.js", "descent_engine.js", "live_descent_draw.js", "live_descent_text.js", "live_descent_said.js",
          "live_descent_modes.js", "live_descent_3d.js", "widget_mount.js", "ask_again.js", "live_descent.js")
_JS = "\n".join(_asset(n) for n in _FILES)  # plain files joined into one ES module: no bundler, nothing fetched
_WIDGET = st.components.v2.component("explorer.live_descent", css=_asset("live_descent.css"), js=_JS)

SETTINGS = ("momentum", "alpha", "beta1", "beta2", "eps")  # optimizer settings a control can set
LABELS = {  # the controls' labels (the page's own words); pass ``labels=`` to change any
    "lr": "Learning rate η (log scale)", "steps": "Steps", "x0": "Start x₀", "k": "Step k",
    "momentum": "Momentum μ", "alpha": "RMSprop α", "beta1": "Adam β₁", "beta2": "Adam β₂",
    "eps": "ε (keeps the division finite)",
}
ASSETS_HELD = 32  # asset ids remembered per widget and session: a lesson going back to a curve does not resend it
SAMPLES = 2000  # curve samples over the domain and two widths each side (live_descent_modes.js viewRange's reach)


@dataclass(frozen=True)
class Ranges:
    """What each control may take: the pages' own lists (optimizer_box's LEARNING_RATES, EPSILONS, USES)."""

    lr: Sequence[float]  # learning-rate choices, ascending (a log-scale select slider)
    eps: Sequence[float]  # ε choices
    uses: Mapping[str, Sequence[str]]  # optimizer -> the settings it takes
    steps: tuple[int, int] = (1, 500)
    momentum: tuple[float, float, float] = (0.0, 0.99, 0.01)  # low, high, step
    alpha: tuple[float, float, float] = (0.5, 0.999, 0.001)
    beta1: tuple[float, float, float] = (0.0, 0.99, 0.01)
    beta2: tuple[float, float, float] = (0.9, 0.9999, 0.0001)
    extra: dict = field(default_factory=dict)  # name -> (low, high, step) for x0


@dataclass(frozen=True)
class Lesson:
    """A preset's lesson: its ``note``, shown while its ``facts`` (:func:`explorer.outcomes.lesson_holds`) hold of the
    runs drawn, and what is said instead when they do not (``elsewhere``)."""

    facts: tuple
    note: str
    elsewhere: str


def _said(span: float, lesson: Lesson | None) -> dict:
    """What the sentences about the runs need: the view's width (what counts as a small move) and the lesson."""
    return {"span": float(span), "lesson": None if lesson is None else
            {"facts": [list(f) for f in lesson.facts], "note": lesson.note, "elsewhere": lesson.elsewhere}}


def hyper(optimizer: str, values: Mapping) -> dict:
    """The torch.optim keyword arguments the controls' ``values`` give ``optimizer`` (as optimizer_box does)."""
    if optimizer in ("momentum", "nesterov"):
        return {"momentum": values["momentum"]}
    if optimizer == "rmsprop":
        return {"alpha": values["alpha"], "eps": values["eps"]}
    if optimizer == "adagrad":
        return {"eps": values["eps"]}
    if optimizer == "adam":
        return {"betas": (values["beta1"], values["beta2"]), "eps": values["eps"]}
    return {}  # sgd: only what it needs is read, so ``values`` may hold only the controls shown


def state_values(prefix: str, names: Sequence[str]) -> dict:
    """The controls' current values from ``st.session_state["<prefix>.<name>"]`` (after url_state.restore)."""
    return {name: st.session_state[f"{prefix}.{name}"] for name in names}


def _controls(values: Mapping, optimizers: Sequence[str], ranges: Ranges, labels: Mapping, extra: Mapping) -> dict:
    """Each control's label, range and value, in the order they are shown."""
    used = [s for s in SETTINGS if any(s in ranges.uses[o] for o in optimizers)]
    out = {"lr": {"choices": [float(v) for v in ranges.lr], "value": float(values["lr"])},
           "steps": {"range": [ranges.steps[0], ranges.steps[1], 1], "value": int(values["steps"])}}
    out.update(extra)
    for name in used:
        out[name] = ({"choices": [float(v) for v in ranges.eps], "value": float(values[name])} if name == "eps"
                     else {"range": list(getattr(ranges, name)), "value": float(values[name])})
    for name, spec in out.items():
        spec["label"] = labels.get(name, LABELS.get(name, name))
    return out


def _common(mode: str, key: str, optimizers: Sequence[str], values: Mapping, ranges: Ranges, classroom: bool,
            labels: Mapping | None, extra: Mapping) -> dict:
    unknown = [o for o in optimizers if o not in OPTIMIZERS]
    if unknown:
        raise ValueError(f"unknown optimizer(s) {unknown}")
    return {
        "mode": mode, "target": key, "classroom": bool(classroom), "sizes": dict(sizes(classroom)),
        "palette": list(PALETTE), "bound": BOUND, "marks": {"start": START_COLOUR, "minimum": MINIMUM_COLOUR},
        "optimizers": [{"name": o, "label": OPTIMIZER_LABELS[o], "colour": colour(o), "words": IN_WORDS[o]} for o in optimizers],
        "controls": _controls(values, optimizers, ranges, labels or {}, extra),
        "k": int(values.get("k", -1)),  # -1: the last step
        "step_label": (labels or {}).get("k", LABELS["k"]),
    }


@lru_cache(maxsize=64)
def _curve_samples(formula: str, lo: float, hi: float) -> dict:
    """The curve over the domain and two widths each side, every value the parser's torch gives (None where undefined)."""
    width = hi - lo
    xs, ys = grid(parse(formula), ((lo - 2 * width, hi + 2 * width),), n=SAMPLES)
    return {"x": _seven_digits(xs).tolist(), "y": [None if v != v else v for v in _seven_digits(ys).tolist()]}


def _seven_digits(values: np.ndarray) -> np.ndarray:
    """Each value rounded to 7 significant digits (what the picture needs, and short in JSON), NaN kept: the
    nearest double to the 7-digit decimal, as float(f"{v:.7g}") gives, for 2,000 samples at once."""
    v = np.asarray(values, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        places = 6 - np.floor(np.log10(np.abs(np.where(v == 0, 1.0, v))))
        scale = 10.0 ** np.abs(places)  # exact up to 1e22, so one rounding; beyond, an error far below the 7th digit
        return np.where(places >= 0, np.round(v * scale) / scale, np.round(v / scale) * scale)


def _plain(values) -> list:
    """A list from a figure spec's array, which may be plotly's typed-array form (figures/spec.py's typed)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).tolist()
    return list(values)


@lru_cache(maxsize=64)
def _asset_id(body: tuple | str) -> str:
    """A short id of what an asset is made from (a curve's formula and range, a contour picture's data URL)."""
    return hashlib.sha1(repr(body).encode()).hexdigest()[:16]


def curve_payload(expr: Expression, domain: tuple[float, float], values: Mapping, optimizer: str, ranges: Ranges, *,
                  key: str, classroom: bool = False, minima: Sequence = (), labels: Mapping | None = None,
                  span: float, lesson: Lesson | None = None) -> tuple[dict, dict]:
    """The data of a curve widget and its asset (the curve samples): what :func:`curve` sends."""
    x0 = float(values["x0"])
    lo, hi = min(float(domain[0]), x0), max(float(domain[1]), x0)  # a far start widens the view: never off the chart
    step = 10.0 ** math.floor(math.log10((hi - lo) / 500))  # ≥ 500 positions across the domain
    x_range = ranges.extra.get("x0", (lo, hi, step))
    data = _common("curve", key, [optimizer], values, ranges, classroom, labels, {"x0": {"range": list(x_range), "value": x0}})
    body = _curve_samples(expr.text, lo, hi)
    data |= {"tree": tree(expr), "domain": [lo, hi], "minima": [float(m[0]) for m in minima]} | _said(span, lesson)
    return data, {"id": _asset_id((expr.text, lo, hi)), "body": body}


def surface_payload(expr: Expression, domain, layers, values: Mapping, optimizers: Sequence[str], ranges: Ranges, *,
                    key: str, classroom: bool = False, minima: Sequence = (), labels: Mapping | None = None,
                    span: float, lesson: Lesson | None = None, caption: str = "") -> tuple[dict, dict]:
    """The data of a surface widget and its asset (the contour picture of ``layers`` = contour_layers(...));
    ``caption``: what the map shows, under it (above the sentences and the 3-D view)."""
    image, bar = layers
    ticks = bar["marker"]["colorbar"]
    lo, hi = bar["marker"]["cmin"], bar["marker"]["cmax"]
    values_at = _plain(ticks["tickvals"])
    body = {"picture": image["source"],
            "bar": [[(float(v) - lo) / ((hi - lo) or 1.0), text] for v, text in zip(values_at, ticks["ticktext"])]}
    (x_lo, x_hi), (y_lo, y_hi) = ((float(a), float(b)) for a, b in domain)
    data = _common("surface", key, optimizers, values, ranges, classroom, labels, {})
    data |= {"tree": tree(expr), "domain": [[x_lo, x_hi], [y_lo, y_hi]], "start": [float(v) for v in values["start"]],
             "minima": [[float(m[0]), float(m[1])] for m in minima], "caption": caption} | _said(span, lesson)
    return data, {"id": _asset_id(image["source"]), "body": body}


def fit_payload(c: np.ndarray, f: np.ndarray, values: Mapping, optimizer: str, ranges: Ranges, *, scale: bool,
                key: str, classroom: bool = False, labels: Mapping | None = None) -> dict:
    """The data of a fit widget: the measurements, what the neuron sees and how to map it back, and the least-squares
    line with its loss (the noise level its sentences compare the run with)."""
    scaling = Scaling.of(c) if scale else Scaling()
    best = exact_fit(c, f)
    data = _common("fit", key, [optimizer], values, ranges, classroom, labels, {})
    data |= {"fit": {"x": ((c - scaling.mean) / scaling.std).tolist(), "y": np.asarray(f, dtype=np.float64).tolist(),
                     "mean": scaling.mean, "std": scaling.std},
             "c": np.asarray(c, dtype=np.float64).tolist(), "best": list(best), "best_loss": float(mse(*best, c, f)),
             "true": [TRUE_W, TRUE_B], "scale": bool(scale)}
    return data


def _accept(raw, data: dict) -> dict:
    """The released values, each checked against what was sent: a choice snaps to the nearest, a range clamps."""
    if not isinstance(raw, dict):
        return {}
    out = {}
    for name, spec in data["controls"].items():
        try:
            v = float(raw[name])
        except (KeyError, TypeError, ValueError):
            continue
        if not math.isfinite(v):
            continue
        if "choices" in spec:
            out[name] = min(spec["choices"], key=lambda c: abs(math.log(c) - math.log(max(v, 1e-300))))
        else:
            lo, hi, step = spec["range"]
            v = min(max(v, lo), hi)
            out[name] = int(round(v)) if name == "steps" else round(v, max(0, -math.floor(math.log10(step) + 1e-9)))
    if data["mode"] == "curve" and isinstance(raw.get("k"), (int, float)) and math.isfinite(raw["k"]):
        out["k"] = min(max(0, int(raw["k"])), data["controls"]["steps"]["range"][1] - 1)
    if data["mode"] == "surface" and isinstance(raw.get("start"), list) and len(raw["start"]) == 2:
        try:
            start = [float(v) for v in raw["start"]]
        except (TypeError, ValueError):
            start = []
        if len(start) == 2 and all(math.isfinite(v) for v in start):
            out["start"] = tuple(round(min(max(v, lo), hi), 3) for v, (lo, hi) in zip(start, data["domain"]))
    return out


def _show(data: dict, asset: dict | None, key: str, prefix: str, on_release: Callable[[dict], None] | None) -> dict | None:
    """Mount the widget; its release writes the values to session state (then calls ``on_release``)."""
    def deliver() -> None:
        values = _accept(st.session_state[key].get("release"), data)
        for name, value in values.items():
            st.session_state[f"{prefix}.{name}"] = value
        if on_release is not None and values:
            on_release(values)

    sent = f"{key}.assets_sent"  # the asset ids this browser page already holds (it keeps every one it was sent)

    def resend() -> None:  # the page lacks an asset (e.g. a run cut short): send it again
        st.session_state.pop(sent, None)

    if asset is not None:
        held = st.session_state.setdefault(sent, {})  # id -> None, oldest first
        fresh = asset["id"] not in held
        held.pop(asset["id"], None)
        held[asset["id"]] = None
        while len(held) > ASSETS_HELD:
            del held[next(iter(held))]
        data = data | {"asset": asset if fresh else {"id": asset["id"]}}
    result = _WIDGET(data=data, key=key, on_release_change=deliver, on_missing_change=resend)
    released = result.get("release")
    return _accept(released, data) if released else None


def curve(expr: Expression, domain: tuple[float, float], values: Mapping, optimizer: str, ranges: Ranges, *, key: str,
          prefix: str, classroom: bool = False, minima: Sequence = (), labels: Mapping | None = None,
          span: float, lesson: Lesson | None = None, on_release: Callable[[dict], None] | None = None) -> dict | None:
    """Slope and descent, live: the curve, the path, the tangent at step k, the loss, the numbers for one step, and
    what the walk did in words (``span``: the view's width, what counts as a small move; ``lesson``: the preset's).

    ``values``: ``lr, steps, x0, k`` and the optimizer's settings (``momentum, alpha, beta1, beta2, eps``).
    Returns the released values on the run a release caused (already written to session state), else None.
    """
    data, asset = curve_payload(expr, domain, values, optimizer, ranges, key=key, classroom=classroom, minima=minima, labels=labels,
                                span=span, lesson=lesson)
    return _show(data, asset, key, prefix, on_release)


def surface(expr: Expression, domain, layers, values: Mapping, optimizers: Sequence[str], ranges: Ranges, *, key: str,
            prefix: str, classroom: bool = False, minima: Sequence = (), labels: Mapping | None = None,
            span: float, lesson: Lesson | None = None, caption: str = "",
            on_release: Callable[[dict], None] | None = None) -> dict | None:
    """Descent on surfaces, live: racers over the contour picture ``layers`` (:func:`contour_layers` of ``domain``) with
    ``caption`` under it, what each racer did, the race and its standings in words (``span`` and ``lesson`` as for
    :func:`curve`), and the landscape in 3-D, folded.

    ``values``: ``lr, steps, start`` and the racers' settings; the start moves by dragging or clicking the map.
    """
    data, asset = surface_payload(expr, domain, layers, values, optimizers, ranges, key=key, classroom=classroom,
                                  minima=minima, labels=labels, span=span, lesson=lesson, caption=caption)
    return _show(data, asset, key, prefix, on_release)


def fit(c: np.ndarray, f: np.ndarray, values: Mapping, optimizer: str, ranges: Ranges, *, scale: bool, key: str,
        prefix: str, classroom: bool = False, labels: Mapping | None = None,
        on_release: Callable[[dict], None] | None = None) -> dict | None:
    """Fit a line, live: the points and the neuron's line, the loss over (w, b) with the path, the loss per step, and
    the sentences about the run drawn (what the neuron learned, what its loss did), written in the browser."""
    data = fit_payload(c, f, values, optimizer, ranges, scale=scale, key=key, classroom=classroom, labels=labels)
    return _show(data, None, key, prefix, on_release)
