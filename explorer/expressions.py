"""Safe parser: the formula a student types -> a differentiable torch function of x (and y).

``parse("x^2 + 3*sin(x)")`` returns an :class:`Expression`, callable on torch tensors
(``f(x)`` or ``f(x, y)``, broadcasting, differentiable by autograd). Nothing the user types is
ever evaluated as Python: the text is checked character by character against a whitelist,
read by ``ast.parse(mode="eval")`` (which only parses), and every AST node is checked against a
whitelist before it becomes a small node list that torch evaluates. Sizes are bounded (length,
nesting, node count, constants, constant exponents) so evaluation stays cheap.

The graph, for drawing (the gradient-tape page):
``expr.graph()`` is the list of :class:`Node` in topological order (inputs before users, the
output last, ``expr.root`` is its id); each node has ``id, op, label, inputs, value, col``.
``op`` is ``"x"``, ``"y"``, ``"const"``, ``"neg"``, ``"add"``, ``"sub"``, ``"mul"``, ``"div"``,
``"pow"`` or a function name. Each variable is one node, shared by all its uses.
``forward_nodes(expr, x=2.0)`` evaluates every node and returns ``{id: tensor}``; every tensor
requires grad (inputs and constants are leaves, the rest retain their grad), so after
``vals[expr.root].backward()`` each ``vals[i].grad`` is d output / d node (constant
exponents excepted: they are held fixed, their ``.grad`` stays None).
"""

from __future__ import annotations

import ast
import math
import operator
from dataclasses import dataclass
from functools import lru_cache

import torch
import torch.nn.functional as F

from explorer.expression_text import (
    HINT,
    MAX_LENGTH,
    ExpressionError,
    check_text,
    suggest,
    syntax_message,
    to_python,
)

MAX_DEPTH = 40  # nesting of the formula tree
MAX_NODES = 150  # nodes in the formula tree
MAX_NUMBER = 1e6  # largest number typed
MAX_CONSTANT = 1e12  # largest constant part, e.g. 10^12
MAX_EXPONENT = 100  # largest constant exponent, so x^p stays cheap and meaningful
__all__ = ["MAX_LENGTH", "Expression", "ExpressionError", "Node", "forward_nodes", "parse"]

FUNCTIONS = {
    "sin": torch.sin, "cos": torch.cos, "tan": torch.tan, "exp": torch.exp, "log": torch.log,
    "sqrt": torch.sqrt, "abs": torch.abs, "tanh": torch.tanh, "sigmoid": torch.sigmoid,
    "relu": torch.relu, "softplus": F.softplus,
}
CONSTANTS = {"pi": (math.pi, "π"), "e": (math.e, "e")}
VARIABLES = ("x", "y")
BINARY = {  # ast operator -> (op, label, function)
    ast.Add: ("add", "+", operator.add), ast.Sub: ("sub", "−", operator.sub),
    ast.Mult: ("mul", "×", operator.mul), ast.Div: ("div", "÷", operator.truediv),
    ast.Pow: ("pow", "^", operator.pow),
}
OPS = {op: fn for op, _, fn in BINARY.values()} | {"neg": operator.neg} | FUNCTIONS
NOT_ALLOWED = {  # what can still get past the text checks, named for a student
    ast.Attribute: "attribute access ('.')", ast.Tuple: "a list of values (commas)", ast.Starred: "'*' unpacking",
}


@dataclass(frozen=True)
class Node:
    """One step of the formula: ``op`` applied to the nodes ``inputs`` (ids of earlier nodes)."""

    id: int
    op: str  # "x", "y", "const", "neg", "add", "sub", "mul", "div", "pow" or a function name
    label: str  # what a diagram shows: "x", "2", "π", "+", "sin", ...
    inputs: tuple[int, ...]
    value: float | None  # the number, for "const" nodes
    col: int  # 1-based column in the text where this part starts


