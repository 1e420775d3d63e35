"""The gradient tape: record every step of a formula forward, then play the tape backward.

Backpropagation needs the values computed on the way forward, and a "gradient tape"
stores the computation like a tape recorder, then pops it in reverse. :func:`record` does just
that with the chain rule written out, one node at a time, with no help from autograd:

    forward:  each node's value from its inputs' values (topological order, the tape)
    backward: ∂f/∂f = 1; popping a node from the end of the tape, its gradient is complete
              (all its users came later in the tape), and it hands ∂f/∂node × ∂node/∂input to
              each input. A node used twice (x in x*y and sin(x)) adds up both contributions.

:func:`autograd_gradient` is the same derivative from ``torch.autograd``, for comparison.
Nodes built only from numbers (``2``, ``2*pi``) are fixed: they get no gradient and no step.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from explorer.expressions import VARIABLES, Expression, Node, forward_nodes, parse

F64 = torch.float64


def _t(v: float) -> torch.Tensor:
    return torch.tensor(v, dtype=F64)


def _pow_local(v, a, b):
    # the same conventions as torch: 0 for b == 0 (so 0^0 has no 0·inf), 0 for ln(0) when b >= 0
    da = torch.where(b == 0, _t(0.0), b * a ** (b - 1))
    db = torch.where((a == 0) & (b >= 0), _t(0.0), v * torch.log(a))
    return da, db


LOCAL = {  # op -> ∂node/∂input for each input, from the node's value v and its inputs' values
    "neg": lambda v, a: (_t(-1.0),),
    "add": lambda v, a, b: (_t(1.0), _t(1.0)),
    "sub": lambda v, a, b: (_t(1.0), _t(-1.0)),
    "mul": lambda v, a, b: (b, a),
    "div": lambda v, a, b: (1 / b, -a / b**2),
    "pow": _pow_local,
    "sin": lambda v, a: (torch.cos(a),),
    "cos": lambda v, a: (-torch.sin(a),),
    "tan": lambda v, a: (1 + v**2,),
    "exp": lambda v, a: (v,),
    "log": lambda v, a: (1 / a,),
    "sqrt": lambda v, a: (0.5 / v,),
    "abs": lambda v, a: (torch.sign(a),),
    "tanh": lambda v, a: (1 - v**2,),
    "sigmoid": lambda v, a: (v * (1 - v),),
    "relu": lambda v, a: ((a > 0).to(F64),),
    "softplus": lambda v, a: (torch.where(a > 20, _t(1.0), torch.sigmoid(a)),),  # torch's threshold
}
LOCAL_TEXT = {  # op -> how the local derivative reads, in the inputs' names a, b
    "neg": ("−1",), "add": ("1", "1"), "sub": ("1", "−1"), "mul": ("{b}", "{a}"),
    "div": ("1/{b}", "−{a}/{b}²"), "pow": ("{b}·{a}^({b}−1)", "{a}^{b}·ln {a}"),
    "sin": ("cos {a}",), "cos": ("−sin {a}",), "tan": ("1 + tan² {a}",), "exp": ("exp {a}",),
    "log": ("1/{a}",), "sqrt": ("1/(2·sqrt {a})",), "abs": ("sign {a}",), "tanh": ("1 − tanh² {a}",),
    "sigmoid": ("σ({a})·(1 − σ({a}))",), "relu": ("1 if {a} > 0 else 0",), "softplus": ("σ({a})",),
}


@dataclass(frozen=True)
class Contribution:
    """One user's share of a node's gradient: ∂f/∂user × ∂user/∂node."""

    user: int
    user_grad: float  # ∂f/∂user, already complete when the user was popped
    local: float  # ∂user/∂node, the local derivative
    local_text: str  # the local derivative as a formula, e.g. "cos x"

    @property
    def value(self) -> float:
        return self.user_grad * self.local


@dataclass(frozen=True)
class Step:
    """Popping one node off the tape: its (now complete) gradient and where it came from."""

    node: int
    grad: float  # ∂f/∂node
    contributions: tuple[Contribution, ...]  # empty for the output: ∂f/∂f = 1


@dataclass(frozen=True)
class Tape:
    """A recorded formula: every node's value (forward) and the backward steps, output first."""

    nodes: tuple[Node, ...]  # topological order, output last
    names: dict[int, str]  # x, y, numbers as typed, the rest v1, v2, ... in tape order
    values: dict[int, float]  # every node's forward value
    steps: tuple[Step, ...]  # reverse topological order, fixed (number-only) nodes skipped
    variables: tuple[str, ...]

    def revealed(self, k: int) -> dict[int, float]:
        """Gradients known after playing back the first ``k`` steps."""
        return {s.node: s.grad for s in self.steps[:k]}

    def gradient(self) -> dict[str, float]:
        """∂f/∂x (and ∂f/∂y) from the tape; 0 for a variable the formula does not use."""
        grads = self.revealed(len(self.steps))
        return {v: next((grads[n.id] for n in self.nodes if n.op == v), 0.0) for v in self.variables}

    def formula(self, node_id: int) -> str:
        """One tape entry as text, e.g. "v1 = x × y"."""
        n = self.nodes[node_id]
        args = [self.names[i] for i in n.inputs]
        if not args:
            return self.names[node_id]
        if n.op == "neg":
            rhs = f"−{args[0]}"
        elif len(args) == 2:
            rhs = f"{args[0]} {n.label} {args[1]}"
        else:
            rhs = f"{n.label}({args[0]})"
        return f"{self.names[node_id]} = {rhs}"


