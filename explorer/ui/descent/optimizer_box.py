"""The shared optimizer controls of the descent pages: which optimizer(s), the learning rate, their settings.

The choice of optimizer is a Streamlit control; the learning rate and the settings are controls of the
live descent widget (explorer/ui/widgets/live_descent.py), which writes them to session state on release.
The learning rate moves on a log scale from 1e-4 to 10 (a select slider over 1–1.5–2–3–4–5–7 per
decade plus every preset's own rate). Each optimizer's settings are torch.optim's own keyword
arguments and go straight through to :func:`explorer.descent.descend`.
"""

from __future__ import annotations

import streamlit as st

from explorer.descent import LABELS, OPTIMIZERS
from explorer.surfaces import CURVES, SURFACES
from explorer.ui.url_state import Param
from explorer.ui.widgets import live_descent

LEARNING_RATES = tuple(sorted(
    {round(m * 10.0 ** e, 12) for e in range(-4, 1) for m in (1, 1.5, 2, 3, 4, 5, 7)} | {10.0}
    | {s.lr for s in (*CURVES.values(), *SURFACES.values())}
))
EPSILONS = (1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1e-1)
SETTINGS = {  # setting -> label, low, high, default, step: the one range of widget and link
    "momentum": ("Momentum μ", 0.0, 0.99, 0.9, 0.01),
    "alpha": ("RMSprop α", 0.5, 0.999, 0.99, 0.001),
    "beta1": ("Adam β₁", 0.0, 0.99, 0.9, 0.01),
    "beta2": ("Adam β₂", 0.9, 0.9999, 0.999, 0.0001),
}
USES = {  # optimizer -> the settings it takes (names of the widget's controls)
    "sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",), "rmsprop": ("alpha", "eps"),
    "adagrad": ("eps",), "adam": ("beta1", "beta2", "eps"),
}
# what the live widget's controls may take: the same ranges as the links (params below)
RANGES = live_descent.Ranges(LEARNING_RATES, EPSILONS, USES,
                             **{k: (lo, hi, step) for k, (_, lo, hi, _, step) in SETTINGS.items()})


def own_settings(prefix: str, hyper=()) -> dict:
    """Each setting's widget key -> its value: the defaults, with a preset's own ``hyper`` pairs on top."""
    return {f"{prefix}.{k}": v for k, v in ({k: row[3] for k, row in SETTINGS.items()} | dict(hyper)).items()}


def params(prefix: str, multi: bool, default=("sgd",), lr: float = 0.1, hyper=()) -> list[Param]:
    """URL parameters: ``<prefix>.opt`` (one name, or a list when ``multi``), ``.lr`` and each setting;
    ``hyper`` (setting, value) pairs replace the settings' defaults (the default preset's own)."""
    own = dict(hyper)
    opt = (Param(f"{prefix}.opts", "strs", list(default), choices=tuple(OPTIMIZERS), label="Optimizers") if multi
           else Param(f"{prefix}.opt", str, default[0], choices=tuple(OPTIMIZERS), label="Optimizer"))
    return [opt, Param(f"{prefix}.lr", float, lr, choices=LEARNING_RATES, label="Learning rate η"),
            *(Param(f"{prefix}.{k}", float, own.get(k, d), lo=lo, hi=hi, label=label)
              for k, (label, lo, hi, d, *_) in SETTINGS.items()),
            Param(f"{prefix}.eps", float, 1e-8, choices=EPSILONS, label="ε")]


def choose(prefix: str, multi: bool) -> list[str]:
    """The optimizer choice (a select box, or pills for a race); the live widget holds the rest of the settings."""
    if multi:
        # pills wrap onto new lines; a multiselect's chips are cut off in a narrow column on a projector
        return list(st.pills("Optimizers (race)", tuple(OPTIMIZERS), selection_mode="multi",
                             key=f"{prefix}.opts", format_func=LABELS.get, wrap=True) or [])
    return [st.selectbox("Optimizer", tuple(OPTIMIZERS), key=f"{prefix}.opt", format_func=LABELS.get)]


def values(prefix: str, *names: str) -> dict:
    """The learning rate, each setting and ``names`` from ``st.session_state["<prefix>.<name>"]``: what the widget shows."""
    return live_descent.state_values(prefix, ("lr", *SETTINGS, "eps", *names))


def torch_settings(names, values: dict) -> dict[str, dict]:
    """Each optimizer's torch.optim keyword arguments from the controls' ``values``."""
    return {n: live_descent.hyper(n, values) for n in names}
