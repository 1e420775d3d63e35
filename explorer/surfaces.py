"""Preset 1-D curves and 2-D surfaces for gradient descent, each with its domain, start and minima.

Formulas are plain text in the parser's language, so a preset and a typed function are the same
kind of thing (and a preset is stored in a URL by its key). ``minima`` lists the minima worth
marking, the global one(s) first.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

from explorer.expressions import Expression, parse


@dataclass(frozen=True)
class Surface:
    """A function to descend on, and the run that shows its lesson.

    ``note`` states the lesson as a claim about the default run — ``racers`` from ``start`` at learning
    rate ``lr`` for ``steps`` steps — and tests/test_preset_claims.py computes that claim with
    torch.optim. ``facts`` are the parts of it a page can check on any run (see
    :func:`explorer.outcomes.lesson_holds`): the note is shown only while they hold.
    """

    key: str
    label: str
    formula: str
    domain: tuple[tuple[float, ...], ...]  # one (low, high) per variable
    start: tuple[float, ...]
    minima: tuple[tuple[float, ...], ...]  # global minimum (or minima) first
    lr: float  # the learning rate of the lesson
    note: str  # one or two sentences: what this function teaches, true for the default run
    racers: tuple[str, ...] = ("sgd",)  # the optimizer(s) of the lesson
    steps: int = 30
    facts: tuple[tuple, ...] = ()  # ("is", racer, kind) or ("beats", a, b, factor), all about ``racers``
    hyper: tuple[tuple[str, float], ...] = ()  # slider settings of the lesson that differ from the pages' defaults

    def kwargs(self, optimizer: str) -> dict:
        """The torch.optim keyword arguments this lesson gives ``optimizer`` (momentum μ for the momentum kinds)."""
        mu = dict(self.hyper).get("momentum")
        return {"momentum": mu} if mu is not None and optimizer in ("momentum", "nesterov") else {}

    @cached_property
    def f(self) -> Expression:
        """The parsed formula, callable on tensors."""
        return parse(self.formula)

    @property
    def dim(self) -> int:
        """1 for a curve f(x), 2 for a surface f(x, y)."""
        return len(self.domain)


def _curve(key, label, formula, domain, start, minima, lr, note, steps=30, facts=()) -> Surface:
    return Surface(key, label, formula, (domain,), (start,), tuple((m,) for m in minima), lr, note, ("sgd",), steps, facts)


RACE = ("sgd", "momentum", "adam")
CURVES = {s.key: s for s in (
    _curve("bowl", "Bowl  x²", "x^2", (-3, 3), 2.5, (0.0,), 0.1,
           "The slope shrinks near the bottom, so the steps shrink too and the walk settles.",
           facts=(("is", "sgd", "settled"),)),
    _curve("two_minima", "Two valleys  x⁴ − 3.5x² + 3x", "x^4 - 3.5*x^2 + 3*x", (-2.5, 2.5), 2.2, (-1.5, 1.0), 0.02,
           "Started on the right, descent stops in the shallow valley and never sees the deeper one.",
           facts=(("is", "sgd", "local"),)),
    _curve("wiggly", "Wiggly bowl  x² + 10 sin x", "x^2 + 10*sin(x)", (-10, 10), 7.0,
           (-1.306440008369511, 3.837467106499049), 0.05,
           "Bumps on a bowl make local minima: from x₀ = 7 the walk stops in the right-hand dip; "
           "start at x₀ = −3 and it reaches the lowest one.",
           facts=(("is", "sgd", "local"),)),
    _curve("abs", "V shape  |x|", "abs(x)", (-3, 3), 2.35, (0.0,), 0.2,
           "The slope is always ±1, so the steps never shrink and the walk hops across the bottom.",
           facts=(("is", "sgd", "bouncing"),)),
    _curve("plateau", "Flat shelf  x⁴/4 − 2x³/3", "x^4/4 - 2*x^3/3", (-1.5, 3), -1.0, (2.0,), 0.1,
           "At x = 0 the slope is zero without a minimum: plain descent stalls on the shelf. "
           "Pick momentum and it rolls through to the valley at x = 2.",
           steps=60, facts=(("is", "sgd", "stalled"),)),
    _curve("steep_flat", "Steep and flat  0.1x² + 10 relu(x)²", "0.1*x^2 + 10*relu(x)^2", (-4, 2), -3.5, (0.0,), 0.09,
           "One side is 100× steeper: a learning rate safe on the steep side crawls on the flat side.",
           facts=(("is", "sgd", "falling"),)),
)}

SURFACES = {s.key: s for s in (
    Surface("bowl", "Round bowl  x² + y²", "x^2 + y^2", ((-3, 3), (-3, 3)), (2.5, 2.0), ((0.0, 0.0),), 0.1,
            "Every step points straight at the bottom: plain SGD walks a straight line into the minimum — "
            "the easy case.", RACE, 100, (("is", "sgd", "settled"),)),
    Surface("elongated", "Long valley  x²/10 + 10y²", "x^2/10 + 10*y^2", ((-4, 4), (-2, 2)), (-3.5, 1.0),
            ((0.0, 0.0),), 0.095,
            "Steep across, flat along: plain SGD zig-zags across the valley and crawls along its floor. Momentum "
            "(μ\u00a0=\u00a00.7) damps the zig-zags and speeds up along the floor; Adam sizes each direction's steps "
            "separately. Both end far lower.", RACE, 100,
            (("is", "sgd", "falling"), ("beats", "momentum", "sgd", 100.0), ("beats", "adam", "sgd", 100.0)),
            (("momentum", 0.7),)),
    Surface("saddle", "Saddle  x⁴ − 2x² + y²", "x^4 - 2*x^2 + y^2", ((-2, 2), (-2, 2)), (0.001, 1.8),
            ((-1.0, 0.0), (1.0, 0.0)), 0.05,
            "Near the saddle at (0, 0) the slope vanishes: plain SGD lingers there (the flat stretch of its loss "
            "curve) before it rolls off to one side; momentum and Adam get past it sooner.",
            RACE, 100, (("is", "sgd", "settled"),)),
    Surface("rosenbrock", "Rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", ((-2, 2), (-1, 3)), (-1.2, 1.0), ((1.0, 1.0),),
            0.001, "A curved valley with a flat floor: both walks drop to the floor within a few steps, then "
            "crawl along it towards the minimum at (1, 1) — plain SGD barely moves, momentum gets much further.",
            ("sgd", "momentum"), 200, (("beats", "momentum", "sgd", 10.0),)),
    Surface("himmelblau", "Himmelblau", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", ((-5, 5), (-5, 5)), (0.0, -0.5),
            ((3.0, 2.0), (-2.805118086952745, 3.131312518250573),
             (-3.779310253377747, -3.283185991286169), (3.5844283403304917, -1.8481265269644034)), 0.01,
            "Four equally deep minima, and which one a walk ends in depends on where it starts and how it moves: "
            "from here SGD and momentum end in different ones, and SGD started a little lower, at (0, −0.8), "
            "finds a third.", ("sgd", "momentum"), 100, (("is", "sgd", "settled"),)),
    Surface("beale", "Beale", "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2",
            ((-4.5, 4.5), (-4.5, 4.5)), (1.5, 1.2), ((3.0, 0.5),), 0.1,
            "Steep walls, flat floors: the slope changes by orders of magnitude. At η\u00a0=\u00a00.1 plain SGD is thrown off "
            "the first wall and diverges; RMSprop and Adam divide each step by the recent size of the slope and "
            "walk down to the minimum at (3, 0.5).", ("sgd", "rmsprop", "adam"), 200,
            (("is", "sgd", "diverged"), ("beats", "rmsprop", "sgd", 1.0), ("beats", "adam", "sgd", 1.0))),
    Surface("rastrigin", "Rastrigin", "20 + x^2 - 10*cos(2*pi*x) + y^2 - 10*cos(2*pi*y)",
            ((-5.12, 5.12), (-5.12, 5.12)), (2.2, 1.8), ((0.0, 0.0),), 0.002,
            "An egg-box of local minima: every racer stops in the cup nearest its start, far above the lowest "
            "point at (0, 0).", RACE, 100, (("is", "sgd", "local"),)),
)}


def grid(fn, domain=None, n: int = 200):
    """Sample a curve or surface on an even grid for drawing, in one batched torch call.

    ``fn`` is a :class:`Surface`, an :class:`Expression` or a callable of tensors; ``domain`` defaults
    to the surface's. 1-D returns ``(xs, ys)``, each (n,); 2-D returns ``(xs, ys, zs)`` with xs, ys (n,)
    and zs (n, n) where ``zs[i, j] = f(xs[j], ys[i])`` (Plotly's contour/surface layout). Values that
    are not finite become NaN, which Plotly leaves as gaps.
    """
    if isinstance(fn, Surface):
        domain, fn = domain or fn.domain, fn.f
    if domain is None or not 1 <= len(domain) <= 2:
        raise ValueError("grid needs a domain: ((x_low, x_high),) or ((x_low, x_high), (y_low, y_high))")
    if isinstance(fn, Expression) and len(fn.variables) > len(domain):
        raise ValueError(f"'{fn.text}' uses x and y: give a 2-D domain")
    axes = [torch.linspace(lo, hi, n, dtype=torch.float64) for lo, hi in domain]  # (n,) each
    with torch.no_grad():
        if len(axes) == 1:
            values = fn(axes[0])  # (n,)
        else:
            ys, xs = torch.meshgrid(axes[1], axes[0], indexing="ij")  # (n, n): rows follow y
            values = fn(xs, ys)
    values = torch.as_tensor(values, dtype=torch.float64).expand((n,) * len(axes))
    z = np.where(np.isfinite(values.numpy()), values.numpy(), np.nan)
    return (axes[0].numpy(), z) if len(axes) == 1 else (axes[0].numpy(), axes[1].numpy(), z)
