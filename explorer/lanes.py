"""Many torch.optim runs stepped together, each in a lane of its own that joins and leaves between steps.

A step of a small run is mostly fixed cost: a call of the function, a backward through the autograd
engine, Python between tiny torch calls. Runs on the same function share that cost: their points are
the columns of one batch, so one call of ``f`` evaluates all of them, and one ``torch.autograd.grad``
serves every function stepping at that moment. Each run keeps its own optimizer on its own parameter
and its own step count, so a run can join while others are half way and leave as soon as its last
step is recorded (a server answering a class does not hold one student's answer for another's).

A batch holds :data:`WIDTH` columns, used or not: fewer than torch's vector loop takes at once, so every
element goes through torch's scalar kernel, as a lone run's 0-d tensors do. A run's numbers are then the same
bit for bit alone, in a race or among strangers, and the same as the browser's engine, which copies the scalar
arithmetic (a vector kernel differs from it in the last bit, e.g. ``x ** 2.5``, and its fused multiply-adds).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

WIDTH = 7  # columns per batch: under the narrowest float64 vector loop (2 × 4 with AVX2; 2 × 8 with AVX-512)


@dataclass(eq=False)
class Problem:
    """The function lanes share: ``f`` of ``dim`` tensors; ``elementwise`` when it takes a batch (one value per
    column), else it gets 0-d tensors, one lane at a time. Lanes are batched together only on the same object."""

    f: Callable[..., torch.Tensor]
    dim: int
    elementwise: bool
    bound: float


@dataclass(eq=False)
class Lane:
    """One run: where it starts, how its optimizer is made, the steps it wants and what it has recorded. Its
    parameter is a column of its group's batch, made (with its optimizer) when it joins a :class:`Runner`."""

    problem: Problem
    start: torch.Tensor  # (dim,) float64
    make_optimizer: Callable[[list], torch.optim.Optimizer]
    steps: int
    update: Callable[[], object] | None = None
    k: int = 0  # the step whose point is evaluated next
    points: list = field(default_factory=list)
    losses: list = field(default_factory=list)
    grads: list = field(default_factory=list)
    stopped_at: int | None = None  # the step whose point, value or gradient was not usable
    why: str = ""  # why it stopped there (see :func:`trouble`)
    done: bool = False


def lane(problem: Problem, start: torch.Tensor, make_optimizer: Callable[[list], torch.optim.Optimizer],
         steps: int) -> Lane:
    """A lane from ``start`` (``dim`` numbers); ``make_optimizer([param])`` builds its optimizer, tried here
    once so that its errors reach the caller now."""
    start = start.detach().to(torch.float64).reshape(problem.dim).clone()
    make_optimizer([start.clone()])
    return Lane(problem, start, make_optimizer, int(steps))


def stepper(opt: torch.optim.Optimizer) -> Callable[[], object]:
    """torch.optim's own update, minus the per-step profiler hook around it (about half of a step's cost)."""
    update = getattr(opt.step, "__wrapped__", None)
    return (lambda: update(opt)) if update is not None else opt.step


@dataclass(eq=False)
class Job:
    """Lanes that answer one question together; ``answer(lanes)`` turns them, once all are done, into its answer
    (or raises). An entry that is an exception (e.g. an optimizer that could not be made) stays as it is."""

    lanes: dict[str, Lane | Exception]
    answer: Callable[[dict[str, Lane | Exception]], object]

    @property
    def done(self) -> bool:
        return all(not isinstance(v, Lane) or v.done for v in self.lanes.values())


class Runner:
    """Steps every live lane once per :meth:`step`; jobs join with :meth:`add` between steps."""

    def __init__(self) -> None:
        self.groups: list[_Group] = []
        self.owner: dict[Lane, Job] = {}  # every live lane's job

    def add(self, job: Job) -> None:
        for one in job.lanes.values():
            if isinstance(one, Lane) and not one.done:
                group = next((g for g in self.groups if g.problem is one.problem and g.free), None)
                if group is None:
                    group = _Group(one.problem, one.start)
                    self.groups.append(group)
                group.join(one)
                self.owner[one] = job

    def __bool__(self) -> bool:
        return bool(self.owner)

    def step(self) -> list[Job]:
        """One step of every live lane; returns the jobs that finished with it."""
        for group in self.groups:
            group.evaluate()
        _gradients(self.groups)
        ended = [one for group in self.groups for one in group.record()]
        if not ended:
            return []
        self.groups = [g for g in self.groups if g.lanes]
        jobs = {id(self.owner[one]): self.owner.pop(one) for one in ended}
        return [job for job in jobs.values() if job.done]


