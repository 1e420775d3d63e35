"""The update rule of one step of a 1-D run, written out with that step's numbers.

``update_rule(traj, k, hyper)`` rebuilds the optimizer's running state (velocity, averages of the
slope and of its square) from the slopes the run recorded, and writes step k the way
``torch.optim`` computes it, e.g. ``x_1 = x_0 − η·f'(x_0) = 2 − 0.1·4 = 1.6`` for plain SGD.
The number it ends with is checked against the run's next point in the tests.
"""

from __future__ import annotations

import inspect
import math
from dataclasses import dataclass

from explorer.descent import OPTIMIZERS, Trajectory

IN_WORDS = {  # how each optimizer changes plain gradient descent, in one sentence
    "sgd": "Plain gradient descent: step against the slope, scaled by the learning rate η.",
    "momentum": "Momentum keeps a velocity v — a running sum of past slopes — and steps along it, "
                "so it speeds up on long slopes and rolls past small bumps.",
    "nesterov": "Nesterov momentum: like momentum, but the step adds the velocity on top of the "
                "current slope (a look-ahead), which damps overshooting.",
    "rmsprop": "RMSprop divides the slope by the root of a running average s of squared slopes, "
               "so every step has about the size η, steep or flat.",
    "adagrad": "Adagrad divides the slope by the root of the sum s of all squared slopes so far, "
               "so its steps shrink as it goes.",
    "adam": "Adam steps along a running average m of slopes divided by the root of a running "
            "average v of squared slopes (both bias-corrected): steps of about size η.",
}


@dataclass(frozen=True)
class Rule:
    """Step k written out: LaTeX lines (state updates, then the new x) and the x they give."""

    lines: tuple[str, ...]
    x_next: float


def settings(optimizer: str, hyper: dict) -> dict:
    """Every keyword the optimizer ran with: torch's defaults, then ours, then ``hyper``."""
    cls, ours = OPTIMIZERS[optimizer]
    torch_defaults = {n: p.default for n, p in inspect.signature(cls.__init__).parameters.items()
                      if p.default is not inspect.Parameter.empty}
    return torch_defaults | ours | dict(hyper)


def num(v: float, paren: bool = True) -> str:
    """A number for a formula: 4 significant digits; negatives in parentheses inside a sum."""
    text = f"{v:.4g}".replace("e-0", "e-").replace("e+0", "e+")
    if "e" in text:
        mant, exp = text.split("e")
        text = rf"{mant}\times 10^{{{int(exp)}}}"
    return f"({text})" if v < 0 and paren else text


def update_rule(traj: Trajectory, k: int, hyper: dict | None = None) -> Rule:
    """Step k → k+1 of a 1-D trajectory (0 ≤ k < steps_run), as torch.optim computes it."""
    if not 0 <= k < traj.steps_run:
        raise ValueError(f"step {k} is not in this run (it has {traj.steps_run} steps)")
    s = settings(traj.optimizer, hyper or {})
    g = [float(v) for v in traj.grads[: k + 1, 0]]  # slopes f'(x_0) … f'(x_k)
    x, lr, t, name = float(traj.points[k, 0]), traj.lr, k + 1, traj.optimizer
    xk, xn, gk = f"x_{{{k}}}", f"x_{{{t}}}", f"f'(x_{{{k}}})"
    if name == "sgd":
        x_next = x - lr * g[k]
        return Rule((rf"{xn} = {xk} - \eta\,{gk} = {num(x)} - {num(lr)}\cdot{num(g[k])} = {num(x_next, False)}",),
                    x_next)
    if name in ("momentum", "nesterov"):
        mu = s["momentum"]
        vs = []  # torch: buf = g on the first step, then μ·buf + g
        for i, gi in enumerate(g):
            vs.append(gi if i == 0 else mu * vs[-1] + gi)
        v, v_old = vs[-1], (vs[-2] if k else 0.0)
        vline = rf"v_{{{t}}} = \mu\,v_{{{k}}} + {gk} = {num(mu)}\cdot{num(v_old)} + {num(g[k])} = {num(v, False)}"
        if name == "momentum":
            x_next = x - lr * v
            xline = rf"{xn} = {xk} - \eta\,v_{{{t}}} = {num(x)} - {num(lr)}\cdot{num(v)} = {num(x_next, False)}"
        else:  # torch's Nesterov steps along g + μ·buf
            step = g[k] + mu * v
            x_next = x - lr * step
            xline = (rf"{xn} = {xk} - \eta\,({gk} + \mu\,v_{{{t}}}) = {num(x)} - {num(lr)}\cdot{num(step)}"
                     rf" = {num(x_next, False)}")
        return Rule((vline, xline), x_next)
    if name in ("rmsprop", "adagrad"):
        eps, alpha = s["eps"], s.get("alpha", 0.0)
        sqs = [s.get("initial_accumulator_value", 0.0)]  # s_0, s_1, … s_{k+1}
        for gi in g:
            sqs.append(alpha * sqs[-1] + (1 - alpha) * gi * gi if name == "rmsprop" else sqs[-1] + gi * gi)
        sq, sq_old = sqs[-1], sqs[-2]
        if name == "rmsprop":
            sline = (rf"s_{{{t}}} = \alpha\,s_{{{k}}} + (1-\alpha)\,{gk}^2 = {num(alpha)}\cdot{num(sq_old)}"
                     rf" + {num(1 - alpha)}\cdot{num(g[k] ** 2)} = {num(sq, False)}")
        else:
            sline = rf"s_{{{t}}} = s_{{{k}}} + {gk}^2 = {num(sq_old)} + {num(g[k] ** 2)} = {num(sq, False)}"
        x_next = x - lr * g[k] / (math.sqrt(sq) + eps)
        xline = (rf"{xn} = {xk} - \eta\,\frac{{{gk}}}{{\sqrt{{s_{{{t}}}}} + \varepsilon}} = {num(x)} - {num(lr)}"
                 rf"\cdot\frac{{{num(g[k], False)}}}{{{num(math.sqrt(sq))}}} = {num(x_next, False)}")
        return Rule((sline, xline), x_next)
    if name == "adam":
        (b1, b2), eps = s["betas"], s["eps"]
        m = v = 0.0
        for gi in g:
            m, v = b1 * m + (1 - b1) * gi, b2 * v + (1 - b2) * gi * gi
        m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
        # torch divides by (√v / √(1−β₂ᵗ) + ε), which is √v̂ + ε
        x_next = x - lr * m_hat / (math.sqrt(v_hat) + eps)
        moments = (rf"m_{{{t}}} = \beta_1 m_{{{k}}} + (1-\beta_1)\,{gk} = {num(m, False)},\quad "
                   rf"v_{{{t}}} = \beta_2 v_{{{k}}} + (1-\beta_2)\,{gk}^2 = {num(v, False)}")
        corrected = (rf"\hat m = \frac{{m_{{{t}}}}}{{1-\beta_1^{{{t}}}}} = {num(m_hat, False)},\quad "
                     rf"\hat v = \frac{{v_{{{t}}}}}{{1-\beta_2^{{{t}}}}} = {num(v_hat, False)}")
        xline = (rf"{xn} = {xk} - \eta\,\frac{{\hat m}}{{\sqrt{{\hat v}} + \varepsilon}} = {num(x)} - {num(lr)}"
                 rf"\cdot\frac{{{num(m_hat, False)}}}{{{num(math.sqrt(v_hat))}}} = {num(x_next, False)}")
        return Rule((moments, corrected, xline), x_next)
    raise ValueError(f"no update rule written for '{name}'")
