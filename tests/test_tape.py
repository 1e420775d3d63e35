"""The gradient tape played by hand equals torch.autograd, node by node."""

import math

import pytest
import torch

from explorer.expressions import forward_nodes, parse
from explorer.tape import autograd_gradient, record

FORMULAS = [
    "(x*y + sin(x))^2",
    "x^2 + y^2",
    "sigmoid(2*x - y)",
    "exp(x) * sin(y) - x/y",
    "log(1 + exp(x*y))",
    "tanh(x) * cos(y) + sqrt(x*x + 1)",
    "softplus(3*x) - relu(y) + abs(x - y)",
    "-x / (1 + y^2) + tan(x/4)",
    "x^y",
    "x * x * x",
    "2*pi*x",
]
POINTS = [(2.0, 3.0), (0.5, -1.5), (-1.2, 0.7), (1.7, 2.2)]


@pytest.mark.parametrize("text", FORMULAS)
@pytest.mark.parametrize("x, y", POINTS)
def test_tape_gradient_equals_autograd(text, x, y):
    expr = parse(text)
    point = {v: {"x": x, "y": y}[v] for v in expr.variables}
    ours, torchs = record(expr, **point).gradient(), autograd_gradient(expr, **point)
    assert set(ours) == set(expr.variables)
    for v in ours:
        # nan_ok: x^y at a negative x is not a real number, and both must say so
        assert ours[v] == pytest.approx(torchs[v], rel=1e-10, abs=1e-12, nan_ok=True)


def test_every_node_gradient_equals_autograd():
    expr = parse("(x*y + sin(x))^2")
    tape = record(expr, x=2.0, y=3.0)
    vals = forward_nodes(expr, x=2.0, y=3.0)
    vals[expr.root].backward()
    done = tape.revealed(len(tape.steps))
    assert set(done) == {n.id for n in expr.graph() if n.op != "const"}
    for i, g in done.items():
        expected = 1.0 if i == expr.root else float(vals[i].grad)
        assert g == pytest.approx(expected, rel=1e-12)


def test_forward_values_are_the_formula_at_the_point():
    expr = parse("(x*y + sin(x))^2")
    tape = record(expr, x=2.0, y=3.0)
    assert tape.values[expr.root] == pytest.approx((6 + math.sin(2.0)) ** 2)
    assert [tape.formula(n.id) for n in expr.graph() if n.inputs] == [
        "v1 = x × y", "v2 = sin(x)", "v3 = v1 + v2", "v4 = v3 ^ 2"]


def test_steps_run_output_first_and_accumulate_a_shared_input():
    expr = parse("(x*y + sin(x))^2")
    tape = record(expr, x=2.0, y=3.0)
    first, last = tape.steps[0], tape.steps[-1]
    assert first.node == expr.root and first.grad == 1.0 and first.contributions == ()
    assert tape.nodes[last.node].op == "x"
    # x feeds x*y and sin(x): its gradient is the sum of both users' shares
    assert len(last.contributions) == 2
    assert last.grad == pytest.approx(sum(c.user_grad * c.local for c in last.contributions))
    assert {c.local_text for c in last.contributions} == {"y", "cos x"}
    # gradients are revealed one node at a time, output first
    assert [len(tape.revealed(k)) for k in range(len(tape.steps) + 1)] == list(range(len(tape.steps) + 1))


def test_numbers_get_no_step_and_a_formula_without_x_has_zero_gradient():
    tape = record(parse("x^2 * (2*pi)"), x=1.5)
    assert all(tape.nodes[s.node].op != "const" for s in tape.steps)
    assert tape.gradient()["x"] == pytest.approx(2 * 1.5 * 2 * math.pi)
    constant = parse("3 + 4")
    assert record(constant, x=1.0).gradient() == {"x": 0.0} == autograd_gradient(constant, x=1.0)


def test_autograd_reference_is_torch():
    expr = parse("x^2 * y")
    x = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    (x**2 * y).backward()
    assert autograd_gradient(expr, x=1.5, y=-2.0) == {"x": float(x.grad), "y": float(y.grad)}
