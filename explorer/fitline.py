"""Fit a line: Celsius -> Fahrenheit with one neuron ``y = w·x + b``, trained by torch.optim.

A first example of a neural network (as in TensorFlow's Udacity course, "l02c01 celsius to
fahrenheit"): noisy measurements of ``F = 1.8·C + 32`` and a single neuron with one weight ``w``
and one bias ``b``. The loss is the mean squared error; :func:`train` runs the real optimizer
through :func:`explorer.descent.descend`, so divergence is reported the same way as on the
descent pages.

Feature scaling: with raw Celsius (-40…45) the loss is ~1000× steeper along ``w`` than along
``b``, so any learning rate small enough for ``w`` crawls along ``b``. With ``scale=True`` the
neuron sees the standardised input ``x = (C − mean) / std``; its weights are mapped back to
``(w, b)`` in °F per °C and °F, the same line and the same loss, for display.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial

import numpy as np
import torch

from explorer import SEED
from explorer.descent import Trajectory, race_job
from explorer.lanes import Job, run_alone

TRUE_W, TRUE_B = 1.8, 32.0  # F = 1.8·C + 32
N_POINTS = 24
C_RANGE = (-40.0, 45.0)  # °C, a year of weather and a little more
NOISE_F = 4.0  # std of the measurement noise, °F


@lru_cache(maxsize=8)
def celsius_data(n: int = N_POINTS, noise: float = NOISE_F, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """``n`` noisy (C, F) pairs from F = 1.8·C + 32, sorted by C; the same for the same seed (made once)."""
    g = torch.Generator().manual_seed(seed)
    c = C_RANGE[0] + (C_RANGE[1] - C_RANGE[0]) * torch.rand(n, generator=g, dtype=torch.float64)
    f = TRUE_W * c + TRUE_B + noise * torch.randn(n, generator=g, dtype=torch.float64)
    order = torch.argsort(c)
    return c[order].numpy(), f[order].numpy()  # (n,), (n,): shared by every caller, so never written to


@dataclass(frozen=True)
class Scaling:
    """x = (C − mean) / std; a line ``w'·x + b'`` equals ``w·C + b`` with the maps below."""

    mean: float = 0.0
    std: float = 1.0

    @classmethod
    def of(cls, c: np.ndarray) -> Scaling:
        return cls(float(np.mean(c)), float(np.std(c)))

    def to_celsius(self, w, b):
        """Weights on the scaled input -> (w, b) of the same line on raw Celsius."""
        return w / self.std, b - w * self.mean / self.std

    def from_celsius(self, w, b):
        """(w, b) on raw Celsius -> weights on the scaled input."""
        return w * self.std, b + w * self.mean


def mse(w, b, c, f):
    """Mean squared error of the line ``w·c + b`` against ``f`` (tensors or arrays, broadcasting)."""
    return ((w * c + b - f) ** 2).mean(-1)


def mse_grad(w: float, b: float, c: np.ndarray, f: np.ndarray) -> tuple[float, float]:
    """The closed-form gradient (dL/dw, dL/db) = (2·mean(r·c), 2·mean(r)) with r = w·c + b − f."""
    r = w * c + b - f
    return float(2 * np.mean(r * c)), float(2 * np.mean(r))


def exact_fit(c: np.ndarray, f: np.ndarray) -> tuple[float, float]:
    """The least-squares line (w, b): where the loss surface has its minimum."""
    w, b = np.polyfit(c, f, 1)
    return float(w), float(b)


def loss_grid(c: np.ndarray, f: np.ndarray, w_range, b_range, n: int = 120):
    """The loss over a (w, b) grid: ws (n,), bs (n,), zs (n, n) with zs[i, j] = L(ws[j], bs[i])."""
    ws = np.linspace(*w_range, n)
    bs = np.linspace(*b_range, n)
    zs = mse(ws[None, :, None], bs[:, None, None], c[None, None, :], f[None, None, :])  # (n, n)
    return ws, bs, zs


@dataclass
class Fit:
    """A training run mapped back to Celsius: row k is the line after k steps (row 0 the start)."""

    w: np.ndarray  # (steps_run + 1,) °F per °C
    b: np.ndarray  # (steps_run + 1,) °F
    losses: np.ndarray  # (steps_run + 1,) mean squared error, °F²
    trajectory: Trajectory  # the optimizer's own path, in the coordinates it trained on
    scaling: Scaling

    @property
    def diverged(self) -> bool:
        return self.trajectory.diverged

    @property
    def steps_run(self) -> int:
        return self.trajectory.steps_run

    def first(self, steps: int) -> Fit:
        """This fit as a fit of ``steps`` steps would have gone (see :meth:`Trajectory.first`)."""
        cut = self.trajectory.first(steps)
        if cut is self.trajectory:
            return self
        n = len(cut.points)
        return Fit(self.w[:n], self.b[:n], self.losses[:n], cut, self.scaling)


def train(c: np.ndarray, f: np.ndarray, optimizer: str = "sgd", lr: float = 0.1, steps: int = 100,
          start: tuple[float, float] = (0.0, 0.0), scale: bool = True, **hyper) -> Fit:
    """Train ``y = w·x + b`` on all points at once (one step = one epoch) with a torch.optim optimizer.

    ``start`` is the first line in Celsius units; ``scale`` standardises C before training.
    ``hyper`` goes to the optimizer as in :func:`explorer.descent.descend`.
    """
    return run_alone(train_job(c, f, optimizer, lr, steps, start, scale, **hyper))


def train_job(c: np.ndarray, f: np.ndarray, optimizer: str = "sgd", lr: float = 0.1, steps: int = 100,
              start: tuple[float, float] = (0.0, 0.0), scale: bool = True, problems: dict | None = None,
              **hyper) -> Job:
    """:func:`train` as a lane to step among others (:mod:`explorer.lanes`): every neuron trained on the same
    points shares one batch when ``problems`` is given. The loss takes a batch of (w, b): one MSE per column."""
    scaling = Scaling.of(c) if scale else Scaling()
    x = torch.as_tensor((c - scaling.mean) / scaling.std)  # (n,) what the neuron sees
    y = torch.as_tensor(f)  # (n,)
    key = ("fit", scale, c.tobytes(), f.tobytes())
    race = race_job(lambda w, b: mse(w[..., None], b[..., None], x, y), scaling.from_celsius(*start),
                    {optimizer: (optimizer, lr, hyper)}, steps, elementwise=True, key=key, problems=problems)
    return Job(race.lanes, partial(_fit, race.answer, optimizer, scaling))


def _fit(race_answer, optimizer: str, scaling: Scaling, lanes) -> Fit:
    traj = race_answer(lanes)[optimizer]
    if isinstance(traj, ValueError):
        raise traj
    w, b = scaling.to_celsius(traj.points[:, 0], traj.points[:, 1])
    return Fit(w, b, traj.losses, traj, scaling)
