"""Gradient descent with real ``torch.optim`` optimizers on a function of one or two variables.

``descend(parse("x^2"), start=(2.0,), optimizer="sgd", lr=0.1, steps=50)`` returns a
:class:`Trajectory`: every point visited, its loss and its gradient. A run that blows up (a
non-finite value or gradient, or a point that runs beyond ``bound``) stops at the last good step
and says why in ``reason``; the arrays never hold NaN or inf.
"""

from __future__ import annotations

import inspect
import math
import numbers
from dataclasses import dataclass
from functools import cache, partial

import numpy as np
import torch

from explorer.expressions import Expression, parse
from explorer.lanes import Job, Lane, Problem, lane, run_alone

OPTIMIZERS = {  # name -> (torch.optim class, default keyword arguments)
    "sgd": (torch.optim.SGD, {}),
    "momentum": (torch.optim.SGD, {"momentum": 0.9}),
    "nesterov": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "rmsprop": (torch.optim.RMSprop, {}),
    "adagrad": (torch.optim.Adagrad, {}),
    "adam": (torch.optim.Adam, {}),
}
LABELS = {"sgd": "SGD", "momentum": "SGD + momentum", "nesterov": "Nesterov", "rmsprop": "RMSprop",
          "adagrad": "Adagrad", "adam": "Adam"}  # each optimizer's name on the pages
BOUND = 1e6  # a point farther than this from the origin has run away
MAX_STEPS = 100_000


@dataclass
class Trajectory:
    """The path of one run: row k is the point after k steps (row 0 is the start)."""

    points: np.ndarray  # (steps_run + 1, dim) float64, finite
    losses: np.ndarray  # (steps_run + 1,) f at each point
    grads: np.ndarray  # (steps_run + 1, dim) gradient of f at each point
    diverged: bool
    diverged_at: int | None  # the step whose point, value or gradient was not usable
    optimizer: str
    lr: float
    reason: str = ""  # one sentence for the page when the run diverged, else ""

    @property
    def steps_run(self) -> int:
        """How many steps were taken and kept."""
        return len(self.points) - 1

    def first(self, steps: int) -> Trajectory:
        """This run as a run of ``steps`` steps would have gone: the same path, cut there (a run that diverged
        at or before ``steps`` is itself). ValueError for more steps than a run that did not diverge took."""
        if not self.diverged and steps > self.steps_run:
            raise ValueError(f"this run took {self.steps_run} steps, not {steps}")
        if steps >= (self.diverged_at if self.diverged else self.steps_run):
            return self
        n = max(0, int(steps)) + 1
        return Trajectory(self.points[:n], self.losses[:n], self.grads[:n], False, None, self.optimizer, self.lr)


def make_optimizer(name: str, params, lr: float, **hyper) -> torch.optim.Optimizer:
    """The named torch.optim optimizer; ``hyper`` overrides its defaults. Bad names or keywords -> ValueError."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer '{name}' — choose one of {', '.join(OPTIMIZERS)}")
    cls, defaults = OPTIMIZERS[name]
    accepted = _keywords(cls)
    unknown = set(hyper) - accepted
    if unknown:
        raise ValueError(f"{name} does not take {', '.join(sorted(unknown))} — it takes {', '.join(sorted(accepted))}")
    if not (isinstance(lr, numbers.Real) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"learning rate must be a positive number, got {lr!r}")
    try:
        return cls(params, lr=lr, **({"foreach": False} | defaults | hyper))  # one small tensor: the plain loop is faster
    except (TypeError, ValueError, RuntimeError) as err:  # torch's own checks, e.g. nesterov needs momentum
        raise ValueError(f"{name}: {err}") from None


@cache
def _keywords(cls) -> frozenset[str]:
    """The settings a torch.optim class takes, read from its signature once (every rerun makes optimizers)."""
    return frozenset(inspect.signature(cls.__init__).parameters) - {"self", "params", "lr"}


def descend(f, start, optimizer: str = "sgd", lr: float = 0.1, steps: int = 100, *,
            bound: float = BOUND, **hyper) -> Trajectory:
    """Run ``steps`` steps of ``optimizer`` on ``f`` from ``start`` and record the path.

    ``f`` is an :class:`Expression` or any callable ``f(x)`` / ``f(x, y)`` of scalar tensors
    returning a scalar tensor; ``start`` has one number per variable. ``hyper`` goes straight to
    the torch.optim class (``momentum``, ``betas``, ``alpha``, ``eps``, ...). The run stops early
    when the value or gradient is not finite or the point goes beyond ``bound`` in any coordinate.
    Raises ValueError for bad arguments or when ``f`` is not finite at the start.
    """
    outcome = race(f, start, {optimizer: (optimizer, lr, hyper)}, steps, bound=bound)[optimizer]
    if isinstance(outcome, ValueError):
        raise outcome
    return outcome


def race_formula(formula: str, start, racers: dict[str, tuple[str, float, dict]],
                 steps: int = 100) -> dict[str, Trajectory | ValueError]:
    """:func:`race` on a formula's text, as a worker process is sent it (text travels; a parse tree need not)."""
    return run_alone(race_formula_job(formula, start, racers, steps))