class Expression:
    """A parsed formula: call it as ``f(x)`` or ``f(x, y)`` on tensors (a 1-D formula ignores y)."""

    def __init__(self, text: str, nodes: tuple[Node, ...], constants: dict[int, float]):
        self.text = text  # the source, stripped, whitespace runs collapsed
        self.nodes = nodes
        self.root = nodes[-1].id
        self.variables = ("x", "y") if any(n.op == "y" for n in nodes) else ("x",)
        self._constants = constants  # node id -> value, for every part without x or y (computed by the parser)
        self._inputs = {n.op: n.id for n in nodes if n.op in VARIABLES}
        # only the steps that involve x or y run per call; constant parts enter as Python floats (faster in torch)
        self._plan = tuple((n.id, OPS[n.op], n.inputs) for n in nodes if n.id not in constants and n.op not in VARIABLES)

    def graph(self) -> list[Node]:
        """The nodes in topological order; the last one is the output."""
        return list(self.nodes)

    def __call__(self, x, y=None) -> torch.Tensor:
        """Evaluate on tensors (numbers and arrays are made float64 tensors); shapes broadcast."""
        x = _as_tensor(x)
        if y is None and "y" in self.variables:
            raise TypeError(f"'{self.text}' uses y: call it as f(x, y)")
        given = {"x": x} if y is None else {"x": x, "y": _as_tensor(y)}
        vals = dict(self._constants)
        for name, i in self._inputs.items():
            vals[i] = given[name]
        for i, fn, args in self._plan:
            vals[i] = fn(*[vals[j] for j in args])
        out = vals[self.root]
        shape = x.shape if y is None or given["y"].shape == x.shape else torch.broadcast_shapes(x.shape, given["y"].shape)
        if not isinstance(out, torch.Tensor):  # a constant formula
            return torch.full(shape, out, dtype=x.dtype)
        return out if out.shape == shape else out.expand(torch.broadcast_shapes(out.shape, shape))

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"

    def __str__(self) -> str:
        return self.text


def parse(text: str) -> Expression:
    """Read a formula in x (and y) into an :class:`Expression`; raise :class:`ExpressionError` if it is not one."""
    if not isinstance(text, str):
        raise ExpressionError(f"expected the formula as text, got {type(text).__name__}")
    return _parse(text)


def forward_nodes(expr: Expression, **values) -> dict[int, torch.Tensor]:
    """Every node's value, as tensors that take part in autograd (see the module docstring)."""
    unknown = set(values) - set(VARIABLES)
    if unknown or not set(expr.variables) <= set(values):
        raise TypeError(f"give values for {', '.join(expr.variables)} (got {', '.join(values) or 'none'})")
    inputs = {k: _as_tensor(v).detach().clone().requires_grad_(True) for k, v in values.items()}
    vals: dict[int, torch.Tensor] = {}
    for n in expr.nodes:
        if n.op in VARIABLES:
            vals[n.id] = inputs[n.op]
        elif n.op == "const":
            vals[n.id] = torch.tensor(n.value, dtype=torch.float64, requires_grad=True)
        else:
            args = [vals[i] for i in n.inputs]
            if n.op == "pow" and n.inputs[1] in expr._constants:
                args[1] = args[1].detach()  # d(a^b)/db = a^b·ln(a) is NaN for a < 0, and a typed exponent is fixed
            vals[n.id] = OPS[n.op](*args)
            vals[n.id].retain_grad()  # intermediate nodes keep their gradient for the tape page
    return vals


def _as_tensor(v) -> torch.Tensor:
    t = v if isinstance(v, torch.Tensor) else torch.as_tensor(v, dtype=torch.float64)
    return t if t.is_floating_point() else t.to(torch.float64)


@lru_cache(maxsize=512)
def _parse(text: str) -> Expression:
    """Check the text, parse it with ast, check and convert every node (cached: pages re-parse on every rerun)."""
    stripped, lead = check_text(text)
    source, cols = to_python(stripped)

    def col(offset: int) -> int:  # an index into the Python source -> the typed column
        return lead + cols[min(max(offset, 0), len(cols) - 1)] + 1

    try:
        tree = ast.parse(source, mode="eval").body  # only parses: nothing runs
    except SyntaxError as err:
        raise ExpressionError(syntax_message(err, col, source, stripped, lead)) from None
    count = sum(isinstance(n, ast.expr) for n in ast.walk(tree))
    if count > MAX_NODES:
        raise ExpressionError(f"formula too long: {count} parts (limit {MAX_NODES})")
    builder = _Builder(col)
    builder.build(tree, 1)
    return Expression(" ".join(stripped.split()), tuple(builder.nodes), builder.values)


