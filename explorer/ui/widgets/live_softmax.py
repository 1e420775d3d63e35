"""Live softmax: the logits -> softmax page's sliders and bars, recomputed in the browser while a slider moves.

One Streamlit Components-v2 widget (no iframe; plain JS/CSS files of this package joined into one ES module)
holds the temperature slider, the true-class choice and the ten logit sliders — native, labelled
``<input type="range">`` and ``<select>`` — and draws the logits, their probabilities and the cross-entropy
gradient as inline SVG. On every ``input`` event it recomputes softmax, the loss and its gradient in float64
(live_softmax_math.js, explorer/softmax.py's arithmetic) and redraws; nothing goes to the server while a
slider moves. Letting go sends every value once as the ``release`` trigger; its callback checks them
(:func:`_accept`) and writes them to ``st.session_state["<prefix>.<name>"]`` before the page reruns, so the
page's torch numbers, URL state and "copy link" follow. Python's values are the truth: when the page changes
one (a button, a link, a lesson) the widget takes it.

Control names (session-state keys after the prefix): ``T``, ``true`` and ``z0`` … ``z9``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from importlib import resources

import streamlit as st

from explorer.figures.softmax import bar_look
from explorer.softmax import CLASSES
from explorer.ui.state_tables import TABLES


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


_FILES = ("live_softmax_math.js", "live_softmax_draw.js", "widget_mount.js", "live_softmax.js")
_JS = "\n".join(_asset(n) for n in _FILES)  # plain files joined into one ES module: no bundler, nothing fetched
_WIDGET = st.components.v2.component("explorer.live_softmax", css=_asset("live_softmax.css"), js=_JS)

_PARAMS = {p.key.split(".", 1)[1]: p for p in TABLES["softmax"]}  # one range per control: the page's URL table
STEP = 0.1  # the temperature and the logits move in tenths
LOGITS = tuple(f"z{k}" for k in range(CLASSES))
NAMES = ("T", "true", *LOGITS)
LABELS = {"T": "Temperature T", "true": "True class", **{f"z{k}": f"class {k}" for k in range(CLASSES)}}
HELP = {
    "T": "Softmax of logits / T: a small T sharpens the probabilities, a large T flattens them.",
    "true": "The right answer, used by the cross-entropy loss.",
}


def state_values(prefix: str = "softmax") -> dict:
    """The controls' current values from ``st.session_state["<prefix>.<name>"]`` (after url_state.restore)."""
    return {name: st.session_state[f"{prefix}.{name}"] for name in NAMES}


def _range(name: str) -> list[float]:
    p = _PARAMS[name]
    return [float(p.lo), float(p.hi), STEP]


def payload(values: Mapping, words: Mapping[str, tuple[str, str]], *, key: str, classroom: bool = False) -> dict:
    """The widget's data: each control's label, range and value, the bars' look, and each chart's name and
    description (``words``: ``{"probs": (name, text), "grad": (name, text)}``, explorer.figures.words)."""
    controls = {name: {"label": LABELS[name], "range": _range(name), "value": float(values[name])}
                for name in ("T", *LOGITS)}
    controls["T"]["help"] = HELP["T"]
    return {
        "target": key, "classroom": bool(classroom), "look": bar_look(classroom), "controls": controls,
        "true": {"label": LABELS["true"], "help": HELP["true"], "choices": list(_PARAMS["true"].choices),
                 "value": int(values["true"])},
        "words": {"probs": list(words["probs"]), "grad": list(words["grad"])},
        "logits_heading": ["Logits", ": one raw score per class (drag them)"],
        "live_words": {"prob": "p", "loss": "CE loss"},  # the live numbers, named as the page's metrics are
    }


def _number(raw, name: str) -> float | None:
    """A control's released number snapped to its step and clamped to its range; None if it is not a finite number."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        return None
    lo, hi, step = _range(name)
    snapped = lo + round((min(max(float(raw), lo), hi) - lo) / step) * step
    return round(min(max(snapped, lo), hi), 1) + 0.0  # + 0.0: no -0.0 in the link


def _accept(raw) -> dict:
    """The released values that are usable, each checked: numbers finite, snapped and clamped; the true class
    one of the classes. Anything else (a wrong type, a missing or unknown name) is left out."""
    if not isinstance(raw, dict):
        return {}
    out = {}
    for name in ("T", *LOGITS):
        v = _number(raw.get(name), name)
        if v is not None:
            out[name] = v
    k = raw.get("true")
    if isinstance(k, float) and k.is_integer():
        k = int(k)
    if isinstance(k, int) and not isinstance(k, bool) and k in _PARAMS["true"].choices:
        out["true"] = k
    return out


def show(values: Mapping, words: Mapping[str, tuple[str, str]], *, key: str, prefix: str = "softmax",
         classroom: bool = False) -> None:
    """Mount the widget with ``values`` (``T``, ``true``, ``z0`` … ``z9``); its release writes the checked values to
    ``st.session_state["<prefix>.<name>"]`` before the page reruns."""

    def deliver() -> None:
        for name, value in _accept(st.session_state[key].get("release")).items():
            st.session_state[f"{prefix}.{name}"] = value

    _WIDGET(data=payload(values, words, key=key, classroom=classroom), key=key, on_release_change=deliver)