def race_formula_job(formula: str, start, racers: dict[str, tuple[str, float, dict]], steps: int = 100,
                     problems: dict | None = None) -> Job:
    """:func:`race_formula` as lanes to step among others (:mod:`explorer.lanes`); ``problems`` keeps one shared
    function per formula, so races on the same formula share their batch."""
    return race_job(parse(formula), start, racers, steps, key=("formula", formula), problems=problems)


def race(f, start, racers: dict[str, tuple[str, float, dict]], steps: int = 100, *,
         bound: float = BOUND) -> dict[str, Trajectory | ValueError]:
    """Several optimizers from one start, stepped together: one evaluation of ``f`` and one backward per step serve all.

    ``racers`` maps a name to ``(optimizer, lr, hyper)`` as :func:`descend` takes them; each result is
    what :func:`descend` gives for it, or the ValueError its optimizer could not be made with. With more than
    one racer ``f`` gets a batch per variable, so it must work element-wise (an :class:`Expression` does).
    Raises ValueError for a bad start or step count, or when ``f`` is not finite at the start.
    """
    return run_alone(race_job(f, start, racers, steps, bound=bound))


def race_job(f, start, racers: dict[str, tuple[str, float, dict]], steps: int = 100, *, bound: float = BOUND,
             elementwise: bool | None = None, key=None, problems: dict | None = None) -> Job:
    """:func:`race` as a :class:`~explorer.lanes.Job`: its answer is race's result (or its ValueError).

    ``f`` takes a batch when it is an :class:`Expression`, when more than one racer runs, or when ``elementwise``
    says so; ``problems`` (with a hashable ``key`` for ``f``) lets jobs on the same function share one batch.
    """
    origin = _start_tensor(f, start, bound)
    if not isinstance(steps, numbers.Integral) or not 0 <= steps <= MAX_STEPS:
        raise ValueError(f"steps must be a whole number from 0 to {MAX_STEPS}, got {steps!r}")
    if elementwise is None:
        elementwise = isinstance(f, Expression) or len(racers) > 1
    problem = Problem(f, len(origin), elementwise, bound)
    if problems is not None and key is not None:
        problem = problems.setdefault((key, problem.dim, elementwise, bound), problem)
    lanes: dict[str, Lane | Exception] = {}
    for name, (optimizer, lr, hyper) in racers.items():
        try:
            lanes[name] = lane(problem, origin, partial(make_optimizer, optimizer, lr=lr, **hyper), steps)
        except ValueError as err:
            lanes[name] = err
    return Job(lanes, partial(_trajectories, racers, tuple(origin.tolist())))


def _trajectories(racers, origin: tuple, lanes: dict[str, Lane | Exception]) -> dict[str, Trajectory | ValueError]:
    """A finished race's lanes as each racer's Trajectory; ValueError when the function is not usable at the start."""
    for one in lanes.values():
        if isinstance(one, Lane) and one.stopped_at == 0:
            raise ValueError(f"the function is {one.why} at the start {origin}: pick another start")
    out = {}
    for name, one in lanes.items():
        if isinstance(one, Exception):
            out[name] = one
            continue
        optimizer, lr = racers[name][:2]
        k = one.stopped_at
        reason = _reason(one.why, k, one.losses) if k is not None else ""
        out[name] = _result(one.points, one.losses, one.grads, optimizer, lr, k, reason)
    return out


def _start_tensor(f, start, bound: float) -> torch.Tensor:
    values = np.atleast_1d(np.asarray(start, dtype=np.float64))
    if values.ndim != 1 or not 1 <= values.size <= 2 or not np.all(np.abs(values) <= bound):
        raise ValueError(f"start must be one or two finite numbers within ±{bound:g}, got {start!r}")
    if isinstance(f, Expression) and len(f.variables) > values.size:
        raise ValueError(f"'{f.text}' uses x and y: the start needs two numbers")
    return torch.tensor(values, dtype=torch.float64, requires_grad=True)


def _reason(why: str, k: int, good_losses: list) -> str:
    """One sentence for the page: most blow-ups are a learning rate too large for the curvature."""
    if why == "not defined (NaN)":
        return f"left the function's domain: diverged at step {k} (the value is not a number there)"
    if why == "infinitely steep":
        return f"the slope became infinite: stopped at step {k}"
    if good_losses[-1] < good_losses[0] - 1e6 * (1 + abs(good_losses[0])):
        return f"the function has no minimum in this direction: diverged at step {k}"
    return f"learning rate too large: diverged at step {k}"


def _result(points, losses, grads, optimizer, lr, k=None, reason="") -> Trajectory:
    return Trajectory(np.array(points, dtype=np.float64), np.array(losses, dtype=np.float64),
                      np.array(grads, dtype=np.float64), k is not None, k, optimizer, float(lr), reason)