class _Builder:
    """Checks each AST node against the whitelist and appends the matching Node."""

    def __init__(self, col):
        self.col = col  # Python source index -> typed column
        self.nodes: list[Node] = []
        self.shared: dict[str, int] = {}  # variable -> its one node
        self.values: dict[int, float] = {}  # node id -> value, for the constant parts

    def add(self, op: str, label: str, inputs: tuple[int, ...], col: int, value: float | None = None) -> int:
        if op == "pow" and inputs[1] in self.values and abs(self.values[inputs[1]]) > MAX_EXPONENT:
            p = self.values[inputs[1]]
            raise ExpressionError(f"exponent {p:.3g} at column {self.nodes[inputs[1]].col} is too large (limit ±{MAX_EXPONENT})")
        node = Node(len(self.nodes), op, label, inputs, value, col)
        self.nodes.append(node)
        if value is not None:
            self.values[node.id] = value
        elif inputs and all(i in self.values for i in inputs):
            self.values[node.id] = self._fold(node)
        return node.id

    def _fold(self, node: Node) -> float:
        """Compute a constant part now, so 9^9^9 or 1/0 is refused before anything runs."""
        args = (torch.tensor(self.values[i], dtype=torch.float64) for i in node.inputs)
        v = float(OPS[node.op](*args))
        if not math.isfinite(v):
            raise ExpressionError(f"the part at column {node.col} is not a finite number (division by zero, or log/sqrt of a negative?)")
        if abs(v) > MAX_CONSTANT:
            raise ExpressionError(f"the number at column {node.col} is too large ({v:.3g}; limit {MAX_CONSTANT:.0e})")
        return v

    def build(self, t: ast.expr, depth: int) -> int:
        c = self.col(t.col_offset)
        if depth > MAX_DEPTH:
            raise ExpressionError(f"formula nested too deeply at column {c} (limit {MAX_DEPTH} levels)")
        if isinstance(t, ast.Constant):
            v = self.number(t, c)
            return self.add("const", _short(v), (), c, v)
        if isinstance(t, ast.Name):
            return self.name(t.id, c)
        if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.UAdd):
            return self.build(t.operand, depth + 1)
        if isinstance(t, ast.UnaryOp) and isinstance(t.op, ast.USub):
            if isinstance(t.operand, ast.Constant):  # -2 is one number, not neg(2)
                v = -self.number(t.operand, self.col(t.operand.col_offset))
                return self.add("const", _short(v), (), c, v)
            return self.add("neg", "−", (self.build(t.operand, depth + 1),), c)
        if isinstance(t, ast.BinOp) and type(t.op) in BINARY:
            op, label, _ = BINARY[type(t.op)]
            a = self.build(t.left, depth + 1)
            b = self.build(t.right, depth + 1)
            return self.add(op, label, (a, b), c)
        if isinstance(t, ast.BinOp):
            symbol = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitXor: "^"}.get(type(t.op), type(t.op).__name__)
            raise ExpressionError(f"operator '{symbol}' at column {c} is not supported — use + - * / ^")
        if isinstance(t, ast.Call):
            return self.call(t, c, depth)
        what = NOT_ALLOWED.get(type(t), f"'{type(t).__name__}'")
        raise ExpressionError(f"{what} at column {c} is not allowed{HINT}")

    def number(self, t: ast.Constant, c: int) -> float:
        v = t.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ExpressionError(f"'{v!r}' at column {c} is not allowed{HINT}")
        if abs(v) > MAX_NUMBER:  # also catches 1e999 == inf
            raise ExpressionError(f"number at column {c} is too large (limit {MAX_NUMBER:.0e})")
        return float(v)

    def name(self, name: str, c: int) -> int:
        if name in VARIABLES:
            if name not in self.shared:
                self.shared[name] = self.add(name, name, (), c)
            return self.shared[name]
        if name in CONSTANTS:
            value, label = CONSTANTS[name]
            return self.add("const", label, (), c, value)
        what = f"'{name}' at column {c} is a function" if name in FUNCTIONS else f"unknown name '{name}' at column {c}"
        raise ExpressionError(what + suggest(name, {**CONSTANTS, **dict.fromkeys(VARIABLES)}, FUNCTIONS))

    def call(self, t: ast.Call, c: int, depth: int) -> int:
        if not isinstance(t.func, ast.Name):
            raise ExpressionError(f"missing '*' before '(' at column {self.col(t.func.end_col_offset)} — write ...*(...)")
        name = t.func.id
        if name in VARIABLES or name in CONSTANTS:
            raise ExpressionError(f"'{name}' at column {c} is not a function — write {name}*(...)")
        if name not in FUNCTIONS:
            hint = suggest(name, {}, FUNCTIONS) if name.lower() in FUNCTIONS or name.lower() == "ln" else ""
            raise ExpressionError(f"unknown function '{name}' at column {c}{hint or ' — use ' + ', '.join(FUNCTIONS)}")
        if t.keywords or any(isinstance(a, ast.Starred) for a in t.args):
            raise ExpressionError(f"{name}(...) at column {c} takes one plain argument, e.g. {name}(x)")
        if len(t.args) != 1:
            raise ExpressionError(f"{name}(...) at column {c} takes exactly one argument, got {len(t.args)} — e.g. {name}(x)")
        return self.add(name, name, (self.build(t.args[0], depth + 1),), c)


def _short(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else f"{v:g}"