def run_alone(job: Job):
    """Step one job to its end here; its answer."""
    runner = Runner()
    runner.add(job)
    while runner:
        runner.step()
    return job.answer(job.lanes)


class _Group:
    """Up to :data:`WIDTH` lanes on one problem, evaluated in one call: a lane's parameter is a column of ``at`` (a
    view, stepped in place by its optimizer) and its gradient the same column of ``slopes``. A problem that is not
    element-wise gets a group per lane, evaluated on 0-d tensors."""

    def __init__(self, problem: Problem, first: torch.Tensor) -> None:
        self.problem = problem
        width = WIDTH if problem.elementwise else 1
        self.at = first.reshape(problem.dim, 1).repeat(1, width)  # a free column's numbers are computed and ignored
        self.width = width
        self.rows = list(self.at) if problem.elementwise else [row[0] for row in self.at]  # what f sees: views
        self.slopes = torch.zeros_like(self.at)
        self.seed = torch.ones(width, dtype=torch.float64) if problem.elementwise else None
        self.lanes: dict[int, Lane] = {}
        self.losses: torch.Tensor | None = None
        self.inputs: list[torch.Tensor] = []

    @property
    def free(self) -> bool:
        return len(self.lanes) < self.width

    def join(self, one: Lane) -> None:
        """The lane's parameter becomes a column of the batch (a view: a leaf, as torch.optim wants)."""
        slot = next(i for i in range(self.width) if i not in self.lanes)
        self.lanes[slot] = one
        param = self.at[:, slot]
        param.copy_(one.start)
        param.grad = self.slopes[:, slot]
        one.update = stepper(one.make_optimizer([param]))

    def evaluate(self) -> None:
        self.inputs = [row.detach().requires_grad_() for row in self.rows]
        self.losses = self.problem.f(*self.inputs)
        if not isinstance(self.losses, torch.Tensor) or self.losses.numel() != self.width:
            raise ValueError("the function must return one number (a scalar tensor) per point")

    def record(self) -> list[Lane]:
        """Each lane's point, value and gradient; then its update, or its end (returned)."""
        ended = []
        at, values, slopes = self.at.tolist(), self.losses.reshape(-1).tolist(), self.slopes.tolist()
        for slot, one in list(self.lanes.items()):
            point, value, grad = [row[slot] for row in at], values[slot], [row[slot] for row in slopes]
            why = trouble(point, value, grad, one.problem.bound)
            if why:
                one.stopped_at, one.why = one.k, why
            else:
                one.points.append(point)
                one.losses.append(value)
                one.grads.append(grad)
            if why or one.k >= one.steps:
                one.done, one.update = True, None  # its column is free for the next lane
                del self.lanes[slot]
                ended.append(one)
                continue
            one.update()
            one.k += 1
        return ended


def _gradients(groups: list[_Group]) -> None:
    """Every group's gradient from one backward, written into its ``slopes`` (a constant function's is zero)."""
    live = [g for g in groups if g.losses.requires_grad]
    for g in groups:
        if not g.losses.requires_grad:
            g.slopes.zero_()
    if not live:
        return
    found = torch.autograd.grad([g.losses for g in live], [x for g in live for x in g.inputs],
                                [g.seed for g in live], allow_unused=True, materialize_grads=True)
    i = 0
    for g in live:
        n = len(g.inputs)
        torch.stack(found[i:i + n], out=g.slopes if g.problem.elementwise else g.slopes.view(n))
        i += n


def trouble(point: list, loss: float, grad: list, bound: float) -> str:
    """Why this step cannot be used, or "" if it can."""
    if not all(abs(v) <= bound for v in point):  # NaN fails this test too
        return "running away"
    if math.isnan(loss) or any(math.isnan(g) for g in grad):
        return "not defined (NaN)"
    if any(math.isinf(g) for g in grad):
        return "infinitely steep"
    return "infinite" if math.isinf(loss) else ""