def _fixed(nodes: tuple[Node, ...]) -> set[int]:
    """Ids of the nodes that depend on no variable."""
    fixed: set[int] = set()
    for n in nodes:
        if n.op == "const" or (n.op not in VARIABLES and all(i in fixed for i in n.inputs)):
            fixed.add(n.id)
    return fixed


def _names(nodes: tuple[Node, ...]) -> dict[int, str]:
    names, k = {}, 0
    for n in nodes:
        if n.inputs:
            k += 1
            names[n.id] = f"v{k}"
        else:
            names[n.id] = n.label
    return names


def _local_texts(n: Node, names: dict[int, str], fixed: set[int]) -> tuple[str, ...]:
    a, b = (names[i] for i in n.inputs) if len(n.inputs) == 2 else (names[n.inputs[0]], "")
    if n.op == "pow" and n.inputs[1] in fixed and b.lstrip("-").replace(".", "").isdigit():
        p = float(b) - 1  # a typed exponent: 2·v3 reads better than 2·v3^(2−1)
        return (f"{b}·{a}" if p == 1 else f"{b}·{a}^{p:g}", "")
    return tuple(t.format(a=a, b=b) for t in LOCAL_TEXT[n.op])


def record(expr: Expression, **values: float) -> Tape:
    """Run ``expr`` at the point ``values`` (x=..., y=...) forward, then backward by the chain rule."""
    nodes = tuple(expr.graph())
    forward = {i: t.detach().to(F64) for i, t in forward_nodes(expr, **values).items()}
    names, fixed = _names(nodes), _fixed(nodes)
    grad = {expr.root: _t(1.0)}  # ∂f/∂f = 1 starts the playback
    contributions: dict[int, list[Contribution]] = {n.id: [] for n in nodes}
    steps = []
    for n in reversed(nodes):  # play the tape backward
        if n.id in fixed:
            continue
        g = grad.get(n.id, _t(0.0))
        steps.append(Step(n.id, float(g), tuple(contributions[n.id])))
        if not n.inputs:
            continue
        locals_ = LOCAL[n.op](forward[n.id], *(forward[i] for i in n.inputs))
        for i, local, text in zip(n.inputs, locals_, _local_texts(n, names, fixed)):
            if i in fixed:
                continue
            contributions[i].append(Contribution(n.id, float(g), float(local), text))
            grad[i] = grad.get(i, _t(0.0)) + g * local  # the chain rule, accumulated over users
    return Tape(nodes, names, {i: float(t) for i, t in forward.items()}, tuple(steps), expr.variables)


def autograd_gradient(expr: Expression, **values: float) -> dict[str, float]:
    """∂f/∂x (and ∂f/∂y) from torch.autograd on the parsed function, as the reference."""
    inputs = {v: torch.tensor(float(values[v]), dtype=F64, requires_grad=True) for v in expr.variables}
    out = expr(*(inputs[v] for v in expr.variables))
    if not out.requires_grad:  # a formula of numbers only: it does not change with x or y
        return {v: 0.0 for v in inputs}
    grads = torch.autograd.grad(out, list(inputs.values()), allow_unused=True)
    return {v: 0.0 if g is None else float(g) for v, g in zip(inputs, grads)}


def record_formula(formula: str, values: dict[str, float]) -> tuple[Tape, dict[str, float]]:
    """The tape of a formula's text at ``values`` and torch.autograd's gradient there (one call for a worker)."""
    expr = parse(formula)
    return record(expr, **values), autograd_gradient(expr, **values)
