"""The parser against hand-written torch: values and gradients, messages, the node graph."""

import math
import os

import pytest
import torch
import torch.nn.functional as F

from explorer.expressions import ExpressionError, forward_nodes, parse

F64 = torch.float64
XS = torch.tensor([0.3, 0.9, 1.7, 2.5], dtype=F64)  # positive, so log and sqrt are defined
YS = torch.tensor([0.4, -1.1, 2.0, 0.7], dtype=F64)

VALID = [  # (typed text, the same function written in torch)
    ("x^2", lambda x, y: x**2),
    ("x**2", lambda x, y: x**2),
    ("3*x + 2", lambda x, y: 3 * x + 2),
    ("-x", lambda x, y: -x),
    ("+x - -2", lambda x, y: x + 2),
    ("x^2 + 3*sin(x)", lambda x, y: x**2 + 3 * torch.sin(x)),
    ("cos(2*pi*x)", lambda x, y: torch.cos(2 * math.pi * x)),
    ("tan(x/4)", lambda x, y: torch.tan(x / 4)),
    ("exp(-x^2)", lambda x, y: torch.exp(-(x**2))),
    ("log(x) + sqrt(x)", lambda x, y: torch.log(x) + torch.sqrt(x)),
    ("abs(x - 1)", lambda x, y: torch.abs(x - 1)),
    ("tanh(x) * sigmoid(y)", lambda x, y: torch.tanh(x) * torch.sigmoid(y)),
    ("relu(x - 1) + softplus(y)", lambda x, y: torch.relu(x - 1) + F.softplus(y)),
    ("e^x", lambda x, y: math.e**x),
    ("2^x", lambda x, y: 2.0**x),
    ("x^y", lambda x, y: x**y),
    ("x^-2", lambda x, y: x**-2),
    ("x^2^2", lambda x, y: x**4),  # ^ is right-associative, as in maths
    ("-x^2", lambda x, y: -(x**2)),  # the power binds tighter than the minus
    ("(1 - x)^2 + 100*(y - x^2)^2", lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2),
    ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2),
    ("x*y/(1 + x^2 + y^2)", lambda x, y: x * y / (1 + x**2 + y**2)),
    ("1.5e-1*x + .5", lambda x, y: 0.15 * x + 0.5),
    ("sin(cos(exp(x/3)))", lambda x, y: torch.sin(torch.cos(torch.exp(x / 3)))),
    ("  x  *  ( y + 1 )  ", lambda x, y: x * (y + 1)),
    ("y", lambda x, y: y),
]


@pytest.mark.parametrize("text, ref", VALID, ids=[t for t, _ in VALID])
def test_values_and_gradients_match_torch(text, ref):
    f = parse(text)
    xa, ya = XS.clone().requires_grad_(True), YS.clone().requires_grad_(True)
    xb, yb = XS.clone().requires_grad_(True), YS.clone().requires_grad_(True)
    ours, theirs = f(xa, ya), ref(xb, yb)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    gx, gy = torch.autograd.grad(ours.sum(), (xa, ya), allow_unused=True)
    hx, hy = torch.autograd.grad(theirs.sum(), (xb, yb), allow_unused=True)
    for g, h in ((gx, hx), (gy, hy)):
        torch.testing.assert_close(g if g is not None else torch.zeros_like(XS),
                                   h if h is not None else torch.zeros_like(XS), rtol=1e-12, atol=1e-12)


def test_variables_and_text():
    assert parse("x^2").variables == ("x",)
    assert parse("3").variables == ("x",)
    assert parse("y^2").variables == ("x", "y")
    assert parse("x*y").variables == ("x", "y")
    assert parse("  x ^ 2  +   1 ").text == "x ^ 2 + 1"


def test_one_variable_formula_accepts_and_broadcasts_y():
    f = parse("x^2")
    xs, ys = torch.meshgrid(XS, YS, indexing="ij")
    assert torch.equal(f(xs, ys), xs**2)
    assert f(torch.zeros(3, dtype=F64), torch.zeros(4, 1, dtype=F64)).shape == (4, 3)


def test_constant_formula_has_the_input_shape():
    out = parse("2*pi")(XS)
    assert out.shape == XS.shape and torch.allclose(out, torch.full_like(XS, 2 * math.pi))


def test_numbers_become_float64_tensors_and_float32_stays_float32():
    assert parse("x + 1")(2).dtype == F64 and float(parse("x + 1")(2)) == 3.0
    assert parse("x^2")(torch.ones(2, dtype=torch.float32)).dtype == torch.float32


def test_two_variable_formula_needs_y():
    with pytest.raises(TypeError, match="f\\(x, y\\)"):
        parse("x*y")(XS)


@pytest.mark.parametrize("text, where", [
    ("x + z", "unknown name 'z' at column 5 — use x and y"),
    ("x^2 + z", "column 7"),  # ^ became ** inside, but columns are the typed ones
    ("   w", "column 4"),  # leading spaces count
    ("2x", "write 2*x"),
    ("(x+1)(x-1)", "write (x+1)*(x-1)"),
    ("sin(x, y)", "exactly one argument, got 2"),
    ("sin()", "got 0"),
    ("x^1000", "exponent 1e+03 at column 3"),
    ("(x + 1", "'(' at column 1 is never closed"),
    ("x + 1)", "')' at column 6 has no matching '('"),
    ("x +", "ends too early: something is missing after '+' at column 3"),
    ("y = x^2", "type only the formula"),
    ("x²", "type ^2 instead"),
    ("Sin(x)", "unknown function 'Sin'"),
    ("X", "names are lowercase: write x"),
    ("ln(x)", "unknown function 'ln'"),
    ("xy", "write x*y"),
    ("sin", "is a function — write sin(x)"),
])
def test_messages_say_what_and_where(text, where):
    with pytest.raises(ExpressionError) as err:
        parse(text)
    assert where in str(err.value)


HOSTILE = [
    "__import__('os').system('touch {s}')", "open('{s}', 'w')", "exec(\"open('{s}','w')\")",
    "eval('1')", "compile('1', 'f', 'eval')", "globals()", "locals()", "vars()", "dir()",
    "x.__class__", "x.__class__.__bases__[0].__subclasses__()", "().__class__", "[].__class__",
    "lambda: 0", "(lambda x: x)(1)", "[x for x in (1,)]", "{1: 2}", "{1, 2}", "(x := 3)",
    "f'{{x}}'", "'abc'", "b'abc'", "x[0]", "x if y else 1", "x and y", "not x", "x < y", "x == 1",
    "x // 2", "x % 2", "x @ y", "x & y", "~x", "x << 2", "*x", "sin(*x)", "sin(x=1)", "print(x)",
    "getattr(x, 'real')", "breakpoint()", "import os", "os.system('ls')", "sin.__call__(x)",
    "x; import os", "x\nimport os", "9**9**9", "10**1000", "1e999", "", "   ", "\x00", "х^2",
]


def test_hostile_strings_are_rejected_without_side_effects(tmp_path):
    sentinel = tmp_path / "sentinel"
    environ = dict(os.environ)
    for template in HOSTILE:
        text = template.replace("{s}", str(sentinel))
        with pytest.raises(ExpressionError) as err:
            parse(text)
        assert len(str(err.value)) > 15, text  # a message a student can act on
    assert not sentinel.exists() and dict(os.environ) == environ and len(HOSTILE) >= 40


def test_non_text_is_an_expression_error():
    for value in (None, 3, b"x", ["x"]):
        with pytest.raises(ExpressionError, match="as text"):
            parse(value)


def test_graph_is_topological_and_shares_variables():
    f = parse("x*y + sin(x)")
    nodes = f.graph()
    assert [n.id for n in nodes] == list(range(len(nodes))) and f.root == nodes[-1].id
    assert all(i < n.id for n in nodes for i in n.inputs)
    assert sum(n.op == "x" for n in nodes) == 1  # x used twice, one node
    assert [n.op for n in nodes] == ["x", "y", "mul", "sin", "add"]
    assert parse("-2*x").graph()[0].value == -2.0  # a negative number is one node


def test_forward_nodes_give_values_and_autograd_gradients_per_node():
    f = parse("x*y + sin(x)")
    vals = forward_nodes(f, x=2.0, y=3.0)
    vals[f.root].backward()
    x, y, mul, sin, add = (vals[n.id] for n in f.graph())
    assert add.item() == pytest.approx(6 + math.sin(2))
    assert float(x.grad) == pytest.approx(3 + math.cos(2))  # both uses of x add up
    assert float(y.grad) == pytest.approx(2.0)
    assert mul.grad.item() == 1.0 and sin.grad.item() == 1.0


def test_forward_nodes_constant_exponent_gives_no_nan():
    f = parse("x^2 * 3")
    vals = forward_nodes(f, x=-1.5)
    vals[f.root].backward()
    assert float(vals[0].grad) == pytest.approx(-9.0)
    assert float(vals[f.root - 1].grad) == pytest.approx(2.25)  # d out / d 3 = x^2


def test_forward_nodes_needs_the_variables():
    with pytest.raises(TypeError):
        forward_nodes(parse("x*y"), x=1.0)
    with pytest.raises(TypeError):
        forward_nodes(parse("x"), x=1.0, z=2.0)
